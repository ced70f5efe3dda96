"""Stories (issue 10): copies of one text found at archive time, listed, exported, searched."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from archive import Archive, stories
from archive.schema import MIGRATIONS, SCHEMA_VERSION
from archive.storyreport import iter_stories, list_stories
from tests.conftest import import_sample, run_cli

REPO = Path(__file__).resolve().parent.parent


def _bench() -> Any:
    path = REPO / "bench" / "eval_stories.py"
    spec = importlib.util.spec_from_file_location("eval_stories", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_stories"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


EVAL = _bench()
ITEMS = EVAL.articles()
BY_URL = {item.url: item for item in ITEMS}


def record(item: Any) -> dict[str, Any]:
    return {"url": item.url, "site": item.site, "title": item.title, "body": item.body,
            "published_at": item.published_at}


def story_of(archive: Archive, url: str) -> int:
    row = archive.conn.execute("SELECT story_id FROM articles WHERE url = ?", (url,)).fetchone()
    assert row is not None and row[0] is not None
    return int(row[0])


def test_labelled_set_meets_the_floors() -> None:
    crawl, rebuilt = EVAL.run(ITEMS)
    for result in (crawl, rebuilt):
        assert result.precision >= 0.95, result.false_pairs[:5]
        assert result.recall >= 0.90, result.missed_pairs[:5]
    kinds = {item.kind for item in ITEMS}
    assert {"original", "copy", "topic", "boilerplate", "followup"} <= kinds
    assert sum(item.kind == "original" for item in ITEMS) >= 20


def test_thresholds_sit_between_copies_and_look_alikes() -> None:
    margins = EVAL.score_margins(ITEMS)
    assert margins["copy containment, lowest"] > stories.CONTAINMENT
    assert margins["copy coverage, lowest"] > stories.COVERAGE
    for kind in ("boilerplate", "followup", "topic"):
        assert margins[f"{kind} containment, highest"] < stories.CONTAINMENT


@pytest.mark.parametrize("distractor", ["d01", "d03", "d05", "d07", "d09", "d02"])
def test_look_alikes_stay_separate(distractor: str) -> None:
    trap = next(i for i in ITEMS if i.gold == distractor)
    data = json.loads(EVAL.FIXTURE.read_text(encoding="utf-8"))
    like = next(d["like"] for d in data["distractors"] if d["id"] == distractor)
    with Archive(":memory:") as archive:
        archive.save_articles([record(i) for i in ITEMS if i.gold in (like, distractor)])
        story = story_of(archive, trap.url)
        others = [i for i in ITEMS if i.gold == like]
        assert {story_of(archive, i.url) for i in others} == {story_of(archive, others[0].url)}
        assert story not in {story_of(archive, i.url) for i in others}


def test_edits_join_the_original_story() -> None:
    s04 = [i for i in ITEMS if i.gold == "s04"]  # retitled, cut, reordered, dateline removed
    with Archive(":memory:") as archive:
        archive.save_articles([record(i) for i in reversed(s04)])  # copies before the original
        assert len({story_of(archive, i.url) for i in s04}) == 1
        row = archive.conn.execute("SELECT first_site, first_published_at, copies, sites "
                                   "FROM stories").fetchone()
        assert row == ("dha", "2025-08-14T16:45:00+03:00", 5, 5)


def test_a_new_process_finds_the_story_from_the_stored_bands(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    original, copy = [i for i in ITEMS if i.gold == "s06"][:2]
    with Archive(path) as archive:
        archive.save_articles([record(original)])
        bands = archive.conn.execute(
            "SELECT (SELECT count(*) FROM story_bands) + (SELECT count(*) FROM "
            f"{stories.RECENT_TABLE})").fetchone()[0]
        assert bands == stories.BANDS
    with Archive(path) as archive:  # nothing rebuilt in memory: the bands are in the file
        archive.save_articles([record(copy)])
        assert story_of(archive, copy.url) == story_of(archive, original.url)


def test_a_changed_body_moves_the_article_to_its_new_story() -> None:
    a, b = [i for i in ITEMS if i.gold == "s01"][:2]
    other = next(i for i in ITEMS if i.gold == "s02")
    with Archive(":memory:") as archive:
        archive.save_articles([record(a), record(b), record(other)])
        assert story_of(archive, b.url) == story_of(archive, a.url)
        archive.save_articles([{**record(b), "title": "Yeni başlık"}])  # title only: stays
        assert story_of(archive, b.url) == story_of(archive, a.url)
        assert archive.save_articles([{**record(b), "body": other.body}]) == ["updated"]
        assert story_of(archive, b.url) == story_of(archive, other.url)
        counts = dict(archive.conn.execute(
            "SELECT first_article_id, copies FROM stories").fetchall())
        assert sorted(counts.values()) == [1, 2]


def test_a_copy_linking_two_stories_merges_them() -> None:
    s03 = {i.url: i for i in ITEMS if i.gold == "s03"}
    original = next(i for i in s03.values() if i.kind == "original")
    half = next(i for i in s03.values() if i.url.endswith("-3"))  # paragraphs 0-1 of 4
    tail = EVAL.Labelled("https://x.example/tail", "x", "t", "\n\n".join(
        original.body.split("\n\n")[2:]), original.published_at, "s03", "copy")
    with Archive(":memory:") as archive:
        archive.save_articles([record(half), record(tail)])
        assert story_of(archive, half.url) != story_of(archive, tail.url)
        archive.save_articles([record(original)])
        assert story_of(archive, half.url) == story_of(archive, tail.url)
        assert archive.conn.execute("SELECT count(*), sum(copies) FROM stories").fetchone() == (
            1, 3)


def test_short_and_empty_bodies_are_their_own_stories() -> None:
    with Archive(":memory:") as archive:
        bodies = ["", "Foto: AA", "Foto: AA"]
        archive.save_articles([{"url": f"https://x/{n}", "site": "x", "title": "Kısa",
                                "body": body} for n, body in enumerate(bodies)])
        distinct = archive.conn.execute("SELECT count(DISTINCT story_id) FROM articles")
        assert distinct.fetchone()[0] == 3


def test_rebuild_orders_by_publication_and_renumbers() -> None:
    with Archive(":memory:") as archive:
        archive.save_articles([record(i) for i in reversed(ITEMS)])
        n = archive.rebuild_stories()
        assert n == len({i.gold for i in ITEMS})
        first = archive.conn.execute(
            "SELECT a.url FROM stories s JOIN articles a ON a.id = s.first_article_id "
            "WHERE s.id = 1").fetchone()[0]
        oldest = min(ITEMS, key=lambda i: stories.moment(i.published_at))
        assert first == oldest.url


def test_migration_fills_an_archive_from_before_stories(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        archive.save_articles([record(i) for i in ITEMS if i.gold == "s05"])
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE stories; DROP TABLE story_bands; "
                       "UPDATE articles SET story_id = NULL;")
    before = [m.__name__ for m in MIGRATIONS].index("_v7_stories")  # versions before it
    conn.execute(f"PRAGMA user_version = {before}")
    conn.commit()
    conn.close()
    with Archive(path) as archive:
        assert archive.migrated == list(range(before + 1, SCHEMA_VERSION + 1))
        assert archive.conn.execute(
            "SELECT count(DISTINCT story_id), count(story_id) FROM articles").fetchone() == (1, 3)


def test_report_lists_by_reach_with_delays() -> None:
    with Archive(":memory:") as archive:
        archive.save_articles([record(i) for i in ITEMS])
        found = list_stories(archive, min_sites=4)
        assert [s["sites"] for s in found] == sorted((s["sites"] for s in found), reverse=True)
        top = found[0]
        assert top["title"] == "Bodrum'da makilik alanda yangın"
        assert [(c["site"], c["delay_minutes"]) for c in top["copies_list"]][:3] == [
            ("dha", 0), ("bodrum-bulten", 25), ("mugla-haber", 70)]
        assert list_stories(archive, min_sites=6) == []
        assert {s["id"] for s in list_stories(archive, site="konya-ses")} == {
            story_of(archive, "https://konya-ses.example/s02-1"),
            story_of(archive, "https://konya-ses.example/s21-1")}
        assert [s["first_site"] for s in list_stories(archive, since="2026-01")] == ["iha"]
        every = list(iter_stories(archive))
        assert len(every) == len({i.gold for i in ITEMS})
        assert sum(s["copies"] for s in every) == len(ITEMS)


def _dated(item: Any, site: str, published_at: str | None) -> dict[str, Any]:
    return record(item) | {"url": f"https://{site}.example/x-1", "site": site,
                           "published_at": published_at}


def test_a_copy_dated_by_its_day_alone_is_not_first_before_a_timed_one() -> None:
    item = next(i for i in ITEMS if i.gold == "s05")
    copies = [_dated(item, "gazete", "2025-08-14"),  # archived first, day only
              _dated(item, "ege", "2025-08-14T23:45:00+03:00"),
              _dated(item, "bulten", "2025-08-14T21:30:00+00:00"),  # 00:30 the next day
              _dated(item, "datesiz", None)]
    with Archive(":memory:") as archive:
        archive.save_articles(copies)
        (story,) = list_stories(archive, min_sites=4)
        assert (story["first_site"], story["first_published_at"]) == (
            "ege", "2025-08-14T23:45:00+03:00")
        assert [(c["site"], c["delay_minutes"]) for c in story["copies_list"]] == [
            ("ege", 0), ("gazete", None), ("bulten", 45), ("datesiz", None)]
        (row,) = [s for s in iter_stories(archive) if s["copies"] == 4]
        assert row["last_delay_minutes"] is None  # two copies' times are unknown
        archive.conn.execute("UPDATE articles SET published_at = '2025-08-15T01:00:00+03:00' "
                             "WHERE published_at IS NULL OR length(published_at) = 10")
        (row,) = [s for s in iter_stories(archive) if s["copies"] == 4]
        # the latest moment, not the greatest text ("...21:30:00+00:00" sorts last)
        assert row["last_delay_minutes"] == 75
    # A day-only copy from an earlier day is first.
    with Archive(":memory:") as archive:
        archive.save_articles([_dated(item, "ege", "2025-08-14T23:45:00+03:00"),
                               _dated(item, "gazete", "2025-08-13")])
        (story,) = list_stories(archive, min_sites=2)
        assert story["first_site"] == "gazete"


def test_migration_finds_the_first_copy_again(tmp_path: Path) -> None:
    item = next(i for i in ITEMS if i.gold == "s05")
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        archive.save_articles([_dated(item, "gazete", "2025-08-14"),
                               _dated(item, "ege", "2025-08-14T23:45:00+03:00")])
        gazete = archive.conn.execute(
            "SELECT id FROM articles WHERE site = 'gazete'").fetchone()[0]
    conn = sqlite3.connect(path)  # as the code before it left the story
    conn.execute("UPDATE stories SET first_article_id = ?, first_site = 'gazete', "
                 "first_published_at = '2025-08-14'", (gazete,))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with Archive(path) as archive:
        assert archive.migrated == [SCHEMA_VERSION]
        assert archive.conn.execute("SELECT first_site FROM stories").fetchone() == ("ege",)


# --- the command line ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def labelled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stories") / "news.db"
    with Archive(path) as archive:
        archive.save_articles([record(i) for i in ITEMS])
    return path


def test_stories_command_table_json_csv(labelled_db: Path) -> None:
    table = run_cli("stories", "--db", str(labelled_db), "--min-sites", "5")
    assert table.returncode == 0, table.stderr
    assert "5 sites, 5 copies" in table.stdout and "+25 min  [bodrum-bulten]" in table.stdout
    assert table.stderr.strip() == "1 story with at least 2 copies on at least 5 sites"
    as_json = run_cli("stories", "--db", str(labelled_db), "--format", "json", "--limit", "3")
    data = json.loads(as_json.stdout)
    assert len(data) == 3 and data[0]["articles"][0]["delay_minutes"] == 0
    as_csv = run_cli("stories", "--db", str(labelled_db), "--format", "csv", "--min-sites", "5")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["delay_minutes"] for r in rows] == ["0", "25", "70", "130", "300"]


def test_stories_command_errors_are_one_line(labelled_db: Path, tmp_path: Path) -> None:
    unknown = run_cli("stories", "--db", str(labelled_db), "--site", "nowhere")
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert "its sites:" in unknown.stderr
    missing = run_cli("stories", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    bad = run_cli("stories", "--db", str(labelled_db), "--since", "yesterday")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_stories_rebuild_from_the_command_line(labelled_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(labelled_db.read_bytes())
    result = run_cli("stories", "--db", str(copy), "--rebuild", "--min-sites", "5")
    assert result.returncode == 0, result.stderr
    assert f"rebuilt: {len({i.gold for i in ITEMS})} stories" in result.stderr


def test_search_story_lists_the_copies(labelled_db: Path) -> None:
    with Archive(labelled_db) as archive:
        story = story_of(archive, "https://dha.example/s04")
    listed = run_cli("search", "--db", str(labelled_db), "--story", str(story), "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert [h["site"] for h in json.loads(listed.stdout)] == [
        "dha", "bodrum-bulten", "mugla-haber", "ege-postasi", "izmir-gundem"]
    narrowed = run_cli("search", "--db", str(labelled_db), "--story", str(story), "helikopter",
                       "--format", "json")
    assert {h["site"] for h in json.loads(narrowed.stdout)} == {
        "dha", "bodrum-bulten", "mugla-haber", "ege-postasi"}  # the fourth copy cut it
    none = run_cli("search", "--db", str(labelled_db), "--story", "99999")
    assert none.returncode == 2 and "no story 99999" in none.stderr
    empty = run_cli("search", "--db", str(labelled_db))
    assert empty.returncode == 2 and empty.stderr.count("\n") == 1


def test_exports_carry_story_ids(labelled_db: Path) -> None:
    articles = run_cli("export", "--db", str(labelled_db), "--columns", "url,story_id")
    ids = {r["url"]: r["story_id"] for r in csv.DictReader(io.StringIO(articles.stdout))}
    assert ids["https://dha.example/s04"] == ids["https://izmir-gundem.example/s04-4"] != ""
    table = run_cli("export", "--db", str(labelled_db), "--table", "stories", "--format",
                    "jsonl")
    assert table.returncode == 0, table.stderr
    records = [json.loads(line) for line in table.stdout.splitlines()]
    assert len(records) == len({i.gold for i in ITEMS})
    bodrum = next(r for r in records if r["title"] == "Bodrum'da makilik alanda yangın")
    assert (bodrum["copies"], bodrum["sites"], bodrum["last_delay_minutes"],
            bodrum["first_published_at_utc"]) == (5, 5, 300, "2025-08-14T13:45:00Z")
    wrong = run_cli("export", "--db", str(labelled_db), "--table", "stories", "--author", "x")
    assert wrong.returncode == 2 and "--table stories takes" in wrong.stderr
    for option in (["--place", "izmir"], ["--no-short"]):  # never silently ignored
        ignored = run_cli("export", "--db", str(labelled_db), "--table", "stories", *option)
        assert ignored.returncode == 2 and "--table stories takes" in ignored.stderr, option


def test_sample_site_has_syndicated_copies(manifest: dict[str, Any], tmp_path: Path) -> None:
    copies = [a for a in manifest["articles"] if a.get("syndicates")]
    assert len(copies) == 3
    db = import_sample(tmp_path, manifest)
    with Archive(db) as archive:
        for gold in copies:
            assert story_of(archive, f"http://127.0.0.1:8765{gold['path']}") == story_of(
                archive, f"http://127.0.0.1:8765{gold['syndicates']}")
        assert archive.conn.execute(
            "SELECT copies FROM stories WHERE copies >= 2 ORDER BY copies").fetchall() == [
            (2,), (3,)]


def test_shingle_cache_answers_only_for_the_same_text() -> None:
    text = "bir iki uc dort bes alti yedi sekiz dokuz on on bir on iki"
    stories._remember(7, text, stories.shingles(text))
    assert stories._shingles_of(7, text) == stories.shingles(text)
    assert stories._shingles_of(7, text + " yeni") == stories.shingles(text + " yeni")
    assert stories._shingles_of(8, "baska") == stories.shingles("baska")  # not cached: computed
