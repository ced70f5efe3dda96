"""DatesPipeline: one published and one updated date per article, in Istanbul time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapy.crawler import Crawler

from newscrawler.items import ArticleItem
from newscrawler.text.dates import DateChoice, choose_dates, format_date


def date_item(item: ArticleItem) -> DateChoice:
    """Reconcile the item's date candidates and fill its date fields."""
    fetched = datetime.fromisoformat(item.fetched_at)
    choice = choose_dates(item.date_candidates, fetched_at=fetched)
    if choice.published is not None:
        item.published_at = format_date(choice.published.value)
        item.date_precision = choice.published.precision
        item.date_source = choice.published.source
        item.date_raw = choice.published.raw
    if choice.updated is not None:
        item.updated_at = format_date(choice.updated.value)
    return choice


class DatesPipeline:
    """Parse Turkish dates from every source, keep the most reliable, never a future one.

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
        choice = date_item(item)
        assert self.stats is not None
        if choice.published is None:
            self.stats.inc_value("dates/missing")
        else:
            self.stats.inc_value(f"dates/source/{choice.published.source}")
        if choice.rejected:
            self.stats.inc_value("dates/rejected", len(choice.rejected))
        if choice.disagreement_days is not None and choice.disagreement_days > 1:
            self.stats.inc_value("dates/disagreements")
        return item
