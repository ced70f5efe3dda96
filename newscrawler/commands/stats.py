"""``newscrawler stats``: articles per site and period, data quality per site, crawl runs.

``cli.py`` wires :func:`stats` with the shared ``--db``/``--timeout`` options. The numbers
come from ``archive.stats.archive_stats``; this module only lays them out as a table, JSON
or CSV (one row per site and period, an empty period for undated articles).
"""

from __future__ import annotations

import csv
import json
import re
from typing import Any, TextIO

import click

from archive.stats import PERIODS

#: What ``--since`` and ``--until`` accept.
_PERIOD_RE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?")


def check_period(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` option value, checked at parse time."""
    if value is None:
        return None
    text = value.strip()
    if _PERIOD_RE.fullmatch(text):
        if len(text) < 10:
            return text
        from datetime import date

        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise click.BadParameter(f"{value!r} is not a year, month or day; write YYYY, YYYY-MM "
                             "or YYYY-MM-DD")


def run_outcome(run: dict[str, Any]) -> tuple[str, str | None]:
    """A run's status and reason; for a run recorded before reasons were (no reason, a
    status of ``finished``), the outcome its stats show, as the crawl reported it.

    >>> run_outcome({"status": "finished", "reason": None, "stats": {
    ...     "finish_reason": "finished", "downloader/response_count": 2,
    ...     "discovery/feed_older_than_since": 2}})
    ('finished', "nothing new to archive (from the run's stats)")
    >>> run_outcome({"status": "blocked", "reason": "site blocked us", "stats": {}})
    ('blocked', 'site blocked us')
    """
    status, reason, stats = run.get("status"), run.get("reason"), run.get("stats")
    if reason or status != "finished" or not isinstance(stats, dict) or not stats:
        return str(status), reason
    from newscrawler.outcome import crawl_outcome

    outcome = crawl_outcome(stats, stats.get("finish_reason"))
    return outcome.status, f"{outcome.reason} (from the run's stats)"


def _plural(n: int, noun: str) -> str:
    """``1 site``, ``2 sites``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _filters_line(data: dict[str, Any]) -> str:
    """One line saying what was counted."""
    f = data["filters"]
    parts = [f"site {f['site']}" if f["site"] else "all sites"]
    if f["since"] or f["until"]:
        parts.append(f"published {f['since'] or '...'} .. {f['until'] or '...'}")
    return ", ".join(parts)


def _grid(rows: list[list[str]], out: TextIO) -> None:
    """Rows as aligned columns: the first left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:],
                                                                        strict=True)]
        out.write("  ".join(cells).rstrip() + "\n")


def write_table(data: dict[str, Any], out: TextIO) -> None:
    """The report for people: periods down, sites across; sites; runs."""
    totals, by = data["totals"], data["filters"]["by"]
    out.write(f"{_plural(totals['articles'], 'article')} in {_plural(totals['sites'], 'site')} "
              f"({_filters_line(data)}), {_plural(totals['runs'], 'crawl run')}\n")
    counts = data["counts"]
    if counts:
        out.write(f"\narticles per {by} (publication day, Istanbul time"
                  f"{'; a week is named by its Monday' if by == 'week' else ''}):\n")
        sites = [row["site"] or "-" for row in counts]
        rows = [[by, *sites, "total"]]
        for period in data["periods"]:
            numbers = [row["periods"].get(period, 0) for row in counts]
            rows.append([period, *map(str, numbers), str(sum(numbers))])
        undated = [row["undated"] for row in counts]
        if any(undated):
            rows.append(["undated", *map(str, undated), str(sum(undated))])
        articles = [row["articles"] for row in counts]
        rows.append(["total", *map(str, articles), str(sum(articles))])
        _grid(rows, out)
        if any(undated):
            out.write("  (undated: no date was found on the page)\n")
        if data["filters"]["since"] or data["filters"]["until"]:
            out.write("  (undated articles are left out: --since and --until need a date)\n")
        out.write("\nper site:\n")
        rows = [["site", "articles", "first", "last", "median body", "dated", "author",
                 "headlines"]]
        for row in data["sites"]:
            rows.append([row["site"] or "-", str(row["articles"]), row["first"] or "-",
                         row["last"] or "-", f"{row['median_body_chars']} chars",
                         _percent(row["with_date"]), _percent(row["with_author"]),
                         _percent(row["with_headlines"])])
        _grid(rows, out)
    if data["runs"]:
        shown, total = len(data["runs"]), totals["runs"]
        out.write(f"\ncrawl runs, newest first ({shown} of {total}; outcome and why):\n")
        for run in data["runs"]:
            status, reason = run_outcome(run)
            out.write(f"  #{run['id']:<4} {run['site'] or '-':<12} {status:<9} "
                      f"{run['started_at'] or '-'}  ->  {run.get('finished_at') or '-'}\n")
            if reason:
                out.write(f"        {reason}\n")


def write_json(data: dict[str, Any], out: TextIO) -> None:
    """Everything ``archive_stats`` returns, each run with its ``outcome``."""
    runs = []
    for run in data["runs"]:
        status, reason = run_outcome(run)
        runs.append({**run, "outcome": status, "outcome_reason": reason})
    json.dump({**data, "runs": runs}, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


def write_csv(data: dict[str, Any], out: TextIO) -> None:
    """``site,period,articles``: every site for every period (zeros too), then one row a
    site with an empty period for its undated articles (when it has any)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["site", "period", "articles"])
    for row in data["counts"]:
        for period in data["periods"]:
            writer.writerow([row["site"], period, row["periods"].get(period, 0)])
    for row in data["counts"]:
        if row["undated"]:
            writer.writerow([row["site"], "", row["undated"]])


WRITERS = {"table": write_table, "json": write_json, "csv": write_csv}


@click.option("--site", help="Only this site (an unknown one is an error listing the sites).")
@click.option("--since", callback=check_period, metavar="YYYY[-MM[-DD]]",
              help="Published on or after this year, month or day.")
@click.option("--until", callback=check_period, metavar="YYYY[-MM[-DD]]",
              help="Published up to the end of this year, month or day.")
@click.option("--by", type=click.Choice(PERIODS), default="day", show_default=True,
              help="Count per publication day, week (named by its Monday) or month.")
@click.option("--runs", "run_limit", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many of the last crawl runs to list.")
@click.option("--format", "fmt", type=click.Choice(list(WRITERS)), default="table",
              show_default=True, help="table for people; json: everything; csv: "
              "site,period,articles (empty period: undated).")
def stats(db_path: str, timeout: float, site: str | None, since: str | None,
          until: str | None, by: str, run_limit: int, fmt: str) -> None:
    """Articles per site and day/week/month, data quality per site, and the last crawl
    runs with their outcome.

    Articles are counted by publication day (Istanbul time); those without a date are
    counted apart as "undated". Per site: articles, first and last day, median body
    length, and the share with a date, an author and a headline list.
    """
    from archive.stats import archive_stats
    from newscrawler.cli import _output, open_archive

    with open_archive(db_path, timeout=timeout) as store:
        data = archive_stats(store, site=site, since=since, until=until, by=by,
                             runs=run_limit)
    with _output("-") as out:
        WRITERS[fmt](data, out)
