"""Links an article page gives are followed without decoding the page a second time."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from newscrawler.items import ArticleItem
from newscrawler.spiders.news import NewsSpider

PROFILE = """name = "linksite"
base_url = "http://127.0.0.1:8765/"
article_pattern = '^/haber/[a-z0-9-]+-\\d+$'
[discovery]
sitemaps = ["/sitemap.xml"]
"""

PAGE = """<html lang="tr"><head><meta charset="utf-8"><title>Kış şenliği</title>{base}</head>
<body><h1>Ağrı'da kış şenliği</h1><div class="haber-detay">
<p>Şubat ayının son haftasında Ağrı'da düzenlenen kış şenliğine binlerce kişi katıldı.
Şenlikte kızak yarışları ve halk oyunları gösterileri yapıldı.</p>
<p>Belediye yetkilileri, gelecek yıl şenliğin üç gün süreceğini açıkladı ve
ilçe esnafının da etkinliklere katılacağını duyurdu.</p></div>
<section class="related"><h3>Diğer Haberler</h3><ul>
<li><a href="/haber/mus-kar-yagisi-2">Muş'ta kar yağışı etkili oldu</a></li>
<li><a href="kars-buz-festivali-3?utm_source=x#yorum">Kars'ta buz festivali başladı</a></li>
<li><a href="https://127.0.0.1:8765/haber/van-golu-4">Van Gölü kıyısında temizlik</a></li>
<li><a href="http://127.0.0.1:8765/haber/erzurum-kayak-5/">Erzurum'da kayak sezonu</a></li>
</ul></section></body></html>"""


class TextlessResponse(HtmlResponse):
    """A response that fails the test when its body is decoded as a whole."""

    @property
    def text(self) -> str:
        raise AssertionError("the page was decoded a second time (response.text)")


def _spider(tmp_path: Path) -> NewsSpider:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "linksite.toml").write_text(PROFILE, "utf-8")
    spider_class: type[NewsSpider] = type(
        "LinksiteSpider", (NewsSpider,), {"name": "linksite", "profile_name": "linksite"})
    # Not get_crawler(): its settings are frozen, and the spider applies the profile's delay.
    crawler = Crawler(spider_class, Settings({"NEWSCRAWLER_SITES_DIR": str(sites)}))
    spider = spider_class.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats = MemoryStatsCollector(crawler)
    return spider


def _follow(spider: NewsSpider, response: HtmlResponse) -> tuple[list[ArticleItem], list[str]]:
    async def run() -> list[Any]:
        return [out async for out in spider.parse_article(response)]

    out = asyncio.run(run())
    items = [o for o in out if isinstance(o, ArticleItem)]
    return items, [o.url for o in out if isinstance(o, scrapy.Request)]


def test_article_links_are_followed_without_decoding_the_page_again(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    url = "http://127.0.0.1:8765/haber/agri-kis-senligi-1"
    body = PAGE.format(base="").encode("utf-8")
    items, followed = _follow(spider, TextlessResponse(url, body=body, encoding="utf-8"))
    assert len(items) == 1 and items[0].is_article
    assert followed == ["http://127.0.0.1:8765/haber/mus-kar-yagisi-2",
                        "http://127.0.0.1:8765/haber/kars-buz-festivali-3",
                        "https://127.0.0.1:8765/haber/van-golu-4",
                        "http://127.0.0.1:8765/haber/erzurum-kayak-5"]


def test_links_resolve_against_the_pages_base_href_as_before(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    url = "http://127.0.0.1:8765/arsiv/2025/agri-kis-senligi-1"
    body = PAGE.format(base='<base href="http://127.0.0.1:8765/haber/">').encode("utf-8")
    _, followed = _follow(spider, HtmlResponse(url, body=body, encoding="utf-8"))
    # What Scrapy's response.urljoin (the <base href> of the page) gives for each link.
    expected = HtmlResponse(url, body=body, encoding="utf-8")
    assert followed[1] == "http://127.0.0.1:8765/haber/kars-buz-festivali-3"
    assert followed[1] == expected.urljoin("kars-buz-festivali-3")


def test_links_requested_already_are_not_requested_again(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    body = PAGE.format(base="").encode("utf-8")
    first = "http://127.0.0.1:8765/haber/agri-kis-senligi-1"
    _, followed = _follow(spider, HtmlResponse(first, body=body, encoding="utf-8"))
    assert len(followed) == 4
    again = "http://127.0.0.1:8765/haber/agri-kis-senligi-9"
    _, followed = _follow(spider, HtmlResponse(again, body=body, encoding="utf-8"))
    assert followed == []
    assert spider.crawler.stats.get_value("discovery/from_article") == 4
