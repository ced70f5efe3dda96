"""Run locks: one crawl per site and database; a dead holder frees the lock."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from newscrawler.runlock import RunLock, RunLockedError, lock_path
from tests.conftest import rows, run_cli


def test_second_lock_on_same_site_refused(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with RunLock(db, "hibya"):
        with pytest.raises(RunLockedError, match=r"another crawl of 'hibya' into news.db"):
            RunLock(db, "hibya").acquire()
        with RunLock(db, "sample"):  # another site runs alongside
            pass
    with RunLock(db, "hibya"):  # released
        pass


def test_lock_of_a_killed_process_is_free(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    code = ("import sys, os; sys.path.insert(0, sys.argv[2]);"
            "from newscrawler.runlock import RunLock;"
            "RunLock(sys.argv[1], 'hibya').acquire(); os._exit(0)")
    repo = str(Path(__file__).resolve().parents[1])
    subprocess.run([sys.executable, "-c", code, str(db), repo], check=True, timeout=60)
    assert lock_files(tmp_path)  # the kill left its file
    with RunLock(db, "hibya"):
        pass
    assert lock_files(tmp_path) == []  # taken and removed by the next crawl


def lock_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".newscrawler-*.lock"))


def test_lock_files_do_not_pile_up(tmp_path: Path) -> None:
    for name in ("a.db", "b.db"):
        db = tmp_path / name
        for site in ("hibya", "sample"):
            with RunLock(db, site):
                assert len(lock_files(tmp_path)) == 1
        db.unlink()
    assert lock_files(tmp_path) == []


def test_a_waiting_crawl_takes_the_lock_its_holder_removed(tmp_path: Path) -> None:
    """The file is removed as the lock is let go: the waiting crawl must not lock the
    removed file while a third crawl locks a new one at the same path."""
    db = tmp_path / "news.db"
    repo = str(Path(__file__).resolve().parents[1])
    code = ("import sys, time; sys.path.insert(0, sys.argv[2]);"
            "from newscrawler.runlock import RunLock;"
            "lock = RunLock(sys.argv[1], 'hibya', wait=30).acquire();"
            "print('got', flush=True); sys.stdin.readline(); lock.release()")
    first = RunLock(db, "hibya").acquire()
    waiter = subprocess.Popen([sys.executable, "-c", code, str(db), repo], text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        time.sleep(1.0)  # the waiter has opened the file and is polling its lock
        first.release()
        assert waiter.stdout is not None
        assert waiter.stdout.readline().strip() == "got"
        with pytest.raises(RunLockedError):
            RunLock(db, "hibya").acquire()
    finally:
        waiter.communicate("\n", timeout=30)
    assert waiter.returncode == 0
    with RunLock(db, "hibya"):
        pass
    assert lock_files(tmp_path) == []


def test_wait_gives_up_after_the_timeout(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with RunLock(db, "hibya"), pytest.raises(RunLockedError, match="--wait"):
        RunLock(db, "hibya", wait=0.3).acquire()


# --- keyed by the database file, whatever its path --------------------------------------------

def test_every_spelling_of_the_path_is_the_same_lock(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "news.db"
    db.write_bytes(b"")
    (tmp_path / "link.db").symlink_to(db)
    os.link(db, tmp_path / "hard.db")
    monkeypatch.chdir(tmp_path)
    with RunLock(db, "hibya"):
        for spelling in ("./news.db", "link.db", "hard.db",
                         f"{tmp_path}/../{tmp_path.name}/news.db"):
            with pytest.raises(RunLockedError):
                RunLock(spelling, "hibya").acquire()


def test_a_lock_joined_in_the_same_process_is_shared(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    outer = RunLock(db, "hibya").acquire()
    inner = RunLock(db, "hibya", join=True).acquire()
    inner.release()
    with pytest.raises(RunLockedError):  # still held by the outer one
        RunLock(db, "hibya").acquire()
    outer.release()
    with RunLock(db, "hibya"):
        pass


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a crawl as another user")
def test_lock_file_of_another_user_is_one_line(tmp_path: Path) -> None:
    import pwd

    nobody = pwd.getpwnam("nobody")
    folder = Path(tempfile.mkdtemp(prefix="lock-", dir="/tmp"))
    try:
        folder.chmod(0o777)
        db = folder / "news.db"
        db.touch()
        lock_path(db, "sample")[0].touch(0o644)  # a lock file left by root's killed crawl
        db.chmod(0o666)
        # Imports as root (the interpreter may live in root's home), then crawls as nobody.
        code = ("import os, sys; import newscrawler.cli, newscrawler.runner, "
                "newscrawler.runlock, newscrawler.overrides, archive, newscrawler.extract.dom, "
                "sqlite_utils; "
                "newscrawler.profiles.get_profile('sample'); "
                f"os.setgid({nobody.pw_gid}); os.setuid({nobody.pw_uid}); "
                "sys.argv = ['newscrawler'] + sys.argv[1:]; newscrawler.cli.main()")
        result = subprocess.run(
            [sys.executable, "-c", code, "crawl", "sample", "--db", str(db),
             "--base-url", "http://127.0.0.1:9"],
            capture_output=True, text=True, timeout=120, cwd=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert result.returncode == 74, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot take the run lock" in lines[0], result.stderr
    assert "another user" in lines[0] and "Traceback" not in result.stderr


# --- crawls take the lock ------------------------------------------------------------------

def test_plain_scrapy_crawl_takes_the_run_lock(tmp_path: Path, sample_origin: str) -> None:
    repo = Path(__file__).resolve().parents[1]
    db = tmp_path / "news.db"
    with RunLock(db, "sample"):
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "sample",
             "-a", f"base_url={sample_origin}", "-s", f"ARCHIVE_DB={db}",
             "-s", "PROGRESS_INTERVAL=0", "-s", "LOG_LEVEL=WARNING"],
            cwd=repo, capture_output=True, text=True, timeout=240)
    assert "another crawl of 'sample'" in result.stderr, result.stderr[-2000:]
    assert result.returncode == 75  # the exit code of `newscrawler crawl` (before: 0)
    assert rows(db, "select count(*) n from articles")[0]["n"] == 0
    assert rows(db, "select count(*) n from crawl_runs")[0]["n"] == 0
    stats = [line for line in result.stderr.splitlines() if "downloader/request_count" in line]
    assert not stats
    assert "never awaited" not in result.stderr  # the other pipelines' open_spider too


def test_crawl_of_the_same_site_twice_crawls_it_once(tmp_path: Path, sample_origin: str) -> None:
    db = tmp_path / "news.db"
    result = run_cli("crawl", "sample", "sample", "--db", str(db), "--base-url", sample_origin,
                     "--set", "PROGRESS_INTERVAL=0")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.count("sample: finished") == 1
    assert rows(db, "select count(*) n from crawl_runs")[0]["n"] == 1


def test_stale_run_is_marked_killed_even_when_its_pid_lives(tmp_path: Path,
                                                           sample_origin: str) -> None:
    from archive import Archive

    db = tmp_path / "news.db"
    with Archive(db) as store:  # a run left `running` by a crawler that was PID 1 elsewhere
        store.conn.execute("insert into crawl_runs (site, started_at, status, pid) "
                           "values ('sample', '2025-01-01T00:00:00+00:00', 'running', 1)")
        store.conn.commit()
    result = run_cli("crawl", "sample", "--db", str(db), "--base-url", sample_origin,
                     "--set", "PROGRESS_INTERVAL=0")
    assert result.returncode == 0, result.stderr[-2000:]
    runs = rows(db, "select status, reason from crawl_runs order by id")
    assert [r["status"] for r in runs] == ["killed", "finished"]
    assert runs[0]["reason"]


def test_a_locked_site_is_skipped_and_the_others_are_crawled(tmp_path: Path,
                                                           sample_origin: str) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    bundled = (Path(__file__).resolve().parents[1] / "newscrawler" / "sites" / "sample.toml")
    profile = bundled.read_text("utf-8").replace('name = "sample"', 'name = "kopya"')
    profile = re.sub(r'(?m)^base_url = ".*"$', f'base_url = "{sample_origin}/"', profile)
    (sites / "kopya.toml").write_text(profile, "utf-8")
    db = tmp_path / "news.db"
    with RunLock(db, "sample"):  # another crawl of sample into news.db is running
        result = run_cli("crawl", "sample", "kopya", "--db", str(db),
                         "--set", "PROGRESS_INTERVAL=0", env={"NEWSCRAWLER_SITES_DIR": str(sites)})
    assert result.returncode == 75, result.stdout + result.stderr[-2000:]
    assert "another crawl of 'sample' into news.db is running" in result.stderr
    assert "sample skipped" in result.stderr
    assert "kopya: finished" in result.stdout
    assert [r["site"] for r in rows(db, "select site from crawl_runs")] == ["kopya"]
