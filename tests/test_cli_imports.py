"""Reading commands import what they need, not Scrapy or pandas (issue 11, goal 3).

``newscrawler search`` must start in well under 60 ms: importing Scrapy and Twisted costs
~100 ms, and sqlite-utils imports pandas and numpy whenever they are installed (0.3 s;
the test extra installs pandas, so these tests see it). Each command runs in a fresh
interpreter that reports which of those modules it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archive import Archive

HEAVY = ("scrapy", "twisted", "pandas", "numpy", "sqlite_utils", "lxml", "datasette")

RUN = """
import atexit, json, sys
heavy = {heavy!r}
def report():
    loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))
    sys.stderr.write("LOADED " + json.dumps(loaded) + "\\n")
atexit.register(report)
sys.argv = ["newscrawler", *{args!r}]
from newscrawler.cli import main
main()
"""


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("imports") / "news.db"
    with Archive(path) as store:
        store.save_articles([
            {"url": f"https://example.org/{i}", "site": "hibya",
             "title": f"Kadına şiddete hayır {i}", "published_at": "2025-01-02T10:00:00+03:00",
             "body": "Işık Mahallesi'nde kadına şiddete karşı yürüyüş yapıldı. " * 10}
            for i in range(5)])
    return path


def loaded_modules(args: list[str], cwd: Path) -> list[str]:
    """The heavy modules a fresh ``newscrawler ARGS`` imported (it must succeed)."""
    proc = subprocess.run(
        [sys.executable, "-c", RUN.format(heavy=HEAVY, args=args)],
        capture_output=True, text=True, cwd=cwd, timeout=60)
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stderr.splitlines() if x.startswith("LOADED "))
    return list(json.loads(line.removeprefix("LOADED ")))


@pytest.mark.parametrize("args", [
    ["search", "kadına"],
    ["search", "kadına", "--format", "json"],
    ["export", "-o", "out.csv"],
    ["export", "--format", "jsonl", "-o", "out.jsonl"],
    ["stats"],
    ["stats", "--format", "json"],
], ids=" ".join)
def test_reading_commands_skip_scrapy_and_pandas(args: list[str], small_archive: Path) -> None:
    loaded = loaded_modules([*args, "--db", str(small_archive)], small_archive.parent)
    assert loaded == []


def test_the_probe_sees_heavy_imports(small_archive: Path) -> None:
    """The probe itself works: ``extract`` parses HTML, so it shows lxml."""
    page = small_archive.parent / "page.html"
    page.write_text("<html><body><h1>Başlık</h1><p>Metin.</p></body></html>", "utf-8")
    assert "lxml" in loaded_modules(["extract", str(page)], small_archive.parent)
