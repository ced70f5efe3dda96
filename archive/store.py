"""The archive: one SQLite file of articles, their revisions, raw pages and crawl runs.

``Archive`` is the only entry point the crawler and the CLI use::

    with Archive("news.db") as archive:
        archive.save_articles([{"url": ..., "site": "hibya", "title": ..., "body": ...}])

It opens the file with sqlite-utils in WAL mode (readers never block the crawl), refuses
files that are not newscrawler archives before writing anything, applies the schema
migrations, retries writes while another process holds the lock (for up to ``timeout``
seconds, with jittered exponential backoff), and turns SQLite errors into
``ArchiveError`` subclasses whose message says what to do next.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType

from archive.connection import (
    is_locked,
    on_read_only_storage,
    read_only_uri,
    sqlite_errors,
    transaction,
)
from archive.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveMissingError,
    ArchiveWriteError,
    RecordError,
)
from archive.fold import fold
from archive.hashing import content_hash
from archive.rawcodec import compress_raw
from archive.schema import (
    ARTICLE_RECORD_KEYS,
    FTS_OPTIMIZE_SQL,
    RUN_STATUSES,
    SCHEMA_VERSION,
    check_archive,
    migrate,
)
from archive.textindex import IndexQueue, reindex

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (#11)
if TYPE_CHECKING:
    from typing import Any, Concatenate, ParamSpec, TypeVar

    from sqlite_utils import Database
    from tenacity import RetryCallState

__all__ = [
    "ATTEMPT_BUSY_SECONDS",
    "CACHE_KIB",
    "QUICK_CHECK_MAX_BYTES",
    "RAW_COMPRESSION_LEVEL",
    "WAL_AUTOCHECKPOINT_PAGES",
    "Archive",
    "content_hash",
    "pid_alive",
]

#: Compression level of raw pages (zlib's format, ``archive.rawcodec``): zlib's level 1
#: took 0.84 ms a 75 KB page at 27% of the size (level 6: 2.2 ms for 23%); ISA-L's level 1
#: takes ~0.11 ms a ~97 KB page, ~3% smaller than zlib's.
RAW_COMPRESSION_LEVEL = 1

#: A command that runs often (a crawl every 30 minutes) checks the file's structure at its
#: start (``Archive.quick_check``) only up to this size: 0.07-0.15 s per 100 MB from the
#: page cache, ~1 s per 100 MB from disk (measured on a 103 MB archive).
QUICK_CHECK_MAX_BYTES = 256 * 2**20

#: SQLite page cache of an archive connection (KiB). The default 2 MB let stories' band
#: lookups and inserts (``story_bands``, 32 rows an article) read from the OS at every
#: batch once the archive outgrew it: 16 MB measured 5.1 -> 4.1 ms an article at 20,000
#: articles (bench/archive_bench.py); no change without stories; 64 MB no better.
CACHE_KIB = 16 * 1024

#: WAL pages after which a COMMIT copies the log into the file (SQLite's default: 1,000,
#: 4 MB). A page written by several batches between two checkpoints is copied once:
#: 10,000 (~40 MB of log on disk, none of it in memory) wrote 25% fewer bytes an article
#: at 5,000-25,000 articles, with stories or without (bench/archive_bench.py, #11).
WAL_AUTOCHECKPOINT_PAGES = 10_000

#: An update that keeps less than ``KEEP_SHARE`` of an archived body of ``KEEP_MIN_CHARS``
#: characters or more is refused (status ``kept``): a teaser, a paywall or a cut page
#: served in place of the article must not replace the text already archived, nor the
#: saved page it came from (a correction that long would be rare).
KEEP_MIN_CHARS = 500
KEEP_SHARE = 0.5

#: Seconds SQLite's own busy handler waits within one write attempt (a crawl's batch
#: holds the lock for ~0.1 s). Between attempts tenacity waits a random, exponentially
#: growing time (jitter: waiting writers do not retry in step) until ``timeout`` is spent.
ATTEMPT_BUSY_SECONDS = 0.2

_TEXT_FIELDS = (
    "published_at", "updated_at", "date_precision", "date_source", "date_raw", "author",
    "credit", "category", "language",
)  # fmt: skip
_ARTICLE_COLUMNS = (
    "url", "site", "title", "body", *_TEXT_FIELDS, "tags", "fetched_at", "first_seen_at",
    "last_seen_at", "content_hash", "fetched_url", "revision", "flags",
)  # fmt: skip
_INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _ARTICLE_COLUMNS)})"
)
_UPDATED_COLUMNS = tuple(c for c in _ARTICLE_COLUMNS if c not in ("url", "first_seen_at"))
_UPDATE_ARTICLE = (
    f"UPDATE articles SET {', '.join(f'{c} = ?' for c in _UPDATED_COLUMNS)} WHERE id = ?"
)
_RAW_COLUMNS = ("url", "site", "fetched_at", "status", "content_type", "encoding", "body")
# A refetch replaces the saved page, except that an error response never replaces a
# good one (2xx, or unknown status): the HTML of a since-deleted article stays. And the
# page of an archived article (article_id set) is never replaced by a worse one: a page
# that yielded no article (a block page), an empty body, or a non-2xx status (the last
# parameter says whether the new page is such a one).
_UPSERT_RAW = """
INSERT INTO raw_pages (url, site, fetched_at, status, content_type, encoding, body, article_id)
VALUES (?, ?, ?, ?, ?, ?, ?, coalesce(
    (SELECT id FROM articles WHERE url = ?), (SELECT id FROM articles WHERE fetched_url = ?)))
