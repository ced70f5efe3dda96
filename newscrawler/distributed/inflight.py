"""What each worker holds in flight, so that a killed worker loses no request.

scrapy-redis pops a request off the shared queue and forgets it: a worker killed with
the request in its downloader would lose it. Here the pop moves the request, in one
Lua script (atomic on the server), from the site's queue into the worker's own in-flight
sorted set; the worker removes it once Scrapy is done with it (its callback ran, items
went through the pipelines, follow-up requests were queued). Each worker keeps a
heartbeat key with a short TTL; any worker that finds a registered worker's heartbeat
gone moves that worker's in-flight requests back onto the queue (:func:`requeue_dead`).
"""

from __future__ import annotations

import json
import os
import socket
import time
from typing import Any

import redis

from newscrawler.distributed import keys

#: Pop the best (lowest score) request into the worker's in-flight set (and register the
#: worker, so the drain check counts what it holds); nil when empty.
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('ZADD', KEYS[2], r[2], r[1])
redis.call('SADD', KEYS[3], ARGV[1])
return r[1]
"""
#: Queue a request unless its fingerprint was seen, in one step: a retry after a lost reply
#: finds it seen *and* queued (SADD and ZADD separately could lose it). 1: queued, 0: seen.
_PUSH = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
#: Move every in-flight request of a worker back onto the queue; returns how many.
_REQUEUE = """
local r = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #r, 2 do redis.call('ZADD', KEYS[2], r[i + 1], r[i]) end
redis.call('DEL', KEYS[1])
return #r / 2
"""


def new_worker_id() -> str:
    """A worker id unique across machines: host, pid and start time."""
    return f"{socket.gethostname()}-{os.getpid()}-{int(time.time() * 1000) % 10**8}"


class InFlight:
    """One worker's in-flight record and heartbeat for one site."""

    def __init__(self, server: redis.Redis, site: str, worker: str, *,
                 heartbeat_ttl: float = 10.0) -> None:
        self.server = server
        self.site = site
        self.worker = worker
        self.ttl_ms = max(1000, int(heartbeat_ttl * 1000))
        self._pop = server.register_script(_POP)
        self._requeue = server.register_script(_REQUEUE)
        self._push = server.register_script(_PUSH)

    def push(self, fingerprint: str | None, score: float, data: bytes) -> bool:
        """Queue a request (``fingerprint`` None: unfiltered); False when already seen."""
        if fingerprint is None:
            self.server.zadd(keys.queue(self.site), {data: score})
            return True
        return bool(self._push(keys=[keys.dupefilter(self.site), keys.queue(self.site)],
                               args=[fingerprint, score, data]))

    def pop(self) -> bytes | None:
        """The next request's encoded form, now recorded in flight; None when the queue is empty."""
        data = self._pop(keys=[keys.queue(self.site), keys.inflight(self.worker),
                               keys.site_workers(self.site)], args=[self.worker])
        return data or None

    def done(self, members: list[bytes]) -> None:
        """Forget finished requests."""
        if members:
            self.server.zrem(keys.inflight(self.worker), *members)

    def requeue_own(self) -> int:
        """Put back on the queue whatever this worker's record still holds (the engine holds
        nothing: a pop whose reply was lost in a Redis restart, never received); how many."""
        return int(self._requeue(keys=[keys.inflight(self.worker), keys.queue(self.site)]))

    def beat(self, run: int | None, info: dict[str, Any] | None = None) -> None:
        """Say this worker is alive (TTL key, registry of the site, the status hash)."""
        pipe = self.server.pipeline()
        pipe.set(keys.alive(self.worker), "1", px=self.ttl_ms)
        pipe.sadd(keys.site_workers(self.site), self.worker)
        pipe.hset(keys.WORKERS, self.worker, json.dumps(
            {"site": self.site, "run": run, "seen": time.time(), "pid": os.getpid(),
             "host": socket.gethostname(), **(info or {})}))
        pipe.execute()

    def leave(self) -> None:
        """Unregister at a normal end: nothing held, no heartbeat."""
        pipe = self.server.pipeline()
        pipe.delete(keys.alive(self.worker))
        pipe.srem(keys.site_workers(self.site), self.worker)
        pipe.hset(keys.WORKERS, self.worker, json.dumps(
            {"site": self.site, "seen": time.time(), "pid": os.getpid(),
             "host": socket.gethostname(), "left": True}))
        pipe.execute()
        self._requeue(keys=[keys.inflight(self.worker), keys.queue(self.site)])

    def requeue_dead(self) -> int:
        """Put the in-flight requests of the site's workers whose heartbeat expired back on the
        queue; returns how many requests were requeued."""
        moved = 0
        for raw in self.server.smembers(keys.site_workers(self.site)):
            other = raw.decode() if isinstance(raw, bytes) else str(raw)
            if other == self.worker or self.server.exists(keys.alive(other)):
                continue
            moved += int(self._requeue(keys=[keys.inflight(other), keys.queue(self.site)]))
            self.server.srem(keys.site_workers(self.site), other)
        return moved

    def frontier(self) -> tuple[int, int]:
        """(queued requests, requests in flight on any registered worker) for the site."""
        queued = int(self.server.zcard(keys.queue(self.site)))
        held = 0
        for raw in self.server.smembers(keys.site_workers(self.site)):
            other = raw.decode() if isinstance(raw, bytes) else str(raw)
            held += int(self.server.zcard(keys.inflight(other)))
        return queued, held
