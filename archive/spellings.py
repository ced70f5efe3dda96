"""The exact-spelling table: what the look-alike check (``archive.lookalike``) reads
instead of the articles' text.

``lookalike.agrees`` accepts an article matched through a checked word (``su``, ``göl``,
``öldü``) when it has a word that starts with one of the check's stems and folds to one
of its forms (in the text lowercased, ``ı`` as ``i``), when the text has no Turkish
letters, or when a space is followed by a stem of 4 letters or more (``on_sight``).
Reading every match's text into Python for that took 1.3-2.6 s a query on 100,000
articles. Instead, ``Queue`` (fed by ``archive.textindex.IndexQueue`` as it indexes the
text) records for each article, in ``article_spellings``:

- each distinct word (lowercased, ``ı`` as ``i``) that agrees with some check a query
  may ask for (``keep``: a form of ``göl`` written ``göl...``, of ``su`` written
  ``su...``...),
- `` stem`` markers: a space (or the start of the title) followed by the letters of a
  long stem (`` kürt``, `` oldu``),
- the empty spelling when the text has no Turkish letters;

each spelling once in ``spellings`` (``id``, ``spelling``). ``rejected`` then answers in
SQL, one index lookup per match. A check the table cannot answer exactly (``covered``:
stems outside what ``keep`` enumerates), an archive whose table was built under other
rules (``rules_version``: the word lists and this code), articles archived since the
table was last filled (above ``filled_to``), and articles edited by hand since the last
write (their text waits in ``search_changes``) keep the old check.

The table is filled by ``Queue.catch_up``, which ``newscrawler optimize`` and the end of
every crawl run (``Archive.fill_spellings``), not by each write: recording costs ~0.25-0.35
ms of CPU an article (the words are split and looked up in Python), a third of what
archiving an article costs otherwise (``python bench/lookalike_bench.py --write``). 15-31
rows an article, +3% file size. A crawl's extraction worker computes them ahead (a record's
``spellings``): a new article is then recorded as it is saved (``Queue.add``).
"""

from __future__ import annotations

import functools
import random
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path

from archive import inflect, lookalike
from archive.fold import _CP1254_FOLD, _UNFOLDED, fold
from archive.lookalike import Check
from archive.query import parse_query

__all__ = [
    "ARTICLE_SPELLINGS",
    "CATCH_UP_CHUNK",
    "RULES",
    "RULES_TABLE",
    "SPELLINGS",
    "USE_TABLE",
    "Queue",
    "check",
    "checks_for_stem",
    "covered",
    "create",
    "current",
    "exists",
    "filled_to",
    "keep",
    "rebuild",
    "rejected",
    "rejected_ids",
    "rules_version",
    "spellings_of",
]

SPELLINGS = "spellings"
ARTICLE_SPELLINGS = "article_spellings"
RULES_TABLE = "spelling_rules"

#: Whether searches read the table (False: the old check for every query; the bench
#: times both).
USE_TABLE = True

_CREATE_SQL = (
    f"CREATE TABLE IF NOT EXISTS {SPELLINGS} "
    "(id INTEGER PRIMARY KEY, spelling TEXT NOT NULL UNIQUE)",
    f"CREATE TABLE IF NOT EXISTS {ARTICLE_SPELLINGS} (article_id INTEGER NOT NULL, "
    "spelling_id INTEGER NOT NULL, PRIMARY KEY (article_id, spelling_id)) WITHOUT ROWID",
    f"CREATE TABLE IF NOT EXISTS {RULES_TABLE} (version TEXT NOT NULL, filled_to INTEGER NOT NULL)",
)

_TELLING = frozenset("çğöşüÇĞÖŞÜ")
_TURKISH_LETTERS = "".join(sorted(lookalike.TURKISH_LETTERS))
#: The longest stem a covered check may have (the listed look-alikes; others are 3).
_MAX_STEM = max(lookalike.TYPED_CHECK_LENGTH, *(len(word) for word in inflect.LOOKALIKES))
_HARD = {"ğ": "k", "b": "p", "d": "t", "c": "ç"}
_CHUNK = 500


# -- which words agree with some check -----------------------------------------------


def _variants(stem: str) -> list[str]:
    """``stem`` with each ``i`` as ``i`` or ``ı`` (how a base word may be typed)."""
    found = [""]
    for ch in stem:
        found = [v + c for v in found for c in ("iı" if ch == "i" else ch)]
    return found


