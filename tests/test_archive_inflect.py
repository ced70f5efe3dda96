"""Query-side inflection: a word becomes its common inflected forms, folded."""

from __future__ import annotations

import pytest

from archive.fold import fold
from archive.inflect import expand, inflections, stems

# (typed word, a form that must be among its expansions)
FOUND = [
    ("belediye", "belediyesinin"),
    ("belediye", "belediyelerinin"),
    ("belediye", "belediyeye"),
    ("belediye", "belediyemizin"),
    ("Belediye", "belediyesi"),
    ("çocuk", "çocuğu"),
    ("çocuk", "çocuklarına"),
    ("çocuk", "çocuğun"),
    ("cocuk", "çocuğu"),
    ("ÇOCUK", "çocukları"),
    ("şehir", "şehri"),
    ("şehir", "şehrin"),
    ("şehir", "şehirde"),
    ("sehir", "şehrinde"),
    ("kadın", "kadınlar"),
    ("kadın", "kadına"),
    ("KADIN", "kadınların"),
    ("ışık", "ışığı"),
    ("ışık", "ışıkta"),
    ("ISIK", "ışıkta"),
    ("isik", "ışığı"),
    ("kitap", "kitabı"),
    ("kitap", "kitapta"),
    ("renk", "rengi"),
    ("hak", "hakkı"),
    ("saat", "saate"),
    ("gol", "golü"),
    ("Türk", "Türkü"),
    ("kent", "kentte"),
    ("ağaç", "ağacı"),
    ("agac", "ağaçta"),
    ("yurt", "yurdu"),
    ("kalp", "kalbi"),
    ("vakit", "vakti"),
    ("ağız", "ağzı"),
    ("oğul", "oğlu"),
    ("isim", "ismi"),
    ("resim", "resmi"),
    ("akıl", "aklı"),
    ("burun", "burnu"),
    ("İzmir", "İzmirli"),
    ("İzmir", "izmirdeki"),
    ("IZMIR", "izmirde"),
    ("mahalle", "mahallesinde"),
    ("ilçe", "ilçemizde"),
]


@pytest.mark.parametrize(("word", "form"), FOUND)
def test_expansion_contains_form(word: str, form: str) -> None:
    assert fold(form) in expand(word)


@pytest.mark.parametrize(
    ("word", "stranger"),
    [
        ("kent", "kendimiz"),  # no t -> d after n: kendi is another word
        ("kent", "kendini"),
        ("su", "suriye"),
        ("ev", "evet"),
        ("Türk", "türkce"),
    ],
)
def test_expansion_avoids_false_friends(word: str, stranger: str) -> None:
    assert fold(stranger) not in expand(word)


@pytest.mark.parametrize(
    ("word", "alone"),
    [
        ("su", "su"),
        ("ev", "ev"),
        ("2025", "2025"),
        ("F16", "f16"),
        ("CHP", "chp"),
        ("abc1", "abc1"),
    ],
)
def test_short_words_numbers_and_acronyms_are_not_expanded(word: str, alone: str) -> None:
    assert expand(word) == [alone]
    assert inflections(word) == [alone]


@pytest.mark.parametrize("word", ["belediye", "kadın", "çocuk", "şehir", "ışık", "İzmir", "öldü"])
def test_turkish_typed_words_get_20_to_60_forms_word_first(word: str) -> None:
    forms = expand(word)
    assert forms[0] == fold(word)
    assert 20 <= len(forms) <= 60
    assert len(set(forms)) == len(forms)
    assert all(" " not in f and f == fold(f) for f in forms)


@pytest.mark.parametrize("word", ["isik", "cocuk", "IZMIR", "olum"])
def test_ascii_typed_words_cover_both_harmonies_within_100_forms(word: str) -> None:
    assert 40 <= len(expand(word)) <= 100


def test_inflections_keep_turkish_letters() -> None:
    forms = inflections("çocuk")
    assert forms[:5] == ["çocuk", "çocukta", "çocuktan", "çocuka", "çocuğa"]
    assert "çocuğu" in forms and "cocugu" not in forms


def test_stems() -> None:
    assert stems("Çocuk") == ["çocuk", "çocuğ"]
    assert stems("şehir") == ["şehir", "şehr"]
    assert stems("belediye") == ["belediye"]
    assert stems("su") == ["su"]
