"""Signals stop a crawl without losing what it fetched, and the run record says so.

Real crawls in subprocesses, real signals. First SIGINT/SIGTERM/SIGHUP: a graceful stop,
the batch held in memory written, the run ``killed`` with "interrupted by SIG...", exit
130 (SIGINT) or 143. A second signal stops at once, and still writes and records.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import rows
from tests.hostile_server import SITE, serve

HOLD_THE_BATCH = ("ARCHIVE_BATCH_SIZE=1000", "ARCHIVE_FLUSH_SECONDS=3600")


def start(site: str, db: Path, origin: str, *settings: str,
          env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``newscrawler crawl SITE`` in the background, stderr as text lines."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("NEWSCRAWLER_DB", None)
    args = [a for setting in settings for a in ("--set", setting)]
    return subprocess.Popen(
        [sys.executable, "-m", "newscrawler.cli", "crawl", site, "--db", str(db),
         "--base-url", origin, *args],
        env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_pages(proc: subprocess.Popen[str], pages: int) -> list[str]:
    """Read progress lines until one shows at least ``pages`` pages fetched."""
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "pages " in line and int(line.split("pages ")[1].split()[0]) >= pages:
            return seen
    raise AssertionError("the crawl ended before the signal: " + "".join(seen[-20:]))


def the_run(db: Path) -> dict[str, Any]:
    runs = rows(db, "select status, reason, finished_at from crawl_runs")
    assert len(runs) == 1, runs
    return runs[0]


@pytest.mark.parametrize("signum, code, name", [
    (signal.SIGINT, 130, "SIGINT"),
    (signal.SIGTERM, 143, "SIGTERM"),
    (signal.SIGHUP, 143, "SIGTERM"),
])
def test_first_signal_writes_the_batch_and_records_killed(
        tmp_path: Path, sample_origin: str, signum: int, code: int, name: str) -> None:
    db = tmp_path / "news.db"
    proc = start("sample", db, sample_origin, "DOWNLOAD_DELAY=0.2",
                 "CONCURRENT_REQUESTS_PER_DOMAIN=1", "PROGRESS_INTERVAL=0.3", *HOLD_THE_BATCH)
    seen = wait_for_pages(proc, 12)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    err = "".join(seen) + err
    assert proc.returncode == code, err[-3000:]
    n = rows(db, "select count(*) n from articles")[0]["n"]
    assert n >= 1  # the batch held in memory was written on the way out
    run = the_run(db)
    assert run["status"] == "killed" and run["finished_at"]
    assert run["reason"] == f"interrupted by {name}"
    assert "sample: killed" in out and f"killed: interrupted by {name}" in out
    assert f"new {n}" in err.splitlines()[-1]  # the last progress line agrees with the archive
    assert "Traceback" not in err


def test_second_signal_stops_at_once_and_still_writes(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("stall", articles=20, stall_after=5) as site:
        proc = start(SITE, db, site.origin, "PROGRESS_INTERVAL=0.3", "DOWNLOAD_TIMEOUT=120",
                     *HOLD_THE_BATCH, env=site.env)
        deadline = time.monotonic() + 60
        while sum(1 for _, path, _ in site.log if site.is_article(path)) < 5:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.1)
        time.sleep(1.5)  # the five answered pages reach the pipeline; the rest hang
        proc.send_signal(signal.SIGTERM)
        time.sleep(1.5)
        assert proc.poll() is None  # graceful: waiting for the hanging pages
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        out, err = proc.communicate(timeout=60)
        assert time.monotonic() - started < 20  # at once, not after DOWNLOAD_TIMEOUT
    assert proc.returncode == 143, err[-3000:]
    assert rows(db, "select count(*) n from articles")[0]["n"] == 5
    run = the_run(db)
    assert run["status"] == "killed" and run["reason"] == "interrupted by SIGTERM"
    assert "killed" in out and "finished" not in out.splitlines()[0]
    assert "Traceback" not in err
