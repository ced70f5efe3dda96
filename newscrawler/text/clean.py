"""Clean one paragraph or title of Turkish news text.

The chain (``clean_text``): HTML entities left over -> mojibake -> Unicode normalization
-> whitespace. Every step leaves legitimate text as it is: typographic quotes stay curly,
Icelandic stays Icelandic, ``Café`` stays ``Café``.

Most paragraphs need none of it but whitespace. A fast path (``_clean_plain``) encodes
the text to cp1254, maps each byte to a class with ``bytes.translate`` and answers from
the classes alone when no step could change the text; it gives exactly what the chain
gives (tests/test_clean.py checks both on random text). ``bench/text_bench.py`` measures.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files

from archive.foldmany import encode_cp1254
from archive.hashing import collapse_whitespace
from newscrawler.text.compat import COMPAT_CHARS, fold_compat, has_compat

__all__ = [
    "boilerplate_phrases",
    "clean_block_text",
    "clean_paragraphs",
    "clean_text",
    "collapse_whitespace",
    "fix_mojibake",
    "is_boilerplate",
    "looks_turkish",
    "normalize_chars",
    "repair_cp1254",
    "turkish_lower",
    "turkish_upper",
    "turkishness",
    "unescape_entities",
]


def _data_lines(name: str) -> list[str]:
    """The non-blank, non-comment lines of a file in ``newscrawler/text/data/``."""
    text = (files("newscrawler.text") / "data" / name).read_text(encoding="utf-8")
    stripped = (line.strip() for line in text.splitlines())
    return [line for line in stripped if line and not line.startswith("#")]


# --- case -------------------------------------------------------------------------------

_TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})


def turkish_lower(s: str) -> str:
    """Lowercase the Turkish way (I -> ı, İ -> i).

    >>> turkish_lower("IĞDIR'da İZMİR Işık")
    "ığdır'da izmir ışık"
    """
    # str.replace runs at memory speed; translate() with a dict costs ~130 ns a character
    # (each output is neither input: the same as translating both at once)
    if "I" in s:
        s = s.replace("I", "ı")
    if "İ" in s:
        s = s.replace("İ", "i")
    return s.lower()


def turkish_upper(s: str) -> str:
    """Uppercase the Turkish way (i -> İ, ı -> I).

    >>> turkish_upper("istanbul'da ışık")
    "İSTANBUL'DA IŞIK"
    """
    return s.translate(_TR_UPPER).upper()


# --- entities ---------------------------------------------------------------------------

# Only complete references with a semicolon: "&para=1" in a URL must stay as it is.
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@lru_cache(maxsize=4096)
def _unescaped(reference: str) -> str:
    """One character reference resolved (``&ccedil;`` -> ``ç``); pages repeat a few."""
    return html.unescape(reference)


def _unescape_one(match: re.Match[str]) -> str:
    return _unescaped(match.group(0))


def unescape_entities(s: str) -> str:
    """Resolve HTML character references, double-escaped ones included.

    Repeats until nothing changes; every round shortens the text, so it ends.

    >>> unescape_entities("&amp;#304;zmir &amp;ccedil;ocuk &Uuml;mit")
    'İzmir çocuk Ümit'
    >>> unescape_entities("?a=1&para=2 AT&T")
    '?a=1&para=2 AT&T'
    """
    while "&" in s:
        fixed = _ENTITY_RE.sub(_unescape_one, s)
        if fixed == s:
            break
        s = fixed
    return s


# --- mojibake ---------------------------------------------------------------------------

_TURKISH_LETTERS: tuple[str, ...] = tuple(_data_lines("turkish_letters.txt"))
_READERS = ("cp1252", "latin-1")


def _decoded_as(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _letter_map(source_codec: str) -> dict[str, str]:
    """What each Turkish letter becomes when its ``source_codec`` bytes are read as cp1252."""
    table: dict[str, str] = {}
    for letter in _TURKISH_LETTERS:
        for reader in _READERS:
            wrong = _decoded_as(letter.encode(source_codec), reader)
            if wrong is not None and wrong != letter:
                table.setdefault(wrong, letter)
    return table


#: cp1254 bytes read as cp1252/Latin-1: Ý -> İ, ý -> ı, Þ -> Ş, þ -> ş, Ð -> Ğ, ð -> ğ.
CP1254_AS_CP1252: dict[str, str] = _letter_map("cp1254")
#: UTF-8 bytes read as cp1252/Latin-1, for the pairs ftfy leaves alone ("Åžehir").
UTF8_AS_CP1252: dict[str, str] = _letter_map("utf-8")


def _has_any(s: str, chars: str) -> bool:
    """Whether ``s`` holds one of ``chars``: one ``in`` a character, ~20x a regex class.

    >>> _has_any("Ýzmir", "ÐðÝýÞþ"), _has_any("İzmir", "ÐðÝýÞþ")
    (True, False)
    """
    return any(ch in s for ch in chars)


_CP1254_WRONG = "".join(sorted(CP1254_AS_CP1252))
_UTF8_RE = re.compile("|".join(map(re.escape, sorted(UTF8_AS_CP1252, key=len, reverse=True))))


def _byte_chars(first: int, last: int) -> str:
    chars = set()
    for codec in ("latin-1", "cp1252", "cp1254"):
        for byte in range(first, last + 1):
            char = _decoded_as(bytes([byte]), codec)
            if char:
                chars.add(char)
    return "".join(sorted(chars))


#: A UTF-8 lead byte (0xC2-0xF4) and a continuation byte (0x80-0xBF), read as one
#: character each in Latin-1, cp1252 or cp1254.
_LEADS = _byte_chars(0xC2, 0xF4)
_CONTS = _byte_chars(0x80, 0xBF)
_C1 = "".join(map(chr, range(0x80, 0xA0)))
# Text ftfy could change has a C1 control, or a UTF-8 lead byte read as one character
# followed by a continuation byte read as one: looking for that first is ~50x faster
# than asking ftfy about every clean paragraph. The continuation character comes first
# in the pattern so the regex engine scans for it in one tight loop (3x faster than
# trying a lead at every position); the lookbehinds then check what stands before it.
_SUSPECT_RE = re.compile(
    "[" + re.escape(_CONTS) + "](?:(?<=[" + _C1 + "])|(?<=[" + re.escape(_LEADS) + "].))"
)

_WORD_RE = re.compile(r"[^\W\d_]+")
_TR_SUFFIX_RE = re.compile(
    r"[^\W\d_]['’](?:d[ae]n?|t[ae]n?|n?[ıiuü]n|y?[ae]|n[ae]|l[ae]r[ıi]?|[nsy]?[ıiuü]|y[ıiuü]z)"
    r"(?![^\W\d_])"
)
_APOSTROPHE_RE = re.compile("['’]")
_TR_ENDING_RE = re.compile(r"(?:ı|ın|ını|ında|ından|ına|ıyla|ları|ların|lık|lığı|sız|mış|muş|ş)$")
# Icelandic and Faroese spell no word with c, q, w or z; Turkish has c and z everywhere.
_NOT_ICELANDIC_RE = re.compile("[cqwzCQWZ]")
_TR_LETTER_CHARS = "çÇüÜ"
# Letters cp1252 cannot show: text that has one was decoded right, so its ý/þ/ð are real.
_TURKISH_ONLY_RE = re.compile("[ıİşŞğĞ]")
_IS_LETTER_CHARS = "áéíóúÁÉÍÓÚæÆ"
_TR_WORDS = frozenset(_data_lines("turkish_words.txt"))
_IS_WORDS = frozenset(_data_lines("icelandic_words.txt"))


def repair_cp1254(s: str) -> str:
    """Read ý/þ/ð/Ý/Þ/Ð as the Turkish letters their cp1254 bytes are (no questions asked).

    >>> repair_cp1254("Ýzmir'de þiddet")
    "İzmir'de şiddet"
    """
    for wrong, right in CP1254_AS_CP1252.items():
        if wrong in s:
            s = s.replace(wrong, right)
    return s


@lru_cache(maxsize=1 << 16)
def _word_signal(before: str) -> int:
    """The Turkish (+) or Icelandic (-) signal of one word, as it is and after repair_cp1254.

    >>> _word_signal("olaylarý"), _word_signal("Það"), _word_signal("belediye")
    (1, -2, 2)
    """
    score = 0
    after = repair_cp1254(before)
    lowered = turkish_lower(after)
    if lowered in _TR_WORDS:
        score += 2
    elif before != after and (_TR_ENDING_RE.search(lowered) or _NOT_ICELANDIC_RE.search(after)):
        score += 1
    if before.lower() in _IS_WORDS:
        score -= 2
    return score


def turkishness(s: str) -> int:
    """Turkish signals minus Icelandic ones for text whose ý/þ/ð may be cp1254 mojibake.

    >>> turkishness("Ýzmir'de þiddet") > 0, turkishness("Þórður Ýmir í Reykjavík") > 0
    (True, False)
    """
    score = sum(map(s.count, _TR_LETTER_CHARS))
    score -= 2 * sum(map(s.count, _IS_LETTER_CHARS))
    score += 2 * _suffix_count(repair_cp1254(s))
    # The repair maps letters to letters: the words of the repaired text are the
    # repaired words of the text.
    return score + sum(map(_word_signal, _WORD_RE.findall(s)))


def _suffix_count(s: str) -> int:
    """``len(_TR_SUFFIX_RE.findall(s))``, trying the pattern only before an apostrophe.

    >>> _suffix_count("İzmir'de Buca’nın a'da'da"), len(_TR_SUFFIX_RE.findall("a'da'da"))
    (3, 1)
    """
    count = end = 0
    for apostrophe in _APOSTROPHE_RE.finditer(s):
        start = apostrophe.start() - 1
        if start < end:  # the letter before it is part of the last match
            continue
        match = _TR_SUFFIX_RE.match(s, start)
        if match:
            count += 1
            end = match.end()
    return count


def looks_turkish(s: str) -> bool:
    """Whether ý/þ/ð/Ý/Þ/Ð in ``s`` are Turkish letters read in the wrong code page.

    Never when ``s`` already has ı/ş/ğ (a Turkish text that names Þórður is left alone).

    >>> looks_turkish("Belediye daðý aðaçlandýrdý"), looks_turkish("Guðrún býr á Íslandi")
    (True, False)
    >>> looks_turkish("Þórður Guðjohnsen İzmir'de")
    False
    """
    return not _TURKISH_ONLY_RE.search(s) and turkishness(s) > 0


#: Fewer new letters (or marks) beyond Latin Extended-A than this after a "repair" means
#: ftfy misread legit text ("GENÇ“" -> "GENǓ", "Ş°" -> a Thaana sign); real Greek or
#: Cyrillic mojibake has more.
FOREIGN_LETTERS_MIN = 3


def _ftfy(s: str) -> str:
    """ftfy's encoding fix, unless it turns a Turkish letter + punctuation into a foreign letter."""
    import ftfy  # only for suspect text: ftfy and wcwidth take ~10 MB of a process's memory

    fixed = ftfy.fix_encoding(s)
    if fixed != s:
        new = [
            ch
            for ch in set(fixed).difference(s)
            if ch > "\u017f" and unicodedata.category(ch)[0] in "LM"
        ]
        if 0 < sum(map(fixed.count, new)) < FOREIGN_LETTERS_MIN:
            return s
    return fixed