def _vowel_words() -> dict[str, set[str]]:
    """Listed words by the letters of their vowel stem (``ism`` -> ``isim``)."""
    found: dict[str, set[str]] = {}
    for word, stem in inflect.VOWEL_STEMS.items():
        found.setdefault(lookalike._letters(stem), set()).update((word, fold(word)))
    for key, reading in inflect.ASCII_READINGS.items():
        for stem in inflect.stems(reading):
            found.setdefault(lookalike._letters(stem), set()).add(key)
    return found


_VOWEL_WORDS = _vowel_words()


def _bases(stem: str) -> set[str]:
    """Words whose typing may give a check with ``stem`` (its letters, hardened, listed)."""
    found = set(_VOWEL_WORDS.get(stem, ()))
    for variant in _variants(stem):
        found.update((variant, fold(variant)))
        if variant.endswith("ng"):
            found.add(variant[:-1] + "k")
        elif variant[-1] in _HARD:
            found.add(variant[:-1] + _HARD[variant[-1]])
    return found


@functools.lru_cache(maxsize=65536)
def checks_for_stem(stem: str) -> tuple[Check, ...]:
    """Every check a query word may give that has ``stem`` among its stems."""
    found: dict[Check, None] = {}
    for base in sorted(_bases(stem)):
        folded = fold(base)
        if folded not in inflect.LOOKALIKES and not (
            len(folded) <= lookalike.TYPED_CHECK_LENGTH and any(ch in _TELLING for ch in base)
        ):
            continue  # no check (``lookalike._checked``): the common case, kept cheap
        for found_check in lookalike.checks(parse_query(base)):
            if stem in found_check.stems:
                found[found_check] = None
    return tuple(found)


#: Letters of the suffixes after a stem, folded (``archive.inflect._CHAINS``, the ``y`` of
#: ``suyu``, the ``n`` of ``şunu``), and the longest chain (``-larımızdaki``): a word whose
#: rest after a stem has other letters, or more, is no form of it (no expansion needed).
_TAIL_LETTERS = "adeiklmnrstuyz"
_TAIL_LENGTH = 12


def keep(word: str) -> bool:
    """Whether ``word`` (lowercased, ``ı`` as ``i``) agrees with some check: it starts
    with a stem of a check that has its fold among its forms.

    >>> keep("göle"), keep("gole"), keep("suyu"), keep("şunu"), keep("belediye")
    (True, False, True, True, False)
    """
    folded = fold(word)
    for length in range(1, min(len(word), _MAX_STEM) + 1):
        tail = folded[length:]
        if len(tail) > _TAIL_LENGTH or tail.strip(_TAIL_LETTERS):
            continue
        for found in checks_for_stem(word[:length]):
            if folded in found.forms:
                return True
    return False


@functools.lru_cache(maxsize=1)
def _long_stems() -> frozenset[str]:
    """Folded stems of ``SIGHT_LENGTH`` letters or more of the look-alikes' checks."""
    found: set[str] = set()
    for word in inflect.LOOKALIKES:
        for base in _bases_of(word):
            for found_check in lookalike.checks(parse_query(base)):
                found.update(fold(s) for s in found_check.stems
                             if len(s) >= lookalike.SIGHT_LENGTH)
    return frozenset(found)


def _bases_of(folded: str) -> set[str]:
    """Spellings in Turkish letters of a folded word (``su`` -> su, şu, sü, şü)."""
    twins = {"c": "cç", "g": "gğ", "i": "iı", "o": "oö", "s": "sş", "u": "uü"}
    found = [""]
    for ch in folded:
        found = [v + c for v in found for c in twins.get(ch, ch)]
    return set(found)


def covered(found: Check) -> bool:
    """Whether the table answers this check exactly (``keep`` enumerates its stems)."""
    if any(found not in checks_for_stem(stem) for stem in found.stems):
        return False
    if any(len(stem) > _MAX_STEM for stem in found.stems):
        return False
    return all(fold(start[1:]) in _long_stems() for start in found.on_sight)


#: Bump when what ``spellings_of`` records changes (this module's own rules; edits of the
#: word lists and of the modules they go through change ``rules_version`` by themselves).
RULES = 1


@functools.lru_cache(maxsize=1)
def rules_version() -> str:
    """``RULES`` and a CRC-32 of the word lists and of the code that expands and checks
    words (any edit of them: the table is recorded again)."""
    here = Path(__file__).parent
    crc = 0
    for path in (Path(inflect.WORDS_FILE), here / "inflect.py", here / "lookalike.py",
                 here / "fold.py"):
        crc = zlib.crc32(path.read_bytes(), crc)
    return f"{RULES}-{crc:08x}"


