"""fold() and case_fold(): one fold for the index and the query, length kept."""

from __future__ import annotations

import sqlite3
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.fold import _FOLD_TABLE, INVISIBLE, case_fold, fold
from archive.query import tokens

# Typical queries and headline words (turkish-text.md, section 1).
FOLDS = [
    ("ışık", "isik"),
    ("IŞIK", "isik"),
    ("Işık", "isik"),
    ("KADINA", "kadina"),
    ("kadına", "kadina"),
    ("Kadına", "kadina"),
    ("İzmir'de", "izmir de"),
    ("İzmir’de", "izmir de"),
    ("ılıca", "ilica"),
    ("ILICA", "ilica"),
    ("Iğdır", "igdir"),
    ("IĞDIR'da", "igdir da"),
    ("Şırnak", "sirnak"),
    ("Karşıyaka-Bornova", "karsiyaka-bornova"),
    ("ÇOCUĞU", "cocugu"),
    ("çocuğu", "cocugu"),
    ("Şehri", "sehri"),
    ("ÖLDÜ", "oldu"),
    ("Kürt", "kurt"),
    ("sınır", "sinir"),
    ("şu", "su"),
    ("Buca'da", "buca da"),
    ("Çiğli‘de", "cigli de"),
    ("Bayraklı`da", "bayrakli da"),
    ("Ankaraʼda", "ankara da"),
    ("Manisa´da", "manisa da"),
    ("kâr", "kar"),
    ("Hâkim", "hakim"),
    ("İSTANBUL", "istanbul"),
    ("KADINA ŞİDDETE HAYIR", "kadina siddete hayir"),
    ("Café Şölen", "cafe solen"),
    ("Mîmar Ûmran", "mimar umran"),
]


@pytest.mark.parametrize(("text", "folded"), FOLDS)
def test_fold_table(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_invisible_characters_keep_length_and_join_the_word_in_the_index() -> None:
    text = "bele\u00addiye bele\u200bdiye"  # soft hyphen, zero-width space
    assert len(fold(text)) == len(text)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    conn.execute("INSERT INTO t VALUES (?)", (fold(text),))
    assert [row[0] for row in conn.execute("SELECT term FROM v")] == ["belediye"]


@pytest.mark.parametrize(
    ("text", "lowered"),
    [
        ("IŞIK", "ışık"),
        ("İzmir'de", "izmir'de"),
        ("ÖLDÜ", "öldü"),
        ("oldu", "oldu"),
        ("KADINA", "kadına"),
        ("Iğdır", "ığdır"),
    ],
)
def test_case_fold_keeps_turkish_letters(text: str, lowered: str) -> None:
    assert case_fold(text) == lowered


def _reference_fold(text: str) -> str:
    """The definition, slowly: NFC, the table, lowercase."""
    return unicodedata.normalize("NFC", text).translate(_FOLD_TABLE).lower()


@given(st.text())
def test_fold_keeps_length_of_nfc_text(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    assert len(fold(text)) == len(nfc)
    assert len(case_fold(text)) == len(nfc)


@given(st.text())
def test_fast_fold_is_the_reference_fold(text: str) -> None:
    assert fold(text) == _reference_fold(text)


@given(st.text())
def test_fold_is_idempotent_without_invisible_characters(text: str) -> None:
    # An invisible character folds to a combining mark that NFC may compose with an h.
    text = "".join(ch for ch in text if ch not in INVISIBLE)
    assert fold(fold(text)) == fold(text)


TURKISH = st.text(
    alphabet="abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZâîû0129 '’-.,\n"
    "\u00ad\u200b\u0301\u0305_é²",
    max_size=80,
)


@given(TURKISH)
def test_python_tokens_are_the_fts_tokens(text: str) -> None:
    """Highlighting finds matches in Python: its tokens must be the index's tokens."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    conn.execute("INSERT INTO t VALUES (?)", (fold(text),))
    indexed = [row[0] for row in conn.execute("SELECT term FROM v ORDER BY offset")]
    assert indexed == [token for _, _, token in tokens(text)]


CP1254_CHARS = [bytes([b]).decode("cp1254") for b in range(256)
                if b not in (0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E)]


@given(st.text(alphabet=CP1254_CHARS))
def test_cp1254_fast_fold_is_the_reference_fold(text: str) -> None:
    """Turkish text is cp1254 text: the byte-table path must fold it like the definition."""
    assert fold(text) == _reference_fold(text)
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("“ÇİĞLİ’DE” – Şölen… Œuvre Ÿ", "“cigli de” – solen… œuvre y"),
        ("bele\u00addiye", "bele\u032ediye"),  # the soft hyphen takes the general path
        ("Fiyat 49,90 ₺", "fiyat 49,90 ₺"),  # outside cp1254: the general path
        ("", ""),
    ],
)
def test_fold_on_and_off_the_fast_path(text: str, folded: str) -> None:
    assert fold(text) == folded == _reference_fold(text)
