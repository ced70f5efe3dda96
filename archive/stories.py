"""Stories: the copies of one text (an agency story reprinted by many sites) as one story.

Each article's folded body is cut into word shingles (``SHINGLE_WORDS`` words, within a
paragraph, so reordered paragraphs keep theirs); a MinHash signature of them (``archive.minhash``,
``NUM_PERM`` values) is cut into ``BANDS`` bands of ``ROWS`` values, and each band's hash is
a row of ``story_bands``. A new article looks up its bands (one indexed lookup each),
takes the few articles sharing most of them as candidates and verifies each on the
shingles themselves: a copy is one whose shingles are mostly (``CONTAINMENT``) those of
the other text, the shorter in the longer, and that shares at least ``COVERAGE`` of the
longer one. The verified copies' story is the article's story (when they belong to
several, the article links them: they merge into the oldest); with none, the article
opens a story of its own. Cost per article does not grow
with the archive: ``BANDS`` lookups, at most ``MAX_CANDIDATES`` verifications.

Why containment and not Jaccard: a copy cut to half the length has Jaccard 0.5 with the
original at best, and a new intro lowers it further; its shingles are still nearly all
the original's. Why both scores: a follow-up that repeats the original's background
paragraph, or a municipality's next press release with the same closing boilerplate,
shares one paragraph: contained at most 0.3-0.5 one way, a small part of the other.
The thresholds come from the labelled set in ``tests/fixtures/stories/``
(``bench/eval_stories.py``).

>>> from archive.fold import fold
>>> a = "KONYA (İHA) - Belediye parkında yeni oyun alanı açıldı ve çocuklar ilk gün doldurdu."
>>> b = "Belediye parkında yeni oyun alanı açıldı ve çocuklar ilk gün doldurdu."
>>> score(shingles(fold(a)), shingles(fold(b))).containment
1.0
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import struct
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from zlib import crc32

from archive import minhash
from archive.fold import fold
from archive.hashing import nfc

__all__ = [
    "BANDS",
    "CONTAINMENT",
    "COVERAGE",
    "MAX_CANDIDATES",
    "NUM_PERM",
    "ROWS",
    "SHINGLE_WORDS",
    "Score",
    "assign",
    "band_keys",
    "bare_day",
    "is_copy",
    "moment",
    "prints",
    "rebuild",
    "refresh",
    "score",
    "settle",
    "shingles",
    "signature",
    "sort_key",
    "unassign",
]

#: Words per shingle. 3 made the municipality boilerplate and shared background paragraphs
#: look alike; 5 lost copies with a few words changed (each change kills 5 shingles).
SHINGLE_WORDS = 4
#: MinHash values per article.
NUM_PERM = 64
#: Seed of the MinHash permutations (the stored bands depend on it: never change it).
SEED = 1
#: LSH bands x rows = NUM_PERM. Two rows a band: a pair with Jaccard 0.3 (a copy cut to
#: half with a new intro) shares a band with probability 1 - (1 - 0.3^2)^32 = 0.95.
BANDS = 32
ROWS = 2
#: A copy: at least this share of the shorter text's shingles are in the longer one ...
#: On the labelled set the lowest copy scored 0.81 and the highest look-alike 0.55 (a
#: press release sharing its closing boilerplate; a follow-up repeating the background
#: paragraph): 0.65 is near the middle of that gap, a little closer to the look-alikes so
#: that copies edited more heavily than ours still join.
CONTAINMENT = 0.65
#: ... and the shared shingles are at least this share of the longer one (the lowest copy:
#: 0.46, cut to half with a new intro): a two-line brief inside a long report is not a copy.
COVERAGE = 0.2
#: Candidates verified per article (those sharing most bands first).
MAX_CANDIDATES = 12
#: Articles read per band bucket (the newest): a bucket shared by thousands of articles
#: (a boilerplate paragraph) does not make an insert slow.
BUCKET_LIMIT = 50
#: Bodies with fewer shingles than this are their own story (a caption, a one-line brief).
MIN_SHINGLES = 8

#: Band rows of the newest articles (``story_bands_recent``), merged into ``story_bands``
#: in key order once they are this many (``settle``): about 5,000 articles, 3 MB. A batch
#: of 100 articles inserts 3,200 rows at random places: into the whole table, that dirtied
#: ~2,900 of its pages at 100,000 articles (12 MB written at each COMMIT).
RECENT_ROWS = 160_000
#: ``assign`` checks the recent table's size when the article id is a multiple of this.
SETTLE_EVERY = 100
RECENT_TABLE = "story_bands_recent"
#: The recent bands: same layout as ``story_bands`` (``archive.schema.STORY_BANDS_SQL``).
RECENT_BANDS_SQL = f"""
CREATE TABLE IF NOT EXISTS {RECENT_TABLE} (
    bucket INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (bucket, article_id)
) WITHOUT ROWID"""

_WORD_RE = re.compile(r"[^\W_]+")
_ISTANBUL = timezone(timedelta(hours=3))

#: Shingles of the articles this process archived last, so that verifying a candidate
#: (most are recent: a copy follows its original within hours) does not fold and shingle
#: its body again (~1.4 ms for 3.6 KB; stories' time -6 to -11% measured). Keyed by id
#: and the folded body's hash: a changed body, or an id reused after a rollback, misses.
#: ~2.2 KB an entry (array of uint32): ~4.5 MB in all.
SHINGLE_CACHE = 2048
_shingle_cache: OrderedDict[tuple[int, int], array[int]] = OrderedDict()


def _remember(article_id: int, body_fold: str, found: Iterable[int]) -> None:
    """Keep an archived article's shingles for later verifications (bounded, oldest out)."""
    if SHINGLE_CACHE <= 0:
        return
    # An array is copied whole (memcpy), a set read one value at a time.
    _shingle_cache[(article_id, hash(body_fold))] = array("I", found)
    while len(_shingle_cache) > SHINGLE_CACHE:
        _shingle_cache.popitem(last=False)


