"""Content hashes: the same text, re-fetched, gives the same hash."""

from __future__ import annotations

import unicodedata

from archive.fold import INVISIBLE

__all__ = ["collapse_whitespace", "content_hash", "nfc"]

#: The last text :func:`nfc` normalized, and its NFC form.
_last_nfc: tuple[str, str] = ("", "")


def nfc(text: str) -> str:
    """``unicodedata.normalize("NFC", text)``, the last answer remembered for the same
    object: a worker's content hash and story prints both normalize an item's body
    (~0.07 M instructions a ~97 KB page saved). The pair is one tuple, read and written
    at once, so threads may share it; holding ``text`` keeps its identity unique.

    >>> nfc("Ka\u0301") == "K\u00e1", nfc("İzmir") == "İzmir"
    (True, True)
    """
    global _last_nfc
    last = _last_nfc
    if text is last[0]:
        return last[1]
    normal = unicodedata.normalize("NFC", text)
    _last_nfc = (text, normal)
    return normal


def _normalize(text: str) -> str:
    text = nfc(text)
    for ch in INVISIBLE:
        if ch in text:
            text = text.replace(ch, "")
    return _collapsed(text)


def collapse_whitespace(text: str) -> str:
    r"""Runs of whitespace (NBSP included) made one space, the ends stripped:
    ``" ".join(text.split())``, without splitting a text that has nothing to collapse.

    Every whitespace character but the space is unprintable, so a printable text
    without two spaces in a row or at its ends is collapsed already (a paragraph: ~5x
    cheaper than splitting it into its words).

    >>> collapse_whitespace("  İzmir'de \t yağmur\n etkili  "), collapse_whitespace("a b")
    ("İzmir'de yağmur etkili", 'a b')
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _collapsed(text: str) -> str:
    r"""``collapse_whitespace`` of a body, its line breaks made spaces first (most bodies
    then have nothing else to collapse).

    >>> _collapsed("Vali konuştu.\n\nTören sürdü.\n"), _collapsed(" a\u00a0 b")
    ('Vali konuştu. Tören sürdü.', 'a b')
    """
    return collapse_whitespace(text.replace("\n\n", " ").replace("\n", " "))


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
