"""``newscrawler stats``: whole outputs on a small archive of two sites over three months."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Archive
from archive.stats import archive_stats
from newscrawler import cli
from tests.conftest import run_cli

#: site, published_at, author, body length, headlines
ARTICLES = [
    ("hibya", "2025-10-03", "Ayşe Yılmaz", 100, 2),
    ("hibya", "2025-10-30T23:30:00+03:00", None, 200, 0),
    ("hibya", "2025-11-03T10:00:00+03:00", "Ali Can", 300, 1),
    ("hibya", None, "", 400, 0),
    ("kent", "2025-11-16", "Can Öz", 50, 0),
    ("kent", "2025-12-01T00:10:00+03:00", None, 150, 0),
]

#: Stats of a run recorded before runs had reasons: it printed FAILED and exited 1.
OLD_FAILED_RUN = {"finish_reason": "finished", "downloader/response_count": 3,
                  "item_dropped_count": 3, "validate/dropped/not_article": 3}


@pytest.fixture(scope="module")
def two_sites_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two sites, Oct-Dec 2025, one undated article, three runs (one old-style)."""
    path = tmp_path_factory.mktemp("stats") / "news.db"
    with Archive(path) as archive:
        archive.save_articles([
            {"url": f"https://{site}.example/{i}", "site": site, "title": f"Haber {i}",
             "body": "ş" * length, "published_at": published, "author": author,
             "headlines": [{"title": f"Başlık {n}"} for n in range(1, heads + 1)]}
            for i, (site, published, author, length, heads) in enumerate(ARTICLES, start=1)])
        run = archive.start_run("hibya", pid=1)
        archive.finish_run(run, status="finished", reason="3 new, 0 updated, 0 unchanged")
        run = archive.start_run("kent", pid=2)
        archive.finish_run(run, status="failed", reason="nothing was fetched")
        run = archive.start_run("hibya", pid=3)
        archive.finish_run(run, status="finished", stats=OLD_FAILED_RUN)
    conn = sqlite3.connect(path)
    with conn:
        for run_id, day in ((1, "2025-11-03"), (2, "2025-12-01"), (3, "2025-12-02")):
            conn.execute("UPDATE crawl_runs SET started_at = ?, finished_at = ? WHERE id = ?",
                         (f"{day}T08:00:00+00:00", f"{day}T08:05:00+00:00", run_id))
    conn.close()
    return path


def stats(db: Path, *args: str) -> tuple[int, str]:
    """Exit code and output of ``newscrawler stats --db DB ARGS`` (in process)."""
    result = CliRunner().invoke(cli.main, ["stats", "--db", str(db), *args])
    return result.exit_code, result.output


RUNS_TABLE = """\
crawl runs, newest first (3 of 3; outcome and why):
  #3    hibya        failed    2025-12-02T08:00:00+00:00  ->  2025-12-02T08:05:00+00:00
        nothing archived: every page was dropped (3 not_article); check the profile's \
article_pattern and selectors with `newscrawler extract` (from the run's stats)
  #2    kent         failed    2025-12-01T08:00:00+00:00  ->  2025-12-01T08:05:00+00:00
        nothing was fetched
  #1    hibya        finished  2025-11-03T08:00:00+00:00  ->  2025-11-03T08:05:00+00:00
        3 new, 0 updated, 0 unchanged
"""


def test_table_by_month(two_sites_db: Path) -> None:
    assert stats(two_sites_db, "--by", "month") == (0, """\
6 articles in 2 sites (all sites), 3 crawl runs

articles per month (publication day, Istanbul time):
month    hibya  kent  total
2025-10      2     0      2
2025-11      1     1      2
2025-12      0     1      1
undated      1     0      1
total        4     2      6
  (undated: no date was found on the page)

per site:
site   articles       first        last  median body  dated  author  headlines
hibya         4  2025-10-03  2025-11-03    250 chars    75%     50%        50%
kent          2  2025-11-16  2025-12-01    100 chars   100%     50%         0%

""" + RUNS_TABLE)


def test_table_by_week_of_one_site(two_sites_db: Path) -> None:
    code, out = stats(two_sites_db, "--by", "week", "--site", "hibya", "--runs", "1")
    assert code == 0
    assert out.split("\n\n")[:2] == [
        "4 articles in 1 site (site hibya), 2 crawl runs",
        """\
articles per week (publication day, Istanbul time; a week is named by its Monday):
week        hibya  total
2025-09-29      1      1
2025-10-27      1      1
2025-11-03      1      1
undated         1      1
total           4      4
  (undated: no date was found on the page)"""]
    assert out.endswith("crawl runs, newest first (1 of 2; outcome and why):\n"
                        + RUNS_TABLE.splitlines(keepends=True)[1]
                        + RUNS_TABLE.splitlines(keepends=True)[2])


