"""Clean one paragraph or title of Turkish news text.

The chain (``clean_text``): HTML entities left over -> mojibake -> Unicode normalization
-> whitespace. Every step leaves legitimate text as it is: typographic quotes stay curly,
Icelandic stays Icelandic, ``Café`` stays ``Café``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache
from importlib.resources import files

import ftfy

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

_TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})


def turkish_lower(s: str) -> str:
    """Lowercase the Turkish way (I -> ı, İ -> i).

    >>> turkish_lower("IĞDIR'da İZMİR Işık")
    "ığdır'da izmir ışık"
    """
    return s.translate(_TR_LOWER).lower()


def turkish_upper(s: str) -> str:
    """Uppercase the Turkish way (i -> İ, ı -> I).

    >>> turkish_upper("istanbul'da ışık")
    "İSTANBUL'DA IŞIK"
    """
    return s.translate(_TR_UPPER).upper()


# --- entities ---------------------------------------------------------------------------

# Only complete references with a semicolon: "&para=1" in a URL must stay as it is.
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _unescape_one(match: re.Match[str]) -> str:
    return html.unescape(match.group(0))


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

_CP1254_RE = re.compile("[" + "".join(sorted(CP1254_AS_CP1252)) + "]")
_UTF8_RE = re.compile("|".join(map(re.escape, sorted(UTF8_AS_CP1252, key=len, reverse=True))))


def _byte_chars(first: int, last: int) -> str:
    chars = set()
    for codec in ("latin-1", "cp1252", "cp1254"):
        for byte in range(first, last + 1):
            char = _decoded_as(bytes([byte]), codec)
            if char:
                chars.add(char)
    return "".join(sorted(chars))


# Text ftfy could change has a C1 control, or a UTF-8 lead byte read as one character
# followed by a continuation byte read as one: looking for that first is ~50x faster
# than asking ftfy about every clean paragraph.
_SUSPECT_RE = re.compile(
    "[\x80-\x9f]|["
    + re.escape(_byte_chars(0xC2, 0xF4))
    + "]["
    + re.escape(_byte_chars(0x80, 0xBF))
    + "]"
)

_WORD_RE = re.compile(r"[^\W\d_]+")
_TR_SUFFIX_RE = re.compile(
    r"[^\W\d_]['’](?:d[ae]n?|t[ae]n?|n?[ıiuü]n|y?[ae]|n[ae]|l[ae]r[ıi]?|[nsy]?[ıiuü]|y[ıiuü]z)"
    r"(?![^\W\d_])"
)
_TR_ENDING_RE = re.compile(r"(?:ı|ın|ını|ında|ından|ına|ıyla|ları|ların|lık|lığı|sız|mış|muş|ş)$")
# Icelandic and Faroese spell no word with c, q, w or z; Turkish has c and z everywhere.
_NOT_ICELANDIC_RE = re.compile("[cqwzCQWZ]")
_TR_LETTER_CHARS = frozenset("çÇüÜ")
# Letters cp1252 cannot show: text that has one was decoded right, so its ý/þ/ð are real.
_TURKISH_ONLY_RE = re.compile("[ıİşŞğĞ]")
_IS_LETTER_CHARS = frozenset("áéíóúÁÉÍÓÚæÆ")
_TR_WORDS = frozenset(_data_lines("turkish_words.txt"))
_IS_WORDS = frozenset(_data_lines("icelandic_words.txt"))


def turkishness(s: str) -> int:
    """Turkish signals minus Icelandic ones for text whose ý/þ/ð may be cp1254 mojibake.

    >>> turkishness("Ýzmir'de þiddet") > 0, turkishness("Þórður Ýmir í Reykjavík") > 0
    (True, False)
    """
    repaired = _CP1254_RE.sub(lambda m: CP1254_AS_CP1252[m.group(0)], s)
    score = sum(1 for ch in s if ch in _TR_LETTER_CHARS)
    score -= 2 * sum(1 for ch in s if ch in _IS_LETTER_CHARS)
    score += 2 * len(_TR_SUFFIX_RE.findall(repaired))
    for before, after in zip(_WORD_RE.findall(s), _WORD_RE.findall(repaired), strict=True):
        lowered = turkish_lower(after)
        if lowered in _TR_WORDS:
            score += 2
        elif before != after and (_TR_ENDING_RE.search(lowered) or _NOT_ICELANDIC_RE.search(after)):
            score += 1
        if before.lower() in _IS_WORDS:
            score -= 2
    return score


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
    fixed = ftfy.fix_encoding(s)
    if fixed != s:
        before = set(s)
        foreign = [
            ch
            for ch in fixed
            if ch > "\u017f" and unicodedata.category(ch)[0] in "LM" and ch not in before
        ]
        if 0 < len(foreign) < FOREIGN_LETTERS_MIN:
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
    if _SUSPECT_RE.search(s):
        s = _ftfy(s)
    if not turkish:
        return s
    if _UTF8_RE.search(s):
        s = _UTF8_RE.sub(lambda m: UTF8_AS_CP1252[m.group(0)], s)
    if _CP1254_RE.search(s) and looks_turkish(s):
        s = _CP1254_RE.sub(lambda m: CP1254_AS_CP1252[m.group(0)], s)
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
_CHAR_TABLE = str.maketrans({**dict.fromkeys(_INVISIBLE), **dict.fromkeys(_SPACES, " ")})
# str.translate walks every character in Python-level lookups; finding out first whether
# there is anything to translate is ~10x faster on clean text.
_ODD_CHAR_RE = re.compile("[" + _INVISIBLE + _SPACES + "]")
_STRAY_DOT = "i\u0307"


def normalize_chars(s: str) -> str:
    """NFC; drop zero-width, bidi and soft-hyphen characters; odd spaces -> space; i̇ -> i.

    >>> normalize_chars("bele\u00addiye\u200b\u00a0Şi\u0307şli\u202f“alıntı”")
    'belediye Şişli “alıntı”'
    """
    if _ODD_CHAR_RE.search(s):
        s = s.translate(_CHAR_TABLE)
    if not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    if _STRAY_DOT in s:
        s = s.replace(_STRAY_DOT, "i")
    return s


def collapse_whitespace(s: str) -> str:
    """Collapse runs of whitespace into one space and strip the ends.

    >>> collapse_whitespace("  İzmir'de \\t yağmur\\n etkili  ")
    "İzmir'de yağmur etkili"
    """
    return " ".join(s.split())


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
    cleaned = _clean_once(s, turkish)
    # A later step can rarely expose work for an earlier one ("&\u200bamp;" becomes an
    # entity once the zero-width space is gone); a few more rounds settle it.
    for _ in range(3):
        if cleaned == s:
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
_SEPARATOR = r"[\s|•·/,;:–—-]*"
_LEAD = r"^[^\w+]*"
_TRAIL = r"[\s.,:;!?…»›>→↓|*\-–—]*(?:\(\d+\)|\d+)?[\s.,:;!?…»›>→↓|*\-–—]*$"
#: Lines longer than this are never boilerplate (a real sentence may name Facebook).
BOILERPLATE_MAX_CHARS = 160
#: A phrase ending in " *" (a photo credit) only matches lines up to this length.
CREDIT_MAX_CHARS = 80


def _fold(s: str) -> str:
    """Fold case, Turkish letters and apostrophes for boilerplate matching."""
    return collapse_whitespace(turkish_lower(s).translate(_ASCII_FOLD))


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
