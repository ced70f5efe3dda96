"""`newscrawler search` for people who read results: totals, paging, months and years, site,
author and category filters, and `--sql` run in sqlite3, sqlite-utils and pandas."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from archive import Archive, count, search
from tests.conftest import run_cli
from tests.test_sqlquery import ARTICLES

NOISE = ("Traceback", "Exception ignored")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search_cli") / "news.db"
    with Archive(path) as archive:
        archive.save_articles(
            {"url": f"https://haber.example/{n}", "site": site, "title": title, "body": body,
             "published_at": published, "author": author, "category": category}
            for n, (title, body, published, author, category, site) in enumerate(ARTICLES)
        )
    return path


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("search", "--db", str(db), *args)
    assert not any(word in result.stdout + result.stderr for word in NOISE), result.stderr
    return result


def ids(db: Path, q: str, **filters: Any) -> list[int]:
    """What archive.search finds (every page), checked against archive.count."""
    with Archive(db) as archive:
        found = [hit["id"] for hit in search(archive, q, limit=1000, **filters)]
        assert len(found) == count(archive, q, **filters)
    return found


def json_ids(result: subprocess.CompletedProcess[str]) -> list[int]:
    assert result.returncode == 0, result.stderr
    return [hit["id"] for hit in json.loads(result.stdout)]


# --- --sql ---------------------------------------------------------------------------------

SQL_CASES: list[list[str]] = [
    ["kadına"],
    ["ışık"],
    ["belediye", '"su kesintisi"'],
    ["belediye", "-izmir"],
    ["-izmir", "belediye"],
    ["kadın*"],
    ["belediye*", "--site", "ege"],
    ["kadına", "--since", "2025-11", "--until", "2025-11"],
    ["ışık", "--since", "2025"],
    ["kadına", "--author", "AYŞE IŞIK"],
    ["belediye", "OR", "kadın", "--category", "gundem"],
]


def _split(args: list[str]) -> tuple[str, dict[str, Any]]:
    words, filters, rest = [], {}, iter(args)
    for arg in rest:
        if arg.startswith("--"):
            filters[arg[2:]] = next(rest)
        else:
            words.append(arg)
    return " ".join(words), filters


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 shell")
@pytest.mark.parametrize("args", SQL_CASES, ids=[" ".join(a) for a in SQL_CASES])
def test_sql_runs_in_the_sqlite3_shell_and_finds_what_search_finds(
    db: Path, args: list[str]
) -> None:
    result = cli(db, *args, "--sql")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SELECT ") and result.stdout.rstrip().endswith(";")
    shell = subprocess.run(["sqlite3", "-readonly", "-csv", str(db)], input=result.stdout,
                           capture_output=True, text=True, timeout=60, check=False)
    assert shell.returncode == 0, shell.stderr
    got = [int(line.split(",", 1)[0]) for line in shell.stdout.splitlines()]
    q, filters = _split(args)
    expected = ids(db, q, **filters)
    assert expected, "a case that finds nothing proves little"
    assert sorted(got) == sorted(expected)
    assert sorted(got) == sorted(json_ids(cli(db, *args, "--format", "json", "--limit", "999")))


def test_sql_runs_in_sqlite_utils_and_pandas(db: Path) -> None:
    sql = cli(db, "kadına", "-izmir", "--sql").stdout
    expected = sorted(ids(db, "kadına -izmir"))
    assert expected
    tool = Path(sys.executable).with_name("sqlite-utils")
    if tool.exists():
        out = subprocess.run([str(tool), "query", str(db), sql], capture_output=True,
                             text=True, timeout=60, check=True).stdout
        assert sorted(row["id"] for row in json.loads(out)) == expected
    pandas = pytest.importorskip("pandas")
    with sqlite3.connect(db) as conn:
        frame = pandas.read_sql(sql, conn)
    assert sorted(frame["id"].tolist()) == expected
    assert list(frame.columns)[-1] == "rank"


def test_docs_r_lines_run(db: Path) -> None:
    """docs/search.md's R block, as written (news.db, `newscrawler` on the PATH)."""
    if not shutil.which("Rscript"):
        pytest.skip("Rscript is not installed")
    docs = (Path(__file__).resolve().parents[1] / "docs" / "search.md").read_text("utf-8")
    script = docs.split("```r\n", 1)[1].split("```", 1)[0]
    script = script.replace("nrow(df)", "cat(nrow(df), '\\n')")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("NEWSCRAWLER_DB", None)
    result = subprocess.run(["Rscript", "-e", script], cwd=db.parent, capture_output=True,
                            text=True, timeout=120, env=env)
    if "there is no package called" in result.stderr:
        pytest.skip("RSQLite is not installed")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) == len(ids(db, "kadına -izmir", since="2025-11"))