def test_month_window_by_day_leaves_undated_out(two_sites_db: Path) -> None:
    assert stats(two_sites_db, "--since", "2025-11", "--until", "2025-11") == (0, """\
2 articles in 2 sites (all sites, published 2025-11 .. 2025-11), 1 crawl run

articles per day (publication day, Istanbul time):
day         hibya  kent  total
2025-11-03      1     0      1
2025-11-16      0     1      1
total           1     1      2
  (undated articles are left out: --since and --until need a date)

per site:
site   articles       first        last  median body  dated  author  headlines
hibya         1  2025-11-03  2025-11-03    300 chars   100%    100%       100%
kent          1  2025-11-16  2025-11-16     50 chars   100%    100%         0%

crawl runs, newest first (1 of 1; outcome and why):
  #1    hibya        finished  2025-11-03T08:00:00+00:00  ->  2025-11-03T08:05:00+00:00
        3 new, 0 updated, 0 unchanged
""")


def test_year_and_day_bounds(two_sites_db: Path) -> None:
    data = archive_stats(two_sites_db_conn := sqlite3.connect(two_sites_db), since="2025",
                         until="2025-11-30", by="month")
    two_sites_db_conn.close()
    assert data["periods"] == ["2025-10", "2025-11"]
    assert data["totals"] == {"articles": 4, "undated": 0, "sites": 2, "runs": 1}


def test_csv_one_row_per_site_and_period(two_sites_db: Path) -> None:
    assert stats(two_sites_db, "--by", "month", "--format", "csv") == (0, """\
site,period,articles
hibya,2025-10,2
hibya,2025-11,1
hibya,2025-12,0
kent,2025-10,0
kent,2025-11,1
kent,2025-12,1
hibya,,1
""")


def test_json(two_sites_db: Path) -> None:
    code, out = stats(two_sites_db, "--by", "month", "--site", "kent", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["filters"] == {"site": "kent", "since": None, "until": None, "by": "month"}
    assert data["totals"] == {"articles": 2, "undated": 0, "sites": 1, "runs": 1}
    assert data["sites"] == [{
        "site": "kent", "articles": 2, "undated": 0, "first": "2025-11-16",
        "last": "2025-12-01", "median_body_chars": 100, "with_date": 1.0,
        "with_author": 0.5, "with_headlines": 0.0}]
    assert data["periods"] == ["2025-11", "2025-12"]
    assert data["counts"] == [{"site": "kent", "articles": 2, "undated": 0,
                               "periods": {"2025-11": 1, "2025-12": 1}}]
    assert [(r["id"], r["status"], r["outcome"], r["outcome_reason"]) for r in data["runs"]] == [
        (2, "failed", "failed", "nothing was fetched")]


def test_old_run_shows_the_outcome_its_stats_record(two_sites_db: Path) -> None:
    code, out = stats(two_sites_db, "--format", "json", "--site", "hibya")
    assert code == 0
    run = json.loads(out)["runs"][0]
    assert (run["id"], run["status"], run["outcome"]) == (3, "finished", "failed")
    assert run["outcome_reason"].startswith("nothing archived: every page was dropped")


def test_unknown_site_lists_the_sites(two_sites_db: Path) -> None:
    result = run_cli("stats", "--db", str(two_sites_db), "--site", "nosuchsite")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: the archive holds no site 'nosuchsite'; its sites: hibya, kent\n")


@pytest.mark.parametrize("value", ["2025-13", "16.11.2025", "2025-02-30", "25"])
def test_bad_bounds_are_usage_errors(two_sites_db: Path, value: str) -> None:
    code, out = stats(two_sites_db, "--since", value)
    assert code == 2
    assert "is not a year, month or day; write YYYY, YYYY-MM or YYYY-MM-DD" in out


def test_empty_archive(tmp_path: Path) -> None:
    Archive(tmp_path / "news.db").close()
    assert stats(tmp_path / "news.db") == (0, "0 articles in 0 sites (all sites), 0 crawl runs\n")


def test_archive_stats_wrapper_unchanged(two_sites_db: Path) -> None:
    with Archive(two_sites_db) as archive:
        data = archive.stats(days=2)
    assert data["by_day"] == [{"day": "2025-12-01", "articles": 1},
                              {"day": "2025-11-16", "articles": 1}]
    assert data["by_site"][0] == {"site": "hibya", "articles": 4, "first": "2025-10-03",
                                  "last": "2025-11-03"}
