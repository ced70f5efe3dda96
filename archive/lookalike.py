"""Look-alikes that folding creates: ``su`` is not ``şu``, ``şiş`` is not ``sis``.

The index holds folded words, so ``su`` matches ``şu``, ``Çin`` the surname ``Cin`` and
``ön`` the pronoun ``onu`` (``önü``). A query word is checked when

- it was typed with a letter that tells Turkish words apart (``ç ğ ö ş ü``; ``ı``/``İ``
  do not count: capitals blur them) and its folded form has at most
  ``TYPED_CHECK_LENGTH`` letters: the word meant is the one typed;
- or its folded form is in ``archive.inflect.LOOKALIKES`` (``su``, ``cin``, ``isim``,
  ``kurt``, ``oldu``...): the word meant is the one typed with Turkish letters, else
  ``ASCII_READINGS``'s.

An article matched only through forms of a checked word counts when one of them is
written in the article with the letters of the word meant (``ı``/``i`` not told apart),
or when the article has no Turkish letters at all (it was typed in ASCII: nothing tells
the words apart).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

from archive import inflect
from archive.fold import TURKISH_LETTERS, case_fold, fold
from archive.query import Query

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from typing import NamedTuple
else:
    from archive.records import NamedTuple

__all__ = [
    "SIGHT_LENGTH",
    "TYPED_CHECK_LENGTH",
    "Check",
    "accept_sql",
    "agrees",
    "checks",
    "read_rejected",
    "rejects",
]

#: Longest folded word whose typed Turkish letters are checked without being listed.
#: Folding merges mostly short words (şu/su, ön/on, şiş/sis, göl/gol, köy/koy); the few
#: longer pairs (kürt/kurt, öldü/oldu, başın/basın, sürat/surat) are listed in
#: ``lookalikes`` (archive/data/search_words.toml). The check reads the text of every match
#: of the word, and 4-5 letter words typed with Turkish letters are frequent queries that
#: rarely fold into another word (``çocuk``, ``şehir``, ``kişi``, ``göre``: ~0.1 ms per
#: match, 0.4 s for ``çocuk`` on 100,000 articles), so they are only ranked by exact letters.
TYPED_CHECK_LENGTH = 3

#: Stems this long agree wherever a word starts with them after a space (``Check.on_sight``):
#: SQLite tests that without handing the text to Python (``accept_sql``).
SIGHT_LENGTH = 4

# Letters that tell Turkish words apart when typed (ı/İ do not: ISIK is ışık).
_TELLING = frozenset("çğöşüÇĞÖŞÜ")
_TURKISH_LETTERS = "".join(sorted(TURKISH_LETTERS))
_WORD = re.compile(r"[^\W\d_]+")


class Check(NamedTuple):
    """One query word to check: its folded forms and the letters its stems must have."""

    forms: frozenset[str]
    stems: tuple[str, ...]

    @property
    def lowercase(self) -> tuple[str, ...]:
        """The stems in lowercase as they may be written, ``i`` as ``i`` or ``ı``."""
        found: list[str] = []
        for stem in self.stems:
            variants = [""]
            for ch in stem:
                variants = [v + c for v in variants for c in ("iı" if ch == "i" else ch)]
            found += variants
        return tuple(found)

    @property
    def on_sight(self) -> tuple[str, ...]:
        """Word starts that agree on sight: a space and a lowercase stem of at least
        ``SIGHT_LENGTH`` letters (`` şehir``, `` çocuğ``); shorter stems begin other words
        (`` ön``: ``önemli``)."""
        return tuple(" " + stem for stem in self.lowercase if len(stem) >= SIGHT_LENGTH)


def _letters(text: str) -> str:
    """Case-folded with ``ı`` as ``i`` (``ÇIN`` and ``Çin`` agree).

    >>> _letters("ÇIN"), _letters("Şu")
    ('çin', 'şu')
    """
    return case_fold(text).replace("ı", "i")


def _checked(word: str) -> bool:
    """Whether the typed ``word`` needs a check (typed letters, or a listed look-alike).

    >>> [_checked(w) for w in ("şiş", "ŞİŞ", "su", "kürt", "çocuk", "öğrenci", "sis")]
    [True, True, True, True, False, False, False]
    """
    folded = fold(word)
    if folded in inflect.LOOKALIKES:
        return True
    return len(folded) <= TYPED_CHECK_LENGTH and any(ch in _TELLING for ch in word)


def checks(query: Query) -> list[Check]:
    """The look-alike checks a query needs: one per positive word that stands alone in
    its group and needs one (``_checked``).

    >>> from archive.query import parse_query
    >>> [c.stems for c in checks(parse_query("su cin belediye şiş"))]
    [('su',), ('çin',), ('şiş',)]
    """
    found = []
    for group in query.groups:
        if len(group) != 1 or not group[0].expandable:
            continue
        word = group[0].words[0]
        if not _checked(word):
            continue
        base, sure = inflect.intended(word)
        if not sure:
            continue
        stems = tuple(dict.fromkeys(_letters(s) for s in inflect.stems(base)))
        found.append(Check(frozenset(inflect.expand(word)), stems))
    return found


def agrees(text: str, check: Check) -> bool:
    """Whether ``text`` has a form of the checked word with its letters, or no Turkish
    letters at all.

    >>> c = checks(__import__("archive.query").query.parse_query("su"))[0]
    >>> agrees("Şu an suyu kesildi.", c), agrees("Şu an kesildi.", c), agrees("Su an", c)
    (True, False, True)
    """
    # Plain substring search for the stems' letters, in C at memory speed (a regex over a
    # 3.5 KB article costs 30-40 us): first as most articles write them (lowercase, so
    # that the whole text need not be lowered), then in any case.
    spaced = " " + text
    if any(start in spaced for start in check.on_sight):
        return True
    if any(_written(text, stem, check.forms) for stem in check.lowercase):
        return True
    if not any(letter in text for letter in _TURKISH_LETTERS):
        return True
    low = text.replace("İ", "i").lower().replace("ı", "i")
    return any(_written(low, stem, check.forms) for stem in check.stems)


def _written(text: str, stem: str, forms: frozenset[str]) -> bool:
    """Whether a word of ``text`` starts with ``stem`` and folds to one of ``forms``."""
    start = text.find(stem)
    while start != -1:
        if start == 0 or not text[start - 1].isalpha():
            word = _WORD.match(text, start)
            if word and fold(word.group()) in forms:
                return True
        start = text.find(stem, start + 1)
    return False


def accept_sql(found: Sequence[Check], title: str, body: str) -> tuple[str, list[str]]:
    """An SQL condition true for the rows that pass every check on sight (as ``agrees``
    does), and its parameters; ``("", [])`` when a check has no such test. Reading the
    text stays inside SQLite for them.
    """
    if not found or not all(check.on_sight for check in found):
        return "", []
    # " stem" never spans the newline between title and body: each is searched alone.
    tests = f"instr(' ' || coalesce({title}, ''), ?) > 0 OR instr(coalesce({body}, ''), ?) > 0"
    params: list[str] = []
    clauses = []
    for check in found:
        clauses.append("(" + " OR ".join(tests for _ in check.on_sight) + ")")
        params += [start for start in check.on_sight for _ in (title, body)]
    return " AND ".join(clauses), params


def rejects(rows: Sequence[tuple[int, str | None, str | None]], found: list[Check]) -> list[int]:
    """Ids of the rows ``(id, title, body)`` that fail one of the checks."""
    out = []
    for rowid, title, body in rows:
        text = f"{title or ''}\n{body or ''}"
        if not all(agrees(text, check) for check in found):
            out.append(rowid)
    return out


def read_rejected(
    conn: sqlite3.Connection, tables: str, where: str, params: Sequence[object],
    found: list[Check], rowid: str,
) -> list[int]:
    """Ids of the matches (``tables``/``where``, ids in ``rowid``) that fail one of the
    checks, reading their text (rows that agree on sight stay inside SQLite)."""
    sql = (
        f"SELECT a2.id, a2.title, a2.body FROM {tables} CROSS JOIN articles AS a2 "
        f"ON a2.id = {rowid} WHERE {where}"
    )
    accepted, accepted_params = accept_sql(found, "a2.title", "a2.body")
    if accepted:  # rows that agree on sight are not read into Python
        sql += f" AND NOT ({accepted})"
    rows = conn.execute(sql, [*params, *accepted_params]).fetchall()
    return rejects(rows, found)
