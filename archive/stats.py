"""What the archive holds: articles per site and period, data quality per site, crawl runs.

Everything is counted by SQL aggregates over the narrow (site, published_at) index, except
the median body length, which reads each body's length once. Periods are publication days
in Istanbul time (the first ten characters of ``published_at``); articles without a date
cannot be placed in a period and are counted apart, as ``undated``.

>>> from archive import Archive
>>> with Archive(":memory:") as archive:
...     _ = archive.save_articles([{"url": "https://example.org/1", "site": "hibya",
...         "title": "Başlık", "body": "Metin.", "published_at": "2025-11-16"}])
...     report = archive_stats(archive, by="month")
>>> report["periods"], report["counts"]
(['2025-11'], [{'site': 'hibya', 'articles': 1, 'undated': 0, 'periods': {'2025-11': 1}}])
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from archive.connection import get_connection, sqlite_errors
from archive.errors import QueryError
from archive.search import _after, _bound, _filters

__all__ = ["PERIODS", "archive_stats", "known_sites", "period_of", "summary"]

#: How ``archive_stats`` groups publication days.
PERIODS = ("day", "week", "month")

_RUN_COLUMNS = ("id", "site", "started_at", "finished_at", "status", "pid", "stats", "reason")


def period_of(day: str, by: str) -> str:
    """The period a ``YYYY-MM-DD`` day falls in: the day, its week's Monday, or its month.

    >>> period_of("2025-11-16", "day"), period_of("2025-11-16", "week"), period_of(
    ...     "2025-11-16", "month")
    ('2025-11-16', '2025-11-10', '2025-11')
    """
    if by == "day":
        return day
    if by == "month":
        return day[:7]
    if by == "week":
        value = date.fromisoformat(day)
        return (value - timedelta(days=value.weekday())).isoformat()
    raise QueryError(f"period must be one of {', '.join(PERIODS)}, got {by!r}")


def known_sites(db: object) -> list[str]:
    """Sites the archive has articles or crawl runs of, sorted."""
    conn = get_connection(db)
    rows = conn.execute(
        "SELECT site FROM articles WHERE site IS NOT NULL "
        "UNION SELECT site FROM crawl_runs WHERE site IS NOT NULL ORDER BY 1"
    )
    return [row[0] for row in rows]


def _check_site(conn: sqlite3.Connection, site: str | None) -> None:
    """Refuse a site the archive holds nothing of, naming those it holds."""
    if site is None:
        return
    sites = known_sites(conn)
    if site not in sites:
        held = ", ".join(sites) if sites else "none yet"
        raise QueryError(f"the archive holds no site {site!r}; its sites: {held}")


def _share(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 3 places; None for an empty whole."""
    return round(part / whole, 3) if whole else None


def _per_site(conn: sqlite3.Connection, filters: str, params: list[Any]) -> list[dict[str, Any]]:
    """Per site: articles, dated ones, first and last day, median body length, shares."""
    rows = conn.execute(
        "SELECT a.site, count(*), count(a.published_at), min(substr(a.published_at, 1, 10)), "
        "max(substr(a.published_at, 1, 10)), "
        "sum(a.author IS NOT NULL AND trim(a.author) <> '') "
        f"FROM articles AS a WHERE 1{filters} GROUP BY a.site",
        params,
    ).fetchall()
    listed = dict(conn.execute(
        "SELECT a.site, count(*) FROM articles AS a "
        "WHERE a.id IN (SELECT DISTINCT article_id FROM headlines)"
        f"{filters} GROUP BY a.site",
        params,
    ).fetchall())
    lengths: dict[str, list[int]] = defaultdict(list)
    for site, length in conn.execute(
        f"SELECT a.site, length(a.body) FROM articles AS a WHERE 1{filters}", params
    ):
        lengths[site].append(length or 0)
    sites = [
        {
            "site": site,
            "articles": n,
            "undated": n - dated,
            "first": first,
            "last": last,
            "median_body_chars": int(statistics.median(lengths[site])),
            "with_date": _share(dated, n),
            "with_author": _share(authored or 0, n),
            "with_headlines": _share(listed.get(site, 0), n),
        }
        for site, n, dated, first, last, authored in rows
    ]
    return sorted(sites, key=lambda row: (-row["articles"], row["site"] or ""))


