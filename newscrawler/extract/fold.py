"""Comparison keys for short Turkish texts (headings, credit lines, link labels)."""

from __future__ import annotations

import re
from functools import lru_cache

from archive.fold import fold

_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=8192)
def fold_key(text: str) -> str:
    """The search fold (``archive.fold``) reduced to words, one space apart.

    >>> fold_key("  İLGİLİ HABER: ")
    'ilgili haber'
    >>> fold_key("DİĞER Haberler") == fold_key("Diger haberler")
    True
    >>> fold_key("Hibya Haber Ajansı") == fold_key("HİBYA HABER AJANSI")
    True
    """
    return _NON_WORD.sub(" ", fold(text)).strip()
