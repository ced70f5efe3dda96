"""What each export table holds: its columns, and how an archive row becomes a record.

Records are the same for every format: text is never null (``""`` when unknown), so a
column's type does not depend on which rows were exported; lists (``tags``, an article's
``headlines``) stay lists, written as JSON text by the CSV and xlsx writers; dates follow
one rule, ``date_columns``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from archive.dates import date_columns, parse_time, utc

__all__ = [
    "ARTICLE_COLUMNS",
    "HEADLINE_COLUMNS",
    "LIST_COLUMNS",
    "PLACE_COLUMNS",
    "RUN_COLUMNS",
    "STORY_COLUMNS",
    "TABLES",
    "ExportTable",
    "article_records",
    "date_columns",
    "headline_records",
    "place_records",
    "run_records",
    "story_records",
    "utc",
]

ARTICLE_COLUMNS = (
    "id", "url", "site", "title", "body",
    "published_date", "published_at", "published_at_utc",
    "date_precision", "date_source", "date_raw",
    "updated_date", "updated_at", "updated_at_utc",
    "author", "credit", "category", "tags", "language",
    "fetched_at", "first_seen_at", "last_seen_at", "content_hash", "revision", "flags",
    "headline_count", "headlines", "provinces", "story_id",
)  # fmt: skip

PLACE_COLUMNS = (
    "article_id", "article_url", "site",
    "published_date", "published_at", "published_at_utc",
    "rank", "province", "district", "found_in",
)  # fmt: skip

HEADLINE_COLUMNS = (
    "article_id", "article_url", "site",
    "published_date", "published_at", "published_at_utc",
    "position", "title", "url", "story_id",
)  # fmt: skip

#: Crawl run stats summarised: export column -> the Scrapy or newscrawler stat it reads.
RUN_STATS = {
    "requests": "downloader/request_count",
    "responses": "downloader/response_count",
    "bytes_received": "downloader/response_bytes",
    "articles_new": "archive/inserted",
    "articles_updated": "archive/updated",
    "articles_unchanged": "archive/unchanged",
    "items_dropped": "item_dropped_count",
    "fetch_errors": "fetch/errors",
}

RUN_COLUMNS = (
    "id", "site", "started_at", "finished_at", "status", "reason", "duration_seconds",
    *RUN_STATS,
)

#: Columns holding lists: JSON arrays in JSON Lines, JSON text in CSV and xlsx cells.
LIST_COLUMNS = frozenset({"tags", "headlines", "provinces"})


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def article_records(articles: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Export records (``ARTICLE_COLUMNS``) of articles as ``iter_articles`` yields them."""
    for a in articles:
        headlines = [
            h if len(h) == 3 and type(h["title"]) is str and type(h["url"]) is str  # as is
            else {"position": h["position"], "title": _text(h["title"]), "url": _text(h["url"])}
            for h in a.get("headlines") or []
        ]
        yield {
            "id": a["id"], "url": _text(a["url"]), "site": _text(a["site"]),
            "title": _text(a["title"]), "body": _text(a["body"]),
            **date_columns("published", a["published_at"]),
            "date_precision": _text(a["date_precision"]),
            "date_source": _text(a["date_source"]), "date_raw": _text(a["date_raw"]),
            **date_columns("updated", a["updated_at"]),
            "author": _text(a["author"]), "credit": _text(a["credit"]),
            "category": _text(a["category"]), "tags": [str(t) for t in a["tags"] or []],
            "language": _text(a["language"]), "fetched_at": utc(a["fetched_at"]),
            "first_seen_at": utc(a["first_seen_at"]), "last_seen_at": utc(a["last_seen_at"]),
            "content_hash": _text(a["content_hash"]), "revision": a["revision"],
            "flags": _text(a.get("flags")),
            "headline_count": len(headlines), "headlines": headlines,
            "provinces": list(dict.fromkeys(p["province"] for p in a.get("places") or [])),
            "story_id": a.get("story_id"),
        }  # fmt: skip


