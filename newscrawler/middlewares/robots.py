"""RobotsMiddleware: Scrapy's robots.txt middleware, obeyed by every request, with Crawl-delay."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

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


class RobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, mended and extended (it replaces it in the settings).

    - Every request obeys robots.txt: in Scrapy 2.19 the requests that wait for robots.txt
      share one Deferred, and all but the first of them get None (no parser) and go out
      unchecked; a disallow-all robots.txt still let the listing page through.
    - ``Crawl-delay`` is honoured: read when robots.txt is parsed (the ``robots_parsed``
      signal), set on the slot of that host without jitter, and set again after every
      response (so AutoThrottle never goes below it).
    - An error fetching robots.txt (an unreachable site) is one warning line, not a
      traceback.

    Settings: ``ROBOTSTXT_OBEY`` (off: this middleware is off), Scrapy's robots settings.
    Stats: Scrapy's ``robotstxt/*``, ``robotstxt/crawl_delay`` (seconds, the largest seen).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.user_agent = (crawler.settings.get("ROBOTSTXT_USER_AGENT")
                           or crawler.settings.get("USER_AGENT") or "*")
        self.delays: dict[str, float] = {}  # slot key -> Crawl-delay

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsMiddleware:
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
        self._stats.max_value("robotstxt/crawl_delay", float(delay))
        spider = self.crawler.spider
        if spider is not None:
            spider.logger.info("robots.txt asks for %gs between requests to %s", delay, key)
        self._apply(key)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """The parser for the request's host, also for requests that waited for it."""
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if stored is not None and not isinstance(stored, Deferred):
                return stored
        return parser

    async def process_request(self, request: Request, spider: Any = None) -> None:
        await super().process_request(request)
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