def _shingles_of(article_id: int, body_fold: str) -> frozenset[int]:
    """``shingles(body_fold)`` of a stored article, from the cache when it is there."""
    cached = _shingle_cache.get((article_id, hash(body_fold)))
    if cached is not None:
        return frozenset(cached)
    return shingles(body_fold)


@dataclass(frozen=True)
class Score:
    """How much two shingle sets share: of the smaller (containment), of the larger."""

    containment: float
    coverage: float


def shingles(body_fold: str, k: int = SHINGLE_WORDS) -> frozenset[int]:
    """CRC32 hashes of the ``k``-word shingles of each paragraph of a folded body.

    >>> len(shingles("bir iki uc dort bes\\n\\nalti yedi"))
    3
    """
    found: set[int] = set()
    for paragraph in body_fold.split("\n"):
        words = _words(paragraph)
        if not words:
            continue
        if len(words) <= k:
            found.add(crc32(b" ".join(words)))
            continue
        # each run of k words, in order (the set's order is the stored array's), in C
        runs = zip(*(words[j:] for j in range(k)), strict=False)
        found.update(map(crc32, map(b" ".join, runs)))
    return frozenset(found)


#: Every byte that is not an ASCII letter or digit becomes a space (see ``_words``).
_NOT_WORD = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))


def _words(paragraph: str) -> list[bytes]:
    """The UTF-8 bytes of the words ``_WORD_RE`` finds in ``paragraph``: on ASCII text
    (nearly every folded paragraph) by translating bytes, ~3x cheaper than the regex."""
    if paragraph.isascii():
        return paragraph.encode().translate(_NOT_WORD).split()
    return [word.encode() for word in _WORD_RE.findall(paragraph)]


def score(a: frozenset[int], b: frozenset[int]) -> Score:
    """Shared shingles over the smaller set and over the larger one.

    >>> score(frozenset({1, 2, 3, 4}), frozenset({1, 2}))
    Score(containment=1.0, coverage=0.5)
    """
    if not a or not b:
        return Score(0.0, 0.0)
    shared = len(a & b)
    return Score(shared / min(len(a), len(b)), shared / max(len(a), len(b)))


def is_copy(a: frozenset[int], b: frozenset[int]) -> bool:
    """Whether two shingle sets are copies of one text (see the module's thresholds)."""
    if len(a) < MIN_SHINGLES or len(b) < MIN_SHINGLES:
        return False
    s = score(a, b)
    return s.containment >= CONTAINMENT and s.coverage >= COVERAGE


def signature(found: Iterable[int]) -> Sequence[int]:
    """The MinHash signature (``NUM_PERM`` values) of a set of shingle hashes (archive.minhash)."""
    return minhash.signature(found, NUM_PERM, SEED)


