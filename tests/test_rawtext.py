"""Script and style bodies cut before parsing give the tree the extractor reads unchanged.

``newscrawler.extract.rawtext`` leaves a large page's script and style bodies out of the
parse (issue 11: ~20% of a worker's instructions went to libxml2 scanning them). The
tree after ``strip_invisible`` and the JSON-LD scripts' texts must be what the plain
parse gives, on saved pages and on made-up documents full of traps (tags in comments,
attributes and titles, comments in scripts, odd cases and spacing, missing ends).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from lxml import etree
from realistic_site import page_html

from newscrawler.extract import rawtext
from newscrawler.extract.dom import _document, parse_html, strip_invisible, utf8_document

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.skipif(not rawtext.active(), reason="another libxml2: never cut")


def _json_ld(root: etree._Element) -> list[str | None]:
    return [s.text for s in root.iter("script") if "ld+json" in (s.get("type") or "").lower()]


def _read(root: etree._Element) -> tuple[list[str | None], bytes]:
    """What the extractor reads of a tree: JSON-LD texts, then all of it once stripped."""
    json_ld = _json_ld(root)
    strip_invisible(root)
    return json_ld, etree.tostring(root, encoding="utf-8")


def _same(data: bytes) -> bool:
    """Whether the cut parse (if taken) reads as the plain one; True when it was taken."""
    fast = rawtext.parse_without_bodies(data, _document, 0)
    if fast is None:
        return False
    assert _read(fast) == _read(_document(data)), data
    return True


def test_a_large_generated_page_is_cut_and_reads_the_same() -> None:
    data = utf8_document(page_html(5, 20, size="large").encode())
    assert data is not None and len(data) >= rawtext.MIN_DOCUMENT
    cut = rawtext.without_bodies(data)
    assert cut is not None and len(cut[0]) < len(data) / 2
    assert _same(data)
    fast = parse_html(data, drop_bodies=True)
    assert _read(fast) == _read(parse_html(data))


def test_small_pages_and_str_input_are_parsed_whole() -> None:
    small = page_html(5, 20, size="small").encode()
    assert rawtext.without_bodies(small) is None  # below MIN_DOCUMENT
    big = page_html(5, 20, size="large")
    assert parse_html(big, drop_bodies=True).find(".//script") is not None
    assert any(s.text for s in parse_html(big, drop_bodies=True).iter("script"))


@pytest.mark.parametrize("page", sorted(p for p in FIXTURES.rglob("*.htm*") if p.is_file()),
                         ids=lambda p: p.name)
def test_saved_pages_read_the_same(page: Path) -> None:
    data = utf8_document(page.read_bytes())
    if data is not None:
        _same(data)


@pytest.mark.parametrize("doc", [
    b"<!-- <script> --><p>a</p><script>x</script><p>b</p>",  # a tag in a comment
    b'<a title="<script>">t</a><p>a</p><script>x</script><p>b</p>',  # in an attribute
    b"<title><script></title><p>a</p><script>x</script><p>b</p>",  # in a title
    b"<textarea><style></textarea><p>a</p><style>x</style><p>b</p>",
    b"<script>document.write('<script src=a.js></script>');</script><p>b</p>",
    b"<script>if (a<b) { x = '</scriptx>' }</script><p>b</p>",
    b"<SCRIPT>a</ScRiPt ><p>b</p><Style media=x>p{}</STYLE/><p>c</p>",
    b"<script src=a/b.js>x</script><p>b</p><script src=x />y</script><p>c</p>",
    b'<script type="application/ld+json">{"@type": "NewsArticle", "headline": "A"}'
    b"</script><script>z</script><p>b</p>",
    b'<script type="application/ld&#43;json">{"headline": "A"}</script><script>z</script>',
    b"<script>a<!--b</script><p>c</p><script>d</script>-->e</script><p>f</p>",
    b"<style>a<!--b</style><p>c</p>",
    b"<script>\r\nvar a;\r\n</script><p>b\rc</p>",
    b"<p>a</p><script>unclosed",
    b"<p>a</p><script>x</script",
    b"<script\x0b>x</script><p>b</p>",
    b'<script a="1"b="2">x</script><p>b</p>',
    b"<svg><style>.a{}</style><script>x</script></svg><p>b</p>",
    b"<table><script>x</script><tr><td>a</td></tr></table>",
    # a fake tag whose quoted value holds a real one: the cut would eat "lost"
    b'<!--<script x="--><script>a</script>"><p>lost</p><script>js</script><p>b</p>',
])
def test_traps_read_the_same(doc: bytes) -> None:
    data = b"<html><head></head><body>" + doc + b"</body></html>"
    _same(data)


def test_tags_that_are_no_tags_send_the_page_the_plain_way() -> None:
    for doc in (b"<!-- <script> --><p>a</p><script>x</script><p>b</p>",
                b"<title><script></title><p>a</p><script>x</script><p>b</p>"):
        assert rawtext.without_bodies(doc, 0) is not None  # cut as if they were tags ...
        assert rawtext.parse_without_bodies(doc, _document, 0) is None  # ... and refused


_MARKUP = ["<p>Vali konuştu.</p>", "<div class='a'>", "</div>", "<br>", "<a href='/x'>x</a>",
           "<!-- c -->", "<title>t</title>", "<p>", "&amp;", "Şubat", "<iframe>a</iframe>",
           "<xmp>b</xmp>", "<textarea>c</textarea>", "\r\n"]
_OPENERS = ["<script>", "<SCRIPT>", "<Script src='a.js'>", "<script type=\"application/ld+json\">",
            "<script async>", "<script/>", "<script x=1/>", "<style>", "<style media=\"all\">",
            "<script src=a/b.js defer>", "<script\ttype=module >"]
_CONTENT = ["var a = b < c;", "'<!--'", "{\"@type\": \"NewsArticle\"}", "p{color:red}", "\r\n",
            "\n", "</scriptx>", "'<script src=x>'", "Şubat", "-->", "</ style>", "<"]
_CLOSERS = ["</script>", "</SCRIPT >", "</script/>", "</style>", "</StYlE>", "</script", ""]
_TRAPS = ["<!--", "-->", "<textarea>", "<title>", "<a title=\"<script>\">t</a>", "<",
          "<iframe>", "</iframe>", "<!-- <script> -->", "<noscript>", "</noscript>"]


def _made_up(rng: random.Random) -> str:
    """A document of markup, script and style blocks (some unclosed) and traps."""
    parts = []
    for _ in range(rng.randrange(2, 12)):
        kind = rng.random()
        if kind < 0.45:
            parts.append(rng.choice(_MARKUP))
        elif kind < 0.9:
            parts.append(rng.choice(_OPENERS) + "".join(
                rng.choice(_CONTENT) for _ in range(rng.randrange(4))) + rng.choice(_CLOSERS))
        else:
            parts.append(rng.choice(_TRAPS))
    return "".join(parts)


def test_made_up_documents_read_the_same() -> None:
    rng = random.Random(11)
    taken = 0
    for _ in range(6000):
        taken += _same(f"<html><body>{_made_up(rng)}</body></html>".encode())
    assert taken > 500  # the cut is taken often enough to be tested
