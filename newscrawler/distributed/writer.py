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
stale runs killed), ``worker_done``/``run_end`` record it with every worker's stats
summed in Redis and this writer's counts, and the outcome of ``newscrawler.outcome``.
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
from newscrawler.distributed import keys
from newscrawler.distributed.connection import TRANSIENT, retrying
from newscrawler.outcome import crawl_outcome

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
        self.ended: set[int] = set()

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
        """Write until stopped (``stop()`` true) or, with ``idle_exit``, idle that long."""
        self.ensure_group()
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
            elif idle_exit is not None and time.monotonic() - last >= idle_exit:
                if not self._redis(self.runs_in_progress):
                    break
                last = time.monotonic()
        return self.stats

    def runs_in_progress(self) -> bool:
        """Whether any site's run lock is held (its workers may still send entries)."""
        return any(True for _ in self.server.scan_iter(match=f"{keys.PREFIX}:*:run", count=100,
                                                          _type="STRING"))

    def beat(self) -> None:
        """Tell ``newscrawler status`` this writer is alive."""
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
        closing: list[tuple[int, str, str]] = []
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
                if kind == "run_end":
                    self.ended.add(run)
                closing.append((run, site, str(data.get("reason") or "finished")))
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
        for run, site, reason in closing:
            if run in self.ended:
                self._finish_run(run, site, reason)

    def _start_run(self, run: int, site: str) -> None:
        known = self._redis(lambda: self.server.hget(keys.WRITER_RUNS, run))
        if known is not None:
            self.runs[run] = int(known)
            return
        self.store.mark_stale_runs(site)
        run_id = self.store.start_run(site, pid=0)
        self._redis(lambda: self.server.hset(keys.WRITER_RUNS, run, run_id))
        self.runs[run] = run_id

    def _finish_run(self, run: int, site: str, reason: str) -> None:
        run_id = self.runs.get(run)
        if run_id is None:
            known = self._redis(lambda: self.server.hget(keys.WRITER_RUNS, run))
            if known is None:
                logger.warning("run %s of %s ended but its start never reached this writer",
                               run, site)
                return
            run_id = self.runs[run] = int(known)
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
        outcome = crawl_outcome(stats, reason)
        self.store.finish_run(run_id, status=outcome.status, stats=stats, reason=outcome.reason)