def band_keys(sig: Sequence[int]) -> list[int]:
    """One signed 64-bit bucket key per band (the band's number is part of the key).

    >>> len(band_keys(list(range(NUM_PERM)))) == BANDS
    True
    """
    packed = struct.pack(f">{len(sig)}I", *sig)  # each value's 4 big-endian bytes
    width = 4 * ROWS
    digests = []
    for band, prefix in enumerate(_BAND_PREFIXES):
        # blake2b(prefix + the band's bytes, digest_size=8), from a copy of a fresh
        # hasher: no keyword parsing and set-up a band
        hasher = _BAND_HASHER.copy()
        hasher.update(prefix)
        hasher.update(packed[band * width : (band + 1) * width])
        digests.append(hasher.digest())
    # each digest as a signed big-endian 64-bit number, all at once
    return list(struct.unpack(f">{BANDS}q", b"".join(digests)))


#: The band numbers' two big-endian bytes, and a fresh 8-byte blake2b that is only copied.
_BAND_PREFIXES = tuple(band.to_bytes(2, "big") for band in range(BANDS))
_BAND_HASHER = hashlib.blake2b(digest_size=8)


def prints(body_fold: str) -> tuple[array[int], tuple[int, ...]]:
    """An article's shingles and band keys (none when too few shingles), computed ahead of
    :func:`assign` (its ``prints``: an extraction worker does it off the crawl's process).

    >>> found, keys = prints("bir iki uc dort bes")
    >>> len(found), keys  # two 4-word shingles: too few for band keys
    (2, ())
    """
    found = array("I", shingles(body_fold))  # numpy reads the signature's input from it
    keys = band_keys(signature(found)) if len(found) >= MIN_SHINGLES else []
    return found, tuple(keys)


def body_prints(body: str) -> tuple[array[int], tuple[int, ...]]:
    """:func:`prints` of an article's body folded as the archive folds it when saving it
    (NFC first, as ``archive.store`` stores bodies): what a worker computes ahead (its
    ``_after_text`` folds the body once for the prints and the spellings, from its lines'
    folds: ``archive.foldmany.fold_lines``)."""
    return prints(fold(nfc(body)))  # NFC remembered: the content hash normalized it too


def moment(published_at: str | None) -> datetime | None:
    """A publication time as an aware datetime (a bare day: its midnight in Istanbul).

    >>> moment("2025-11-16").isoformat(), moment("x")
    ('2025-11-16T00:00:00+03:00', None)
    """
    if not published_at:
        return None
    try:
        value = datetime.fromisoformat(published_at)
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=_ISTANBUL)


def _earlier(a: str | None, a_id: int, b: str | None, b_id: int) -> bool:
    """Whether article ``a`` was published before ``b`` (unknown dates last, then by id)."""
    return sort_key(a, a_id) < sort_key(b, b_id)


@cache
def _candidates_sql(n_keys: int) -> str:
    """The statement of ``_candidates`` for this many keys (each bucket in both tables)."""
    bucket = ("SELECT * FROM (SELECT {n}, article_id FROM {table} WHERE bucket = ? "
              "ORDER BY article_id DESC LIMIT ?)")
    return " UNION ALL ".join(
        bucket.format(n=n, table=table)
        for n in range(n_keys)
        for table in ("story_bands", RECENT_TABLE)
    )


def _candidates(conn: sqlite3.Connection, keys: list[int], article_id: int) -> list[int]:
    """Articles sharing bands with these keys, those sharing most first (one statement:
    the newest ``BUCKET_LIMIT`` of each bucket, from the merged and the recent table)."""
    if not keys:
        return []
    params: list[int] = []
    for key in keys:
        params += [key, BUCKET_LIMIT, key, BUCKET_LIMIT]
    rows = conn.execute(_candidates_sql(len(keys)), params).fetchall()
    if not rows:  # no article shares a band (most new articles): nothing to count
        return []
    found: list[list[int]] = [[] for _ in keys]
    for n, other in rows:
        found[n].append(other)
    hits: Counter[int] = Counter()
    for ids in found:
        if len(ids) > 1:  # both tables answered: the bucket's newest of the two
            ids = sorted(set(ids), reverse=True)[:BUCKET_LIMIT]
        hits.update(other for other in ids if other != article_id)
    return [other for other, _ in hits.most_common(MAX_CANDIDATES)]


