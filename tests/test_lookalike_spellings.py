"""``agrees`` finds the stems by their spellings instead of lowering the whole text: the
same answer as lowering it (the reference below), on generated texts."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import lookalike
from archive.lookalike import _READ_AS, Check, _written, agrees, checks
from archive.query import parse_query

QUERIES = ["su", "şu", "göl", "öldü", "çin", "Çİn", "isim", "kürt", "şiş", "ön"]


def _reference(text: str, check: Check) -> bool:
    """``agrees`` as it was: the whole text lowered when the lowercase stems are not in it."""
    spaced = " " + text
    if any(start in spaced for start in check.on_sight):
        return True
    if any(_written(text, stem, check.forms) for stem in check.lowercase):
        return True
    if not any(letter in text for letter in "çğıöşüÇĞİÖŞÜ"):
        return True
    low = text.replace("İ", "i").lower().replace("ı", "i")
    return any(_written(low, stem, check.forms) for stem in check.stems)


def test_read_as_lists_every_character_that_lowers_to_each_letter() -> None:
    lowered: dict[str, set[str]] = {letter: set() for letter in _READ_AS}
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        low = ch.replace("İ", "i").lower().replace("ı", "i")
        if low in lowered:
            lowered[low].add(ch)
    assert {letter: set(chars) for letter, chars in _READ_AS.items()} == lowered


def test_only_dotted_capital_i_lowers_to_two_characters() -> None:
    longer = [c for c in range(sys.maxunicode + 1) if len(chr(c).lower()) != 1]
    assert longer == [0x130]


_CHECKS = [c for q in QUERIES for c in checks(parse_query(q))]
# Letters of the stems in every case, look-alike letters, and characters that lower
# oddly (capital sigma, Kelvin sign, dotted/dotless i, a combining dot), word breaks.
_ALPHABET = "suşŞSUgGölÖLdDüÜçÇcCiIİınNmMkKKrRtTaeyâ\u03a3\u03c3\u0307 '’.,\n-_1"
_PIECES = st.sampled_from(
    [c for check in _CHECKS for c in (*(check.spellings or ()), *check.stems)]
    + ["suyu", "ŞU", "SUYU", "Su'yu", "ÖLDÜ", "GÖLE", "ÇİN'DE", "çını", "İSİM", "KÜRT"]
)
_TEXTS = st.lists(st.one_of(st.text(_ALPHABET, max_size=6), _PIECES), max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(text=_TEXTS)
def test_agrees_gives_the_answer_of_lowering_the_text(text: str) -> None:
    for check in _CHECKS:
        assert agrees(text, check) == _reference(text, check), (text, check.stems)


@pytest.mark.parametrize("text", ["ÇΣİN yok ş", "şu ÖLDÜ", "x" * 70 + " " + "Ö" + "L" * 80])
def test_agrees_on_texts_with_long_words_and_sigma(text: str) -> None:
    for check in _CHECKS:
        assert agrees(text, check) == _reference(text, check)


def test_spellings_are_only_given_for_letters_of_the_table() -> None:
    assert lookalike.SPELLINGS_LIMIT >= 16
    (su,) = checks(parse_query("su"))
    assert su.spellings == ("su", "sU", "Su", "SU")
    assert Check(frozenset({"kar"}), ("kâr",)).spellings is None
