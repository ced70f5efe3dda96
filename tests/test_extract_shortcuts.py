"""Extraction's shortcuts answer what the element-by-element code answered (issue 11).

Class/id-marked elements are found from all class and id values joined
(``WordPattern.found_under``), bare paragraph texts by a reordered XPath, a loose date
line's text read only up to its limit: each is checked here against the plain way on
tricky markup, generated pages and (when present) the shared corpus's real pages.
"""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path

import pytest
from lxml import etree

from newscrawler.extract import datelines, dom, fields, metadata, region, walker
from newscrawler.extract.dom import WordPattern, class_id, parse_html, strip_invisible

sys.path.insert(0, str(Path(__file__).parent))
from realistic_site import page_html

SHARED = Path(os.environ.get("NEWSCRAWLER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
_CLASSED = etree.XPath(".//*[@class or @id]")
_OLD_BARE_TEXT = etree.XPath(
    f".//text()[string-length(normalize-space(.)) >= {region.MIN_PARAGRAPH}]"
    "[not(ancestor::p)][not(ancestor::a)]"
)

TRICKY = """<html><body>
<div class="no-ad">x</div><div class="non-author" id="author">y</div>
<div class="no-footer">n1</div><div id="non-sidebar">n2</div><div class="x" id="not-tags">n3</div>
<div class="donotprint-breadcrumb">n4</div><div class="alt-no-alt">n5</div>
<div class="BREADCRUMB">a</div><div id="Yazar-Adi" class="">b</div><div class="">c</div>
<div class="Içerik tarih">d</div><div class="ad">e</div><div class="header-shadow ad">f</div>
<div class="x&#10;breadcrumb" id="tags">g</div><span class="donotprint">h</span>
<div class="post-date"><span class="date">16.11.2025</span></div>
<ul><li class="etiket"><a href="/a">Tag</a></li></ul><p class="σΣ ad-slot">i</p>
<p>Bir paragraf, virgül ve yeterince uzun bir metin burada yazıyor.</p>
<div>Çıplak bir metin, bir kutunun içinde ve yeterince uzun yazılmış.<a>bağlantı metni uzun
bir bağlantı metni</a> ve kuyruğu da yeterince uzun olan bir metin parçası.</div>
</body></html>"""


def _patterns() -> list[WordPattern]:
    found = []
    for module in (datelines, dom, fields, region, walker):
        found += [v for v in vars(module).values() if isinstance(v, WordPattern)]
    return found


def _roots() -> list[etree._Element]:
    dotted = TRICKY.replace("Içerik", "İçerik")  # lowercased to two letters: no shortcut
    pages = [TRICKY, dotted] + [page_html(i, 40, size=size) for size in ("small", "large")
                        for i in (1, 7)]
    roots = [parse_html(p) for p in pages]
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        for path in sorted((corpus / "fundus-tr" / "html").iterdir())[:8] + sorted(
                (corpus / "scrapinghub-aeb" / "html").iterdir())[:40]:
            data = path.read_bytes()
            roots.append(parse_html(gzip.decompress(data) if path.suffix == ".gz" else data))
    for root in roots:
        strip_invisible(root)
    return roots


@pytest.fixture(scope="module")
def roots() -> list[etree._Element]:
    return _roots()


def test_found_under_is_the_element_by_element_search(roots: list[etree._Element]) -> None:
    patterns = _patterns()
    assert len(patterns) >= 10
    hits = shortcuts = 0
    for root in roots:
        for where in [root, *root.iter("body", "div", "article")][:40]:
            for pattern in patterns:
                plain = [el for el in _CLASSED(where) if pattern.search(class_id(el))]
                found = pattern.found_under(where)
                assert found is None or found == plain, (pattern.regex.pattern[:60], plain)
                hits += len(plain)
                shortcuts += found is not None
    assert hits > 50
    assert shortcuts > 1000
    assert dom.word_pattern(["tarih"]).found_under(roots[1]) is None


@pytest.mark.parametrize("boxes", [1, 3, dom.MAX_OWNER_LOOKUPS, dom.MAX_OWNER_LOOKUPS + 1, 12])
def test_found_under_finds_each_hit_element_few_or_many(boxes: int) -> None:
    # Hits are looked up value by value up to MAX_OWNER_LOOKUPS, else from all values'
    # elements at once: both give the element-by-element answer, an element whose class
    # and id both hit coming once, in document order.
    inner = "".join(f'<div class="x{i} tarih" id="date-{i}"><p class="no-date">{i}</p>'
                    f'<span id="y">s</span></div>' for i in range(boxes))
    root = parse_html(f'<div id="top"><p class="x">a</p>{inner}<b class="tarihi">b</b></div>')
    pattern = datelines._DATE_CLASS
    plain = [el for el in _CLASSED(root) if pattern.search(class_id(el))]
    assert len(plain) == boxes + 1
    assert pattern.found_under(root) == plain
    assert pattern.found_under(root.find(".//b")) == []


def test_word_pattern_answers_the_same_after_forgetting(monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = dom.word_pattern(["ad", "reklam"])
    monkeypatch.setattr(dom, "MAX_REMEMBERED", 2)
    texts = ["ad-slot", "non-ad", "sag-reklam", "header-shadow", "ad-slot", "non-ad"]
    answers = [bool(pattern.search(t)) for t in texts]
    assert answers == [True, False, True, False, True, False]
    assert len(pattern._seen) <= 2


def test_found_under_declines_words_it_cannot_join() -> None:
    root = parse_html("<div><p class='son dakika'>x</p></div>")
    assert dom.word_pattern(["son dakika"]).found_under(root) is None
    assert dom.word_pattern(["dakika"]).found_under(root) == [root.find(".//p")]


def test_bare_text_is_the_old_query(roots: list[etree._Element]) -> None:
    for root in roots:
        old = [(str(t), t.getparent(), t.is_tail) for t in _OLD_BARE_TEXT(root)]
        new = [(str(t), t.getparent(), t.is_tail) for t in region._BARE_TEXT(root)]
        assert new == old
    assert any(region._BARE_TEXT(root) for root in roots)


def test_short_spaced_text_is_spaced_text_up_to_its_limit(roots: list[etree._Element]) -> None:
    seen = {True: 0, False: 0}
    for root in roots:
        for el in list(root.iter())[:300]:
            if not isinstance(el.tag, str):
                continue
            full = datelines.spaced_text(el)
            short = datelines._short_spaced_text(el, datelines.MAX_LOOSE_LINE)
            assert short == (full if len(full) <= datelines.MAX_LOOSE_LINE else None)
            seen[short is None] += 1
    assert seen[True] and seen[False]


@pytest.mark.parametrize("text", [
    '{"a": "' + "[" * 80 + '"}', "[" * 50 + "]" * 50, "[" * 51 + "]" * 51,
    '{"a": [' * 30 + "1" + "]}" * 30, "{}",
])
def test_json_ld_depth_problem_unchanged(text: str) -> None:
    deep = metadata.json_depth(text) > metadata.MAX_JSON_LD_DEPTH
    assert (metadata.json_ld_problem(text) is not None) == deep
