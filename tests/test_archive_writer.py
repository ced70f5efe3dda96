"""The archive pipeline writes on a thread of its own (ARCHIVE_WRITER_THREAD) and keeps its word.

The crawl's thread hands a full batch over and goes on; closing waits for every write; a
write that fails stops the crawl, counts what was lost and writes nothing after it; with
the setting off, the crawl's thread writes as before.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from archive import Archive
from archive.errors import ArchiveWriteError
from newscrawler.pipelines.archive import ArchivePipeline
from newscrawler.pipelines.archive_writer import ArchiveWriter
from tests.test_pipelines import make_item, run_chain


class FakeSpider:
    name = "sample"


def pipeline(db: Path, **settings: Any) -> ArchivePipeline:
    crawler = get_crawler(settings_dict={"ARCHIVE_DB": str(db), "ARCHIVE_BATCH_SIZE": 2,
                                         "ARCHIVE_FLUSH_SECONDS": 3600,
                                         "ARCHIVE_WRITER_THREAD": True, **settings})
    crawler.spider = FakeSpider()
    pipe = ArchivePipeline.from_crawler(crawler)
    pipe.stopped = []  # type: ignore[attr-defined]
    pipe._stop_crawl = lambda: pipe.stopped.append(True)  # type: ignore[attr-defined,method-assign]
    asyncio.run(pipe.open_spider())
    return pipe


def feed(pipe: ArchivePipeline, numbers: range) -> None:
    for n in numbers:
        item, _ = run_chain(make_item(url=f"http://127.0.0.1/haber-{n}-10000{n}",
                                      title=f"Haber {n}", raw_html=b"<html>x</html>"))
        try:
            pipe.process_item(item)
        except DropItem:
            pass


def count(db: Path, table: str = "articles") -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"select count(*) from {table}").fetchone()[0])


def test_writer_runs_jobs_in_order_and_hands_back_errors() -> None:
    writer = ArchiveWriter(depth=2)
    seen: list[int] = []
    futures = [writer.submit(lambda n=n: seen.append(n)) for n in range(5)]
    failing = writer.submit(lambda: 1 / 0)
    assert writer.call(lambda: threading.current_thread().name) == "archive-writer"
    writer.close()
    assert seen == [0, 1, 2, 3, 4] and all(f.done() for f in futures)
    with pytest.raises(ZeroDivisionError):
        failing.result()


def test_crawl_thread_hands_a_full_batch_over_and_close_waits(tmp_path: Path,
                                                               monkeypatch: Any) -> None:
    db = tmp_path / "news.db"
    release = threading.Event()
    threads: list[str] = []
    save = Archive.save_articles

    def slow_save(self: Archive, records: Any) -> list[str]:
        threads.append(threading.current_thread().name)
        release.wait(10)
        return save(self, records)

    monkeypatch.setattr(Archive, "save_articles", slow_save)
    pipe = pipeline(db)
    feed(pipe, range(3))  # the first batch of 2 is being written: the crawl went on
    assert not release.is_set() and count(db) == 0
    release.set()
    pipe.close_spider()  # waits for both batches
    assert count(db) == 3 and count(db, "raw_pages") == 3
    pipe.spider_closed(reason="finished")
    assert threads == ["archive-writer", "archive-writer"]
    assert pipe.crawler.stats.get_value("archive/inserted") == 3
    assert pipe.crawler.stats.get_value("archive/batches") == 2
    assert pipe.crawler.stats.get_value("archive/raw_pages") == 3
    assert pipe.writer is None  # the thread ended with the archive
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status from crawl_runs").fetchone()[0] == "finished"


def test_failed_write_stops_the_crawl_and_nothing_is_written_after(tmp_path: Path,
                                                                    monkeypatch: Any) -> None:
    db = tmp_path / "news.db"
    calls: list[int] = []

    def failing(self: Archive, records: Any) -> list[str]:
        calls.append(len(records))
        raise ArchiveWriteError("cannot write news.db (disk full)")

    monkeypatch.setattr(Archive, "save_articles", failing)
    pipe = pipeline(db)
    feed(pipe, range(2))
    pipe.writer.wait()  # type: ignore[union-attr]
    feed(pipe, range(2, 5))  # the failure is seen: these are not written
    pipe.close_spider()
    pipe.spider_closed(reason="archive_error")
    stats = pipe.crawler.stats
    assert calls == [2] and pipe.stopped == [True]  # type: ignore[attr-defined]
    assert stats.get_value("archive/error") == "cannot write news.db (disk full)"
    assert stats.get_value("archive/lost") == 2
    assert stats.get_value("archive/not_written") == 3
    assert stats.get_value("archive/inserted") is None
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status from crawl_runs").fetchone()[0] == "failed"


def test_failure_seen_late_counts_every_batch_handed_over(tmp_path: Path,
                                                          monkeypatch: Any) -> None:
    db = tmp_path / "news.db"
    calls: list[int] = []

    def failing(self: Archive, records: Any) -> list[str]:
        calls.append(len(records))
        raise ArchiveWriteError("disk full")

    monkeypatch.setattr(Archive, "save_articles", failing)
    pipe = pipeline(db, ARCHIVE_BATCH_SIZE=1)
    writer = pipe.writer
    assert writer is not None
    hold = threading.Event()
    writer.submit(lambda: hold.wait(10))  # the writer is busy: batches wait behind it
    feed(pipe, range(1))
    hold.set()
    feed(pipe, range(1, 3))
    pipe.close_spider()
    stats = pipe.crawler.stats
    # One write attempted and failed; what was handed over or held after it is counted
    # lost or not written, never written.
    assert calls == [1] and pipe.stopped == [True]  # type: ignore[attr-defined]
    assert (stats.get_value("archive/lost") or 0) + (stats.get_value("archive/not_written")
                                                     or 0) == 3
    pipe.spider_closed(reason="archive_error")
    assert count(db) == 0


def test_setting_off_writes_on_the_crawl_thread(tmp_path: Path, monkeypatch: Any) -> None:
    db = tmp_path / "news.db"
    threads: list[str] = []
    save = Archive.save_articles

    def recorded(self: Archive, records: Any) -> list[str]:
        threads.append(threading.current_thread().name)
        return save(self, records)

    monkeypatch.setattr(Archive, "save_articles", recorded)
    pipe = pipeline(db, ARCHIVE_WRITER_THREAD=False)
    assert pipe.writer is None
    feed(pipe, range(3))
    assert count(db) == 2  # written before process_item returned
    pipe.close_spider()
    pipe.spider_closed(reason="finished")
    assert count(db) == 3 and threads == [threading.current_thread().name] * 2


@pytest.mark.parametrize(("chosen", "workers", "thread"), [
    (None, 0, False), (None, 1, True), (True, 0, True), (False, 2, False), ("false", 1, False),
])
def test_the_writer_thread_follows_the_extraction_workers_unless_chosen(
    tmp_path: Path, chosen: Any, workers: int, thread: bool
) -> None:
    pipe = pipeline(tmp_path / "news.db", ARCHIVE_WRITER_THREAD=chosen, EXTRACT_WORKERS=workers)
    try:
        assert (pipe.writer is not None) is thread
    finally:
        pipe.close_spider()
        pipe.spider_closed("finished")
