"""Content hashes: the same text, re-fetched, gives the same hash."""

from __future__ import annotations

import unicodedata

from archive.fold import INVISIBLE

__all__ = ["content_hash"]


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for ch in INVISIBLE:
        if ch in text:
            text = text.replace(ch, "")
    return _collapsed(text)


def _collapsed(text: str) -> str:
    r"""``" ".join(text.split())``: a body's line breaks made spaces, when that leaves no
    other whitespace to collapse (~5x cheaper than splitting a body into its words).

    Every whitespace character but the space is unprintable, so a printable text
    without two spaces in a row or at its ends is collapsed already.

    >>> _collapsed("Vali konuştu.\n\nTören sürdü.\n"), _collapsed(" a\u00a0 b")
    ('Vali konuştu. Tören sürdü.', 'a b')
    """
    spaced = text.replace("\n\n", " ").replace("\n", " ")
    if (spaced.isprintable() and "  " not in spaced
            and not spaced.startswith(" ") and not spaced.endswith(" ")):
        return spaced
    return " ".join(text.split())


def content_hash(title: str, body: str) -> str:
    """sha1 of the normalized title and body (NFC, invisible characters removed,
    whitespace collapsed), as hex.

    >>> content_hash("Başlık", "Gövde  metni\\n") == content_hash(" Başlık", "Gövde metni")
    True
    >>> content_hash("Başlık", "Gövde") == content_hash("BAŞLIK", "Gövde")
    False
    """
    import hashlib  # here: a search imports this module, never hashes (hashlib: 3 ms)

    return hashlib.sha1(f"{_normalize(title)}\n{_normalize(body)}".encode()).hexdigest()
