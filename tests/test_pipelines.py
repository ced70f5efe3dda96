"""Each item pipeline on its own, built the way Scrapy builds it (``get_crawler``)."""

from __future__ import annotations

import asyncio
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from newscrawler.extract.blocks import Block, Link
from newscrawler.items import ArticleItem
from newscrawler.pipelines.archive import ArchivePipeline
from newscrawler.pipelines.clean import CleanTextPipeline
from newscrawler.pipelines.dates import DatesPipeline
from newscrawler.pipelines.dedupe import DedupePipeline
from newscrawler.pipelines.split import SplitHeadlinesPipeline
from newscrawler.pipelines.validate import ValidatePipeline
from newscrawler.text.dates import DateCandidate

BODY = ("Karşıyaka Belediyesi, kadına yönelik şiddetle mücadele kapsamında mahallelerde "
        "bilgilendirme toplantıları düzenledi. Toplantılara yüzlerce kişi katıldı.")


def make_item(**kw: Any) -> ArticleItem:
    base: dict[str, Any] = dict(
        url="http://127.0.0.1/karsiyakada-toplanti-100001", site="sample",
        fetched_at="2025-11-17T09:00:00+00:00", title="Karşıyaka'da toplantı",
        blocks=[
            Block("p", BODY),
            Block("p", "İkinci paragraf: etkinlikler ay sonuna kadar sürecek ve "
                       "vatandaşlar ücretsiz katılabilecek."),
            Block("p", "Hibya Haber Ajansı"),
            Block("links", "Diğer Haberler", (
                Link("Bornova'da yeni park açıldı", "http://127.0.0.1/bornova-park-100002"),
                Link("Buca'da su kesintisi", "http://127.0.0.1/buca-su-100003"),
                Link("Çiğli'de konser", "http://127.0.0.1/cigli-konser-100004"),
            ), in_article=False),
        ],
        date_candidates=[DateCandidate("byline", "16.11.2025 14:32")],
    )
    base.update(kw)
    return ArticleItem(**base)


def crawler_for(pipeline_cls: type, **settings: Any) -> Any:
    crawler = get_crawler(settings_dict=settings)
    return pipeline_cls.from_crawler(crawler), crawler


def run_chain(item: ArticleItem, **settings: Any) -> tuple[ArticleItem, Any]:
    crawler = get_crawler(settings_dict=settings)
    for cls in (CleanTextPipeline, SplitHeadlinesPipeline, DatesPipeline, ValidatePipeline):
        item = cls.from_crawler(crawler).process_item(item)
    return item, crawler.stats


def test_clean_repairs_text_and_drops_boilerplate() -> None:
    item = make_item(title="Ä°zmir&#39;de  toplantı\u200b", blocks=[
        Block("p", "Kar\u00adşıyaka  Belediyesi\u00a0açıklama yaptı."),
        Block("p", "Haberin Devamı"),
    ])
    pipe, crawler = crawler_for(CleanTextPipeline)
    pipe.process_item(item)
    assert item.title == "İzmir'de toplantı"
    assert [b.text for b in item.blocks] == ["Karşıyaka Belediyesi açıklama yaptı."]
    assert crawler.stats.get_value("clean/boilerplate_dropped") == 1


def test_split_keeps_the_list_as_data() -> None:
    item, stats = run_chain(make_item())
    assert item.body.split("\n\n")[0] == BODY
    assert item.credit == "Hibya Haber Ajansı"
    assert item.headlines == [
        {"position": 1, "title": "Bornova'da yeni park açıldı",
         "url": "http://127.0.0.1/bornova-park-100002"},
        {"position": 2, "title": "Buca'da su kesintisi", "url": "http://127.0.0.1/buca-su-100003"},
        {"position": 3, "title": "Çiğli'de konser", "url": "http://127.0.0.1/cigli-konser-100004"},
    ]
    assert "Bornova" not in item.body and "Hibya" not in item.body
    assert stats.get_value("split/headlines") == 3


def test_dates_istanbul_and_no_future() -> None:
    item, stats = run_chain(make_item(date_candidates=[
        DateCandidate("meta", "2030-01-01T10:00:00+03:00"),
        DateCandidate("byline", "16.11.2025 14:32"),
    ]))
    assert item.published_at == "2025-11-16T14:32:00+03:00"
    assert stats.get_value("dates/rejected") == 1


@pytest.mark.parametrize("changes, key", [
    ({"is_article": False, "reason": "no article body"}, "not_an_article"),
    ({"title": None}, "no_title"),
    ({"blocks": []}, "empty_body"),
    ({"blocks": [Block("p", "Kısa bir metin.")]}, "body_too_short"),
])
def test_validate_drops_with_reason(changes: dict[str, Any], key: str) -> None:
    with pytest.raises(DropItem) as err:
        run_chain(make_item(**changes))
    assert err.value.args[0]


def test_validate_since() -> None:
    with pytest.raises(DropItem, match="published before 2025-11-17"):
        run_chain(make_item(), NEWSCRAWLER_SINCE="2025-11-17")


def test_dedupe_by_url_and_content() -> None:
    pipe, crawler = crawler_for(DedupePipeline)
    first, _ = run_chain(make_item())
    pipe.process_item(first)
    again, _ = run_chain(make_item())
    with pytest.raises(DropItem, match="already seen"):
        pipe.process_item(again)
    copy, _ = run_chain(make_item(url="http://127.0.0.1/kopya-100009"))
    with pytest.raises(DropItem, match="same text as"):
        pipe.process_item(copy)
    other_site, _ = run_chain(make_item(url="http://127.0.0.2/kopya-100009", site="other"))
    assert pipe.process_item(other_site) is other_site
    assert crawler.stats.get_value("dedupe/dropped_url") == 1
    assert crawler.stats.get_value("dedupe/dropped_content") == 1


