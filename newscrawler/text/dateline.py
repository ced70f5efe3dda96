"""Whether a short line is a dateline: the date (and little else) under a dump's title.

A line is a dateline when the date parser (``newscrawler.text.dates``) reads a date in it
and what is left once its dates are taken out is a few words at most (a place, "Haber
Merkezi", a weekday), not a sentence: no final full stop, no suffix glued to a date
("16 Kasım 2025'te").
"""

from __future__ import annotations

import re
from datetime import datetime

from newscrawler.text.dates import ISTANBUL, parse_dates

__all__ = ["MAX_DATELINE", "MAX_DATELINE_WORDS", "is_dateline"]

MAX_DATELINE = 80  # chars of a dateline
MAX_DATELINE_WORDS = 3  # words besides the dates
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_PROSE_END_RE = re.compile(r"[^\W\d_]{2,}[.!?…]\s*$")  # "... yapılacak." (not "16.11.2025.")
_GLUED_RE = re.compile(r"^['’][^\W\d_]")  # "'te", "’da" right after a date


def is_dateline(line: str, now: datetime | None = None) -> bool:
    """Whether ``line`` is a date line rather than text (``now``: resolves relative dates).

    >>> [is_dateline(s) for s in ("2 saat önce", "Dün 14:00", "Az önce", "Bugün, 07:30")]
    [True, True, True, True]
    >>> is_dateline("Sun, 16 Nov 2025 14:32:00 +0300"), is_dateline("07 Haz 2024 - 23:59")
    (True, True)
    >>> is_dateline("Güncelleme: 16.11.2025 15:05"), is_dateline("14 Şubat Cuma, 10:15")
    (True, True)
    >>> is_dateline("25 Kasım'da yürüyüş yapılacak"), is_dateline("Toplantı 16.11.2025'te")
    (False, False)
    >>> is_dateline("Toplantı 16 Kasım 2025 tarihinde yapılacak.")
    False
    """
    if len(line) > MAX_DATELINE:
        return False
    dates = parse_dates(line, now=now or datetime.now(ISTANBUL))
    if not dates:
        return False
    rest = line
    for parsed in dates:
        before, found, after = rest.partition(parsed.raw)
        if not found or _GLUED_RE.match(after):
            return False
        rest = f"{before} {after}"
    if _PROSE_END_RE.search(line):
        return False
    return len(_WORD_RE.findall(rest)) <= MAX_DATELINE_WORDS
