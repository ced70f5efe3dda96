"""Folding Turkish text for search, one code point in and one out.

The index stores ``fold(title)`` and ``fold(body)``; every query word goes through the
same ``fold`` before it reaches FTS5. Because the fold keeps the length of NFC text,
an offset found in ``fold(body)`` is the same offset in ``body``: snippets highlight the
original letters.
"""

from __future__ import annotations

import codecs
import encodings.cp1254
import unicodedata
from functools import lru_cache

__all__ = ["APOSTROPHES", "INVISIBLE", "TURKISH_LETTERS", "case_fold", "fold", "fold_line",
           "fold_lines"]

#: Apostrophe variants that separate a proper noun from its suffix (``İzmir’de``).
APOSTROPHES = "'’‘`´ʼʻ′＇"

#: Invisible format characters that CMSs leave inside words (soft hyphen, zero-width
#: space, word joiner, BOM). FTS5 would split ``bele\xaddiye`` in two. (ZWJ and ZWNJ
#: are left alone: emoji sequences and other scripts need them.)
INVISIBLE = "\u00ad\u200b\u2060\ufeff"

#: Letters whose presence in a query word asks for exact-letter ranking.
TURKISH_LETTERS = frozenset("çğıöşüÇĞİÖŞÜ")

# FTS5 unicode61 keeps the diacritics it knows inside a token and remove_diacritics 2
# drops them, so mapping the invisible characters to one joins ``bele·diye`` into
# ``belediye`` in the index while keeping the string length. U+032E (breve below) is the
# one that NFC composes with fewest letters (only h: ḫ), so fold output rarely changes
# when normalized again.
_JOINER = "\u032e"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Latin letters with diacritics -> their ASCII base, lowercased (é -> e, Ő -> o).
    ranges = [(0x00C0, 0x0250), (0x1E00, 0x1F00)]
    for start, stop in ranges:
        for cp in range(start, stop):
            decomposed = unicodedata.normalize("NFD", chr(cp))
            base = decomposed[0]
            if len(decomposed) > 1 and base.isascii() and base.isalpha():
                table[cp] = base.lower()
    # The four Turkish i's and the letters of the Turkish alphabet.
    for src, dst in zip("İIıiÇçĞğÖöŞşÜüÂâÎîÛû", "iiiiccggoossuuaaiiuu", strict=True):
        table[ord(src)] = dst
    for ch in APOSTROPHES:
        table[ord(ch)] = " "
    for ch in INVISIBLE:
        table[ord(ch)] = _JOINER
    return table


_FOLD_TABLE = _build_table()
_CASE_TABLE = {ord("I"): "ı", ord("İ"): "i"}

# fold() for text outside cp1254: str.replace runs at memory speed while str.translate
# with a dict costs ~130 ns a character (fold() is on the insert path of every article).
_AFTER_LOWER = [
    *zip("ıçğöşüâîû", "icgosuaiu", strict=True),
    *((ch, " ") for ch in APOSTROPHES),
    *((ch, _JOINER) for ch in INVISIBLE),
]
# UTF-8 lead bytes of U+00C0-U+027F and U+1E00-U+1EFF: other Latin letters with
# diacritics may remain, so the full table is applied.
_LATIN_LEADS = [bytes([b]) for b in range(0xC3, 0xCA)] + [
    b"\xe1" + bytes([b]) for b in range(0xB8, 0xBC)
]


#: The table ``str.encode("cp1254")`` hands to ``codecs.charmap_encode``.
_CP1254_MAP = encodings.cp1254.encoding_table


def encode_cp1254(text: str, errors: str = "strict") -> bytes:
    """``text.encode("cp1254", errors)``: the codec's own ``charmap_encode`` call, without
    looking the codec up and calling its Python wrapper (~2,500 instructions a call; a
    worker encodes ~20 texts a page).

    >>> encode_cp1254("İzmir’de") == "İzmir’de".encode("cp1254")
    True
    """
    return codecs.charmap_encode(text, errors, _CP1254_MAP)[0]


#: A byte cp1254 leaves undefined: encoding never produces it, so the fold table maps
#: the bytes it cannot fold to it, and finding it in the output sends the text the
#: general way.
_UNFOLDED = b"\x81"


