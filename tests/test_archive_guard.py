"""The archive writes only into its own, undamaged files (#7).

Other applications' databases are refused before the first write (no migration, no WAL);
damage is found before writing; SQLite errors met mid-command become ``ArchiveError``
subclasses that say what to do; a locked database is retried with jittered backoff; the
raw page of an archived article is never replaced by a worse one.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from archive import (
    SCHEMA_VERSION,
    Archive,
    ArchiveCorruptError,
    ArchiveError,
    ArchiveForeignError,
    ArchiveLockedError,
    ArchiveWriteError,
    RecordError,
)
from archive.connection import sqlite_errors
from archive.schema import APPLICATION_ID

ARTICLE = {
    "url": "https://www.hibya.com/izmir-stk-bulusmasi",
    "site": "hibya",
    "title": "İzmir'de STK buluşması",
    "body": "Kadına yönelik şiddetle mücadele konuşuldu.",
}
GOOD_HTML = b"<html><h1>\xc4\xb0zmir'de STK bulu\xc5\x9fmas\xc4\xb1</h1></html>"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def foreign_db(path: Path, *, tables: tuple[str, ...], user_version: int = 0,
               application_id: int = 0) -> None:
    """A SQLite database made by some other application."""
    conn = sqlite3.connect(path)
    for table in tables:
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, url TEXT, title TEXT)")
    if "articles" in tables:
        conn.execute("INSERT INTO articles (url, title) VALUES ('https://x/1', 'theirs')")
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.execute(f"PRAGMA application_id = {application_id}")
    conn.commit()
    conn.close()


# --- only our own databases ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("tables", "user_version", "application_id", "shown"),
    [
        (("articles", "users"), 0, 0, "application_id 0x0, tables: articles, users"),
        (("articles",), 1, 0, "application_id 0x0, user_version 1, tables: articles"),
        (("articles", "posts"), 2, 0,
         "application_id 0x0, user_version 2, tables: articles, posts"),
        ((), 2, 0, "application_id 0x0, user_version 2, no tables"),
        (("a", "b", "c", "d", "e", "f"), 0, 0, "application_id 0x0, tables: a, b, c, d, e, ..."),
        (("articles",), 3, 0x12345678,
         "application_id 0x12345678, user_version 3, tables: articles"),
    ],
)
def test_other_databases_are_refused_untouched(
    tmp_path: Path, tables: tuple[str, ...], user_version: int, application_id: int, shown: str
) -> None:
    path = tmp_path / "news.db"
    foreign_db(path, tables=tables, user_version=user_version, application_id=application_id)
    before = sha(path)
    with pytest.raises(ArchiveForeignError) as err:
        Archive(path)
    assert str(err.value) == (
        f"news.db is not a newscrawler archive: a SQLite database of another application "
        f"({shown}); pass the path of a new file or of an existing archive"
    )
    assert sha(path) == before
    assert siblings(path) == ["news.db"]  # no -wal, no -shm: the journal mode is unchanged
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


@pytest.mark.parametrize("how", ["no file", "0 bytes", "empty database"])
def test_new_and_empty_files_become_archives(tmp_path: Path, how: str) -> None:
    path = tmp_path / "news.db"
    if how == "0 bytes":
        path.touch()
    elif how == "empty database":
        sqlite3.connect(path).execute("VACUUM").connection.close()
    with Archive(path) as archive:
        assert archive.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert archive.save_articles([ARTICLE]) == ["new"]


@pytest.mark.parametrize("data", [random.Random(7).randbytes(8192), b"x",
                                  "notlar: yarın toplantı var\n".encode()],
                         ids=["8 KiB of random bytes", "1 byte", "a short text file"])
def test_random_bytes_are_refused_untouched(tmp_path: Path, data: bytes) -> None:
    # SQLite itself turns a file shorter than its 100-byte header into a new database
    path = tmp_path / "news.db"
    path.write_bytes(data)
    before = sha(path)
    with pytest.raises(ArchiveCorruptError, match="not a newscrawler archive or is damaged"):
        Archive(path)
    assert sha(path) == before and siblings(path) == ["news.db"]


# --- damage inside the file ---------------------------------------------------------------


def damaged_archive(path: Path) -> None:
    """An archive whose header is fine but the middle of a b-tree page is garbage."""
    with Archive(path) as archive:
        body = "Kadına şiddet. " * 60
        archive.save_articles([{**ARTICLE, "url": f"https://x/{i}", "body": body}
                               for i in range(200)])
        root = archive.conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'articles'"
        ).fetchone()[0]
        page_size = archive.conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 100 : start + 2000] = random.Random(1).randbytes(1900)
    path.write_bytes(bytes(data))


def test_quick_check_finds_damage_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    damaged_archive(path)
    before = sha(path)
    with Archive(path) as archive:  # opening reads only the schema: it still works
        with pytest.raises(ArchiveCorruptError) as err:
            archive.quick_check()
        assert archive.quick_check(max_bytes=1000) is False  # too big to check: skipped
    message = str(err.value)
    assert message.startswith("news.db is damaged (On tree page ")
    assert "nothing was written to it: restore a backup" in message
    assert "newscrawler check --db news.db" in message
    assert sha(path) == before


def test_damaged_archive_in_rollback_mode_is_not_switched_to_wal(tmp_path: Path) -> None:
    """Switching the journal mode rewrites the header: a damaged file is refused first."""
    path = tmp_path / "news.db"
    damaged_archive(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = delete")
    conn.close()
    before = sha(path)
    with pytest.raises(ArchiveCorruptError, match="nothing was written"):
        Archive(path)
    assert sha(path) == before and siblings(path) == ["news.db"]


def test_healthy_archive_passes_quick_check(tmp_path: Path) -> None:
    with Archive(tmp_path / "news.db") as archive:
        archive.save_articles([ARTICLE])
        assert archive.quick_check() is True


# --- SQLite errors met mid-command ----------------------------------------------------------


def test_read_only_file_is_a_write_error(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    Archive(path).close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(ArchiveWriteError) as err, sqlite_errors("news.db"):
        conn.execute("INSERT INTO crawl_runs (site, status) VALUES ('x', 'running')")
    conn.close()
    assert str(err.value) == (
        "cannot write news.db (attempt to write a readonly database); make the file and its "
        "folder writable (chmod u+w), or run as their owner"
    )


def test_full_disk_is_a_write_error_and_keeps_what_was_written(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        archive.save_articles([ARTICLE])
        pages = archive.conn.execute("PRAGMA page_count").fetchone()[0]
        archive.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        big = [{**ARTICLE, "url": f"https://x/{i}", "body": "şiddet " * 5000} for i in range(20)]
        with pytest.raises(ArchiveWriteError) as err:
            archive.save_articles(big)
        assert str(err.value) == (
            "cannot write news.db (database or disk is full); free some disk space and run "
            "again (what was written before stays)"
        )
        assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_malformed_file_mid_command_is_a_corrupt_error() -> None:
    with pytest.raises(ArchiveCorruptError) as err, sqlite_errors("news.db"):
        raise sqlite3.DatabaseError("database disk image is malformed")
    assert str(err.value).startswith(
        "news.db is damaged (database disk image is malformed); stop writing to it: restore "
        "a backup"
    )


# --- a locked database is retried ---------------------------------------------------------

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO crawl_runs (site, started_at, status) VALUES ('x', 'x', 'running')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
print("released", flush=True)
time.sleep(60)
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the write lock for ``seconds``."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_lock_released_after_a_while_is_retried(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    Archive(path).close()
    holder = hold_lock(path, 1.5)
    try:
        with Archive(path, timeout=20) as archive:
            started = time.monotonic()
            assert archive.save_articles([ARTICLE]) == ["new"]
            run = archive.start_run("hibya")
            archive.finish_run(run, status="finished")
            waited = time.monotonic() - started
            assert archive.lock_retries >= 1  # tenacity tried again, SQLite alone did not wait
    finally:
        holder.kill()
        holder.wait()
    assert 0.5 < waited < 10


def test_lock_never_released_gives_up_after_the_timeout(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    Archive(path).close()
    holder = hold_lock(path, 600)
    try:
        with Archive(path, timeout=1.0) as archive:
            for write in (
                lambda: archive.save_articles([ARTICLE]),
                lambda: archive.save_raw_pages([{"url": "u", "status": 200, "body": b"x"}]),
                lambda: archive.start_run("hibya"),
                archive.optimize,
            ):
                started = time.monotonic()
                retries = archive.lock_retries
                with pytest.raises(ArchiveLockedError) as err:
                    write()
                assert 0.9 < time.monotonic() - started < 4
                assert archive.lock_retries > retries + 1
                assert str(err.value) == (
                    "news.db is locked by another process; wait for it to finish or pass "
                    "--timeout 600"
                )
            assert archive.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 1000
    finally:
        holder.kill()
        holder.wait()
    with Archive(path) as archive:
        assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


# --- raw pages are never replaced by worse ------------------------------------------------


@pytest.fixture
def linked(tmp_path: Path) -> Archive:
    """An archive with one article and its raw page (linked)."""
    archive = Archive(tmp_path / "news.db")
    archive.save_raw_pages([{"url": ARTICLE["url"], "status": 200, "body": GOOD_HTML,
                             "article": True, "fetched_at": "2025-11-16T12:00:00+03:00"}])
    archive.save_articles([ARTICLE])
    assert archive.raw_page(ARTICLE["url"])["article_id"] == 1  # type: ignore[index]
    return archive


@pytest.mark.parametrize(
    "worse",
    [
        {"status": 200, "body": b"<html>Erisim engellendi</html>", "article": False},
        {"status": 200, "body": b""},
        {"status": 200, "body": b"", "article": True},
        {"status": 403, "body": b"<html>forbidden</html>"},
        {"status": 500, "body": b"<html>oops</html>", "article": None},
    ],
)
def test_worse_page_never_replaces_an_articles_raw_page(
    linked: Archive, worse: dict[str, Any]
) -> None:
    linked.save_raw_pages([{"url": ARTICLE["url"], **worse}])
    linked.save_raw_page(ARTICLE["url"], **worse)
    page = linked.raw_page(ARTICLE["url"])
    assert page is not None
    assert (page["body"], page["status"], page["fetched_at"], page["article_id"]) == (
        GOOD_HTML, 200, "2025-11-16T12:00:00+03:00", 1
    )
    linked.close()


def test_better_page_replaces_an_articles_raw_page(linked: Archive) -> None:
    for article in (True, None):
        body = f"<html>new {article}</html>".encode()
        linked.save_raw_pages([{"url": ARTICLE["url"], "status": 200, "body": body,
                                "article": article}])
        assert linked.raw_page(ARTICLE["url"])["body"] == body  # type: ignore[index]
    linked.close()


def test_pages_of_no_article_are_replaced_as_before(linked: Archive) -> None:
    url = "https://www.hibya.com/"
    linked.save_raw_pages([{"url": url, "status": 200, "body": b"<html>home</html>"}])
    linked.save_raw_pages([{"url": url, "status": 200, "body": b"<html>block</html>",
                            "article": False}])
    assert linked.raw_page(url)["body"] == b"<html>block</html>"  # type: ignore[index]
    with pytest.raises(RecordError, match="'article' must be True, False or None"):
        linked.save_raw_pages([{"url": url, "status": 200, "body": b"x", "article": "no"}])
    linked.close()


# --- racing migrations on a new file ------------------------------------------------------

OPENER = """
import sys, time
from archive import Archive
path, start, n = sys.argv[1], float(sys.argv[2]), sys.argv[3]
time.sleep(max(0.0, start - time.time()))
with Archive(path, timeout=30) as archive:
    archive.save_articles([{"url": f"https://x/{n}", "site": "s", "title": "t", "body": "b"}])
    print(archive.migrated, flush=True)
