"""Streaming export of articles to CSV and JSON Lines, in constant memory.

``iter_articles`` reads from a cursor, one article at a time (``fetchall`` on 100,000
articles took 753 MB against 30 MB streaming); the writers consume any iterable of rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO, Any

from archive import inflect
from archive.connection import get_connection, sqlite_errors
from archive.query import parse_query, to_fts
from archive.schema import FTS_TABLE
from archive.search import _filters

__all__ = ["ARTICLE_FIELDS", "CSV_COLUMNS", "iter_articles", "write_csv", "write_jsonl"]

#: The article columns exported (the folded search columns are left out).
ARTICLE_FIELDS = (
    "id", "url", "site", "title", "body", "published_at", "updated_at", "date_precision",
    "date_source", "date_raw", "author", "credit", "category", "tags", "language",
    "fetched_at", "first_seen_at", "last_seen_at", "content_hash", "revision",
)  # fmt: skip

#: CSV header: one row per article; tags joined by "; ", headlines as a JSON list.
CSV_COLUMNS = (*ARTICLE_FIELDS, "headline_count", "headlines")


def iter_articles(
    db: object,
    *,
    query: str | None = None,
    site: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    expand: bool = True,
) -> Iterator[dict[str, Any]]:
    """Archived articles one at a time, oldest saved first, each with its headlines.

    :param db: an ``Archive``, a sqlite-utils ``Database`` or a ``sqlite3.Connection``
    :param query: only articles matching this search query (see ``archive.query``)
    :param site: only this site's articles
    :param since: published on or after this day (see ``archive.search.search``)
    :param until: published up to the end of this day
    :param expand: inflect the query words, as ``search`` does
    :return: dicts with the ``ARTICLE_FIELDS`` (``tags`` as a list) and ``headlines``,
        a list of ``{"position", "title", "url"}``
    """
    filters, params = _filters(site, since, until)
    columns = ", ".join(f"a.{name}" for name in ARTICLE_FIELDS)
    if query is not None:
        match = to_fts(parse_query(query), inflect.expand if expand else None)
        if match is None:
            return
        # CROSS JOIN keeps the full-text index the outer loop: driven from the site index,
        # SQLite would run the whole MATCH once per article of the site (minutes).
        sql = (
            f"SELECT {columns} FROM {FTS_TABLE} CROSS JOIN articles AS a "
            f"ON a.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH ?{filters} "
            f"ORDER BY {FTS_TABLE}.rowid"
        )
        params = [match, *params]
    else:
        sql = f"SELECT {columns} FROM articles AS a WHERE 1{filters} ORDER BY a.id"
    conn = get_connection(db)
    with sqlite_errors(getattr(db, "name", "the archive")):
        for row in conn.execute(sql, params):
            article = dict(zip(ARTICLE_FIELDS, row, strict=True))
            article["tags"] = json.loads(article["tags"]) if article["tags"] else []
            article["headlines"] = [
                {"position": position, "title": title, "url": url}
                for position, title, url in conn.execute(
                    "SELECT position, title, url FROM headlines WHERE article_id = ? "
                    "ORDER BY position",
                    (article["id"],),
                )
            ]
            yield article


def _cell(value: Any) -> Any:
    return "" if value is None else value


def write_csv(rows: Iterable[dict[str, Any]], fh: IO[str], *, excel: bool = False) -> int:
    """Write articles as CSV, one row per article; returns the number of rows.

    :param rows: articles as ``iter_articles`` yields them
    :param fh: a text file opened with ``newline=""`` and UTF-8 encoding
    :param excel: start with a byte-order mark so Excel reads the file as UTF-8
        (otherwise it shows ``Ä°zmir`` for ``İzmir``)
    """
    if excel:
        fh.write("\ufeff")
    writer = csv.writer(fh)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        headlines = row.get("headlines") or []
        values = [_cell(row.get(name)) for name in ARTICLE_FIELDS]
        values[ARTICLE_FIELDS.index("tags")] = "; ".join(row.get("tags") or [])
        values += [len(headlines), json.dumps(headlines, ensure_ascii=False)]
        writer.writerow(values)
        count += 1
    return count


def write_jsonl(rows: Iterable[dict[str, Any]], fh: IO[str]) -> int:
    """Write articles as JSON Lines (one object a line, UTF-8 text, not ``\\u`` escapes);
    returns the number of lines. Headlines stay a list of ``{position, title, url}``."""
    count = 0
    for row in rows:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