# -- what an article holds ------------------------------------------------------------

#: A byte that cp1254 leaves undefined: the scan table maps to it what needs the slow way.
_SLOW = b"\x81"


def _scan_table() -> bytes:
    """``bytes.translate`` table of cp1254 text: a letter to its lowercase (``ı``, ``I``,
    ``İ`` as ``i``), anything else to a space; ``_SLOW`` for what the regex of
    ``lookalike`` reads otherwise (``²``, letters without one-byte lowercase)."""
    table = bytearray(_SLOW * 256)
    for byte in range(256):
        try:
            char = bytes([byte]).decode("cp1254")
        except UnicodeDecodeError:
            continue
        is_word = lookalike._WORD.fullmatch(char) is not None
        if is_word != char.isalpha():
            continue
        if not is_word:
            table[byte] = ord(" ")
            continue
        low = char.replace("İ", "i").lower().replace("ı", "i")
        encoded = low.encode("cp1254", "replace")
        if len(low) == 1 and encoded.decode("cp1254") == low and low.isalpha():
            table[byte] = encoded[0]
    return bytes(table)


_SCAN = _scan_table()
#: Words already decided, and those kept (bytes of cp1254): most words repeat.
_SEEN: set[bytes] = set()
_KEPT: set[bytes] = set()
_SEEN_MAX = 300_000


def _fold_encoded(text: str, encoded: bytes | None) -> str:
    """:func:`~archive.fold.fold` of ``text``, given ``text.encode("cp1254")`` (None: it
    cannot be): the fold's own fast way without encoding again (~50 instructions a
    character, callgrind). Here, not in ``archive.fold``: that file is in the rules'
    CRC (:func:`rules_version`), and an edit of it would fill every table again.

    >>> text = "IĞDIR'da Işık"
    >>> _fold_encoded(text, text.encode("cp1254")) == fold(text) == _fold_encoded(text, None)
    True
    """
    if encoded is not None and not text.isascii():
        folded = encoded.translate(_CP1254_FOLD)
        if _UNFOLDED not in folded:
            return folded.decode("ascii" if folded.isascii() else "cp1254")
    return fold(text)  # as fold reads it: the same answer


def _cp1254(text: str) -> bytes | None:
    """``text`` in cp1254, or None when it cannot be."""
    try:
        return text.encode("cp1254")
    except UnicodeEncodeError:
        return None


def _words(text: str, encoded: bytes | None = None) -> Iterable[str]:
    """The distinct words ``lookalike._written`` may read: each run of letters of the
    lowercased text, and the rest of a run after a letter-like non-letter (``²``)
    (``encoded``: the text in cp1254, when the caller has it)."""
    try:
        scanned = (text.encode("cp1254") if encoded is None else encoded).translate(_SCAN)
        if _SLOW not in scanned:
            words = scanned.split()  # no set: two C passes over the list cost less
            if not _SEEN.issuperset(words):
                if len(_SEEN) > _SEEN_MAX:
                    _SEEN.clear()
                new = set(words) - _SEEN
                for word in new:
                    if keep(word.decode("cp1254")):
                        _KEPT.add(word)
                _SEEN.update(new)
            return [word.decode("cp1254") for word in _KEPT.intersection(words)]
    except UnicodeEncodeError:
        pass
    low = text.replace("İ", "i").lower().replace("ı", "i")
    found: set[str] = set()
    for match in lookalike._WORD.finditer(low):
        found.add(match.group())
        if not match.group().isalpha():
            for at in range(match.start() + 1, match.end()):
                if not low[at - 1].isalpha():
                    inner = lookalike._WORD.match(low, at)
                    if inner:
                        found.add(inner.group())
    return [word for word in found if keep(word)]


def _sights(title: str, body: str, title_fold: str, body_fold: str) -> set[str]:
    """`` stem`` markers: a space, or the start of the title, then a long stem's letters
    in lowercase as written (what ``Check.on_sight`` looks for)."""
    found: set[str] = set()
    for text, folded in ((" " + title, " " + title_fold), (body, body_fold)):
        for stem in _long_stems():
            if len(text) == len(folded):  # NFC text: the fold keeps the offsets
                starts: Iterable[int] = _finds(folded, " " + stem)
            else:
                starts = (at for at in _finds(text, " ")
                          if fold(text[at + 1 : at + 1 + len(stem)]) == stem)
            for at in starts:
                piece = text[at + 1 : at + 1 + len(stem)]
                if text[at] == " " and piece.lower() == piece:  # (fold: ' -> space)
                    found.add(" " + piece)
    return found


