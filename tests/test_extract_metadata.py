"""JSON-LD (also broken), OpenGraph, article:* and plain meta tags."""

from __future__ import annotations

import pytest

from newscrawler.extract.metadata import JsonLdArticle, extract_metadata, loads_lenient


def page(head: str, html_attrs: str = 'lang="tr"') -> str:
    return f"<html {html_attrs}><head>{head}</head><body><p>x</p></body></html>"


def ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


ARTICLE = JsonLdArticle(
    type="newsarticle", headline="Bursa'da \"kent\" bostanı", description="Kısa özet",
    date_published="2025-11-12T09:05:00+03:00", date_modified="2025-11-12T10:20:00+03:00",
    authors=["Ayşe Kaya", "Ali Veli"], section="Yerel", keywords=["Bursa", "bostan"],
    body="İlk paragraf. İkinci paragraf.", url="https://x.com.tr/a-1", publisher="Ege Postası",
    language="tr",
)
ARTICLE_JSON = (
    '{"@type": "NewsArticle", "headline": "Bursa&#39;da &quot;kent&quot; bostanı",'
    ' "description": "Kısa özet", "datePublished": "2025-11-12T09:05:00+03:00",'
    ' "dateModified": "2025-11-12T10:20:00+03:00",'
    ' "author": [{"@type": "Person", "name": "Ayşe Kaya"}, {"name": "Ali Veli"}],'
    ' "articleSection": ["Yerel", "Gündem"], "keywords": "Bursa, bostan",'
    ' "articleBody": "İlk paragraf. İkinci paragraf.", "mainEntityOfPage":'
    ' {"@id": "https://x.com.tr/a-1"}, "publisher": {"@type": "Organization",'
    ' "name": "Ege Postası"}, "inLanguage": "tr"}'
)


@pytest.mark.parametrize("wrap", [
    lambda a: a,
    lambda a: f"[{a}]",
    lambda a: '{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "S"},'
              f" {a}]}}",
    lambda a: a[:-1] + ",}",  # trailing comma
    lambda a: a.replace("İlk paragraf.", "İlk paragraf.\n\t"),  # raw control characters
    lambda a: f"<!--{a}-->",
])
def test_json_ld_article_in_any_wrapping(wrap: object) -> None:
    meta = extract_metadata(page(ld(wrap(ARTICLE_JSON))))  # type: ignore[operator]
    assert meta.json_ld is not None
    got = meta.json_ld
    if got.body:
        got.body = " ".join(got.body.split())
    assert got == ARTICLE


@pytest.mark.parametrize("kind", ["Article", "ReportageNewsArticle", "BlogPosting",
                                  "https://schema.org/NewsArticle"])
def test_json_ld_article_types(kind: str) -> None:
    meta = extract_metadata(page(ld(f'{{"@type": "{kind}", "headline": "Başlık"}}')))
    assert meta.json_ld is not None and meta.json_ld.headline == "Başlık"


def test_json_ld_other_types_are_not_articles() -> None:
    meta = extract_metadata(page(ld('{"@type": "WebPage", "headline": "Liste"}')
                                 + ld('{"@type": "NewsMediaOrganization", "name": "Ege TV"}')))
    assert meta.json_ld is None and meta.json_ld_site_name == "Ege TV"


def test_json_ld_beyond_repair_falls_back_to_regexes() -> None:
    broken = ('{"@type": "NewsArticle", "headline": "Kars\'ta kar", "datePublished": '
              '"2025-01-05T08:00:00+03:00", "author": {"name": "X" "y"}')
    meta = extract_metadata(page(ld(broken)))
    assert meta.json_ld is not None
    assert (meta.json_ld.headline, meta.json_ld.date_published) == (
        "Kars'ta kar", "2025-01-05T08:00:00+03:00")


def test_json_ld_html_escaped_script() -> None:
    meta = extract_metadata(page(ld('{&quot;@type&quot;: &quot;NewsArticle&quot;, '
                                    '&quot;headline&quot;: &quot;Van&quot;}')))
    assert meta.json_ld is not None and meta.json_ld.headline == "Van"


def test_breadcrumbs_from_json_ld() -> None:
    crumbs = ('{"@type": "BreadcrumbList", "itemListElement": [{"name": "Anasayfa"},'
              ' {"name": "Spor"}, {"item": {"name": "Futbol"}}]}')
    assert extract_metadata(page(ld(crumbs))).breadcrumbs == ["Anasayfa", "Spor", "Futbol"]


def test_meta_tags() -> None:
    head = """
    <title> Başlık | Ege Postası </title>
    <meta property="og:title" content="Başlık &amp; alt başlık">
    <meta property="og:type" content="Article">
    <meta property="og:url" content="https://x.com.tr/a-1">
    <meta property="og:site_name" content="Ege Postası">
    <meta property="og:description" content="Özet">
    <meta name="description" content="Açıklama">
    <meta property="article:published_time" content="2025-11-16T10:00:00+03:00">
    <meta property="article:modified_time" content="2025-11-16T11:00:00+03:00">
    <meta name="pubdate" content="2025-11-16">
    <meta property="article:section" content="Gündem">
    <meta property="article:tag" content="İzmir">
    <meta property="article:tag" content="Kadın, STK">
    <meta property="article:author" content="https://facebook.com/ali">
    <meta name="author" content="Ali Veli">
    <meta name="keywords" content="izmir, haber, son dakika">
    <meta name="news_keywords" content="İzmir, STK">
    <link rel="alternate" href="https://x.com.tr/amp/a-1">
    <link rel="canonical" href="https://x.com.tr/a-1?utm=1">
    """
    meta = extract_metadata(page(head, 'lang="tr-TR"'))
    assert meta.title == "Başlık | Ege Postası"
    assert (meta.og_title, meta.og_type, meta.og_url, meta.og_site_name) == (
        "Başlık & alt başlık", "article", "https://x.com.tr/a-1", "Ege Postası")
    assert (meta.og_description, meta.description) == ("Özet", "Açıklama")
    assert meta.published == ["2025-11-16T10:00:00+03:00", "2025-11-16"]
    assert meta.modified == ["2025-11-16T11:00:00+03:00"]
    assert (meta.section, meta.tags) == ("Gündem", ["İzmir", "Kadın", "STK"])
    assert (meta.author, meta.article_authors) == ("Ali Veli", ["https://facebook.com/ali"])
    assert meta.keywords == ["izmir", "haber", "son dakika"]
    assert meta.news_keywords == ["İzmir", "STK"]
    assert (meta.canonical, meta.language) == ("https://x.com.tr/a-1?utm=1", "tr-TR")


def test_lenient_loader_gives_up_quietly() -> None:
    assert loads_lenient("") == []
    assert loads_lenient("not json at all") == []


def test_empty_and_odd_documents() -> None:
    assert extract_metadata("").json_ld is None
    assert extract_metadata('<?xml version="1.0" encoding="utf-8"?><html><head><title>A'
                            "</title></head></html>").title == "A"


def test_json_ld_keyword_entries_holding_several_keywords_are_split() -> None:
    meta = extract_metadata(page(ld('{"@type": "NewsArticle", "headline": "Başlık", '
                                    '"keywords": ["HABER, son dakika, yangın", "İzmir", '
                                    '"yangın"]}')))
    assert meta.json_ld is not None
    assert meta.json_ld.keywords == ["HABER", "son dakika", "yangın", "İzmir"]
