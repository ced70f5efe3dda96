"""Query-side expansion of a Turkish word into its common inflected forms.

The index is never stemmed (stemmers turn ``Buca'da`` into ``bu`` and fail on words typed
without Turkish letters). Instead each query word becomes ~40-70 exact forms: the plural,
possessive and case suffixes and their usual chains, built with vowel harmony, consonant
softening, buffer consonants and a short list of stems that drop or double a letter.
The forms are exact FTS tokens, not prefixes, so ``su`` never finds ``Suriye``.

Known misses: verbs, and irregular words outside the stem lists below; users can still
type ``kelime*`` for a prefix search.
"""

from __future__ import annotations

import functools
import marshal
import os
import sys
import unicodedata
import zlib

from archive.fold import case_fold, fold

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "ASCII_READINGS",
    "COMPOUNDS",
    "HOMOGRAPHS",
    "LOOKALIKES",
    "MIN_LENGTH",
    "NOT_INFLECTED",
    "PRONOUNS",
    "SOFTENING_MONOSYLLABLES",
    "VOWEL_STEMS",
    "Y_STEMS",
    "expand",
    "inflections",
    "intended",
    "stems",
]

#: Words shorter than this are not expanded. Two-letter words (``su``, ``ev``, ``ay``)
#: are: their forms are whole words, never prefixes, so ``su`` still misses ``Suriye``.
MIN_LENGTH = 2


#: The word lists the expansion uses (edit this file to change them). A string, not a
#: ``Path``: a search does not import ``pathlib`` (~2.5 ms of its start, issue 11).
WORDS_FILE = os.path.join(os.path.dirname(__file__), "data", "search_words.toml")


def _load_words(source: str | os.PathLike[str] = WORDS_FILE) -> dict[str, Any]:
    """The word lists of ``source``, parsed once per version of the file.

    The parsed lists are kept (``marshal``, as Python keeps bytecode) in ``__pycache__``
    beside it, named by the file's CRC-32 and length and the interpreter: importing
    ``tomllib`` and parsing cost ~3 ms of every search's start, reading the copy 0.1 ms
    (and ``marshal``, built in, spares a search importing ``json``, ~1 ms). A folder
    that cannot be written only means parsing each time.
    """
    with open(source, "rb") as fh:
        raw = fh.read()
    folder, name = os.path.split(os.fspath(source))
    stem = os.path.splitext(name)[0]
    kept = os.path.join(folder, "__pycache__")
    tag = sys.implementation.cache_tag
    cache = os.path.join(kept, f"{stem}.{zlib.crc32(raw):08x}-{len(raw)}.{tag}.marshal")
    try:
        with open(cache, "rb") as fh:
            copy = marshal.loads(fh.read())
        if isinstance(copy, dict):
            return copy
    except (OSError, ValueError, EOFError, TypeError):
        pass
    import tomllib

    words: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    try:
        os.makedirs(kept, exist_ok=True)
        partial = f"{cache}.{os.getpid()}"
        with open(partial, "wb") as fh:
            fh.write(marshal.dumps(words))
        os.replace(partial, cache)  # whole or absent for a reader
    except OSError:
        pass
    return words


_WORDS = _load_words()

#: Words whose possessive and genitive take a ``y`` (``su`` -> ``suyu``, ``suyun``).
Y_STEMS = frozenset(_WORDS["y_stems"])

#: Compounds ending in a possessive ``-(s)I``: the plural goes inside
#: (``milletvekili`` -> ``milletvekilleri``), case endings take a pronominal ``n``.
COMPOUNDS = frozenset(_WORDS["compounds"])

#: Forms left out of a word's expansion because they nearly always are another word:
#: ``ile`` (with) is not ``il`` + dative, ``için`` (for) is not ``iç`` + genitive.
HOMOGRAPHS: dict[str, frozenset[str]] = {
    word: frozenset(forms) for word, forms in _WORDS["homographs"].items()
}

#: Words searched as typed, never inflected: conjunctions and particles (``ya`` does
#: not find ``yaya`` or ``yaşında``).
NOT_INFLECTED = frozenset(_WORDS["not_inflected"])

