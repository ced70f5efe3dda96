"""Site templates kept in the archive: table ``site_templates``, one row per learned line.

The crawler (``newscrawler.text.templates``) learns which lines recur on a site's pages;
these functions load what earlier runs learned and save what a run adds. Plain data in
and out: this module knows nothing of the crawler.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from archive.connection import sqlite_errors, transaction
from archive.store import Archive

__all__ = ["load_site_templates", "save_site_templates", "template_sites"]

_UPSERT = """
INSERT INTO site_templates (site, block_hash, text, pages_seen, site_pages, first_seen_at,
                            last_seen_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(site, block_hash) DO UPDATE SET
    pages_seen = excluded.pages_seen,
    site_pages = excluded.site_pages,
    last_seen_at = excluded.last_seen_at
"""


def load_site_templates(store: Archive, site: str) -> tuple[int, dict[str, tuple[str, int]]]:
    """The site's counted pages and its learned lines: ``{block_hash: (text, pages_seen)}``."""
    with sqlite_errors(store.name, timeout=store.timeout):
        rows = store.conn.execute(
            "SELECT block_hash, text, pages_seen, site_pages FROM site_templates WHERE site = ?",
            (site,),
        ).fetchall()
    lines = {row[0]: (row[1], int(row[2])) for row in rows}
    return max((int(row[3] or 0) for row in rows), default=0), lines


def save_site_templates(store: Archive, site: str, site_pages: int,
                        lines: Mapping[str, tuple[str, int]]) -> int:
    """Save (insert or set the counts of) the site's learned lines in one transaction;
    returns how many were given."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = [(site, key, text, pages, site_pages, now, now)
            for key, (text, pages) in lines.items()]

    def write() -> None:
        with transaction(store.conn):
            store.conn.executemany(_UPSERT, rows)

    with sqlite_errors(store.name, timeout=store.timeout):
        store._write(write)  # the archive's own retrying writer
    return len(rows)


def template_sites(store: Archive) -> list[str]:
    """Sites that have learned lines."""
    with sqlite_errors(store.name, timeout=store.timeout):
        rows = store.conn.execute("SELECT DISTINCT site FROM site_templates ORDER BY site")
        return [row[0] for row in rows]
