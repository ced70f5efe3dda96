"""Decoding fetched bytes: every declaration x actual encoding, Turkish text exact."""

from __future__ import annotations

import codecs

import pytest

from newscrawler.extract.pool import extract_bytes
from newscrawler.text.encoding import (
    charset_from_content_type,
    codec_name,
    declared_charset,
    decode_html,
)

TURKISH = "İzmir'de Şişli ığdır ĞÜŞİÖÇ ğüşiöç “Çiğli’de” – Ağustos"

ACTUAL = {
    # name: (how the bytes are made, the codec decode_html must report)
    "utf-8": (lambda html: html.encode("utf-8"), "utf-8"),
    "utf-8-bom": (lambda html: codecs.BOM_UTF8 + html.encode("utf-8"), "utf-8"),
    "cp1254": (lambda html: html.encode("cp1254"), "cp1254"),
}

LABELS = ["utf-8", "windows-1254", "iso-8859-9", "iso-8859-1", "windows-1252", "latin-1"]

DECLARED: list[tuple[str, str | None, str]] = [
    # (id, HTTP header value, <head> markup)
    ("none", None, ""),
    *[(f"header-{label}", f"text/html; charset={label}", "") for label in LABELS],
    *[(f"meta-charset-{label}", None, f'<meta charset="{label}">') for label in LABELS],
    *[
        (
            f"http-equiv-{label}",
            None,
            f'<meta http-equiv="Content-Type" content="text/html; charset={label}">',
        )
        for label in LABELS
    ],
    ("conflict-header-utf8-meta-1254", "text/html; charset=utf-8", '<meta charset="windows-1254">'),
    ("conflict-header-1254-meta-utf8", "text/html; charset=windows-1254", '<meta charset="utf-8">'),
    ("conflict-header-latin1-meta-utf8", "text/html; charset=ISO-8859-1", '<meta charset="UTF-8">'),
    ("conflict-header-utf8-meta-latin5", "text/html; charset=UTF-8", "<meta charset=iso-8859-9>"),
    (
        "conflict-header-koi8r-meta-1254",
        "text/html; charset=koi8-r",
        '<meta charset="windows-1254">',
    ),
]


def page(head: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='tr'><head>{head}<title>{TURKISH}</title></head>"
        f"<body><h1>{TURKISH}</h1><p>{TURKISH}</p></body></html>"
    )


@pytest.mark.parametrize("actual", list(ACTUAL))
@pytest.mark.parametrize(
    ("header", "head"), [d[1:] for d in DECLARED], ids=[d[0] for d in DECLARED]
)
def test_decoded_turkish_is_exact(actual: str, header: str | None, head: str) -> None:
    make, expected_codec = ACTUAL[actual]
    text, codec = decode_html(make(page(head)), header)
    assert text == page(head)
    assert "\ufffd" not in text
    assert codec == expected_codec


@pytest.mark.parametrize(
    ("text", "label", "codec"),
    [
        ("Привет, мир", "koi8-r", "koi8-r"),
        ("Καλημέρα κόσμε", "iso-8859-7", "iso8859-7"),
        ("こんにちは世界", "shift_jis", "shift_jis"),
        ("Здравствуйте", "windows-1251", "cp1251"),
    ],
)
@pytest.mark.parametrize("where", ["header", "meta", "http-equiv"])
def test_non_latin_declaration_is_honoured(text: str, label: str, codec: str, where: str) -> None:
    head = {
        "header": "",
        "meta": f'<meta charset="{label}">',
        "http-equiv": f'<meta http-equiv="content-type" content="text/html; charset={label}">',
    }[where]
    header = f"text/html; charset={label}" if where == "header" else None
    html = f"<html><head>{head}</head><body>{text}</body></html>"
    assert decode_html(html.encode(codec), header) == (html, codec)


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_bom_wins(bom: bytes, codec: str) -> None:
    html = f'<html><head><meta charset="windows-1254"></head><body>{TURKISH}</body></html>'
    assert decode_html(bom + html.encode(codec), "iso-8859-1") == (html, codec)


def test_bytes_cp1254_lacks_never_become_replacement_characters() -> None:
    body = "Şehir ".encode("cp1254") + bytes([0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E])
    text, codec = decode_html(body, None)
    assert codec == "cp1254"
    assert "\ufffd" not in text
    assert text == "Şehir \x81\x8dŽ\x8f\x90\x9dž"


def test_unknown_declaration_falls_back_to_cp1254() -> None:
    body = f'<meta charset="x-no-such-charset">{TURKISH}'.encode("cp1254")
    assert decode_html(body, "bogus") == (body.decode("cp1254"), "cp1254")


def test_meta_after_the_first_4_kb_is_not_read() -> None:
    html = "<html><head>" + " " * 5000 + '<meta charset="koi8-r"></head><body>Ağ</body></html>'
    assert decode_html(html.encode("cp1254")) == (html, "cp1254")


