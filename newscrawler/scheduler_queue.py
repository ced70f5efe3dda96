"""CompactLifoQueue: the scheduler's in-memory queue, holding each request pickled.

A sitemap of 20,000 articles schedules 20,000 requests at once; as live ``Request``
objects (headers, meta, fingerprint caches, Scrapy's reference tracking) they take about
1.7 KB each, 34 MB in all, for the first minutes of the crawl. Pickled, they take ~180
bytes. A plain ``Request`` whose callbacks are spider methods is pickled as the list of
its attributes (``Request.attributes``, callbacks by name: 7 µs a push and 19 a pop, where
``Request.to_dict`` alone takes 70); another request class as ``to_dict`` gives it (what
Scrapy's disk queues write, without a ``JOBDIR`` and its files); one that cannot be
pickled (a callback that is not a spider method) is kept as it is. The order is Scrapy's
default memory queue's (last in, first out within a priority).

Set as ``SCHEDULER_MEMORY_QUEUE`` in ``newscrawler.settings``; the distributed crawl's
scheduler (Redis) does not use it.
"""

from __future__ import annotations

import pickle
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.request import request_from_dict

__all__ = ["CompactLifoQueue"]

_ATTRIBUTES: tuple[str, ...] = tuple(Request.attributes)
_CALLBACKS = ("callback", "errback")


def pack(request: Request, spider: Any) -> bytes | None:
    """A plain request's attributes pickled (callbacks by name), or None when it is not one
    (another class, a callback that is not a method of ``spider``)."""
    if type(request) is not Request:
        return None
    values: list[Any] = []
    for name in _ATTRIBUTES:
        value = getattr(request, name)
        if name in _CALLBACKS and value is not None:
            if getattr(value, "__self__", None) is not spider:
                return None
            value = value.__name__
        elif name == "headers":
            value = dict(value)
        values.append(value)
    return pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(values: list[Any], spider: Any) -> Request:
    """The request :func:`pack` pickled (its callbacks looked up on ``spider``)."""
    kwargs = dict(zip(_ATTRIBUTES, values, strict=True))
    for name in _CALLBACKS:
        if kwargs[name] is not None:
            kwargs[name] = getattr(spider, kwargs[name])
    return Request(**kwargs)


class CompactLifoQueue:
    """A last-in first-out queue of requests, pickled while they wait."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.items: list[bytes | Request] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CompactLifoQueue:
        return cls(crawler)

    def push(self, request: Request) -> None:
        """Queue a request (pickled when it can be)."""
        spider = self.crawler.spider
        data: bytes | Request
        try:
            data = pack(request, spider) or pickle.dumps(
                request.to_dict(spider=spider), protocol=pickle.HIGHEST_PROTOCOL)
        except (ValueError, TypeError, AttributeError, pickle.PicklingError):
            data = request
        self.items.append(data)

    def pop(self) -> Request | None:
        """The newest request, or None when the queue is empty."""
        return self._load(self.items.pop()) if self.items else None

    def peek(self) -> Request | None:
        """The request ``pop`` would return, left in the queue."""
        return self._load(self.items[-1]) if self.items else None

    def close(self) -> None:
        """Forget what is queued (Scrapy calls it when the crawl closes)."""
        self.items.clear()

    def __len__(self) -> int:
        return len(self.items)

    def _load(self, data: bytes | Request) -> Request:
        if isinstance(data, Request):
            return data
        loaded = pickle.loads(data)
        if isinstance(loaded, list):
            return unpack(loaded, self.crawler.spider)
        request: Request = request_from_dict(loaded, spider=self.crawler.spider)
        return request
