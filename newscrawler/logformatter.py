"""LogFormatter: Scrapy's messages per page and per item, built only when they would be shown.

Scrapy logs "Crawled (200) <GET ...>" for every response and "Scraped from ..." for every
item at DEBUG, and sets the root logger to let every record through: each one is built
(a ``LogRecord``, the referer looked up) and then refused by the handler when
``LOG_LEVEL`` is INFO or WARNING, as every crawl runs (``newscrawler crawl``: WARNING, INFO
with ``--verbose``). This formatter skips those messages (Scrapy's documented ``None``)
when ``LOG_LEVEL`` is above their level, so the log shows exactly what it showed before.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.logformatter import LogFormatter as ScrapyLogFormatter
from scrapy.logformatter import LogFormatterResult
from scrapy.spiders import Spider
from twisted.python.failure import Failure


def log_level(value: Any) -> int:
    """``LOG_LEVEL`` as a number (a name such as "INFO", or a number); DEBUG when unknown.

    >>> log_level("INFO"), log_level("warning"), log_level(10), log_level("nonsense")
    (20, 30, 10, 10)
    """
    if isinstance(value, int):
        return value
    number = logging.getLevelName(str(value).upper())
    return number if isinstance(number, int) else logging.DEBUG


class LogFormatter(ScrapyLogFormatter):
    """Scrapy's formatter, minus the messages below ``LOG_LEVEL`` (see the module)."""

    def __init__(self, level: int = logging.DEBUG) -> None:
        self.level = level

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LogFormatter:
        s = crawler.settings
        if not s.getbool("LOG_ENABLED", True):
            return cls(logging.CRITICAL + 1)
        return cls(log_level(s.get("LOG_LEVEL", "DEBUG")))

    def crawled(self, request: Request, response: Response,  # type: ignore[override]
                spider: Spider) -> LogFormatterResult | None:
        if self.level > logging.DEBUG:
            return None
        return super().crawled(request, response, spider)

    def scraped(self, item: Any, response: Response | Failure | None,  # type: ignore[override]
                spider: Spider) -> LogFormatterResult | None:
        if self.level > logging.DEBUG:
            return None
        return super().scraped(item, response, spider)

    def dropped(self, item: Any, exception: BaseException,  # type: ignore[override]
                response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult | None:
        result = super().dropped(item, exception, response, spider)
        return result if result["level"] >= self.level else None