def settle(conn: sqlite3.Connection, *, at_least: int | None = None) -> int:
    """Move the recent bands into ``story_bands`` once they are ``RECENT_ROWS`` or more
    (``at_least``: another threshold, 0 for all); how many rows moved.

    The recent table is small and stays in the page cache: a batch's inserts dirty few
    pages. The merge reads it in key order, so each page of ``story_bands`` is written
    once per merge instead of once per batch (32 random inserts an article).
    """
    limit = RECENT_ROWS if at_least is None else at_least
    count = int(conn.execute(f"SELECT count(*) FROM {RECENT_TABLE}").fetchone()[0])
    if count == 0 or count < limit:
        return 0
    conn.execute(
        f"INSERT OR IGNORE INTO story_bands (bucket, article_id) "
        f"SELECT bucket, article_id FROM {RECENT_TABLE} ORDER BY bucket, article_id"
    )
    conn.execute(f"DELETE FROM {RECENT_TABLE}")
    return count


def _stories_of_copies(
    conn: sqlite3.Connection, found: frozenset[int], candidates: list[int]
) -> list[int]:
    """The stories of the verified copies among the candidates (each once)."""
    matched: dict[int, None] = {}
    for other in candidates:
        row = conn.execute(
            "SELECT body, story_id FROM articles WHERE id = ?", (other,)
        ).fetchone()
        if row is None or row[1] is None:
            continue  # deleted by hand, or not assigned yet
        if is_copy(found, _shingles_of(other, fold(row[0] or ""))):
            matched[row[1]] = None
    return list(matched)


def _merge(conn: sqlite3.Connection, story: int, others: Iterable[int]) -> None:
    """Move the copies of other stories into ``story`` (a copy that links them arrived)."""
    for other in others:
        conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (story, other))
        conn.execute("DELETE FROM stories WHERE id = ?", (other,))
    refresh(conn, story)


def assign(
    conn: sqlite3.Connection,
    article_id: int,
    body_fold: str,
    site: str | None,
    published_at: str | None,
    *,
    settle_bands: bool = True,
    ahead: tuple[array[int], tuple[int, ...]] | None = None,
) -> int:
    """Put a saved article in a story (the story of a copy, or a new one); its story id.

    Call inside the transaction that saved the article, after :func:`unassign` when the
    article had a story (its body changed). ``settle_bands=False``: never merge the
    recent bands (:func:`rebuild` merges once, at its end). ``ahead``: ``prints(body_fold)``
    computed before (the same values, so the same story).
    """
    # ``ahead``'s shingles stay an array (no duplicates: ``prints`` made it from a set)
    # until a candidate needs the set (most new articles have none).
    found = shingles(body_fold) if ahead is None else None
    stored = ahead[0] if ahead is not None else found
    assert stored is not None
    _remember(article_id, body_fold, stored)
    story: int | None = None
    matched: list[int] = []
    keys: list[int] = []
    if len(stored) >= MIN_SHINGLES:
        keys = band_keys(signature(stored)) if ahead is None else list(ahead[1])
        candidates = _candidates(conn, keys, article_id)
        if candidates:
            matched = _stories_of_copies(
                conn, frozenset(stored) if found is None else found, candidates)
        if matched:
            story = min(matched)  # the oldest story keeps its id
        conn.executemany(
            f"INSERT OR IGNORE INTO {RECENT_TABLE} (bucket, article_id) VALUES (?, ?)",
            [(key, article_id) for key in keys],
        )
        if settle_bands and article_id % SETTLE_EVERY == 0:
            settle(conn)
    if story is None:
        cursor = conn.execute(
            "INSERT INTO stories (first_article_id, first_site, first_published_at, copies, "
            "sites) VALUES (?, ?, ?, 1, 1)",
            (article_id, site, published_at),
        )
        assert cursor.lastrowid is not None
        story = cursor.lastrowid
        conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story, article_id))
        return story
    if len(matched) > 1:
        conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story, article_id))
        _merge(conn, story, [other for other in matched if other != story])
        return story
    new_site = conn.execute(
        "SELECT 1 FROM articles WHERE story_id = ? AND site IS ? LIMIT 1", (story, site)
    ).fetchone() is None
    conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story, article_id))
    first = conn.execute(
        "SELECT s.first_article_id, a.published_at FROM stories s "
        "LEFT JOIN articles a ON a.id = s.first_article_id WHERE s.id = ?",
        (story,),
    ).fetchone()
    conn.execute(
        "UPDATE stories SET copies = copies + 1, sites = sites + ? WHERE id = ?",
        (int(new_site), story),
    )
    if first is None:
        refresh(conn, story)
    elif _earlier(published_at, article_id, first[1], first[0]):
        conn.execute(
            "UPDATE stories SET first_article_id = ?, first_site = ?, first_published_at = ? "
            "WHERE id = ?",
            (article_id, site, published_at, story),
        )
    return story


