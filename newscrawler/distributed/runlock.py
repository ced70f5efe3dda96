"""A run per site in Redis: one scheduler starts it, any number of workers join it.

The run lock is a key holding the run's JSON (id, start time, starter) with a TTL that
every worker of the run refreshes on its heartbeat: while any worker lives, the run
lives; when all of them are killed, the lock expires after the TTL and a new run may
start. Starting a run while one is in progress is refused (:class:`RunInProgress`, exit
75 like the local run lock of ``newscrawler.runlock``); joining needs a run in progress.
Starting clears the site's frontier (queue, duplicate filter, worker registry) left by an
earlier run.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

import redis

from newscrawler.distributed import keys

#: Seconds the run lock lives without a heartbeat refreshing it.
DEFAULT_TTL = 30.0


class RunInProgress(RuntimeError):
    """Another scheduler started this site's run and it is still in progress."""


class NoRun(RuntimeError):
    """``--join`` found no run of the site in progress."""


@dataclass(frozen=True)
class Run:
    """A site's run in progress."""

    id: int
    site: str
    started: float
    starter: str

    def to_json(self) -> str:
        """The lock's value."""
        return json.dumps({"id": self.id, "site": self.site, "started": self.started,
                           "starter": self.starter})


def current(server: redis.Redis, site: str) -> Run | None:
    """The site's run in progress, or None."""
    raw = server.get(keys.run_lock(site))
    if raw is None:
        return None
    data: dict[str, Any] = json.loads(raw)
    return Run(int(data["id"]), str(data["site"]), float(data["started"]), str(data["starter"]))


def start(server: redis.Redis, site: str, *, ttl: float = DEFAULT_TTL) -> Run:
    """Start a run of ``site`` (clearing the old frontier) or raise :class:`RunInProgress`."""
    run_id = int(server.incr(keys.RUN_IDS))
    run = Run(run_id, site, time.time(), f"{socket.gethostname()}:{os.getpid()}")
    if not server.set(keys.run_lock(site), run.to_json(), nx=True, px=int(ttl * 1000)):
        other = current(server, site)
        since = time.strftime("%H:%M:%S", time.localtime(other.started)) if other else "?"
        raise RunInProgress(
            f"a run of {site!r} is in progress in Redis (run {other.id if other else '?'}, "
            f"started {since} by {other.starter if other else '?'}); add --join to work on "
            "it, or wait for it to end")
    pipe = server.pipeline()
    pipe.delete(keys.queue(site), keys.dupefilter(site))
    for worker in server.smembers(keys.site_workers(site)):
        name = worker.decode() if isinstance(worker, bytes) else str(worker)
        pipe.delete(keys.inflight(name))
    pipe.delete(keys.site_workers(site))
    for key in server.scan_iter(match=f"{keys.PREFIX}:{site}:dates:*", count=1000):
        pipe.delete(key)
    pipe.execute()
    return run


def join(server: redis.Redis, site: str, *, wait: float = 0.0) -> Run:
    """The run in progress of ``site``, waiting up to ``wait`` seconds; else :class:`NoRun`."""
    deadline = time.monotonic() + wait
    while True:
        run = current(server, site)
        if run is not None:
            return run
        if time.monotonic() >= deadline:
            raise NoRun(f"no run of {site!r} is in progress in Redis; start one with "
                        f"`newscrawler crawl {site} --redis URL` (without --join)")
        time.sleep(0.2)


def refresh(server: redis.Redis, run: Run, *, ttl: float = DEFAULT_TTL) -> bool:
    """Extend the lock while it still names ``run``; False when the run has ended."""
    raw = server.get(keys.run_lock(run.site))
    if raw is None or json.loads(raw).get("id") != run.id:
        return False
    return bool(server.pexpire(keys.run_lock(run.site), int(ttl * 1000)))


def mark_ended(server: redis.Redis, run: Run) -> bool:
    """Mark the run ended; True for the first caller only."""
    return bool(server.set(keys.run_ended(run.id), "1", nx=True, ex=7 * 86400))


def release(server: redis.Redis, run: Run) -> None:
    """Release the run lock if it still names ``run``."""
    raw = server.get(keys.run_lock(run.site))
    if raw is not None and json.loads(raw).get("id") == run.id:
        server.delete(keys.run_lock(run.site))


def end(server: redis.Redis, run: Run) -> bool:
    """Mark the run ended (once: True for the first caller) and release its lock."""
    first = mark_ended(server, run)
    raw = server.get(keys.run_lock(run.site))
    if raw is not None and json.loads(raw).get("id") == run.id:
        server.delete(keys.run_lock(run.site))
    return first