def test_archive_needs_a_database() -> None:
    with pytest.raises(NotConfigured):
        ArchivePipeline.from_crawler(get_crawler(settings_dict={"ARCHIVE_DB": ""}))


def open_archive_pipeline(db: Path, **settings: Any) -> tuple[Any, ArchivePipeline]:
    """An ArchivePipeline on ``db`` for a spider named ``sample``, opened; and its crawler."""
    crawler = get_crawler(settings_dict={"ARCHIVE_DB": str(db), "ARCHIVE_FLUSH_SECONDS": 3600,
                                         **settings})

    class FakeSpider:
        name = "sample"

    crawler.spider = FakeSpider()
    pipe = ArchivePipeline.from_crawler(crawler)
    asyncio.run(pipe.open_spider())
    return crawler, pipe


def test_archive_batches_and_counts(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    crawler, pipe = open_archive_pipeline(db, ARCHIVE_BATCH_SIZE=2)
    for n in range(3):
        item, _ = run_chain(make_item(url=f"http://127.0.0.1/haber-{n}-10000{n}",
                                      title=f"Haber {n}", raw_html=b"<html>x</html>"))
        pipe.process_item(item)
    if pipe.writer is not None:  # ARCHIVE_WRITER_THREAD: the full batch was handed over
        pipe.writer.wait()
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from articles").fetchone()[0] == 2  # one batch
    pipe.close_spider()
    pipe.spider_closed(reason="finished")
    assert conn.execute("select count(*) from articles").fetchone()[0] == 3
    assert conn.execute("select count(*) from headlines").fetchone()[0] == 9
    assert conn.execute("select count(*) from raw_pages").fetchone()[0] == 3
    assert conn.execute("select status from crawl_runs").fetchone()[0] == "finished"
    conn.close()
    assert crawler.stats.get_value("archive/inserted") == 3
    assert crawler.stats.get_value("archive/batches") == 2


LARGE_PAGE = b"<html><body>" + b"<p>uzun bir sayfa</p>" * 5_000 + b"</body></html>"  # ~105 KB


def test_a_batch_of_large_pages_is_written_before_it_is_full(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    crawler, pipe = open_archive_pipeline(db, ARCHIVE_BATCH_SIZE=100,
                                          ARCHIVE_BATCH_BYTES=250_000,
                                          ARCHIVE_WRITER_THREAD=False)
    for n in range(5):
        item, _ = run_chain(make_item(url=f"http://127.0.0.1/haber-{n}-10000{n}",
                                      title=f"Haber {n}", raw_html=LARGE_PAGE))
        pipe.process_item(item)
    conn = sqlite3.connect(db)
    # three pages passed 250,000 bytes: written, raw pages and all, with 97 places to spare
    assert conn.execute("select count(*) from articles").fetchone()[0] == 3
    assert conn.execute("select count(*) from raw_pages").fetchone()[0] == 3
    pipe.close_spider()
    pipe.spider_closed(reason="finished")
    assert conn.execute("select count(*) from articles").fetchone()[0] == 5
    conn.close()
    assert crawler.stats.get_value("archive/batches") == 2


def test_the_writer_thread_compresses_large_pages_ahead_of_a_full_batch(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    crawler, pipe = open_archive_pipeline(db, ARCHIVE_BATCH_SIZE=4,
                                          ARCHIVE_BATCH_BYTES=250_000,
                                          ARCHIVE_WRITER_THREAD=True)
    assert pipe.writer is not None
    for n in range(3):
        item, _ = run_chain(make_item(url=f"http://127.0.0.1/haber-{n}-10000{n}",
                                      title=f"Haber {n}", raw_html=LARGE_PAGE))
        pipe.process_item(item)
    pipe.writer.wait()
    conn = sqlite3.connect(db)
    # three pages passed 250,000 bytes: their HTML went to the writer thread, compressed
    # there; nothing is written before the batch holds 4 articles
    assert pipe.raw == []
    assert conn.execute("select count(*) from articles").fetchone()[0] == 0
    assert conn.execute("select count(*) from raw_pages").fetchone()[0] == 0
    for n in range(3, 6):
        item, _ = run_chain(make_item(url=f"http://127.0.0.1/haber-{n}-10000{n}",
                                      title=f"Haber {n}", raw_html=LARGE_PAGE))
        pipe.process_item(item)
    pipe.writer.wait()
    assert conn.execute("select count(*) from articles").fetchone()[0] == 4
    assert conn.execute("select count(*) from raw_pages").fetchone()[0] == 4
    pipe.close_spider()
    pipe.spider_closed(reason="finished")
    rows = conn.execute("select r.url, r.body, a.url from raw_pages r "
                        "left join articles a on a.id = r.article_id order by r.rowid").fetchall()
    conn.close()
    assert [url for url, _, _ in rows] == [f"http://127.0.0.1/haber-{n}-10000{n}"
                                           for n in range(6)]
    assert all(zlib.decompress(body) == LARGE_PAGE and article == url
               for url, body, article in rows)
    assert crawler.stats.get_value("archive/batches") == 2
    assert crawler.stats.get_value("archive/raw_pages") == 6
