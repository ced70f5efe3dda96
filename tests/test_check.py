"""`newscrawler check`, and what every command does with a file that is not a healthy
archive of ours: exit codes, one line on stderr, the file untouched (#7)."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import archive.store
from archive import SCHEMA_VERSION, Archive, ArchiveLockedError
from archive.check import check_file
from archive.schema import MIGRATIONS
from newscrawler import cli
from newscrawler.sample_server import SAMPLE_ROOT
from tests.conftest import run_cli


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def healthy(path: Path, n: int = 200) -> Path:
    with Archive(path) as store:
        body = "Kadına yönelik şiddetle mücadele konuşuldu. " * 30
        store.save_articles([{"url": f"https://x/{i}", "site": "s", "title": f"Başlık {i}",
                              "body": body} for i in range(n)])
    return path


def damaged(path: Path) -> Path:
    """Header fine; the middle of the articles table's root page overwritten."""
    healthy(path)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 100 : start + 2000] = random.Random(1).randbytes(1900)
    path.write_bytes(bytes(data))
    return path


def foreign(path: Path, user_version: int = 0) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT, title TEXT)")
    conn.execute("CREATE TABLE users (name TEXT)")
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.commit()
    conn.close()
    return path


def page(tmp_path: Path) -> Path:
    """One saved article page to import."""
    name = "alsancakta-isik-festivali-icin-geri-sayim-basladi-100004.html"
    target = tmp_path / "pages" / name
    target.parent.mkdir(exist_ok=True)
    target.write_bytes((SAMPLE_ROOT / name).read_bytes()
                       .replace(b"{{ORIGIN}}", b"http://127.0.0.1:8765"))
    return target


# --- newscrawler check ----------------------------------------------------------------------


def test_check_healthy_archive(tmp_path: Path) -> None:
    db = healthy(tmp_path / "news.db")
    result = run_cli("check", "--db", str(db))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "news.db: ok"
    assert "  application id  0x4e435257 (newscrawler)" in lines
    assert f"  schema version  {SCHEMA_VERSION} (this newscrawler: {SCHEMA_VERSION}; " \
           "up to date)" in lines
    assert "  integrity       ok" in lines
    assert "  search index    ok" in lines
    assert "  articles        200" in lines


def test_check_waits_for_a_writer_and_calls_a_lock_no_damage(tmp_path: Path) -> None:
    """A crawl writing to the archive is waited for (``--timeout``); past it, one line says
    to retry: the file is not reported damaged, nor a backup restored."""
    import threading
    import time

    db = healthy(tmp_path / "news.db", 20)
    writer = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")  # as a crawl's write
    try:
        started = time.monotonic()
        result = run_cli("check", "--db", str(db), "--timeout", "1")
        assert result.returncode == 74
        assert time.monotonic() - started >= 1.0  # waited for the writer
        assert result.stdout == ""
        assert result.stderr.strip() == ("Error: news.db is locked by another process; wait "
                                         "for it to finish or pass --timeout 600")
        threading.Timer(1.0, writer.execute, ("ROLLBACK",)).start()
        result = run_cli("check", "--db", str(db), "--timeout", "30")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "  search index    ok" in result.stdout.splitlines()
    finally:
        time.sleep(1.2)  # the timer's rollback, before the connection closes
        writer.close()


def test_check_damaged_page(tmp_path: Path) -> None:
    db = damaged(tmp_path / "news.db")
    before = sha(db)
    result = run_cli("check", "--db", str(db))
    assert result.returncode == 74
    assert result.stdout.startswith("news.db: PROBLEMS FOUND\n")
    assert "  integrity       DAMAGED" in result.stdout
    assert "  problem: integrity: " in result.stdout
    assert "next step: stop writing to it; restore a backup" in result.stdout
    assert "Traceback" not in result.stderr
    assert sha(db) == before


def test_check_search_index_out_of_step(tmp_path: Path) -> None:
    db = healthy(tmp_path / "news.db")
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER articles_fts_update")  # so that the index is not told
    conn.execute("UPDATE articles SET body = 'tamamen başka' WHERE id = 5")
    conn.commit()
    conn.close()
    report = check_file(db)
    assert not report.healthy
    assert report.integrity == ["ok"] and report.articles == 200
    assert report.search_index is not None and report.search_index.startswith(
        "does not match the articles")
    assert report.advice().startswith("the articles are intact; rebuild the search index")
    assert run_cli("check", "--db", str(db)).returncode == 74


