"""Look-alikes that folding creates: ``su`` is not ``şu``, ``şiş`` is not ``sis``.

The index holds folded words, so ``su`` matches ``şu``, ``Çin`` the surname ``Cin`` and
``ön`` the pronoun ``onu`` (``önü``). A query word is checked when

- it was typed with a letter that tells Turkish words apart (``ç ğ ö ş ü``; ``ı``/``İ``
  do not count: capitals blur them) and its folded form has at most
  ``TYPED_CHECK_LENGTH`` letters: the word meant is the one typed;
- or its folded form is in ``archive.inflect.LOOKALIKES`` (``su``, ``cin``, ``isim``,
  ``is``, ``un``): the word meant is ``ASCII_READINGS``'s.

An article matched only through forms of a checked word counts when one of them is
written in the article with the letters of the word meant (``ı``/``i`` not told apart),
or when the article has no Turkish letters at all (it was typed in ASCII: nothing tells
the words apart).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from archive import inflect
from archive.fold import TURKISH_LETTERS, case_fold, fold
from archive.query import Query

__all__ = ["TYPED_CHECK_LENGTH", "Check", "agrees", "checks", "rejects"]

#: Longest folded word whose typed Turkish letters are checked. Folding merges mostly
#: short words (şu/su, ön/on, şiş/sis, göl/gol, köy/koy, kürt/kurt, başın/basın); longer
#: ones rarely fold into another word, and the check reads the text of every match of
#: the word (``çocuk``, 5 letters, in 10% of the articles: ~0.1 ms per match, see
#: docs/search.md), so longer words are only ranked by exact letters.
TYPED_CHECK_LENGTH = 5

# Letters that tell Turkish words apart when typed (ı/İ do not: ISIK is ışık).
_TELLING = frozenset("çğöşüÇĞÖŞÜ")
_TURKISH_RE = re.compile(f"[{''.join(sorted(TURKISH_LETTERS))}]")
_LETTER = r"[^\W\d_]"


@dataclass(frozen=True)
class Check:
    """One query word to check: its folded forms and the letters its stems must have."""

    forms: frozenset[str]
    stems: tuple[str, ...]

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Words of folded text that begin like one of the forms (then looked up)."""
        heads = sorted({form[:2] for form in self.forms})
        alternatives = "|".join(re.escape(head) for head in heads)
        return re.compile(f"(?<!{_LETTER})(?:{alternatives}){_LETTER}*")


def _letters(text: str) -> str:
    """Case-folded with ``ı`` as ``i`` (``ÇIN`` and ``Çin`` agree).

    >>> _letters("ÇIN"), _letters("Şu")
    ('çin', 'şu')
    """
    return case_fold(text).replace("ı", "i")


def _checked(word: str) -> bool:
    """Whether the typed ``word`` needs a check (typed letters, or a listed look-alike).

    >>> [_checked(w) for w in ("şiş", "ŞİŞ", "su", "çocuk", "öğrenci", "kadın", "sis")]
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
    if not _TURKISH_RE.search(text):
        return True
    text = unicodedata.normalize("NFC", text)  # fold keeps the length of NFC text
    for match in check.pattern.finditer(fold(text)):
        if match.group() in check.forms:
            written = text[match.start() : match.end()]
            if _letters(written).startswith(check.stems):
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
