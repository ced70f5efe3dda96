"""Full-text search over the archive: folded FTS5 match, bm25, exact-letter preference.

``search(archive, "kadına")`` finds ``KADINA``, ``Kadına`` and ``kadina`` (one fold for
the index and the query), inflected forms (``belediye`` finds ``belediyesinin``), and
ranks by bm25. When the user typed Turkish letters, articles containing the word with
exactly those letters come first: ``öldü`` before ``oldu``, which fold the same.
Snippets highlight the original text.

A word in most articles is ranked ``CANDIDATES`` matches at a time, newest first, so
its search costs about what a rare word's does (docs/search.md has the figures).
"""

from __future__ import annotations

import heapq
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta

from archive import inflect, lookalike
from archive.connection import get_connection, sqlite_errors
from archive.errors import QueryError
from archive.fold import APOSTROPHES, TURKISH_LETTERS, case_fold, fold
from archive.heap import keep_heap
from archive.query import Phrases, Query, Term, fts_phrases, parse_query, to_fts
from archive.schema import FILTER_INDEX, FTS_TABLE

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["CANDIDATES", "RERANK_WINDOW", "TITLE_WEIGHT", "count", "search"]

#: bm25 weight of a title match against a body match.
TITLE_WEIGHT = 3.0
#: bm25 ranks at most this many matches at a time: the newest, then the next ones when
#: paging. Measured on 100,000 articles: ranking all 70,000 with a common word took
#: 150-380 ms, a slice of 1,000 about 10 ms (2,000: 15 ms; 500 gained little more).
CANDIDATES = 1000
#: Filters on site and date keeping at most this many articles are applied as a list of
#: their ids each match is looked up in (``_Matches``); wider ones join each match's row.
#: Measured on 100,000 articles: a month (3,000 articles) 44 -> 36 ms, one site (14,000)
#: 15 -> 25 ms (reading the list costs ~0.5 us an id).
KEPT_LIST = 5000
#: ... and so are filters keeping at most one article in ``SPARSE`` of a larger archive
#: (its highest id): the join reads the filter index once per match walked, and a filter
#: keeping few articles of many walks many matches. Measured on 1,000,000 articles:
#: ``şirket`` on a site and month (5,500 articles) 120 -> 81 ms, on a site and 3 months
#: (17,000) 56 -> 54; on 2 months (58,000) the list was slower (38 -> 66 ms).
SPARSE = 50
#: Exact-letter ranking reorders the best ``max(RERANK_WINDOW, 5 * limit)`` bm25 hits.
RERANK_WINDOW = 100

# Patterns of since/until, compiled by ``re`` (and kept in its cache) when a search has
# one: a plain search does not pay their compilation at start-up.
_DAY = r"\d{4}(-\d{2}(-\d{2})?)?"
_DATETIME = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"
_SPACE_RE = re.compile(r"\s+")
_WORDS_RE = re.compile(r"\S+")
_SUFFIX_RE = re.compile(rf"[{re.escape(APOSTROPHES)}][^\W_]+")


