"""What a long crawl keeps in memory stays bounded, and learns what it learned before (#11).

Goal 6 (a 20,000-page crawl under 200 MB) is measured by ``bench/crawl_memory.py``; these
tests check the behaviour that bounds it: template books forget lines seen on one page,
the block pipeline keeps at most ``SAME_BODY_URLS`` URL hashes a short text.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawler.items import ArticleItem, Block
from newscrawler.pipelines.block import SAME_BODY_URLS, BlockPagePipeline
from newscrawler.text.templates import FORGET_AFTER, TemplateBook


def _page(n: int, rng: random.Random, boxes: list[str]) -> list[str]:
    """One page: four lines of its own, and each box with that box's probability."""
    own = [f"Haber {n} satır {i}: " + " ".join(rng.choices("abcdefghijklmnop", k=12))
           for i in range(4)]
    return own + [box for i, box in enumerate(boxes) if rng.random() < 1 / (i + 1)]


def test_a_book_forgets_lines_seen_once() -> None:
    book = TemplateBook(min_pages=5, min_share=0.25)
    for n in range(5 * FORGET_AFTER):
        book.observe(f"/haber/{n}", [f"Haber {n} tek satır.", "Bizi destekleyin, abone olun."])
    assert len(book.lines) <= FORGET_AFTER + 2  # was one line a page, 2,501
    assert [t.text for t in book.templates()] == ["Bizi destekleyin, abone olun."]
    assert book.templates()[0].pages == 5 * FORGET_AFTER


def test_forgetting_keeps_what_is_learned() -> None:
    """Templates and counts equal those of counting every line (boxes recur often)."""
    rng = random.Random(4)
    boxes = [f"Kutu {i}: sitemizi destekleyin." for i in range(1, 9)]
    book = TemplateBook(min_pages=5, min_share=0.25)
    counts: Counter[str] = Counter()
    for n in range(3 * FORGET_AFTER):
        lines = _page(n, rng, boxes)
        book.observe(f"/haber/{n}", ["\n".join(lines)])
        counts.update(lines)
    expected = sorted((line, c) for line, c in counts.items()
                      if c >= 5 and c >= 0.25 * 3 * FORGET_AFTER)
    assert sorted((t.text, t.pages) for t in book.templates()) == expected
    assert len(expected) >= 3
    pages = {t.text: t.pages for t in book.lines.values()}
    assert {box: pages[box] for box in boxes} == {box: counts[box] for box in boxes}
    assert len(book.lines) <= len(boxes) + 4 * (FORGET_AFTER + 1)  # was 4 a page: 6,000


def test_one_page_can_still_make_a_template_when_settings_allow() -> None:
    book = TemplateBook(min_pages=1, min_share=0.0)
    for n in range(FORGET_AFTER + 10):
        book.observe(f"/haber/{n}", [f"Haber {n} tek satır."])
    assert book.is_template("Haber 0 tek satır.")


def test_the_same_page_counts_once() -> None:
    book = TemplateBook(min_pages=2)
    for _ in range(3):
        book.observe("/haber/1", ["Bizi destekleyin."])
    assert (book.site_pages, book.lines[next(iter(book.lines))].pages) == (1, 1)


def _short(pipeline: BlockPagePipeline, url: str, text: str) -> bool:
    """Whether the block pipeline drops a short article page at ``url``."""
    item = ArticleItem(url=url, site="x", fetched_at="", title="Haber", body=text,
                       blocks=[Block("p", text)], raw_html=b"<html></html>")
    try:
        pipeline.process_item(item)
    except DropItem:
        return True
    return False


def test_block_pipeline_keeps_a_few_url_hashes_a_short_text() -> None:
    pipeline = BlockPagePipeline.from_crawler(get_crawler(settings_dict={"BLOCK_CLOSE_PAGES": 0}))
    notice = "Sistemlerimizde kısa süreli bir bakım çalışması yapılmaktadır, birazdan deneyin."
    assert not _short(pipeline, "http://127.0.0.1/a", notice)
    assert not _short(pipeline, "http://127.0.0.1/a", notice)  # the same URL again
    assert not _short(pipeline, "http://127.0.0.1/b", notice)
    assert all(_short(pipeline, f"http://127.0.0.1/{n}", notice) for n in range(50))
    assert _short(pipeline, "http://127.0.0.1/a", notice)
    assert [len(urls) for urls in pipeline.bodies.values()] == [SAME_BODY_URLS]


