"""``search --story ID``: the copies of one story, as search hits.

With a query, ``search`` filters its hits by ``articles.story_id``; without one, it lists
the story's copies from here, first published first, each with its delay as the snippet.
"""

from __future__ import annotations

from typing import Any

from newscrawler.commands.search import ConflictingOptionsError, UnknownSiteError


def check_story(store: Any, story: int, db_path: str) -> None:
    """Stop (exit 2, one line) when the archive has no story ``story``."""
    from archive.connection import get_connection

    conn = get_connection(store)
    if conn.execute("SELECT 1 FROM stories WHERE id = ?", (story,)).fetchone() is None:
        raise UnknownSiteError(f"{db_path} has no story {story}; `newscrawler stories` "
                               "lists the stories and their ids")


def story_hits(store: Any, filters: dict[str, Any], limit: int,
               offset: int) -> tuple[int, list[dict[str, Any]]]:
    """The story's copies that pass the site and date filters: how many, and one page."""
    from archive.search import _bound
    from archive.storyreport import format_delay, story_articles

    if filters.get("author") is not None or filters.get("category") is not None:
        raise ConflictingOptionsError("--author and --category need a query with --story "
                               "(search WORDS --story ID --author NAME)")
    since, until = _bound(filters.get("since"), "since"), _bound(filters.get("until"), "until")
    copies = [c for c in story_articles(store, filters["story"])
              if filters.get("site") in (None, c["site"])
              and _within(c["published_at"], since, until)]
    hits = [{"id": c["id"], "url": c["url"], "title": c["title"],
             "published_at": c["published_at"], "site": c["site"],
             "snippet": f"{format_delay(c['delay_minutes'])} (story {filters['story']})",
             "delay_minutes": c["delay_minutes"]} for c in copies]
    return len(hits), hits[offset:offset + limit]


def _within(published_at: str | None, since: str | None, until: str | None) -> bool:
    """Whether a publication time is within the bounds (compared as far as each bound goes).

    >>> _within("2025-11-16T10:00:00+03:00", "2025-11", "2025-11-16"), _within(None, "2025", None)
    (True, False)
    """
    if since is None and until is None:
        return True
    if not published_at:
        return False
    if since is not None and published_at[: len(since)] < since:
        return False
    return until is None or published_at[: len(until)] <= until
