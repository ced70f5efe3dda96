"""Look-alikes that folding creates: ``su`` is not ``şu``, ``Çin`` is not ``cin``.

The index holds folded words, so ``su`` matches ``şu`` and ``Çin`` matches the surname
``Cin``. For a word whose folded form is in ``archive.inflect.LOOKALIKES``, the Turkish
word it stands for is known (typed letters, or ``ASCII_READINGS``); an article matched
only through forms of that word counts when one of them is written in the article with
the intended letters (``ı``/``i`` not told apart: capitals blur them), or when the article
has no Turkish letters at all (it was typed in ASCII: nothing tells the words apart).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from archive import inflect
from archive.fold import TURKISH_LETTERS, case_fold, fold
from archive.query import Query

__all__ = ["Check", "checks", "rejects"]

_WORD_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Check:
    """One query word to check: its folded forms and the letters its stems must have."""

    forms: frozenset[str]
    stems: tuple[str, ...]


def _letters(text: str) -> str:
    """Case-folded with ``ı`` as ``i`` (``ÇIN`` and ``Çin`` agree).

    >>> _letters("ÇIN"), _letters("Şu")
    ('çin', 'şu')
    """
    return case_fold(text).replace("ı", "i")


def checks(query: Query) -> list[Check]:
    """The look-alike checks a query needs: one per positive word that stands alone in
    its group and whose folded form is a listed look-alike.

    >>> from archive.query import parse_query
    >>> [c.stems for c in checks(parse_query("su cin belediye"))]
    [('su',), ('çin',)]
    """
    found = []
    for group in query.groups:
        if len(group) != 1 or not group[0].expandable:
            continue
        word = group[0].words[0]
        if fold(word) not in inflect.LOOKALIKES:
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
    if not any(ch in TURKISH_LETTERS for ch in text):
        return True
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if fold(word) in check.forms and _letters(word).startswith(check.stems):
            return True
    return False


def rejects(rows: Sequence[tuple[int, str | None, str | None]], found: list[Check]) -> list[int]:
    """Ids of the rows ``(id, title, body)`` that fail one of the checks."""
    out = []
    for rowid, title, body in rows:
        text = f"{title or ''}\n{body or ''}"
        if not all(agrees(text, check) for check in found):
            out.append(rowid)
    return out
