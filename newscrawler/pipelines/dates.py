"""DatesPipeline: one published and one updated date per article, in Istanbul time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from newscrawler.items import ArticleItem
from newscrawler.text.dates import DateCandidate, DateChoice, choose_dates, format_date

if TYPE_CHECKING:  # the module imports no Scrapy: extraction workers run date_fields
    from scrapy.crawler import Crawler


class DateFields(NamedTuple):
    """The date fields chosen for an item, and what DatesPipeline counts of the choice."""

    published_at: str | None
    date_precision: str | None
    date_source: str | None
    date_raw: str | None
    updated_at: str | None
    rejected: int
    disagreement: bool


def date_fields(candidates: Iterable[DateCandidate], fetched_at: str) -> DateFields:
    """Reconcile date candidates for a page fetched at ``fetched_at`` (ISO)."""
    return _fields(choose_dates(candidates, fetched_at=datetime.fromisoformat(fetched_at)))


def _fields(choice: DateChoice) -> DateFields:
    published = choice.published
    return DateFields(
        None if published is None else format_date(published.value),
        None if published is None else published.precision,
        None if published is None else published.source,
        None if published is None else published.raw,
        None if choice.updated is None else format_date(choice.updated.value),
        len(choice.rejected),
        choice.disagreement_days is not None and choice.disagreement_days > 1)


def _fill(item: ArticleItem, fields: DateFields) -> None:
    if fields.published_at is not None:
        item.published_at = fields.published_at
        item.date_precision = fields.date_precision
        item.date_source = fields.date_source
        item.date_raw = fields.date_raw
    if fields.updated_at is not None:
        item.updated_at = fields.updated_at


def date_item(item: ArticleItem) -> DateChoice:
    """Reconcile the item's date candidates and fill its date fields."""
    fetched = datetime.fromisoformat(item.fetched_at)
    choice = choose_dates(item.date_candidates, fetched_at=fetched)
    _fill(item, _fields(choice))
    return choice


def prepared_dates(item: ArticleItem) -> DateFields | None:
    """The worker's choice, when it saw all of the item's candidates and its fetch time."""
    prepared = item.prepared
    if prepared is None or prepared.dates is None:
        return None
    return prepared.dates


class DatesPipeline:
    """Parse Turkish dates from every source, keep the most reliable, never a future one.

    An item an extraction worker dated ahead (``item.prepared``) is only filled and counted.
    Stats: ``dates/missing``, ``dates/rejected`` (future or implausible values),
    ``dates/disagreements`` (sources more than a day apart), ``dates/source/<name>``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DatesPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        fields = prepared_dates(item) or date_fields(item.date_candidates, item.fetched_at)
        _fill(item, fields)
        assert self.stats is not None
        if fields.published_at is None:
            self.stats.inc_value("dates/missing")
        else:
            self.stats.inc_value(f"dates/source/{fields.date_source}")
        if fields.rejected:
            self.stats.inc_value("dates/rejected", fields.rejected)
        if fields.disagreement:
            self.stats.inc_value("dates/disagreements")
        return item