#: Pronouns and the stem of their case forms (``bu`` -> ``bunu``, ``o`` -> ``onun``).
PRONOUNS: dict[str, str] = dict(_WORDS["pronouns"])

#: One-syllable words that soften before a vowel (``uç`` -> ``ucu``, ``dip`` -> ``dibi``);
#: other one-syllable words keep their consonant (``at`` -> ``atı``, ``ok`` -> ``oku``).
SOFTENING_MONOSYLLABLES = frozenset(_WORDS["softening_monosyllables"])

_VOWELS = frozenset("aeıioöuüâîû")
_FRONT = frozenset("eiöüî")
_VOICELESS = frozenset("fstkçşhp")
# Letters that show the word was typed with a Turkish keyboard (ASCII "I" does not:
# IZMIR is izmir, ISIK is ışık).
_TURKISH_TYPED = frozenset("çğıöşüâîûÇĞİÖŞÜÂÎÛ")

#: Stems that change before a vowel-initial suffix: a dropped vowel (``şehir`` ->
#: ``şehri``) or a doubled consonant (``hak`` -> ``hakkı``).
VOWEL_STEMS: dict[str, str] = dict(_WORDS["vowel_stems"])

_ASCII_VOWEL_STEMS = {fold(word): fold(stem) for word, stem in VOWEL_STEMS.items()}
_HOMOGRAPH_KEYS = {fold(word): word for word in HOMOGRAPHS}
_COMPOUND_STEMS = {fold(word): word for word in COMPOUNDS}
_ASCII_SOFTENING = frozenset(fold(word) for word in SOFTENING_MONOSYLLABLES)

#: What a short or ambiguous word typed without Turkish letters stands for, when its
#: folded form is also a frequent different word (``cin`` is mostly *Çin*, ``is`` *iş*).
#: Words not listed are expanded for both spellings they may stand for.
ASCII_READINGS: dict[str, str] = dict(_WORDS["ascii_readings"])

#: Folded words that folding merges with a frequent different word (``su``/``şu``,
#: ``cin``/``çin``, ``isim``/``işim``): a match of one of their forms counts only when
#: its letters in the article agree with the typed (or ``ASCII_READINGS``) word.
LOOKALIKES = frozenset(_WORDS["lookalikes"])

# Loanwords whose suffixes take front vowels although the last vowel is back
# (``saat`` -> ``saate``, ``gol`` -> ``golü``).
_FRONT_EXCEPTIONS = frozenset(_WORDS["front_harmony"])
_FRONT_EXCEPTIONS |= frozenset(fold(word) for word in _FRONT_EXCEPTIONS)

_SOFTEN = {"k": "ğ", "p": "b", "t": "d", "ç": "c"}

# Suffix templates: A = e/a, I = ı/i/u/ü (vowel harmony), D = d/t (t after a voiceless
# consonant); "(y)", "(n)", "(s)" are buffer consonants used after a vowel only, "(I)" is
# a vowel used after a consonant only.
_CASES = ("", "DA", "DAn", "(y)A", "(y)I", "(n)In", "(y)lA", "DAki")
# Case endings after a third-person possessive (pronominal n: belediyesi-n-de).
_PRONOMINAL = ("", "nDA", "nDAn", "nA", "nI", "nIn", "ylA", "nDAki")
_CHAINS: tuple[str, ...] = (
    *_CASES,  # belediye, belediyede, belediyeye, belediyenin...
    *("lAr" + c for c in _CASES),  # belediyeler, belediyelerde...
    *("(s)I" + c for c in _PRONOMINAL),  # belediyesi, belediyesinin, şehri, çocuğu...
    *("lArI" + c for c in _PRONOMINAL),  # belediyeleri, belediyelerinin...
    *("(I)mIz" + c for c in ("", "DA", "DAn", "(y)A", "(y)I", "(n)In", "DAki", "lA")),
    *("lArImIz" + c for c in ("", "DA", "DAn", "(y)A", "(y)I", "(n)In", "DAki", "lA")),
    "lI", "lIlAr",
)  # fmt: skip


