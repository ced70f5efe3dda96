"""Archive: upserts with revisions, raw pages, runs, stats, and errors that say what to do."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
import types
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from archive import (
    SCHEMA_VERSION,
    Archive,
    ArchiveCorruptError,
    ArchiveLockedError,
    ArchiveMissingError,
    ArchiveVersionError,
    RecordError,
    content_hash,
    search,
)
from archive.errors import ArchiveError
from tests.conftest import write_locked

FETCHED = "2025-11-16T12:00:00+03:00"
LATER = "2025-11-17T08:30:00+03:00"


def record(**changes: Any) -> dict[str, Any]:
    """One article record as the crawler sends it."""
    base: dict[str, Any] = {
        "url": "https://www.hibya.com/izmir-stk-bulusmasi",
        "site": "hibya",
        "title": "İzmir'de STK buluşması",
        "body": "Kadına yönelik şiddetle mücadele konuşuldu.",
        "published_at": "2025-11-16",
        "updated_at": None,
        "date_precision": "day",
        "date_source": "byline",
        "date_raw": "16/11/2025",
        "author": None,
        "credit": "Hibya Haber Ajansı",
        "category": "Gündem",
        "tags": ["kadın", "İzmir"],
        "language": "tr",
        "fetched_at": FETCHED,
        "headlines": [
            {"position": 1, "title": "Ankara’da öğrenciler", "url": "https://www.hibya.com/a"},
            {"position": 2, "title": "Kepez’de göz taraması", "url": None},
        ],
    }
    return {**base, **changes}


def row(**changes: Any) -> dict[str, Any]:
    """The articles row that ``record()`` becomes."""
    title = changes.pop("title", "İzmir'de STK buluşması")
    body = changes.pop("body", "Kadına yönelik şiddetle mücadele konuşuldu.")
    base: dict[str, Any] = {
        "id": 1,
        "url": "https://www.hibya.com/izmir-stk-bulusmasi",
        "site": "hibya",
        "title": title,
        "body": body,
        "published_at": "2025-11-16",
        "updated_at": None,
        "date_precision": "day",
        "date_source": "byline",
        "date_raw": "16/11/2025",
        "author": None,
        "credit": "Hibya Haber Ajansı",
        "category": "Gündem",
        "tags": '["kadın", "İzmir"]',
        "language": "tr",
        "fetched_at": FETCHED,
        "first_seen_at": FETCHED,
        "last_seen_at": FETCHED,
        "content_hash": content_hash(title, body),
        "fetched_url": None,
        "revision": 1,
        "flags": None,
        "story_id": 1,
    }
    return {**base, **changes}


HEADLINES = [
    {
        "article_id": 1,
        "position": 1,
        "title": "Ankara’da öğrenciler",
        "url": "https://www.hibya.com/a",
    },
    {"article_id": 1, "position": 2, "title": "Kepez’de göz taraması", "url": None},
]


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "news.db") as opened:
        yield opened


def rows(archive: Archive, table: str) -> list[dict[str, Any]]:
    return list(archive.db[table].rows)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- articles -----------------------------------------------------------------------------


def test_new_article_row(archive: Archive) -> None:
    assert archive.save_articles([record()]) == ["new"]
    assert rows(archive, "articles") == [row()]
    assert rows(archive, "headlines") == HEADLINES
    assert rows(archive, "revisions") == []


def test_saving_twice_is_unchanged_and_only_moves_seen_times(archive: Archive) -> None:
    archive.save_articles([record()])
    again = record(fetched_at=LATER, headlines=[{"position": 1, "title": "Başka", "url": None}])
    assert archive.save_articles([again]) == ["unchanged"]
    assert rows(archive, "articles") == [row(fetched_at=LATER, last_seen_at=LATER)]
    assert rows(archive, "headlines") == HEADLINES
    assert rows(archive, "revisions") == []


def test_whitespace_only_change_is_unchanged(archive: Archive) -> None:
    archive.save_articles([record()])
    spaced = record(body="Kadına  yönelik şiddetle\nmücadele konuşuldu. ")
    assert archive.save_articles([spaced]) == ["unchanged"]


def test_changed_body_is_updated_and_the_old_text_kept(archive: Archive) -> None:
    archive.save_articles([record()])
    new_body = "Kadına yönelik şiddetle mücadele için eylem planı açıklandı."
    changed = record(
        body=new_body, fetched_at=LATER, headlines=[{"title": "Yeni başlık", "url": None}]
    )
    assert archive.save_articles([changed]) == ["updated"]
    assert rows(archive, "articles") == [
        row(body=new_body, last_seen_at=LATER, fetched_at=LATER, revision=2)
    ]
    assert rows(archive, "revisions") == [
        {
            "article_id": 1,
            "revision": 1,
            "title": "İzmir'de STK buluşması",
            "body": "Kadına yönelik şiddetle mücadele konuşuldu.",
            "content_hash": content_hash(
                "İzmir'de STK buluşması", "Kadına yönelik şiddetle mücadele konuşuldu."
            ),
            "fetched_at": FETCHED,
            "replaced_at": LATER,
        }
    ]
    assert rows(archive, "headlines") == [
        {"article_id": 1, "position": 1, "title": "Yeni başlık", "url": None}
    ]
    # The index follows the text: the new word is found, the dropped one is not.
    assert [hit["id"] for hit in search(archive, "eylem")] == [1]
    assert search(archive, "konuşuldu") == []


def index_ok(archive: Archive) -> None:
    from archive.textindex import check

    assert check(archive.conn) is None


def test_same_url_twice_in_one_batch(archive: Archive) -> None:
    statuses = archive.save_articles([record(), record(title="İzmir'de STK toplantısı")])
    assert statuses == ["new", "updated"]
    assert len(rows(archive, "articles")) == 1
    assert len(rows(archive, "revisions")) == 1
    assert [h["id"] for h in search(archive, "toplantı")] == [1]
    assert search(archive, "buluşma") == []
    index_ok(archive)


def test_optimize_keeps_results(archive: Archive) -> None:
    archive.save_articles([record(url=f"https://x/{i}", headlines=[]) for i in range(3)])
    archive.save_articles([record(url="https://x/3", headlines=[])])
    before = search(archive, "kadına")
    archive.optimize()
    assert search(archive, "kadına") == before and len(before) == 4
    index_ok(archive)


def test_big_batch_with_updates_after_the_index_flush(archive: Archive) -> None:
    batch = [record(url=f"https://x/{i}", title=f"Başlık {i}", headlines=[]) for i in range(1200)]
    batch += [
        record(url="https://x/3", title="Değişti", headlines=[]),
        record(url="https://x/1100", title="Yine değişti", headlines=[]),
    ]
    statuses = archive.save_articles(batch)
    assert statuses.count("new") == 1200 and statuses[-2:] == ["updated", "updated"]
    assert sorted(h["url"] for h in search(archive, "değişti")) == ["https://x/1100", "https://x/3"]
    assert search(archive, '"başlık 3"') == []
    assert len(search(archive, "başlık", limit=2000)) == 1198
    index_ok(archive)


def test_content_hash_given_by_the_crawler_is_kept(archive: Archive) -> None:
    archive.save_articles([record(content_hash="abc")])
    assert rows(archive, "articles")[0]["content_hash"] == "abc"
    assert archive.has_hash("abc")
    assert not archive.has_hash(content_hash("x", "y"))


def test_decomposed_text_is_stored_nfc(archive: Archive) -> None:
    archive.save_articles([record(title="I\u0307zmir'de STK buluşması")])
    assert rows(archive, "articles")[0]["title"] == "İzmir'de STK buluşması"


def test_bad_record_saves_nothing_of_the_batch(archive: Archive) -> None:
    with pytest.raises(RecordError) as err:
        archive.save_articles([record(), record(url="https://x/2", body=None)])
    assert str(err.value) == "article https://x/2: 'body' must be a string, got None"
    assert rows(archive, "articles") == []


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            {"url": ""},
            "article record without a 'url' (got ''); every article needs its canonical URL",
        ),
        (
            {"summary": "x"},
            "article https://www.hibya.com/izmir-stk-bulusmasi: unknown key(s) "
            "summary; known keys: author, body, category, content_hash, credit, date_precision, "
            "date_raw, date_source, fetched_at, fetched_url, flags, headlines, language, places, "
            "published_at, site, spellings, story_prints, tags, title, updated_at, url",
        ),
        (
            {"tags": "kadın"},
            "article https://www.hibya.com/izmir-stk-bulusmasi: 'tags' must be "
            "a list of strings, got 'kadın'",
        ),
        (
            {"published_at": 20251116},
            "article https://www.hibya.com/izmir-stk-bulusmasi: "
            "'published_at' must be a string or None, got 20251116",
        ),
        (
            {"headlines": [{"position": 1, "title": "a"}, {"position": 1, "title": "b"}]},
            "article https://www.hibya.com/izmir-stk-bulusmasi: two headlines have the same "
            "position",
        ),
    ],
)
def test_record_errors_say_what_is_wrong(
    archive: Archive, bad: dict[str, Any], message: str
) -> None:
    with pytest.raises(RecordError) as err:
        archive.save_articles([record(**bad)])
    assert str(err.value) == message


def test_dates_may_be_date_objects(archive: Archive) -> None:
    archive.save_articles([record(published_at=date(2025, 11, 16))])
    assert rows(archive, "articles")[0]["published_at"] == "2025-11-16"


def test_known_urls(archive: Archive) -> None:
    archive.save_articles(
        [
            record(fetched_url="https://www.hibya.com/haber/123"),
            record(url="https://ege.example/1", site="ege"),
        ]
    )
    archive.save_raw_page(
        "https://www.hibya.com/haber/123",
        fetched_at=FETCHED,
        status=200,
        content_type="text/html",
        encoding="utf-8",
        body=b"<html>",
    )
    archive.save_raw_page(
        "https://www.hibya.com/liste",
        fetched_at=FETCHED,
        status=200,
        content_type="text/html",
        encoding="utf-8",
        body=b"<html>",
    )
    assert archive.known_urls("hibya") == {
        "https://www.hibya.com/izmir-stk-bulusmasi",
        "https://www.hibya.com/haber/123",
    }
    assert archive.known_urls() == archive.known_urls("hibya") | {"https://ege.example/1"}


# --- raw pages ----------------------------------------------------------------------------

HTML = ("<html><body>" + "<p>İzmir'de kadına yönelik şiddet</p>" * 200 + "</body></html>").encode()


def test_raw_page_round_trip_compressed(archive: Archive) -> None:
    archive.save_raw_page(
        "https://www.hibya.com/x",
        fetched_at=FETCHED,
        status=200,
        content_type="text/html; charset=windows-1254",
        encoding="cp1254",
        body=HTML,
        site="hibya",
    )
    assert archive.raw_page("https://www.hibya.com/x") == {
        "url": "https://www.hibya.com/x",
        "site": "hibya",
        "fetched_at": FETCHED,
        "status": 200,
        "content_type": "text/html; charset=windows-1254",
        "encoding": "cp1254",
        "body": HTML,
        "article_id": None,
    }
    stored = archive.conn.execute("SELECT body FROM raw_pages").fetchone()[0]
    assert zlib.decompress(stored) == HTML and len(stored) < len(HTML) / 10
    assert archive.raw_page("https://www.hibya.com/missing") is None


def test_error_response_never_replaces_a_good_page(archive: Archive) -> None:
    url = "https://www.hibya.com/x"
    archive.save_raw_page(url, fetched_at=FETCHED, status=200, body=HTML)
    archive.save_raw_page(url, fetched_at=LATER, status=404, body=b"not found")
    page = archive.raw_page(url)
    assert page is not None and (page["status"], page["body"]) == (200, HTML)
    archive.save_raw_page(url, fetched_at=LATER, status=200, body=b"<html>new</html>")
    page = archive.raw_page(url)
    assert page is not None and (page["fetched_at"], page["body"]) == (LATER, b"<html>new</html>")


def test_raw_pages_are_linked_to_their_article_either_order(archive: Archive) -> None:
    archive.save_raw_pages(
        [
            {"url": "https://www.hibya.com/izmir-stk-bulusmasi", "status": 200, "body": b"a"},
            {"url": "https://www.hibya.com/amp/1", "status": 200, "body": b"b"},
        ]
    )
    archive.save_articles([record(fetched_url="https://www.hibya.com/amp/1")])
    archive.save_raw_page("https://www.hibya.com/izmir-stk-bulusmasi?utm=x", status=None, body=b"c")
    linked = {p["url"]: p["article_id"] for p in archive.iter_raw_pages()}
    assert linked == {
        "https://www.hibya.com/izmir-stk-bulusmasi": 1,
        "https://www.hibya.com/amp/1": 1,
        "https://www.hibya.com/izmir-stk-bulusmasi?utm=x": None,
    }


def test_iter_raw_pages_streams_and_filters_by_site(archive: Archive) -> None:
    archive.save_articles([record()])
    archive.save_raw_pages(
        [
            {"url": "https://www.hibya.com/izmir-stk-bulusmasi", "status": 200, "body": b"a"},
            {"url": "https://ege.example/1", "status": 200, "body": b"b", "site": "ege"},
            {"url": "https://www.hibya.com/liste", "status": 200, "body": b"c", "site": "hibya"},
        ]
    )
    pages = archive.iter_raw_pages(site="hibya")
    assert isinstance(pages, types.GeneratorType)
    assert [(p["url"], p["site"], p["body"]) for p in pages] == [
        ("https://www.hibya.com/izmir-stk-bulusmasi", "hibya", b"a"),
        ("https://www.hibya.com/liste", "hibya", b"c"),
    ]


def test_raw_page_body_must_be_bytes(archive: Archive) -> None:
    with pytest.raises(RecordError) as err:
        archive.save_raw_page("https://x/1", status=200, body="<html>")  # type: ignore[arg-type]
    assert str(err.value) == (
        "raw page https://x/1: 'body' must be bytes (the response body as received), got str"
    )


# --- runs and stats -----------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> str:
    now = "2025-11-16T09:00:00+00:00"
    monkeypatch.setattr("archive.store._now", lambda: now)
    return now


def dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout)


def test_runs(archive: Archive, clock: str) -> None:
    first = archive.start_run("hibya", pid=os.getpid())
    second = archive.start_run("ege", pid=dead_pid())
    archive.finish_run(
        first, status="finished", stats={"archive/inserted": 3, "when": date(2025, 1, 2)}
    )
    third = archive.start_run("hibya", pid=dead_pid())
    fourth = archive.start_run("hibya", pid=os.getpid())
    assert archive.mark_stale_runs() == [second, third]
    assert [(r["id"], r["status"]) for r in rows(archive, "crawl_runs")] == [
        (first, "finished"),
        (second, "killed"),
        (third, "killed"),
        (fourth, "running"),
    ]
    assert rows(archive, "crawl_runs")[0] == {
        "id": first,
        "site": "hibya",
        "started_at": clock,
        "finished_at": clock,
        "status": "finished",
        "pid": os.getpid(),
        "stats": '{"archive/inserted": 3, "when": "2025-01-02"}',
        "reason": None,
    }


def test_stale_runs_of_a_locked_site_ignore_pids(archive: Archive) -> None:
    """The caller holds the site's run lock: a live PID (PID 1 in a container) is stale too."""
    mine = archive.start_run("hibya", pid=1)
    other = archive.start_run("ege", pid=1)
    assert archive.mark_stale_runs("hibya") == [mine]
    got = {r["id"]: (r["status"], bool(r["reason"])) for r in rows(archive, "crawl_runs")}
    assert got == {mine: ("killed", True), other: ("running", False)}