def test_sql_limit_and_offset_only_when_asked(db: Path) -> None:
    assert "LIMIT" not in cli(db, "belediye", "--sql").stdout
    paged = cli(db, "belediye", "--sql", "--limit", "2", "--offset", "1").stdout
    assert paged.rstrip().endswith("LIMIT 2 OFFSET 1;")
    with sqlite3.connect(db) as conn:
        assert len(conn.execute(paged).fetchall()) == 2


def test_sql_quotes_what_the_user_typed(db: Path) -> None:
    result = cli(db, "it's", "--site", "x'); DROP TABLE articles; --", "--sql")
    assert result.returncode == 2  # no such site: nothing printed to run
    sql = cli(db, "Kadına'; DROP TABLE articles; --", "--sql").stdout
    with sqlite3.connect(db) as conn:
        conn.execute(sql)
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(ARTICLES)


def test_sql_with_format_is_one_line_exit_2(db: Path) -> None:
    result = cli(db, "kadına", "--sql", "--format", "json")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        "Error: --sql prints SQL, not results: drop --format (run the SQL in the tool of your "
        "choice to get CSV or JSON)")


# --- totals and paging ---------------------------------------------------------------------


def test_table_says_how_many_match_and_which_are_shown(db: Path) -> None:
    total = len(ids(db, "belediye"))
    assert total >= 4
    first = cli(db, "belediye", "--limit", "2")
    assert first.returncode == 0
    assert first.stderr.splitlines() == [f"{total} matches, showing 1–2"]
    assert first.stdout.startswith("  1. ")  # stdout: the results only, as before
    second = cli(db, "belediye", "--limit", "2", "--offset", "2")
    assert second.stderr.splitlines() == [f"{total} matches, showing 3–4"]
    assert second.stdout.startswith("  3. ")
    assert second.stdout.count("https://haber.example/") == 2


def test_offset_pages_through_every_match(db: Path) -> None:
    every = ids(db, "belediye")
    pages = [json_ids(cli(db, "belediye", "--format", "json", "--limit", "2",
                          "--offset", str(start))) for start in range(0, len(every) + 2, 2)]
    assert [i for page in pages for i in page] == every
    assert pages[-1] == []


def test_json_and_csv_stay_parseable_with_the_total_on_stderr(db: Path) -> None:
    total = len(ids(db, "kadına"))
    result = cli(db, "kadına", "--format", "json", "--limit", "1")
    assert isinstance(json.loads(result.stdout), list)
    assert result.stderr.strip() == f"{total} matches, showing 1–1"
    result = cli(db, "kadına", "--format", "csv", "--offset", "1")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == total - 1
    assert result.stderr.strip() == f"{total} matches, showing 2–{total}"


def test_offset_past_the_end_says_so(db: Path) -> None:
    total = len(ids(db, "kadına"))
    result = cli(db, "kadına", "--offset", "50")
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.strip() == f"{total} matches, none from --offset 50 on"
    assert cli(db, "kadına", "--offset", "-1").returncode == 2