def _bound(value: str | date | None, name: str) -> str | None:
    """Validate a ``since``/``until`` value; return it as an ISO string: a day, month or
    year as it is, a date-time as the archive writes publication times (Istanbul time
    with its offset), so that comparing the text compares the moments.

    >>> _bound("2025-08", "since"), _bound("2025-08-14T20:50:00Z", "until")
    ('2025-08', '2025-08-14T23:50:00+03:00')
    >>> _bound("2025-08-14 23:50", "until")
    '2025-08-14T23:50:00+03:00'
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _istanbul(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(_DAY, text) or re.fullmatch(_DATETIME, text):
            try:
                if len(text) > 10:
                    return _istanbul(datetime.fromisoformat(text))
                if len(text) == 10:
                    date.fromisoformat(text)
                elif len(text) == 7:
                    date.fromisoformat(text + "-01")
                return text
            except ValueError:
                pass
    raise QueryError(
        f"{name} must be a date like 2025-11-16 (or 2025-11, 2025, or an ISO date-time), "
        f"got {value!r}"
    )


def _istanbul(moment: datetime) -> str:
    """``moment`` in Istanbul time, to the second (a naive one is Istanbul time)."""
    from zoneinfo import ZoneInfo  # imported by a date-time bound only (goal 3a of #11)

    zone = ZoneInfo("Europe/Istanbul")
    local = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
    return local.isoformat(timespec="seconds")


def _after(bound: str) -> str | None:
    """The first value after a whole year/month/day, or None for a date-time."""
    if len(bound) == 4:
        return str(int(bound) + 1)
    if len(bound) == 7:
        year, month = int(bound[:4]), int(bound[5:7])
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    if len(bound) == 10:
        return (date.fromisoformat(bound) + timedelta(days=1)).isoformat()
    return None


#: Letters ``fold_sql`` maps after ``lower`` (which folds only ASCII): what ``fold`` does
#: to the Turkish alphabet and its circumflexed vowels.
_SQL_FOLDS = tuple(zip("İıÇçĞğÖöŞşÜüÂâÎîÛû", "iiccggoossuuaaiiuu", strict=True))


def fold_sql(expr: str) -> str:
    """An SQL expression folding ``expr`` as ``fold`` folds Turkish text, in plain SQLite
    (no function of ours): ``lower`` for ASCII, ``replace`` for the Turkish letters.

    >>> import sqlite3
    >>> sqlite3.connect(":memory:").execute(f"SELECT {fold_sql('?')}", ["İĞNE Işık"]).fetchone()
    ('igne isik',)
    """
    for letter, plain in _SQL_FOLDS:
        expr = f"replace({expr}, '{letter}', '{plain}')"
    return f"lower({expr})"


def _fold_like_sql(value: str) -> str:
    """``value`` folded exactly as ``fold_sql`` folds a column, in Python.

    >>> _fold_like_sql("Ahmet YILMAZ"), _fold_like_sql("Gündem")
    ('ahmet yilmaz', 'gundem')
    """
    for letter, plain in _SQL_FOLDS:
        value = value.replace(letter, plain)
    return "".join(ch.lower() if ch.isascii() else ch for ch in value)


def _text_filter(column: str, value: str) -> tuple[str, list[Any]]:
    """``column`` equal to ``value`` in any case, with or without Turkish letters."""
    typed = unicodedata.normalize("NFC", value).strip()
    return f"{fold_sql('a.' + column)} = ?", [_fold_like_sql(typed)]


def _conditions(
    site: str | None,
    since: str | date | None,
    until: str | date | None,
    author: str | None = None,
    category: str | None = None,
    place: str | None = None,
    story: int | None = None,
) -> list[tuple[str, list[Any]]]:
    """SQL conditions on ``a`` (articles) for the filters, each with its parameters."""
    conditions: list[tuple[str, list[Any]]] = []
    if site is not None:
        conditions.append(("a.site = ?", [site]))
    start = _bound(since, "since")
    if start is not None:
        conditions.append(("a.published_at >= ?", [start]))
    end = _bound(until, "until")
    if end is not None:
        after = _after(end)
        if after is None:
            conditions.append(("a.published_at <= ?", [end]))
        else:  # until a day includes the whole day: 2025-11-16T23:59+03:00 < 2025-11-17
            conditions.append(("a.published_at < ?", [after]))
    if author is not None:
        conditions.append(_text_filter("author", author))
    if category is not None:
        conditions.append(_text_filter("category", category))
    if place is not None:
        conditions.append(place_filter(place))
    if story is not None:
        conditions.append(("a.story_id = ?", [story]))
    return conditions


def place_filter(place: str) -> tuple[str, list[Any]]:
    """Articles tagged with this province or district (``places``), in any case, with or
    without Turkish letters: ``izmir``, ``IZMIR`` and ``İzmir`` keep the same articles."""
    typed = _fold_like_sql(unicodedata.normalize("NFC", place).strip())
    return (f"a.id IN (SELECT article_id FROM places WHERE {fold_sql('province')} = ? "
            f"OR {fold_sql('district')} = ?)", [typed, typed])


def _filters(
    site: str | None,
    since: str | date | None,
    until: str | date | None,
    author: str | None = None,
    category: str | None = None,
    place: str | None = None,
    story: int | None = None,
) -> tuple[str, list[Any]]:
    """SQL conditions on ``a`` (articles) for the filters: `` AND ...`` and parameters.

    ``author`` and ``category`` keep articles whose whole value is the given one in any
    case, with or without Turkish letters (``fold_sql`` on both sides).
    """
    sql, params = "", []
    for condition, values in _conditions(site, since, until, author, category, place, story):
        sql += f" AND {condition}"
        params += values
    return sql, params


def _letters(word: str) -> str:
    """A regex matching ``word`` (Turkish lowercase) in any case, exact letters."""
    out = []
    for ch in word:
        upper = {"i": "İ", "ı": "I"}.get(ch, ch.upper())
        out.append(
            f"[{re.escape(ch)}{re.escape(upper)}]"
            if len(upper) == 1 and upper != ch
            else re.escape(ch)
        )
    return "".join(out)


def _exact_patterns(query: Query, expand: bool) -> list[re.Pattern[str]]:
    """One pattern per positive term typed with Turkish letters."""
    patterns = []
    for term in query.terms():
        if not any(ch in TURKISH_LETTERS for word in term.words for ch in word):
            continue
        if term.expandable and expand:
            alternatives = [_letters(stem) for stem in inflect.stems(term.words[0])]
            body = "(?:" + "|".join(alternatives) + ")"
        else:
            body = r"[\W_]+".join(_letters(case_fold(w)) for w in term.words)
        patterns.append(re.compile(body))
    return patterns


def _term_forms(term: Term, expand: Callable[[str], Sequence[str]] | None) -> list[str]:
    if term.expandable and expand is not None:
        forms = {term.folded[0]: None}
        for form in expand(term.words[0]):
            forms.setdefault(fold(form), None)
        return list(forms)
    return [" ".join(term.folded)]


class _Highlighter:
    """Finds, in folded text, the words and phrases a query matched.

    Each form's first word is looked for with ``str.find`` (C speed, linear in the
    text), and a place it is found is checked as a whole word against sets of forms.
    The cost grows with the text and the number of forms, never with their length
    squared: a regex alternation of the inflected forms of one 20,000-letter word took
    1.9 s to compile (100,000 letters: 45 s).
    """

    def __init__(self, forms: Sequence[tuple[tuple[str, ...], bool]]) -> None:
        #: first word -> the phrases (word tuples, prefix flag) that start with it
        self.phrases: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
        self.words: set[str] = set()
        self.prefixes: set[str] = set()
        for words, prefix in forms:
            if len(words) > 1:
                self.phrases.setdefault(words[0], []).append((words, prefix))
            elif prefix:
                self.prefixes.add(words[0])
            else:
                self.words.add(words[0])
        for options in self.phrases.values():
            options.sort(key=lambda option: -len(option[0]))
        self.prefix_lengths = sorted({len(p) for p in self.prefixes})
        # Where to look: the first words, less those that begin with another one (a place
        # where "çocuklar" stands is found by looking for "çocuk").
        self.heads: list[str] = []
        for head in sorted(self.words | self.prefixes | set(self.phrases)):
            if not (self.heads and head.startswith(self.heads[-1])):
                self.heads.append(head)

    def _single(self, token: str) -> bool:
        return token in self.words or any(
            token[:n] in self.prefixes for n in self.prefix_lengths if n <= len(token)
        )

    def _match_end(self, text: str, word: re.Match[str], endpos: int) -> int | None:
        """Where a match that begins with ``word`` ends (None: no match starts there)."""
        token = word.group()
        for words, prefix in self.phrases.get(token, ()):
            following = _TOKEN_RE.finditer(text, word.end(), endpos)
            nexts = [m for m, _ in zip(following, range(len(words) - 1), strict=False)]
            if len(nexts) < len(words) - 1:
                continue
            last = nexts[-1].group()
            if all(m.group() == w for m, w in zip(nexts[:-1], words[1:-1], strict=True)) and (
                last.startswith(words[-1]) if prefix else last == words[-1]
            ):
                return nexts[-1].end()
        return word.end() if self._single(token) else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[_Span]:
        """The matches in ``text[pos:endpos]`` that begin a word, left to right, never
        overlapping; lazy, so the first one costs only the text before it."""
        end = len(text) if endpos is None else endpos
        found = [(i, w) for w in self.heads if (i := text.find(w, pos, end)) >= 0]
        heapq.heapify(found)
        cursor = pos
        while found:
            i, head = found[0]
            if i >= cursor and (i == 0 or not _is_word_char(text[i - 1])):
                word = _TOKEN_RE.match(text, i, end)
                stop = self._match_end(text, word, end) if word else None
                if stop is not None:
                    yield _Span(i, stop)
                    cursor = stop
                    continue
            again = text.find(head, max(i + 1, cursor), end)
            if again < 0:
                heapq.heappop(found)
            else:
                heapq.heapreplace(found, (again, head))


class _Span:
    """A match of the highlighter: ``start()`` and ``end()`` offsets, as a regex match has."""

    __slots__ = ("_end", "_start")

    def __init__(self, start: int, end: int) -> None:
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


_TOKEN_RE = re.compile(r"[^\W_]+")


def _highlighter(
    query: Query, expand: Callable[[str], Sequence[str]] | None
) -> _Highlighter | None:
    """What to mark in folded body text: the forms the query matched."""
    forms: list[tuple[tuple[str, ...], bool]] = []
    for term in query.terms():
        if term.column is not None:
            continue  # title: terms matched the title, not the body
        for form in _term_forms(term, expand):
            words = tuple(_TOKEN_RE.findall(form))
            if words:
                forms.append((words, term.prefix))
    return _Highlighter(forms) if forms else None


def _word_starts(
    pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` that begin a word.

    The word-start test is done here rather than with a leading ``(?<!\\w)`` in the
    pattern, which stops the regex engine from skipping ahead by first letter (10x).
    """
    for match in pattern.finditer(text, pos, len(text) if endpos is None else endpos):
        start = match.start()
        if start == 0 or not _is_word_char(text[start - 1]):
            yield match


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _snippet(
    body: str,
    body_fold: str,
    highlight: _Highlighter | None,
    *,
    start: str,
    end: str,
    words: int,
) -> str:
    """About ``words`` words of ``body`` around the first match, matches marked."""
    if len(body_fold) != len(body):  # text stored without NFC: realign the offsets
        body = unicodedata.normalize("NFC", body)
        body_fold = fold(body)
    found = next(highlight.finditer(body_fold), None) if highlight else None
    first = found.start() if found else 0
    # Scan only around the first match: ~8 characters a word, with room to spare.
    before, after = words // 4, words - words // 4
    reach = 12  # characters a word, with room to spare; widened for long words
    while True:
        lo = max(0, first - reach * (before + 1))
        hi = min(len(body), first + reach * (after + 1))
        spans = [(m.start(), m.end()) for m in _WORDS_RE.finditer(body, lo, hi)]
        if lo > 0 and spans and not body[lo - 1].isspace():
            spans = spans[1:]  # the window cut a word
        if hi < len(body) and spans and not (body[hi - 1].isspace() or body[hi].isspace()):
            spans = spans[:-1]  # and at the end
        enough = len(spans) > words or (lo == 0 and hi == len(body))
        if enough:
            break
        reach *= 2
    if not spans:
        return ""
    index = next((i for i, (_, e) in enumerate(spans) if e > first), len(spans) - 1)
    first_word = max(0, min(index - words // 4, len(spans) - words))
    last_word = min(len(spans), first_word + max(words, 1)) - 1
    window_start, window_end = spans[first_word][0], spans[last_word][1]
    matches = highlight.finditer(body_fold, window_start, window_end) if highlight else ()
    parts = ["… "] if body[:window_start].strip() else []
    position = window_start
    for match in matches:
        if match.start() < position or match.end() > window_end:
            continue
        stop = match.end()
        suffix = _SUFFIX_RE.match(body, stop, window_end)
        if suffix:  # mark İzmir'de whole, not [İzmir]'de
            stop = suffix.end()
        parts.append(_SPACE_RE.sub(" ", body[position : match.start()]))
        parts.append(start + body[match.start() : stop] + end)
        position = stop
    parts.append(_SPACE_RE.sub(" ", body[position:window_end]))
    if body[window_end:].strip():
        parts.append(" …")
    return "".join(parts)


def _plan(q: str, expand: bool) -> tuple[Query, str | None, Callable[[str], Sequence[str]] | None]:
    query = parse_query(q)
    expander = inflect.expand if expand else None
    return query, to_fts(query, expander), expander


class _Matches:
    """The MATCH string and the filters of one search, as SQL on ``articles_fts``.

    The full-text index is always the outer loop (``CROSS JOIN``): driven from the site or
    date index instead, SQLite runs the whole MATCH once per article (50 s for a site of
    14,000 articles). A matching article's site and date are read from ``FILTER_INDEX``,
    not from its wide row. When the filters keep at most ``CANDIDATES`` articles, their
    ids are read once into a list each match is looked up in (``+rowid IN``: the ``+``
    keeps SQLite from running the MATCH once per id), their range of ids bounds the index
    scan, and no slicing is needed: a common word on one day, 82 of 70,000 matches, went
    from 38 to 16 ms. ``search`` and ``count`` then rank and count those matches phrase by
    phrase (``archive.phraserank``) when the query allows it (``phraserank.applies``).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        match: str,
        site: str | None,
        since: str | date | None,
        until: str | date | None,
        author: str | None = None,
        category: str | None = None,
        place: str | None = None,
        story: int | None = None,
    ) -> None:
        self.conn = conn
        #: The MATCH without the query's exclusions, when it has some (ranking only).
        self.positive: str | None = None
        self.tables = FTS_TABLE
        self.where = f"{FTS_TABLE} MATCH ?"
        self.params: list[Any] = [match]
        self.empty = False
        #: True when at most CANDIDATES articles can match (one slice holds them all).
        self.few = False
        #: When ``few``: the kept articles (SELECT of their ids, its parameters) and the
        #: range of their ids, for ``archive.phraserank``.
        self.kept: tuple[str, list[Any], int, int] | None = None
        #: The query's phrases (``archive.query.fts_phrases``), set by ``search`` when
        #: ``few``: ranked phrase by phrase (``archive.phraserank``).
        self.phrases: Phrases | None = None
        #: Matches left out as look-alikes (``drop_lookalikes``).
        self.rejected: frozenset[int] = frozenset()
        filters, params = _filters(site, since, until)
        # Author and category are read from the article row (no index holds them): they
        # narrow the matches, after the site and date index did what it could.
        wide, wide_params = _filters(None, None, None, author, category, place, story)
        if wide:
            self.tables += f" CROSS JOIN articles AS a ON a.id = {FTS_TABLE}.rowid"
            self.where += filters + wide
            self.params += params + wide_params
        if not filters:
            return
        kept = f"SELECT id FROM articles AS a WHERE 1{filters}"
        highest = conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
        listed = max(KEPT_LIST, highest // SPARSE)
        limited = f"SELECT count(*) FROM ({kept} LIMIT ?)"  # read at most listed + 1
        n = conn.execute(limited, [*params, max(CANDIDATES, listed) + 1]).fetchone()[0]
        if n == 0:
            self.empty = True
            return
        if n <= listed and not wide:
            self.where += f" AND +{FTS_TABLE}.rowid IN ({kept})"
            self.params += params
        if n <= max(CANDIDATES, listed):
            # The kept ids' range bounds the index walk: the same matches, and an archive
            # filled in crawl order keeps a month's ids together (a month of 1,000,000
            # articles, ~4,000 ids in one range: 101 -> 31 ms).
            low, high = conn.execute(f"SELECT min(id), max(id) FROM ({kept})", params).fetchone()
            self.where += f" AND {FTS_TABLE}.rowid BETWEEN ? AND ?"
            self.params += [low, high]
        if n <= CANDIDATES:
            self.few = True
            self.kept = (kept + wide, params + wide_params, low, high)
        if n <= listed or wide:
            return
        if not wide:
            indexed = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                (FILTER_INDEX,),
            ).fetchone()
            hint = f" INDEXED BY {FILTER_INDEX}" if indexed else ""  # an archive not migrated
            self.tables += f" CROSS JOIN articles AS a{hint} ON a.id = {FTS_TABLE}.rowid"
            self.where += filters
            self.params += params

    def drop_lookalikes(self, query: Query, expand: bool) -> None:
        """Leave out the matches found only through a look-alike (``archive.lookalike``).

        Reads the text of the matches of a query with a checked word (``su``, ``çin``,
        ``şiş``) that SQLite cannot accept on sight (``lookalike.accept_sql``); other
        queries cost nothing more. The answer is kept for the next search of the same
        matches while the archive is unchanged: ``count`` then ``search`` (the CLI) read
        the texts once.
        """
        found = lookalike.checks(query) if expand and not self.empty else []
        if not found:
            return
        rejected = _rejected_lookalikes(self.conn, self.tables, self.where, self.params, found)
        if rejected:
            self.where += f" AND {FTS_TABLE}.rowid NOT IN (SELECT value FROM json_each(?))"
            import json  # only look-alike queries: a search does not import it otherwise

            self.params.append(json.dumps(rejected))
            self.rejected = frozenset(rejected)

    def best(self, n: int) -> list[tuple[int, float]]:
        """The ``n`` best matches by bm25 (ties: the oldest first)."""
        if self.kept is not None and self.phrases is not None:
            from archive import phraserank  # narrow filters only

            if phraserank.applies(self.conn, self.phrases):
                return phraserank.ranked(self.conn, self.phrases, TITLE_WEIGHT, *self.kept,
                                         rejected=self.rejected)[:n]
        sql = (
            f"SELECT {FTS_TABLE}.rowid, bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) AS rank "
            f"FROM {self.tables} WHERE {self.where} ORDER BY rank, {FTS_TABLE}.rowid LIMIT ?"
        )
        return [(int(r), float(s)) for r, s in self.conn.execute(sql, [*self.params, n])]

    def best_of_slice(self, number: int, n: int) -> tuple[list[tuple[int, float]], int]:
        """The ``n`` best by bm25 (ties: the oldest first) of slice ``number`` (the
        ``CANDIDATES`` matches after the newest ``number * CANDIDATES``), and how many
        matches the slice holds.

        One statement reads the slice newest first and ranks it: the index is walked
        once, where finding the slice's oldest rowid first walked it twice (a prefix
        merges its words' lists each time: ``bel*`` 28 -> 20 ms).
        """
        sql = (
            f"SELECT rowid, rank, count(*) OVER () FROM ("
            f"SELECT {FTS_TABLE}.rowid AS rowid, bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) AS rank "
            f"FROM {self.tables} WHERE {self.where} "
            f"ORDER BY {FTS_TABLE}.rowid DESC LIMIT ? OFFSET ?) ORDER BY rank, rowid LIMIT ?"
        )
        params = [*self.params, CANDIDATES, number * CANDIDATES, n]
        if self.positive is not None:
            sql, params = self._ranked_without_exclusions(params)
        rows = self.conn.execute(sql, params).fetchall()
        return [(int(r), float(s)) for r, s, _ in rows], (rows[0][2] if rows else 0)

    def _ranked_without_exclusions(self, params: list[Any]) -> tuple[str, list[Any]]:
        """``best_of_slice``'s statement for a query with exclusions: the slice is found
        with them, then ranked by the MATCH without them (``positive``).

        bm25 first counts, over the whole index, the articles of every phrase of its
        MATCH, the excluded ones too (``-şirket``: its 66 forms in 70,000 articles), though
        they add exactly 0 to the score of an article that matches; without them the
        scores are the same numbers (12.6 -> 10.4 ms for ``kadın OR çocuk -şirket``).
        """
        fts = FTS_TABLE
        sql = (
            f"WITH slice AS MATERIALIZED (SELECT {fts}.rowid AS id FROM {self.tables} "
            f"WHERE {self.where} ORDER BY {fts}.rowid DESC LIMIT ? OFFSET ?) "
            f"SELECT rowid, rank, (SELECT count(*) FROM slice) FROM ("
            f"SELECT {fts}.rowid AS rowid, bm25({fts}, {TITLE_WEIGHT}, 1.0) AS rank "
            f"FROM {fts} WHERE {fts} MATCH ? "
            f"AND {fts}.rowid >= (SELECT min(id) FROM slice) "
            f"AND {fts}.rowid <= (SELECT max(id) FROM slice) "
            f"AND +{fts}.rowid IN (SELECT id FROM slice)) ORDER BY rank, rowid LIMIT ?"
        )
        return sql, [*params[:-1], self.positive, params[-1]]

    def count(self) -> int:
        """How many articles match."""
        if self.empty:
            return 0
        if self.kept is not None and self.phrases is not None:
            from archive import phraserank  # narrow filters only

            if phraserank.applies(self.conn, self.phrases):
                return phraserank.count(self.conn, self.phrases, *self.kept,
                                        rejected=self.rejected)
        sql = f"SELECT count(*) FROM {self.tables} WHERE {self.where}"
        return int(self.conn.execute(sql, self.params).fetchone()[0])


#: The last look-alike answer: (connection, its state, the matches' SQL) -> rejected ids.
_LAST_REJECTED: list[tuple[sqlite3.Connection, tuple[Any, ...], list[int]]] = []


def _rejected_lookalikes(
    conn: sqlite3.Connection, tables: str, where: str, params: list[Any], found: list[Any]
) -> list[int]:
    """Ids of the matches (``tables``/``where``) that fail a look-alike check."""
    import json

    # data_version changes with every commit of another connection, total_changes with
    # this one's writes: the same key means the same rows (the connection is held, so
    # its id is not reused).
    state = (
        conn.execute("PRAGMA data_version").fetchone()[0],
        conn.total_changes,
        tables,
        where,
        json.dumps(params, default=str),
        tuple((sorted(c.forms), c.stems) for c in found),
    )
    for held, key, rejected in _LAST_REJECTED:
        if held is conn and key == state:
            return rejected
    from archive import spellings  # only look-alike queries read it (1.7 ms of start-up)

    rejected = spellings.rejected_ids(conn, tables, where, params, found, f"{FTS_TABLE}.rowid")
    _LAST_REJECTED[:] = [(conn, state, rejected)]
    return rejected


def _ranked_slice(
    matches: _Matches,
    number: int,
    need: int,
    patterns: list[re.Pattern[str]],
    window: int,
) -> tuple[list[tuple[int, float]], bool] | None:
    """The best ``need`` hits of slice ``number``, and whether it is the last slice.

    Slice 0 is the newest ``CANDIDATES`` matches (by rowid, the order articles were
    archived), slice 1 the next ``CANDIDATES``, and so on; None when the slice is empty.
    Within a slice, hits are in bm25 order, the best ``window`` of them reordered by how
    many typed words they contain with their exact Turkish letters.
    """
    wanted = max(window, need) if patterns else need
    if matches.few:
        if number > 0:
            return None
        ranked, last = matches.best(wanted), True
    else:
        ranked, size = matches.best_of_slice(number, wanted)
        if size == 0:
            return None
        last = size < CANDIDATES
    if patterns and ranked:
        head = ranked[:window]
        rows = _rows(matches.conn, [rowid for rowid, _ in head], "title, body")
        scores = {rowid: _exact_score(rows.get(rowid, (rowid, "", "")), patterns)
                  for rowid, _ in head}  # (a hand-deleted article: archive.textindex)
        head.sort(key=lambda hit: -scores[hit[0]])  # stable: bm25 order within a score
        ranked = head + ranked[window:]
    return ranked[:need], last


def search(
    archive_or_db: object,
    q: str,
    *,
    site: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    author: str | None = None,
    category: str | None = None,
    place: str | None = None,
    story: int | None = None,
    limit: int = 20,
    offset: int = 0,
    expand: bool = True,
    start: str = "[",
    end: str = "]",
    words: int = 30,
) -> list[dict[str, Any]]:
    """Search the archive; any query string is valid (see ``archive.query``).

    Hits are ranked by bm25 (a title match counts ``TITLE_WEIGHT`` times a body match),
    then the best of them by exact Turkish letters when the query has some. A query
    matching more than ``CANDIDATES`` articles is ranked ``CANDIDATES`` at a time, the
    most recently archived first: bm25 over every article with a common word is what
    made such searches slow. ``count`` still counts every match, and paging with
    ``offset`` reaches all of them.

    :param archive_or_db: an ``Archive``, a sqlite-utils ``Database`` or a connection
    :param q: the query, as the user typed it
    :param site: only articles of this site
    :param since: only articles published on or after this day (``2025-11-16``,
        ``2025-11``, ``2025`` or an ISO date-time); articles without a date are left out
    :param until: only articles published up to the end of this day (or month, year)
    :param author: only articles by this author (the whole name, in any case, with or
        without Turkish letters: ``ahmet yilmaz`` keeps ``Ahmet YILMAZ``)
    :param category: only articles of this category (compared the same way)
    :param place: only articles tagged with this province or district (compared the
        same way: ``bornova`` keeps articles about Bornova)
    :param story: only the copies of this story (``articles.story_id``)
    :param limit: at most this many hits
    :param offset: skip this many hits (pagination)
    :param expand: also match inflected forms of each unquoted word (``belediye`` ->
        ``belediyesinin``); ``False`` matches the words as typed (still in any case)
    :param start: marker put before each match in the snippet (``"\\x1b[1m"``, ``"**"``)
    :param end: marker put after each match
    :param words: about how many words of body the snippet shows
    :return: hits, best first: ``id``, ``url``, ``title``, ``published_at``, ``site``,
        ``snippet``, ``rank`` (bm25, lower is better)
    """
    if limit < 0 or offset < 0:
        raise QueryError(f"limit and offset must be 0 or more, got limit={limit} offset={offset}")
    query, match, expander = _plan(q, expand)
    if match is None or limit == 0:
        return []
    keep_heap()  # FTS5's buffers stay mapped from one search to the next
    patterns = _exact_patterns(query, expand)
    window = max(RERANK_WINDOW, 5 * limit)
    conn = get_connection(archive_or_db)
    ranked: list[tuple[int, float]] = []
    with sqlite_errors(getattr(archive_or_db, "name", "the archive")):
        matches = _Matches(conn, match, site, since, until, author, category, place, story)
        if query.excluded:
            matches.positive = to_fts(query._replace(excluded=()), expander)
        if matches.few:
            matches.phrases = fts_phrases(query, expander)
        matches.drop_lookalikes(query, expand)
        position = offset
        while not matches.empty and len(ranked) < limit:
            number, skip = divmod(position, CANDIDATES)
            found = _ranked_slice(matches, number, skip + limit - len(ranked), patterns, window)
            if found is None:
                break
            best, last = found
            ranked += best[skip:]
            if last:
                break
            position = (number + 1) * CANDIDATES
        rows = _rows(conn, [rowid for rowid, _ in ranked], _HIT_COLUMNS)
    highlight = _highlighter(query, expander)
    hits = []
    for rowid, rank in ranked:
        if rowid not in rows:
            continue  # deleted by hand; the index forgets it at the archive's next write
        url, title, published_at, site_name, body = rows[rowid][1:]
        hits.append(
            {
                "id": rowid,
                "url": url,
                "title": title,
                "published_at": published_at,
                "site": site_name,
                "snippet": _snippet(
                    body or "", fold(body or ""), highlight, start=start, end=end, words=words
                ),
                "rank": rank,
            }
        )
    return hits


_HIT_COLUMNS = "url, title, published_at, site, body"


def _rows(conn: sqlite3.Connection, ids: list[int], columns: str) -> dict[int, tuple[Any, ...]]:
    """``(id, *columns)`` rows of ``articles``, by id."""
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in conn.execute(
            f"SELECT id, {columns} FROM articles WHERE id IN ({', '.join('?' for _ in chunk)})",
            chunk,
        ):
            found[row[0]] = row
    return found


def _exact_score(row: tuple[Any, ...], patterns: list[re.Pattern[str]]) -> int:
    """How many of the typed words appear with their exact letters in title or body."""
    title, body = row[1] or "", row[2] or ""
    return sum(
        1
        for p in patterns
        if next(_word_starts(p, title), None) or next(_word_starts(p, body), None)
    )


def count(
    archive_or_db: object,
    q: str,
    *,
    site: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    author: str | None = None,
    category: str | None = None,
    place: str | None = None,
    story: int | None = None,
    expand: bool = True,
) -> int:
    """How many articles ``search`` would find (same parameters, no paging)."""
    query, match, expander = _plan(q, expand)
    if match is None:
        return 0
    keep_heap()
    conn = get_connection(archive_or_db)
    with sqlite_errors(getattr(archive_or_db, "name", "the archive")):
        matches = _Matches(conn, match, site, since, until, author, category, place, story)
        if matches.few:
            matches.phrases = fts_phrases(query, expander)
        matches.drop_lookalikes(query, expand)
        return matches.count()