def test_a_stale_run_is_recorded_with_what_the_archive_holds_of_it(
        archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run killed hard: its end is its last archived fetch (not when the next crawl came),
    its counts those of its articles in the archive (not zero)."""
    def at(time: str) -> str:
        return f"2025-11-16T{time}+00:00"

    def article(url: str, body: str, time: str, site: str = "hibya") -> dict[str, Any]:
        return {"url": f"https://example.org/{url}", "site": site, "title": url.upper(),
                "body": body, "fetched_at": at(time)}

    archive.save_articles([article("a", "Eski metin.", "08:00:00"),
                           article("b", "Aynı metin.", "08:00:00"),
                           article("c", "Hiç görülmedi.", "08:00:00")])
    monkeypatch.setattr("archive.store._now", lambda: at("09:00:00"))
    killed = archive.start_run("hibya", pid=1)
    archive.save_articles([article("a", "Yeni metin.", "09:00:05"),
                           article("b", "Aynı metin.", "09:00:06"),
                           article("d", "Yeni haber.", "09:00:07"),
                           article("e", "Yeni haber iki.", "09:00:09"),
                           article("x", "Başka site.", "09:00:30", site="ege")])
    monkeypatch.setattr("archive.store._now", lambda: at("10:00:00"))
    quiet = archive.start_run("hibya", pid=1)  # killed before it archived anything
    monkeypatch.setattr("archive.store._now", lambda: at("15:00:00"))  # the next cron run
    assert archive.mark_stale_runs("hibya") == [killed, quiet]
    got = {r["id"]: r for r in rows(archive, "crawl_runs")}
    assert got[killed]["finished_at"] == at("09:00:09")  # not 15:00, the next run's start
    assert json.loads(got[killed]["stats"]) == {
        "archive/inserted": 2, "archive/updated": 1, "archive/unchanged": 1,
        "archive/recounted": True}
    assert got[killed]["reason"] == (
        "the crawl process ended without recording its end (killed hard, or the machine "
        "stopped); the archive holds from it 2 new, 1 updated, 1 unchanged articles, the "
        f"last fetched at {at('09:00:09')}; pages not yet written when it died were lost")
    assert got[quiet]["finished_at"] is None  # unknown: it left nothing to tell
    assert "the archive holds no article from it (its end is unknown)" in got[quiet]["reason"]
    assert json.loads(got[quiet]["stats"])["archive/inserted"] == 0
    from archive.export import iter_runs, run_records

    exported = {r["id"]: r for r in run_records(iter_runs(archive))}
    assert exported[killed]["articles_new"] == 2
    assert exported[killed]["duration_seconds"] == 9.0
    assert exported[quiet]["duration_seconds"] is None


def test_finish_run_keeps_a_reason(archive: Archive) -> None:
    run = archive.start_run("hibya")
    archive.finish_run(run, status="blocked", reason="12 of 14 pages were block pages")
    assert rows(archive, "crawl_runs")[0]["reason"] == "12 of 14 pages were block pages"


def test_finish_run_errors(archive: Archive) -> None:
    run = archive.start_run("hibya")
    with pytest.raises(ArchiveError) as err:
        archive.finish_run(run, status="shutdown")
    assert str(err.value) == (
        "run status must be one of finished, failed, blocked, killed; got 'shutdown'"
    )
    with pytest.raises(ArchiveError) as err:
        archive.finish_run(99, status="failed")
    assert str(err.value) == "no crawl run 99 in news.db; pass the id that start_run returned"


def test_stats(archive: Archive, clock: str) -> None:
    archive.save_articles(
        [
            record(),
            record(
                url="https://www.hibya.com/2",
                published_at="2025-11-15T10:00:00+03:00",
                title="Başka",
                body="Başka haber",
            ),
            record(
                url="https://ege.example/1",
                site="ege",
                published_at="2024-01-01",
                title="Eski",
                body="Eski haber",
                headlines=[],
            ),
        ]
    )
    archive.save_raw_page("https://ege.example/1", status=200, body=b"x")
    run = archive.start_run("hibya", pid=1234)
    assert archive.stats(today=date(2025, 11, 16)) == {
        "articles": 3,
        "sites": 2,
        "headlines": 4,
        "revisions": 0,
        "raw_pages": 1,
        "runs_total": 1,
        "by_site": [
            {"site": "hibya", "articles": 2, "first": "2025-11-15", "last": "2025-11-16"},
            {"site": "ege", "articles": 1, "first": "2024-01-01", "last": "2024-01-01"},
        ],
        "by_day": [  # the last days that have articles, newest first, however old
            {"day": "2025-11-16", "articles": 1},
            {"day": "2025-11-15", "articles": 1},
            {"day": "2024-01-01", "articles": 1},
        ],
        "runs": [
            {
                "id": run,
                "site": "hibya",
                "started_at": clock,
                "finished_at": None,
                "status": "running",
                "pid": 1234,
                "stats": {},
                "reason": None,
            },
        ],
    }


def test_stats_by_day_lists_the_last_days_with_articles(archive: Archive) -> None:
    archive.save_articles(
        [
            record(url=f"https://www.hibya.com/{n}", published_at=day, title=f"t{n}", body="b")
            for n, day in enumerate(
                ["2025-03-01", "2025-03-01T23:50:00+03:00", "2025-06-10", "2025-09-30", None]
            )
        ]
    )
    assert archive.stats(days=2)["by_day"] == [
        {"day": "2025-09-30", "articles": 1},
        {"day": "2025-06-10", "articles": 1},
    ]
    assert archive.stats(today=date(2025, 9, 29))["by_day"] == [
        {"day": "2025-06-10", "articles": 1},
        {"day": "2025-03-01", "articles": 2},
    ]
    assert archive.stats(days=0)["by_day"] == []


# --- opening: locks, damage, missing files ------------------------------------------------



LOCKED = "news.db is locked by another process; wait for it to finish or pass --timeout 600"


def test_write_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        archive.save_articles([record()])
    with write_locked(path, "normal"), Archive(path, timeout=0.2) as archive:
        started = time.monotonic()
        with pytest.raises(ArchiveLockedError) as err:
            archive.save_articles([record(url="https://x/2")])
        assert str(err.value) == LOCKED
        assert time.monotonic() - started < 5
        assert [r["url"] for r in search(archive, "kadına")] == [record()["url"]]  # reads work
    with Archive(path) as archive:
        assert rows(archive, "articles") == [row()]
        assert rows(archive, "crawl_runs") == []  # the holder's transaction never committed


def test_open_while_another_process_holds_an_exclusive_lock(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    Archive(path).close()
    with write_locked(path), pytest.raises(ArchiveLockedError) as err:
        Archive(path, timeout=0.2)
    assert str(err.value) == LOCKED


def test_corrupt_file_is_reported_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    path.write_bytes(os.urandom(8192))
    before = sha(path)
    with pytest.raises(ArchiveCorruptError) as err:
        Archive(path)
    assert str(err.value) == (
        "news.db is not a newscrawler archive or is damaged (file is not a database); "
        "move it aside and run again, or restore a backup"
    )
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.db"]


def test_another_applications_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (name TEXT)")
    conn.commit()
    conn.close()
    before = sha(path)
    with pytest.raises(ArchiveCorruptError) as err:
        Archive(path)
    assert str(err.value) == (
        "news.db is not a newscrawler archive: a SQLite database of another application "
        "(application_id 0x0, tables: users); pass the path of a new file or of an existing "
        "archive"
    )
    assert sha(path) == before


def test_missing_file_with_create_false(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with pytest.raises(ArchiveMissingError) as err:
        Archive(path, create=False)
    assert str(err.value) == (
        f"news.db does not exist ({path.resolve()}); check the path, "
        "or crawl first to create the archive"
    )
    assert not path.exists()


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError) as err:
        Archive(tmp_path / "no" / "news.db")
    assert str(err.value) == (
        "cannot open news.db (unable to open database file); check that its folder exists "
        "and is writable"
    )


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(ArchiveVersionError) as err:
        Archive(path)
    assert str(err.value) == (
        f"news.db has schema version 99 but this newscrawler knows only {SCHEMA_VERSION}; "
        "upgrade newscrawler (pip install -U newscrawler)"
    )


def test_opened_in_wal_mode_with_foreign_keys(archive: Archive) -> None:
    assert archive.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert archive.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert archive.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000


def test_in_memory_archive() -> None:
    with Archive(":memory:") as archive:
        assert archive.save_articles([record()]) == ["new"]
        assert repr(archive) == "Archive(':memory:')"


def test_archive_never_imports_scrapy_or_newscrawler() -> None:
    code = (
        "import sys, archive, archive.store, archive.search, archive.export\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'newscrawler',"
        " 'twisted'))\n"
        "print(bad)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.stdout.strip() == "[]"


def test_the_writer_checkpoints_the_wal_at_its_own_size(tmp_path: Path) -> None:
    from archive.store import WAL_AUTOCHECKPOINT_PAGES

    with Archive(tmp_path / "news.db") as archive:
        assert archive.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == (
            WAL_AUTOCHECKPOINT_PAGES)
        assert archive.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# --- a cut-down page never replaces an archived article -----------------------------------

FULL = "\n\n".join(f"Paragraf {i}: Belediye meclisi bugün toplanarak yeni bütçeyi ve ilçedeki "
                   "altyapı çalışmalarını görüştü." for i in range(8))


def test_a_body_cut_to_less_than_half_is_kept_as_archived(tmp_path: Path) -> None:
    with Archive(tmp_path / "news.db") as archive:
        assert archive.save_articles([record(body=FULL)]) == ["new"]
        teaser = FULL.split("\n\n")[0] + "\n\nHaberin devamı için abone olun."
        assert archive.save_articles([record(body=teaser, fetched_at=LATER)]) == ["kept"]
        row = archive.conn.execute(
            "SELECT body, revision, last_seen_at FROM articles").fetchone()
        assert row[0] == FULL and row[1] == 1 and row[2] == LATER
        assert archive.conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0
        # more than half of it is an update; a re-extraction of the archived pages may cut
        longer = "\n\n".join(FULL.split("\n\n")[:5])
        assert archive.save_articles([record(body=longer, fetched_at=LATER)]) == ["updated"]
        assert archive.save_articles([record(body=teaser, fetched_at=LATER)],
                                     keep_longer=False) == ["updated"]


def test_a_short_article_may_shrink(tmp_path: Path) -> None:
    with Archive(tmp_path / "news.db") as archive:
        archive.save_articles([record(body="Kısa bir haber metni burada yer alıyor. " * 5)])
        assert archive.save_articles([record(body="Kısa.", fetched_at=LATER)]) == ["updated"]


def test_recleaning_never_cuts_a_body_to_less_than_half_and_flags_short(tmp_path: Path
                                                                        ) -> None:
    with Archive(tmp_path / "news.db") as archive:
        archive.save_articles([record(url="https://ornek.test/a", body=FULL),
                               record(url="https://ornek.test/b",
                                      body="Kısa haber metni.\n\nAbone olun.")])
        first = FULL.split("\n\n")[0]
        done = archive.reclean_articles(["https://ornek.test/a"], lambda body: first)
        assert done == 0  # 7 of 8 paragraphs "boilerplate": not believed
        done = archive.reclean_articles(
            ["https://ornek.test/b"], lambda body: body.split("\n\n")[0], short_below=150)
        assert done == 1
        body, flags = archive.conn.execute(
            "SELECT body, flags FROM articles WHERE url = 'https://ornek.test/b'").fetchone()
        assert body == "Kısa haber metni." and flags == "short"
