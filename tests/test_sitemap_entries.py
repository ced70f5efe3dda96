"""_sitemap_entries reads lxml's elements with compiled XPath: parsel's answers, faster."""

from __future__ import annotations

import random
import re

from parsel import Selector

from newscrawler.spiders.news import _sitemap_entries

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parsel_entries(sel: Selector) -> list[tuple[str, str | None]]:
    """The reading through parsel's selectors, as the spider had it."""
    entries = []
    for entry in sel.xpath("//urlset/url"):
        loc = (entry.xpath("loc/text()").get() or "").strip()
        raw_date = (entry.xpath("news/publication_date/text()").get()
                    or entry.xpath("lastmod/text()").get())
        entries.append((loc, raw_date))
    return entries


def selector(xml: str) -> Selector:
    sel = Selector(text=_DECLARATION.sub("", xml, count=1), type="xml")
    sel.remove_namespaces()
    return sel


URLS = [
    "<url><loc> http://a.test/x-1 </loc><lastmod>2025-11-16</lastmod></url>",
    "<url><loc>http://a.test/x-2</loc><news:news><news:publication_date>2025-11-17T10:00:00+03:00"
    "</news:publication_date></news:news><lastmod>2025-11-18</lastmod></url>",
    "<url><loc><![CDATA[http://a.test/x-3?a=1&b=2]]></loc></url>",
    "<url><loc>http://a.test/<!-- c -->x-4</loc><lastmod>  </lastmod></url>",
    "<url><loc><b>in</b>http://a.test/x-5</loc></url>",
    "<url><loc></loc><loc>http://a.test/x-6</loc></url>",
    "<url><lastmod>2025-01-01</lastmod></url>",
    "<url><loc>http://a.test/x-7</loc><news:news><news:publication_date></news:publication_date>"
    "</news:news><lastmod>2024-12-31</lastmod></url>",
    "<url><loc>http://a.test/x-8</loc><news:news><news:publication_date><![CDATA[]]>"
    "</news:publication_date></news:news><lastmod>2024-12-30</lastmod></url>",
    "<url><loc>http://a.test/ş-9</loc><lastmod><x/>tail</lastmod></url>",
    "<url/>",
]


def sitemap(urls: list[str], *, wrap: bool = False) -> str:
    body = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            + "".join(urls) + "</urlset>")
    if wrap:  # a url set inside another element, and a url outside any url set
        body = f"<root><url><loc>http://a.test/outside</loc></url>{body}</root>"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def test_the_entries_are_parsels_on_odd_sitemaps():
    for wrap in (False, True):
        sel = selector(sitemap(URLS, wrap=wrap))
        assert _sitemap_entries(sel) == parsel_entries(sel)
    assert _sitemap_entries(selector(sitemap(URLS)))[:3] == [
        ("http://a.test/x-1", "2025-11-16"),
        ("http://a.test/x-2", "2025-11-17T10:00:00+03:00"),
        ("http://a.test/x-3?a=1&b=2", None)]


def test_the_entries_are_parsels_on_random_sitemaps():
    rng = random.Random(11)
    for _ in range(50):
        urls = [rng.choice(URLS) for _ in range(rng.randrange(0, 30))]
        sel = selector(sitemap(urls, wrap=rng.random() < 0.3))
        found = _sitemap_entries(sel)
        assert found == parsel_entries(sel)
        assert all(type(loc) is str and type(d) in (str, type(None)) for loc, d in found)


def test_a_sitemap_index_has_no_entries():
    sel = selector('<sitemapindex><sitemap><loc>http://a.test/s.xml</loc></sitemap>'
                   '</sitemapindex>')
    assert _sitemap_entries(sel) == parsel_entries(sel) == []