def headline_records(articles: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Export records (``HEADLINE_COLUMNS``): one per headline of each article."""
    for a in articles:
        dates = date_columns("published", a["published_at"])
        for h in a.get("headlines") or []:
            yield {
                "article_id": a["id"], "article_url": _text(a["url"]), "site": _text(a["site"]),
                **dates, "position": h["position"], "title": _text(h["title"]),
                "url": _text(h["url"]), "story_id": a.get("story_id"),
            }  # fmt: skip


def place_records(articles: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Export records (``PLACE_COLUMNS``): one per place of each article, in rank order."""
    for a in articles:
        dates = date_columns("published", a["published_at"])
        for p in a.get("places") or []:
            yield {
                "article_id": a["id"], "article_url": _text(a["url"]), "site": _text(a["site"]),
                **dates, "rank": p["rank"], "province": _text(p["province"]),
                "district": _text(p["district"]), "found_in": _text(p["found_in"]),
            }  # fmt: skip


def _count(stats: dict[str, Any], key: str) -> int:
    value = stats.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _duration(run: dict[str, Any]) -> float | None:
    elapsed = run["stats"].get("elapsed_time_seconds")
    if isinstance(elapsed, int | float) and not isinstance(elapsed, bool) and run["finished_at"]:
        return round(float(elapsed), 1)
    start, end = parse_time(run["started_at"] or ""), parse_time(run["finished_at"] or "")
    if start is None or end is None or (start.tzinfo is None) != (end.tzinfo is None):
        return None
    return round((end - start).total_seconds(), 1)


def run_records(runs: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Export records (``RUN_COLUMNS``) of crawl runs as ``iter_runs`` yields them: counts
    from the run's stats (0 when not counted), ``duration_seconds`` null while running."""
    for run in runs:
        stats = run["stats"]
        yield {
            "id": run["id"], "site": _text(run["site"]), "started_at": utc(run["started_at"]),
            "finished_at": utc(run["finished_at"]), "status": _text(run["status"]),
            "reason": _text(run["reason"]), "duration_seconds": _duration(run),
            **{column: _count(stats, key) for column, key in RUN_STATS.items()},
        }  # fmt: skip


#: One row per story (``archive.storyreport.iter_stories``); singletons too.
STORY_COLUMNS = (
    "id", "first_article_id", "first_site",
    "first_published_date", "first_published_at", "first_published_at_utc",
    "copies", "sites", "last_delay_minutes", "title", "url",
)  # fmt: skip


def story_records(stories: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Export records (``STORY_COLUMNS``) of stories as ``iter_stories`` yields them."""
    for s in stories:
        yield {
            "id": s["id"], "first_article_id": s["first_article_id"],
            "first_site": _text(s["first_site"]),
            **date_columns("first_published", s["first_published_at"]),
            "copies": s["copies"], "sites": s["sites"],
            "last_delay_minutes": s["last_delay_minutes"],
            "title": _text(s["title"]), "url": _text(s["url"]),
        }  # fmt: skip


@dataclass(frozen=True)
class ExportTable:
    """One table ``export --table`` writes: its columns and how its records are made."""

    name: str
    columns: tuple[str, ...]
    #: what the table has one row per (for messages: "wrote 12 headlines")
    unit: str
    #: whether --query, --since, --until, --author and --category apply (articles' filters)
    article_filters: bool
    records: Callable[[Iterable[dict[str, Any]]], Iterator[dict[str, Any]]]


TABLES = {
    "articles": ExportTable("articles", ARTICLE_COLUMNS, "articles", True, article_records),
    "headlines": ExportTable("headlines", HEADLINE_COLUMNS, "headlines", True,
                             headline_records),
    "runs": ExportTable("runs", RUN_COLUMNS, "crawl runs", False, run_records),
    "places": ExportTable("places", PLACE_COLUMNS, "places", True, place_records),
    "stories": ExportTable("stories", STORY_COLUMNS, "stories", False, story_records),
}