def _finds(text: str, part: str) -> Iterable[int]:
    """Every offset of ``part`` in ``text``."""
    at = text.find(part)
    while at != -1:
        yield at
        at = text.find(part, at + 1)


def spellings_of(title: str, body: str, title_fold: str | None = None,
                 body_fold: str | None = None) -> set[str]:
    """What the table holds for an article: kept words, `` stem`` markers, and ``""``
    when the text has no Turkish letters.

    >>> sorted(spellings_of("Göl kıyısı", "Şu an gölde su yok, kürtaj da."))
    [' kürt', 'göl', 'gölde', 'su', 'şu']
    """
    text = f"{title}\n{body}"
    # Encoded once for the words and the folds: one character, one byte (the body's
    # second encoding was ~180 K instructions of a ~97 KB page's catch-up, callgrind).
    encoded = _cp1254(text)
    found = set(_words(text, encoded))
    if not any(letter in text for letter in _TURKISH_LETTERS):
        found.add("")
    if title_fold is None:
        title_fold = _fold_encoded(title, None if encoded is None else encoded[:len(title)])
    if body_fold is None:
        body_fold = _fold_encoded(body, None if encoded is None else encoded[len(title) + 1:])
    found |= _sights(title, body, title_fold, body_fold)
    return found


# -- writing ---------------------------------------------------------------------------


#: Articles recorded per transaction while ``catch_up`` fills the table.
CATCH_UP_CHUNK = 5000

#: ``filled_to`` of an empty table: below every article id.
_NOTHING = -(2**63)


def create(conn: sqlite3.Connection) -> None:
    """The tables (empty), marked as built under this code's rules."""
    for statement in _CREATE_SQL:
        conn.execute(statement)
    conn.execute(f"DELETE FROM {RULES_TABLE}")
    conn.execute(f"INSERT INTO {RULES_TABLE} (version, filled_to) VALUES (?, ?)",
                 (rules_version(), _NOTHING))


def exists(conn: sqlite3.Connection) -> bool:
    """Whether the archive has the table (schema versions before it do not)."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (RULES_TABLE,))
    return row.fetchone() is not None


def filled_to(conn: sqlite3.Connection) -> int | None:
    """The highest article id the table answers for under this code's rules (articles
    above it are checked from their text), or None when it answers for none."""
    if not exists(conn):
        return None
    row = conn.execute(f"SELECT version, filled_to FROM {RULES_TABLE}").fetchone()
    if row is None or row[0] != rules_version():
        return None
    return int(row[1])


def current(conn: sqlite3.Connection) -> bool:
    """Whether the table holds every article under this code's rules."""
    top = filled_to(conn)
    if top is None:
        return False
    row = conn.execute("SELECT 1 FROM articles WHERE id > ? LIMIT 1", (top,)).fetchone()
    return row is None