def _last_vowel(s: str) -> str | None:
    for ch in reversed(s):
        if ch in _VOWELS:
            return ch
    return None


def _attach(form: str, template: str) -> str:
    """Attach one suffix template to ``form`` (harmony from the form so far)."""
    out = form
    i = 0
    while i < len(template):
        if template[i] == "(":
            close = template.index(")", i)
            inner = template[i + 1 : close]
            i = close + 1
            ends_in_vowel = out[-1] in _VOWELS
            if inner == "I":
                if ends_in_vowel:
                    continue
            elif not ends_in_vowel:
                continue
            unit = inner
        else:
            unit = template[i]
            i += 1
        for ch in unit:
            if ch == "A":
                vowel = _last_vowel(out) or "e"
                out += "e" if vowel in _FRONT else "a"
            elif ch == "I":
                vowel = _last_vowel(out) or "e"
                out += {"e": "i", "i": "i", "î": "i", "ö": "ü", "ü": "ü", "o": "u", "u": "u"}.get(
                    vowel, "u" if vowel == "û" else "ı"
                )
            elif ch == "D":
                out += "t" if out[-1] in _VOICELESS else "d"
            else:
                out += ch
    return out


def _starts_with_vowel(template: str) -> bool:
    """Whether the template, attached to a consonant-final stem, begins with a vowel."""
    if template.startswith("(I)"):
        return True
    if template.startswith("("):  # a buffer consonant, not used after a consonant
        template = template[template.index(")") + 1 :]
    return template[:1] in ("A", "I")


def _vowel_stems(word: str) -> list[str]:
    """Stems used before a vowel-initial suffix (softened, dropped or doubled)."""
    if word in VOWEL_STEMS:
        return [VOWEL_STEMS[word]]
    if word in _ASCII_VOWEL_STEMS:  # typed without Turkish letters: sehir -> sehri
        return [_ASCII_VOWEL_STEMS[word]]
    last, before = word[-1], word[-2]
    listed = word in SOFTENING_MONOSYLLABLES or (
        word.isascii() and word in _ASCII_SOFTENING  # typed without Turkish letters: guc
    )
    if not listed and sum(ch in _VOWELS for ch in word) < 2:
        return [word]  # one syllable: at-ı, ot-u, ek-i, iç-i (uç-u-cu is listed)
    if word.endswith("nk"):
        soft = word[:-1] + "g"  # renk -> rengi, ahenk -> ahengi
    elif last in _SOFTEN and (before in _VOWELS or (before in "rl" and last in "tp")):
        soft = word[:-1] + _SOFTEN[last]  # çocuğu, kitabı, yurdu, kalbi
    else:
        return [word]  # Türk-ü, kent-i (not kendi), park-ı
    # A listed word surely softens; a longer one may not (millet-i, saat-i): both.
    return [soft] if listed else [word, soft]


def _frontify(stem: str) -> str:
    """The stem with its last vowel made front, for harmony exceptions."""
    for i in range(len(stem) - 1, -1, -1):
        if stem[i] in _VOWELS:
            swap = {"a": "e", "ı": "i", "o": "ö", "u": "ü", "â": "e", "û": "ü"}
            return stem[:i] + swap.get(stem[i], stem[i]) + stem[i + 1 :]
    return stem


def _compound(word: str) -> list[str]:
    """Forms of a compound ending in a possessive: milletvekil-i-nin, milletvekil-ler-i."""
    stem = word[:-1] if word[-2] not in _VOWELS else word[:-2]  # milletvekil-i, -s-i
    forms = [_attach(word, ending) for ending in _PRONOMINAL]
    forms += [_attach(_attach(stem, "lArI"), ending) for ending in _PRONOMINAL]
    forms += [_attach(stem, "lAr" + c) for c in _CASES]
    return forms


