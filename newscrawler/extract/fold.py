"""Comparison keys for short Turkish texts (headings, credit lines, link labels)."""

from __future__ import annotations

import re
from functools import lru_cache

from archive.foldmany import fold_line

_NON_WORD = re.compile(r"[\W_]+")


# 1,024 lines: a page brings ~13 new ones, and the lines a site repeats (templates, box
# headings) come back on every page; 8,192 kept ~8 MB of long paragraphs in a worker for
# 1.7% more hits on 1,500 large pages (bench/worker_bench.py's pages).
@lru_cache(maxsize=1024)
def fold_key(text: str) -> str:
    """The search fold (``archive.fold``) reduced to words, one space apart.

    >>> fold_key("  İLGİLİ HABER: ")
    'ilgili haber'
    >>> fold_key("DİĞER Haberler") == fold_key("Diger haberler")
    True
    >>> fold_key("Hibya Haber Ajansı") == fold_key("HİBYA HABER AJANSI")
    True
    """
    folded = fold_line(text)  # remembered: a body's story prints fold its lines again
    if folded.isascii():  # nearly always: the same words, ~4x cheaper than the regex
        return _one_space(folded.encode().translate(_ASCII_NON_WORD)).decode()
    return _NON_WORD.sub(" ", folded).strip()


def _one_space(data: bytes) -> bytes:
    """``b" ".join(data.split())`` for bytes of letters, digits and spaces: runs of spaces
    halved by ``replace`` until none is left, no bytes object a word (~12,000
    instructions less for a 400-character paragraph line).

    >>> _one_space(b"  a   b  c d    ")
    b'a b c d'
    """
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return data.strip(b" ")


#: Every ASCII byte that ``_NON_WORD`` matches (not a letter or digit) becomes a space.
_ASCII_NON_WORD = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + bytes(128)
