"""A UTF-8 page is parsed from its own bytes: exactly the document its decoded text gives."""

from __future__ import annotations

import random

import pytest

from newscrawler.extract.dom import parse_html, utf8_document
from newscrawler.extract.page import extract_page
from newscrawler.extract.pool import extract_bytes

PIECES = ["<p>", "</p>", "Şubat", "ığdır", " ", "\n", "\t", "\x0b", "\x0c", "\x1c", "\x1f",
          "\u00a0", "\u2028", "\u3000", "\x85", "\ufeff", "\x00", "a", "<br>", "é"]


def _as_parse_html_makes_it(text: str) -> bytes:
    return text.replace("\x00", "").strip().encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("text", [
    "  <p>Şubat</p>\n", "\u00a0<p>a</p>", "<p>a</p>\u2028", "\ufeff<p>a</p>", "<p>a\x00</p>",
    "\x1c<p>a</p>\x1f", "", " \n ", "<p>İzmir</p>",
])
def test_the_bytes_are_the_ones_the_decoded_text_gives_or_none(text: str) -> None:
    body = text.encode("utf-8")
    data = utf8_document(body)
    assert data is None or data == _as_parse_html_makes_it(body.decode("utf-8"))


def test_random_documents_never_differ() -> None:
    rng = random.Random(11)
    taken = 0
    for _ in range(5000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 8)))
        body = text.encode("utf-8")
        data = utf8_document(body)
        if data is not None:
            taken += 1
            assert data == _as_parse_html_makes_it(body.decode("utf-8")), repr(text)
    assert taken > 1000  # the fast path is the common one


def test_a_utf8_page_extracts_as_its_decoded_text_does() -> None:
    html = ("\n<html lang='tr'><head><meta charset='utf-8'><title>Kış şenliği</title></head>"
            "<body><h1>Ağrı'da kış şenliği</h1><div class='haber-detay'><p>Şubat ayının son "
            "haftasında Ağrı'da düzenlenen kış şenliğine binlerce kişi katıldı. Şenlikte "
            "kızak yarışları yapıldı.</p><p>Belediye yetkilileri, gelecek yıl şenliğin üç gün "
            "süreceğini açıkladı ve esnafın da katılacağını duyurdu.</p></div></body></html>\n")
    url = "http://127.0.0.1/haber/agri-1"
    encoding, extracted = extract_bytes(html.encode("utf-8"), None, url, None)
    assert encoding == "utf-8"
    assert extracted == extract_page(html, url)
    assert extracted.title and extracted.blocks
    assert parse_html(html.encode("utf-8").strip()).findtext(".//h1") == "Ağrı'da kış şenliği"
