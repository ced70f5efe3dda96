"""Pieces several test modules share: the sample site's pages as a worker gets them, every
worker step switched on, and a spider of a sitemap-only profile built without a crawl."""

from __future__ import annotations

from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from newscrawler.extract.pool import Steps
from newscrawler.sample_server import SAMPLE_ROOT
from newscrawler.spiders import news

#: The fetch time the worker tests give their pages.
FETCHED = "2025-11-20T09:00:00+00:00"
#: Every step a worker can take.
FULL = Steps(clean=True, split=True, places=True, template=True, block=True, dates=True,
             archive=True, stories=True, links=True)


def sample_pages() -> list[tuple[str, bytes]]:
    """The sample site's articles, as (URL on loopback, bytes)."""
    found = [(f"http://127.0.0.1:8765/{path.stem}", path.read_bytes())
             for path in sorted(SAMPLE_ROOT.glob("*-1000*.html"))]
    assert len(found) > 20
    return found


def mapsite_spider(tmp_path: Path, profile: str) -> news.NewsSpider:
    """A ``mapsite`` spider of the profile text ``profile``, without workers, with stats."""
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "mapsite.toml").write_text(profile, "utf-8")
    spider_class: type[news.NewsSpider] = type(
        "MapsiteSpider", (news.NewsSpider,), {"name": "mapsite", "profile_name": "mapsite"})
    crawler = Crawler(spider_class, Settings({"NEWSCRAWLER_SITES_DIR": str(sites),
                                              "EXTRACT_WORKERS": 0}))
    spider = spider_class.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats = MemoryStatsCollector(crawler)
    return spider
