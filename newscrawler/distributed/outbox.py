"""OutboxPipeline: a worker's items, raw pages included, go to the Redis item stream.

It takes the archive pipeline's place (priority 600) in ``crawl --redis``: each article
that passed the pipelines becomes one stream entry carrying its archive record and its
raw page; a dropped article page sends its raw page alone (``article`` false), as the
archive pipeline keeps it. Entries are appended at once (``XADD``); the writer
(:mod:`.writer`) acknowledges them after its commit. Run events (``run_start``,
``worker_done``, ``run_end``) travel on the same stream, so the writer sees them in order.

Settings: ``REDIS_URL``, ``NEWSCRAWLER_RUN_ID``, ``ARCHIVE_RAW_PAGES``,
``NEWSCRAWLER_MAX_ARTICLES``. Stats: ``outbox/articles``, ``outbox/raw_pages``,
``outbox/over_limit``.
"""

from __future__ import annotations

import json
from typing import Any

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newscrawler.distributed import keys
from newscrawler.distributed.connection import connect, retrying
from newscrawler.items import ArticleItem


def post(server: redis.Redis, kind: str, run: int, site: str, data: dict[str, Any],
         body: bytes | None = None) -> None:
    """Append one entry to the item stream (retried through a Redis restart)."""
    fields: dict[Any, Any] = {"kind": kind, "run": run, "site": site,
                              "data": json.dumps(data, ensure_ascii=False, default=str)}
    if body is not None:
        fields["body"] = body
    retrying(lambda: server.xadd(keys.ITEMS, fields), what="Redis (item stream)")


class OutboxPipeline:
    """Send article records and raw pages to the Redis item stream."""

    def __init__(self, crawler: Crawler, server: redis.Redis, run: int, *, raw_pages: bool,
                 max_articles: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.server = server
        self.run = run
        self.keep_raw = raw_pages
        self.max_articles = max_articles
        self.accepted = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutboxPipeline:
        s = crawler.settings
        url = s.get("REDIS_URL")
        if not url or not s.get("NEWSCRAWLER_RUN_ID"):
            raise NotConfigured("not a distributed crawl (REDIS_URL, NEWSCRAWLER_RUN_ID)")
        pipeline = cls(crawler, connect(url), s.getint("NEWSCRAWLER_RUN_ID"),
                       raw_pages=s.getbool("ARCHIVE_RAW_PAGES", True),
                       max_articles=s.getint("NEWSCRAWLER_MAX_ARTICLES", 0))
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        assert self.stats is not None
        if self.max_articles and self.accepted >= self.max_articles:
            self.stats.inc_value("outbox/over_limit")
            raise DropItem(f"NEWSCRAWLER_MAX_ARTICLES ({self.max_articles}) reached: {item.url}",
                           log_level="DEBUG")
        self.accepted += 1
        self._send(item, article=True)
        self.stats.inc_value("outbox/articles")
        return item

    def item_dropped(self, item: Any, **_: Any) -> None:
        """Keep the raw page of a dropped article page too (it may be re-extracted)."""
        if isinstance(item, ArticleItem) and self.keep_raw and item.raw_html is not None:
            self._send(item, article=False)

    def _send(self, item: ArticleItem, *, article: bool) -> None:
        raw = None
        page: dict[str, Any] = {}
        if self.keep_raw and item.raw_html is not None:
            raw = bytes(item.raw_html)
            page = {"url": item.url, "site": item.site, "fetched_at": item.fetched_at,
                    "status": item.status, "content_type": item.content_type,
                    "encoding": item.encoding, "article": article}
            assert self.stats is not None
            self.stats.inc_value("outbox/raw_pages")
        data = {"record": item.record() if article else None, "page": page or None}
        post(self.server, "article" if article else "raw", self.run, item.site, data, raw)
        item.raw_html = None
