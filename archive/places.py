"""Articles by place alone (``newscrawler search --place Bornova`` without query words).

The ``places`` table (schema v4, #10) holds the provinces and districts each article is
about; ``archive.search.place_filter`` narrows a full-text search to one of them. These
list the articles of a place when there is no query: newest first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from archive.connection import get_connection, sqlite_errors
from archive.search import _filters

__all__ = ["articles_about", "count_about"]


def _where(place: str, site: str | None, since: str | date | None, until: str | date | None,
           author: str | None, category: str | None) -> tuple[str, list[Any]]:
    return _filters(site, since, until, author, category, place)


def articles_about(db: object, place: str, *, site: str | None = None,
                   since: str | date | None = None, until: str | date | None = None,
                   author: str | None = None, category: str | None = None, limit: int = 20,
                   offset: int = 0, words: int = 30) -> list[dict[str, Any]]:
    """Articles about ``place`` (a province or district, any case), newest first, as
    ``archive.search.search`` hits (``snippet``: the first ``words`` words; ``rank`` None)."""
    filters, params = _where(place, site, since, until, author, category)
    sql = (f"SELECT a.id, a.url, a.title, a.published_at, a.site, a.body FROM articles AS a "
           f"WHERE 1{filters} ORDER BY coalesce(a.published_at, '') DESC, a.id DESC "
           f"LIMIT ? OFFSET ?")
    conn = get_connection(db)
    with sqlite_errors(getattr(db, "name", "the archive")):
        rows = conn.execute(sql, [*params, limit, offset]).fetchall()
    hits = []
    for rowid, url, title, published_at, site_name, body in rows:
        head = (body or "").split()
        snippet = " ".join(head[:words]) + (" ..." if len(head) > words else "")
        hits.append({"id": rowid, "url": url, "title": title, "published_at": published_at,
                     "site": site_name, "snippet": snippet, "rank": None})
    return hits


def count_about(db: object, place: str, *, site: str | None = None,
                since: str | date | None = None, until: str | date | None = None,
                author: str | None = None, category: str | None = None) -> int:
    """How many articles ``articles_about`` would list (no paging)."""
    filters, params = _where(place, site, since, until, author, category)
    conn = get_connection(db)
    with sqlite_errors(getattr(db, "name", "the archive")):
        return int(conn.execute(f"SELECT count(*) FROM articles AS a WHERE 1{filters}",
                                params).fetchone()[0])
