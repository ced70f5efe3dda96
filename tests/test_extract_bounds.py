"""Hostile pages: deep or huge JSON-LD and floods of <meta> tags cost bounded time, and the
article on the page is still extracted."""

from __future__ import annotations

import logging
import time

import pytest

from newscrawler.extract.metadata import (
    MAX_JSON_LD_CHARS,
    MAX_META_VALUES,
    extract_metadata,
    split_keywords,
)
from newscrawler.extract.page import extract_page

TITLE = "Bornova'da yeni kütüphane açıldı"
ARTICLE = (
    f"<article><h1>{TITLE}</h1>"
    + "".join(f"<p>Bornova Belediyesi'nin yaptırdığı kütüphane, {i}. kat için yüzlerce kitap "
              "ve çalışma salonuyla öğrencilerin hizmetine girdi; açılışa çok kişi katıldı.</p>"
              for i in range(1, 6))
    + "</article>"
)


def page(head: str = "", body: str = ARTICLE) -> str:
    return f"<html lang='tr'><head>{head}</head><body>{body}</body></html>"


def ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


def test_json_ld_nested_20000_deep_loses_nothing(caplog: pytest.LogCaptureFixture) -> None:
    deep = '{"@type": "NewsArticle", "headline": "X", "a": ' + "[" * 20_000 + "]" * 20_000 + "}"
    with caplog.at_level(logging.WARNING):
        ex = extract_page(page(ld(deep)), "https://x.com.tr/kutuphane-1")
    assert ex.is_article and ex.title == TITLE and len(ex.blocks) >= 5
    assert "nested deeper than 50" in caplog.text
    assert extract_metadata(page(ld(deep))).json_ld_skipped == 1


def test_json_ld_deep_in_objects_and_a_good_block_after_it() -> None:
    deep = '{"a": ' * 5_000 + "1" + "}" * 5_000
    good = '{"@type": "NewsArticle", "headline": "Kütüphane", "datePublished": "2025-11-16"}'
    meta = extract_metadata(page(ld(deep) + ld(good)))
    assert meta.json_ld_skipped == 1
    assert meta.json_ld is not None and meta.json_ld.headline == "Kütüphane"


def test_json_ld_over_the_size_cap_is_skipped() -> None:
    big = '{"@type": "NewsArticle", "headline": "X", "articleBody": "' + "a" * (
        MAX_JSON_LD_CHARS + 1) + '"}'
    ex = extract_page(page(ld(big)), "https://x.com.tr/kutuphane-1")
    assert ex.is_article and ex.title == TITLE
    assert ex.json_ld_body is None
    assert extract_metadata(page(ld(big))).json_ld_skipped == 1


def test_json_ld_brackets_inside_strings_are_not_nesting() -> None:
    text = '{"@type": "NewsArticle", "headline": "' + "[{" * 100 + '"}'
    meta = extract_metadata(page(ld(text)))
    assert meta.json_ld_skipped == 0
    assert meta.json_ld is not None and meta.json_ld.headline == "[{" * 100


@pytest.mark.parametrize("key", ["article:tag", "article:published_time", "article:author",
                                 "og:title", "x-unknown"])
def test_100k_meta_tags_extract_in_bounded_time(key: str) -> None:
    metas = "".join(f'<meta property="{key}" content="değer {i}">' for i in range(100_000))
    started = time.monotonic()
    ex = extract_page(page(metas), "https://x.com.tr/kutuphane-1")
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"{elapsed:.1f}s for 100k <meta {key}>"  # 100 s before the fix
    assert ex.is_article and ex.title in (TITLE, "değer 0")


def test_repeated_meta_values_keep_order_without_duplicates_up_to_a_cap() -> None:
    metas = "".join(f'<meta property="article:tag" content="etiket {i % 300}">'
                    for i in range(3_000))
    meta = extract_metadata(page(metas))
    assert meta.tags == [f"etiket {i}" for i in range(MAX_META_VALUES)]


def test_huge_keyword_list_is_linear() -> None:
    started = time.monotonic()
    words = split_keywords(", ".join(f"kelime{i}" for i in range(200_000)))
    assert time.monotonic() - started < 5
    assert words[:2] == ["kelime0", "kelime1"] and len(words) == MAX_META_VALUES


def test_20000_deep_html_does_not_crash() -> None:
    ex = extract_page(page(body="<div>" * 20_000 + ARTICLE + "</div>" * 20_000),
                      "https://x.com.tr/kutuphane-1")
    assert ex.url == "https://x.com.tr/kutuphane-1"
