"""``newscrawler stories``: the stories many sites printed, by reach, with each copy's delay.

``cli.py`` wires :func:`stories` with the shared ``--db``/``--timeout`` options;
:func:`stories_options` are the rest. The stories are found at archive time
(``archive.stories``); ``--rebuild`` finds them again over the whole archive.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

import click

from newscrawler.commands.search import period_option

F = TypeVar("F", bound=Callable[..., Any])

#: The columns ``--format csv`` writes: one row per copy of each story listed (dates as
#: ``export`` writes them: day, time when known, UTC).
CSV_FIELDS = ("story_id", "story_sites", "story_copies", "first_published_date",
              "first_published_at", "first_published_at_utc", "site", "published_date",
              "published_at", "published_at_utc", "delay_minutes", "title", "url")


def stories_options(func: F) -> F:
    """Every option of ``stories`` but ``--db`` and ``--timeout``."""
    decorators = [
        period_option("--since", "Stories first published on or after this day, month or "
                      "year."),
        period_option("--until", "Stories first published up to the end of this day, month "
                      "or year."),
        click.option("--site", help="Only stories with a copy on this site."),
        click.option("--min-sites", type=click.IntRange(1), default=1, show_default=True,
                     help="Only stories printed by at least this many sites."),
        click.option("--min-copies", type=click.IntRange(1), default=2, show_default=True,
                     help="Only stories with at least this many copies (1: every article)."),
        click.option("--limit", type=click.IntRange(1), default=50, show_default=True,
                     help="Most stories to list."),
        click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]),
                     default="table", show_default=True),
        click.option("--rebuild", is_flag=True, help="First find the stories of every "
                     "article again (after changing the thresholds, or to renumber)."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def stories(db_path: str, timeout: float, since: str | None, until: str | None,
            site: str | None, min_sites: int, min_copies: int, limit: int, fmt: str,
            rebuild: bool) -> None:
    """Stories printed by several sites (agency copies), by reach.

    Each story lists its copies: site, delay after the first publication, title. A copy
    is a text whose words are mostly another's (new title, local intro, cut ending,
    reordered paragraphs and a few changed words allowed). Says "N stories" on stderr.
    """
    from archive.storyreport import list_stories
    from newscrawler.cli import _output, open_archive

    with open_archive(db_path, timeout=timeout, verify=rebuild or None) as store:
        if rebuild:
            n = store.rebuild_stories(_progress)
            click.echo(f"rebuilt: {n:,} stories", err=True)
        if site is not None:
            from newscrawler.commands.search import _check_site

            _check_site(store, site, db_path)
        found = list_stories(store, since=since, until=until, site=site, min_sites=min_sites,
                             min_copies=min_copies, limit=limit)
    with _output("-") as out:
        if fmt == "json":
            click.echo(json.dumps([_json(s) for s in found], ensure_ascii=False, indent=2),
                       file=out)
        elif fmt == "csv":
            _write_csv(found, out)
        else:
            _print_table(found, out)
    noun = "story" if len(found) == 1 else "stories"
    click.echo(f"{len(found):,} {noun} with at least {min_copies} copies on at least "
               f"{min_sites} site{'s' if min_sites > 1 else ''}", err=True)


def _progress(done: int, total: int) -> None:
    if done % 10_000 == 0 or done == total:
        click.echo(f"stories: {done:,}/{total:,} articles", err=True)


def _json(story: dict[str, Any]) -> dict[str, Any]:
    from archive.dates import with_date_columns

    out = with_date_columns({k: v for k, v in story.items() if k != "copies_list"},
                            "first_published_at")
    out["articles"] = [with_date_columns(copy) for copy in story["copies_list"]]
    return out


def _write_csv(found: list[dict[str, Any]], out: TextIO) -> None:
    from archive.dates import date_columns

    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for story in found:
        first = date_columns("first_published", story["first_published_at"])
        for copy in story["copies_list"]:
            writer.writerow({
                "story_id": story["id"], "story_sites": story["sites"],
                "story_copies": story["copies"], **first, "site": copy["site"],
                **date_columns("published", copy["published_at"]),
                "delay_minutes": "" if copy["delay_minutes"] is None else copy["delay_minutes"],
                "title": copy["title"] or "", "url": copy["url"],
            })


def _print_table(found: list[dict[str, Any]], out: TextIO) -> None:
    """Each story: id, reach, first publication, title; then one line per copy."""
    from archive.storyreport import format_delay

    for story in found:
        day = (story["first_published_at"] or "????-??-??")[:16].replace("T", " ")
        sites = f"{story['sites']} site{'s' if story['sites'] != 1 else ''}"
        click.echo(f"story {story['id']}: {sites}, {story['copies']} copies, "
                   f"first {day} [{story['first_site']}]  {story['title']}", file=out)
        for copy in story["copies_list"]:
            click.echo(f"  {format_delay(copy['delay_minutes']):>10}  [{copy['site']}]  "
                       f"{copy['title']}  {copy['url']}", file=out)
