"""WorkerExtension: a worker's heartbeat, recovery of dead workers' requests, and its end.

Every ``NEWSCRAWLER_HEARTBEAT`` seconds the worker forgets the in-flight records of the
requests Scrapy is done with, refreshes its heartbeat and the run lock, and requeues the
requests of workers whose heartbeat expired. When Scrapy has nothing left to do locally
it asks Redis: while the run's frontier holds anything (queued, or in flight on any
worker) the worker stays (``DontCloseSpider``) and polls; once the frontier has been empty
for ``NEWSCRAWLER_DRAIN_GRACE`` seconds it closes (``finished``). At its end it adds its
stats to the run's, posts ``worker_done`` and leaves the run (:func:`.runlock.leave`). The
worker that ends the run posts ``run_end`` with its close reason and signal (the writer
records the run's outcome from them) and releases the run lock: the first to see the
frontier drained, one the site blocked or rate-limited (the run ends for all: the others
close with that reason at their next heartbeat), or else the last worker to leave (a
run whose workers all reached ``--max-articles`` or were stopped by a signal). A worker
stopped by a signal puts what it held back on the queue for the others.

Settings: ``REDIS_URL``, ``NEWSCRAWLER_RUN_ID``, ``NEWSCRAWLER_HEARTBEAT``,
``NEWSCRAWLER_HEARTBEAT_TTL``, ``NEWSCRAWLER_DRAIN_GRACE``. Stats:
``distributed/requeued`` (requests of dead workers put back), ``distributed/polls``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured
from twisted.internet import task

from newscrawler.distributed import keys, runlock
from newscrawler.distributed.connection import TRANSIENT, configure, connect, retrying
from newscrawler.distributed.dates import SharedDates
from newscrawler.distributed.outbox import post
from newscrawler.distributed.scheduler import DistributedScheduler
from newscrawler.outcome import SIGNAL_STAT

logger = logging.getLogger(__name__)


class WorkerExtension:
    """Keep a worker's in-flight record honest and end it when the run is drained."""

    def __init__(self, crawler: Crawler, url: str, run: int, *, interval: float,
                 grace: float, ttl: float) -> None:
        self.crawler = crawler
        self.server = connect(url)
        self.run_id = run
        self.interval = interval
        self.grace = grace
        self.ttl = ttl
        self.run: runlock.Run | None = None
        self.timer: task.LoopingCall | None = None
        self.empty_since: float | None = None
        self.drained = False
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerExtension:
        s = crawler.settings
        if not s.get("REDIS_URL") or not s.get("NEWSCRAWLER_RUN_ID"):
            raise NotConfigured("not a distributed crawl")
        configure(s.getfloat("REDIS_RETRY_SECONDS", 120.0))
        ext = cls(crawler, s.get("REDIS_URL"), s.getint("NEWSCRAWLER_RUN_ID"),
                  interval=s.getfloat("NEWSCRAWLER_HEARTBEAT", 1.0),
                  grace=s.getfloat("NEWSCRAWLER_DRAIN_GRACE", 2.0),
                  ttl=s.getfloat("NEWSCRAWLER_HEARTBEAT_TTL", 10.0))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    @property
    def scheduler(self) -> DistributedScheduler | None:
        slot = getattr(self.crawler.engine, "_slot", None)
        scheduler = getattr(slot, "scheduler", None)
        return scheduler if isinstance(scheduler, DistributedScheduler) else None

    @property
    def worker(self) -> str:
        """This worker's id (the scheduler's)."""
        scheduler = self.scheduler
        return scheduler.worker if scheduler is not None else \
            str(self.crawler.settings.get("NEWSCRAWLER_WORKER_ID") or "worker")

    def spider_opened(self, spider: Any) -> None:
        self.run = runlock.Run(self.run_id, spider.name, time.time(), "")
        if hasattr(spider, "_dates"):  # feed/sitemap dates travel to whichever worker fetches
            spider._dates = SharedDates(self.server, spider.name)
        entered = retrying(lambda: runlock.enter(self.server, self.run_id, self.worker,
                                                 alive_ttl=self.ttl), what="Redis (run)")
        if not entered:  # joined as the last worker left: nothing to do
            end = retrying(lambda: runlock.ended(self.server, self.run_id))
            self.drained = self.closing = True
            logger.warning("run %s of %s ended (%s) before this worker joined it", self.run_id,
                           spider.name, end.reason if end else "?")
            raise CloseSpider(end.reason if end else "finished")
        self.timer = task.LoopingCall(self.beat)
        self.timer.start(self.interval, now=True)

    def beat(self) -> None:
        """Forget finished requests, say we are alive, requeue the dead's requests."""
        scheduler = self.scheduler
        if scheduler is None or scheduler.inflight is None or self.run is None:
            return
        slot = getattr(self.crawler.engine, "_slot", None)
        active = getattr(slot, "inprogress", None)
        try:
            if isinstance(active, set):
                scheduler.finished(active)
            scheduler.inflight.beat(self.run_id)
            runlock.refresh(self.server, self.run, ttl=max(self.ttl * 3, 30.0))
            moved = scheduler.inflight.requeue_dead()
        except TRANSIENT as exc:  # Redis restarting: the next beat tries again
            logger.warning("heartbeat skipped, Redis unreachable: %s", exc)
            return
        if moved:
            logger.warning("requeued %d requests of workers that stopped beating", moved)
            self._count("distributed/requeued", moved)
        self._close_if_ended()

    def _close_if_ended(self) -> None:
        """Close this worker when another one ended the run (the site blocked us, ...)."""
        if self.closing:
            return
        try:
            end = runlock.ended(self.server, self.run_id)
        except TRANSIENT:
            return
        engine = self.crawler.engine
        if end is None or engine is None:
            return
        from scrapy.utils.defer import deferred_from_coro

        self.drained = self.closing = True
        logger.warning("run %s ended (%s, by worker %s): closing this worker", self.run_id,
                       end.reason, end.by or "?")
        deferred_from_coro(engine.close_spider_async(reason=end.reason))

    def spider_idle(self, spider: Any) -> None:
        """Stay while the run's frontier holds anything; close after the grace period."""
        scheduler = self.scheduler
        if scheduler is None or scheduler.inflight is None:
            return
        inflight = scheduler.inflight

        def frontier() -> tuple[bool, int, int]:
            scheduler.finished(None)  # the engine is idle: it holds nothing
            inflight.requeue_dead()
            seeded = bool(self.server.exists(keys.run_seeded(self.run_id)))
            current = runlock.current(self.server, spider.name)
            ours = current is not None and current.id == self.run_id
            queued, held = inflight.frontier()
            return seeded and ours, queued, held

        live, queued, held = retrying(frontier, what="Redis (frontier)")
        current = retrying(lambda: runlock.current(self.server, spider.name))
        if current is None or current.id != self.run_id:
            end = retrying(lambda: runlock.ended(self.server, self.run_id))
            if end is not None:  # another worker ended the run: close now, with its reason
                self.drained = self.closing = True
                if end.reason == "finished":
                    return
                raise CloseSpider(end.reason)
        if live and queued == 0 and held == 0:
            now = time.monotonic()
            self.empty_since = self.empty_since or now
            if now - self.empty_since >= self.grace:
                self.drained = True
                return
        else:
            self.empty_since = None
        self._count("distributed/polls")
        self._poll_later()
        raise DontCloseSpider

    def _poll_later(self) -> None:
        """Ask the engine for requests again soon (its own heartbeat is every 5 s)."""
        slot = getattr(self.crawler.engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule(min(0.5, self.interval))

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Hand back what is held, add this worker's stats to the run's, leave the run, and
        end it when this worker is the one to (see the module's docstring)."""
        self.closing = True
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        scheduler = self.scheduler
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        site = spider.name

        def finish() -> None:
            if scheduler is not None and scheduler.inflight is not None:
                scheduler.inflight.leave()
            pipe = self.server.pipeline()
            for key, value in stats.items():
                if isinstance(value, bool) or not isinstance(value, int | float):
                    continue
                if isinstance(value, int):
                    pipe.hincrby(keys.run_stats(self.run_id), key, value)
                else:
                    pipe.hincrbyfloat(keys.run_stats(self.run_id), key, value)
            pipe.hincrby(keys.run_stats(self.run_id), "distributed/workers", 1)
            pipe.execute()

        try:
            retrying(finish, what="Redis (worker end)")
            worker = self.worker
            post(self.server, "worker_done", self.run_id, site,
                 {"worker": worker, "reason": reason})
            if self.run is not None:
                self._leave(worker, reason, stats)
        except Exception as exc:  # the worker's own result stands; say why the run's did not
            logger.error("could not report the end of this worker to Redis: %s", exc)

    def _leave(self, worker: str, reason: str, stats: dict[str, Any]) -> None:
        """Leave the run; if this ends it, post ``run_end`` and release the run lock."""
        assert self.run is not None
        run = self.run
        signame = stats.get(SIGNAL_STAT)
        end = runlock.RunEnd(reason, str(signame) if signame else None, worker)
        force = (self.drained and reason == "finished") or reason in runlock.RUN_ENDING
        if retrying(lambda: runlock.leave(self.server, run.id, worker, end, force=force),
                    what="Redis (run end)"):
            post(self.server, "run_end", run.id, run.site, json.loads(end.to_json()))
            retrying(lambda: runlock.release(self.server, run))  # after run_end: the writer waits
            logger.info("this worker ended run %s of %s (%s)", run.id, run.site, reason)

    def _count(self, key: str, n: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, n)


class SeedOnceMiddleware:
    """Only the run's starter sends the spider's discovery requests (feeds, sitemaps,
    listings); joining workers send none, so discovery is seeded once per run.

    Settings: ``NEWSCRAWLER_ROLE`` (``start`` or ``join``), ``NEWSCRAWLER_RUN_ID``.
    """

    def __init__(self, crawler: Crawler) -> None:
        s = crawler.settings
        if not s.get("REDIS_URL") or not s.get("NEWSCRAWLER_RUN_ID"):
            raise NotConfigured("not a distributed crawl")
        self.server = connect(s.get("REDIS_URL"))
        self.run = s.getint("NEWSCRAWLER_RUN_ID")
        self.seeds = s.get("NEWSCRAWLER_ROLE", "start") == "start"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeedOnceMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        if self.seeds:
            async for request in start:
                yield request
            retrying(lambda: self.server.set(keys.run_seeded(self.run), "1", ex=7 * 86400))
