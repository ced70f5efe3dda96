"""The search query language, parsed here and never passed raw to FTS5.

Syntax (any string up to ``MAX_QUERY_CHARS`` characters is a valid query; a longer one
is the only error, ``QueryError``):

- ``kadın şiddet``: both words (``AND`` between words is allowed and changes nothing).
- ``"kadına şiddet"``: the exact phrase; a quoted single word is not inflected.
- ``belediye*``: prefix; a prefix under 3 letters is searched as a plain word
  (``ka*`` would match half the index and take ~350 ms).
- ``izmir OR manisa``: either word; ``OR`` binds tighter than the implicit AND, so
  ``kadın izmir OR manisa`` is kadın AND (izmir OR manisa).
- ``-spor`` / ``-"süper lig"``: exclude. A query of exclusions only matches nothing.
- ``title:izmir`` (or ``başlık:izmir``): the word in the title only.
- ``İzmir'de``, ``Karşıyaka-Bornova``: words joined by apostrophes, hyphens, slashes
  or dots are a phrase (``izmir de``), exactly as the index splits them.
- Parentheses, unmatched quotes, stray ``OR``/``AND``/``-``/``*`` and other punctuation
  separate words; they are never an error.

Every word goes through :func:`archive.fold.fold` and every FTS5 string is quoted, so
``ı``/``I`` and FTS5 syntax characters in user input cannot break the MATCH.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence

from archive.errors import QueryError
from archive.fold import fold

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from archive.records import NamedTuple

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "MIN_PREFIX",
    "Phrases",
    "Query",
    "Term",
    "fts_phrases",
    "parse_query",
    "to_fts",
    "tokens",
]

#: Prefixes shorter than this are searched as plain words.
MIN_PREFIX = 3
#: Terms beyond this many are ignored (a pasted paragraph is not a query).
MAX_TERMS = 32
#: Longer queries are refused (``QueryError``): a 100,000-letter word cost 45 s in the
#: highlighter and the inflection of the word, for nothing a reader would type.
MAX_QUERY_CHARS = 1000

# The combining marks FTS5 unicode61 treats as part of a token (and drops with
# remove_diacritics 2); every other mark separates tokens, as in Python's \w.
_MARKS = "\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331"
# An FTS5 unicode61 token: letters and digits; combining marks are part of the token and
# dropped by remove_diacritics (fold turns soft hyphens into one).
_TOKEN = re.compile(rf"(?:[^\W_]|[{_MARKS}])+")
_STRIP_MARKS = re.compile(rf"[{_MARKS}]+")
# A chunk: an optionally negated quoted phrase (closed: a stray quote only separates
# words), or a run of non-separator characters. Apostrophes, hyphens, slashes, dots stay
# inside a chunk and make it a phrase.
_CHUNK = re.compile(r'(-*)"([^"]*)"|[^\s()\[\]{}"<>,;:!?|=+&^~]+(?::(?=\S))?')
_COLUMNS = {"title": "title_fold", "baslik": "title_fold"}
_STRAY_DOT = "i\u0307"  # what Python's lower() makes of İ


def tokens(text: str) -> list[tuple[int, int, str]]:
    """FTS tokens of ``fold(text)`` as ``(start, end, token)``, marks removed.

    Offsets index the NFC form of ``text`` (the fold keeps length).

    >>> [t for _, _, t in tokens("İzmir'de Karşıyaka-Bornova")]
    ['izmir', 'de', 'karsiyaka', 'bornova']
    """
    found = []
    for m in _TOKEN.finditer(fold(text)):
        token = _STRIP_MARKS.sub("", m.group())
        if token:
            found.append((m.start(), m.end(), token))
    return found


class Term(NamedTuple):
    """One search term: a word, or a phrase of several words.

    ``words`` are the words as typed (original letters, NFC), ``folded`` their folded
    tokens; ``column`` is ``"title_fold"`` for ``title:`` terms. (Named tuples rather than
    dataclasses: importing ``dataclasses`` loads ``inspect``, ~7 ms of a search's start.)
    """

    words: tuple[str, ...]
    folded: tuple[str, ...]
    quoted: bool = False
    prefix: bool = False
    column: str | None = None

    @property
    def is_phrase(self) -> bool:
        """Several tokens, matched next to each other."""
        return len(self.folded) > 1

    @property
    def expandable(self) -> bool:
        """A single unquoted, non-prefix word: it may be inflected."""
        return not self.quoted and not self.prefix and len(self.folded) == 1


class Query(NamedTuple):
    """A parsed query: every group must match (any term of a group); no excluded may."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    #: Words left out past ``MAX_TERMS`` (the query went on after the last term read).
    truncated: bool = False

    @property
    def empty(self) -> bool:
        """True when nothing positive is left to search for."""
        return not self.groups

    def terms(self) -> Iterator[Term]:
        """The positive terms, in order."""
        for group in self.groups:
            yield from group


def _make_term(text: str, *, quoted: bool, prefix: bool) -> Term | None:
    found = tokens(text)
    words = tuple(text[start:end] for start, end, _ in found)
    folded = tuple(token for _, _, token in found)
    keep = [(w, f) for w, f in zip(words, folded, strict=True) if f]
    if not keep:
        return None
    words, folded = tuple(w for w, _ in keep), tuple(f for _, f in keep)
    if prefix and len(folded[-1]) < MIN_PREFIX:
        prefix = False
    return Term(words, folded, quoted=quoted, prefix=prefix)


def parse_query(q: str) -> Query:
    """Parse a user query; any text is valid, up to ``MAX_QUERY_CHARS`` characters.

    :raises QueryError: the query is longer than ``MAX_QUERY_CHARS``

    >>> query = parse_query('İzmir\\'de AND (')
    >>> [t.folded for t in query.terms()]
    [('izmir', 'de')]
    >>> query = parse_query('kadın OR kadınlar -spor "su baskını" belediye*')
    >>> [[t.folded for t in g] for g in query.groups], [t.folded for t in query.excluded]
    ([[('kadin',), ('kadinlar',)], [('su', 'baskini')], [('belediye',)]], [('spor',)])
    >>> parse_query('* - OR ) ""').empty
    True
    >>> [t.folded for t in parse_query('"kadına şiddet').terms()]  # a stray quote
    [('kadina',), ('siddet',)]
    >>> parse_query("İZMİR".lower()) == parse_query("izmir")  # i + U+0307, from lower()
    True
    """
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(q):,} characters long; the limit is {MAX_QUERY_CHARS:,}: "
            "search for a few words or a short phrase"
        )
    # "İ".lower() is i + U+0307 (a dot above), which no NFC composes: text lowercased by a
    # program, as the crawl's cleaning does for the archive's text, reads it as i.
    text = unicodedata.normalize("NFC", q).replace(_STRAY_DOT, "i")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    column: str | None = None  # set by a title: chunk, for the next term
    column_negated = False
    truncated = False
    for match in _CHUNK.finditer(text):
        if len(excluded) + sum(map(len, groups)) >= MAX_TERMS:
            truncated = any(tokens(m.group(2) or m.group(0)) for m in _CHUNK.finditer(
                text, match.start()) if m.group(0) not in ("OR", "AND"))
            break
        if match.group(2) is not None:
            negated = bool(match.group(1))
            term = _make_term(match.group(2), quoted=True, prefix=False)
        else:
            chunk = match.group(0)
            if chunk in ("OR", "AND"):
                pending_or = chunk == "OR" and bool(groups)
                continue
            negated = chunk.startswith("-")
            chunk = chunk.lstrip("-")
            if chunk.endswith(":"):
                chunk = chunk[:-1]
                if fold(chunk) in _COLUMNS:
                    column, column_negated = _COLUMNS[fold(chunk)], negated
                    continue
            term = _make_term(chunk, quoted=False, prefix=chunk.endswith("*"))
        if term is None:
            continue
        if column is not None:
            term = term._replace(column=column)
            negated = negated or column_negated
            column = None
        if negated:
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    return Query(tuple(tuple(g) for g in groups), tuple(excluded), truncated)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


