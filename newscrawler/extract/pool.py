"""Extraction in worker processes, so a crawl uses more than one core.

:class:`ExtractionPool` runs :func:`extract_bytes` (decode + :func:`extract_page`) in
``workers`` child processes (``newscrawler.extract.workerproc``: fresh interpreters that
import the extractor, not the crawl's main module nor Scrapy, hold no copy of the crawler's
memory, and need no multiprocessing resource tracker). They ignore SIGINT, SIGTERM and
SIGHUP, which a terminal or systemd sends to the whole process group: the crawl decides
when to stop and finishes the pages in flight; a child ends when the pool is shut down or,
when the crawl is killed, when its pipe to the crawl closes.

Besides extracting, a worker can run the pipelines' pure steps ahead of them (:class:`Steps`:
cleaning, splitting, places, call-to-action lines and template line hashes, the block-page
checks, the date choice, the content hash, the stories' shingles and band keys, the raw
page's compression): what is left in the crawl's process is the state (a site's template
book, the URLs and texts seen, the archive). The same functions run in-process when
``workers`` is 0, so both paths give the same archive. Nothing here imports Scrapy (a test
checks what a worker imports).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from archive import stories
from archive.fold import fold
from archive.foldmany import fold_lines
from archive.hashing import content_hash, nfc
from archive.rawcodec import compress_raw
from archive.spellings import spellings_of
from newscrawler.extract.articlelinks import article_links
from newscrawler.extract.dom import utf8_document
from newscrawler.extract.headstart import PREPARE
from newscrawler.extract.page import Extracted, extract_page
from newscrawler.extract.workerproc import WorkerProcesses
from newscrawler.items import ArticleItem, Prepared
from newscrawler.pipelines.block import block_facts, blocks_text
from newscrawler.pipelines.clean import clean_item, replacement_chars
from newscrawler.pipelines.dates import date_fields
from newscrawler.pipelines.split import split_item
from newscrawler.pipelines.template import drop_cta
from newscrawler.places.tagger import place_records
from newscrawler.text.dates import DateCandidate
from newscrawler.text.encoding import decode_html, is_utf8, maybe_double_utf8
from newscrawler.text.templates import line_keys

if TYPE_CHECKING:
    from newscrawler.profiles import SiteProfile

T = TypeVar("T")


@dataclass(frozen=True)
class Steps:
    """The pipelines' pure steps a worker runs ahead of them, right after extraction.

    ``clean`` (CleanTextPipeline), ``split`` (SplitHeadlinesPipeline, with ``credits``),
    ``places`` (PlacesPipeline), ``template`` (TemplatePipeline's call-to-action lines and
    line hashes), ``block`` (BlockPagePipeline's checks of the page alone), ``dates``
    (DatesPipeline), ``archive`` (the content hash, and the stories' prints with
    ``stories``) and ``raw`` (the raw page compressed at ``raw_level``), and for the spider
    ``links`` (the canonical URLs of the page's article links): the pipelines then
    only count what was done and keep their state (``ArticleItem.prepared``). The spider
    asks for a step only when its pipeline sees the item as the worker does (see
    ``newscrawler.spiders.news.worker_steps``). ``slim``: every pipeline is one of
    newscrawler's, so the answer leaves out the split blocks, which none of them reads
    again but for their joined text (``Prepared.blocks_text``).
    """

    clean: bool = False
    split: bool = False
    places: bool = False
    credits: tuple[str, ...] = ()
    template: bool = False
    block: bool = False
    dates: bool = False
    archive: bool = False
    stories: bool = False
    raw: bool = False
    raw_level: int = 1
    links: bool = False
    slim: bool = False


_PROFILE: SiteProfile | None = None
_STEPS = Steps()


def extract_bytes(body: bytes, header_charset: str | None, url: str,
                  profile: SiteProfile | None) -> tuple[str, Extracted]:
    """Decode a fetched page and extract it; returns (the encoding used, what was found).

    A UTF-8 page is only checked (``is_utf8``): the parser reads its bytes as they are,
    unless they may be double-encoded (``maybe_double_utf8``), which ``decode_html`` undoes.
    """
    if is_utf8(body) and not maybe_double_utf8(body):
        data = utf8_document(body)  # None: a BOM, a NUL, an end that is not ASCII
        if data is not None:
            return "utf-8", extract_page(data, url, profile, utf8=True)
    text, encoding = decode_html(body, header_charset)
    return encoding, extract_page(text, url, profile)


def prepare_text(extracted: Extracted, profile: SiteProfile | None, steps: Steps, *,
                 raw: bytes = b"", fetched_at: str = "",
                 dates_from: Sequence[DateCandidate] = ()) -> ArticleItem | None:
    """The item's text after the ``steps`` (None when there are none): the same functions
    the pipelines run, on the same input; ``prepared`` says what was done. ``raw``: the
    page as fetched; ``fetched_at``: the item's fetch time; ``dates_from``: the feed and
    sitemap dates the crawl holds for the page."""
    if not steps.clean:
        return None
    language = extracted.language or (profile.language if profile else None)
    item = ArticleItem(url=extracted.url, site="", fetched_at=fetched_at,
                       is_article=extracted.is_article, title=extracted.title,
                       author=extracted.author, category=extracted.category,
                       tags=list(extracted.tags), description=extracted.description,
                       language=language, blocks=list(extracted.blocks), raw_html=raw)
    prepared = Prepared(cleaned=True, stray_chars=replacement_chars(item))
    prepared.boilerplate_dropped = clean_item(item)
    if steps.split:
        split_item(item, steps.credits)
        prepared.split = True
        if steps.template:
            prepared.cta_dropped = drop_cta(item)
            prepared.line_keys = line_keys(item.paragraphs)
        prepared.places_for = (item.title, item.body, item.credit)
        if steps.places:
            prepared.places = place_records(item.title, item.body, item.credit,
                                            getattr(profile, "region", None))
        _after_text(item, prepared, steps)
    if steps.dates and fetched_at:
        prepared.dates_from = tuple(dates_from)
        prepared.dates = date_fields([*extracted.date_candidates, *dates_from], fetched_at)
    if steps.raw and raw:
        prepared.raw_compressed = compress_raw(raw, steps.raw_level)
    if steps.links and profile is not None:
        prepared.follow = article_links(extracted, profile)
    if steps.split and steps.slim:
        # Unpickling the blocks was ~20% of reading a large page's answer in the crawl.
        prepared.blocks_text = blocks_text(item.blocks)
        item.blocks = []
    item.raw_html = None  # the crawl has the page: never sent back
    item.prepared = prepared
    return item


def _after_text(item: ArticleItem, prepared: Prepared, steps: Steps) -> None:
    """The steps that read the finished text: block checks, content hash, stories' prints,
    look-alike spellings (recorded by the archive as it saves a new article, instead of
    all at once after the crawl's last page: ~0.14 ms an article of a ~97 KB page)."""
    if steps.block:
        prepared.block = block_facts(item)
    if steps.archive:
        prepared.content_hash = content_hash(item.title or "", item.body)
        # As the archive saves them: NFC (remembered from the content hash), then folded
        # once for both the story prints and the spellings; line by line from the folds
        # the template keys just made (``fold_lines``: ~0.13 M instructions less).
        title, body = nfc(item.title or ""), nfc(item.body)
        body_fold = fold_lines(body) if steps.template else fold(body)
        if steps.stories:
            prepared.story_prints = stories.prints(body_fold)
        prepared.spellings = frozenset(spellings_of(title, body, fold(title), body_fold))


@cache
def _light(steps: Steps) -> Steps:
    """``steps`` without places, block checks and the date choice, which the crawl's process
    does for a page sent ``light`` (:meth:`ExtractionPool.submit`): together about a sixth
    of a large page's cost in a worker, and nothing the crawl's process needs numpy for
    (the stories' prints would load it there, +11 MB)."""
    return replace(steps, places=False, block=False, dates=False)


def _init_worker(profile: SiteProfile | None, steps: Steps, crawl_pid: int) -> None:
    """Start a worker: keep the site's profile, leave shutdown signals to the crawl, end
    when the crawl's process is gone (its pipe's end of file is read only after the page
    in hand: the watch ends a worker busy with a large page too)."""
    global _PROFILE, _STEPS
    _PROFILE, _STEPS = profile, steps
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(crawl_pid,), name="watch-crawl", daemon=True).start()
    threading.Thread(target=_warm, name="warm-up", daemon=True).start()


#: A short article that sends a page through every step (see ``_warm``).
_WARM_PAGE = (
    '<html lang="tr"><head><title>İzmir\'de yağmur</title><meta property='
    '"article:published_time" content="2025-11-16T10:00:00+03:00"></head><body><article>'
    "<h1>İzmir'de yağmur</h1><p>İZMİR (Hibya) – Bornova'da sağanak yağmur etkili oldu, "
    "ekipler sahada çalıştı ve vatandaşlar uyarıldı.</p><p>Meteoroloji yağışın yarın da "
    "süreceğini bildirdi; Karşıyaka'da su baskınları yaşandı.</p><p>Haberlerimizi "
    "Google'da takip edin</p></article></body></html>")


def _warm() -> None:
    """Build what a worker builds at its first page (numpy, the call-to-action and place
    name patterns: ~0.2 s) while the crawl is still starting, not when the first page
    waits: the made-up page through the worker's steps, its answer dropped."""
    try:
        warm_page(_PROFILE, _STEPS)
    except Exception:  # only a head start: the first page builds what is missing
        pass


#: Every step a worker may run: what a spare prepares before it knows the crawl's steps.
EVERY_STEP = Steps(clean=True, split=True, places=True, template=True, block=True,
                   dates=True, archive=True, stories=True, links=True)


def prepare_worker() -> None:
    """A spare worker's head start (``newscrawler.extract.headstart``), before it knows its
    site or steps: the made-up page through every step (``_warm`` then has little left)."""
    try:
        warm_page(None, EVERY_STEP)
    except Exception:  # only a head start, as ``_warm``
        pass


def warm_page(profile: SiteProfile | None, steps: Steps) -> ArticleItem | None:
    """The made-up page (``_WARM_PAGE``) through extraction and ``steps``."""
    extracted = extract_page(_WARM_PAGE, "http://warm-up.invalid/haber-1", profile)
    return prepare_text(extracted, profile, steps, raw=_WARM_PAGE.encode(),
                        fetched_at=fetch_time())


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


def fetch_time() -> str:
    """The time an item is stamped with (``fetched_at``): now, to the second, in UTC."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _extract_in_worker(body: bytes, header_charset: str | None, url: str,
                       dates_from: tuple[DateCandidate, ...] = (), light: bool = False
                       ) -> tuple[str, Extracted, ArticleItem | None]:
    steps = _light(_STEPS) if light else _STEPS
    encoding, extracted = extract_bytes(body, header_charset, url, _PROFILE)
    text = prepare_text(extracted, _PROFILE, steps, raw=body, fetched_at=fetch_time(),
                        dates_from=dates_from)
    return encoding, for_crawl(extracted, text), text


def for_crawl(extracted: Extracted, text: ArticleItem | None) -> Extracted:
    """What the crawl's process reads of ``extracted`` once a worker prepared its ``text``
    (sent through a pipe: each field once). The spider takes the text fields and blocks
    from ``text`` (``PREPARED_FIELDS``), so ``extracted`` keeps the page's facts and date
    candidates, and its blocks only when the spider still reads their links (no
    ``follow``)."""
    if text is None or text.prepared is None:
        return extracted
    return Extracted(url=extracted.url, canonical_url=extracted.canonical_url,
                     language=extracted.language, is_article=extracted.is_article,
                     reason=extracted.reason, date_candidates=extracted.date_candidates,
                     blocks=extracted.blocks if text.prepared.follow is None else [])


def _ready() -> int:
    """A worker's answer to the start-up call: its process id."""
    return os.getpid()


def imported(*names: str) -> list[bool]:
    """Which of the modules ``names`` this process has imported (workers stay lean)."""
    return [name in sys.modules for name in names]


class ExtractionPool:
    """``workers`` processes extracting the pages of one site (``profile``)."""

    def __init__(self, workers: int, profile: SiteProfile | None,
                 steps: Steps = Steps(), *, max_pages: int = 0, max_rss: int = 0) -> None:
        self.workers = workers
        self.profile = profile
        self.steps = steps
        self.max_pages, self.max_rss = max_pages, max_rss
        self.generation = 0
        self._recycled_before = 0  # by the executors replaced by ``restart``
        self._held = 0
        self._held_lock = threading.Lock()
        self._executor = self._new_executor()

    def _new_executor(self) -> WorkerProcesses:
        """Fresh interpreters, not forks (a fork would copy the crawl's memory and threads)."""
        return WorkerProcesses(self.workers, _init_worker,
                               (self.profile, self.steps, os.getpid()),
                               max_calls=self.max_pages, max_rss=self.max_rss,
                               adopt=PREPARE)

    def head_start(self) -> int:
        """Workers taken from the spares started ahead (``newscrawler.extract.headstart``)."""
        return self._executor.adopted

    def recycled(self) -> int:
        """Workers replaced so far after ``max_pages`` pages or past ``max_rss`` bytes."""
        return self._recycled_before + self._executor.recycled

    def start(self, timeout: float = 60.0) -> list[int]:
        """Start every worker now (not at the first page); returns their process ids."""
        calls = [self._executor.submit(_ready) for _ in range(self.workers)]
        for call in calls:
            call.result(timeout=timeout)
        return self.pids()

    def submit(self, body: bytes, header_charset: str | None, url: str,
               dates_from: Sequence[DateCandidate] = (), *, light: bool = False
               ) -> Future[tuple[str, Extracted, ArticleItem | None]]:
        """Extract one page in a worker; the future holds (encoding, Extracted, the text
        after the pool's steps or None). ``dates_from``: the feed and sitemap dates the
        crawl holds for the page now; ``light``: leave places, block checks and the
        date choice to the crawl's process."""
        size = len(body)
        with self._held_lock:
            self._held += size
        try:
            # sent beside the call's pickle, not copied into it (and out of it in the worker)
            future = self._executor.submit(_extract_in_worker, pickle.PickleBuffer(body),
                                           header_charset, url, tuple(dates_from), light)
        except BaseException:
            self._release(size)
            raise
        future.add_done_callback(lambda _: self._release(size))
        return future

    def _release(self, size: int) -> None:
        """A page was answered (or failed): its bytes are no longer held."""
        with self._held_lock:
            self._held -= size

    def held(self) -> int:
        """Bytes of pages sent to the workers and not answered yet, per worker: the work
        each has ahead of it."""
        return self._held // max(1, self.workers)

    def restart(self, generation: int) -> bool:
        """Replace the workers of ``generation``, broken (one was killed), by new ones;
        False when that was done already (by another page that was in flight)."""
        if generation != self.generation:
            return False
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._recycled_before += self._executor.recycled
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
