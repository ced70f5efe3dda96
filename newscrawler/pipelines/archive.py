"""ArchivePipeline: batched, transactional writes of articles and raw pages to SQLite."""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from archive import Archive
from newscrawler.items import ArticleItem


class ArchivePipeline:
    """Write articles to the archive in batches, one transaction per batch.

    Every run is recorded in ``crawl_runs`` (status ``running`` until the spider closes;
    a run killed hard is marked ``killed`` by the next one). The fetched HTML of every
    article page, kept or dropped, goes to ``raw_pages`` for later re-extraction.

    Settings: ``ARCHIVE_DB``, ``ARCHIVE_BATCH_SIZE``, ``ARCHIVE_FLUSH_SECONDS``,
    ``ARCHIVE_RAW_PAGES``, ``ARCHIVE_TIMEOUT``, ``NEWSCRAWLER_MAX_ARTICLES`` (items past the
    limit, already in flight when the crawl was told to stop, are dropped here).
    Stats: ``archive/inserted``, ``archive/updated``, ``archive/unchanged``,
    ``archive/raw_pages``, ``archive/batches``, ``archive/over_limit``.
    """

    def __init__(self, crawler: Crawler, path: str, *, batch_size: int, flush_seconds: float,
                 raw_pages: bool, timeout: float, max_articles: int = 0) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = path
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.keep_raw = raw_pages
        self.timeout = timeout
        self.max_articles = max_articles
        self.accepted = 0
        self.store: Archive | None = None
        self.run_id: int | None = None
        self.records: list[dict[str, Any]] = []
        self.raw: list[dict[str, Any]] = []
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        s = crawler.settings
        path = s.get("ARCHIVE_DB")
        if not path:
            raise NotConfigured("ARCHIVE_DB is not set")
        pipeline = cls(
            crawler,
            path,
            batch_size=s.getint("ARCHIVE_BATCH_SIZE", 100),
            flush_seconds=s.getfloat("ARCHIVE_FLUSH_SECONDS", 5.0),
            raw_pages=s.getbool("ARCHIVE_RAW_PAGES", True),
            timeout=s.getfloat("ARCHIVE_TIMEOUT", 30.0),
            max_articles=s.getint("NEWSCRAWLER_MAX_ARTICLES", 0),
        )
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.store = Archive(self.path, timeout=self.timeout)
        self.store.mark_stale_runs()
        spider = self.crawler.spider
        site = getattr(spider, "name", "?")
        self.run_id = self.store.start_run(site, pid=os.getpid())

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if self.max_articles and self.accepted >= self.max_articles:
            # Requests already in flight when the limit was reached end here.
            assert self.stats is not None
            self.stats.inc_value("archive/over_limit")
            raise DropItem(f"NEWSCRAWLER_MAX_ARTICLES ({self.max_articles}) reached: {item.url}",
                           log_level="DEBUG")
        self.accepted += 1
        self.records.append(item.record())
        self._keep_raw(item)
        if len(self.records) >= self.batch_size or (
            time.monotonic() - self.last_flush >= self.flush_seconds
        ):
            self.flush()
        return item

    def item_dropped(self, item: Any, **_: Any) -> None:
        """Keep the raw page of a dropped article page too (it may be re-extracted)."""
        if isinstance(item, ArticleItem):
            self._keep_raw(item)

    def _keep_raw(self, item: ArticleItem) -> None:
        if self.keep_raw and item.raw_html is not None:
            self.raw.append({
                "url": item.url,
                "site": item.site,
                "fetched_at": item.fetched_at,
                "status": item.status,
                "content_type": item.content_type,
                "encoding": item.encoding,
                "body": item.raw_html,
            })
            item.raw_html = None

    def flush(self) -> None:
        """Write the buffered articles and raw pages in one transaction each."""
        assert self.store is not None and self.stats is not None
        if self.records:
            statuses = Counter(self.store.save_articles(self.records))
            for status, key in (("new", "inserted"), ("updated", "updated"),
                                ("unchanged", "unchanged")):
                if statuses[status]:
                    self.stats.inc_value(f"archive/{key}", statuses[status])
            self.stats.inc_value("archive/batches")
            self.records = []
        if self.raw:
            self.store.save_raw_pages(self.raw)
            self.stats.inc_value("archive/raw_pages", len(self.raw))
            self.raw = []
        self.last_flush = time.monotonic()

    def close_spider(self) -> None:
        """Write what is left; the run is closed on ``spider_closed``, which knows why."""
        if self.store is not None:
            self.flush()

    def spider_closed(self, reason: str, **_: Any) -> None:
        """Record the run's end, status and stats; close the archive."""
        if self.store is None:
            return
        assert self.stats is not None
        status = run_status(reason)
        if self.run_id is not None:
            stats = {k: _jsonable(v) for k, v in self.stats.get_stats().items()}
            stats["finish_reason"] = reason
            self.store.finish_run(self.run_id, status=status, stats=stats)
        self.store.close()
        self.store = None


def run_status(reason: str) -> str:
    """The ``crawl_runs`` status for Scrapy's close reason.

    >>> run_status("closespider_itemcount"), run_status("shutdown"), run_status("cancelled")
    ('finished', 'killed', 'failed')
    """
    if reason == "finished" or reason.startswith("closespider_"):
        return "finished"
    if reason == "shutdown":
        return "killed"
    return "failed"


def _jsonable(value: Any) -> Any:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
