"""Pipeline steps an extraction worker runs ahead (#11): the same items, records and stats.

``prepare_text`` with every step (what a worker sends back) is run here, in the test's
process, then through the real pipelines; the same pages go through the pipelines alone
(``EXTRACT_WORKERS=0``). The crawl-level check (a real crawl with and without workers, and
with a worker killed) is in ``tests/test_extract_workers.py``.
"""

from __future__ import annotations

import asyncio
import types
import unicodedata
import zlib
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from archive import Archive, content_hash, spellings, stories
from archive.fold import fold
from newscrawler.extract.pool import Steps, extract_bytes, prepare_text
from newscrawler.items import ArticleItem
from newscrawler.pipelines import block, dates, dedupe, template
from newscrawler.pipelines.block import BlockPagePipeline
from newscrawler.pipelines.clean import CleanTextPipeline
from newscrawler.pipelines.dates import DatesPipeline
from newscrawler.pipelines.dedupe import DedupePipeline
from newscrawler.pipelines.places import PlacesPipeline
from newscrawler.pipelines.split import SplitHeadlinesPipeline
from newscrawler.pipelines.template import TemplatePipeline
from newscrawler.pipelines.validate import ValidatePipeline
from newscrawler.profiles import get_profile
from newscrawler.sample_server import SAMPLE_ROOT
from newscrawler.settings import ITEM_PIPELINES
from newscrawler.spiders.news import PREPARED_FIELDS, WORKER_STEPS, worker_steps
from newscrawler.text import templates
from newscrawler.text.dates import DateCandidate

FETCHED = "2025-11-20T09:00:00+00:00"
CHAIN = (CleanTextPipeline, SplitHeadlinesPipeline, TemplatePipeline, DatesPipeline,
         BlockPagePipeline, ValidatePipeline, DedupePipeline, PlacesPipeline)
BLOCKED = (b"<html><head><title>Eri\xc5\x9fim engellendi</title></head><body><h1>Eri\xc5\x9fim "
           b"engellendi</h1><p>G\xc3\xbcvenlik nedeniyle eri\xc5\x9fiminiz "
           b"engellenmi\xc5\x9ftir.</p></body></html>")


CTA = b"<p>Haberlerimizi Google'da Takip Edin</p>"
TEMPLATE = "<p>Ege Postası'nı destekleyin, abone olun.</p>".encode()


def pages() -> list[tuple[str, bytes]]:
    """The sample site's articles, with a call-to-action box (every second one) and a line
    the site repeats (every third one), one of them twice (same text, another URL), and a
    block page."""
    found = []
    for n, path in enumerate(sorted(SAMPLE_ROOT.glob("*-1000*.html"))):
        html = path.read_bytes()
        extra = (CTA if n % 2 == 0 else b"") + (TEMPLATE if n % 3 == 0 else b"")
        head, tail = html.split(b"</p>", 1)
        found.append((f"http://127.0.0.1:8765/{path.stem}", head + b"</p>" + extra + tail))
    assert len(found) > 20
    return [*found, (found[0][0] + "-kopya", found[0][1]),
            ("http://127.0.0.1:8765/engel-100900", BLOCKED)]


def steps(tmp_path: Path) -> Steps:
    """The steps a crawl into an archive asks workers for (every one)."""
    crawler = get_crawler(settings_dict={"ARCHIVE_DB": str(tmp_path / "news.db"),
                                         "ITEM_PIPELINES": ITEM_PIPELINES,
                                         "EXTRACT_WORKER_STEPS": list(WORKER_STEPS)})
    chosen = worker_steps(crawler.settings, get_profile("sample"))
    assert chosen.template and chosen.block and chosen.dates and chosen.archive
    assert chosen.stories and chosen.raw
    return chosen


def item_for(url: str, body: bytes, text: ArticleItem | None) -> ArticleItem:
    """The spider's item for a page (``text``: what a worker sent back)."""
    profile = get_profile("sample")
    encoding, extracted = extract_bytes(body, "utf-8", url, profile)
    item = ArticleItem(
        url=url, site="sample", fetched_at=text.fetched_at if text else FETCHED,
        canonical_url=url, encoding=encoding, raw_html=body,
        is_article=extracted.is_article, reason=extracted.reason, title=extracted.title,
        author=extracted.author, category=extracted.category, tags=list(extracted.tags),
        description=extracted.description,
        language=extracted.language or profile.language, blocks=list(extracted.blocks),
        date_candidates=[*extracted.date_candidates, DateCandidate("sitemap", "2025-11-18")])
    if text is not None:
        for name in PREPARED_FIELDS:
            setattr(item, name, getattr(text, name))
    return item


def worker_text(url: str, body: bytes, chosen: Steps) -> ArticleItem | None:
    """What a worker sends back for a page (the sitemap's date known when it was sent)."""
    profile = get_profile("sample")
    _encoding, extracted = extract_bytes(body, "utf-8", url, profile)
    return prepare_text(extracted, profile, chosen, raw=body, fetched_at=FETCHED,
                        dates_from=(DateCandidate("sitemap", "2025-11-18"),))


def run(items: list[ArticleItem], **settings: Any) -> tuple[list[Any], dict[str, Any]]:
    """Each item through the pipelines: its record, or why it was dropped; the stats."""
    crawler = get_crawler(settings_dict=settings)
    crawler.spider = types.SimpleNamespace(profile=get_profile("sample"))
    chain = [cls.from_crawler(crawler) for cls in CHAIN]
    out: list[Any] = []
    for item in items:
        try:
            for pipeline in chain:
                item = pipeline.process_item(item)
        except DropItem as exc:
            out.append(str(exc))
        else:
            out.append(item)
    assert crawler.stats is not None
    stats = {k: v for k, v in crawler.stats.get_stats().items() if "/" in k}
    return out, stats


