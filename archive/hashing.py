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