"""


@pytest.mark.parametrize("how", ["no file", "0 bytes"])
def test_racing_openers_of_a_new_file_migrate_it_once(tmp_path: Path, how: str) -> None:
    path = tmp_path / "news.db"
    if how == "0 bytes":
        path.touch()
    start = time.time() + 1.5
    procs = [
        subprocess.Popen([sys.executable, "-c", OPENER, str(path), str(start), str(n)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         cwd=Path(__file__).resolve().parents[1])
        for n in range(6)
    ]
    outputs = [proc.communicate(timeout=60) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 6, [err for _, err in outputs]
    migrated = sorted(out.strip() for out, _ in outputs)
    assert migrated == sorted(["[]"] * 5 + [str(list(range(1, SCHEMA_VERSION + 1)))])
    with Archive(path) as archive:
        assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 6


def test_a_file_with_several_names_is_refused(tmp_path: Path) -> None:
    """Writers through two hard links use two journals and lose each other's writes."""
    from tests.conftest import run_cli

    db = tmp_path / "a" / "news.db"
    db.parent.mkdir()
    Archive(db).close()
    other = tmp_path / "b" / "copy.db"
    other.parent.mkdir()
    other.hardlink_to(db)
    before = sha(db)
    for name in (db, other):
        with pytest.raises(ArchiveError, match="has 2 names \\(hard links\\)"):
            Archive(name)
    result = run_cli("search", "izmir", "--db", str(other))
    assert result.returncode == 74 and "Traceback" not in result.stderr
    assert "keep one name" in result.stderr
    assert sha(db) == before and siblings(db) == ["news.db"] and siblings(other) == ["copy.db"]