def _per_period(
    conn: sqlite3.Connection, filters: str, params: list[Any], by: str
) -> tuple[list[str], dict[str, dict[str, int]]]:
    """The periods that have articles, ascending, and per site the count in each."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for site, day, n in conn.execute(
        "SELECT a.site, substr(a.published_at, 1, 10) AS day, count(*) FROM articles AS a "
        f"WHERE a.published_at IS NOT NULL{filters} GROUP BY a.site, day",
        params,
    ):
        table[site][period_of(day, by)] += n
    periods = sorted({period for counts in table.values() for period in counts})
    return periods, {site: dict(counts) for site, counts in table.items()}


def _run_filter(site: str | None, since: str | date | None,
                until: str | date | None) -> tuple[str, list[Any]]:
    """``crawl_runs`` conditions: of ``site``, started (UTC) within ``since``..``until``."""
    where, params = "", []
    if site is not None:
        where, params = " AND site = ?", [site]
    start, end = _bound(since, "since"), _bound(until, "until")
    if start is not None:
        where, params = f"{where} AND started_at >= ?", [*params, start]
    if end is not None:
        after = _after(end)
        where, params = (f"{where} AND started_at < ?", [*params, after]) if after else (
            f"{where} AND started_at <= ?", [*params, end])
    return where, params


def _runs(conn: sqlite3.Connection, where: str, params: list[Any],
          limit: int) -> list[dict[str, Any]]:
    """The last ``limit`` crawl runs the conditions keep, newest first, ``stats`` decoded."""
    runs = []
    for row in conn.execute(
        f"SELECT {', '.join(_RUN_COLUMNS)} FROM crawl_runs WHERE 1{where} ORDER BY id DESC LIMIT ?",
        [*params, max(limit, 0)],
    ):
        run = dict(zip(_RUN_COLUMNS, row, strict=True))
        try:
            run["stats"] = json.loads(run["stats"] or "{}")
        except ValueError:  # written by hand: shown as it is
            pass
        runs.append(run)
    return runs


def archive_stats(
    db: object,
    *,
    site: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    by: str = "day",
    runs: int = 10,
) -> dict[str, Any]:
    """Articles per site and period, data quality per site, and the last crawl runs.

    :param db: an ``Archive``, a sqlite-utils ``Database`` or a ``sqlite3.Connection``
    :param site: only this site (``QueryError`` naming the archive's sites if it has none)
    :param since: published on or after this day, month or year (``2025-11-16``,
        ``2025-11``, ``2025``); undated articles are then left out, since no date places
        them in the window
    :param until: published up to the end of this day, month or year
    :param by: ``day``, ``week`` (labelled by its Monday) or ``month``
    :param runs: how many crawl runs to list, newest first
    :return: ``filters``; ``totals`` (``articles``, ``undated``, ``sites``, ``runs``: crawl runs of
        the site started within the window);
        ``sites``: per site ``articles``, ``undated``, ``first``/``last`` publication
        day, ``median_body_chars``, and the shares (0-1) ``with_date``, ``with_author``,
        ``with_headlines``; ``periods`` (ascending) and ``counts``: per site
        ``articles``, ``undated`` and ``periods`` (period -> articles, periods without
        articles left out); ``runs``: ``crawl_runs`` rows
    """
    if by not in PERIODS:
        raise QueryError(f"period must be one of {', '.join(PERIODS)}, got {by!r}")
    conn = get_connection(db)
    with sqlite_errors(getattr(db, "name", "the archive")):
        _check_site(conn, site)
        filters, params = _filters(site, since, until)
        sites = _per_site(conn, filters, params)
        periods, table = _per_period(conn, filters, params, by)
        where, run_params = _run_filter(site, since, until)
        run_rows = _runs(conn, where, run_params, runs)
        run_total = conn.execute(
            f"SELECT count(*) FROM crawl_runs WHERE 1{where}", run_params
        ).fetchone()[0]
    counts = [
        {"site": row["site"], "articles": row["articles"], "undated": row["undated"],
         "periods": table.get(row["site"], {})}
        for row in sites
    ]
    return {
        "filters": {"site": site, "since": None if since is None else str(since),
                    "until": None if until is None else str(until), "by": by},
        "totals": {
            "articles": sum(row["articles"] for row in sites),
            "undated": sum(row["undated"] for row in sites),
            "sites": len(sites),
            "runs": run_total,
        },
        "sites": sites,
        "periods": periods,
        "counts": counts,
        "runs": run_rows,
    }


def summary(db: object, *, days: int = 30, today: date | None = None) -> dict[str, Any]:
    """The whole archive at a glance (``Archive.stats``): totals, sites, last days, runs.

    :param days: how many days ``by_day`` lists: the last ``days`` days that have
        articles, however long ago (an archive of 2025 news still shows its last
        month in 2026)
    :param today: leave out days after this one (default: no limit)
    :return: totals (``articles``, ``sites``, ``headlines``, ``revisions``,
        ``raw_pages``, ``runs_total``); ``by_site``: ``{site, articles, first, last}``
        (first and last publication day), most articles first; ``by_day``:
        ``{day, articles}`` (publication day, all sites), newest first; ``runs``: the
        last 10 crawl runs, newest first, ``stats`` decoded
    """
    conn = get_connection(db)
    totals = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("articles", "headlines", "revisions", "raw_pages", "crawl_runs")
    }
    by_site = [
        {"site": site, "articles": n, "first": low, "last": high}
        for site, n, low, high in conn.execute(
            "SELECT site, count(*) AS n, min(substr(published_at, 1, 10)), "
            "max(substr(published_at, 1, 10)) FROM articles "
            "GROUP BY site ORDER BY n DESC, site"
        )
    ]
    until, params = "", []
    if today is not None:
        until, params = " AND published_at < ?", [(today + timedelta(days=1)).isoformat()]
    by_day = [
        {"day": day, "articles": n}
        for day, n in conn.execute(
            "SELECT substr(published_at, 1, 10) AS day, count(*) FROM articles "
            f"WHERE published_at IS NOT NULL{until} GROUP BY day ORDER BY day DESC LIMIT ?",
            [*params, max(days, 0)],
        )
    ]
    return {
        "articles": totals["articles"],
        "sites": len(by_site),
        "headlines": totals["headlines"],
        "revisions": totals["revisions"],
        "raw_pages": totals["raw_pages"],
        "runs_total": totals["crawl_runs"],
        "by_site": by_site,
        "by_day": by_day,
        "runs": _runs(conn, "", [], 10),
    }