def test_steps_ahead_give_the_same_records_and_stats(tmp_path: Path) -> None:
    chosen = steps(tmp_path)
    settings = {"TEMPLATE_MIN_PAGES": 3, "TEMPLATE_MIN_SHARE": 0.1}
    here, here_stats = run([item_for(u, b, None) for u, b in pages()], **settings)
    ahead, ahead_stats = run([item_for(u, b, worker_text(u, b, chosen)) for u, b in pages()],
                             **settings)
    assert ahead_stats == here_stats
    # The pages exercise every step: boxes, learned template lines (taken out after the
    # worker's text: those pages are recomputed here), a copy, a block page.
    assert here_stats["template/cta_dropped"] and here_stats["template/lines_dropped"]
    assert here_stats["dedupe/dropped_content"] == 1 and here_stats["block/pages/title"] == 1
    given = 0
    for mine, theirs in zip(here, ahead, strict=True):
        if isinstance(mine, str):
            assert theirs == mine
            continue
        record = theirs.record()
        if "content_hash" in record:
            given += 1
            assert record.pop("content_hash") == content_hash(theirs.title, theirs.body)
            found, keys = record.pop("story_prints")
            want = stories.prints(fold(unicodedata.normalize("NFC", theirs.body)))
            assert (list(found), keys) == (list(want[0]), want[1])
            assert record.pop("spellings") == spellings.spellings_of(
                unicodedata.normalize("NFC", theirs.title or ""),
                unicodedata.normalize("NFC", theirs.body))
        assert record == mine.record()
        assert zlib.decompress(theirs.prepared.raw_compressed) == theirs.raw_html
    assert 0 < given < len([m for m in here if not isinstance(m, str)])


def test_the_crawl_process_does_not_do_again_what_a_worker_did(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = steps(tmp_path)
    items = [item_for(u, b, worker_text(u, b, chosen)) for u, b in pages()]
    raws = {item.url: item.raw_html for item in items}

    def never(*_: Any, **__: Any) -> Any:
        raise AssertionError("computed in the crawl's process")

    for module, name in ((template, "is_cta"), (templates, "_folded_and_hashed"),
                         (block, "block_reason"), (block, "page_text"),
                         (dates, "choose_dates"), (dedupe, "content_hash"),
                         (stories, "shingles"), (stories, "signature")):
        monkeypatch.setattr(module, name, never)
    import archive.store

    monkeypatch.setattr(archive.store, "content_hash", never)
    monkeypatch.setattr(archive.store, "zlib", types.SimpleNamespace(
        compress=never, decompress=zlib.decompress))
    done, stats = run(items, TEMPLATE_MIN_PAGES=1000)  # nothing learned: the text stays
    kept = [item for item in done if not isinstance(item, str)]
    assert len(kept) > 20 and stats["template/cta_dropped"]
    with Archive(tmp_path / "news.db") as store:
        assert set(store.save_articles([item.record() for item in kept])) == {"new"}
        store.save_raw_pages([{"url": item.url, "status": 200, "body": item.raw_html,
                               "compressed": item.prepared.raw_compressed} for item in kept])
        assert store.raw_page(kept[0].url)["body"] == raws[kept[0].url]
        assert store.conn.execute("select count(*) from story_bands_recent").fetchone()[0]


class _Pool:
    """A pool whose worker reads the page while the crawl learns a feed date for it."""

    generation = 0

    def recycled(self) -> int:
        """No worker is ever replaced here."""
        return 0

    def __init__(self, spider: Any, late: DateCandidate | None) -> None:
        self.spider, self.late = spider, late

    def submit(self, body: bytes, charset: str | None, url: str,
               dates_from: tuple[DateCandidate, ...], light: bool = False) -> Future[Any]:
        profile = self.spider.profile
        full = Steps(clean=True, split=True, dates=True)
        encoding, extracted = extract_bytes(body, charset, url, profile)
        text = prepare_text(extracted, profile, full, raw=body, fetched_at=FETCHED,
                            dates_from=dates_from)
        if self.late is not None:  # parse_feed ran meanwhile
            self.spider._dates.setdefault(url, []).append(self.late)
        future: Future[Any] = Future()
        future.set_result((encoding, extracted, text))
        return future


@pytest.mark.parametrize("late", [None, DateCandidate("feed", "2025-11-19T08:00:00+03:00")])
def test_the_worker_dates_an_item_unless_a_date_came_meanwhile(
        late: DateCandidate | None) -> None:
    from newscrawler.spiders.news import NewsSpider

    spider = NewsSpider("sample", site="sample")
    spider.crawler = get_crawler(NewsSpider)
    spider.profile = get_profile("sample")
    spider.follow_links = False
    url, body = pages()[1]
    early = DateCandidate("sitemap", "2025-11-18")
    spider._dates[url] = [early]
    spider._pool = _Pool(spider, late)  # type: ignore[assignment]
    response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})

    async def first() -> ArticleItem:
        async for out in spider.parse_article(response):
            return out  # type: ignore[no-any-return]
        raise AssertionError("no item")

    item = asyncio.run(first())
    assert item.fetched_at == FETCHED
    assert item.date_candidates[-2:] == [early, late] if late else item.date_candidates[-1] == early
    assert item.prepared is not None and (item.prepared.dates is None) == (late is not None)
    here = item_for(url, body, None)
    here.date_candidates = list(item.date_candidates)
    run([item])
    run([here])
    assert (item.published_at, item.updated_at, item.date_source, item.date_raw) == (
        here.published_at, here.updated_at, here.date_source, here.date_raw)