def _cp1254_fold_table() -> bytes:
    """A ``bytes.translate`` table folding cp1254 text byte by byte (fold's fast path).

    Each byte maps to the cp1254 byte of its character's fold; a byte whose fold is not
    one cp1254 character (the soft hyphen folds to ``_JOINER``) maps to ``_UNFOLDED``.

    >>> table = _cp1254_fold_table()
    >>> bytes([table[b] for b in "İIışÇ’\xad".encode("cp1254")])
    b'iiisc \x81'
    """
    table = bytearray(_UNFOLDED * 256)
    for byte in range(256):
        try:
            char = bytes([byte]).decode("cp1254")
        except UnicodeDecodeError:
            continue  # undefined in cp1254: encoding never produces it
        folded = unicodedata.normalize("NFC", char).translate(_FOLD_TABLE).lower()
        encoded = folded.encode("cp1254", "replace")
        if len(folded) == 1 and encoded.decode("cp1254") == folded:
            table[byte] = encoded[0]
    return bytes(table)


_CP1254_FOLD = _cp1254_fold_table()


def fold(text: str) -> str:
    """Fold case, Turkish letters and apostrophes for search.

    NFC first; then İ, I, ı and i all become ``i``; ç ğ ö ş ü â î û (and capitals, and
    other Latin letters with diacritics) become ASCII; apostrophes become spaces; the
    rest is lowercased. One code point in, one out: ``len(fold(s)) == len(s)`` for NFC
    text. Soft hyphens and zero-width characters become a combining mark that the index
    ignores, so a word split by them is still one word.

    >>> fold("IĞDIR'da Işık")
    'igdir da isik'
    >>> fold("KADINA ŞİDDETE HAYIR")
    'kadina siddete hayir'
    >>> fold("İzmir’de ılıca")
    'izmir de ilica'
    >>> fold("Karşıyaka-Bornova")
    'karsiyaka-bornova'
    """
    if not text.isascii():
        # Turkish text is nearly always cp1254 text: fold it as bytes, one table lookup
        # a character, ~2x faster than the replace chain below. (cp1254 text is NFC:
        # no two of its characters compose.)
        try:
            folded = encode_cp1254(text).translate(_CP1254_FOLD)
        except UnicodeEncodeError:
            folded = _UNFOLDED
        if _UNFOLDED not in folded:
            return folded.decode("ascii" if folded.isascii() else "cp1254")
    s = unicodedata.normalize("NFC", text)
    if "İ" in s:
        s = s.replace("İ", "i")
    s = s.lower()
    for src, dst in _AFTER_LOWER:
        if src in s:
            s = s.replace(src, dst)
    if not s.isascii():
        encoded = s.encode("utf-8", "surrogatepass")
        if any(lead in encoded for lead in _LATIN_LEADS):
            s = s.translate(_FOLD_TABLE)
    return s


#: :func:`fold` of recently folded lines: a worker folds each line of a body for its
#: template keys (``newscrawler.extract.fold.fold_key``), then the body for its stories'
#: prints, which :func:`fold_lines` reads back line by line.
fold_line = lru_cache(maxsize=256)(fold)


def fold_lines(text: str) -> str:
    """:func:`fold` of ``text``, its lines folded one by one (:data:`fold_line`): a line
    break keeps fold's steps apart (each maps one character, or reads a sigma's
    neighbours, and a line break is neither a letter nor ignorable), so the result is
    the same. A ~2,500-character body whose lines were just folded: ~0.15 M instructions
    less than folding it whole.

    >>> fold_lines("İZMİR’DE\\n\\nıslak ŞEMSİYE") == fold("İZMİR’DE\\n\\nıslak ŞEMSİYE")
    True
    """
    return "\n".join(map(fold_line, text.split("\n")))


def case_fold(text: str) -> str:
    """Lowercase the Turkish way, keeping Turkish letters (for exact-letter ranking).

    ``I`` becomes ``ı`` and ``İ`` becomes ``i``, unlike ``str.lower()`` which turns
    ``İ`` into two code points. NFC first; length is kept like :func:`fold`.

    >>> case_fold("IŞIK İzmir'de ÖLDÜ")
    "ışık izmir'de öldü"
    >>> len(case_fold("İİİ"))
    3
    """
    s = unicodedata.normalize("NFC", text)
    # str.replace runs at memory speed; translate() with _CASE_TABLE costs ~130 ns a character
    if "I" in s:
        s = s.replace("I", "ı")
    if "İ" in s:
        s = s.replace("İ", "i")
    return s.lower()
