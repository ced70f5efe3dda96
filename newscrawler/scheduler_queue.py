"""CompactLifoQueue: the scheduler's in-memory queue, holding each request pickled.

A sitemap of 20,000 articles schedules 20,000 requests at once; as live ``Request``
objects (headers, meta, fingerprint caches, Scrapy's reference tracking) they take about
1.7 KB each, 34 MB in all, for the first minutes of the crawl. Pickled as
``Request.to_dict`` gives them (what Scrapy's disk queues write, without a ``JOBDIR`` and
its files) they take about 300 bytes. The order is Scrapy's default memory queue's (last
in, first out within a priority). A request that cannot be pickled (a callback that is
not a spider method) is kept as it is.

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
        try:
            data: bytes | Request = pickle.dumps(request.to_dict(spider=self.crawler.spider),
                                                 protocol=pickle.HIGHEST_PROTOCOL)
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
        request: Request = request_from_dict(pickle.loads(data), spider=self.crawler.spider)
        return request
