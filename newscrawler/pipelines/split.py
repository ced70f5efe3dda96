"""SplitHeadlinesPipeline: the article body apart from the trailing headline list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from newscrawler.items import ArticleItem
from newscrawler.text.split import split_blocks

if TYPE_CHECKING:  # the module imports no Scrapy: extraction workers run split_item
    from scrapy.crawler import Crawler


def split_item(item: ArticleItem, credit_lines: Sequence[str]) -> None:
    """Fill ``paragraphs``, ``body``, ``credit`` and ``headlines`` from the item's blocks."""
    result = split_blocks(item.blocks, credit_lines)
    item.paragraphs = list(result.paragraphs)
    item.body = "\n\n".join(result.paragraphs)
    item.credit = result.credit
    item.headlines = [
        {"position": h.position, "title": h.title, "url": h.url} for h in result.headlines
    ]


class SplitHeadlinesPipeline:
    """Keep the list of other headlines under an article as data, never in its body.

    Credit lines come from the site profile and ``SPLIT_CREDIT_LINES``. An item split ahead
    by an extraction worker (``EXTRACT_WORKERS``, ``item.prepared``) is only counted.
    Stats: ``split/headlines`` (headlines kept), ``split/with_headlines`` (articles that
    had a list), ``split/credit`` (articles with a credit line).
    """

    def __init__(self, crawler: Crawler, credit_lines: Sequence[str]) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.credit_lines = tuple(credit_lines)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SplitHeadlinesPipeline:
        return cls(crawler, crawler.settings.getlist("SPLIT_CREDIT_LINES"))

    def credits(self) -> tuple[str, ...]:
        """The credit lines: the site profile's, then ``SPLIT_CREDIT_LINES``."""
        profile = getattr(self.crawler.spider, "profile", None)
        return (*(profile.credit if profile else ()), *self.credit_lines)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if item.prepared is None or not item.prepared.split:
            split_item(item, self.credits())
        assert self.stats is not None
        if item.headlines:
            self.stats.inc_value("split/headlines", len(item.headlines))
            self.stats.inc_value("split/with_headlines")
        if item.credit:
            self.stats.inc_value("split/credit")
        return item
