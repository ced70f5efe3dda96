"""ProgressExtension: a short live progress line on stderr while a crawl runs."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from newscrawler.outcome import counts, crawl_outcome


def progress_line(site: str, stats: dict[str, Any], outcome: str | None = None) -> str:
    """One progress line from crawl stats (the summary's numbers: ``outcome.counts``).

    >>> progress_line("hibya", {"downloader/response_count": 12, "archive/inserted": 3})
    '[hibya] pages 12 | new 3 | updated 0 | unchanged 0 | dropped 0 | errors 0'
    >>> progress_line("hibya", {"downloader/response_count": 1}, "failed")
    '[hibya] failed: pages 1 | new 0 | updated 0 | unchanged 0 | dropped 0 | errors 0'
    """
    parts = [f"{label} {n}" for label, n in counts(stats).items()]
    return f"[{site}] " + (f"{outcome}: " if outcome else "") + " | ".join(parts)


class ProgressExtension:
    """Print :func:`progress_line` every ``PROGRESS_INTERVAL`` seconds (0 switches it off).

    The last line, when the spider closes, starts with the crawl's outcome word
    (``finished``, ``failed``, ``blocked``, ``killed``), the same as the summary's.
    """

    def __init__(self, crawler: Crawler, interval: float, out: TextIO = sys.stderr) -> None:
        self.crawler = crawler
        self.interval = interval
        self.out = out
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL", 5.0)
        if interval <= 0:
            raise NotConfigured("PROGRESS_INTERVAL is 0")
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.report, spider)
        self.loop.start(self.interval, now=False)

    def report(self, spider: Any) -> None:
        assert self.crawler.stats is not None
        print(progress_line(spider.name, self.crawler.stats.get_stats()), file=self.out,
              flush=True)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        print(progress_line(spider.name, stats, crawl_outcome(stats, reason).status),
              file=self.out, flush=True)