def test_pure_ascii_is_utf8() -> None:
    assert decode_html(b"<p>Izmir</p>", "koi8-r") == ("<p>Izmir</p>", "utf-8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text/html; charset=ISO-8859-9", "iso-8859-9"),
        ("text/html;charset=windows-1254", "windows-1254"),
        ('text/html; charset="UTF-8"', "utf-8"),
        ("text/html; Charset='koi8-r'; foo=bar", "koi8-r"),
        ("text/html", None),
        ("", None),
        (None, None),
    ],
)
def test_charset_from_content_type(value: str | None, expected: str | None) -> None:
    assert charset_from_content_type(value) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="windows-1254">', "windows-1254"),
        (b"<META CHARSET=ISO-8859-9>", "iso-8859-9"),
        (b"<meta charset='utf-8' />", "utf-8"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-9">', "iso-8859-9"),
        (
            b'<meta content="text/html; charset=windows-1254" http-equiv="Content-Type">',
            "windows-1254",
        ),
        (b'<?xml version="1.0" encoding="windows-1254"?><rss>', "windows-1254"),
        (b'<meta name="description" content="charset=koi8-r hakkinda">', None),
        (b"<p>charset=koi8-r</p>", None),
        (b"<html><head><title>Haber</title>", None),
        (b"", None),
    ],
)
def test_declared_charset(head: bytes, expected: str | None) -> None:
    assert declared_charset(head) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("windows-1254", "cp1254"),
        ("ISO-8859-9", "iso8859-9"),
        ("latin5", "iso8859-9"),
        ("latin-1", "iso8859-1"),
        ("x-sjis", "shift_jis"),
        ("  'utf8' ", "utf-8"),
        ("nonsense", None),
        (None, None),
        ("", None),
    ],
)
def test_codec_name(label: str | None, expected: str | None) -> None:
    assert codec_name(label) == expected


# --- pages that are nearly UTF-8, double-encoded, or UTF-32 ---------------------------------

PAGE = ("<html lang='tr'><head><meta charset='utf-8'><title>Iğdır'da kış şenliği</title></head>"
        "<body><h1>Iğdır'da kış şenliği</h1><div class='haber-detay'><p>Şubat ayının son "
        "haftasında Iğdır'da düzenlenen kış şenliğine binlerce kişi katıldı. Şenlikte "
        "kızak yarışları yapıldı, çocuklar “kardan adam” yaptı.</p><p>Belediye yetkilileri, "
        "gelecek yıl şenliğin üç gün süreceğini açıkladı.</p></div></body></html>\n")


def _misread(body: bytes, codec: str) -> bytes:
    """UTF-8 bytes read one byte a character in ``codec`` (a browser's way) and saved as UTF-8."""
    return "".join(bytes([b]).decode(codec, errors="ignore") or chr(b) for b in body).encode()


def _damaged() -> dict[str, bytes]:
    body = PAGE.encode("utf-8")
    cut = body.index(b"</body>")
    return {
        "stray cp1254 byte": body[:cut] + b"\xde" + body[cut:],
        "stray continuation": body.replace(b"</h1>", b"</h1>\x9d", 1),
        "cut mid-character": body[: body.rindex("ı".encode()) + 1],
        **{f"double via {c}": _misread(body, c) for c in ("cp1252", "cp1254", "latin-1")},
        "double twice": _misread(_misread(body, "cp1252"), "cp1252"),
    }


@pytest.mark.parametrize("name", list(_damaged()))
def test_a_damaged_utf8_page_decodes_as_utf8(name: str) -> None:
    text, codec = decode_html(_damaged()[name], "text/html; charset=utf-8")
    assert codec == "utf-8"
    assert "Şubat ayının son haftasında Iğdır'da" in text
    assert "“kardan adam”" in text and "Ã" not in text and "Ä" not in text


def test_a_stray_byte_reads_as_cp1254_and_a_cut_letter_is_dropped() -> None:
    text, _ = decode_html("<p>Iğdır kışı</p>".encode() + b"\xde <p>kap\xc4 sonu</p>\xc4")
    assert text == "<p>Iğdır kışı</p>Ş <p>kap sonu</p>"


@pytest.mark.parametrize("name", list(_damaged()))
def test_a_damaged_utf8_page_extracts_as_the_clean_one(name: str) -> None:
    url = "http://127.0.0.1/haber/igdir-1"
    _, clean = extract_bytes(PAGE.encode("utf-8"), "utf-8", url, None)
    codec, damaged = extract_bytes(_damaged()[name], "utf-8", url, None)
    assert codec == "utf-8"
    assert damaged.title == clean.title
    kept = 1 if name.startswith("cut") else 2  # the cut page ends in the second paragraph
    assert [b.text for b in damaged.blocks][:kept] == [b.text for b in clean.blocks][:kept]


@pytest.mark.parametrize("text", [
    "İzmir'de Şişli ığdır", "GENÇ“ BAŞKAN” dedi", "Þórður Ýmir í Reykjavík", "CIDADÃO",
    "Ärzte in Århus", "HÂLÂ… kâğıt", "Kırmızı Çizgi",
])
def test_legit_text_is_never_undone(text: str) -> None:
    assert decode_html(text.encode("utf-8"))[0] == text


@pytest.mark.parametrize("text", ["İzmir'de Şişli ığdır " * 20, "Ç“ " + "ş" * 40])
def test_a_cp1254_page_is_not_taken_for_mostly_utf8(text: str) -> None:
    assert decode_html(text.encode("cp1254"), "utf-8") == (text, "cp1254")


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be", "utf-16"])
def test_a_utf32_or_utf16_page_is_read_by_its_bom(codec: str) -> None:
    body = PAGE.encode(codec)
    if not codec.endswith("32") and codec != "utf-16":
        body = codecs.BOM_UTF32_LE + body if codec.endswith("le") else codecs.BOM_UTF32_BE + body
    assert decode_html(body, None)[0] == PAGE