def fix_mojibake(s: str, *, turkish: bool = True) -> str:
    """Repair UTF-8 read as cp1252 (any depth), then Turkish cp1254 read as cp1252.

    The second repair only runs when ``turkish`` and the text reads as Turkish.

    >>> fix_mojibake("Ä°zmir'de Ã‡iÄŸli ÅŸubesi")
    "İzmir'de Çiğli şubesi"
    >>> fix_mojibake("Ýzmir'de þiddet olaylarý")
    "İzmir'de şiddet olayları"
    >>> fix_mojibake("Þórður Ýmir í Reykjavík")
    'Þórður Ýmir í Reykjavík'
    """
    # Every key of UTF8_AS_CP1252 is a lead + continuation pair: without a suspect
    # there is none to repair.
    if _SUSPECT_RE.search(s):
        s = _ftfy(s)
        if turkish and _UTF8_RE.search(s):
            s = _UTF8_RE.sub(lambda m: UTF8_AS_CP1252[m.group(0)], s)
    if not turkish:
        return s
    if _has_any(s, _CP1254_WRONG) and looks_turkish(s):
        s = repair_cp1254(s)
    return s


# --- characters -------------------------------------------------------------------------

# soft hyphen, zero-width (space, non-joiner, joiner, word joiner, BOM), bidi marks
_INVISIBLE = (
    "\u00ad\u200b\u200c\u200d\u2060\ufeff"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_SPACES = (
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
# str.translate with a table costs a dict lookup per character (~100 ns); one
# str.replace per odd character present runs at memory speed, and most text has none.
_ODD_CHARS: dict[str, str] = {**dict.fromkeys(_INVISIBLE, ""), **dict.fromkeys(_SPACES, " ")}
_STRAY_DOT = "i\u0307"
# C0 and C1 control characters but the whitespace ones (tab, newline, CR, VT, FF, the
# separators 0x1C-0x1F, NEL), which collapse_whitespace makes spaces: a page's stray
# bytes, never text (an xlsx export would show "_x0008_"). C1 controls pass through
# fix_mojibake first: they may be UTF-8 read as Latin-1 ("Å\x9f" is "ş").
_CONTROLS = "".join(
    ch for ch in map(chr, (*range(0x20), *range(0x7F, 0xA0))) if not ch.isspace()
)
_ASCII_CONTROLS = _CONTROLS[: _CONTROLS.index("\x7f") + 1]  # C0 and DEL
_CONTROL_RE = re.compile("[" + re.escape(_CONTROLS) + "]")


def normalize_chars(s: str) -> str:
    """NFC; drop zero-width, bidi and soft-hyphen characters and controls; odd spaces ->
    space; i̇ -> i; fullwidth forms and ligatures to plain letters, U+FFFD dropped
    (``text.compat``).

    >>> normalize_chars("bele\u00addiye\u200b\u00a0Şi\u0307şli\u202f“alıntı”")
    'belediye Şişli “alıntı”'
    >>> normalize_chars("ＩＺＭＩＲ ﬁrması\ufffd m² Ｓ\u0327ehir")
    'IZMIR firması m² Şehir'
    >>> normalize_chars("hasadı\x08 \x07Kar\x9dşıyaka\x7f\tson")
    'hasadı Karşıyaka\tson'
    """
    s = fold_compat(s)
    if _CONTROL_RE.search(s):
        s = _CONTROL_RE.sub("", s)
    for odd, replacement in _ODD_CHARS.items():
        if odd in s:
            s = s.replace(odd, replacement)
    if not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    if _STRAY_DOT in s:
        s = s.replace(_STRAY_DOT, "i")
    return s



# --- the fast path ----------------------------------------------------------------------

# Most paragraphs are plain Turkish: ASCII, Turkish letters, typographic punctuation,
# nearly all of it in cp1254. Encoding the text to cp1254 and mapping every byte to a
# class letter with bytes.translate runs at memory speed, and the classes tell which
# steps of the chain could change the text, without running them. The few characters
# cp1254 lacks (₺, emoji, zero-width space) are classified one by one on the way
# (``_stand_in``). Text the classes cannot vouch for takes the whole chain.
_CLS_PLAIN = b"x"  # no step looks at it
_CLS_SPACE = b"s"  # the space
_CLS_OTHER_SPACE = b"W"  # tab, newline, the other whitespace str.split knows
_CLS_LEAD = b"L"  # may be a UTF-8 lead byte read as cp1252 ("Ç", "Ğ", "İ")
_CLS_CONT = b"P"  # may be a continuation byte so read ("’", "“", "–")
_CLS_NBSP = b"N"  # NBSP: normalize_chars makes it a space (also a continuation)
_CLS_SHY = b"H"  # soft hyphen: normalize_chars drops it (also a continuation)
_CLS_DROPPED = b"Z"  # zero-width, bidi, C0 controls, DEL: normalize_chars drops them
_CLS_ODD_SPACE = b"M"  # other odd spaces: normalize_chars makes them spaces
_CLS_TOUCHED = b"U"  # some other step acts on it ("&", "Ý", "Ã", combining marks)
#: The characters of classes N and H.
_NBSP, _SHY = "\u00a0", "\u00ad"
_TOUCHED_CHARS = frozenset(
    "&"
    + _CP1254_WRONG
    + "".join(wrong[0] for wrong in UTF8_AS_CP1252)
    + _STRAY_DOT[1:]
    + _C1
) | COMPAT_CHARS
# Bytes cp1254 leaves undefined: encoding never produces them, so they stand in for
# the characters of classes no cp1254 character has.
_STAND_IN_BYTES = {_CLS_DROPPED: b"\x81", _CLS_ODD_SPACE: b"\x8d"}


def _char_class(ch: str) -> bytes:
    """The class of one character (see ``_CLS_*``): what the chain may do to it.

    >>> b"".join(_char_class(ch) for ch in "a ÇıŞ’\\t\\u00a0\\u00ad\\u200b\\u2009&Ý₺😀Ж\\x08\\x9d")
    b'xsLxLPWNHZMUUxxUZU'
    """
    if ch == _NBSP:
        return _CLS_NBSP
    if ch == _SHY:
        return _CLS_SHY
    if ch in _ASCII_CONTROLS:
        return _CLS_DROPPED
    if ch in _ODD_CHARS:
        if ch in _CONTS or ch in _LEADS:  # none is, but then its class would need a name
            return _CLS_TOUCHED
        return _CLS_ODD_SPACE if _ODD_CHARS[ch] else _CLS_DROPPED
    if (
        ch in _TOUCHED_CHARS
        or (ch in _LEADS and ch in _CONTS)
        or not unicodedata.is_normalized("NFC", ch)
        or unicodedata.combining(ch)
    ):
        return _CLS_TOUCHED
    if ch in _CONTS:
        return _CLS_CONT
    if ch in _LEADS:
        return _CLS_LEAD
    if ch == " ":
        return _CLS_SPACE
    if ch.isspace():
        return _CLS_OTHER_SPACE
    if _decoded_as(ch.encode("cp1254", "replace"), "cp1254") == ch:
        return _CLS_PLAIN  # no two cp1254 characters compose under NFC
    # Outside cp1254, only symbols, punctuation and numbers are known never to be the
    # second half of a composition (tests/test_clean.py checks every code point).
    return _CLS_PLAIN if unicodedata.category(ch)[0] in "SPN" else _CLS_TOUCHED


def _byte_classes() -> bytes:
    """A ``bytes.translate`` table from each cp1254 byte to its character's class.

    >>> table = _byte_classes()
    >>> bytes(table[b] for b in b"a&\\xa0\\xad\\xdd\\x81\\x8d\\x90")
    b'xUNHLZMU'
    """
    table = bytearray(_CLS_TOUCHED * 256)
    for byte in range(256):
        ch = _decoded_as(bytes([byte]), "cp1254")
        if ch is not None:
            table[byte] = _char_class(ch)[0]
    for cls, stand_in in _STAND_IN_BYTES.items():
        table[stand_in[0]] = cls[0]
    return bytes(table)


_CLASSES = _byte_classes()


@lru_cache(maxsize=4096)
def _stand_in(ch: str) -> bytes | None:
    """A byte of the class of ``ch``, a character cp1254 lacks; None if it is touched.

    >>> [_stand_in(ch).translate(_CLASSES) for ch in "₺\\u200b\\u2009"], _stand_in("\\u0307")
    ([b'x', b'Z', b'M'], None)
    """
    cls = _char_class(ch)
    if cls == _CLS_TOUCHED:
        return None
    if cls in _STAND_IN_BYTES:
        return _STAND_IN_BYTES[cls]
    return bytes([_CLASSES.index(cls)])


def _stand_ins(error: UnicodeError) -> tuple[bytes, int]:
    """Codec error handler: stand-in bytes for characters cp1254 lacks, or give up."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for ch in error.object[error.start : error.end]:
        stand_in = _stand_in(ch)
        if stand_in is None:
            raise error
        out.append(stand_in)
    return b"".join(out), error.end


codecs.register_error("newscrawler-classes", _stand_ins)


def _classes(s: str) -> bytes | None:
    """The class of every character of ``s``; None once one is touched outside cp1254.

    >>> _classes("Çiğli’de  yağmur"), _classes("a\\u200b₺"), _classes("Жi")
    (b'LxLxxPxxssxxLxxx', b'xZx', None)
    """
    try:
        return encode_cp1254(s, "newscrawler-classes").translate(_CLASSES)
    except UnicodeEncodeError:
        return None


#: Deleting these classes leaves the ones that need a closer look.
_CLS_UNREMARKABLE = _CLS_PLAIN + _CLS_LEAD + _CLS_CONT + _CLS_SPACE
#: What normalize_chars does, in classes: N and M become spaces, H and Z go.
_CLS_NORMALIZED = bytes.maketrans(_CLS_NBSP + _CLS_ODD_SPACE, _CLS_SPACE + _CLS_SPACE)
_CLS_NORMALIZED_DROP = _CLS_SHY + _CLS_DROPPED


def _clean_plain(s: str) -> str | None:
    """``clean_text(s)`` when only odd characters and whitespace need work, else None.

    That is: no character is one that entities, mojibake repair or NFC act on, and no
    lead is followed by a continuation (NBSP and the soft hyphen are continuations
    too), so ftfy would not be asked, neither now nor once the odd characters are gone.

    >>> _clean_plain("  Çiğli’de\\u00a0yağmu\\u00adr\\u200b ₺ \\n"), _clean_plain("Ç\\u00a0’")
    ('Çiğli’de yağmur ₺', None)
    >>> _clean_plain("Ç\\u200b’"), _clean_plain("&amp;")
    (None, None)
    """
    classes = _classes(s)
    if classes is None or _CLS_LEAD + _CLS_CONT in classes:
        return None
    remarkable = classes.translate(None, _CLS_UNREMARKABLE)
    if remarkable:
        if _CLS_TOUCHED in remarkable:
            return None
        if remarkable.strip(_CLS_OTHER_SPACE):  # odd characters
            if _CLS_LEAD + _CLS_NBSP in classes or _CLS_LEAD + _CLS_SHY in classes:
                return None
            if _CLS_LEAD + _CLS_CONT in classes.translate(_CLS_NORMALIZED, _CLS_NORMALIZED_DROP):
                return None
            if _CLS_DROPPED in remarkable or _CLS_ODD_SPACE in remarkable:
                s = normalize_chars(s)
            else:
                s = s.replace(_SHY, "").replace(_NBSP, " ")
    elif not (
        _CLS_SPACE + _CLS_SPACE in classes
        or classes.startswith(_CLS_SPACE)
        or classes.endswith(_CLS_SPACE)
    ):
        return s
    return collapse_whitespace(s)


def _settled(s: str, turkish: bool) -> bool:
    """Whether one more round of the chain gives back ``s``, the output of a round.

    A round ends in collapse_whitespace, so only the guards of the other steps are asked.

    >>> _settled("İzmir’de yağmur", True), _settled("&\\u200bamp;", True), _settled("&amp;", True)
    (True, False, False)
    """
    if _clean_plain(s) == s:
        return True
    return not (
        ("&" in s and _ENTITY_RE.search(s))
        or _SUSPECT_RE.search(s)
        or (turkish and _has_any(s, _CP1254_WRONG) and looks_turkish(s))
        or _has_any(s, _INVISIBLE + _SPACES)
        or _CONTROL_RE.search(s)
        or not unicodedata.is_normalized("NFC", s)
        or _STRAY_DOT in s
        or has_compat(s)
    )


# --- the chain --------------------------------------------------------------------------


def _clean_once(s: str, turkish: bool) -> str:
    if "&" in s:
        s = unescape_entities(s)
    s = fix_mojibake(s, turkish=turkish)
    return collapse_whitespace(normalize_chars(s))


def clean_text(s: str, *, turkish: bool = True) -> str:
    """Clean one paragraph or title: entities, mojibake, characters, whitespace.

    Idempotent: cleaning clean text changes nothing.

    >>> clean_text("  &amp;#304;zmir'de\u00a0Ã§ok   gÃ¼zel bir gÃ¼n ")
    "İzmir'de çok güzel bir gün"
    >>> clean_text("Ýzmir'de þiddet", turkish=False)
    "Ýzmir'de þiddet"
    """
    plain = _clean_plain(s)
    if plain is not None:  # most paragraphs: no need to run the chain
        return plain
    if "&" in s:
        # A round starts by resolving entities, and resolving them again changes
        # nothing: text that is plain once they are resolved ends as the fast path ends.
        unescaped = unescape_entities(s)
        if unescaped != s:
            plain = _clean_plain(unescaped)
            if plain is not None:
                return plain
    cleaned = _clean_once(s, turkish)
    # A later step can rarely expose work for an earlier one ("&\u200bamp;" becomes an
    # entity once the zero-width space is gone); a few more rounds settle it.
    for _ in range(3):
        if cleaned == s or _settled(cleaned, turkish):
            break
        s, cleaned = cleaned, _clean_once(cleaned, turkish)
    return cleaned


def clean_paragraphs(text: str, *, turkish: bool = True) -> list[str]:
    """Split text on line breaks into cleaned paragraphs, dropping empty ones.

    >>> clean_paragraphs("İlk paragraf.\\n\\n  İkinci\\u00a0paragraf. \\r\\nÜçüncü.")
    ['İlk paragraf.', 'İkinci paragraf.', 'Üçüncü.']
    """
    return [p for p in (clean_text(line, turkish=turkish) for line in text.splitlines()) if p]


def clean_block_text(text: str, *, turkish: bool = True) -> str:
    """Clean a block's text line by line, keeping its line breaks (one ``\\n`` each).

    >>> clean_block_text("Madde 1:\\u00a0su\\n\\n  Madde 2:  elektrik ")
    'Madde 1: su\\nMadde 2: elektrik'
    """
    return "\n".join(clean_paragraphs(text, turkish=turkish))


# --- boilerplate ------------------------------------------------------------------------

_ASCII_FOLD = str.maketrans("çğıöşüâîû", "cgiosuaiu", "'’‘`´ʼ")
# _ASCII_FOLD as replacements: each output is ASCII and no input (see turkish_lower).
_ASCII_FOLD_PAIRS = (*zip("çğıöşüâîû", "cgiosuaiu", strict=True), *((c, "") for c in "'’‘`´ʼ"))
_SEPARATOR = r"[\s|•·/,;:–—-]*"
_LEAD = r"^[^\w+]*"
_TRAIL = r"[\s.,:;!?…»›>→↓|*\-–—]*(?:\(\d+\)|\d+)?[\s.,:;!?…»›>→↓|*\-–—]*$"
#: Lines longer than this are never boilerplate (a real sentence may name Facebook).
BOILERPLATE_MAX_CHARS = 160
#: A phrase ending in " *" (a photo credit) only matches lines up to this length.
CREDIT_MAX_CHARS = 80


def _fold(s: str) -> str:
    """Fold case, Turkish letters and apostrophes for boilerplate matching
    (``turkish_lower(s).translate(_ASCII_FOLD)``, whitespace collapsed)."""
    s = turkish_lower(s)
    for letter, folded in _ASCII_FOLD_PAIRS:
        if letter in s:
            s = s.replace(letter, folded)
    return collapse_whitespace(s)


def _phrase_pattern(phrase: str) -> str:
    return r"\s*".join(re.escape(word) for word in _fold(phrase).split())


@cache
def _boilerplate_res() -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    exact, prefix = [], []
    for line in _data_lines("boilerplate.txt"):
        if line.endswith(" *"):
            prefix.append(_phrase_pattern(line[:-2]))
        else:
            exact.append(_phrase_pattern(line))
    exact.sort(key=len, reverse=True)
    one = "(?:" + "|".join(exact) + r")(?![\w])"
    sequence = re.compile(_LEAD + one + "(?:" + _SEPARATOR + one + ")*" + _TRAIL)
    starts = re.compile(_LEAD + "(?:" + "|".join(prefix) + ")") if prefix else None
    return sequence, starts


def boilerplate_phrases() -> tuple[str, ...]:
    """The phrases of ``data/boilerplate.txt`` (for documentation and tests)."""
    return tuple(_data_lines("boilerplate.txt"))


def is_boilerplate(line: str) -> bool:
    """Whether a whole line is share/app/read-more boilerplate, never article text.

    >>> is_boilerplate("HABERİN DEVAMI »"), is_boilerplate("Google News'te takip edin!")
    (True, True)
    >>> is_boilerplate("Paylaş: Facebook | Twitter | WhatsApp")
    True
    >>> is_boilerplate("Facebook'ta paylaşılan video kısa sürede yayıldı.")
    False
    """
    if len(line) > BOILERPLATE_MAX_CHARS:
        return False
    folded = _fold(line)
    if not folded:
        return False
    sequence, starts = _boilerplate_res()
    if sequence.match(folded):
        return True
    return bool(starts and len(line) <= CREDIT_MAX_CHARS and starts.match(folded))