def _y_stem(word: str, template: str) -> tuple[str, str] | None:
    """``su`` + a possessive or genitive: the stem ``suy`` and the rest of the template."""
    for start, vowel_part in (("(s)I", "I"), ("(n)In", "In"), ("(I)mIz", "ImIz")):
        if template.startswith(start):
            return word + "y", vowel_part + template[len(start) :]
    return None


def _pronoun(word: str, stem: str) -> list[str]:
    """Case forms of a pronoun: bu, bunu, buna, bunun, bunda, bunlar, bununla..."""
    forms = [word]
    forms += [_attach(stem, case) for case in _CASES[1:]]
    forms += [_attach(stem, "lAr" + case) for case in _CASES]
    forms.append(_attach(_attach(stem, "In"), "lA"))
    return forms


def _generate(word: str) -> list[str]:
    front = word in _FRONT_EXCEPTIONS
    forms: list[str] = []
    if word in COMPOUNDS:
        return [word, *_compound(word)]
    if word in PRONOUNS:
        return _pronoun(word, PRONOUNS[word])
    for template in _CHAINS:
        if word in Y_STEMS:
            y = _y_stem(word, template)
            if y is not None:
                forms.append(_attach(*y))
                continue
        vowel_first = word[-1] not in _VOWELS and _starts_with_vowel(template)
        stems = _vowel_stems(word) if vowel_first else [word]
        for stem in stems:
            if front:
                # Harmony from a front-vowel stand-in of the same length, then the real stem.
                form = stem + _attach(_frontify(stem), template)[len(stem) :]
            else:
                form = _attach(stem, template)
            forms.append(form)
    return forms


def _spellings(word: str, typed_turkish: bool) -> list[str]:
    """The word, plus its twin spelling when it was typed in ASCII and harmony is unsure.

    ``isik`` may be ``ışık`` (ışıkta) or ``işik``; ``olum`` may be ``ölüm`` (ölüme);
    ``IZMIR`` lowercases to ``ızmır`` but is ``izmir`` (izmirde).
    """
    if typed_turkish:
        return [word]
    spellings = [word]
    for i in range(len(word) - 1, -1, -1):
        if word[i] in _VOWELS:
            twin = {"i": "ı", "ı": "i", "o": "ö", "u": "ü"}.get(word[i])
            if twin:
                spellings.append(word[:i] + twin + word[i + 1 :])
            break
    if word.endswith("c"):  # ağaç typed agac: ağaçta, not ağacda
        spellings += [s[:-1] + "ç" for s in spellings]
    return spellings


def _expandable(word: str) -> bool:
    return (
        len(word) >= MIN_LENGTH
        and all(ch.isalpha() for ch in word)
        and _last_vowel(word) is not None
    )


def intended(word: str) -> tuple[str, bool]:
    """The Turkish word a typed word stands for (lowercase), and whether it is sure.

    Sure when typed with Turkish letters, when its ASCII form is in ``ASCII_READINGS``
    or ``COMPOUNDS``, or for a two-letter word (no twin spelling is tried).

    >>> intended("CIN"), intended("İŞ"), intended("isik"), intended("cumhurbaskani")
    (('çin', True), ('iş', True), ('isik', False), ('cumhurbaşkanı', True))
    """
    typed = unicodedata.normalize("NFC", word)
    base = case_fold(typed)
    if any(ch in _TURKISH_TYPED for ch in typed):
        return base, True
    key = fold(base)
    reading = ASCII_READINGS.get(key) or _COMPOUND_STEMS.get(key)
    if reading:
        return reading, True
    return (key, True) if len(key) <= 2 else (base, False)