#: The phrases of expanded words, by (word, its fold, expander): re-folding a word's ~60
#: forms took 0.7 ms, and a search asks for them two or three times.
_EXPANDED: dict[tuple[str, str, object], tuple[str, ...]] = {}
_EXPANDED_MAX = 512


def _term_phrases(term: Term, expand: Callable[[str], Sequence[str]] | None) -> tuple[str, ...]:
    """The FTS5 phrases of one term (without its column), in the MATCH string's order."""
    if term.expandable and expand is not None:
        key = (term.words[0], term.folded[0], expand)
        known = _EXPANDED.get(key)
        if known is not None:
            return known
        forms: dict[str, None] = {term.folded[0]: None}
        for form in expand(term.words[0]):
            for _, _, token in tokens(form):  # re-fold: expand may be any callable
                forms.setdefault(token, None)
                break
        if len(_EXPANDED) >= _EXPANDED_MAX:
            _EXPANDED.clear()
        phrases = _EXPANDED[key] = tuple(_quote(form) for form in forms)
        return phrases
    return (_quote(" ".join(term.folded)) + ("*" if term.prefix else ""),)


def _term_fts(term: Term, expand: Callable[[str], Sequence[str]] | None) -> str:
    parts = _term_phrases(term, expand)
    expr = parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    if term.column:
        return f"{term.column} : {expr}" if expr.startswith("(") else f"{term.column} : ({expr})"
    return expr


