"""Search hits as text: the table, JSON and CSV ``newscrawler search`` prints, and the
summary line it writes on stderr.

No click here: ``newscrawler.launcher`` prints a plain search with these functions
without importing click, ``newscrawler.commands.search`` with ``click.echo``.
"""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from typing import Any, TextIO

#: The most results one search prints (``--limit``).
MAX_SEARCH_LIMIT = 100_000
#: The largest ``--offset``.
MAX_SEARCH_OFFSET = 10_000_000
#: The columns ``--format csv`` writes: the dates as ``export`` writes them.
CSV_FIELDS = ("url", "title", "published_date", "published_at", "published_at_utc", "site",
              "snippet")
#: ``search --limit``'s default, and its output formats (the first is the default).
SEARCH_LIMIT = 20
SEARCH_FORMATS = ("table", "json", "csv")


def table_lines(hits: list[dict[str, Any]], first: int = 1) -> list[str]:
    """Numbered hits (from ``first``), three lines each: date, site, title; the snippet;
    the URL."""
    lines = []
    for n, hit in enumerate(hits, first):
        day = (hit.get("published_at") or "????-??-??")[:10]
        lines.append(f"{n:>3}. {day}  [{hit.get('site')}]  {hit.get('title')}")
        snippet = str(hit.get("snippet") or "").replace("\n", " ")
        lines.append(f"     {snippet}")
        lines.append(f"     {hit.get('url')}")
    return lines


def print_hits(hits: list[dict[str, Any]], fmt: str, offset: int, out: TextIO,
               echo: Callable[[str], None]) -> None:
    """One page of hits as a table, JSON (each through ``echo``, which adds the newline)
    or CSV (written to ``out``)."""
    if fmt == "json":
        import json

        from archive.dates import with_date_columns

        echo(json.dumps(list(map(with_date_columns, hits)), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        import csv

        from archive.dates import with_date_columns

        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(map(with_date_columns, hits))
    else:
        for line in table_lines(hits, first=offset + 1):
            echo(line)


def summary(total: int, offset: int, shown: int) -> str:
    """``N matches, showing 21–40`` (or what to do when the page is past the end).

    >>> summary(45, 20, 20), summary(1, 0, 1), summary(3, 10, 0)
    ('45 matches, showing 21–40', '1 match, showing 1–1', '3 matches, none from --offset 10 on')
    """
    noun = "match" if total == 1 else "matches"
    if not shown:
        return f"{total:,} {noun}, none from --offset {offset:,} on" if total else "0 matches"
    return f"{total:,} {noun}, showing {offset + 1:,}–{offset + shown:,}"


def no_match(query: str) -> str:
    """The stderr line of a search that found nothing."""
    return f"no articles match {query!r}"
