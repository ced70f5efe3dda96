"""The shared scheduler: scrapy-redis's queue and duplicate filter, with in-flight records.

Verified against scrapy-redis 0.9.1 and Scrapy 2.19 (``docs/scale.md``): its ``Scheduler``
(``open``/``close``/``enqueue_request``/``next_request``/``has_pending_requests``) still
fits Scrapy's scheduler interface, its ``PriorityQueue`` (a sorted set) and
``RFPDupeFilter`` (a set of fingerprints) are used as they are. What changes here:

- ``next_request`` pops through :class:`~newscrawler.distributed.inflight.InFlight`, so a
  popped request is recorded in flight in the same atomic step (scrapy-redis's pop forgets it);
- ``open`` is its own (scrapy-redis's logs through ``Spider.log``, deprecated in Scrapy 2.19);
- ``enqueue_request`` checks the duplicate filter and queues in one Lua script (the
  filter's own fingerprint, the queue's own encoding), so that a retry after a reply lost
  in a Redis restart cannot drop the request as "seen"; it also counts stats without the
  ``spider`` argument Scrapy 2.19 deprecates;
- requests are serialized as JSON (:mod:`.serializer`), not pickle;
- every Redis call is retried with backoff while Redis restarts (:mod:`.connection`);
- the queue always persists (``SCHEDULER_PERSIST``): a worker's end must not clear the
  frontier other workers share; a new run clears it (:mod:`.runlock`).
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object
from scrapy.utils.request import request_from_dict
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from newscrawler.distributed import keys
from newscrawler.distributed.connection import retrying
from newscrawler.distributed.inflight import InFlight


class DistributedScheduler(Scheduler):
    """scrapy-redis's scheduler whose pops are recorded in the worker's in-flight set.

    Settings: ``REDIS_URL``, ``NEWSCRAWLER_WORKER_ID`` (set by ``crawl --redis``),
    ``NEWSCRAWLER_HEARTBEAT_TTL``. Stats: ``scheduler/enqueued/redis``,
    ``scheduler/dequeued/redis``.
    """

    inflight: InFlight | None = None
    df: Any

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedScheduler:
        settings = crawler.settings.copy()
        settings.frozen = False  # a private copy: the crawler's own stays frozen
        settings.set("SCHEDULER_PERSIST", True)
        settings.set("SCHEDULER_QUEUE_KEY", keys.QUEUE_TEMPLATE)
        settings.set("SCHEDULER_DUPEFILTER_KEY", keys.DUPEFILTER_TEMPLATE)
        settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter")
        settings.set("SCHEDULER_SERIALIZER", "newscrawler.distributed.serializer")
        instance = cls.from_settings(settings)
        instance.stats = crawler.stats
        instance.crawler = crawler
        instance.worker = crawler.settings.get("NEWSCRAWLER_WORKER_ID") or "worker"
        instance.heartbeat_ttl = crawler.settings.getfloat("NEWSCRAWLER_HEARTBEAT_TTL", 10.0)
        instance.held = {}
        return instance

    def open(self, spider: Any) -> None:
        # scrapy-redis's own open() does the same, then logs through the deprecated
        # Spider.log(); its flush_on_start is never wanted here (a joining worker).
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer)
        # scrapy-redis's from_spider reads the key template from the crawler's settings,
        # not the ones given to this scheduler: name the key here.
        self.df = RFPDupeFilter(self.server, key=keys.dupefilter(spider.name),
                                debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        self.inflight = InFlight(self.server, spider.name, self.worker,
                                 heartbeat_ttl=self.heartbeat_ttl)

    def enqueue_request(self, request: Request) -> bool:
        assert self.inflight is not None
        inflight = self.inflight
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)
        queued = retrying(lambda: inflight.push(fingerprint, -request.priority, data),
                          what="Redis (request queue)")
        if not queued:
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        assert self.inflight is not None
        data = retrying(self.inflight.pop, what="Redis (request queue)")
        if data is None:
            return None
        request = request_from_dict(self.queue.serializer.loads(data), spider=self.spider)
        self.held[data] = request
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def finished(self, active: set[Request] | None) -> int:
        """Forget the in-flight records of requests the engine no longer holds.

        :param active: the requests the engine still holds; None: it holds none.
        """
        assert self.inflight is not None
        gone = [data for data, request in self.held.items()
                if active is None or request not in active]
        for data in gone:
            del self.held[data]
        inflight = self.inflight
        retrying(lambda: inflight.done(gone))
        if active is None:  # anything still recorded was never received: put it back
            requeued = retrying(inflight.requeue_own)
            if requeued and self.stats:
                self.stats.inc_value("distributed/requeued_lost_pops", requeued)
        return len(gone)