class Phrases(NamedTuple):
    """The phrases of a query's MATCH string (``to_fts``), numbered as FTS5 numbers them
    (left to right), each as a MATCH string of its own, its column filter included."""

    texts: tuple[str, ...]
    #: For each group, for each of its terms, the numbers of the term's phrases.
    groups: tuple[tuple[tuple[int, ...], ...], ...]
    #: For each excluded term, the numbers of its phrases (after every positive one).
    excluded: tuple[tuple[int, ...], ...]


def fts_phrases(query: Query, expand: Callable[[str], Sequence[str]] | None = None) -> Phrases:
    """The phrases of ``to_fts(query, expand)`` in FTS5's order, and the terms holding them.

    >>> p = fts_phrases(parse_query("title:kadın OR izmir* -spor"))
    >>> p.texts
    ('title_fold : ("kadin")', '"izmir"*', '"spor"')
    >>> p.groups, p.excluded
    ((((0,), (1,)),), ((2,),))
    """
    texts: list[str] = []

    def numbered(term: Term) -> tuple[int, ...]:
        first = len(texts)
        for phrase in _term_phrases(term, expand):
            texts.append(f"{term.column} : ({phrase})" if term.column else phrase)
        return tuple(range(first, len(texts)))

    groups = tuple(tuple(numbered(term) for term in group) for group in query.groups)
    excluded = tuple(numbered(term) for term in query.excluded)
    return Phrases(tuple(texts), groups, excluded)


def to_fts(query: Query, expand: Callable[[str], Sequence[str]] | None = None) -> str | None:
    """The FTS5 MATCH string for ``query``, or None when there is nothing to search.

    ``expand`` turns a typed word into folded forms (``archive.inflect.expand``); every
    term is folded and double-quoted, so the string is always valid FTS5.

    >>> to_fts(parse_query("IŞIK OR kadına -spor"))
    '(("isik" OR "kadina")) NOT ("spor")'
    >>> to_fts(parse_query("Karşıyaka-Bornova belediye*"))
    '("karsiyaka bornova" AND "belediye"*)'
    >>> to_fts(parse_query(")(")) is None
    True
    """
    if query.empty:
        return None
    groups = []
    for group in query.groups:
        parts = [_term_fts(term, expand) for term in group]
        groups.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    positive = "(" + " AND ".join(groups) + ")"
    if not query.excluded:
        return positive
    negative = " OR ".join(_term_fts(term, expand) for term in query.excluded)
    return f"{positive} NOT ({negative})"