def test_check_older_schema_is_healthy_and_not_migrated(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    from sqlite_utils import Database

    MIGRATIONS[0](Database(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()
    before = sha(db)
    result = run_cli("check", "--db", str(db))
    assert result.returncode == 0, result.stdout
    assert f"schema version  1 (this newscrawler: {SCHEMA_VERSION}; the next crawl or import " \
           "upgrades it)" in result.stdout
    assert sha(db) == before


@pytest.mark.parametrize("user_version", [0, 1, 2])
def test_check_foreign_database(tmp_path: Path, user_version: int) -> None:
    db = foreign(tmp_path / "news.db", user_version)
    before = sha(db)
    result = run_cli("check", "--db", str(db))
    assert result.returncode == 74
    assert "  problem: not a newscrawler archive: a SQLite database of another application " \
           "(application_id 0x0" in result.stdout
    assert "upgrades it" not in result.stdout  # another application's file: not ours to upgrade
    assert sha(db) == before and siblings(db) == ["news.db"]


def test_check_random_bytes_empty_and_missing(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(random.Random(3).randbytes(8192))
    result = run_cli("check", "--db", str(junk))
    assert result.returncode == 74
    assert "not a newscrawler archive or is damaged (file is not a database)" in result.stdout
    empty = tmp_path / "empty.db"
    empty.touch()
    assert run_cli("check", "--db", str(empty)).returncode == 0
    missing = run_cli("check", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: none.db does not exist")
    assert not (tmp_path / "none.db").exists()


# --- damage found before writing -----------------------------------------------------------


@pytest.mark.parametrize("command", ["import", "optimize"])
def test_write_commands_refuse_a_damaged_archive(tmp_path: Path, command: str) -> None:
    db = damaged(tmp_path / "news.db")
    before = sha(db)
    args = ("import", str(page(tmp_path))) if command == "import" else ("optimize",)
    result = run_cli(*args, "--db", str(db))
    assert result.returncode == 74, result.stderr
    assert result.stderr.startswith("Error: news.db is damaged (")
    assert "nothing was written to it" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert sha(db) == before


def test_crawl_refuses_a_damaged_archive_before_fetching(tmp_path: Path,
                                                          sample_origin: str) -> None:
    db = damaged(tmp_path / "news.db")
    before = sha(db)
    result = run_cli("crawl", "sample", "--db", str(db), "--base-url", sample_origin,
                     "--set", "PROGRESS_INTERVAL=0")
    assert result.returncode == 74, result.stderr
    assert result.stderr.startswith("Error: news.db is damaged (")
    assert "Traceback" not in result.stderr
    assert sha(db) == before


# --- other applications' databases, through the CLI ----------------------------------------


@pytest.mark.parametrize("user_version", [0, 1, 2])
def test_commands_refuse_a_foreign_database_untouched(tmp_path: Path, user_version: int) -> None:
    db = foreign(tmp_path / "news.db", user_version)
    before = sha(db)
    version = f"user_version {user_version}, " if user_version else ""
    for args in (("import", str(page(tmp_path))), ("search", "izmir"), ("stats",),
                 ("optimize",), ("export",)):
        result = run_cli(*args, "--db", str(db))
        assert result.returncode == 74, (args, result.stderr)
        assert result.stderr.strip() == (
            "Error: news.db is not a newscrawler archive: a SQLite database of another "
            f"application (application_id 0x0, {version}tables: articles, users); pass the "
            "path of a new file or of an existing archive"
        )
    assert sha(db) == before and siblings(db) == ["news.db", "pages"]


# --- exit codes and --db ------------------------------------------------------------------


def test_locked_mid_command_exits_74(tmp_path: Path) -> None:
    db = healthy(tmp_path / "news.db", 1)

    def locked(*_args: Any, **_kwargs: Any) -> Any:
        raise ArchiveLockedError("news.db is locked by another process; wait for it to finish "
                                 "or pass --timeout 600")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(archive.store.Archive, "optimize", locked)
        result = CliRunner().invoke(cli.main, ["optimize", "--db", str(db)])
    assert result.exit_code == 74
    assert result.output.strip() == ("Error: news.db is locked by another process; wait for it "
                                     "to finish or pass --timeout 600")


def test_untranslated_sqlite_error_is_one_line(tmp_path: Path) -> None:
    db = healthy(tmp_path / "news.db", 1)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise sqlite3.OperationalError("no such column: nope")

    import archive.stats

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(archive.stats, "archive_stats", broken)
        result = CliRunner().invoke(cli.main, ["stats", "--db", str(db)])
    assert result.exit_code == 74
    assert result.output.startswith("Error: the archive failed (no such column: nope); run "
                                    "`newscrawler check`")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (":memory:", "':memory:' keeps nothing; pass a file path"),
        ("", "the path is empty; pass a file path (e.g. news.db)"),
    ],
)
def test_db_option_refuses_what_cannot_hold_an_archive(value: str, message: str) -> None:
    for command in ("import", "search", "stats", "export", "optimize", "check", "crawl"):
        args = {"import": ["import", "."], "search": ["search", "x"],
                "crawl": ["crawl", "sample"]}.get(command, [command])
        result = CliRunner().invoke(cli.main, [*args, "--db", value])
        assert result.exit_code == 2, (command, result.output)
        assert f"Invalid value for '--db': {message}" in result.output


def test_db_option_refuses_a_folder(tmp_path: Path) -> None:
    result = run_cli("stats", "--db", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        f"Error: Invalid value for '--db': {str(tmp_path)!r} is a folder; pass the archive "
        f"file's path (e.g. {tmp_path / 'news.db'})")
    assert list(tmp_path.iterdir()) == []
