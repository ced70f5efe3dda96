"""Stories as a report: by reach, each with its copies, their sites and delays.

``list_stories`` is what ``newscrawler stories`` prints; ``iter_stories`` the rows of
``export --table stories``; ``story_articles`` the copies ``search --story`` lists.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

from archive.connection import get_connection, sqlite_errors
from archive.search import _after, _bound
from archive.stories import bare_day, moment, sort_key

__all__ = ["delay_minutes", "format_delay", "iter_stories", "last_delay", "list_stories",
           "story_articles"]

_STORY_FIELDS = ("id", "first_article_id", "first_site", "first_published_at", "copies", "sites")


def delay_minutes(first: str | None, later: str | None) -> int | None:
    """Whole minutes from the first publication to a copy's (None when a time is unknown:
    no date, or a day without a time).

    >>> delay_minutes("2025-11-16T10:00:00+03:00", "2025-11-16T09:35:00+02:00")
    35
    >>> delay_minutes("2025-11-16", "2025-11-16T09:35:00+02:00") is None
    True
    """
    if bare_day(first) or bare_day(later):
        return None
    a, b = moment(first), moment(later)
    if a is None or b is None:
        return None
    return int((b - a).total_seconds() // 60)


def last_delay(first: str | None, copies: list[str | None]) -> int | None:
    """Minutes from the first publication to the last copy's; None when any copy's time
    is unknown (the last copy may be that one).

    >>> last_delay("2025-11-16T10:00:00+03:00",
    ...            ["2025-11-16T10:00:00+03:00", "2025-11-16T09:35:00+02:00"])
    35
    >>> last_delay("2025-11-16T10:00:00+03:00", ["2025-11-16T10:00:00+03:00", None])
    """
    delays = [delay_minutes(first, copy) for copy in copies]
    if not delays or None in delays:
        return None
    return max(d for d in delays if d is not None)


def format_delay(minutes: int | None) -> str:
    """A delay for people: ``first``, ``+35 min``, ``+2 h 05``, ``+3 d 4 h``, ``?``.

    >>> [format_delay(m) for m in (0, 35, 125, 3 * 1440 + 250, None)]
    ['first', '+35 min', '+2 h 05', '+3 d 4 h', '?']
    """
    if minutes is None:
        return "?"
    if minutes == 0:
        return "first"
    sign = "+" if minutes > 0 else "-"
    m = abs(minutes)
    if m < 60:
        return f"{sign}{m} min"
    if m < 1440:
        return f"{sign}{m // 60} h {m % 60:02d}"
    return f"{sign}{m // 1440} d {m % 1440 // 60} h"


def _where(
    since: str | date | None, until: str | date | None, site: str | None,
    min_sites: int, min_copies: int,
) -> tuple[str, list[Any]]:
    sql = " WHERE s.sites >= ? AND s.copies >= ?"
    params: list[Any] = [min_sites, min_copies]
    start = _bound(since, "since")
    if start is not None:
        sql += " AND s.first_published_at >= ?"
        params.append(start)
    end = _bound(until, "until")
    if end is not None:
        after = _after(end)
        sql += " AND s.first_published_at " + ("<= ?" if after is None else "< ?")
        params.append(end if after is None else after)
    if site is not None:
        sql += " AND EXISTS (SELECT 1 FROM articles c WHERE c.story_id = s.id AND c.site = ?)"
        params.append(site)
    return sql, params


def story_articles(db: object, story_id: int) -> list[dict[str, Any]]:
    """The copies of a story, first published first: ``id``, ``url``, ``site``, ``title``,
    ``published_at``, ``delay_minutes`` (after the story's first publication)."""
    conn = get_connection(db)
    with sqlite_errors(getattr(db, "name", "the archive")):
        return _copies(conn, story_id)


def _copies(conn: sqlite3.Connection, story_id: int) -> list[dict[str, Any]]:
    first = conn.execute(
        "SELECT first_article_id, first_published_at FROM stories WHERE id = ?", (story_id,)
    ).fetchone()
    first_id, first_at = first if first else (None, None)
    rows = conn.execute(
        "SELECT id, url, site, title, published_at FROM articles WHERE story_id = ?",
        (story_id,),
    ).fetchall()
    copies = [
        {"id": r[0], "url": r[1], "site": r[2], "title": r[3], "published_at": r[4],
         "delay_minutes": 0 if r[0] == first_id else delay_minutes(first_at, r[4])}
        for r in rows
    ]  # fmt: skip
    copies.sort(key=lambda c: (c["id"] != first_id, sort_key(c["published_at"], c["id"])))
    return copies


def list_stories(
    db: object,
    *,
    since: str | date | None = None,
    until: str | date | None = None,
    site: str | None = None,
    min_sites: int = 1,
    min_copies: int = 2,
    limit: int | None = 50,
) -> list[dict[str, Any]]:
    """Stories by reach (most sites, then most copies, then newest first), each with
    its ``copies`` (see ``story_articles``) and the ``title`` of its first copy.

    :param since: first published on or after this day (``2025-11``, ``2025-11-16``...)
    :param until: first published up to the end of this day, month or year
    :param site: only stories with a copy on this site
    :param min_sites: only stories on at least this many sites
    :param min_copies: only stories with at least this many copies (1: singletons too)
    :param limit: at most this many stories (None: all)
    """
    where, params = _where(since, until, site, min_sites, min_copies)
    sql = (
        f"SELECT {', '.join('s.' + f for f in _STORY_FIELDS)}, a.title FROM stories s "
        f"LEFT JOIN articles a ON a.id = s.first_article_id{where} "
        "ORDER BY s.sites DESC, s.copies DESC, s.first_published_at DESC, s.id"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    conn = get_connection(db)
    with sqlite_errors(getattr(db, "name", "the archive")):
        found = []
        for row in conn.execute(sql, params).fetchall():
            story = dict(zip((*_STORY_FIELDS, "title"), row, strict=True))
            story["copies_list"] = _copies(conn, story["id"])
            found.append(story)
        return found


def iter_stories(
    db: object,
    *,
    since: str | date | None = None,
    until: str | date | None = None,
    site: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Every story (singletons too), oldest first, with the first copy's ``title`` and
    ``url`` and the ``last_delay_minutes`` of its last copy, one at a time."""
    where, params = _where(since, until, site, 0, 0)
    sql = (
        f"SELECT {', '.join('s.' + f for f in _STORY_FIELDS)}, a.title, a.url, "
        # every copy's date: ISO text compares wrongly across offsets, max() skips NULLs
        "(SELECT json_group_array(c.published_at) FROM articles c WHERE c.story_id = s.id) "
        f"FROM stories s LEFT JOIN articles a ON a.id = s.first_article_id{where} ORDER BY s.id"
    )
    conn = get_connection(db)
    with sqlite_errors(getattr(db, "name", "the archive")):
        for row in conn.execute(sql, params):
            story = dict(zip((*_STORY_FIELDS, "title", "url"), row[:-1], strict=True))
            story["last_delay_minutes"] = last_delay(story["first_published_at"],
                                                     json.loads(row[-1]))
            yield story
