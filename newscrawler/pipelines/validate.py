"""ValidatePipeline: only real articles with a title and a body reach the archive."""

from __future__ import annotations

from datetime import date
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawler.items import ArticleItem


def problem(item: ArticleItem, *, min_body_chars: int, since: date | None = None) -> str | None:
    """Why ``item`` is not an archivable article, or None when it is."""
    if not item.is_article:
        return f"not an article ({item.reason or 'no article markup'})"
    if not item.title:
        return "no title"
    if not item.body.strip():
        return "empty body"
    if len(item.body) < min_body_chars:
        return f"body shorter than {min_body_chars} characters"
    if since and item.published_at and item.published_at[:10] < since.isoformat():
        return f"published before {since.isoformat()}"
    return None


def reason_key(reason: str) -> str:
    """A stats key for a drop reason.

    >>> reason_key("not an article (no article body)")
    'not_an_article'
    >>> reason_key("body shorter than 150 characters")
    'body_too_short'
    """
    if reason.startswith("body shorter"):
        return "body_too_short"
    if reason.startswith("published before"):
        return "older_than_since"
    return reason.split(" (")[0].replace(" ", "_")


class ValidatePipeline:
    """Drop non-articles, empty or truncated bodies and articles older than ``--since``.

    Settings: ``VALIDATE_MIN_BODY_CHARS``, ``NEWSCRAWLER_SINCE``.
    Stats: ``validate/ok``, ``validate/dropped/<reason>``.
    """

    def __init__(self, crawler: Crawler, min_body_chars: int, since: date | None) -> None:
        self.stats = crawler.stats
        self.min_body_chars = min_body_chars
        self.since = since

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        since = crawler.settings.get("NEWSCRAWLER_SINCE") or ""
        return cls(
            crawler,
            crawler.settings.getint("VALIDATE_MIN_BODY_CHARS", 150),
            date.fromisoformat(since) if since else None,
        )

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        assert self.stats is not None
        reason = problem(item, min_body_chars=self.min_body_chars, since=self.since)
        if reason:
            self.stats.inc_value(f"validate/dropped/{reason_key(reason)}")
            raise DropItem(f"{reason}: {item.url}", log_level="INFO")
        self.stats.inc_value("validate/ok")
        return item