def unassign(conn: sqlite3.Connection, article_id: int, old_body_fold: str | None) -> None:
    """Take an article out of its story and its bands (its body is about to change)."""
    found = shingles(old_body_fold or "")
    if len(found) >= MIN_SHINGLES:
        rows = [(key, article_id) for key in band_keys(signature(found))]
        for table in ("story_bands", RECENT_TABLE):
            conn.executemany(f"DELETE FROM {table} WHERE bucket = ? AND article_id = ?", rows)
    row = conn.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None or row[0] is None:
        return
    conn.execute("UPDATE articles SET story_id = NULL WHERE id = ?", (article_id,))
    refresh(conn, row[0])


def refresh(conn: sqlite3.Connection, story: int) -> None:
    """Count a story's copies and sites again and find its first article (or drop it)."""
    members = conn.execute(
        "SELECT id, site, published_at FROM articles WHERE story_id = ?", (story,)
    ).fetchall()
    if not members:
        conn.execute("DELETE FROM stories WHERE id = ?", (story,))
        return
    first = members[0]
    for member in members[1:]:
        if _earlier(member[2], member[0], first[2], first[0]):
            first = member
    conn.execute(
        "INSERT OR REPLACE INTO stories (id, first_article_id, first_site, first_published_at, "
        "copies, sites) VALUES (?, ?, ?, ?, ?, ?)",
        (story, first[0], first[1], first[2], len(members), len({m[1] for m in members})),
    )


def rebuild(
    conn: sqlite3.Connection, progress: Callable[[int, int], None] | None = None
) -> int:
    """Assign every article again, oldest publication first; the number of stories.

    Runs in the caller's transaction: the tables are emptied, then each article joins or
    opens a story exactly as at archive time (``progress(done, total)`` every 1,000).
    """
    conn.execute(RECENT_BANDS_SQL)  # rebuild runs in migration 7, before the table's own
    conn.execute("DELETE FROM story_bands")
    conn.execute(f"DELETE FROM {RECENT_TABLE}")
    conn.execute("DELETE FROM stories")
    conn.execute("UPDATE articles SET story_id = NULL")
    rows = conn.execute("SELECT id, published_at FROM articles").fetchall()
    order = sorted(rows, key=lambda r: sort_key(r[1], r[0]))
    total = len(order)
    for start in range(0, total, 500):
        chunk = [article_id for article_id, _ in order[start : start + 500]]
        placeholders = ", ".join("?" for _ in chunk)
        fetched = {
            row[0]: row
            for row in conn.execute(
                f"SELECT id, body, site, published_at FROM articles "
                f"WHERE id IN ({placeholders})",
                chunk,
            )
        }
        for n, article_id in enumerate(chunk, start):
            _, body, site, published_at = fetched[article_id]
            # One transaction: merging on the way saves no COMMIT, only costs (CPU +20%).
            assign(conn, article_id, fold(body or ""), site, published_at, settle_bands=False)
            if progress is not None and (n + 1) % 1000 == 0:
                progress(n + 1, total)
    settle(conn, at_least=0)
    if progress is not None:
        progress(total, total)
    return int(conn.execute("SELECT count(*) FROM stories").fetchone()[0])


def sort_key(published_at: str | None, article_id: int) -> tuple[bool, float, int]:
    """Publication order: known times first, by time, then by id. A bare day counts as
    its last moment: a copy with a time that day came no later, so the first copy is one
    dated by its day only when every copy with a time is from a later day.

    >>> sort_key("2025-08-14T23:45:00+03:00", 2) < sort_key("2025-08-14", 1)
    True
    >>> sort_key("2025-08-14", 1) < sort_key("2025-08-15T00:05:00+03:00", 2)
    True
    """
    value = moment(published_at)
    if value is None:
        return (True, 0.0, article_id)
    return (False, value.timestamp() + (_DAY - 0.001 if bare_day(published_at) else 0),
            article_id)


#: Seconds in a day (a bare day's last moment is its midnight plus this, less a millisecond).
_DAY = 86400


def bare_day(published_at: str | None) -> bool:
    """Whether a publication date is a day without a time (``2025-08-14``).

    >>> bare_day("2025-08-14"), bare_day("2025-08-14T10:00:00+03:00"), bare_day(None)
    (True, False, False)
    """
    return published_at is not None and len(published_at) == 10 and "T" not in published_at
