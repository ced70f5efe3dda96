"""``is_utf8`` (#11): the page checked in pieces says what decoding it whole says."""

from __future__ import annotations

import random

import pytest

from newscrawler.extract.pool import extract_bytes
from newscrawler.profiles import get_profile
from newscrawler.sample_server import SAMPLE_ROOT
from newscrawler.text import encoding
from newscrawler.text.encoding import decode_html, is_utf8

PIECES = [b"<p>", b"</p>\n", b"x" * 50, b"<script>var a = 1;</script>", "İzmir".encode(),
          "şğüöçı".encode(), "ĞÜŞ".encode(), "€".encode(), "😀".encode(), "中文".encode(),
          b"\xc3", b"\xa7", b"\xe2\x82", b"\xf0\x9f\x98", b"\xff", b"\xc0\xaf", b"\xed\xa0\x80",
          "İ".encode("cp1254"), b"\x00", b"\r\n"]


def plain(body: bytes) -> bool:
    """The plain form: decode it all."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("piece", [7, 64, 8192])
def test_pieces_give_the_whole_decodes_verdict_on_random_pages(
        monkeypatch: pytest.MonkeyPatch, piece: int) -> None:
    monkeypatch.setattr(encoding, "UTF8_PIECE", piece)
    rng = random.Random(piece)
    seen = {True: 0, False: 0}
    for _ in range(3000):
        # mostly valid text, a broken byte now and then, pieces cut anywhere
        parts = [rng.choice(PIECES[:10]) if rng.random() < 0.97 else rng.choice(PIECES)
                 for _ in range(rng.randrange(1, 400))]
        body = b"".join(parts)
        assert is_utf8(body) == plain(body), body
        seen[plain(body)] += 1
    assert min(seen.values()) > 300


def test_a_character_cut_by_a_piece_boundary_is_still_read_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoding, "UTF8_PIECE", 8)
    for prefix in range(12):
        for char in ("ş", "€", "😀"):
            body = b"a" * prefix + char.encode() * 5 + b"b"
            assert is_utf8(body)
            assert not is_utf8(body[:-2] + b"b")  # a character's last byte lost
    assert is_utf8("中文".encode() * 5000)  # no ASCII byte to cut before
    assert not is_utf8("中文".encode() * 5000 + b"\xe4")


def test_extraction_reads_the_same_pages_the_same_way() -> None:
    profile = get_profile("sample")
    pages = [p.read_bytes() for p in sorted(SAMPLE_ROOT.glob("*.html"))]
    variants = [*pages, *(p.decode().encode("cp1254", "replace") for p in pages[:5]),
                b"\xef\xbb\xbf" + pages[0], pages[1] + b"\xc2\xa0", pages[2].replace(
                    b"</body>", b"\x00</body>")]
    for body in variants:
        _text, name = decode_html(body, None)
        assert is_utf8(body) == (name == "utf-8" and plain(body))
        assert extract_bytes(body, None, "http://127.0.0.1:8765/x-100001", profile)[0] == name
