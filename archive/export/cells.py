"""The articles table of the CSV export as one SQL statement: SQLite makes every cell.

``iter_article_cells`` yields, for each article, a tuple of the cells ``csv.writer``
writes, in the order of the chosen columns: the same text ``article_records`` (the record
path JSON Lines and xlsx take) gives, byte for byte, without a Python dict per article, a
query per batch for headlines and places, or re-encoding lists as JSON. Headlines and
provinces are JSON built by correlated subqueries in position (rank) order, with Python's
separators (``", "``, ``": "``); ``json_quote`` escapes as ``json.dumps(ensure_ascii=False)``
does. Dates in the shapes the archive stores (``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM:SS±HH:MM``)
are cut and converted by SQLite; any other shape, and tags not written the way the store
writes them, go to the Python functions of ``tables`` (``date_columns``, ``utc``), called
from SQL for those values only.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Generator, Sequence
from datetime import date
from typing import Any

from archive.connection import get_connection, sqlite_errors
from archive.export.rows import article_source
from archive.export.tables import ARTICLE_COLUMNS, date_columns, utc
from archive.export.writers import cell

__all__ = ["article_cells_sql", "iter_article_cells"]

#: A time with seconds and an offset, as the archive stores it (checked further by ``_timed``).
_TIMED_GLOB = ("'[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]"
               "[+-][0-2][0-9]:[0-5][0-9]'")
_DAY_GLOB = "'[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"
#: Tags as the store writes them (``json.dumps(tags, ensure_ascii=False)``): strings
#: without a quote, a backslash or a control character. Written as they are.
_PLAIN_TAGS = re.compile(r'\[(?:"[^"\\\x00-\x1f]*"(?:, "[^"\\\x00-\x1f]*")*)?\]')
_UTC_FORMAT = "'%Y-%m-%dT%H:%M:%SZ'"


def _valid_day(v: str) -> str:
    """SQL: the first ten characters of ``v`` (digits in place) are a day Python accepts."""
    return (f"substr({v}, 6, 2) BETWEEN '01' AND '12' AND (substr({v}, 9, 2) BETWEEN '01' "
            f"AND '28' OR date(substr({v}, 1, 10), '+0 days') = substr({v}, 1, 10))")


def _timed(v: str) -> str:
    """SQL: ``v`` is ``YYYY-MM-DDTHH:MM:SS±HH:MM``, a time ``datetime.fromisoformat`` reads,
    ``isoformat`` writes back unchanged and whose UTC time has a four-digit year, with an
    offset under 15 hours (SQLite's ``strftime`` gives null beyond)."""
    return (f"{v} GLOB {_TIMED_GLOB} AND substr({v}, 1, 4) BETWEEN '1001' AND '9998' "
            f"AND {_valid_day(v)} AND substr({v}, 12, 2) < '24' AND substr({v}, 21, 2) < '15' "
            f"AND substr({v}, 20, 6) <> '-00:00'")


def _day_only(v: str) -> str:
    """SQL: ``v`` is a valid ``YYYY-MM-DD`` (no time)."""
    return f"{v} GLOB {_DAY_GLOB} AND {v} >= '0001' AND {_valid_day(v)}"


def _date_sql(v: str, part: int) -> str:
    """SQL for cell ``part`` of ``date_columns`` (0 day, 1 local time, 2 UTC) of ``v``."""
    fast = {0: f"substr({v}, 1, 10)", 1: v, 2: f"strftime({_UTC_FORMAT}, {v})"}[part]
    return (f"CASE WHEN {v} IS NULL OR {v} = '' THEN '' "
            f"WHEN {_day_only(v)} THEN {v if part == 0 else chr(39) * 2} "
            f"WHEN {_timed(v)} THEN {fast} ELSE export_date({v}, {part}) END")


def _utc_sql(v: str) -> str:
    """SQL for ``utc(v)``."""
    return (f"CASE WHEN {v} IS NULL OR length({v}) <= 10 THEN '' "
            f"WHEN {_timed(v)} THEN strftime({_UTC_FORMAT}, {v}) ELSE export_date({v}, 2) END")


def _export_date(value: Any, part: int) -> str:
    """``date_columns`` cell ``part`` of a date SQL did not convert (any shape)."""
    if part == 2:
        return utc(value)
    cells = date_columns("d", value)
    return cells["d_date"] if part == 0 else cells["d_at"]


def _export_tags(value: Any) -> Any:
    """The ``tags`` cell: the stored JSON when it is what the record path writes, else that."""
    if isinstance(value, str) and _PLAIN_TAGS.fullmatch(value):
        return value
    return cell([str(t) for t in json.loads(value) or []]) if value else "[]"


_HEADLINE_JSON = (
    "'{\"position\": ' || json_quote(position) || ', \"title\": ' || json_quote(coalesce(title, "
    "'')) || ', \"url\": ' || json_quote(coalesce(url, '')) || '}'"
)

#: Text columns written as they are (empty when null).
_TEXT = ("url", "site", "title", "body", "date_precision", "date_source", "date_raw", "author",
         "credit", "category", "language", "content_hash", "flags")


def _column_sql(column: str, places: bool) -> str:
    """The SQL of one export column."""
    if column in _TEXT:
        return f"coalesce(a.{column}, '')"
    for prefix in ("published", "updated"):
        for part, suffix in enumerate(("_date", "_at", "_at_utc")):
            if column == prefix + suffix:
                return _date_sql(f"a.{prefix}_at", part)
    if column in ("fetched_at", "first_seen_at", "last_seen_at"):
        return _utc_sql(f"a.{column}")
    if column == "tags":
        return "export_tags(a.tags)"
    if column == "headline_count":
        return "(SELECT count(*) FROM headlines WHERE article_id = a.id)"
    if column == "headlines":
        return ("coalesce((SELECT '[' || group_concat(h, ', ') || ']' FROM (SELECT "
                f"{_HEADLINE_JSON} AS h FROM headlines WHERE article_id = a.id "
                "ORDER BY position)), '[]')")
    if column == "provinces":
        if not places:
            return "'[]'"
        return ("coalesce((SELECT '[' || group_concat(json_quote(province), ', ') || ']' "
                "FROM (SELECT province FROM places WHERE article_id = a.id "
                "GROUP BY province ORDER BY min(rank))), '[]')")
    if column == "story_id":
        return "coalesce(a.story_id, '')"
    if column in ("id", "revision"):
        return f"a.{column}"
    raise ValueError(f"no column {column!r} in the articles table")


def article_cells_sql(columns: Sequence[str], source: str, places: bool = True) -> str:
    """The statement selecting ``columns`` (``ARTICLE_COLUMNS``) of the articles ``source``
    (``FROM ... ORDER BY ...`` on ``articles AS a``) picks."""
    return f"SELECT {', '.join(_column_sql(c, places) for c in columns)} {source}"


def _has_places(conn: sqlite3.Connection) -> bool:
    """Whether the archive has the places table (not before schema v4)."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'places'")
    return found.fetchone() is not None


def iter_article_cells(
    db: object,
    columns: Sequence[str] = ARTICLE_COLUMNS,
    *,
    query: str | None = None,
    site: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    author: str | None = None,
    category: str | None = None,
    expand: bool = True,
    no_short: bool = False,
    place: str | None = None,
) -> Generator[tuple[Any, ...], None, None]:
    """The CSV cells of the articles ``iter_articles`` yields (same filters, same order),
    one tuple per article, straight from the cursor (constant memory)."""
    conn = get_connection(db)
    with sqlite_errors(getattr(db, "name", "the archive")):
        found = article_source(conn, query=query, site=site, since=since, until=until,
                               author=author, category=category, expand=expand,
                               no_short=no_short, place=place)
        if found is None:
            return
        source, params = found
        conn.create_function("export_date", 2, _export_date, deterministic=True)
        conn.create_function("export_tags", 1, _export_tags, deterministic=True)
        # a loop, not ``yield from``: that would close the cursor when the generator is
        # collected, maybe after the archive was closed (an error writing the output)
        rows = conn.execute(article_cells_sql(columns, source, _has_places(conn)), params)
        for row in rows:  # noqa: UP028
            yield row

