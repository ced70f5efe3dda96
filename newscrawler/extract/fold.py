"""Comparison keys for short Turkish texts (headings, credit lines, link labels)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Turkish letters (and circumflexed vowels) to ASCII, both cases; "I" is dotless "ı".
_TO_ASCII = str.maketrans("ÇĞİIÖŞÜÂÎÛçğıöşüâîû", "cgiiosuaiucgiosuaiu")
_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=8192)
def fold_key(text: str) -> str:
    """Lowercase the Turkish way, drop diacritics (ı→i), keep only words, one space apart.

    >>> fold_key("  İLGİLİ HABER: ")
    'ilgili haber'
    >>> fold_key("DİĞER Haberler") == fold_key("Diger haberler")
    True
    >>> fold_key("Hibya Haber Ajansı") == fold_key("HİBYA HABER AJANSI")
    True
    """
    folded = text.translate(_TO_ASCII).lower()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", folded).strip()
