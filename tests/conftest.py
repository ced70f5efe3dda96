"""Shared fixtures: the sample site on a real loopback server, a CLI runner, paths."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from newscrawler.sample_server import SAMPLE_ROOT, serve

REPO = Path(__file__).resolve().parents[1]
#: The environment of a crawl with newscrawler's own settings (EXTRACT_WORKERS=auto).
DEFAULT_SETTINGS = {"SCRAPY_SETTINGS_MODULE": "newscrawler.settings"}
# Test crawls extract in their own process unless a test asks otherwise (see
# tests/one_process_settings.py); their subprocesses find the module from any folder.
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "tests.one_process_settings")
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture(scope="session")
def sample_origin() -> Iterator[str]:
    """The bundled sample site, served on a free 127.0.0.1 port for the whole session."""
    with serve(SAMPLE_ROOT) as origin:
        yield origin


@pytest.fixture(scope="session")
def manifest() -> dict[str, Any]:
    """The sample site's hand-written gold labels."""
    data: dict[str, Any] = json.loads((SAMPLE_ROOT / "_manifest.json").read_text("utf-8"))
    return data


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 240, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``newscrawler ARGS`` in a fresh process (Scrapy's reactor runs once per process)."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("NEWSCRAWLER_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "newscrawler.launcher", *args],  # what the script runs
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout, input=input,
    )


@pytest.fixture(scope="session")
def crawled_sample(sample_origin: str, tmp_path_factory: pytest.TempPathFactory
                   ) -> dict[str, Any]:
    """One full crawl of the sample site through the real Scrapy engine, into a fresh archive,
    with newscrawler's default settings (an extraction worker on two CPUs or more)."""
    db = tmp_path_factory.mktemp("crawl") / "news.db"
    result = run_cli("crawl", "sample", "--db", str(db), "--base-url", sample_origin,
                     "--set", "PROGRESS_INTERVAL=0", env=DEFAULT_SETTINGS)
    return {"db": db, "result": result, "origin": sample_origin}


def rows(db: Any, sql: str, *params: Any) -> list[dict[str, Any]]:
    """The result of ``sql`` on the archive file ``db``, as dicts (read-only, no archive code)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def import_sample(folder: Path, manifest: dict[str, Any]) -> Path:
    """The sample site's articles imported (no crawl) into ``folder/news.db``; its path."""
    pages = folder / "pages"
    pages.mkdir(exist_ok=True)
    for gold in manifest["articles"]:
        name = gold["path"].lstrip("/") + ".html"
        (pages / name).write_bytes((SAMPLE_ROOT / name).read_bytes()
                                   .replace(b"{{ORIGIN}}", b"http://127.0.0.1:8765"))
    db = folder / "news.db"
    result = run_cli("import", str(pages), "--db", str(db), "--site", "sample")
    assert result.returncode == 0, result.stderr
    return db


_LOCK_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive-mode":
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO crawl_runs (site, started_at, status) VALUES ('x', 'x', 'running')")
print("locked", flush=True)
time.sleep(120)
"""


@contextmanager
def write_locked(db: Path, mode: str = "exclusive-mode") -> Iterator[None]:
    """Another process holds ``db``'s lock (``BEGIN EXCLUSIVE``, never committed) meanwhile;
    ``mode`` "exclusive-mode" also sets ``locking_mode = EXCLUSIVE`` (readers wait too),
    "normal" does not (readers go on in WAL mode)."""
    holder = subprocess.Popen([sys.executable, "-c", _LOCK_HOLDER, str(db), mode],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.kill()
        holder.wait()


@contextmanager
def serving(db: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``newscrawler serve --db DB --port 0 ARGS`` running: the articles table's URL and
    the process (stopped with SIGINT, as Ctrl-C would, at the end)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "newscrawler.cli", "serve", "--db", str(db), "--port", "0",
         *args], stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "Serving" in line, line + proc.stderr.read()
        yield line.split(" at ", 1)[1].split()[0], proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
