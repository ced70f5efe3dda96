"""Run locks: one crawl per site and database; a dead holder frees the lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newscrawler.runlock import RunLock, RunLockedError


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
    with RunLock(db, "hibya"):
        pass


def test_wait_gives_up_after_the_timeout(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with RunLock(db, "hibya"), pytest.raises(RunLockedError, match="--wait"):
        RunLock(db, "hibya", wait=0.3).acquire()