class Queue:
    """Spellings of the articles a write transaction changes, written in bulk.

    Writes record the articles the table already answers for (``filled_to``). A new
    article gets a higher id and is checked from its text until ``catch_up`` (run by
    ``newscrawler optimize`` and at the end of a crawl) records it, so that archiving
    does not pay for the table (~0.14-0.3 ms an article), unless its spellings come
    with it (``ahead``: a crawl's extraction worker computes them beside the story
    prints) and the table answers for every article below it: then it is recorded at
    once and the mark moves up to it. Built under other rules (new word lists, new
    code), the table is emptied at the first write and filled again by ``catch_up``;
    searches read the text meanwhile.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.ready = exists(conn)
        self.pending: dict[int, AbstractSet[str]] = {}
        self.old: set[int] = set()
        self.filled_to = _NOTHING
        #: Whether ``add`` moved ``filled_to`` up since the last flush.
        self.moved = False
        if self.ready:
            version, top = conn.execute(
                f"SELECT version, filled_to FROM {RULES_TABLE}").fetchone()
            if version != rules_version():  # start over: every row may be wrong
                conn.execute(f"DELETE FROM {ARTICLE_SPELLINGS}")
                conn.execute(f"DELETE FROM {SPELLINGS}")
                conn.execute(f"UPDATE {RULES_TABLE} SET version = ?, filled_to = ?",
                             (rules_version(), _NOTHING))
            else:
                self.filled_to = int(top)

    def catch_up(self, chunk: int | None = None) -> int:
        """Record up to ``chunk`` (``CATCH_UP_CHUNK``) articles above ``filled_to``;
        how many (0: the table answers for every article)."""
        chunk = CATCH_UP_CHUNK if chunk is None else chunk
        if not self.ready:
            return 0
        done = 0
        while done < chunk:
            rows = self.conn.execute(
                "SELECT id, title, body FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                (self.filled_to, min(_CHUNK, chunk - done)),
            )
            read = 0
            for article_id, title, body in rows:  # one text at a time, not _CHUNK (~4 MB)
                self.pending[article_id] = spellings_of(title or "", body or "")
                self.filled_to, read = article_id, read + 1
            if not read:
                break
            done += read
            self.flush()
        if done:
            self.conn.execute(f"UPDATE {RULES_TABLE} SET filled_to = ?", (self.filled_to,))
        return done

    def add(self, article_id: int, title: str, body: str, title_fold: str, body_fold: str,
            *, new: bool, ahead: frozenset[str] | None = None) -> None:
        """Record this text of the article at the next flush, if the table answers for
        it (an id at or below ``filled_to``, as a freed id that is used again), or if it
        is new, ``ahead`` holds its ``spellings_of`` and no article lies between it and
        ``filled_to``."""
        if not self.ready:
            return
        if article_id > self.filled_to:
            if ahead is None or not new or not self._next(article_id):
                return
            self.filled_to, self.moved = article_id, True
        self.pending[article_id] = (
            spellings_of(title, body, title_fold, body_fold) if ahead is None else ahead)
        if not new:
            self.old.add(article_id)

    def _next(self, article_id: int) -> bool:
        """Whether no article lies between ``filled_to`` and this id (one index seek)."""
        row = self.conn.execute("SELECT 1 FROM articles WHERE id > ? AND id < ? LIMIT 1",
                                (self.filled_to, article_id)).fetchone()
        return row is None

    def changed(self, article_ids: Iterable[int]) -> list[int]:
        """Forget the spellings of articles changed by hand; those still present and not
        pending are read again (returned: the caller adds their text)."""
        if not self.ready:
            return []
        ids = [i for i in dict.fromkeys(article_ids)
               if i not in self.pending and i <= self.filled_to]
        self.old.update(ids)
        return ids

    def flush(self) -> None:
        """Write the pending spellings (the old ones of changed articles removed)."""
        if not self.ready:
            return
        if self.old:
            self.conn.executemany(f"DELETE FROM {ARTICLE_SPELLINGS} WHERE article_id = ?",
                                  [(i,) for i in self.old])
            self.old.clear()
        ids = self._ids({spelling for found in self.pending.values() for spelling in found})
        rows = [(article_id, ids[spelling])
                for article_id, found in self.pending.items() for spelling in found]
        self.pending.clear()
        self.conn.executemany(
            f"INSERT OR IGNORE INTO {ARTICLE_SPELLINGS} (article_id, spelling_id) "
            "VALUES (?, ?)", rows)
        if self.moved:
            self.conn.execute(f"UPDATE {RULES_TABLE} SET filled_to = ?", (self.filled_to,))
            self.moved = False

    def _ids(self, wanted: set[str]) -> dict[str, int]:
        """The ids of these spellings, the new ones added (a few statements a batch)."""
        found: dict[str, int] = {}
        for missing_only in (False, True):
            todo = sorted(wanted - found.keys())
            if missing_only and todo:
                self.conn.executemany(f"INSERT OR IGNORE INTO {SPELLINGS} (spelling) "
                                      "VALUES (?)", [(spelling,) for spelling in todo])
            for start in range(0, len(todo), _CHUNK):
                part = todo[start : start + _CHUNK]
                found.update((spelling, int(spelling_id)) for spelling_id, spelling in
                             self.conn.execute(f"SELECT id, spelling FROM {SPELLINGS} WHERE "
                                               f"spelling IN ({', '.join('?' * len(part))})",
                                               part))
        return found


def rebuild(conn: sqlite3.Connection) -> int:
    """Empty the table and record every article's spellings again, in the caller's
    transaction; how many articles."""
    create(conn)
    conn.execute(f"DELETE FROM {ARTICLE_SPELLINGS}")
    conn.execute(f"DELETE FROM {SPELLINGS}")
    return Queue(conn).catch_up(chunk=2**62)


# -- reading ---------------------------------------------------------------------------


def _accepting_ids(conn: sqlite3.Connection, found: Check) -> list[int]:
    """Ids of the spellings that make an article pass ``found``."""
    wanted = ["", *found.on_sight]
    ids = [int(row[0]) for row in conn.execute(
        f"SELECT id FROM {SPELLINGS} WHERE spelling IN ({', '.join('?' * len(wanted))})",
        wanted)]
    for stem in found.stems:
        for spelling_id, spelling in conn.execute(
            f"SELECT id, spelling FROM {SPELLINGS} WHERE spelling >= ? AND spelling < ?",
            (stem, stem + "\U0010ffff"),
        ):
            if fold(spelling) in found.forms:
                ids.append(int(spelling_id))
    return sorted(set(ids))


def rejected(
    conn: sqlite3.Connection, tables: str, where: str, params: Sequence[object],
    found: Sequence[Check], rowid: str,
) -> tuple[set[int], list[Check], str | None]:
    """Matches (``tables``/``where``, ids in ``rowid``) failing a check the table answers:
    (their ids, the checks left to the old way, and the condition on ``rowid`` of the
    matches the old way must check for every check: those above ``filled_to`` and those
    edited by hand since the last write; None when there are none to check)."""
    top = filled_to(conn) if USE_TABLE else None
    if top is None:
        return set(), list(found), None
    answered = [c for c in found if covered(c)]
    rest = [c for c in found if c not in answered]
    if not answered:
        return set(), rest, None
    edited = [int(row[0]) for row in conn.execute("SELECT article_id FROM search_changes")]
    unanswered = f"{rowid} > {top}"
    if edited:
        unanswered += f" OR {rowid} IN ({', '.join(str(i) for i in edited)})"
    fails = []
    for one in answered:
        accepting = ", ".join(str(i) for i in _accepting_ids(conn, one)) or "NULL"
        fails.append(f"NOT EXISTS (SELECT 1 FROM {ARTICLE_SPELLINGS} AS s WHERE "
                     f"s.article_id = {rowid} AND s.spelling_id IN ({accepting}))")
    sql = (f"SELECT {rowid} FROM {tables} WHERE {where} AND NOT ({unanswered}) "
           f"AND ({' OR '.join(fails)})")
    ids = {int(row[0]) for row in conn.execute(sql, list(params))}
    return ids, rest, unanswered


def check(conn: sqlite3.Connection, sample: int = 300) -> str | None:
    """What is wrong with the table against the articles' text (a sample), or None."""
    if not exists(conn):
        return None
    top = filled_to(conn)
    if top is None:
        return ("recorded under other word lists or code (searches read the text "
                "meanwhile): run `newscrawler optimize` to record it again")
    edited = {row[0] for row in conn.execute("SELECT article_id FROM search_changes")}
    top = max(0, min(top, conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0))
    picked = sorted(random.sample(range(1, top + 1), min(sample, top)))  # no full scan
    rows = conn.execute(
        f"SELECT id, title, body FROM articles WHERE id IN ({', '.join(map(str, picked))})"
    ).fetchall() if picked else []
    wrong = 0
    for article_id, title, body in rows:
        if article_id in edited:
            continue
        stored = {row[0] for row in conn.execute(
            f"SELECT p.spelling FROM {ARTICLE_SPELLINGS} AS a JOIN {SPELLINGS} AS p "
            "ON p.id = a.spelling_id WHERE a.article_id = ?", (article_id,))}
        wrong += stored != spellings_of(title or "", body or "")
    orphans = conn.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT article_id AS a FROM {ARTICLE_SPELLINGS}) "
        "WHERE a NOT IN (SELECT id FROM articles) "
        "AND a NOT IN (SELECT article_id FROM search_changes)"
    ).fetchone()[0]
    if wrong or orphans:
        return (f"{wrong} of {len(rows)} sampled article(s) with other spellings than their "
                f"text, {orphans} deleted article(s) still in it")
    return None


def rejected_ids(
    conn: sqlite3.Connection, tables: str, where: str, params: Sequence[object],
    found: list[Check], rowid: str,
) -> list[int]:
    """Ids of the matches (``tables``/``where``, ids in ``rowid``) failing one of the
    checks: from the table where it answers, else by reading the text
    (``lookalike.read_rejected``)."""
    ids, rest, unanswered = rejected(conn, tables, where, params, found, rowid)
    if rest:
        ids.update(lookalike.read_rejected(conn, tables, where, params, rest, rowid))
    if unanswered is not None:
        answered = [c for c in found if c not in rest]
        ids.update(lookalike.read_rejected(
            conn, tables, f"{where} AND ({unanswered})", params, answered, rowid))
    return sorted(ids)
