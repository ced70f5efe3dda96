"""RetryAfterMiddleware: a site that answers 429 or 503 with Retry-After gets its pause."""

from __future__ import annotations

import email.utils
import math
import time
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future

STATUSES = (429, 503)


def retry_after_seconds(value: bytes | str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if unusable.

    >>> retry_after_seconds(b"60"), retry_after_seconds("0"), retry_after_seconds(b"soon")
    (60.0, 0.0, None)
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0)
    30.0
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0)
    0.0
    """
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


class RetryAfterMiddleware:
    """Honour ``Retry-After`` on 429 and 503, per download slot (one site), up to a cap.

    A Retry-After within ``RETRY_AFTER_MAX`` seconds pauses that slot (requests already
    queued and new ones alike) and retries the request after the pause (``RETRY_TIMES``
    retries at most; none when ``RETRY_ENABLED`` is off). A longer one stops the crawl at
    once with the close reason ``rate_limited``: nothing more is sent. A 429 without a
    usable Retry-After pauses the slot ``RETRY_AFTER_DEFAULT`` seconds, doubled for each
    further one of that site, up to ``RETRY_AFTER_MAX`` (then it too stops the crawl); a 503
    without Retry-After is a server error, left to Scrapy's RetryMiddleware.

    Settings: ``RETRY_AFTER_MAX``, ``RETRY_AFTER_DEFAULT`` (seconds).
    Stats: ``ratelimit/429``, ``ratelimit/503``, ``ratelimit/retry_after_seconds`` (the
    largest seen), ``ratelimit/stopped_retry_after`` (the one that stopped the crawl).
    """

    def __init__(self, crawler: Crawler, cap: float, *, retry: bool = True,
                 default: float = 10.0) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.cap = cap
        self.retry = retry
        self.default = default
        self.backoffs: dict[str, int] = {}  # slot key -> 429s without Retry-After so far
        self.paused: dict[str, float] = {}  # slot key -> monotonic time it may send again
        self.stopped = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        s = crawler.settings
        return cls(crawler, s.getfloat("RETRY_AFTER_MAX", 120.0),
                   retry=s.getbool("RETRY_ENABLED", True),
                   default=s.getfloat("RETRY_AFTER_DEFAULT", 10.0))

    async def process_request(self, request: Request, spider: Any = None) -> None:
        """Hold a request while its slot is paused."""
        key = self._slot_key(request)
        while (wait := self.paused.get(key, 0.0) - time.monotonic()) > 0:
            if self._closing():
                raise IgnoreRequest("the crawl is stopping")
            await _sleep(min(wait, 0.5))
        if self.stopped:
            raise IgnoreRequest("the site asked us to stop (Retry-After beyond the cap)")

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        if response.status not in STATUSES:
            return response
        assert self.stats is not None
        self.stats.inc_value(f"ratelimit/{response.status}")
        seconds = retry_after_seconds(response.headers.get("Retry-After"))
        if seconds is None:
            if response.status != 429:
                return response
            seconds = self._backoff(self._slot_key(request))
        else:
            self.stats.max_value("ratelimit/retry_after_seconds", math.ceil(seconds))
        whole = math.ceil(seconds)
        if seconds > self.cap:
            self._stop(request, response.status, whole)
            raise IgnoreRequest(f"HTTP {response.status} Retry-After {whole}s is beyond "
                                f"RETRY_AFTER_MAX ({self.cap:g}s)")
        self._pause(self._slot_key(request), seconds)
        if self.crawler.spider is None or not self.retry:
            return response
        retry = get_retry_request(request, spider=self.crawler.spider,
                                  reason=f"{response.status} Retry-After {whole}s")
        if retry is None:
            request.meta["dont_retry"] = True  # given up (and logged) once is enough
            return response
        return retry

    def _backoff(self, key: str) -> float:
        """The pause for a 429 that gave no usable Retry-After: the pause under way, if
        any (requests in flight answer together), else twice the last one."""
        assert self.stats is not None
        self.stats.inc_value("ratelimit/no_retry_after")
        left = self.paused.get(key, 0.0) - time.monotonic()
        if left > 0:
            return left
        n = self.backoffs.get(key, 0)
        self.backoffs[key] = n + 1
        return self.default * 2**n

    def _slot_key(self, request: Request) -> str:
        engine = self.crawler.engine
        if engine is None:
            return ""
        return engine.downloader.get_slot_key(request)

    def _pause(self, key: str, seconds: float) -> None:
        """No request of slot ``key`` leaves before ``seconds`` from now."""
        until = max(self.paused.get(key, 0.0), time.monotonic() + seconds)
        self.paused[key] = until
        engine = self.crawler.engine
        downloader = engine.downloader if engine is not None else None
        slot = downloader.slots.get(key) if downloader is not None else None
        resume = getattr(downloader, "_latercall", None)
        if slot is None or resume is None:
            return  # new requests still wait in process_request
        from scrapy.utils.asyncio import call_later

        # Requests already queued in the slot wait too: the downloader holds a slot's
        # queue while its latercall is pending.
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(until - time.monotonic(), resume, slot)

    def _stop(self, request: Request, status: int, seconds: int) -> None:
        if self.stopped:
            return
        self.stopped = True
        assert self.stats is not None
        self.stats.set_value("ratelimit/stopped_retry_after", seconds)
        spider = self.crawler.spider
        if spider is not None:
            spider.logger.warning(
                "%s answered %d with Retry-After %ds, more than RETRY_AFTER_MAX (%gs): "
                "stopping; crawl again after that time", request.url, status, seconds,
                self.cap)
        engine = self.crawler.engine
        if engine is not None:
            self._closing_call = deferred_from_coro(
                engine.close_spider_async(reason="rate_limited"))

    def _closing(self) -> bool:
        engine = self.crawler.engine
        if engine is None or not engine.running or self.stopped:
            return True
        slot = getattr(engine, "_slot", None)
        return getattr(slot, "closing", None) is not None


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor, task

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))
