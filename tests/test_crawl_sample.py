"""A full crawl of the bundled sample site through the real Scrapy engine, row by row."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import rows, run_cli


def articles_by_path(db: Any) -> dict[str, dict[str, Any]]:
    return {urlsplit(r["url"]).path: r for r in rows(db, "select * from articles")}


def test_crawl_exits_zero_with_summary(crawled_sample: dict[str, Any]) -> None:
    result = crawled_sample["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "sample: finished" in result.stdout
    assert "new" in result.stdout and "headlines kept" in result.stdout


def test_the_default_crawl_uses_a_worker_when_it_may_use_two_cpus(
        crawled_sample: dict[str, Any]) -> None:
    from newscrawler.extract.workercount import usable_cpus

    run = rows(crawled_sample["db"], "select stats from crawl_runs")[0]
    workers = json.loads(run["stats"]).get("extract/workers", 0)
    assert workers == (1 if usable_cpus() >= 2 else 0)  # EXTRACT_WORKERS=auto


def test_every_article_archived_once(crawled_sample: dict[str, Any],
                                     manifest: dict[str, Any]) -> None:
    got = articles_by_path(crawled_sample["db"])
    expected = {a["path"] for a in manifest["articles"]}
    assert set(got) == expected
    assert len(rows(crawled_sample["db"], "select url from articles")) == len(expected)


@pytest.fixture(scope="module")
def archived(crawled_sample: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return articles_by_path(crawled_sample["db"])


def _articles(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return list(manifest["articles"])


def test_titles_dates_credits_match_gold(archived: dict[str, dict[str, Any]],
                                         manifest: dict[str, Any]) -> None:
    mismatches = []
    for gold in _articles(manifest):
        row = archived[gold["path"]]
        for field, column in (("title", "title"), ("published", "published_at"),
                              ("credit", "credit")):
            if gold.get(field) != row[column]:
                mismatches.append((gold["path"], field, gold.get(field), row[column]))
    assert mismatches == []


def test_bodies_hold_the_article_and_nothing_of_the_list(
        archived: dict[str, dict[str, Any]], manifest: dict[str, Any]) -> None:
    for gold in _articles(manifest):
        body = archived[gold["path"]]["body"]
        assert gold["first_sentence"] in body, gold["path"]
        assert gold["last_sentence"] in body, gold["path"]
        assert body.count("\n\n") + 1 == gold["paragraphs"], gold["path"]
        for title in gold["headlines"]:
            assert title not in body, (gold["path"], title)
        for noise in ("Diğer Haberler", "Çok Okunanlar", "Haberin Devamı", "\u00ad", "\u200b"):
            assert noise not in body, (gold["path"], noise)
        if gold.get("credit"):
            assert gold["credit"] not in body.splitlines()[-1]


def test_headline_lists_kept_as_data(crawled_sample: dict[str, Any],
                                     manifest: dict[str, Any]) -> None:
    db = crawled_sample["db"]
    origin = crawled_sample["origin"]
    by_path = {urlsplit(r["url"]).path: r["id"] for r in rows(db, "select id, url from articles")}
    article_paths = {a["path"] for a in manifest["articles"]}
    for gold in _articles(manifest):
        got = rows(db, "select position, title, url from headlines where article_id = ? "
                       "order by position", by_path[gold["path"]])
        assert [h["title"] for h in got] == gold["headlines"], gold["path"]
        assert [h["position"] for h in got] == list(range(1, len(got) + 1))
        for h in got:
            assert h["url"].startswith(origin + "/")
            assert urlsplit(h["url"]).path in article_paths


def test_no_future_dates_and_istanbul_offsets(archived: dict[str, dict[str, Any]]) -> None:
    now = datetime.now(UTC)
    for path, row in archived.items():
        value = row["published_at"]
        if value is None:
            continue
        if len(value) == 10:
            assert value <= now.date().isoformat(), path
        else:
            parsed = datetime.fromisoformat(value)
            assert parsed <= now, path
            offset = parsed.utcoffset()
            assert offset is not None and offset.total_seconds() in (7200, 10800), path


def test_non_articles_and_missing_pages_not_archived(crawled_sample: dict[str, Any],
                                                     archived: dict[str, dict[str, Any]],
                                                     manifest: dict[str, Any]) -> None:
    for path in [*manifest["non_articles"], *manifest["missing"]]:
        assert path not in archived
    assert "errors          0" not in crawled_sample["result"].stdout  # the 404 is counted


def test_raw_pages_kept_for_reextraction(crawled_sample: dict[str, Any],
                                         manifest: dict[str, Any]) -> None:
    raw = {urlsplit(r["url"]).path for r in rows(crawled_sample["db"], "select url from raw_pages")}
    assert {a["path"] for a in manifest["articles"]} <= raw


def test_run_recorded(crawled_sample: dict[str, Any]) -> None:
    runs = rows(crawled_sample["db"], "select site, status, finished_at from crawl_runs")
    assert runs and runs[0]["site"] == "sample" and runs[0]["status"] == "finished"
    assert runs[0]["finished_at"]


def test_finished_crawl_records_the_lookalike_spellings(crawled_sample: dict[str, Any]) -> None:
    db = crawled_sample["db"]
    top = rows(db, "select max(id) as top, count(*) as n from articles")[0]
    assert rows(db, "select filled_to from spelling_rules")[0]["filled_to"] == top["top"]
    stats = json.loads(rows(db, "select stats from crawl_runs")[0]["stats"])
    # An extraction worker (the default on 2 CPUs or more) computes each article's spellings
    # and the archive records them as it saves the article: none are left for the end.
    from newscrawler.extract.workercount import workers_for

    assert stats["archive/spellings_filled"] == (0 if workers_for("auto") else top["n"])
    assert 0 <= stats["archive/spellings_seconds"] < 60
    held: dict[int, set[str]] = {}
    for row in rows(db, "select a.article_id, p.spelling from article_spellings a "
                        "join spellings p on p.id = a.spelling_id"):
        held.setdefault(row["article_id"], set()).add(row["spelling"])
    from archive.spellings import spellings_of

    expected = {r["id"]: spellings_of(r["title"] or "", r["body"] or "")
                for r in rows(db, "select id, title, body from articles")}
    assert held == {i: found for i, found in expected.items() if found}
    assert len(held) == top["n"] > 0


def _turkish_words(text: str) -> set[str]:
    import re

    lowered = text.replace("I", "ı").replace("İ", "i").lower()
    return set(re.findall(r"\w+", lowered))


@pytest.mark.parametrize("query, word", [
    ("kadina", "kadına"), ("KADINA", "kadına"), ("kadına", "kadına"),
    ("ışık", "ışık"), ("ISIK", "ışık"), ("Işık", "ışık"),
])
def test_search_finds_every_article_with_the_word(crawled_sample: dict[str, Any],
                                                  query: str, word: str) -> None:
    db = crawled_sample["db"]
    expected = {r["url"] for r in rows(db, "select url, title, body from articles")
                if word in _turkish_words(f"{r['title']} {r['body']}")}
    assert len(expected) >= 3
    result = run_cli("search", query, "--db", str(db), "--format", "json", "--limit", "100")
    assert result.returncode == 0, result.stderr
    import json

    hits = json.loads(result.stdout)
    got = {h["url"] for h in hits}
    assert expected <= got
    for hit in hits:
        assert set(hit) >= {"url", "title", "published_at", "site", "snippet"}


def test_second_crawl_adds_no_duplicates(crawled_sample: dict[str, Any]) -> None:
    db = crawled_sample["db"]
    before = {t: rows(db, f"select count(*) n from {t}")[0]["n"]
              for t in ("articles", "headlines", "raw_pages", "revisions")}
    result = run_cli("crawl", "sample", "--db", str(db), "--base-url", crawled_sample["origin"],
                     "--set", "PROGRESS_INTERVAL=0")
    assert result.returncode == 0, result.stderr[-3000:]
    after = {t: rows(db, f"select count(*) n from {t}")[0]["n"]
             for t in ("articles", "headlines", "raw_pages", "revisions")}
    assert after == before
    assert f"0 new, 0 updated, {before['articles']} unchanged" in result.stdout
