"""Query-side inflection: a word becomes its common inflected forms, folded."""

from __future__ import annotations

from pathlib import Path

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
        ("a", "a"),
        ("2025", "2025"),
        ("F16", "f16"),
        ("CHP", "chp"),
        ("abc1", "abc1"),
    ],
)
def test_one_letter_words_numbers_and_acronyms_are_not_expanded(word: str, alone: str) -> None:
    assert expand(word) == [alone]
    assert inflections(word) == [alone]


@pytest.mark.parametrize("word", ["belediye", "kadın", "çocuk", "şehir", "ışık", "İzmir", "öldü"])
def test_turkish_typed_words_get_20_to_80_forms_word_first(word: str) -> None:
    forms = expand(word)
    assert forms[0] == fold(word)
    assert 20 <= len(forms) <= 80
    assert len(set(forms)) == len(forms)
    assert all(" " not in f and f == fold(f) for f in forms)


@pytest.mark.parametrize("word", ["isik", "cocuk", "IZMIR", "olum"])
def test_ascii_typed_words_cover_both_harmonies_within_130_forms(word: str) -> None:
    assert 40 <= len(expand(word)) <= 130


def test_inflections_keep_turkish_letters() -> None:
    forms = inflections("çocuk")
    assert forms[:5] == ["çocuk", "çocukta", "çocuktan", "çocuka", "çocuğa"]
    assert "çocuğu" in forms and "cocugu" not in forms


def test_stems() -> None:
    assert stems("Çocuk") == ["çocuk", "çocuğ"]
    assert stems("şehir") == ["şehir", "şehr"]
    assert stems("belediye") == ["belediye"]
    assert stems("su") == ["su"]


@pytest.mark.parametrize(
    ("word", "found"),
    [
        ("ay", ["ayında", "ayı", "ayına", "ayda"]),
        ("iş", ["işi", "işe", "işin"]),
        ("ev", ["evde", "evinin"]),
        ("il", ["ilde", "iller"]),
        ("su", ["suyu", "suda", "suyla", "suyun", "suyunda"]),
    ],
)
def test_two_letter_words_expand_to_whole_inflected_words(word: str, found: list[str]) -> None:
    capitals = word.replace("i", "İ").upper()  # Turkish capitals: İŞ, İL
    for typing in (word, capitals, fold(word)):
        forms = expand(typing)
        assert all(fold(f) in forms for f in found), (typing, found)
    assert not any(f.startswith("suri") for f in expand("su"))  # never a prefix: no Suriye
    assert "susu" not in expand("su")  # su takes a y: suyu


@pytest.mark.parametrize(
    ("word", "form"),
    [
        ("milletvekili", "milletvekilleri"),
        ("milletvekili", "milletvekillerinin"),
        ("MİLLETVEKİLİ", "milletvekiline"),
        ("cumhurbaskani", "cumhurbaskanlari"),
        ("değer", "değerlerimizden"),
        ("ülke", "ülkemizdeki"),
        ("hak", "haklarımızın"),
        ("ulke", "ulkemizdeki"),
    ],
)
def test_plural_and_possessive_forms_of_compounds_and_stems(word: str, form: str) -> None:
    assert fold(form) in expand(word)


def test_forms_that_are_nearly_always_another_word_are_left_out() -> None:
    assert "ile" not in expand("il") and "ilde" in expand("il")
    assert "hakkinda" not in expand("hak") and "hakki" in expand("hak")


def test_ascii_readings_of_ambiguous_words() -> None:
    from archive.inflect import intended

    assert intended("cin") == ("çin", True)
    assert intended("is") == ("iş", True)
    assert intended("ISIM") == ("isim", True)
    assert "isi" in expand("is") and "isi" in expand("iş")


@pytest.mark.parametrize("typing", ["iç", "İÇ", "ic", "IC"])
def test_ic_does_not_find_icin_for(typing: str) -> None:
    forms = expand(typing)
    assert "icin" not in forms  # için (for) is in most articles
    assert {"ici", "icinde", "icine", "icler"} <= set(forms)


