"""DedupePipeline: one item per canonical URL and per text within a crawl."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from archive import content_hash
from newscrawler.items import ArticleItem


class DedupePipeline:
    """Drop a second item with the same canonical URL, or the same text on the same site.

    Across runs the archive itself is the dedupe: it upserts by canonical URL and keeps
    revisions. The same agency release on two different sites is kept on purpose.
    Setting: ``DEDUPE_CONTENT``. Stats: ``dedupe/dropped_url``, ``dedupe/dropped_content``.
    """

    def __init__(self, crawler: Crawler, by_content: bool) -> None:
        self.stats = crawler.stats
        self.by_content = by_content
        #: The canonical URLs seen, each as ``hash(url)`` (its 64-bit hash) in a dict: ~1.3 MB
        #: at 20,000 pages where a set of the strings took ~2.5 MB.
        self.urls: dict[int, None] = {}
        #: Per site, the content hash's first 64 bits (an int, not the 40-character hex
        #: string) -> the first URL with that text; no (site, hash) tuple an entry.
        self.hashes: dict[str, dict[int, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler, crawler.settings.getbool("DEDUPE_CONTENT", True))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        assert self.stats is not None
        url = item.canonical_url or item.url
        key = hash(url)
        if key in self.urls:
            self.stats.inc_value("dedupe/dropped_url")
            raise DropItem(f"already seen in this crawl: {url}", log_level="INFO")
        self.urls[key] = None
        if self.by_content:
            prepared = item.prepared  # a worker's hash of this same text, when it has one
            digest = (prepared.content_hash if prepared is not None and prepared.content_hash
                      and prepared.holds(item) else content_hash(item.title or "", item.body))
            texts = self.hashes.get(item.site)
            if texts is None:
                texts = self.hashes[item.site] = {}
            first = texts.setdefault(int(digest[:16], 16), url)
            if first != url:
                self.stats.inc_value("dedupe/dropped_content")
                raise DropItem(f"same text as {first}: {url}", log_level="INFO")
        return item
