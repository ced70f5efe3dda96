"""A run per site in Redis: one scheduler starts it, any number of workers join it.

The run lock is a key holding the run's JSON (id, start time, starter) with a TTL that
every worker of the run refreshes on its heartbeat: while any worker lives, the run
lives; when all of them are killed, the lock expires after the TTL and a new run may
start. Starting a run while one is in progress is refused (:class:`RunInProgress`, exit
75 like the local run lock of ``newscrawler.runlock``); joining needs a run in progress.
Starting clears the site's frontier (queue, duplicate filter, worker registry) left by an
earlier run.

A run ends once, recorded by :func:`leave` in the key ``run_ended`` with how it ended
(:class:`RunEnd`): each worker enters the run's member set when it opens (:func:`enter`,
refused once the run has ended) and leaves it when it closes. The last worker to leave
(members whose heartbeat expired do not count) ends the run with its own close reason;
a worker whose reason ends the run for everyone (the frontier drained, the site blocked
or rate-limited us) ends it at once, and the other workers close with that reason.
Both happen in one Lua script, so two workers leaving together cannot both end the run,
or neither.
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


#: Close reasons of one worker that end the run for all its workers (the site refuses us:
#: the others would be refused too). ``finished`` ends it only when the frontier drained.
RUN_ENDING = ("blocked", "rate_limited", "run_locked")

#: Enter the run unless it has ended: KEYS members, ended, alive; ARGV worker, alive ms.
_ENTER = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], 604800)
redis.call('SET', KEYS[3], '1', 'PX', ARGV[2])
return 1
"""
#: Leave the run; end it (1) when forced or when no member with a live heartbeat is left.
#: KEYS members, ended; ARGV worker, force, end JSON, alive key prefix, alive key suffix.
_LEAVE = """
redis.call('SREM', KEYS[1], ARGV[1])
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[4] .. w .. ARGV[5]) == 0 then redis.call('SREM', KEYS[1], w) end
end
if ARGV[2] == '1' or redis.call('SCARD', KEYS[1]) == 0 then
  if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'EX', 604800) then return 1 end
end
return 0
"""


@dataclass(frozen=True)
class RunEnd:
    """How a run ended: the close reason of the worker that ended it (Scrapy's, or
    ``run_locked`` from the writer), the signal that stopped it, and who ended it."""

    reason: str
    signal: str | None = None
    by: str = ""

    def to_json(self) -> str:
        """The value of the ``run_ended`` key and the data of the ``run_end`` entry."""
        return json.dumps({"reason": self.reason, "signal": self.signal, "by": self.by})

    @classmethod
    def from_json(cls, raw: bytes | str | None) -> RunEnd:
        """Read it back (``1``, as runs ended before this format, is a drained run)."""
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        return cls(str(data.get("reason") or "finished"), data.get("signal") or None,
                   str(data.get("by") or ""))


def enter(server: redis.Redis, run_id: int, worker: str, *, alive_ttl: float) -> bool:
    """Count ``worker`` among the run's members; False when the run has already ended."""
    script = server.register_script(_ENTER)
    return bool(script(keys=[keys.run_members(run_id), keys.run_ended(run_id),
                             keys.alive(worker)],
                       args=[worker, max(1000, int(alive_ttl * 1000))]))


def leave(server: redis.Redis, run_id: int, worker: str, end: RunEnd, *,
          force: bool = False) -> bool:
    """``worker`` leaves the run; True when this ended it (record ``end``, post ``run_end``).

    The run ends when ``force`` (a reason that ends it for all) or when no member whose
    heartbeat is alive is left; only the first caller to end it gets True.
    """
    prefix, _, suffix = keys.alive("{}").partition("{}")
    script = server.register_script(_LEAVE)
    return bool(script(keys=[keys.run_members(run_id), keys.run_ended(run_id)],
                       args=[worker, "1" if force else "0", end.to_json(), prefix, suffix]))


def ended(server: redis.Redis, run_id: int) -> RunEnd | None:
    """How the run ended, or None while it has not."""
    raw = server.get(keys.run_ended(run_id))
    return None if raw is None else RunEnd.from_json(raw)


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


def mark_ended(server: redis.Redis, run: Run, end: RunEnd | None = None) -> bool:
    """Mark the run ended (``end``: how; a drained run by default); True for the first
    caller only."""
    value = (end or RunEnd("finished")).to_json()
    return bool(server.set(keys.run_ended(run.id), value, nx=True, ex=7 * 86400))


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
