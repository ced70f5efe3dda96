"""What a crawl remembers a URL by stays small: 64-bit keys in dicts, not strings in sets (#11).

Goal 6 (a 20,000-page crawl under 200 MB) on ~97 KB pages: the spider's requested and
parsed URLs, the dedupe pipeline's URLs and texts, the template books' counted pages and
Scrapy's duplicate filter each kept 2-4 MB at 20,000 pages as sets of strings or bytes
(a set's table grows fourfold below 50,000 entries: 2 MB at 20,000). Each is now ~1.3 MB.
And the crawl's archive connection caches ``ARCHIVE_CACHE_MB`` (8 MiB), not 16.
"""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import scrapy
from harness import mapsite_spider
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import DropItem
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler

from newscrawler import settings as defaults
from newscrawler.dupefilter import CompactDupeFilter, fingerprint_key
from newscrawler.items import ArticleItem
from newscrawler.pipelines.dedupe import DedupePipeline
from newscrawler.pipelines.template import TemplatePipeline
from newscrawler.spiders import news
from newscrawler.text.templates import MAX_CHARS, TemplateBook

PROFILE = """name = "mapsite"
base_url = "http://127.0.0.1:8765/"
article_pattern = '^/haber/[a-z0-9-]+-\\d+$'
[discovery]
sitemaps = ["/sitemap.xml"]
"""
N = 20_000


def _spider(tmp_path: Path) -> news.NewsSpider:
    return mapsite_spider(tmp_path, PROFILE)


def _sitemap(urls: list[str]) -> XmlResponse:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{entries}</urlset>').encode()
    return XmlResponse("http://127.0.0.1:8765/sitemap.xml", body=body)


