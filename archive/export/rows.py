"""Archive rows for export, read one at a time from a cursor (constant memory).

``iter_articles`` reads from a cursor, one article at a time (``fetchall`` on 100,000
articles took 753 MB against 30 MB streaming); ``iter_runs`` reads the crawl runs.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

from archive import inflect, lookalike
from archive.connection import get_connection, sqlite_errors
from archive.query import parse_query, to_fts
from archive.schema import FTS_TABLE
from archive.search import _filters

__all__ = ["ARTICLE_FIELDS", "RUN_FIELDS", "article_source", "iter_articles", "iter_runs"]

#: The article columns read (the folded search columns are left out).
ARTICLE_FIELDS = (
    "id", "url", "site", "title", "body", "published_at", "updated_at", "date_precision",
    "date_source", "date_raw", "author", "credit", "category", "tags", "language",
    "fetched_at", "first_seen_at", "last_seen_at", "content_hash", "revision", "flags", "story_id",
)  # fmt: skip
#: Keeps articles without the ``short`` flag (``articles.flags``): ``no_short=True``.
NO_SHORT_SQL = " AND (a.flags IS NULL OR instr(',' || a.flags || ',', ',short,') = 0)"

#: The crawl run columns read (``stats`` decoded to a dict).
RUN_FIELDS = ("id", "site", "started_at", "finished_at", "status", "reason", "stats")


def iter_articles(
    db: object,
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
) -> Iterator[dict[str, Any]]:
    """Archived articles one at a time, oldest saved first, each with its headlines.

    :param db: an ``Archive``, a sqlite-utils ``Database`` or a ``sqlite3.Connection``
    :param query: only articles matching this search query (see ``archive.query``)
    :param site: only this site's articles
    :param since: published on or after this day (see ``archive.search.search``)
    :param until: published up to the end of this day
    :param author: only articles by this author (any case, with or without Turkish letters)
    :param category: only articles in this category (the same way)
    :param expand: inflect the query words, as ``search`` does
    :param no_short: leave out the articles flagged ``short`` (``articles.flags``)
    :param place: only articles tagged with this province or district (any case/letters)
    :return: dicts with the ``ARTICLE_FIELDS`` (``tags`` as a list), ``headlines``,
        a list of ``{"position", "title", "url"}``, and ``places``, a list of
        ``{"rank", "province", "district", "found_in"}``
    """
    conn = get_connection(db)
    with sqlite_errors(getattr(db, "name", "the archive")):
        found = article_source(conn, query=query, site=site, since=since, until=until,
                               author=author, category=category, expand=expand,
                               no_short=no_short, place=place)
        if found is None:
            return
        source, params = found
        columns = ", ".join(f"a.{name}" for name in ARTICLE_FIELDS)
        cursor = conn.execute(f"SELECT {columns} {source}", params)
        while rows := cursor.fetchmany(BATCH):
            articles = [dict(zip(ARTICLE_FIELDS, row, strict=True)) for row in rows]
            ids = [article["id"] for article in articles]
            headlines = _headlines(conn, ids)
            places = _places(conn, ids)
            for article in articles:
                article["tags"] = json.loads(article["tags"]) if article["tags"] else []
                article["headlines"] = headlines.get(article["id"], [])
                article["places"] = places.get(article["id"], [])
                yield article


def article_source(
    conn: sqlite3.Connection,
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
) -> tuple[str, list[Any]] | None:
    """``FROM ... ORDER BY ...`` on ``articles AS a`` picking the articles of the filters
    (see ``iter_articles``) in the archive ``conn``, and its parameters; None when the
    query matches nothing. A query's matches are those ``search`` gives: found only
    through a look-alike (``öldü`` in a text that says ``oldu``), they are left out
    (``archive.lookalike``)."""
    filters, params = _filters(site, since, until, author, category, place)
    if no_short:
        filters += NO_SHORT_SQL
    if query is None:
        return f"FROM articles AS a WHERE 1{filters} ORDER BY a.id", params
    parsed = parse_query(query)
    match = to_fts(parsed, inflect.expand if expand else None)
    if match is None:
        return None
    # CROSS JOIN keeps the full-text index the outer loop: driven from the site index,
    # SQLite would run the whole MATCH once per article of the site (minutes).
    tables = f"{FTS_TABLE} CROSS JOIN articles AS a ON a.id = {FTS_TABLE}.rowid"
    where = f"{FTS_TABLE} MATCH ?{filters}"
    params = [match, *params]
    checks = lookalike.checks(parsed) if expand else []
    if checks:
        from archive import spellings  # only look-alike queries read it

        rejected = spellings.rejected_ids(conn, tables, where, params, checks,
                                          f"{FTS_TABLE}.rowid")
        if rejected:
            where += f" AND {FTS_TABLE}.rowid NOT IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(rejected))
    return f"FROM {tables} WHERE {where} ORDER BY {FTS_TABLE}.rowid", params


#: Articles read at a time: their headlines and places come in one query each (a query
#: per article was 20% of an export); memory stays bounded by this many articles.
BATCH = 200


def _headlines(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The headlines of the articles ``ids``, by article, in position order."""
    found: dict[int, list[dict[str, Any]]] = {}
    marks = ",".join("?" * len(ids))
    for article_id, position, title, url in conn.execute(
        f"SELECT article_id, position, title, url FROM headlines WHERE article_id IN ({marks}) "
        "ORDER BY article_id, position", ids,
    ):
        found.setdefault(article_id, []).append(
            {"position": position, "title": title, "url": url})
    return found


def _places(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The places of the articles ``ids``, by article, in rank order (none on an archive
    older than the table)."""
    found: dict[int, list[dict[str, Any]]] = {}
    marks = ",".join("?" * len(ids))
    try:
        rows = conn.execute(
            f"SELECT article_id, rank, province, district, found_in FROM places "
            f"WHERE article_id IN ({marks}) ORDER BY article_id, rank", ids).fetchall()
    except sqlite3.OperationalError:  # a read-only archive from before schema v4
        return {}
    for article_id, rank, province, district, found_in in rows:
        found.setdefault(article_id, []).append(
            {"rank": rank, "province": province, "district": district, "found_in": found_in})
    return found


def iter_runs(db: object, *, site: str | None = None) -> Iterator[dict[str, Any]]:
    """Crawl runs one at a time, oldest first, ``stats`` decoded (``{}`` when unreadable).

    :param site: only this site's runs
    """
    sql = f"SELECT {', '.join(RUN_FIELDS)} FROM crawl_runs"
    params: list[Any] = []
    if site is not None:
        sql += " WHERE site = ?"
        params.append(site)
    conn = get_connection(db)
    with sqlite_errors(getattr(db, "name", "the archive")):
        for row in conn.execute(sql + " ORDER BY id", params):
            run = dict(zip(RUN_FIELDS, row, strict=True))
            try:
                stats = json.loads(run["stats"] or "{}")
            except ValueError:
                stats = {}
            run["stats"] = stats if isinstance(stats, dict) else {}
            yield run
