"""CrawlDelayMiddleware: robots.txt ``Crawl-delay`` honoured; robots.txt errors in one line."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class OneLineErrors(logging.Filter):
    """Turn the robots.txt middleware's error tracebacks into one warning line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR and record.exc_info:
            exc = record.exc_info[1]
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "robots.txt could not be fetched (%s: %s); crawling without it"
            record.args = (type(exc).__name__, exc)
        return True


class CrawlDelayMiddleware:
    """Apply a site's robots.txt ``Crawl-delay`` to its download slot.

    The delay is read when Scrapy parses robots.txt (the ``robots_parsed`` signal) and set
    on the slot of that host, without jitter, and set again after every response (so
    AutoThrottle never goes below it). Errors fetching robots.txt (an unreachable site) are
    logged as one warning line instead of a traceback.

    Settings: ``ROBOTSTXT_OBEY`` (off: this middleware is off too).
    Stats: ``robotstxt/crawl_delay`` (seconds, the largest seen).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.user_agent = (crawler.settings.get("ROBOTSTXT_USER_AGENT")
                           or crawler.settings.get("USER_AGENT") or "*")
        self.delays: dict[str, float] = {}  # slot key -> Crawl-delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("ROBOTSTXT_OBEY is off")
        middleware = cls(crawler)
        crawler.signals.connect(middleware.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(middleware.response_downloaded,
                                signal=signals.response_downloaded)
        logger = logging.getLogger(ROBOTS_LOGGER)
        if not any(isinstance(f, OneLineErrors) for f in logger.filters):
            logger.addFilter(OneLineErrors())
        return middleware

    def robots_parsed(self, robotparser: Any, request: Request, **_: Any) -> None:
        """Remember the Crawl-delay of the host ``request`` goes to."""
        reader = getattr(robotparser, "crawl_delay", None)
        delay = reader(self.user_agent) if reader is not None else None
        if not delay or delay <= 0:
            return
        key = self._slot_key(request)
        self.delays[key] = float(delay)
        assert self.stats is not None
        self.stats.max_value("robotstxt/crawl_delay", float(delay))
        spider = self.crawler.spider
        if spider is not None:
            spider.logger.info("robots.txt asks for %gs between requests to %s", delay, key)
        self._apply(key)

    def process_request(self, request: Request, spider: Any = None) -> None:
        self._apply(self._slot_key(request))

    def response_downloaded(self, response: Response, request: Request, **_: Any) -> None:
        self._apply(self._slot_key(request))

    def _apply(self, key: str) -> None:
        delay = self.delays.get(key)
        engine = self.crawler.engine
        if delay is None or engine is None:
            return
        slot = engine.downloader.slots.get(key)
        if slot is not None and (slot.delay < delay or slot.jitter):
            slot.delay = max(slot.delay, delay)
            slot.jitter = 0.0

    def _slot_key(self, request: Request) -> str:
        engine = self.crawler.engine
        return engine.downloader.get_slot_key(request) if engine is not None else ""