ON CONFLICT(url) DO UPDATE SET
    site = coalesce(excluded.site, raw_pages.site),
    fetched_at = excluded.fetched_at,
    status = excluded.status,
    content_type = excluded.content_type,
    encoding = excluded.encoding,
    body = excluded.body,
    article_id = coalesce(excluded.article_id, raw_pages.article_id)
WHERE (excluded.status IS NULL OR excluded.status BETWEEN 200 AND 299
       OR raw_pages.status IS NULL OR raw_pages.status NOT BETWEEN 200 AND 299)
  AND NOT (? AND raw_pages.article_id IS NOT NULL)
"""

#: ``json.dumps(tags, ensure_ascii=False)``, its encoder made once (json.dumps makes one a
#: call when an option is not the default: 4 of the ~5 µs).
_tags_json = json.JSONEncoder(ensure_ascii=False).encode

if TYPE_CHECKING:
    P = ParamSpec("P")
    R = TypeVar("R")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _translated(
    method: Callable[Concatenate[Archive, P], R],
) -> Callable[Concatenate[Archive, P], R]:
    """Run the method with SQLite errors turned into ``ArchiveError`` subclasses."""

    @functools.wraps(method)
    def wrapper(self: Archive, *args: P.args, **kwargs: P.kwargs) -> R:
        with sqlite_errors(self.name, timeout=self.timeout):
            return method(self, *args, **kwargs)

    return wrapper


def _text(record: Mapping[str, Any], key: str, url: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise RecordError(f"article {url}: {key!r} must be a string or None, got {value!r}")


def _headlines(record: Mapping[str, Any], url: str) -> list[tuple[int, str, str | None]]:
    rows: list[tuple[int, str, str | None]] = []
    for i, item in enumerate(record.get("headlines") or (), start=1):
        if not isinstance(item, Mapping) or not isinstance(item.get("title"), str):
            raise RecordError(
                f"article {url}: each headline must be a dict with a 'title' string "
                f"(and 'url', 'position'), got {item!r}"
            )
        position = item.get("position", i)
        if not isinstance(position, int):
            raise RecordError(f"article {url}: headline position must be an int, got {position!r}")
        rows.append((position, item["title"], item.get("url")))
    if len({position for position, _, _ in rows}) != len(rows):
        raise RecordError(f"article {url}: two headlines have the same position")
    return rows


def _places(record: Mapping[str, Any], url: str) -> list[tuple[str, str | None, str | None]] | None:
    """The record's ``places`` as (province, district, found_in) rows in rank order; None:
    the record carries none (the archive keeps what it has)."""
    if record.get("places") is None:
        return None
    rows: list[tuple[str, str | None, str | None]] = []
    for place in record["places"]:
        if not isinstance(place, Mapping) or not isinstance(place.get("province"), str):
            raise RecordError(f"article {url}: each place must be a dict with a 'province' "
                              f"string (and 'district', 'found_in'), got {place!r}")
        rows.append((place["province"], place.get("district"), place.get("found_in")))
    return rows


def _save_places(conn: sqlite3.Connection, article_id: int,
                 places: list[tuple[str, str | None, str | None]]) -> None:
    """Replace the article's places (rank from 1)."""
    conn.execute("DELETE FROM places WHERE article_id = ?", (article_id,))
    conn.executemany(
        "INSERT INTO places (article_id, rank, province, district, found_in) "
        "VALUES (?, ?, ?, ?, ?)",
        [(article_id, rank, *place) for rank, place in enumerate(places, start=1)],
    )


def _article_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one record and turn it into column values (hash computed, folds not yet:
    an unchanged article needs none)."""
    url = record.get("url")
    if not isinstance(url, str) or not url.strip():
        raise RecordError(
            f"article record without a 'url' (got {url!r}); every article needs its canonical URL"
        )
    unknown = set(record) - ARTICLE_RECORD_KEYS
    if unknown:
        raise RecordError(
            f"article {url}: unknown key(s) {', '.join(sorted(unknown))}; "
            f"known keys: {', '.join(sorted(ARTICLE_RECORD_KEYS))}"
        )
    for key in ("site", "title", "body"):
        if not isinstance(record.get(key), str):
            raise RecordError(f"article {url}: {key!r} must be a string, got {record.get(key)!r}")
    title = unicodedata.normalize("NFC", record["title"])
    body = unicodedata.normalize("NFC", record["body"])
    tags = record.get("tags")
    if tags is not None and (isinstance(tags, str) or not all(isinstance(t, str) for t in tags)):
        raise RecordError(f"article {url}: 'tags' must be a list of strings, got {tags!r}")
    given_hash = record.get("content_hash")
    fetched_url = _text(record, "fetched_url", url)
    row: dict[str, Any] = {
        "url": url,
        "site": record["site"],
        "title": title,
        "body": body,
        **{key: _text(record, key, url) for key in _TEXT_FIELDS},
        "tags": None if tags is None else _tags_json(list(tags)),
        "fetched_at": _text(record, "fetched_at", url) or _now(),
        "content_hash": given_hash
        if isinstance(given_hash, str) and given_hash
        else content_hash(title, body),
        "fetched_url": None if fetched_url == url else fetched_url,
        "flags": _flags(record, url),
    }
    return row


def _prints(value: Any) -> Any:
    """A record's ``story_prints`` when it is what ``archive.stories.prints`` returns (an
    imported file's value is never trusted: it cannot be an array); else None."""
    from array import array

    ok = (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], array)
          and isinstance(value[1], tuple))
    return value if ok else None