def _traced(build: Any) -> tuple[Any, int]:
    """What ``build()`` returns, and the bytes it left allocated."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = build()
        return kept, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_the_spider_remembers_requested_urls_as_ints_and_requests_each_once(
        tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    urls = [f"http://127.0.0.1:8765/haber/olay-{i}" for i in range(1, 301)]
    first = list(spider.parse_sitemap(_sitemap(urls)))
    assert [r.url for r in first if isinstance(r, scrapy.Request)] == urls
    again = list(spider.parse_sitemap(_sitemap([*urls[:10], urls[0] + "1000"])))
    assert [r.url for r in again] == [urls[0] + "1000"]
    assert len(spider._seen) == 301 and all(type(k) is int for k in spider._seen)


def test_the_spiders_url_book_takes_under_1_5_mb_at_20000_urls(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    urls = [f"http://127.0.0.1:8765/haber/belediye-meclis-toplanti-{i}" for i in range(N)]

    def remember() -> int:
        return sum(1 for _ in spider._new_articles(urls, source="sitemap"))

    requested, kept = _traced(remember)
    # A set of the strings: its table alone took 2 MB (and the strings ~2 MB more in a crawl,
    # where nothing else holds them); 64-bit keys in a dict: ~1.3 MB.
    assert requested == N and kept < 1.5 * 2**20
    assert remember() == 0


def _article(url: str, body: str, site: str = "x") -> ArticleItem:
    return ArticleItem(url=url, site=site, fetched_at="2025-11-17T09:00:00+00:00",
                       canonical_url=url, title="Haber", body=body)


def test_dedupe_keeps_int_keys_and_drops_what_it_dropped() -> None:
    pipe = DedupePipeline.from_crawler(get_crawler())
    for i in range(100):
        pipe.process_item(_article(f"http://h/a-{i}", f"Metin {i} burada."))
    with pytest.raises(DropItem, match="already seen"):
        pipe.process_item(_article("http://h/a-5", "Başka bir metin."))
    with pytest.raises(DropItem, match="same text as http://h/a-7"):
        pipe.process_item(_article("http://h/kopya", "Metin 7 burada."))
    assert pipe.process_item(_article("http://o/kopya", "Metin 7 burada.", "o")) is not None
    assert all(type(k) is int for k in pipe.urls) and len(pipe.urls) == 102
    assert set(pipe.hashes) == {"x", "o"} and all(
        type(k) is int for texts in pipe.hashes.values() for k in texts)


def test_a_books_counted_pages_are_a_dicts_int_keys() -> None:
    book = TemplateBook(min_pages=2)
    for n in range(3):
        book.observe(f"/haber/{n}", ["Bizi destekleyin.", f"Haber {n}."])
    book.observe("/haber/1", ["Bizi destekleyin."])  # counted once
    assert type(book._counted) is dict and len(book._counted) == 3
    assert book.site_pages == 3 and book.is_template("Bizi destekleyin.")


def test_the_archived_keys_leave_out_lines_too_long_to_be_template(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVE_DB": str(tmp_path / "news.db")})
    pipe = TemplatePipeline.from_crawler(crawler)
    long = "Uzun paragraf " + "kelime " * (MAX_CHARS // 7 + 1)
    assert len(long.strip()) > MAX_CHARS
    item = _article("http://h/a", f"Kısa satır bir.\n\n{long}\n\nKısa satır iki.\n  \n")
    pipe.item_scraped(item)
    [(url, keys)] = pipe.archived["x"]
    assert url == "http://h/a" and len(keys) == 16  # two short lines, 8 bytes each


def _requests(n: int, seed: int) -> list[scrapy.Request]:
    rng = random.Random(seed)
    return [scrapy.Request(f"http://127.0.0.1/haber/{rng.randrange(n // 2)}?p={rng.random() < .1}")
            for _ in range(n)]


def test_the_compact_dupefilter_answers_as_scrapys() -> None:
    assert defaults.DUPEFILTER_CLASS == "newscrawler.dupefilter.CompactDupeFilter"
    ours, theirs = CompactDupeFilter(), RFPDupeFilter()
    requests = _requests(3000, 1)
    assert ([ours.request_seen(r) for r in requests]
            == [theirs.request_seen(r) for r in requests])
    assert len(ours.keys) == len(theirs._fingerprints) and not ours._fingerprints
    assert set(ours.keys) == {fingerprint_key(fp) for fp in theirs._fingerprints}


def test_the_compact_dupefilter_keeps_scrapys_jobdir_file(tmp_path: Path) -> None:
    requests = _requests(400, 2)
    first = CompactDupeFilter(str(tmp_path))
    new = [not first.request_seen(r) for r in requests[:200]].count(True)
    first.close("shutdown")
    scrapys = RFPDupeFilter(str(tmp_path))  # reads what ours wrote
    assert len(scrapys._fingerprints) == new and len(first._fingerprints) == new
    scrapys.close("shutdown")
    resumed = CompactDupeFilter(str(tmp_path))
    assert all(resumed.request_seen(r) for r in requests[:200])
    resumed.close("shutdown")


def _cache_size(db: Path, **settings: Any) -> int:
    """``PRAGMA cache_size`` of an opened archive pipeline's connection."""
    from tests.test_pipelines import open_archive_pipeline

    _, pipe = open_archive_pipeline(db, **settings)
    try:
        store = pipe.store
        assert store is not None
        return int(pipe._run(lambda: store.conn.execute("PRAGMA cache_size").fetchone()[0]))
    finally:
        pipe.close_spider()
        pipe.spider_closed(reason="finished")


def test_the_crawls_archive_connection_caches_archive_cache_mb(tmp_path: Path) -> None:
    from archive.store import CACHE_KIB

    assert defaults.ARCHIVE_CACHE_MB == 8
    assert _cache_size(tmp_path / "a.db", ARCHIVE_CACHE_MB=defaults.ARCHIVE_CACHE_MB) == -8192
    assert _cache_size(tmp_path / "b.db", ARCHIVE_CACHE_MB=0) == -CACHE_KIB
