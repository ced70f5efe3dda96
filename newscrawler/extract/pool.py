"""Extraction in worker processes, so a crawl uses more than one core.

:class:`ExtractionPool` runs :func:`extract_bytes` (decode + :func:`extract_page`) in
``workers`` child processes (``newscrawler.extract.workerproc``: fresh interpreters that
import the extractor, not the crawl's main module nor Scrapy, hold no copy of the crawler's
memory, and need no multiprocessing resource tracker). They ignore SIGINT, SIGTERM and
SIGHUP, which a terminal or systemd sends to the whole process group: the crawl decides
when to stop and finishes the pages in flight; a child ends when the pool is shut down or,
when the crawl is killed, when its pipe to the crawl closes.

Besides extracting, a worker can run the pipelines' pure steps ahead of them (:class:`Steps`:
cleaning, splitting, places), the costly part of the pipelines. The same functions run
in-process when ``workers`` is 0, so both paths give the same archive. Nothing here imports
Scrapy (a test checks what a worker imports).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from newscrawler.extract.dom import utf8_document
from newscrawler.extract.page import Extracted, extract_page
from newscrawler.extract.workerproc import WorkerProcesses
from newscrawler.items import ArticleItem, Prepared
from newscrawler.pipelines.clean import clean_item, replacement_chars
from newscrawler.pipelines.split import split_item
from newscrawler.places.tagger import place_records
from newscrawler.text.encoding import decode_html

if TYPE_CHECKING:
    from newscrawler.profiles import SiteProfile

T = TypeVar("T")


@dataclass(frozen=True)
class Steps:
    """The pipelines' pure steps a worker runs ahead of them, right after extraction.

    ``clean`` (CleanTextPipeline), ``split`` (SplitHeadlinesPipeline, with ``credits``) and
    ``places`` (PlacesPipeline): the pipelines then only count what was done
    (``ArticleItem.prepared``). The spider asks for a step only when its pipeline runs at
    that point of ``ITEM_PIPELINES`` (see ``newscrawler.spiders.news.worker_steps``).
    """

    clean: bool = False
    split: bool = False
    places: bool = False
    credits: tuple[str, ...] = ()


_PROFILE: SiteProfile | None = None
_STEPS = Steps()


def extract_bytes(body: bytes, header_charset: str | None, url: str,
                  profile: SiteProfile | None) -> tuple[str, Extracted]:
    """Decode a fetched page and extract it; returns (the encoding used, what was found).

    A UTF-8 page is decoded only to check it: the parser reads its bytes as they are.
    """
    text, encoding = decode_html(body, header_charset)
    data = utf8_document(body) if encoding == "utf-8" else None
    return encoding, extract_page(text if data is None else data, url, profile)


def prepare_text(extracted: Extracted, profile: SiteProfile | None,
                 steps: Steps) -> ArticleItem | None:
    """The item's text after the ``steps`` (None when there are none): the same functions
    the pipelines run, on the same input; ``prepared`` says what was done."""
    if not steps.clean:
        return None
    language = extracted.language or (profile.language if profile else None)
    item = ArticleItem(url=extracted.url, site="", fetched_at="",
                       is_article=extracted.is_article, title=extracted.title,
                       author=extracted.author, category=extracted.category,
                       tags=list(extracted.tags), description=extracted.description,
                       language=language, blocks=list(extracted.blocks))
    prepared = Prepared(cleaned=True, stray_chars=replacement_chars(item))
    prepared.boilerplate_dropped = clean_item(item)
    if steps.split:
        split_item(item, steps.credits)
        prepared.split = True
        if steps.places:
            prepared.places_for = (item.title, item.body, item.credit)
            prepared.places = place_records(item.title, item.body, item.credit,
                                            getattr(profile, "region", None))
    item.prepared = prepared
    return item


def _init_worker(profile: SiteProfile | None, steps: Steps, crawl_pid: int) -> None:
    """Start a worker: keep the site's profile, leave shutdown signals to the crawl, end
    when the crawl's process is gone (a worker holds its queue's pipes open itself, so it
    would never read an end of file)."""
    global _PROFILE, _STEPS
    _PROFILE, _STEPS = profile, steps
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
                       url: str) -> tuple[str, Extracted, ArticleItem | None]:
    encoding, extracted = extract_bytes(body, header_charset, url, _PROFILE)
    return encoding, extracted, prepare_text(extracted, _PROFILE, _STEPS)


def _ready() -> int:
    """A worker's answer to the start-up call: its process id."""
    return os.getpid()


def imported(*names: str) -> list[bool]:
    """Which of the modules ``names`` this process has imported (workers stay lean)."""
    return [name in sys.modules for name in names]


class ExtractionPool:
    """``workers`` processes extracting the pages of one site (``profile``)."""

    def __init__(self, workers: int, profile: SiteProfile | None,
                 steps: Steps = Steps()) -> None:
        self.workers = workers
        self.profile = profile
        self.steps = steps
        self.generation = 0
        self._executor = self._new_executor()

    def _new_executor(self) -> WorkerProcesses:
        """Fresh interpreters, not forks (a fork would copy the crawl's memory and threads)."""
        return WorkerProcesses(self.workers, _init_worker,
                               (self.profile, self.steps, os.getpid()))

    def start(self, timeout: float = 60.0) -> list[int]:
        """Start every worker now (not at the first page); returns their process ids."""
        calls = [self._executor.submit(_ready) for _ in range(self.workers)]
        for call in calls:
            call.result(timeout=timeout)
        return self.pids()

    def submit(self, body: bytes, header_charset: str | None,
               url: str) -> Future[tuple[str, Extracted, ArticleItem | None]]:
        """Extract one page in a worker; the future holds (encoding, Extracted, the text
        after the pool's steps or None)."""
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
        """The worker processes' ids."""
        return self._executor.pids()

    def close(self, *, wait: bool = True) -> None:
        """Stop the workers: after their current page (``wait``), or cancelling what is queued."""
        self._executor.shutdown(wait=wait, cancel_futures=True)