def test_import_sqlite_utils_hides_pandas_only_while_importing_it() -> None:
    pytest.importorskip("pandas")
    code = ("import sys; from newscrawler.nopandas import import_sqlite_utils; "
            "import_sqlite_utils(); import sqlite_utils; "
            "print('pandas' in sys.modules, 'numpy' in sys.modules, "
            "sqlite_utils.Database(memory=True).table('t').insert({'a': 1}).count); "
            "import pandas, numpy; print(pandas.__name__, numpy.__name__)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout.split() == ["False", "False", "1", "pandas", "numpy"], proc.stderr


def test_numpy_loaded_before_sqlite_utils_stays_known_to_it() -> None:
    pytest.importorskip("numpy")
    code = ("import sys, numpy; from newscrawler.nopandas import import_sqlite_utils; "
            "import_sqlite_utils(); import sqlite_utils.db as db; "
            "print(numpy.int64 in db.COLUMN_TYPE_MAPPING)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout.split() == ["True"], proc.stderr


def test_a_crawl_does_not_import_pandas(sample_origin: str, tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    code = ("import atexit, sys; atexit.register(lambda: print('PANDAS', 'pandas' in "
            "sys.modules)); from newscrawler.cli import main; sys.argv[0] = 'newscrawler'; "
            "main()")
    proc = subprocess.run(
        [sys.executable, "-c", code, "crawl", "sample", "--db", str(tmp_path / "news.db"),
         "--base-url", sample_origin, "--set", "PROGRESS_INTERVAL=0", "--max-articles", "3"],
        capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "PANDAS False" in proc.stdout


SITEMAP_PROFILE = """name = "mapsite"
base_url = "http://127.0.0.1:8765/"
article_pattern = '^/haber/[a-z0-9-]+-\\d+$'
[discovery]
sitemaps = ["/sitemap.xml"]
"""


def test_a_sitemaps_tree_is_let_go_before_its_requests_are_taken(tmp_path: Path) -> None:
    """Scrapy takes a callback's requests one an event-loop turn: a large sitemap's parsed
    tree and selectors must not live as long as its requests are being taken (~14 MB for
    20,000 URLs), while every entry still gives its request and date."""
    import gc

    import scrapy
    from harness import mapsite_spider
    from parsel import Selector
    from scrapy.http import XmlResponse

    from newscrawler.spiders import news

    class Tracked(Selector):
        """A selector gc can find (every selector of the sitemap is one)."""

    spider = mapsite_spider(tmp_path, SITEMAP_PROFILE)
    urls = "".join(f"<url><loc>http://127.0.0.1:8765/haber/olay-{i}</loc>"
                   f"<lastmod>2026-12-0{1 + i % 5}</lastmod></url>" for i in range(1, 301))
    body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{urls}</urlset>').encode()
    response = XmlResponse("http://127.0.0.1:8765/sitemap.xml", body=body)
    original = news.Selector
    news.Selector = Tracked  # type: ignore[misc]
    try:
        out = spider.parse_sitemap(response)
        first = next(out)
        gc.collect()
        alive = sum(isinstance(o, Tracked) for o in gc.get_objects())
        requests = [first, *out]
    finally:
        news.Selector = original  # type: ignore[misc]
    assert alive == 0  # was 301: the sitemap's selector and one per <url>
    assert all(isinstance(r, scrapy.Request) for r in requests)
    assert [r.url for r in requests] == [f"http://127.0.0.1:8765/haber/olay-{i}"
                                         for i in range(1, 301)]
    assert spider.crawler.stats.get_value("discovery/sitemap_entries") == 300
    assert spider._dates["http://127.0.0.1:8765/haber/olay-7"][0].raw == "2026-12-03"
