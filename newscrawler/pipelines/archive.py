"""ArchivePipeline: batched, transactional writes of articles and raw pages to SQLite."""

from __future__ import annotations

import logging
import os
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured
from twisted.internet import task

from archive import Archive, ArchiveError
from newscrawler.crawlphase import fetching_done
from newscrawler.extract.workercount import extract_workers
from newscrawler.items import ArticleItem
from newscrawler.outcome import crawl_outcome
from newscrawler.pipelines.archive_writer import ArchiveWriter
from newscrawler.pipelines.rawstage import RawStage
from newscrawler.runlock import RunLock, RunLockedError, RunLockError
from newscrawler.signals import force_stop

logger = logging.getLogger(__name__)

#: Close reason when the archive cannot be written (shared with the runner and the summary).
ARCHIVE_ERROR = "archive_error"
#: Close reason when another crawl of the site into the same archive holds the run lock.
RUN_LOCKED = "run_locked"

R = TypeVar("R")


class _NotWritten(Exception):
    """A batch the writer thread left alone because an earlier write failed."""


class ArchivePipeline:
    """Write articles to the archive in batches, one transaction per batch.

    Takes the site's run lock (``newscrawler.runlock``; joined when the ``newscrawler``
    command already holds it), marks the site's runs left ``running`` as ``killed``, and
    records this run in ``crawl_runs`` with its real outcome (``newscrawler.outcome``).
    A batch is written when full (``ARCHIVE_BATCH_SIZE`` articles, or raw pages of
    ``ARCHIVE_BATCH_BYTES``) or every ``ARCHIVE_FLUSH_SECONDS`` on its own clock, so a
    stalled crawl still writes what it has. With ``ARCHIVE_WRITER_THREAD`` (by default
    when extraction runs in workers) the archive is opened, written and closed by one
    thread of its own
    (``newscrawler.pipelines.archive_writer``): a full batch is handed over while the crawl
    fills the next one, and handing over the next waits for it, so at most two batches are
    held; ``close_spider`` waits for every write. Once nothing is left to fetch
    (``newscrawler.crawlphase``), what is held goes to the thread whenever it is idle: the
    crawl's last pages are written while the rest are still extracted, and closing waits
    for a few articles, not a whole batch (~0.15 s of a 3.5 s crawl of 1,200 ~97 KB
    pages). There, raw pages of
    ``ARCHIVE_BATCH_BYTES`` are handed over to be compressed
    (``newscrawler.pipelines.rawstage``) and are written with the batch's articles: batches
    stay ``ARCHIVE_BATCH_SIZE`` articles on large pages too (fewer transactions), and the
    HTML is not held. The fetched HTML of every article page, kept or dropped, goes to
    ``raw_pages`` for later re-extraction.

    When the archive cannot be written (disk full, read-only, damaged, locked past
    ``ARCHIVE_TIMEOUT``), the crawl stops at once with close reason ``archive_error``;
    later items are dropped without another write, and the run is recorded ``failed``
    if the database still allows it.

    Settings: ``ARCHIVE_DB``, ``ARCHIVE_BATCH_SIZE``, ``ARCHIVE_BATCH_BYTES``,
    ``ARCHIVE_CACHE_MB``, ``ARCHIVE_FLUSH_SECONDS``,
    ``ARCHIVE_RAW_PAGES``, ``ARCHIVE_TIMEOUT``, ``ARCHIVE_WRITER_THREAD``,
    ``NEWSCRAWLER_MAX_ARTICLES`` (items past the limit, already in flight when the crawl
    was told to stop, are dropped here).
    Stats: ``archive/inserted``, ``archive/updated``, ``archive/unchanged``,
    ``archive/raw_pages``, ``archive/batches`` (``archive/end_batches`` of them handed over
    early once nothing was left to fetch), ``archive/over_limit``, ``archive/error``
    (the message), ``archive/lost`` (articles held or handed over when the write failed),
    ``archive/not_written`` (items dropped after it), ``archive/stale_runs``.
    """

    def __init__(self, crawler: Crawler, path: str, *, batch_size: int, flush_seconds: float,
                 raw_pages: bool, timeout: float, max_articles: int = 0,
                 writer_thread: bool = True, batch_bytes: int = 0, cache_mb: int = 0) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = path
        self.batch_size = max(1, batch_size)
        self.batch_bytes = batch_bytes
        self.cache_mb = cache_mb
        self.flush_seconds = flush_seconds
        self.keep_raw = raw_pages
        self.timeout = timeout
        self.max_articles = max_articles
        self.accepted = 0
        self.store: Archive | None = None
        self.lock: RunLock | None = None
        self.run_id: int | None = None
        self.error: str | None = None
        self.records: list[dict[str, Any]] = []
        self.raw: list[dict[str, Any]] = []
        #: Bytes of HTML the held raw pages keep (``ARCHIVE_BATCH_BYTES``): a running total,
        #: where summing the held pages' sizes on every item took ~11 K instructions a
        #: ~97 KB page (callgrind); set back to 0 wherever ``raw`` is emptied.
        self.raw_bytes = 0
        self.timer: task.LoopingCall | None = None
        self.writer_thread = writer_thread
        self.writer: ArchiveWriter | None = None
        #: Writes handed to the writer thread, oldest first: (future, kind, articles).
        self.pending: deque[tuple[Future[Any], str, int]] = deque()
        #: Set by the writer thread when a write failed: later batches are not written.
        self.write_failed = False
        #: Raw pages handed to the writer thread to be compressed, written with the batch.
        self.staged = RawStage()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        s = crawler.settings
        path = s.get("ARCHIVE_DB")
        if not path:
            raise NotConfigured("ARCHIVE_DB is not set")
        pipeline = cls(
            crawler,
            path,
            batch_size=s.getint("ARCHIVE_BATCH_SIZE", 100),
            batch_bytes=s.getint("ARCHIVE_BATCH_BYTES", 0),
            cache_mb=s.getint("ARCHIVE_CACHE_MB", 0),
            flush_seconds=s.getfloat("ARCHIVE_FLUSH_SECONDS", 5.0),
            raw_pages=s.getbool("ARCHIVE_RAW_PAGES", True),
            timeout=s.getfloat("ARCHIVE_TIMEOUT", 30.0),
            max_articles=s.getint("NEWSCRAWLER_MAX_ARTICLES", 0),
            writer_thread=writer_thread(s),
        )
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.force_stop, signal=force_stop)
        return pipeline

    @property
    def site(self) -> str:
        return str(getattr(self.crawler.spider, "name", "?"))

    async def open_spider(self) -> None:
        """Take the run lock, open the archive, mark stale runs, record this run.

        A coroutine, so that a refusal (``CloseSpider``) is raised when Scrapy awaits it
        with the other pipelines' ``open_spider``: raised at the call, it left theirs
        created and never awaited (a ``RuntimeWarning`` in the log of a refused run).
        """
        self._open_spider()

    def _open_spider(self) -> None:
        assert self.stats is not None
        try:
            if self.writer_thread:
                self.writer = ArchiveWriter(depth=4)
            self.store = store = self._run(partial(Archive, self.path, timeout=self.timeout))
            if self.cache_mb > 0:
                pragma = f"PRAGMA cache_size = -{self.cache_mb * 1024}"
                self._run(partial(store.conn.execute, pragma))
            self.lock = RunLock(self.path, self.site, join=True).acquire()
            stale = self._run(partial(store.mark_stale_runs, self.site))
            if stale:
                self.stats.set_value("archive/stale_runs", len(stale))
            self.run_id = self._run(partial(store.start_run, self.site, pid=os.getpid()))
        except RunLockedError as exc:
            self._close_store()
            self.stats.set_value("runlock/error", str(exc))
            logger.error("%s", exc)
            raise CloseSpider(RUN_LOCKED) from None
        except (ArchiveError, RunLockError) as exc:
            self._fail(exc)
            raise CloseSpider(ARCHIVE_ERROR) from None
        if self.flush_seconds > 0:
            self.timer = task.LoopingCall(self._tick)
            self.timer.start(self.flush_seconds, now=False)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        assert self.stats is not None
        if self.pending:
            self._collect()
        if self.error is not None:
            item.raw_html = None
            self.stats.inc_value("archive/not_written")
            raise DropItem(f"not written, the archive failed: {item.url}", log_level="DEBUG")
        if self.max_articles and self.accepted >= self.max_articles:
            # Requests already in flight when the limit was reached end here.
            self.stats.inc_value("archive/over_limit")
            raise DropItem(f"NEWSCRAWLER_MAX_ARTICLES ({self.max_articles}) reached: {item.url}",
                           log_level="DEBUG")
        self.accepted += 1
        self.records.append(item.record())
        self._keep_raw(item, article=True)
        if len(self.records) >= self.batch_size:
            self.flush()
        elif self.writer is not None and not self.pending and fetching_done(self.crawler):
            self._flush_at_end()
        elif self.batch_bytes and self.raw_bytes >= self.batch_bytes:
            self._stage_raw() if self.writer is not None else self.flush()
        return item

    def item_dropped(self, item: Any, **_: Any) -> None:
        """Keep the raw page of a dropped article page too (it may be re-extracted)."""
        if isinstance(item, ArticleItem) and self.error is None:
            self._keep_raw(item, article=False)  # never replaces a good stored page

    def _keep_raw(self, item: ArticleItem, *, article: bool) -> None:
        if self.keep_raw and item.raw_html is not None:
            self.raw.append({
                "url": item.url,
                "site": item.site,
                "fetched_at": item.fetched_at,
                "status": item.status,
                "content_type": item.content_type,
                "encoding": item.encoding,
                "body": item.raw_html,
                "article": article,
            } | ({} if item.prepared is None or item.prepared.raw_compressed is None
                 else {"compressed": item.prepared.raw_compressed}))
            self.raw_bytes += len(item.raw_html)
            item.raw_html = None

    def _stage_raw(self) -> None:
        """Hand the held raw pages to the writer thread to be compressed; they are written
        with the batch's articles (the same order and transactions as a batch that held
        them)."""
        raw, self.raw, self.raw_bytes = self.raw, [], 0
        self.staged.handed += len(raw)
        self._hand_over("staged", 0, partial(self._write, self.staged.compress, raw))

    def _tick(self) -> None:
        """The flush timer: write a partly filled batch on the clock."""
        if self.records or self.raw or self.staged.handed:
            self.flush()

    def flush(self) -> bool:
        """Write the buffered articles and raw pages; on an archive error stop the crawl.

        With the writer thread, hand them over (after the previous batch is written).
        Returns ``False`` when nothing more can be written.
        """
        if self.store is None or self.error is not None:
            return False
        assert self.stats is not None
        if self.writer is None:
            return self._flush_here(self.store)
        self._collect(wait=True)
        if self.error is not None:
            return False
        records, raw = self.records, self.raw
        self.records, self.raw, self.raw_bytes = [], [], 0
        if records:
            self._hand_over("articles", len(records),
                            partial(self._write, self.store.save_articles, records))
        if raw or self.staged.handed:
            self.staged.handed = 0
            save = partial(self.staged.save, self.store.save_raw_pages)
            self._hand_over("raw", len(raw), partial(self._write, save, raw))
        if self.timer is not None and self.timer.running:
            self.timer.reset()
        return True

    def _flush_here(self, store: Archive) -> bool:
        """Write the held batch on the crawl's thread (``ARCHIVE_WRITER_THREAD`` off)."""
        try:
            if self.records:
                self._count("articles", store.save_articles(self.records))
                self.records = []
            if self.raw:
                self._count("raw", store.save_raw_pages(self.raw))
                self.raw, self.raw_bytes = [], 0
        except ArchiveError as exc:
            assert self.stats is not None
            self.stats.inc_value("archive/lost", len(self.records))
            self._fail(exc)
            self._stop_crawl()
            return False
        if self.timer is not None and self.timer.running:
            self.timer.reset()
        return True

    def _write(self, save: Callable[[list[dict[str, Any]]], R], rows: list[dict[str, Any]]) -> R:
        """(In the writer thread.) Save ``rows``, unless an earlier write failed."""
        if self.write_failed:
            raise _NotWritten()
        try:
            return save(rows)
        except ArchiveError:
            self.write_failed = True
            raise

    def _hand_over(self, kind: str, articles: int, job: Callable[[], Any]) -> None:
        assert self.writer is not None
        future = self.writer.submit(job)
        self.pending.append((future, kind, articles if kind == "articles" else 0))
        future.add_done_callback(self._written)

    def _written(self, _future: Future[Any]) -> None:
        """(In the writer thread.) Let the crawl's thread count a finished write soon."""
        from twisted.internet import reactor

        if reactor.running:
            reactor.callFromThread(self._after_write)

    def _after_write(self) -> None:
        """(On the crawl's thread.) Count the finished writes; once nothing is left to
        fetch, hand over what arrived while the writer was busy."""
        self._collect()
        if self.records and not self.pending and fetching_done(self.crawler):
            self._flush_at_end()

    def _flush_at_end(self) -> None:
        """Hand the held batch over early: the last pages are written while the rest are
        still extracted, not after (``archive/end_batches``)."""
        assert self.stats is not None
        self.stats.inc_value("archive/end_batches")
        self.flush()

    def _collect(self, *, wait: bool = False) -> None:
        """Count the finished writes, oldest first (all of them with ``wait``); on the first
        failed one, stop the crawl."""
        assert self.stats is not None
        while self.pending and (wait or self.pending[0][0].done()):
            future, kind, articles = self.pending.popleft()
            try:
                result = future.result()
            except _NotWritten:
                self.stats.inc_value("archive/lost", articles)
            except ArchiveError as exc:
                self.stats.inc_value("archive/lost", articles + len(self.records))
                self._fail(exc)
                self._stop_crawl()
            else:
                self._count(kind, result)

    def _count(self, kind: str, result: Any) -> None:
        """Count one written batch of articles (their statuses) or of raw pages (how many)."""
        assert self.stats is not None
        if kind == "staged":  # compressed, written with the next batch (counted then)
            return
        if kind == "raw":
            self.stats.inc_value("archive/raw_pages", result)
            return
        statuses = Counter(result)
        for status, key in (("new", "inserted"), ("updated", "updated"),
                            ("unchanged", "unchanged"), ("kept", "kept")):
            if statuses[status]:
                self.stats.inc_value(f"archive/{key}", statuses[status])
        self.stats.inc_value("archive/batches")

    def _run(self, job: Callable[[], R]) -> R:
        """Run ``job`` on the archive's thread (the writer's, or this one) and wait for it."""
        return job() if self.writer is None else self.writer.call(job)

    def _fail(self, exc: BaseException) -> None:
        """Remember the archive error, hold nothing more, say it once."""
        assert self.stats is not None
        self.error = str(exc)
        self.stats.set_value("archive/error", self.error)
        self.records = []
        self.raw, self.raw_bytes = [], 0
        self.staged.handed = 0
        logger.error("archive error, stopping the crawl: %s", exc)

    def _stop_crawl(self) -> None:
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=ARCHIVE_ERROR))

    def close_spider(self) -> None:
        """Write what is left and wait for it; the run is closed on ``spider_closed``."""
        self._stop_timer()
        if self.store is not None:
            self.flush()
        self._collect(wait=True)

    def force_stop(self, reason: str = "shutdown", **_: Any) -> None:
        """The crawl is being stopped at once: write what is held and record the run now."""
        self.close_spider()
        self.spider_closed(reason)

    def spider_closed(self, reason: str, **_: Any) -> None:
        """Record the run's end, status and one-line reason; close the archive."""
        self._stop_timer()
        self._collect(wait=True)
        if reason == "finished" and self.store is not None and self.run_id is not None:
            self._fill_spellings()
        if self.store is not None and self.run_id is not None:
            assert self.stats is not None
            outcome = crawl_outcome(self.stats.get_stats(), reason)
            stats = {k: _jsonable(v) for k, v in self.stats.get_stats().items()}
            stats["finish_reason"] = reason
            try:
                self._run(partial(self.store.finish_run, self.run_id, status=outcome.status,
                                  stats=stats, reason=outcome.reason))
            except ArchiveError as exc:  # the database may refuse this too: said once
                logger.warning("could not record the end of run %s: %s", self.run_id, exc)
            self.run_id = None
        self._close_store()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def _fill_spellings(self) -> None:
        """Record the look-alike check's spellings of the articles archived since they were
        last recorded (``Archive.fill_spellings``, ~0.14 ms an article of a ~97 KB page;
        searches read those articles' text until then). A crawl that ends early leaves it
        to the next run or to ``newscrawler optimize``; a failure is a warning, not the
        run's outcome. It runs after Scrapy's clock stopped (``elapsed_time_seconds``), so
        its time is kept beside it: ``archive/spellings_seconds`` (``bench/crawl_bench.py``
        adds the two)."""
        assert self.store is not None and self.stats is not None
        started = time.perf_counter()
        try:
            filled = self._run(self.store.fill_spellings)
        except ArchiveError as exc:
            logger.warning("look-alike spellings not recorded (searches read the text "
                           "instead; `newscrawler optimize` records them): %s", exc)
            return
        self.stats.set_value("archive/spellings_filled", filled)
        self.stats.set_value("archive/spellings_seconds",
                             round(time.perf_counter() - started, 3))

    def _stop_timer(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.timer = None

    def _close_store(self) -> None:
        if self.store is not None:
            try:
                self._run(self.store.close)
            except Exception as exc:  # closing a broken file must not hide the first error
                logger.debug("closing the archive: %s", exc)
            self.store = None
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def writer_thread(settings: Any) -> bool:
    """Whether batches are written on a thread of their own: ``ARCHIVE_WRITER_THREAD``, or,
    when it is None, whether extraction runs in worker processes (``EXTRACT_WORKERS``).

    In one process the thread measured slower (0.35x against 0.50x the bare spider's pages/s
    on small pages, 9.5 against 6.4 ms of CPU a page: the reactor and the writer take turns
    at the GIL); with a worker, faster (0.57x against 0.52x)."""
    chosen = settings.get("ARCHIVE_WRITER_THREAD")
    if chosen is None:
        return extract_workers(settings) > 0
    return bool(settings.getbool("ARCHIVE_WRITER_THREAD"))


def run_status(reason: str) -> str:
    """The ``crawl_runs`` status for Scrapy's close reason alone (see ``newscrawler.outcome``).

    >>> run_status("closespider_itemcount"), run_status("shutdown"), run_status("cancelled")
    ('finished', 'killed', 'failed')
    >>> run_status("blocked"), run_status("archive_error")
    ('blocked', 'failed')
    """
    if reason in ("blocked", "rate_limited"):
        return "blocked"
    if reason == "shutdown":
        return "killed"
    if reason == "finished" or reason.startswith("closespider_"):
        return "finished"
    return "failed"


def _jsonable(value: Any) -> Any:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