def test_no_match_is_said_on_stderr(db: Path) -> None:
    result = cli(db, "zeytinyağı")
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr.strip() == "no articles match 'zeytinyağı'"


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(("since", "until", "expected_days"), [
    ("2025", None, {"2025-10-13", "2025-11-10", "2025-11-11", "2025-11-12", "2025-12-01"}),
    ("2025-11", "2025-11", {"2025-11-10", "2025-11-11", "2025-11-12"}),
    (None, "2025-10", {"2025-10-13"}),
    ("2025-11-11", "2025-11-11", {"2025-11-11"}),
])
def test_since_and_until_take_a_year_or_a_month(
    db: Path, since: str | None, until: str | None, expected_days: set[str]
) -> None:
    args = ["kadın*", "--format", "json"]
    args += ["--since", since] if since else []
    args += ["--until", until] if until else []
    result = cli(db, *args)
    assert result.returncode == 0, result.stderr
    assert {hit["published_date"] for hit in json.loads(result.stdout)} == expected_days


@pytest.mark.parametrize("value", ["16.11.2025", "2025-13", "25", "2025-11-31", "yarın"])
def test_bad_since_is_one_line_exit_2(db: Path, value: str) -> None:
    result = cli(db, "kadına", "--since", value)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "YYYY-MM-DD, YYYY-MM or YYYY" in errors[0]


def test_unknown_site_lists_the_sites_of_the_archive(db: Path) -> None:
    result = cli(db, "kadına", "--site", "nosuchsite")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {db} holds no articles from site 'nosuchsite'; its sites: ege, hibya"]
    assert cli(db, "kadına", "--site", "nosuchsite", "--sql").returncode == 2


def test_unknown_site_in_an_empty_archive(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    Archive(empty).close()
    result = cli(empty, "kadına", "--site", "hibya")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"Error: {empty} holds no articles yet, from 'hibya' or any site"]


def test_a_known_site_filters(db: Path) -> None:
    got = json.loads(cli(db, "belediye", "--site", "ege", "--format", "json").stdout)
    assert got and {hit["site"] for hit in got} == {"ege"}


@pytest.mark.parametrize("typed", ["Ayşe Işık", "AYŞE IŞIK", "ayse isik", "  ayşe ışık "])
def test_author_in_any_case_with_or_without_turkish_letters(db: Path, typed: str) -> None:
    expected = sorted(ids(db, "kadına", author="Ayşe Işık"))
    assert len(expected) == 2
    assert sorted(json_ids(cli(db, "kadına", "--author", typed, "--format", "json"))) == expected


@pytest.mark.parametrize("typed", ["Gündem", "GÜNDEM", "gundem"])
def test_category_in_any_case_with_or_without_turkish_letters(db: Path, typed: str) -> None:
    got = json_ids(cli(db, "kadın*", "--category", typed, "--format", "json"))
    with sqlite3.connect(db) as conn:
        categories = {conn.execute("SELECT category FROM articles WHERE id = ?", (i,))
                      .fetchone()[0] for i in got}
    assert categories == {"Gündem", "GÜNDEM", "gundem"}


def test_author_and_category_together_with_site_and_dates(db: Path) -> None:
    got = json_ids(cli(db, "belediye", "--author", "ali can", "--category", "yerel",
                       "--site", "hibya", "--since", "2025-12", "--format", "json"))
    assert got == ids(db, "belediye", author="Ali Can", category="Yerel", site="hibya",
                      since="2025-12")
    assert len(got) == 1
    assert json_ids(cli(db, "belediye", "--author", "nobody", "--format", "json")) == []


def test_a_query_may_still_start_with_a_dash(db: Path) -> None:
    got = json_ids(cli(db, "-izmir", "belediye", "--format", "json"))
    assert sorted(got) == sorted(ids(db, "belediye -izmir"))


def test_a_query_past_the_word_limit_says_so(db: Path) -> None:
    from archive.query import MAX_TERMS

    long = cli(db, *(["belediye"] * MAX_TERMS), "-izmir")
    assert f"note: a query reads its first {MAX_TERMS} words; the rest were left out" \
        in long.stderr
    assert "note:" not in cli(db, "belediye", "-izmir").stderr