def _spellings(value: Any) -> frozenset[str] | None:
    """A record's ``spellings`` when it is what a crawl's worker computed
    (``frozenset(archive.spellings.spellings_of(title, body))``; an imported file's value
    is never trusted: it cannot be a frozenset); else None."""
    ok = isinstance(value, frozenset) and all(isinstance(v, str) for v in value)
    return value if ok else None


def _flags(record: Mapping[str, Any], url: str) -> str | None:
    """The ``flags`` column: the record's marks, sorted and comma-separated; None for none.

    >>> _flags({"flags": ["short"]}, "u"), _flags({"flags": []}, "u"), _flags({}, "u")
    ('short', None, None)
    """
    flags = record.get("flags")
    if flags is None:
        return None
    if isinstance(flags, str) or not all(isinstance(f, str) and "," not in f for f in flags):
        raise RecordError(f"article {url}: 'flags' must be a list of words, got {flags!r}")
    return ",".join(sorted({f.strip() for f in flags if f.strip()})) or None


class Archive:
    """A newscrawler archive file: articles, revisions, headlines, raw pages, runs.

    :param path: the SQLite file (``news.db``); ``":memory:"`` for a throwaway archive
    :param timeout: seconds to wait for another process's lock before
        ``ArchiveLockedError``
    :param create: create the file when missing; ``False`` raises
        ``ArchiveMissingError`` instead
    :raises ArchiveLockedError: another process kept the database locked for ``timeout``
    :raises ArchiveCorruptError: the file is not a SQLite database, is damaged, or
        belongs to another application; the file is left untouched
    :raises ArchiveVersionError: the file comes from a newer newscrawler

    ``db`` is the sqlite-utils ``Database``, for reading tables directly.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0, create: bool = True):
        memory = str(path) == ":memory:"
        self.path = str(path) if memory else Path(path)
        self.name = "the in-memory archive" if memory else Path(path).name
        self.timeout = timeout
        #: How many times a write met a locked database and was tried again.
        self.lock_retries = 0
        self._busy_ms = int(timeout * 1000)
        self._writing = False
        #: Page URLs of articles ``kept`` (``cut_short``): their raw page, saved after them,
        #: must not replace the archived one (the page of the text kept).
        self._kept_pages: set[str] = set()
        if not memory and not create and not Path(path).exists():
            raise ArchiveMissingError(
                f"{self.name} does not exist ({Path(path).resolve()}); check the path, "
                "or crawl first to create the archive"
            )
        if not memory and not create and Path(path).is_file() and not Path(path).stat().st_size:
            # a reader must not write: an empty file becomes an archive at its first crawl
            raise ArchiveMissingError(
                f"{self.name} is empty ({Path(path).resolve()}): no archive in it yet; crawl "
                "or import into it first"
            )
        if not memory:
            _refuse_hard_links(Path(path), self.name)
            _refuse_other_bytes(Path(path), self.name)
        #: Opened read-only, immutable: the file is on read-only storage (and only read).
        self.read_only = not memory and not create and on_read_only_storage(str(path))
        with sqlite_errors(self.name, timeout=timeout):
            conn = (sqlite3.connect(read_only_uri(str(path)), uri=True, timeout=timeout)
                    if self.read_only else sqlite3.connect(str(path), timeout=timeout))
        try:
            with sqlite_errors(self.name, timeout=timeout):
                conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
                conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
                # Read before any write: a damaged, foreign or newer file fails here,
                # unchanged (no journal-mode change, no migration).
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                check_archive(conn, self.name)
                self._conn = conn
                conn.execute("PRAGMA foreign_keys = ON")
                #: Schema versions applied when this archive was opened (usually none).
                self.migrated: list[int] = []
                if self.read_only:
                    version = check_archive(conn, self.name)
                    if version != SCHEMA_VERSION:
                        raise ArchiveWriteError(
                            f"{self.name} is on read-only storage and was written by an older "
                            f"newscrawler (schema version {version}, this one reads "
                            f"{SCHEMA_VERSION}): copy it to a writable folder and open it "
                            "there once to upgrade it")
                    return
                journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if not memory and journal.lower() != "wal":
                    # Switching to WAL rewrites the header: check a file first (new
                    # archives are WAL from the start, so this runs once per file at most).
                    if check_archive(conn, self.name) > 0:
                        self.quick_check()
                    self._write(self.db.enable_wal)
                # WAL + NORMAL: durable across crashes of the crawler, one fsync a checkpoint.
                conn.execute("PRAGMA synchronous = NORMAL")
                conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
                if check_archive(conn, self.name) != SCHEMA_VERSION:
                    self.migrated = self._write(lambda: migrate(self.db, name=self.name))
        except BaseException:
            conn.close()
            raise

    @property
    def conn(self) -> sqlite3.Connection:
        """The underlying ``sqlite3`` connection."""
        return self._conn

    @functools.cached_property
    def db(self) -> Database:
        """The sqlite-utils ``Database`` on ``conn``, made on first use: importing
        sqlite-utils imports pandas and numpy when installed (0.3 s), which reading the
        archive (search, export, stats) never needs."""
        from sqlite_utils import Database

        return Database(self._conn, execute_plugins=False)

    def __repr__(self) -> str:
        return f"Archive({str(self.path)!r})"

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database (the WAL is checkpointed into the file)."""
        self._conn.close()

    def _write(self, work: Callable[[], R]) -> R:
        """Run one write transaction, trying again while the database is locked.

        Each attempt lets SQLite wait ``ATTEMPT_BUSY_SECONDS``; between attempts tenacity
        waits a random exponential time; after ``timeout`` seconds in all the last
        "database is locked" error is raised (``_translated`` makes it an
        ``ArchiveLockedError``). Inside an open transaction the work runs once: only the
        outermost transaction can be tried again.
        """
        if self._writing or self.conn.in_transaction:
            return work()
        from tenacity import Retrying, retry_if_exception, wait_random_exponential

        deadline = time.monotonic() + self.timeout
        backoff = wait_random_exponential(multiplier=0.05, max=2.0)

        def left() -> float:
            return max(0.0, deadline - time.monotonic())

        def attempt(_state: RetryCallState) -> None:
            busy = int(min(ATTEMPT_BUSY_SECONDS, left()) * 1000)
            self.conn.execute(f"PRAGMA busy_timeout = {busy}")

        def retried(_state: RetryCallState) -> None:
            self.lock_retries += 1

        retrying = Retrying(
            retry=retry_if_exception(is_locked),
            stop=lambda _state: left() <= 0,
            wait=lambda state: min(backoff(state), left()),
            before=attempt,
            before_sleep=retried,
            reraise=True,
        )
        self._writing = True
        try:
            return retrying(work)
        finally:
            self._writing = False
            self.conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")

    @_translated
    def quick_check(self, max_bytes: int | None = None) -> bool:
        """Check the file's structure (``PRAGMA quick_check``) before writing into it.

        Reads every page: about 0.1 s per 100 MB from the page cache, 1 s from disk.

        :param max_bytes: skip the check when the file is larger than this
        :return: whether the check ran (it passed, or this raised)
        :raises ArchiveCorruptError: the file is damaged; nothing was written
        """
        if isinstance(self.path, Path) and max_bytes is not None:
            if self.path.stat().st_size > max_bytes:
                return False
        problems = [row[0] for row in self.conn.execute("PRAGMA quick_check(10)")]
        if problems != ["ok"]:
            raise ArchiveCorruptError(
                f"{self.name} is damaged ({first_problem(problems)}); nothing was written to "
                f"it: restore a backup, or save what is readable with `sqlite3 {self.name} "
                f".recover | sqlite3 recovered.db` (`newscrawler check --db {self.name}` shows "
                "the damage)"
            )
        return True

    # -- articles -------------------------------------------------------------------

    @_translated
    def save_articles(self, records: Iterable[Mapping[str, Any]], *,
                      keep_longer: bool = True) -> list[str]:
        """Insert or update articles by canonical URL, all in one transaction.

        Each record is a dict with ``url``, ``site``, ``title``, ``body`` and optionally
        ``published_at``, ``updated_at``, ``date_precision``, ``date_source``,
        ``date_raw``, ``author``, ``credit``, ``category``, ``tags`` (list of str),
        ``language``, ``fetched_at`` (ISO; default now), ``headlines`` (list of
        ``{"position", "title", "url"}``), ``content_hash`` (default: sha1 of the
        normalized title and body), ``fetched_url`` (the URL the page came from,
        when it differs from ``url``: links the saved raw page), ``flags`` (list of
        marks such as ``"short"``, stored comma-separated in ``articles.flags``) and
        ``places`` (list of ``{"province", "district", "found_in"}``, most salient first:
        replaces the article's places; absent or None keeps them), ``story_prints``
        (``archive.stories.prints`` of the folded body, computed ahead; default: here) and
        ``spellings`` (``frozenset(archive.spellings.spellings_of(title, body))`` computed
        ahead: a new article is then recorded in the look-alike table at once; default:
        by ``fill_spellings``).

        :return: one status per record: ``"new"``; ``"updated"`` (title or body
            changed: the previous text is kept in ``revisions`` and ``revision`` goes up,
            headlines are replaced); ``"unchanged"`` (same content hash: only
            ``fetched_at`` and ``last_seen_at`` move); ``"kept"`` (the new body would keep
            less than ``KEEP_SHARE`` of a full archived one, ``cut_short``, or the record
            was fetched before the archived article, an old saved page imported: the
            archived article stays as it is, as for ``unchanged``; ``keep_longer=False``:
            updated, for a re-extraction of the archived pages themselves)
        :raises RecordError: a record misses a key or has an unknown one; nothing of
            the batch is saved
        """
        batch = list(records)

        def write() -> list[str]:
            with transaction(self.conn):  # the queue reads what the lock protects
                index = IndexQueue(self.conn)
                statuses = [self._save_article(record, index, keep_longer) for record in batch]
                index.flush()
            return statuses

        return self._write(write)

    def _save_article(self, record: Mapping[str, Any], index: IndexQueue,
                      keep_longer: bool = True) -> str:
        conn = self.conn
        row = _article_row(record)
        headlines = _headlines(record, row["url"])
        seen = row["fetched_at"]
        old = conn.execute(
            "SELECT id, content_hash, revision, title, body, fetched_at FROM articles "
            "WHERE url = ?",
            (row["url"],),
        ).fetchone()
        places = _places(record, row["url"])
        same = old is not None and old[1] == row["content_hash"]
        cut = keep_longer and old is not None and (
            cut_short(old[4] or "", row["body"] or "")
            or bool(seen and old[5] and seen < old[5]))  # an older copy (an old saved page)
        if old is not None and (same or cut):
            if places is not None and same:
                _save_places(conn, old[0], places)
            conn.execute(
                "UPDATE articles SET fetched_at = max(coalesce(fetched_at, ''), ?), "
                "last_seen_at = max(coalesce(last_seen_at, ''), ?) WHERE id = ?",
                (seen, seen, old[0]),
            )
            self._link_raw_pages(old[0], row)
            if same:
                return "unchanged"
            self._kept_pages.update({row["url"], row.get("fetched_url") or row["url"]})
            return "kept"
        title_fold, body_fold = fold(row["title"]), fold(row["body"])
        if old is None:
            row.update(first_seen_at=seen, last_seen_at=seen, revision=1)
            cursor = conn.execute(_INSERT_ARTICLE, [row[c] for c in _ARTICLE_COLUMNS])
            assert cursor.lastrowid is not None
            article_id = cursor.lastrowid
            status = "new"
        else:
            article_id, old_hash, old_revision, old_title, old_body, old_fetched = old[:6]
            revision = old_revision or 1
            conn.execute(
                "INSERT OR REPLACE INTO revisions (article_id, revision, title, body, "
                "content_hash, fetched_at, replaced_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article_id, revision, old_title, old_body, old_hash, old_fetched, seen),
            )
            row.update(last_seen_at=seen, revision=revision + 1)
            conn.execute(_UPDATE_ARTICLE, [*(row[c] for c in _UPDATED_COLUMNS), article_id])
            status = "updated"
        self._assign_story(
            article_id, body_fold, row, None if old is None else fold(old[4] or ""),
            _prints(record.get("story_prints")),
        )
        index.add(article_id, title_fold, body_fold, new=old is None,
                  title=row["title"] or "", body=row["body"] or "",
                  spellings=_spellings(record.get("spellings")))
        conn.execute("DELETE FROM headlines WHERE article_id = ?", (article_id,))
        conn.executemany(
            "INSERT INTO headlines (article_id, position, title, url) VALUES (?, ?, ?, ?)",
            [(article_id, *headline) for headline in headlines],
        )
        if places is not None:
            _save_places(conn, article_id, places)
        self._link_raw_pages(article_id, row)
        return status

    @_translated
    def reclean_articles(self, urls: Iterable[str], clean: Callable[[str], str], *,
                         short_below: int = 0) -> int:
        """Clean archived bodies in place, in one transaction: for a crawl that learned a
        site's boilerplate lines after it had saved the site's first articles.

        Each article's body becomes ``clean(body)`` when that is the body with some whole
        lines left out (anything else, an empty body included, is refused and the article
        left as it is). The article stays the same version: no revision is kept and
        ``revision`` does not move. ``content_hash``, the folded body, the full-text index
        and the article's story follow the new body; title, dates and places stay. A body
        that would keep less than ``KEEP_SHARE`` of a full one (``cut_short``) is left as
        it is; one that ends up under ``short_below`` characters gets the ``short`` flag.

        :param urls: canonical URLs of articles (unknown ones are skipped)
        :param clean: the body without its boilerplate lines (pure; may return it as is)
        :param short_below: ``VALIDATE_MIN_BODY_CHARS`` (0: flags stay as they are)
        :return: how many articles were rewritten
        """
        wanted = list(dict.fromkeys(urls))

        def write() -> int:
            done = 0
            with transaction(self.conn):
                index = IndexQueue(self.conn)
                for url in wanted:
                    done += self._reclean_article(url, clean, index, short_below)
                index.flush()
            return done

        return self._write(write) if wanted else 0

    def _reclean_article(self, url: str, clean: Callable[[str], str], index: IndexQueue,
                         short_below: int = 0) -> bool:
        old = self.conn.execute(
            "SELECT id, title, body, site, published_at, flags FROM articles WHERE url = ?",
            (url,),
        ).fetchone()
        if old is None:
            return False
        article_id, title, body = old[:3]
        new = unicodedata.normalize("NFC", clean(body))
        if new == body or not _only_lines_removed(body, new) or cut_short(body, new):
            return False
        flags = [f for f in (old[5] or "").split(",") if f]
        if short_below and len(new) < short_below and "short" not in flags:
            flags.append("short")
        new_fold = fold(new)
        self.conn.execute(
            "UPDATE articles SET body = ?, content_hash = ?, flags = ? WHERE id = ?",
            (new, content_hash(title, new), ",".join(flags) or None, article_id))
        self._assign_story(article_id, new_fold, {"site": old[3], "published_at": old[4]},
                           fold(body))
        index.add(article_id, fold(title or ""), new_fold, new=False,
                  title=title or "", body=new)
        return True

    def _assign_story(
        self, article_id: int, body_fold: str, row: Mapping[str, Any], old_body_fold: str | None,
        ahead: Any = None,
    ) -> None:
        """Put a new article, or one whose body changed, in its story (``archive.stories``);
        ``ahead``: the record's ``story_prints`` (``stories.prints`` of its folded body)."""
        from archive import stories  # here: a search never needs it (dataclasses, hashlib)

        if old_body_fold is not None:
            if old_body_fold == body_fold:
                return
            stories.unassign(self.conn, article_id, old_body_fold)
        stories.assign(self.conn, article_id, body_fold, row["site"], row["published_at"],
                       ahead=ahead)

    def _link_raw_pages(self, article_id: int, row: Mapping[str, Any]) -> None:
        for page_url in {row["url"], row["fetched_url"] or row["url"]}:
            self.conn.execute(
                "UPDATE raw_pages SET article_id = ? WHERE url = ? AND article_id IS NOT ?",
                (article_id, page_url, article_id),
            )

    @_translated
    def rebuild_index(self) -> None:
        """Rebuild the full-text index from the articles table.

        Only needed after inserting articles outside the archive (e.g. in the sqlite3 shell)
        or when ``newscrawler check`` finds the index out of step: ``save_articles`` keeps
        the index up to date, and applies updates and deletions made by hand at its next
        write (``archive.textindex``).
        """

        def write() -> None:
            with transaction(self.conn):
                reindex(self.conn)

        self._write(write)

    @_translated
    def rebuild_stories(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Find the stories of every article again (``archive.stories.rebuild``); how many.

        :param progress: called with (done, total) every 1,000 articles
        """
        from archive import stories

        def write() -> int:
            with transaction(self.conn):
                return stories.rebuild(self.conn, progress)

        return self._write(write)

    @_translated
    def optimize(self) -> None:
        """Merge the full-text index into one segment, record the look-alike check's
        spellings of the articles archived since (``fill_spellings``) and refresh the
        query planner's statistics. Each batch adds index segments; merging them measured
        up to 20-30% faster searches (within run-to-run noise for others). Worth running
        after a big import (about 2 s per 20,000 articles); the archive stays readable
        meanwhile.
        """
        self.fill_spellings()

        def write() -> None:
            with transaction(self.conn):
                self.conn.execute(FTS_OPTIMIZE_SQL)
            self.conn.execute("PRAGMA optimize")

        self._write(write)

    @_translated
    def fill_spellings(self) -> int:
        """Record the exact spellings (``archive.spellings``) of the articles archived
        since the table was last filled, ``CATCH_UP_CHUNK`` articles a transaction so that
        no write waits long; how many. Until then searches check those articles' text:
        right, but slower for look-alike words (``su``, ``göl``)."""
        from archive import spellings

        def write() -> int:
            with transaction(self.conn):
                return spellings.Queue(self.conn).catch_up()

        done = 0
        while step := self._write(write):
            done += step
        return done

    @_translated
    def known_urls(self, site: str | None = None) -> set[str]:
        """Canonical URLs of archived articles, and the URLs their pages were fetched from.

        :param site: only this site's
        """
        where, params = ("WHERE a.site = ?", (site,)) if site is not None else ("", ())
        articles = self.conn.execute(f"SELECT a.url FROM articles a {where}", params)
        urls = {row[0] for row in articles}
        urls.update(
            row[0]
            for row in self.conn.execute(
                f"SELECT r.url FROM raw_pages r JOIN articles a ON a.id = r.article_id {where}",
                params,
            )
        )
        return urls

    @_translated
    def has_hash(self, content_hash: str) -> bool:
        """Whether an archived article has this content hash (see :func:`content_hash`).

        Reads the rows (no index since schema version 11: ~1-3 s at 100,000 articles);
        nothing in the crawl calls it.
        """
        row = self.conn.execute(
            "SELECT 1 FROM articles WHERE content_hash = ? LIMIT 1", (content_hash,)
        ).fetchone()
        return row is not None

    # -- raw pages ------------------------------------------------------------------

    def save_raw_page(
        self,
        url: str,
        *,
        fetched_at: str | None = None,
        status: int | None,
        content_type: str | None = None,
        encoding: str | None = None,
        body: bytes,
        site: str | None = None,
        article: bool | None = None,
    ) -> None:
        """Save the bytes of a fetched page (zlib-compressed), to re-extract it later.

        :param url: the URL the page was fetched from
        :param fetched_at: ISO time of the fetch (default now)
        :param status: HTTP status (None if unknown: an imported file); an error status
            never replaces a saved 2xx page
        :param content_type: the ``Content-Type`` header
        :param encoding: the encoding the page was decoded with
        :param body: the response body, as received
        :param site: the site profile name
        :param article: whether an archived article came from this page; ``False`` (and
            an empty body, or a non-2xx status) never replaces the saved page of an
            archived article
        """
        self.save_raw_pages(
            [
                {
                    "url": url,
                    "fetched_at": fetched_at,
                    "status": status,
                    "content_type": content_type,
                    "encoding": encoding,
                    "body": body,
                    "site": site,
                    "article": article,
                }
            ]
        )

    @_translated
    def save_raw_pages(self, pages: Iterable[Mapping[str, Any]]) -> int:
        """Save many raw pages in one transaction; each a dict of ``save_raw_page``'s
        parameters (``article`` optional; ``compressed``: ``body`` compressed ahead at
        ``RAW_COMPRESSION_LEVEL``, ``body`` then read only for its type and whether it is
        empty). Returns how many were given."""
        rows = []
        for page in pages:
            body = page.get("body")
            if not isinstance(body, bytes | bytearray | memoryview):
                raise RecordError(
                    f"raw page {page.get('url')}: 'body' must be bytes (the response body "
                    f"as received), got {type(body).__name__}"
                )
            status = page.get("status")
            valid_status = status is None or isinstance(status, int)
            if not isinstance(page.get("url"), str) or not valid_status:
                raise RecordError(
                    f"raw page {page.get('url')!r}: needs a 'url' string and an int 'status' "
                    "(None when unknown, e.g. an imported file)"
                )
            article = page.get("article")
            if article is not None and not isinstance(article, bool):
                raise RecordError(
                    f"raw page {page['url']}: 'article' must be True, False or None "
                    f"(whether an article was archived from it), got {article!r}"
                )
            worse = (article is False or not body or not (status is None or 200 <= status < 300)
                     or page["url"] in self._kept_pages)  # the text archived came from the old
            self._kept_pages.discard(page["url"])
            rows.append(
                (
                    page["url"],
                    page.get("site"),
                    page.get("fetched_at") or _now(),
                    page["status"],
                    page.get("content_type"),
                    page.get("encoding"),
                    compress_raw(bytes(body), RAW_COMPRESSION_LEVEL)
                    if page.get("compressed") is None
                    else bytes(page["compressed"]),
                    page["url"],
                    page["url"],
                    worse,
                )
            )

        def write() -> None:
            with transaction(self.conn):
                self.conn.executemany(_UPSERT_RAW, rows)

        self._write(write)
        return len(rows)

    def _raw_dict(self, row: tuple[Any, ...]) -> dict[str, Any]:
        page = dict(zip((*_RAW_COLUMNS, "article_id"), row, strict=True))
        page["body"] = zlib.decompress(page["body"]) if page["body"] is not None else b""
        return page

    _RAW_SELECT = (
        "SELECT r.url, coalesce(r.site, a.site), r.fetched_at, r.status, r.content_type, "
        "r.encoding, r.body, r.article_id FROM raw_pages r "
        "LEFT JOIN articles a ON a.id = r.article_id"
    )

    @_translated
    def raw_page(self, url: str) -> dict[str, Any] | None:
        """The saved page fetched from ``url`` (``body`` decompressed), or None.

        Keys: ``url``, ``site``, ``fetched_at``, ``status``, ``content_type``,
        ``encoding``, ``body`` (bytes), ``article_id``.
        """
        row = self.conn.execute(f"{self._RAW_SELECT} WHERE r.url = ?", (url,)).fetchone()
        return None if row is None else self._raw_dict(row)

    def iter_raw_pages(self, site: str | None = None) -> Iterator[dict[str, Any]]:
        """Saved pages one at a time, in the order they were first saved (constant memory).

        :param site: only pages saved with this site, or linked to its articles
        """
        where, params = ("WHERE coalesce(r.site, a.site) = ?", (site,)) if site else ("", ())
        with sqlite_errors(self.name, timeout=self.timeout):
            cursor = self.conn.execute(f"{self._RAW_SELECT} {where} ORDER BY r.rowid", params)
            for row in cursor:
                yield self._raw_dict(row)

    # -- crawl runs -----------------------------------------------------------------

    @_translated
    def start_run(self, site: str, *, pid: int | None = None) -> int:
        """Record the start of a crawl of ``site``; returns the run id.

        :param pid: the crawling process (default: this one), used by
            :meth:`mark_stale_runs`
        """

        def write() -> int:
            with transaction(self.conn):
                cursor = self.conn.execute(
                    "INSERT INTO crawl_runs (site, started_at, status, pid, stats) "
                    "VALUES (?, ?, 'running', ?, '{}')",
                    (site, _now(), os.getpid() if pid is None else pid),
                )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

        return self._write(write)

    @_translated
    def finish_run(
        self,
        run_id: int,
        *,
        status: str = "finished",
        stats: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> None:
        """Record the end of a crawl run.

        :param status: one of ``RUN_STATUSES`` except ``"running"``
        :param stats: the crawler's stats (stored as JSON; non-JSON values as strings)
        :param reason: one line saying why the run ended so (``"site blocked us: 12 of 14
            pages were block pages"``)
        """
        if status not in RUN_STATUSES or status == "running":
            allowed = ", ".join(s for s in RUN_STATUSES if s != "running")
            raise ArchiveError(f"run status must be one of {allowed}; got {status!r}")
        values = (
            _now(),
            status,
            json.dumps(dict(stats or {}), ensure_ascii=False, default=str),
            reason,
            run_id,
        )

        def write() -> sqlite3.Cursor:
            with transaction(self.conn):
                return self.conn.execute(
                    "UPDATE crawl_runs SET finished_at = ?, status = ?, stats = ?, reason = ? "
                    "WHERE id = ?",
                    values,
                )

        cursor = self._write(write)
        if cursor.rowcount == 0:
            raise ArchiveError(
                f"no crawl run {run_id} in {self.name}; pass the id that start_run returned"
            )

    @_translated
    def mark_stale_runs(self, site: str | None = None) -> list[int]:
        """Mark runs left ``running`` by a crawl that is gone as ``killed``; return their ids.

        :param site: the caller holds this site's run lock, so no other crawl of it is
            running: every ``running`` run of the site is stale, whatever its PID (PIDs
            repeat across containers and reboots). Without ``site``, only runs whose
            process no longer exists on this machine are marked.
        """
        return self._write(lambda: self._mark_stale(site))

    def _mark_stale(self, site: str | None) -> list[int]:
        stale = []
        with transaction(self.conn):
            running = self.conn.execute(
                "SELECT id, pid, site FROM crawl_runs WHERE status = 'running'"
            ).fetchall()
            for run_id, pid, run_site in running:
                if site is not None:
                    if run_site == site:
                        stale.append(run_id)
                elif pid is not None and not pid_alive(pid):
                    stale.append(run_id)
            for run_id in stale:
                self._record_stale(run_id)
        return stale

    def _record_stale(self, run_id: int) -> None:
        """Mark one stale run ``killed``, with what the archive holds of it (``_recount_run``)."""
        site, started, stats_json = self.conn.execute(
            "SELECT site, started_at, stats FROM crawl_runs WHERE id = ?", (run_id,)
        ).fetchone()
        counts, last = self._recount_run(run_id, site, started)
        try:
            stats = json.loads(stats_json or "{}")
        except ValueError:
            stats = {}
        stats = {**(stats if isinstance(stats, dict) else {}), **counts,
                 "archive/recounted": True}
        held = (f"the archive holds from it {counts['archive/inserted']} new, "
                f"{counts['archive/updated']} updated, {counts['archive/unchanged']} unchanged "
                f"articles, the last fetched at {last}" if last else
                "the archive holds no article from it (its end is unknown)")
        reason = ("the crawl process ended without recording its end (killed hard, or the "
                  f"machine stopped); {held}; pages not yet written when it died were lost")
        self.conn.execute(
            "UPDATE crawl_runs SET status = 'killed', finished_at = ?, stats = ?, "
            "reason = coalesce(reason, ?) WHERE id = ?",
            (last, json.dumps(stats, ensure_ascii=False, default=str), reason, run_id),
        )

    def _recount_run(self, run_id: int, site: str | None, started_at: str | None
                    ) -> tuple[dict[str, int], str | None]:
        """What the archive holds from a run that could not record its end: its counts
        (``archive/inserted``, ``archive/updated``, ``archive/unchanged``, kept ones counted
        unchanged) and the fetch time of the last article it archived (None: none).

        A run's articles are the site's fetched from its start until the next run of the
        site started: runs of a site do not overlap (the run lock), and an article's
        ``first_seen_at``, ``last_seen_at`` and its revisions' ``replaced_at`` are fetch times.
        """
        zero = {"archive/inserted": 0, "archive/updated": 0, "archive/unchanged": 0}
        if not site or not started_at:
            return zero, None
        (end,) = self.conn.execute(
            "SELECT min(started_at) FROM crawl_runs WHERE site = ? AND id > ?", (site, run_id)
        ).fetchone()
        end = end or "9999"  # ISO times sort as text
        window = (started_at, end)
        (new,) = self.conn.execute(
            "SELECT count(*) FROM articles WHERE site = ? AND first_seen_at >= ? "
            "AND first_seen_at < ?", (site, *window)).fetchone()
        (updated,) = self.conn.execute(
            "SELECT count(DISTINCT r.article_id) FROM revisions r JOIN articles a "
            "ON a.id = r.article_id WHERE a.site = ? AND r.replaced_at >= ? "
            "AND r.replaced_at < ?", (site, *window)).fetchone()
        unchanged, last = self.conn.execute(
            "SELECT coalesce(sum(a.first_seen_at < ?1 AND NOT EXISTS ("
            "  SELECT 1 FROM revisions r WHERE r.article_id = a.id AND r.replaced_at >= ?1 "
            "  AND r.replaced_at < ?2)), 0), max(a.last_seen_at) "
            "FROM articles a WHERE a.site = ?3 AND a.last_seen_at >= ?1 AND a.last_seen_at < ?2",
            (*window, site)).fetchone()
        counts = {"archive/inserted": new, "archive/updated": updated,
                  "archive/unchanged": unchanged}
        return counts, last

    # -- statistics -----------------------------------------------------------------

    @_translated
    def stats(self, *, days: int = 30, today: date | None = None) -> dict[str, Any]:
        """What the archive holds: ``archive.stats.summary`` (see there); for counts per
        site and period with filters, ``archive.stats.archive_stats``."""
        from archive.stats import summary

        return summary(self, days=days, today=today)


def cut_short(archived: str, new: str) -> bool:
    """Whether ``new`` would replace a full archived body with much less of it (see
    ``KEEP_SHARE``).

    >>> cut_short("x" * 1000, "x" * 400), cut_short("x" * 1000, "x" * 600)
    (True, False)
    >>> cut_short("x" * 300, "x")  # a short article may change as it likes
    False
    """
    return len(archived) >= KEEP_MIN_CHARS and len(new) < KEEP_SHARE * len(archived)


def _only_lines_removed(old: str, new: str) -> bool:
    """Whether ``new`` is ``old`` with some whole lines left out (blank lines aside), and
    not empty.

    >>> _only_lines_removed("Giriş.\\n\\nBizi destekleyin\\n\\nSon.", "Giriş.\\n\\nSon.")
    True
    >>> _only_lines_removed("Giriş.\\n\\nSon.", "Son.\\n\\nGiriş."), _only_lines_removed("A", "")
    (False, False)
    >>> _only_lines_removed("Giriş. Bizi destekleyin", "Giriş.")
    False
    """
    rest = iter([line for line in old.split("\n") if line.strip()])
    kept = [line for line in new.split("\n") if line.strip()]
    return bool(kept) and all(any(line == was for was in rest) for line in kept)


def first_problem(rows: Iterable[str]) -> str:
    """The first problem an integrity or quick check reports, on one short line.

    >>> first_problem(["*** in database main ***\\nOn tree page 2 cell 9: Rowid 7 out of order"])
    'On tree page 2 cell 9: Rowid 7 out of order'
    """
    for row in rows:
        for line in str(row).splitlines():
            if line.strip() and not line.startswith("***"):
                return line.strip()[:120]
    return "unknown damage"


def _refuse_hard_links(path: Path, name: str) -> None:
    """Refuse a database file with several names: SQLite keeps the write-ahead log and the
    locks' shared memory beside each *name*, so two processes writing through two names
    (``A/news.db``, ``B/copy.db``) do not see each other and damage the file."""
    try:
        links = os.stat(path).st_nlink
    except OSError:
        return  # missing (created next) or unreadable: sqlite3 says which
    if links > 1:
        raise ArchiveError(
            f"{name} has {links} names (hard links); SQLite keeps its journal beside each "
            "name, so writers using two names damage the file: keep one name (remove the "
            "other links) or work on a copy (cp)"
        )


#: The smallest SQLite database file: one page of the smallest page size.
SQLITE_MIN_BYTES = 512


def _refuse_other_bytes(path: Path, name: str) -> None:
    """Refuse a file too short to be a SQLite database: SQLite refuses a foreign file of
    100 bytes or more, but turns a shorter one into a new database, overwriting it. Only
    its size is read: opening and closing the file would drop the POSIX locks another
    connection of this process holds on it."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return  # missing (created next) or unreadable: sqlite3 says which
    if 0 < size < SQLITE_MIN_BYTES:
        raise ArchiveCorruptError(
            f"{name} is not a newscrawler archive or is damaged (not a SQLite file); move it "
            "aside and run again, or restore a backup"
        )


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (on this machine)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return True