@pytest.mark.parametrize(
    ("word", "found", "strangers"),
    [
        ("at", ["atı", "atın", "atında"], ["adı", "adına", "ada", "ata"]),
        ("ot", ["otu", "otlar"], ["oda", "odun", "odası"]),
        ("ak", ["akı", "aklar"], ["ağı", "ağa", "aklı", "akın"]),
        ("et", ["eti", "etin", "etler"], ["edi", "edin", "ede"]),
        ("ek", ["eki", "ekinde", "ekler"], ["eği", "eğe", "ekin"]),
        ("ok", ["okun", "oklar"], ["oğu", "oğa", "oku"]),
        ("it", ["iti", "itler"], ["idi", "idin"]),
        ("üç", ["üçü", "üçüne", "üçlü"], ["ücü", "üce"]),
        ("iç", ["içi", "içinde"], ["ici", "için"]),
        # one-syllable words that do soften (the data list), and longer words (the rule)
        ("uç", ["ucu", "ucunda", "uçlar"], ["uçu"]),
        ("dip", ["dibi", "dibinde"], ["dipi"]),
        ("kap", ["kabı"], ["kapı"]),
        ("gök", ["göğü"], []),
        ("renk", ["rengi"], ["renki"]),
        ("çocuk", ["çocuğu"], []),
    ],
)
def test_one_syllable_words_keep_their_consonant(
    word: str, found: list[str], strangers: list[str]
) -> None:
    forms = inflections(word)
    assert all(f in forms for f in found), (word, [f for f in found if f not in forms])
    assert not [f for f in strangers if f in forms], word


@pytest.mark.parametrize(
    ("word", "strangers"),
    [
        ("on", ["onlar", "onun", "onu", "ona", "ondan", "onda", "onları", "onlarının"]),
        ("ya", ["yaşında", "yası", "yaya", "yayla", "yayı", "yanın"]),
        ("el", ["elli", "elliler"]),  # fifty
        ("il", ["ille", "ile"]),
        ("ad", ["ada"]),  # island
        ("od", ["oda", "odun", "odunu"]),  # room, firewood
        ("oy", ["oyun", "oyunda", "oyunun"]),  # game
        ("ar", ["ara", "arı"]),
        ("an", ["ana"]),
        ("ön", ["önle", "önler"]),  # prevent
        ("üs", ["üste", "üse", "üsü"]),  # üs doubles: üssü
        ("şu", ["şular", "şusu", "şuyu"]),  # a pronoun: şunu, şuna
    ],
)
def test_two_letter_words_leave_out_other_words(word: str, strangers: list[str]) -> None:
    forms = inflections(word)
    assert not [f for f in strangers if f in forms], word
    if word.isascii():  # typed the same in ASCII
        assert not [f for f in strangers if fold(f) in expand(word)], word


def test_pronouns_and_particles() -> None:
    assert inflections("ya") == ["ya"]
    assert inflections("ve") == ["ve"]
    assert {"şunu", "şuna", "şunun", "şunlar"} <= set(inflections("şu"))
    assert {"bunu", "buna", "bundan", "bununla"} <= set(inflections("bu"))
    assert {"üssü", "üssünde"} <= set(inflections("üs"))
    assert {"onuncu"}.isdisjoint(inflections("on")) and "on" in inflections("on")


def test_word_lists_are_data() -> None:
    """The lists live in archive/data/search_words.toml, shipped with the package."""
    import tomllib
    from importlib.resources import files

    from archive import inflect

    data = tomllib.loads(files("archive").joinpath("data/search_words.toml").read_text("utf-8"))
    assert inflect.HOMOGRAPHS["iç"] == frozenset(data["homographs"]["iç"])
    assert inflect.LOOKALIKES == frozenset(data["lookalikes"])
    assert inflect.ASCII_READINGS == data["ascii_readings"]
    assert "uç" in inflect.SOFTENING_MONOSYLLABLES
    with open(Path(__file__).parents[1] / "pyproject.toml", "rb") as fh:
        package_data = tomllib.load(fh)["tool"]["setuptools"]["package-data"]
    assert "data/*.toml" in package_data["archive"]


def test_word_lists_are_parsed_once_per_version_of_the_file(tmp_path: Path) -> None:
    """The parsed lists are kept beside the file, named by its content: a changed
    file is parsed again, a folder that cannot be written only costs the parsing."""
    import tomllib

    from archive.inflect import WORDS_FILE, _load_words

    source = tmp_path / "words.toml"
    source.write_bytes(Path(WORDS_FILE).read_bytes())
    expected = tomllib.loads(Path(WORDS_FILE).read_text("utf-8"))
    assert _load_words(source) == expected  # parsed, then kept
    (kept,) = (tmp_path / "__pycache__").glob("words.*.marshal")
    assert _load_words(source) == expected  # read back
    source.write_text('y_stems = ["su"]\n', "utf-8")
    assert _load_words(source) == {"y_stems": ["su"]}
    assert len(list((tmp_path / "__pycache__").glob("words.*.marshal"))) == 2
    kept.write_text('{"y_stems": ["not this"]}', "utf-8")  # another version's copy
    assert _load_words(source) == {"y_stems": ["su"]}
    for copy in (tmp_path / "__pycache__").iterdir():
        copy.unlink()
    (tmp_path / "__pycache__").rmdir()
    (tmp_path / "__pycache__").write_text("not a folder")  # (chmod does not stop root)
    source.write_text('y_stems = ["ne"]\n', "utf-8")
    assert _load_words(source) == {"y_stems": ["ne"]}
