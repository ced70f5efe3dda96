"""Cleaning text: mojibake, entities, characters, whitespace, boilerplate lines."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.text.clean import (
    _SUSPECT_RE,
    _TR_SUFFIX_RE,
    CP1254_AS_CP1252,
    UTF8_AS_CP1252,
    _suffix_count,
    boilerplate_phrases,
    clean_block_text,
    clean_paragraphs,
    clean_text,
    collapse_whitespace,
    fix_mojibake,
    is_boilerplate,
    looks_turkish,
    normalize_chars,
    turkish_lower,
    turkish_upper,
    unescape_entities,
)


def utf8_read_as_cp1252(s: str) -> str:
    return s.encode("utf-8").decode("cp1252", errors="replace")


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        # UTF-8 read as cp1252 / Latin-1, at any depth (ftfy)
        ("Ä°zmir", "İzmir"),
        ("Ã‡iÄŸli'de yaÄŸmur", "Çiğli'de yağmur"),
        ("ÅžiÅŸli", "Şişli"),
        ("Ä±ÄŸdÄ±r", "ığdır"),
        ("ÄžÃœÅžÄ°Ã–Ã‡ ÄŸÃ¼ÅŸÄ±Ã¶Ã§", "ĞÜŞİÖÇ ğüşıöç"),
        ("Ã„Â°zmir", "İzmir"),
        ("â€œAlÄ±ntÄ±â€\x9d dedi", "“Alıntı” dedi"),
        ("Ä\x9eÃ¶l", "Göl".replace("G", "Ğ")),
        ("ğŸ˜€ emoji", "😀 emoji"),
        # pairs ftfy leaves alone, repaired as Turkish
        ("Åžehir merkezinde", "Şehir merkezinde"),
        ("Åž", "Ş"),
        # Turkish cp1254 read as cp1252
        ("Ýzmir'de þiddet", "İzmir'de şiddet"),
        ("daðý", "dağı"),
        ("Belediye daðý aðaçlandýrdý", "Belediye dağı ağaçlandırdı"),
        ("ÇÝÐLÝ'DE YAÐMUR", "ÇİĞLİ'DE YAĞMUR"),
        ("Karþýyaka Belediyesi", "Karşıyaka Belediyesi"),
        ("Baþkan Tugay açýklama yaptý", "Başkan Tugay açıklama yaptı"),
        ("KADINA ÞÝDDETE HAYIR", "KADINA ŞİDDETE HAYIR"),
        ("Ýstanbul", "İstanbul"),
        ("Yýldýz", "Yıldız"),
        ("Þu an", "Şu an"),
    ],
)
def test_fix_mojibake_repairs(broken: str, fixed: str) -> None:
    assert fix_mojibake(broken) == fixed


@pytest.mark.parametrize(
    "legit",
    [
        "Þórður Ýmir í Reykjavík",
        "Guðrún býr á Íslandi",
        "Það er gott",
        "Þetta er ný bók",
        "Hafnarfjörður",
        "Ég bý í Reykjavík",
        "Ýmir",
        "Milli takımda Þórður Guðjohnsen'in golü İzmir'de sevinçle karşılandı",
        "Café",
        "Müller",
        "Crème brûlée à la française",
        "naïve façade",
        "İzmir'de Şişli ığdır ĞÜŞİÖÇ",
        "“tırnak” ‘tek’ «açı» – — …",
        "İZMİR’İN SESİ",
        "Paşa» dedi",
        "Fiyatı 25 €, indirim %10 ±2",
        "",
    ],
)
def test_fix_mojibake_keeps_legit_text(legit: str) -> None:
    assert fix_mojibake(legit) == legit


@pytest.mark.parametrize("letter", list("çöüâîÇÖÜÎğĞİŞ"))
@pytest.mark.parametrize("mark", list("’‘“”«»…–—·°\u00a0"))
def test_turkish_letter_before_punctuation_is_not_mojibake(letter: str, mark: str) -> None:
    for text in (f"Kelime{letter}{mark} devam", f"{letter}{mark}", f"“GENÇ İZMİR{letter}{mark}"):
        assert fix_mojibake(text) == text


def test_fix_mojibake_still_repairs_cyrillic() -> None:
    assert fix_mojibake(utf8_read_as_cp1252("Путин dedi")) == "Путин dedi"


def test_fix_mojibake_skips_the_turkish_repair_when_told() -> None:
    assert fix_mojibake("Ýzmir'de þiddet", turkish=False) == "Ýzmir'de þiddet"
    assert fix_mojibake("Ä°zmir", turkish=False) == "İzmir"


@pytest.mark.parametrize(
    "text", ["İzmir'de Şişli ığdır ĞÜŞİÖÇ", "Büyükşehir Belediyesi çok güzel bir gün"]
)
def test_fix_mojibake_repairs_what_it_made(text: str) -> None:
    assert fix_mojibake(utf8_read_as_cp1252(text)) == text
    assert fix_mojibake(text.encode("cp1254").decode("cp1252")) == text


def test_cp1254_letter_map() -> None:
    assert CP1254_AS_CP1252 == {"Ð": "Ğ", "ð": "ğ", "Ý": "İ", "ý": "ı", "Þ": "Ş", "þ": "ş"}


@pytest.mark.parametrize(
    ("text", "turkish"),
    [
        ("Ýzmir'de þiddet", True),
        ("Yaðmur nedeniyle okullar tatil", True),
        ("Kýz", True),
        ("Þórður Ýmir í Reykjavík", False),
        ("Guðrún býr á Íslandi", False),
        ("Það var mjög kalt í gær", False),
        ("Ýmir", False),
    ],
)
def test_looks_turkish(text: str, turkish: bool) -> None:
    assert looks_turkish(text) is turkish


@pytest.mark.parametrize(
    ("escaped", "plain"),
    [
        ("&amp;#304;zmir", "İzmir"),
        ("&amp;ccedil;ocuk", "çocuk"),
        ("&#304;zmir &#x15F;ehir", "İzmir şehir"),
        ("&Uuml;mit &ouml;&ccedil;", "Ümit öç"),
        ("&amp;amp;amp;#350;", "Ş"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("&quot;Alıntı&quot;", '"Alıntı"'),
        ("&#8220;tırnak&#8221;", "“tırnak”"),
        ("a=1&para=2&copy=3", "a=1&para=2&copy=3"),
        ("AT&T &unknown; & ;", "AT&T &unknown; & ;"),
        ("düz metin", "düz metin"),
    ],
)
def test_unescape_entities(escaped: str, plain: str) -> None:
    assert unescape_entities(escaped) == plain


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("S\u0327ehir", "Şehir"),  # decomposed -> NFC
        ("I\u0307zmir", "İzmir"),
        ("i\u0307zmir", "izmir"),  # stray dot of a wrong lowercase of İ
        ("İZMİR".lower(), "izmir"),
        ("bele\u00addiye", "belediye"),
        ("bele\u200bdiye\u200c\u200d\u2060\ufeff", "belediye"),
        ("\u200eİzmir\u200f \u202aBuca\u202c \u2066Konak\u2069", "İzmir Buca Konak"),
        ("a\u00a0b\u202fc\u2009d\u3000e\u205ff\u2003g", "a b c d e f g"),
        ("“tırnak” ‘tek’ «açı»", "“tırnak” ‘tek’ «açı»"),
    ],
)
def test_normalize_chars(raw: str, normal: str) -> None:
    assert normalize_chars(raw) == normal


@pytest.mark.parametrize(
    ("raw", "collapsed"),
    [
        ("  İzmir'de \t yağmur\n etkili  ", "İzmir'de yağmur etkili"),
        ("tek", "tek"),
        ("\n\n", ""),
    ],
)
def test_collapse_whitespace(raw: str, collapsed: str) -> None:
    assert collapse_whitespace(raw) == collapsed


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  &amp;#304;zmir'de\u00a0Ã§ok   gÃ¼zel bir gÃ¼n ", "İzmir'de çok güzel bir gün"),
        ("Ýzmir'de þiddet&nbsp;olaylarý", "İzmir'de şiddet olayları"),
        ("Bele\u00addiye\u200b Başkanı i\u0307lk kez", "Belediye Başkanı ilk kez"),
        ("“Çiğli’de” – dedi", "“Çiğli’de” – dedi"),
        ("Þórður Ýmir í Reykjavík", "Þórður Ýmir í Reykjavík"),
        ("&\u200bamp;", "&"),
        ("", ""),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_text_not_turkish_keeps_icelandic_letters() -> None:
    assert clean_text(" Ýzmir'de  þiddet ", turkish=False) == "Ýzmir'de þiddet"


def test_clean_paragraphs_never_merges() -> None:
    text = "İlk paragraf.\n\n  İkinci\u00a0paragraf. \r\nÜçüncü.\u2029Dördüncü.\n \n"
    assert clean_paragraphs(text) == ["İlk paragraf.", "İkinci paragraf.", "Üçüncü.", "Dördüncü."]


def test_clean_block_text_keeps_line_breaks() -> None:
    assert clean_block_text("Madde 1:\u00a0su\n\n  Madde 2:  Ã§ay ") == "Madde 1: su\nMadde 2: çay"


# Pieces that interact: entity parts, mojibake halves, cp1254/Icelandic letters, invisibles.
PIECES = [
    *"ÄÃÅÂ°Ÿž§¼±‡–ŞşİıIiÝýÞþÐðÇçĞğÖöÜüé&;#0349x \u00a0\u200b\u00ad\u0307\x9e'’“”\n\t",
    *["&amp;", "&#304;", "amp", "ccedil", "nbsp", "Ä°", "ÅŸ", "Ã§", "İzmir", "þiddet", "Þór", "í"],
    # what the fast path classifies: odd spaces, marks, symbols and letters cp1254 lacks
    *"\u2009\u202f\u3000\u200e\u2066\ufeff\u2060\u200d\u0301\u1100\u1161\u0b47\u0b3e₺😀Ж„\x92\x81\u2028",
    *["Ç’", "ğ\u00ad", "Ç\u00a0", "Ç\u200b’", "e\u0301", "i\u0307\u0301", "â€™", "Ã¼", "Ä±"],
]
TRICKY = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)
#: Text of cp1254 characters only: the fast path's home ground.
CP1254_CHARS = [bytes([b]).decode("cp1254") for b in range(256)
                if b not in (0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E)]
CP1254_TEXT = st.lists(st.sampled_from([*CP1254_CHARS, "İzmir", "’de", " ", "  "]),
                       max_size=30).map("".join)


def reference_clean(s: str, turkish: bool = True) -> str:
    """clean_text by its definition: the chain, round after round until nothing changes."""

    def one_round(text: str) -> str:
        if "&" in text:
            text = unescape_entities(text)
        text = fix_mojibake(text, turkish=turkish)
        return collapse_whitespace(normalize_chars(text))

    cleaned = one_round(s)
    for _ in range(3):
        if cleaned == s:
            break
        s, cleaned = cleaned, one_round(cleaned)
    return cleaned


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(max_size=60), TRICKY, CP1254_TEXT), st.booleans())
def test_fast_paths_give_what_the_chain_gives(text: str, turkish: bool) -> None:
    """The byte-class fast path and the early stop never change a result."""
    assert clean_text(text, turkish=turkish) == reference_clean(text, turkish=turkish)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Fiyatı 49,90\u00a0₺ oldu 👏", "Fiyatı 49,90 ₺ oldu 👏"),
        ("Bele\u200bdiye\u2009Başkanı\u202fkonuştu\u3000", "Belediye Başkanı konuştu"),
        ("\u2066Konak\u2069’ta\u200e", "Konak’ta"),
        ("GENÇ\u200b“İZMİR”", "GENÇ“İZMİR”"),  # the pair the invisible hid is left alone
        ("genç\u00a0“maç”", "genç “maç”"),
        ("  satır\r\n\tsonu\x0b\x1f ", "satır sonu"),
        ("Жители İzmir’de", "Жители İzmir’de"),
    ],
)
def test_clean_text_around_the_fast_path(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean == reference_clean(raw)


def test_cp1254_text_is_nfc() -> None:
    """The fast path skips NFC for cp1254 text: no two cp1254 characters compose."""
    pairs = [a + b for a in CP1254_CHARS for b in CP1254_CHARS]
    assert all(unicodedata.is_normalized("NFC", pair) for pair in pairs)


def test_symbols_punctuation_and_numbers_never_end_a_composition() -> None:
    """The fast path lets S*/P*/N* characters outside cp1254 through without NFC."""
    seconds = set()
    for cp in range(0x110000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                seconds.add(chr(int(parts[1], 16)))
    assert seconds
    assert not [ch for ch in seconds if unicodedata.category(ch)[0] in "SPN"]


def test_every_utf8_mojibake_pair_is_a_suspect() -> None:
    """fix_mojibake only looks for these pairs when _SUSPECT_RE found something."""
    assert all(_SUSPECT_RE.search(wrong) for wrong in UTF8_AS_CP1252)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*"ab'’dentıiunüyaeslr .", "'da", "’nın", "'ler", "’"]),
                max_size=25).map("".join))
def test_suffix_count_is_the_findall_count(text: str) -> None:
    assert _suffix_count(text) == len(_TR_SUFFIX_RE.findall(text))


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(max_size=60), TRICKY, CP1254_TEXT), st.booleans())
def test_clean_text_is_idempotent(text: str, turkish: bool) -> None:
    once = clean_text(text, turkish=turkish)
    assert clean_text(once, turkish=turkish) == once


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_clean_text_has_no_runs_of_space_and_no_invisibles(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not set(cleaned) & set("\u00ad\u200b\u200c\u200d\u2060\ufeff\u00a0\u202f")


@pytest.mark.parametrize(
    ("text", "lower"),
    [
        ("IĞDIR", "ığdır"),
        ("İZMİR", "izmir"),
        ("Işık", "ışık"),
        ("KADINA ŞİDDETE", "kadına şiddete"),
    ],
)
def test_turkish_lower(text: str, lower: str) -> None:
    assert turkish_lower(text) == lower
    assert len(turkish_lower(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "upper"),
    [("istanbul", "İSTANBUL"), ("ışık", "IŞIK"), ("çiğli'de", "ÇİĞLİ'DE")],
)
def test_turkish_upper(text: str, upper: str) -> None:
    assert turkish_upper(text) == upper


@pytest.mark.parametrize(
    "line",
    [
        "Haberin Devamı",
        "HABERİN DEVAMI »",
        "Haberin devami",
        "Haberin devamı için tıklayınız...",
        "Google News'te takip edin",
        "Google News’te Takip Et!",
        "» Google News ile takip et",
        "👉 Bizi Google News üzerinden takip edin",
        "Reklam",
        "REKLAM",
        "Paylaş",
        "PAYLAŞ:",
        "Facebook",
        "Twitter",
        "WhatsApp",
        "Tweetle",
        "Paylaş: Facebook | Twitter | WhatsApp",
        "Facebook Twitter WhatsApp Telegram E-posta",
        "Bu bir sıcak gelişme haberidir. Ayrıntılar geliyor...",
        "Bu bir son dakika haberidir, haberin detayları geliyor",
        "Uygulamamızı indirin",
        "App Store",
        "Google Play",
        "Fotoğraf: Ahmet Yılmaz / DHA",
        "Foto: İHA",
        "Abone ol",
        "Yorum yap",
        "Yorumlar",
        "Yorumlar (12)",
        "A+ A-",
    ],
)
def test_is_boilerplate(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Facebook'ta paylaşılan video kısa sürede milyonlarca kişiye ulaştı.",
        "Twitter hesabından açıklama yapan Başkan, yeni projeyi duyurdu.",
        "Reklam sektörü 2025'te büyüdü",
        "Paylaşım ekonomisi İzmir'de yaygınlaşıyor",
        "Kaynak: AA",
        "(AA)",
        "İHA",
        "Haber Merkezi",
        "Fotoğrafçı Ahmet Yılmaz sergisini açtı",
        "Fotoğraf: " + "çok uzun bir açıklama " * 5,
        "Yorumlarınızı bekliyoruz, çünkü halkın sesi önemli",
        "Google Play'de en çok indirilen uygulama yerli çıktı.",
        "Takip",
        "",
        "   ",
        "Diğer Haberler",
        "facebook.com/izmir",
    ],
)
def test_is_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


@pytest.mark.parametrize("phrase", boilerplate_phrases())
def test_every_listed_phrase_is_boilerplate_in_any_case(phrase: str) -> None:
    line = phrase.replace(" *", " Ahmet Yılmaz")
    assert is_boilerplate(line)
    assert is_boilerplate(turkish_upper(line))
    assert is_boilerplate(turkish_lower(line) + ":")


@pytest.mark.parametrize(("raw", "cleaned"), [
    ("Buğday hasadı\x08 başladı", "Buğday hasadı başladı"),
    ("\x07Zil\x01 çaldı\x7f", "Zil çaldı"),
    ("Kar\x9dşıyaka\x81 maçı\x8d", "Karşıyaka maçı"),  # C1 controls cp1252 lacks too
    ("Ã¼lke\x08 gÃ¼ndemi", "ülke gündemi"),  # mojibake repair still sees the pair
    ("Å\x9fehir\x00 merkezi", "şehir merkezi"),  # a C1 control that is half a letter
    ("a\tb\x0bc\x1fd", "a b c d"),  # whitespace controls stay whitespace
])
def test_control_characters_never_reach_stored_text(raw: str, cleaned: str) -> None:
    assert clean_text(raw) == cleaned
    assert clean_text(raw, turkish=False) == cleaned
