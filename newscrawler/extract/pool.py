"""Extraction in worker processes, so a crawl uses more than one core.

:class:`ExtractionPool` runs :func:`extract_bytes` (decode + :func:`extract_page`) in
``workers`` child processes. The children are started by ``forkserver`` (``spawn`` where
there is none): they import only the extractor, never Scrapy or the archive, and hold no
copy of the crawler's memory. They ignore SIGINT, SIGTERM and SIGHUP, which a terminal or
systemd sends to the whole process group: the crawl decides when to stop and finishes the
pages in flight; a child ends when the pool is shut down or, when the crawl is killed, when
its pipe to the crawl closes.

The same function runs in-process when ``workers`` is 0, so both paths give the same
``Extracted``. Nothing here imports Scrapy.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from newscrawler.extract.page import Extracted, extract_page
from newscrawler.text.encoding import decode_html

if TYPE_CHECKING:
    from newscrawler.profiles import SiteProfile

T = TypeVar("T")
_PROFILE: SiteProfile | None = None


def extract_bytes(body: bytes, header_charset: str | None, url: str,
                  profile: SiteProfile | None) -> tuple[str, Extracted]:
    """Decode a fetched page and extract it; returns (the encoding used, what was found)."""
    text, encoding = decode_html(body, header_charset)
    return encoding, extract_page(text, url, profile)


def _init_worker(profile: SiteProfile | None, crawl_pid: int) -> None:
    """Start a worker: keep the site's profile, leave shutdown signals to the crawl, end
    when the crawl's process is gone (a worker holds its queue's pipes open itself, so it
    would never read an end of file)."""
    global _PROFILE
    _PROFILE = profile
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(crawl_pid,), name="watch-crawl", daemon=True).start()


def _watch(crawl_pid: int, interval: float = 0.5) -> None:
    """Exit this worker as soon as the crawl's process has ended (SIGKILL, OOM killer)."""
    while _running(crawl_pid):
        time.sleep(interval)
    os._exit(0)


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and is no zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _extract_in_worker(body: bytes, header_charset: str | None,
                       url: str) -> tuple[str, Extracted]:
    return extract_bytes(body, header_charset, url, _PROFILE)


def _ready() -> int:
    """A worker's answer to the start-up call: its process id."""
    return os.getpid()


def imported(*names: str) -> list[bool]:
    """Which of the modules ``names`` this process has imported (workers stay lean)."""
    return [name in sys.modules for name in names]


def _context() -> multiprocessing.context.BaseContext:
    """forkserver, whose server imports only this module (and so the extractor)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


class ExtractionPool:
    """``workers`` processes extracting the pages of one site (``profile``)."""

    def __init__(self, workers: int, profile: SiteProfile | None) -> None:
        self.workers = workers
        self.profile = profile
        self.generation = 0
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=_context(),
                                   initializer=_init_worker,
                                   initargs=(self.profile, os.getpid()))

    def start(self, timeout: float = 60.0) -> list[int]:
        """Start every worker now (not at the first page); returns their process ids."""
        calls = [self._executor.submit(_ready) for _ in range(self.workers)]
        for call in calls:
            call.result(timeout=timeout)
        return self.pids()

    def submit(self, body: bytes, header_charset: str | None,
               url: str) -> Future[tuple[str, Extracted]]:
        """Extract one page in a worker; the future holds (encoding, Extracted)."""
        return self._executor.submit(_extract_in_worker, body, header_charset, url)

    def restart(self, generation: int) -> bool:
        """Replace the workers of ``generation``, broken (one was killed), by new ones;
        False when that was done already (by another page that was in flight)."""
        if generation != self.generation:
            return False
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.generation += 1
        self._executor = self._new_executor()
        return True

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` in a worker and wait for its result (checks, tests)."""
        return self._executor.submit(fn, *args).result()

    def pids(self) -> list[int]:
        """The worker processes' ids (started lazily: empty before the first page)."""
        processes = getattr(self._executor, "_processes", None) or {}
        return sorted(processes)

    def close(self, *, wait: bool = True) -> None:
        """Stop the workers: after their current page (``wait``), or cancelling what is queued."""
        self._executor.shutdown(wait=wait, cancel_futures=True)
