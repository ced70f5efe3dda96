"""The archive writer: the one process that reads the item stream and writes SQLite.

Reads the stream ``newscrawler:items`` as consumer ``NAME`` of the group ``writer``; on
start it first re-reads its own entries delivered but never acknowledged (a writer
killed mid-batch) and claims those of other writers idle for ``claim_idle`` seconds.
Each batch is written through the archive API the single-process crawl uses
(``Archive.save_articles``: new / updated with a revision / unchanged; then
``save_raw_pages``), one transaction each, and only then acknowledged and deleted
(``XACK``, ``XDEL``). A batch replayed after a kill between commit and acknowledgement
writes the same records again: same content hash, so "unchanged", nothing duplicated.
Run events become ``crawl_runs`` rows: ``run_start`` starts one (marking the site's
stale runs killed), ``run_end`` records it with every worker's stats summed in Redis and
this writer's counts, and the outcome of ``newscrawler.outcome`` for the close reason
(and signal) of the worker that ended the run; a ``worker_done`` after it records the
run again with the late worker's stats added.

One writer per Redis (:class:`WriterLock`): a second one, for this archive or another,
would take part of the stream (a run's start to one archive, its end to the other) and
is refused (:class:`WriterLocked`, exit 75). A writer restarted under the same ``--name``
on the same host takes over from a dead one at once; otherwise after ``LOCK_TTL``.

While it writes a run, the writer holds the site's run lock on the archive
(``newscrawler.runlock.RunLock``), like a single-process crawl: a local ``crawl SITE``
into the same archive is refused (exit 75) meanwhile, and a distributed run that starts
while a local crawl holds the lock is refused: recorded ``failed`` with the reason, its
workers stopped (they exit 75, ``run_locked``), the local run left alone. What its
workers had sent is still archived. A run whose workers all died without ending it
(kill -9) is recorded ``killed`` once its Redis run lock has expired.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import redis

from archive import Archive, ArchiveError
from archive.store import pid_alive
from newscrawler.distributed import keys, runlock
from newscrawler.distributed.connection import TRANSIENT, retrying
from newscrawler.outcome import SIGNAL_STAT, crawl_outcome
from newscrawler.runlock import RunLock, RunLockedError, RunLockError

logger = logging.getLogger(__name__)

Entry = tuple[bytes, dict[bytes, bytes]]


@dataclass
class WriterStats:
    """What this writer wrote since it started."""

    articles: Counter[str] = field(default_factory=Counter)
    raw_pages: int = 0
    batches: int = 0
    entries: int = 0


def _text(value: bytes | str | None) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


#: Seconds the writer lock lives without the writer's heartbeat refreshing it.
LOCK_TTL = 30.0
#: Take the lock if it is free, or if it still holds the dead writer's value ARGV[3].
_CLAIM = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if ARGV[3] ~= '' and redis.call('GET', KEYS[1]) == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
#: Extend the lock while it is still ours (ARGV[1]); 0 when another writer took it.
_REFRESH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
#: Delete the lock if it is still ours.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class WriterLocked(RuntimeError):
    """Another writer is writing from this Redis."""


class WriterLock:
    """One writer per Redis: a key naming the writer and its archive, with a TTL."""

    def __init__(self, server: redis.Redis, name: str, archive: str, *,
                 ttl: float = LOCK_TTL) -> None:
        self.server = server
        self.name = name
        self.archive = archive
        self.ttl_ms = int(ttl * 1000)
        self.value = json.dumps({"name": name, "archive": archive, "pid": os.getpid(),
                                 "host": socket.gethostname(), "since": time.time()})

    def claim(self) -> None:
        """Take the lock, or raise :class:`WriterLocked` saying what to do."""
        raw = self.server.get(keys.WRITER_LOCK)
        holder = _holder(raw)
        stale = _text(raw) if raw is not None and self._replaces(holder) else ""
        if self.server.eval(_CLAIM, 1, keys.WRITER_LOCK, self.value, self.ttl_ms, stale):
            return
        holder = _holder(self.server.get(keys.WRITER_LOCK)) or holder
        where = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"
        other = str(holder.get("archive", "?"))
        if other == self.archive:
            raise WriterLocked(
                f"writer {holder.get('name', '?')!r} ({where}) is already writing {other} "
                "from this Redis; one writer per Redis writes every run (stop it first, or "
                f"wait {self.ttl_ms // 1000} s if it was killed)")
        raise WriterLocked(
            f"writer {holder.get('name', '?')!r} ({where}) is writing this Redis's items "
            f"into {other}; a second writer would split runs between the archives: use "
            "another Redis database for this archive's crawls (redis://HOST:6379/1), or "
            f"stop that writer first (wait {self.ttl_ms // 1000} s if it was killed)")

    def _replaces(self, holder: dict[str, Any]) -> bool:
        """The holder is this writer restarted: same name and host, its process gone."""
        if holder.get("name") != self.name or holder.get("host") != socket.gethostname():
            return False
        pid = int(holder.get("pid") or 0)
        return pid == os.getpid() or not pid_alive(pid)

    def refresh(self) -> None:
        """Extend the lock; retake it if it expired; :class:`WriterLocked` if taken."""
        if not self.server.eval(_REFRESH, 1, keys.WRITER_LOCK, self.value, self.ttl_ms):
            logger.warning("the writer lock expired (Redis or the archive stalled us); "
                           "taking it again")
            self.claim()

    def release(self) -> None:
        """Let the next writer in."""
        self.server.eval(_RELEASE, 1, keys.WRITER_LOCK, self.value)


def _holder(raw: bytes | str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class Writer:
    """Move entries of the item stream into one archive, acknowledging after each commit."""

    def __init__(self, server: redis.Redis, store: Archive, *, name: str = "writer",
                 batch: int = 500, block_ms: int = 1000, claim_idle: float = 60.0,
                 retry_seconds: float | None = None) -> None:
        self.server = server
        self.store = store
        self.name = name
        self.batch = batch
        self.block_ms = block_ms
        self.claim_idle_ms = int(claim_idle * 1000)
        self.retry_seconds = retry_seconds
        self.stats = WriterStats()
        self.runs: dict[int, int] = {}
        self.ended: dict[int, runlock.RunEnd] = {}
        #: Runs this writer holds the site's archive run lock for: run -> (site, lock).
        self.locks: dict[int, tuple[str, RunLock]] = {}
        #: Runs refused because a local crawl of the site held the lock: run -> why.
        self.refused: dict[int, str] = {}
        self.lock = WriterLock(server, name, str(store.path))

    def _redis(self, work: Any, what: str = "Redis") -> Any:
        return retrying(work, seconds=self.retry_seconds, what=what)

    def ensure_group(self) -> None:
        """Create the consumer group (reading from the stream's start) if missing."""
        try:
            self._redis(lambda: self.server.xgroup_create(keys.ITEMS, keys.GROUP, id="0",
                                                          mkstream=True))
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def run(self, *, idle_exit: float | None = None, stop: Any = None) -> WriterStats:
        """Write until stopped (``stop()`` true) or, with ``idle_exit``, idle that long.

        Raises :class:`WriterLocked` when another writer writes from this Redis.
        """
        self._redis(self.lock.claim, "Redis (writer lock)")
        try:
            self.ensure_group()
            self._redis(self.relock, "Redis (runs)")
            self.recover()
            last = time.monotonic()
            while not (stop and stop()):
                try:
                    self.beat()
                    entries = self.read(">")
                except TRANSIENT:
                    # Entries delivered in a reply lost to the outage are pending for this
                    # consumer: read them again first.
                    self._redis(self.server.ping, "Redis (item stream)")
                    self.recover()
                    continue
                if entries:
                    self.write(entries)
                    last = time.monotonic()
                    continue
                self._redis(self.reap, "Redis (runs)")
                if idle_exit is not None and time.monotonic() - last >= idle_exit:
                    if not self._redis(self.runs_in_progress):
                        break
                    last = time.monotonic()
        finally:
            for _site, lock in self.locks.values():
                lock.release()
            self.locks.clear()
            try:
                self.lock.release()
            except redis.RedisError:
                pass  # it expires after LOCK_TTL
        return self.stats

    def runs_in_progress(self) -> bool:
        """Whether any site's run lock is held (its workers may still send entries)."""
        return any(True for _ in self.server.scan_iter(match=f"{keys.PREFIX}:*:run", count=100,
                                                          _type="STRING"))

    def beat(self) -> None:
        """Tell ``newscrawler status`` this writer is alive; keep the writer lock."""
        self.lock.refresh()
        self.server.hset(keys.WRITERS, self.name, json.dumps(
            {"seen": time.time(), "pid": os.getpid(), "host": socket.gethostname(),
             "archive": str(self.store.path), "written": self.stats.entries}))

    def recover(self) -> None:
        """Write what this writer was handed and never acknowledged; claim idle others'."""
        while True:
            entries = self._redis(lambda: self.read("0"))
            if not entries:
                break
            logger.warning("writing %d entries left unacknowledged by a stopped writer",
                           len(entries))
            self.write(entries)
        start = "0-0"
        while True:
            result = self._redis(lambda begin=start: self.server.xautoclaim(
                keys.ITEMS, keys.GROUP, self.name, self.claim_idle_ms, begin, count=self.batch))
            start, claimed = _text(result[0]), [e for e in result[1] if e and e[1]]
            if claimed:
                self.write(claimed)
            if start in ("0-0", ""):
                break

    def read(self, start: str) -> list[Entry]:
        """The next entries for this consumer (``>``: new ones; ``0``: its pending ones)."""
        block = self.block_ms if start == ">" else None
        reply: Any = self.server.xreadgroup(keys.GROUP, self.name, {keys.ITEMS: start},
                                       count=self.batch, block=block)
        if not reply:
            return []
        return [(eid, fields) for eid, fields in reply[0][1] if fields]

    def write(self, entries: list[Entry]) -> None:
        """Write one batch to the archive, then acknowledge and delete its entries."""
        records: list[dict[str, Any]] = []
        pages: list[dict[str, Any]] = []
        record_runs: list[int] = []
        closing: list[tuple[int, str]] = []
        for _eid, fields in entries:
            kind = _text(fields.get(b"kind"))
            run = int(_text(fields.get(b"run")) or 0)
            site = _text(fields.get(b"site"))
            data = json.loads(fields.get(b"data") or b"{}")
            if kind == "run_start":
                self._start_run(run, site)
            elif kind in ("article", "raw"):
                if data.get("record"):
                    records.append(data["record"])
                    record_runs.append(run)
                if data.get("page") and b"body" in fields:
                    pages.append({**data["page"], "body": fields[b"body"]})
            elif kind in ("worker_done", "run_end"):
                if kind == "run_end" and run not in self.ended:
                    self.ended[run] = runlock.RunEnd.from_json(json.dumps(data))
                closing.append((run, site))
        counts: dict[int, Counter[str]] = {}
        if records:
            statuses = self.store.save_articles(records)
            for run, status in zip(record_runs, statuses, strict=True):
                counts.setdefault(run, Counter())[status] += 1
            self.stats.articles.update(statuses)
        if pages:
            self.store.save_raw_pages(pages)
            self.stats.raw_pages += len(pages)
        self.stats.batches += 1
        self.stats.entries += len(entries)
        ids = [eid for eid, _ in entries]

        def acknowledge() -> None:
            pipe = self.server.pipeline()
            for run, counter in counts.items():
                for status, key in (("new", "inserted"), ("updated", "updated"),
                                    ("unchanged", "unchanged"), ("kept", "kept")):
                    if counter[status]:
                        pipe.hincrby(keys.run_stats(run), f"archive/{key}", counter[status])
            pipe.xack(keys.ITEMS, keys.GROUP, *ids)
            pipe.xdel(keys.ITEMS, *ids)
            pipe.execute()

        self._redis(acknowledge, "Redis (acknowledge)")
        for run, site in closing:
            end = self.ended.get(run)
            if end is not None:
                self._finish_run(run, site, end)

    def _start_run(self, run: int, site: str) -> None:
        known = self._redis(lambda: self.server.hget(keys.WRITER_RUNS, run))
        if known is not None:
            self.runs[run] = int(known)
            return
        for other, (other_site, _lock) in list(self.locks.items()):
            if other_site == site:  # a new run of the site: that one will never end
                self._abandon(other, other_site)
        lock = RunLock(self.store.path, site, advice="")
        try:
            lock.acquire()
        except RunLockedError as exc:
            self._refuse(run, site, str(exc).rstrip("; "))
            return
        except RunLockError as exc:  # the archive's folder refuses lock files: go on
            logger.warning("run %s of %s written without the archive's run lock: %s",
                           run, site, exc)
        else:
            self.locks[run] = (site, lock)
        self.store.mark_stale_runs(site)  # we hold the lock: no other crawl of it runs
        run_id = self.store.start_run(site, pid=0)
        self._redis(lambda: self.server.hset(keys.WRITER_RUNS, run, run_id))
        self.runs[run] = run_id

    def relock(self) -> None:
        """A restarted writer takes again the archive's run lock of each run in progress
        whose start it recorded (the start entry was acknowledged before the restart)."""
        for key in self.server.scan_iter(match=f"{keys.PREFIX}:*:run", count=100,
                                         _type="STRING"):
            site = _text(key)[len(keys.PREFIX) + 1:-len(":run")]
            run = runlock.current(self.server, site)
            if run is None or run.id in self.locks or runlock.ended(self.server, run.id):
                continue
            if self.server.hget(keys.WRITER_RUNS, run.id) is None:
                continue  # its start is still in the stream: _start_run takes the lock
            lock = RunLock(self.store.path, site, advice="")
            try:
                lock.acquire()
            except RunLockError as exc:  # a local crawl started while no writer ran
                logger.warning("run %s of %s written without the archive's run lock: %s",
                               run.id, site, exc)
                continue
            self.locks[run.id] = (site, lock)

    def _refuse(self, run: int, site: str, held: str) -> None:
        """A local crawl holds the site's lock: record the run refused, stop its workers."""
        why = (f"{held}: this distributed run was refused and its workers stopped (exit "
               f"75); start it again once that crawl has finished")
        logger.error("run %s of %s: %s", run, site, why)
        run_id = self.store.start_run(site, pid=0)
        self._redis(lambda: self.server.hset(keys.WRITER_RUNS, run, run_id))
        self.runs[run] = run_id
        self.refused[run] = why
        end = runlock.RunEnd("run_locked", None, f"writer {self.name}")
        self._redis(lambda: runlock.leave(self.server, run, "", end, force=True))
        self.ended[run] = end
        self._redis(lambda: runlock.release(self.server, runlock.Run(run, site, 0.0, "")))
        self._finish_run(run, site, end)

    def reap(self) -> None:
        """Record ``killed`` the runs whose workers all died without ending them: their
        Redis run lock expired and no worker marked them ended."""
        for run, (site, _lock) in list(self.locks.items()):
            current = runlock.current(self.server, site)
            if current is not None and current.id == run:
                continue
            if runlock.ended(self.server, run) is None:
                self._abandon(run, site)

    def _abandon(self, run: int, site: str) -> None:
        """Record a run that will never end as killed; let go of its lock."""
        logger.warning("run %s of %s ended without any worker recording its end", run, site)
        end = runlock.RunEnd("abandoned", None, f"writer {self.name}")
        self._redis(lambda: runlock.leave(self.server, run, "", end, force=True))
        self.ended[run] = end
        self._finish_run(run, site, end)

    def _finish_run(self, run: int, site: str, end: runlock.RunEnd) -> None:
        run_id = self.runs.get(run)
        if run_id is None:
            known = self._redis(lambda: self.server.hget(keys.WRITER_RUNS, run))
            if known is None:
                logger.warning("run %s of %s ended but its start never reached this writer",
                               run, site)
                return
            run_id = self.runs[run] = int(known)
        reason = end.reason
        if reason == "finished":  # as the single-process crawl does (ArchivePipeline)
            try:
                filled = self.store.fill_spellings()
            except ArchiveError as exc:
                logger.warning("look-alike spellings not recorded (searches read the text "
                               "instead; `newscrawler optimize` records them): %s", exc)
            else:  # in the run's stats, summed if the run is closed again
                self._redis(lambda: self.server.hincrby(
                    keys.run_stats(run), "archive/spellings_filled", filled))
        raw = self._redis(lambda: self.server.hgetall(keys.run_stats(run)))
        stats: dict[str, Any] = {}
        for key, value in raw.items():
            number = float(value)
            stats[_text(key)] = int(number) if number.is_integer() else number
        stats["finish_reason"] = reason
        stats["distributed/run"] = run
        if end.signal:
            stats[SIGNAL_STAT] = end.signal
        if end.by:
            stats["distributed/ended_by"] = end.by
        outcome = crawl_outcome(stats, reason)
        status, why = outcome.status, outcome.reason
        if run in self.refused:
            status, why = "failed", self.refused[run]
        elif reason == "abandoned":
            status, why = "killed", ("every worker of the run stopped without recording its "
                                     "end (killed hard, or their machines stopped)")
        self.store.finish_run(run_id, status=status, stats=stats, reason=why)
        held = self.locks.pop(run, None)
        if held is not None:
            held[1].release()