def inflections(word: str) -> list[str]:
    """Inflected forms of ``word`` in Turkish letters (lowercase), the word first.

    Words of one letter, with digits or other non-letters, or without a vowel
    (``CHP``) are returned alone. A word typed without Turkish letters is read as
    ``intended`` says.

    >>> forms = inflections("Çocuk")
    >>> forms[0], "çocuğu" in forms, "çocuklarına" in forms, "çocukta" in forms
    ('çocuk', True, True, True)
    >>> [f for f in inflections("şehir") if f.startswith("şehr")][:4]
    ['şehre', 'şehri', 'şehrin', 'şehrinde']
    >>> [f for f in inflections("su") if f.startswith("suy")][:4]
    ['suya', 'suyu', 'suyun', 'suyla']
    >>> inflections("CHP")
    ['chp']
    """
    typed = unicodedata.normalize("NFC", word)
    base = case_fold(typed)
    if not _expandable(base):
        return [base]
    base, typed_turkish = intended(typed)
    if base in NOT_INFLECTED:
        return [base]
    seen: dict[str, None] = {base: None}
    for spelling in _spellings(base, typed_turkish):
        for form in _generate(spelling):
            seen.setdefault(form, None)
    if base in PRONOUNS:
        return list(seen)
    left_out = _left_out(base)
    return [form for form in seen if form == base or not _is_left_out(form, left_out)]


def _left_out(base: str) -> frozenset[str]:
    """The word's ``HOMOGRAPHS`` (by its ASCII form when typed without Turkish letters)."""
    homographs = HOMOGRAPHS.get(base)
    if homographs is None and not any(ch in _TURKISH_TYPED for ch in base):
        homographs = HOMOGRAPHS.get(_HOMOGRAPH_KEYS.get(base, ""))  # hakkinda, icin
    return homographs or frozenset()


def _is_left_out(form: str, left_out: frozenset[str]) -> bool:
    """Whether ``form`` is another word: one of ``left_out`` or a pronoun's form (``onu``,
    ``onların``). A form without Turkish letters stands for any spelling (``icin`` is
    ``için``), one with them only for itself (``önü`` is not ``onu``)."""
    if form in left_out or form in _PRONOUN_FORMS or form.startswith(_PRONOUN_PLURALS):
        return True
    return not any(ch in _TURKISH_TYPED for ch in form) and form in _folded(left_out)


@functools.lru_cache(maxsize=256)
def _folded(words: frozenset[str]) -> frozenset[str]:
    return frozenset(fold(word) for word in words)


def expand(word: str) -> list[str]:
    """Folded inflected forms of ``word`` for the index, the folded word first.

    >>> forms = expand("belediye")
    >>> forms[0], "belediyesinin" in forms, "belediyelerinin" in forms
    ('belediye', True, True)
    >>> all(f in expand("kadın") for f in ["kadinlar", "kadina", "kadinin"])
    True
    >>> "isigi" in expand("ışık") and "isikta" in expand("ISIK")
    True
    >>> "suyu" in expand("su") and "suriye" not in expand("su"), expand("2025")
    (True, ['2025'])
    """
    return list(_expand(word))


@functools.lru_cache(maxsize=4096)
def _expand(word: str) -> tuple[str, ...]:
    # Cached: building the forms takes 0.5-2 ms a word (up to 90 forms, each folded),
    # more than the index lookups of a rare word, and a search expands each word twice
    # (the MATCH and the snippet highlighter).
    seen: dict[str, None] = {}
    for form in inflections(word):
        seen.setdefault(fold(form), None)
    return tuple(seen)


def stems(word: str) -> list[str]:
    """The word and the stems its inflections start with, in Turkish letters.

    Used to tell ``çocuğu`` (typed letters) from ``cocugu`` when ranking.

    >>> stems("Çocuk"), stems("şehir"), stems("su")
    (['çocuk', 'çocuğ'], ['şehir', 'şehr'], ['su'])
    """
    base = case_fold(unicodedata.normalize("NFC", word))
    if not _expandable(base):
        return [base]
    found = [base]
    for stem in _vowel_stems(base):
        if stem not in found:
            found.append(stem)
    return found


#: Case forms of the pronouns (``onu``, ``onun``, ``bunlar``): never forms of another
#: word, so ``on`` (ten) does not find ``onu``.
_PRONOUN_FORMS = frozenset(form for word, stem in PRONOUNS.items() for form in _pronoun(word, stem))
_PRONOUN_PLURALS = tuple(_attach(stem, "lAr") for stem in PRONOUNS.values())
