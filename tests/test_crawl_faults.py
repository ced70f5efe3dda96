"""A crawl meeting a full disk, a bad database, a stalled site or a site that gives nothing.

Real crawls in subprocesses against loopback servers (``tests/hostile_server.py``). The
exit code, the summary and the ``crawl_runs`` record must say what happened, in one line
and without a traceback.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import rows, run_cli, write_locked
from tests.hostile_server import SITE, serve


def crawl(site: Any, db: Path, *settings: str, **kwargs: Any
          ) -> subprocess.CompletedProcess[str]:
    args = [a for s in ("PROGRESS_INTERVAL=0", *settings) for a in ("--set", s)]
    return run_cli("crawl", SITE, "--db", str(db), "--base-url", site.origin, *args,
                   env=site.env, **kwargs)


def article_requests(site: Any) -> int:
    return sum(1 for _, path, _ in site.log if site.is_article(path))


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 400 KiB tmpfs (root only; skipped where mounting is not permitted)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


# --- a write failure stops the crawl ----------------------------------------------------------

def assert_stopped_by_the_archive(result: subprocess.CompletedProcess[str], site: Any,
                                  db: Path, articles: int) -> None:
    assert result.returncode == 74, result.stdout + result.stderr[-3000:]
    no_traceback(result)
    assert "failed" in result.stdout.splitlines()[0]
    assert "the archive could not be written" in result.stdout
    assert "check the network" not in result.stdout
    # (the end of the run may not fit either: that warning is another message, see below)
    errors = [line for line in result.stderr.splitlines() if "archive" in line.lower()
              and "could not record the end of run" not in line]
    assert len(errors) == 1, result.stderr  # said once, not once per item
    assert article_requests(site) < articles * 0.6  # fetching stopped
    run = rows(db, "select status, reason from crawl_runs")
    assert run[0]["status"] in ("failed", "running"), run  # "failed" when the db allows it
    if run[0]["status"] == "failed":
        assert "could not be written" in run[0]["reason"]


def test_full_disk_stops_the_crawl_with_74(small_disk: Path) -> None:
    db = small_disk / "news.db"
    with serve("normal", articles=300) as site:
        result = crawl(site, db, "ARCHIVE_BATCH_SIZE=10")
        assert_stopped_by_the_archive(result, site, db, 300)
    written = rows(db, "select count(*) n from articles")[0]["n"]
    assert f"{written} new" in result.stdout  # the summary counts what is really there


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (300 * 1024, 300 * 1024))


def test_file_size_limit_stops_the_crawl_with_74(tmp_path: Path) -> None:
    """The same without root: every file of the crawler limited to 300 KiB."""
    db = tmp_path / "news.db"
    with serve("normal", articles=300) as site:
        args = [a for s in ("PROGRESS_INTERVAL=0", "ARCHIVE_BATCH_SIZE=10")
                for a in ("--set", s)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **site.env}
        env.pop("NEWSCRAWLER_DB", None)
        result = subprocess.run(
            [sys.executable, "-m", "newscrawler.cli", "crawl", SITE, "--db", str(db),
             "--base-url", site.origin, *args],
            env=env, capture_output=True, text=True, timeout=240,
            preexec_fn=_limit_file_size)
        assert_stopped_by_the_archive(result, site, db, 300)


def test_rerun_after_the_disk_was_freed_finishes_the_rest(small_disk: Path,
                                                         tmp_path: Path) -> None:
    db = small_disk / "news.db"
    with serve("normal", articles=120) as site:
        assert crawl(site, db, "ARCHIVE_BATCH_SIZE=10").returncode == 74
        for name in ("news.db", "news.db-wal", "news.db-shm"):  # "free some space": move
            if (small_disk / name).exists():
                shutil.copy(small_disk / name, tmp_path / name)
        big = tmp_path / "news.db"
        result = crawl(site, big)
        assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert rows(big, "select count(*) n from articles")[0]["n"] == 120
    assert rows(big, "select count(distinct url) n from articles")[0]["n"] == 120


# --- database problems at crawl start ------------------------------------------------------------

def _archive(db: Path) -> None:
    from archive import Archive

    Archive(db).close()


def test_locked_database_at_start_is_one_line_and_74(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    _archive(db)
    with write_locked(db), serve("normal", articles=5) as site:
        result = run_cli("crawl", SITE, "--db", str(db), "--base-url", site.origin,
                         "--timeout", "1", env=site.env)
        assert article_requests(site) == 0
    assert_one_line_74(result, "locked")


def assert_one_line_74(result: subprocess.CompletedProcess[str], word: str) -> None:
    assert result.returncode == 74, result.stdout + result.stderr[-3000:]
    no_traceback(result)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert word in lines[0]
    assert "check the network" not in result.stdout + result.stderr


@pytest.mark.parametrize("problem, word", [
    ("damaged", "damaged"),
    ("foreign", "news.db"),
])
def test_bad_database_at_start_is_one_line_and_74(tmp_path: Path, problem: str,
                                                   word: str) -> None:
    db = tmp_path / "news.db"
    if problem == "damaged":
        db.write_bytes(os.urandom(16384))
    else:
        conn = sqlite3.connect(db)
        conn.execute("create table articles (id integer primary key, url text, price real)")
        conn.execute("insert into articles (url, price) values ('x', 1.5)")
        conn.commit()
        conn.close()
    before = db.read_bytes()
    with serve("normal", articles=5) as site:
        result = run_cli("crawl", SITE, "--db", str(db), "--base-url", site.origin,
                         env=site.env)
        assert article_requests(site) == 0
    assert_one_line_74(result, word)
    assert db.read_bytes() == before


def test_read_only_database_at_start_is_one_line_and_74(small_disk: Path) -> None:
    db = small_disk / "news.db"
    _archive(db)
    done = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot remount read-only: {done.stderr.strip()}")
    with serve("normal", articles=5) as site:
        result = run_cli("crawl", SITE, "--db", str(db), "--base-url", site.origin,
                         env=site.env)
        assert article_requests(site) == 0
    assert_one_line_74(result, "news.db")


def test_full_disk_at_start_is_one_line_and_74(small_disk: Path) -> None:
    db = small_disk / "news.db"
    _archive(db)
    filler = small_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    with serve("normal", articles=5) as site:
        result = run_cli("crawl", SITE, "--db", str(db), "--base-url", site.origin,
                         env=site.env)
    assert_one_line_74(result, "news.db")


# --- the flush timer runs on its own clock --------------------------------------------------------

def test_stalled_crawl_writes_its_batch_on_the_clock(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("stall", articles=40, stall_after=30) as site:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newscrawler.cli", "crawl", SITE, "--db", str(db),
             "--base-url", site.origin, "--set", "ARCHIVE_FLUSH_SECONDS=1",
             "--set", "ARCHIVE_BATCH_SIZE=1000", "--set", "PROGRESS_INTERVAL=0"],
            env={**os.environ, **site.env}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while article_requests(site) < 30:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.05)
            stalled_at = time.monotonic()
            written = 0
            while time.monotonic() - stalled_at < 1 + 3:  # ARCHIVE_FLUSH_SECONDS + slack
                try:
                    written = rows(db, "select count(*) n from articles")[0]["n"]
                except sqlite3.OperationalError:
                    pass
                if written == 30:
                    break
                time.sleep(0.1)
        finally:
            proc.kill()
            proc.wait()
    assert written == 30


# --- when nothing is archived, the summary says why -------------------------------------------

@pytest.mark.parametrize("mode, expected", [
    ("robots-disallow", "robots.txt forbids"),
    ("offsite-redirect", "redirects left the site"),
    ("pdf", "not HTML"),
    ("empty", "empty"),
    ("redirect-cycle", "redirect loops"),
])
def test_nothing_archived_says_why(tmp_path: Path, mode: str, expected: str) -> None:
    db = tmp_path / "news.db"
    with serve(mode, articles=5) as site:
        result = crawl(site, db)
    no_traceback(result)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert expected in result.stdout, result.stdout
    assert "network" not in result.stdout
    assert "IgnoreRequest" not in result.stdout
    run = rows(db, "select status, reason from crawl_runs")[0]
    assert run["status"] == "failed" and expected in run["reason"]
    outcome = next(line for line in result.stdout.splitlines() if "outcome" in line)
    assert outcome.split("outcome", 1)[1].strip().startswith("failed: nothing archived")
    later = run_cli("stats", "--db", str(db))  # `stats` shows the recorded outcome
    assert "failed" in later.stdout and expected in later.stdout


def test_unreachable_site_blames_the_network(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    result = run_cli("crawl", "sample", "--db", str(db), "--base-url", "http://127.0.0.1:9",
                     "--set", "RETRY_TIMES=0", "--set", "PROGRESS_INTERVAL=0")
    assert result.returncode == 1
    assert "nothing was fetched" in result.stdout and "network errors" in result.stdout
    no_traceback(result)
    assert rows(db, "select status from crawl_runs")[0]["status"] == "failed"


def test_blocked_site_exits_69(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("block", articles=12) as site:
        result = crawl(site, db)
    no_traceback(result)
    if "block/pages" not in result.stdout and "blocked" not in result.stdout:
        pytest.skip("block detection is not in this tree yet")
    assert result.returncode == 69, result.stdout + result.stderr[-2000:]
    assert "blocked" in result.stdout.splitlines()[0]
    assert rows(db, "select status from crawl_runs")[0]["status"] == "blocked"
    assert rows(db, "select count(*) n from articles")[0]["n"] == 0


def test_progress_line_and_summary_agree(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("normal", articles=15) as site:
        result = crawl(site, db, "PROGRESS_INTERVAL=30")
    assert result.returncode == 0, result.stderr[-2000:]
    last = [line for line in result.stderr.splitlines() if line.startswith(f"[{SITE}]")][-1]
    assert last.startswith(f"[{SITE}] finished: ")
    numbers = dict(part.strip().rsplit(" ", 1) for part in last.split(": ", 1)[1].split("|"))
    out = result.stdout
    assert out.splitlines()[0].startswith(f"{SITE}: finished in")
    assert f"pages fetched   {numbers['pages']}" in out
    assert (f"{numbers['new']} new, {numbers['updated']} updated, "
            f"{numbers['unchanged']} unchanged") in out
    assert f"dropped         {numbers['dropped']}" in out
    assert f"errors          {numbers['errors']}" in out
    assert int(numbers["new"]) == rows(db, "select count(*) n from articles")[0]["n"] == 15


def test_rate_limited_site_exits_69_and_says_when_to_retry(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("429", articles=8, retry_after=3600) as site:
        result = crawl(site, db, "RETRY_AFTER_MAX=60")
    no_traceback(result)
    if "rate_limited" not in result.stdout:
        pytest.skip("the Retry-After middleware is not in this tree yet")
    assert result.returncode == 69, result.stdout + result.stderr[-2000:]
    assert "Retry-After 3600 s" in result.stdout and "retry after" in result.stdout
    run = rows(db, "select status, reason from crawl_runs")[0]
    assert run["status"] == "blocked" and "rate-limited" in run["reason"]
