"""Compatibility characters: fullwidth forms, Latin ligatures and U+FFFD.

Only these ranges are folded (NFKC one character at a time): a global NFKC would also
turn ``²`` into ``2``, ``½`` into ``1⁄2`` and ``™`` into ``TM``, which news text means.
Fullwidth letters become their ASCII letters (``ＩＺＭＩＲ`` -> ``IZMIR``); a combining mark
after one (``Ｓ`` + U+0327) composes with the ASCII letter under the NFC that follows
(``Ş``). Halfwidth and fullwidth CJK forms are left alone.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "COMPAT_CHARS",
    "REPLACEMENT_CHAR",
    "count_replacement_chars",
    "fold_compat",
    "has_compat",
]

#: The Unicode replacement character: a byte the source could not decode.
REPLACEMENT_CHAR = "\ufffd"
# Fullwidth ASCII (U+FF01-FF5E), fullwidth white parentheses (FF5F-FF60), fullwidth
# signs ¢ £ ¬ ¯ ¦ ¥ ₩ (FFE0-FFE6) and the Latin ligatures ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ (FB00-FB06).
_RANGES = ((0xFF01, 0xFF60), (0xFFE0, 0xFFE6), (0xFB00, 0xFB06))
_FOLDS: dict[int, str] = {
    cp: unicodedata.normalize("NFKC", chr(cp))
    for first, last in _RANGES
    for cp in range(first, last + 1)
    if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
}
#: Every character fold_compat changes or drops.
COMPAT_CHARS = frozenset(map(chr, _FOLDS)) | {REPLACEMENT_CHAR}
_FOLDS[ord(REPLACEMENT_CHAR)] = ""
_COMPAT_RE = re.compile("[" + "".join(sorted(re.escape(ch) for ch in COMPAT_CHARS)) + "]")


def has_compat(s: str) -> bool:
    """Whether ``s`` holds a character fold_compat changes.

    >>> has_compat("İzmir ²"), has_compat("ﬁyat")
    (False, True)
    """
    return _COMPAT_RE.search(s) is not None


def count_replacement_chars(s: str) -> int:
    """How many U+FFFD (undecodable bytes) ``s`` holds.

    >>> count_replacement_chars("Kar\\ufffd\\ufffdyaka")
    2
    """
    return s.count(REPLACEMENT_CHAR)


def fold_compat(s: str) -> str:
    """Fullwidth forms and Latin ligatures to their plain letters; U+FFFD dropped.

    >>> fold_compat("ＩＺＭＩＲ’de ﬁyatlar ２０２５’te ½ ve m² \\ufffdarttı")
    'IZMIR’de fiyatlar 2025’te ½ ve m² arttı'
    >>> unicodedata.normalize("NFC", fold_compat("Ｓ\\u0327ehir"))
    'Şehir'
    """
    if _COMPAT_RE.search(s) is None:
        return s
    return s.translate(_FOLDS)
