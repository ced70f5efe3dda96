"""``newscrawler search``: the archive searched the way a Turkish reader types.

``cli.py`` wires :func:`search` with the shared ``--db``/``--timeout`` options and its
``QueryCommand`` (a query may start with a dash); :func:`search_options` are the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO, TypeVar

import click

from newscrawler.commands.hits import (
    CSV_FIELDS,
    MAX_SEARCH_LIMIT,
    MAX_SEARCH_OFFSET,
    SEARCH_FORMATS,
    SEARCH_LIMIT,
    no_match,
    print_hits,
    summary,
    table_lines,
)

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["CSV_FIELDS", "MAX_SEARCH_LIMIT", "MAX_SEARCH_OFFSET", "search", "search_options"]


class UnknownSiteError(click.ClickException):
    """``--site`` names no site the archive holds: one line listing those it does; exit 2."""

    exit_code = 2


class ConflictingOptionsError(click.ClickException):
    """Options that contradict each other: one line; exit 2."""

    exit_code = 2


def _check_place(_ctx: click.Context, _param: click.Parameter,
                 value: str | None) -> str | None:
    """``--place``: a province or district of the gazetteer (its official name), or exit 2
    with one line naming the closest names, so a typo never reads as "no articles"."""
    if value is None:
        return None
    from newscrawler.places.gazetteer import resolve_place, suggest_places

    found = resolve_place(value)
    if not found:
        close = suggest_places(value)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise UnknownSiteError(f"--place {value!r} is not a province or district of Türkiye "
                               "(any case, with or without Turkish letters: izmir, bornova)"
                               f"{hint}")
    names = {district or province for province, district in found}
    return names.pop() if len(names) == 1 else value


def period_option(name: str, help_text: str) -> Callable[[F], F]:
    """A ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` option, checked at parse time as
    ``archive.search`` checks it (an ISO date-time is accepted too)."""

    def check(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        from archive.errors import QueryError
        from archive.search import _bound

        if value is None:
            return None
        try:
            return _bound(value, name)
        except QueryError:
            raise click.BadParameter(
                f"{value!r} is not a day, month or year; write it as YYYY-MM-DD, YYYY-MM "
                "or YYYY (or a moment, 2025-11-16T14:30, Istanbul time unless it ends with "
                "an offset such as Z or +03:00)") from None

    return click.option(name, callback=check, metavar="YYYY[-MM[-DD]]", help=help_text)


def filter_options(site_help: str) -> list[Callable[[F], F]]:
    """The filters ``search`` and ``export`` share: site, dates, author, category."""
    return [
        click.option("--site", help=site_help),
        period_option("--since", "Published on or after this day, month or year."),
        period_option("--until", "Published up to the end of this day, month or year."),
        click.option("--author", help="Only this author (the whole name, any case, with or "
                     "without Turkish letters)."),
        click.option("--category", help="Only this category (compared as --author)."),
        click.option("--place", callback=_check_place,
                     help="Only articles about this province or district "
                     "(izmir, IZMIR, Bornova: any case, with or without Turkish letters)."),
    ]


def search_options(func: F) -> F:
    """The query argument and every option of ``search`` but ``--db`` and ``--timeout``."""
    decorators = [
        # QUERY may be left out with --place: the place's articles, newest first (#10)
        click.argument("words", nargs=-1, required=False, metavar="QUERY..."),
        *filter_options("Only this site (a site profile name)."),
        click.option("--story", type=click.IntRange(1), metavar="ID",
                     help="Only the copies of this story (`newscrawler stories` lists them); "
                     "without a query, all its copies, first published first."),
        click.option("--limit", type=click.IntRange(1, MAX_SEARCH_LIMIT), default=SEARCH_LIMIT,
                     show_default=True,
                     help=f"Most results to print (1 to {MAX_SEARCH_LIMIT:,})."),
        click.option("--offset", type=click.IntRange(0, MAX_SEARCH_OFFSET), default=0,
                     show_default=True, help="Skip this many results (the next page: "
                     "--offset 20)."),
        click.option("--format", "fmt", type=click.Choice(SEARCH_FORMATS),
                     default=SEARCH_FORMATS[0], show_default=True),
        click.option("--sql", "as_sql", is_flag=True,
                     help="Print the SELECT that finds the same articles in sqlite3, "
                     "sqlite-utils, pandas or R, instead of searching."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def search(words: tuple[str, ...], db_path: str, timeout: float, site: str | None,
           since: str | None, until: str | None, author: str | None, category: str | None,
           place: str | None, limit: int, offset: int, fmt: str, as_sql: bool,
           story: int | None = None) -> None:
    """Full-text search the way a Turkish reader types.

    Any case, with or without Turkish letters (kadina = KADINA = kadına), inflected
    forms (belediye finds belediyesinin). "exact phrase", prefix*, OR, -word: the
    words after the options are the query, and may start with a dash (search -haber).
    Says "N matches, showing 1–20" on stderr (stdout holds only the results); --offset
    pages.
    """
    from archive import count
    from archive import search as run_search
    from newscrawler.cli import _output, open_archive

    query = " ".join(words)
    if not words and place is None and story is None:
        import shlex

        given = [(f"--{name}", str(value)) for name, value in (
            ("site", site), ("since", since), ("until", until), ("author", author),
            ("category", category)) if value]
        options = " ".join(f"{name} {shlex.quote(value)}" for name, value in given)
        listing = (f"; to list articles by {' and '.join(n for n, _ in given)} alone, use "
                   f"`newscrawler export {options} --columns id,published_date,site,title`"
                   if given else "")
        raise ConflictingOptionsError(
            "Missing argument 'QUERY...': give a query (search kadına), --place NAME for a "
            f"place's articles or --story ID for the copies of a story{listing}")
    if not words and story is None:
        return _place_only(db_path, timeout, place or "", fmt, limit, offset, as_sql,
                           {"site": site, "since": since, "until": until, "author": author,
                            "category": category})
    if as_sql:
        _refuse_with_sql()
        if not words:
            raise ConflictingOptionsError("--sql needs a query: the copies of a story are "
                                   "SELECT * FROM articles WHERE story_id = ID")
    with open_archive(db_path, timeout=timeout) as store:
        if site is not None:
            _check_site(store, site, db_path)
        filters: dict[str, Any] = {"site": site, "since": since, "until": until,
                                   "author": author, "category": category, "place": place}
        if story is not None:
            from newscrawler.commands.story_search import check_story

            check_story(store, story, db_path)
            filters["story"] = story
            if not words:
                query = "*"  # the story's copies: see story_search
        if as_sql:
            with _output("-") as out:
                click.echo(_sql_text(query, filters, limit, offset), file=out)
            return
        if query == "*" and story is not None:
            from newscrawler.commands.story_search import story_hits

            total, hits = story_hits(store, filters, limit, offset)
        else:
            total = count(store, query, **filters)
            hits = run_search(store, query, limit=limit, offset=offset, **filters) if total else []
    _print_hits(hits, fmt, offset)
    # After the results (a terminal shows it below them), and only once they were written.
    if not total:
        click.echo(no_match(query), err=True)
    else:
        click.echo(_summary(total, offset, len(hits)), err=True)
    if words:
        from archive.query import MAX_TERMS, parse_query

        if parse_query(query).truncated:
            click.echo(f"note: a query reads its first {MAX_TERMS} words; the rest were left "
                       "out (search fewer words, or a phrase in quotes)", err=True)


def _print_hits(hits: list[dict[str, Any]], fmt: str, offset: int) -> None:
    """One page of hits on stdout, as a table, JSON or CSV (``commands.hits``)."""
    from newscrawler.cli import _output

    with _output("-") as out:
        print_hits(hits, fmt, offset, out, lambda text: click.echo(text, file=out))


def _place_only(db_path: str, timeout: float, place: str, fmt: str, limit: int, offset: int,
                as_sql: bool, filters: dict[str, Any]) -> None:
    """``search --place NAME`` without query words: the place's articles, newest first."""
    from archive.places import articles_about, count_about
    from newscrawler.cli import open_archive

    if as_sql:
        raise ConflictingOptionsError("--sql needs query words; add some after --place")
    with open_archive(db_path, timeout=timeout) as store:
        if filters["site"] is not None:
            _check_site(store, filters["site"], db_path)
        total = count_about(store, place, **filters)
        hits = articles_about(store, place, limit=limit, offset=offset, **filters)
    _print_hits(hits, fmt, offset)
    if not total:
        click.echo(f"no articles about {place!r} (a province or district name, e.g. "
                   "izmir or bornova)", err=True)
    else:
        click.echo(_summary(total, offset, len(hits)), err=True)


#: ``N matches, showing 21–40`` (``commands.hits.summary``).
_summary = summary


def _refuse_with_sql() -> None:
    """``--format`` means nothing with ``--sql``: say so rather than ignore it."""
    ctx = click.get_current_context()
    source = ctx.get_parameter_source("fmt")
    if source is not None and source.name == "COMMANDLINE":
        raise ConflictingOptionsError(
            "--sql prints SQL, not results: drop --format (run the SQL in the tool of your "
            "choice to get CSV or JSON)")


def _sql_text(query: str, filters: dict[str, Any], limit: int, offset: int) -> str:
    """The inlined SELECT, with ``LIMIT``/``OFFSET`` only when given on the command line."""
    from archive.sqlquery import inline, match_sql

    sql = inline(*match_sql(query, **filters))
    ctx = click.get_current_context()
    given = {name: (src := ctx.get_parameter_source(name)) is not None
             and src.name == "COMMANDLINE" for name in ("limit", "offset")}
    if given["limit"] or given["offset"]:
        sql += f"\nLIMIT {limit if given['limit'] else -1}"
        if offset:
            sql += f" OFFSET {offset}"
    return sql + ";"


def _check_site(store: Any, site: str, db_path: str) -> None:
    """Stop with the sites the archive holds when it holds no article of ``site``."""
    from archive.connection import get_connection

    conn = get_connection(store)
    if conn.execute("SELECT 1 FROM articles WHERE site = ? LIMIT 1", (site,)).fetchone():
        return
    sites = [row[0] for row in conn.execute(
        "SELECT DISTINCT site FROM articles WHERE site IS NOT NULL ORDER BY site")]
    if not sites:
        raise UnknownSiteError(f"{db_path} holds no articles yet, from {site!r} or any site")
    raise UnknownSiteError(
        f"{db_path} holds no articles from site {site!r}; its sites: {', '.join(sites)}")


def _print_table(hits: list[dict[str, Any]], out: TextIO | None = None, first: int = 1) -> None:
    """Numbered hits (from ``first``): date, site, title; the snippet; the URL."""
    for line in table_lines(hits, first):
        click.echo(line, file=out)
