"""Comparison keys for short Turkish texts (headings, credit lines, link labels)."""

from __future__ import annotations

import re
import unicodedata

_TURKISH_UPPER = str.maketrans({"İ": "i", "I": "ı"})
_NON_WORD = re.compile(r"[\W_]+")


def fold_key(text: str) -> str:
    """Lowercase the Turkish way, drop diacritics (ı→i), keep only words, one space apart.

    >>> fold_key("  İLGİLİ HABER: ")
    'ilgili haber'
    >>> fold_key("DİĞER Haberler") == fold_key("Diger haberler")
    True
    >>> fold_key("Hibya Haber Ajansı") == fold_key("HİBYA HABER AJANSI")
    True
    """
    lowered = text.translate(_TURKISH_UPPER).lower().replace("ı", "i")
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()
