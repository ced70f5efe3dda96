"""The ``newscrawler`` script (``newscrawler.launcher``) runs a plain search without click,
printing exactly what the click command prints; every other command line goes to click
(issue 11, goal 3: a search starts in well under 60 ms)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive import Archive
from newscrawler.launcher import plain_search

#: Modules a plain search must not import (click is the quick path's point; the others
#: cost 0.1-0.3 s each when installed, see tests/test_cli_imports.py; dataclasses, with
#: inspect, and hashlib 3-7 ms, which saving articles needs and a search does not).
HEAVY = ("click", "scrapy", "twisted", "pandas", "numpy", "sqlite_utils", "lxml",
         "dataclasses", "inspect", "hashlib",
         # 2-3 ms each: typing for annotations only (archive.records), pathlib through
         # archive.store, which a search opens around (archive.reader); #11, goal 3a
         "typing", "pathlib")

# Modules the interpreter's start-up imported (site hooks) are not the command's. A quick
# search ends with os._exit (no exit handlers run): the probe reports there too.
PROBE = """
import atexit, os, sys
started = {{m.split(".")[0] for m in sys.modules}}
def report():
    sys.stderr.write("LOADED " + " ".join(sorted({{m.split(".")[0] for m in sys.modules}}
                                                  - started & {heavy!r})) + "\\n")
atexit.register(report)
real_exit = os._exit
def probed_exit(code):
    report()
    sys.stderr.flush()
    real_exit(code)
os._exit = probed_exit
sys.argv = ["newscrawler", *{args!r}]
from newscrawler.{module} import main
main()
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("launcher") / "news.db"
    with Archive(path) as store:
        store.save_articles([
            {"url": f"https://example.org/{i}", "site": f"site{i % 2}",
             "title": f"Kadına şiddete hayır {i}", "published_at": f"2025-01-{i + 1:02d}",
             "body": f"Işık Mahallesi'nde kadına şiddete karşı yürüyüş {i}. \x1b[1mkalın\x1b[0m"}
            for i in range(7)])
    return path


def run(module: str, args: list[str], cwd: Path) -> tuple[int, str, str, list[str]]:
    """(exit code, stdout, stderr without the probe line, the heavy modules imported)."""
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=args, module=module,
                                                               heavy=set(HEAVY))],
                          capture_output=True, text=True, cwd=cwd, timeout=60,
                          env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"})
    lines = proc.stderr.splitlines(keepends=True)
    probe = next(line for line in lines if line.startswith("LOADED"))
    lines.remove(probe)
    return proc.returncode, proc.stdout, "".join(lines), probe.split()[1:]


QUICK = [
    ["search", "kadına"],
    ["search", "kadına", "şiddet", "--limit", "2", "--offset", "1"],
    ["search", "--format", "json", "KADINA", "--limit=3"],
    ["search", "kadına", "--format", "csv", "--site", "site1", "--timeout", "5"],
    ["search", "kadına", "--offset", "100"],
    ["search", "zeytinyağı"],
]


@pytest.mark.parametrize("args", QUICK, ids=" ".join)
def test_a_plain_search_prints_what_click_prints_without_click(args: list[str],
                                                              db: Path) -> None:
    argv = [*args, "--db", str(db)]
    code, out, err, loaded = run("launcher", argv, db.parent)
    assert (code, out, err) == run("cli", argv, db.parent)[:3]
    assert code == 0
    assert loaded == []
    if "csv" not in args:  # CSV is written as stored; click.echo drops escapes off a terminal
        assert "\x1b" not in out


SLOW = [
    ["search", "kadına", "-şiddet"],  # an exclusion: click parses it
    ["search", "kadına", "--site", "nowhere"],  # click names the archive's sites, exit 2
    ["search", "kadına", "--limit", "0"],  # click's own message, exit 2
    ["search", "kadına", "--since", "2025-01-03"],
    ["search", "--help"],
    ["search"],
    ["stats"],
]


@pytest.mark.parametrize("args", SLOW, ids=" ".join)
def test_anything_else_goes_to_click(args: list[str], db: Path) -> None:
    argv = [*args, "--db", str(db)] if "--db" not in args else args
    code, out, err, loaded = run("launcher", argv, db.parent)
    assert (code, out, err) == run("cli", argv, db.parent)[:3]
    assert "click" in loaded
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["missing.db", "page.html", "other.db"])
def test_archive_errors_are_reported_as_click_reports_them(name: str, db: Path) -> None:
    """One line, the same words and exit code, without handing over to click (a locked
    archive would be waited for twice)."""
    (db.parent / "page.html").write_text("<html>" + "x" * 5000, "utf-8")
    with sqlite3.connect(db.parent / "other.db") as other:  # another program's database
        other.execute("CREATE TABLE IF NOT EXISTS notes (text TEXT)")
    other.close()
    argv = ["search", "kadına", "--db", str(db.parent / name)]
    code, out, err, loaded = run("launcher", argv, db.parent)
    assert (code, out, err) == run("cli", argv, db.parent)[:3]
    assert code != 0 and err.startswith("Error: ") and err.count("\n") == 1
    assert "click" not in loaded


def test_plain_search_reads_options_as_click_does() -> None:
    plan = plain_search(["search", "a", "--db=x.db", "b", "--limit", "7", "--limit", "8"])
    assert plan is not None
    assert (plan["query"], plan["db_path"], plan["limit"], plan["fmt"]) == ("a b", "x.db", 8,
                                                                          "table")
    for args in (["search", "a", "--limit"], ["search", "a", "--db", ""],
                 ["search", "a", "--format", "xml"], ["search", "a", "--timeout", "nan"],
                 ["search", "a", "--offset", "-1"], ["search", "a", "--", "b"],
                 ["export", "a"], []):
        assert plain_search(args) is None, args


def test_json_output_is_the_hits(db: Path) -> None:
    code, out, _, _ = run("launcher", ["search", "kadına", "--format", "json", "--db", str(db)],
                          db.parent)
    assert code == 0
    assert [hit["site"] for hit in json.loads(out)]


def test_the_count_beside_the_search_is_archive_count(db: Path) -> None:
    """The count runs on its own connection in a thread (issue 11, goal 3a); when that
    connection fails, the count is taken on the search's (``_find``) instead."""
    from archive import count, search
    from newscrawler.launcher import _Counter, _find

    plan = plain_search(["search", "kadına", "--db", str(db), "--limit", "3"])
    assert plan is not None
    assert _Counter(plan).result() == count(Archive(db, create=False), "kadına") == 7
    assert _find(plan) == (7, search(Archive(db, create=False), "kadına", limit=3))
    assert _Counter({**plan, "db_path": str(db.parent)}).result() is None  # a folder
