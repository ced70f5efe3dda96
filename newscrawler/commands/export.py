"""``newscrawler export``: a table of the archive as CSV, JSON Lines or xlsx, streamed.

``cli.py`` wires :func:`export` with the shared ``--db``/``--timeout`` options;
:func:`export_options` are the rest. Writing goes through ``cli._output`` (a file is
replaced atomically, a failure is one line and exit 1); contradictory options are one line
and exit 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any, TypeVar

import click

from newscrawler.commands.search import ConflictingOptionsError, filter_options

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("csv", "jsonl", "xlsx")
TABLE_NAMES = ("articles", "headlines", "runs", "places", "stories")


def _given(name: str) -> bool:
    """Whether the option ``name`` was typed on the command line (not its default)."""
    source = click.get_current_context().get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _delimiter(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """One character; ``tab`` or ``\\t`` for a tab."""
    if value is None:
        return None
    if value in ("tab", "\\t"):
        return "\t"
    if len(value) != 1 or value in "\"\r\n":
        raise click.BadParameter(f"{value!r} is not one character other than a quote or a "
                                 "line break (write tab for a tab)")
    return value


def export_options(func: F) -> F:
    """Every option of ``export`` but ``--db`` and ``--timeout``."""
    decorators = [
        click.option("--table", type=click.Choice(TABLE_NAMES), default="articles",
                     show_default=True, help="articles: one row per article; headlines: one "
                     "row per headline of an article; runs: one row per crawl run; places: "
                     "one row per place an article is about; stories: one row per story "
                     "(copies of one text)."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv",
                     help="Default: the one -o's extension names (.xlsx, .jsonl or "
                     ".ndjson, .tsv: CSV with tabs), else csv."),
        click.option("--query", help="Only articles matching this search."),
        *filter_options("Only this site."),
        click.option("--no-short", is_flag=True, help="Leave out short articles (flagged "
                     "'short': a body under VALIDATE_MIN_BODY_CHARS characters)."),
        click.option("--columns", metavar="A,B,C",
                     help="Only these columns, in this order (see docs/export.md)."),
        click.option("--excel", is_flag=True, help="CSV that Excel opens directly in a "
                     "Turkish locale: UTF-8 with a BOM, ';' between cells, CRLF line ends."),
        click.option("--delimiter", callback=_delimiter, metavar="CHAR",
                     help="CSV cell separator (default ','; 'tab' for a tab)."),
        click.option("-o", "--output", default="-", metavar="PATH",
                     help="Output file (default: stdout). A file is replaced atomically (a "
                     "symlink's target too); a FIFO or device is written straight into."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


#: Output extensions that choose the format when ``--format`` is not given.
EXTENSION_FORMATS = {".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl", ".tsv": "csv",
                     ".csv": "csv"}


def format_for(output: str) -> str | None:
    """The format ``output``'s extension names, or None (stdout, another extension).

    >>> format_for("makaleler.XLSX"), format_for("a.ndjson"), format_for("-"), format_for("a.txt")
    ('xlsx', 'jsonl', None, None)
    """
    if output == "-":
        return None
    return EXTENSION_FORMATS.get(os.path.splitext(output)[1].lower())


def _check_options(table: str, fmt: str, excel: bool, delimiter: str | None,
                   filters: dict[str, Any], output: str) -> None:
    """Stop (exit 2, one line) on options that contradict each other."""
    if excel and fmt != "csv" and _given("fmt"):
        raise ConflictingOptionsError(f"--excel writes a CSV for Excel; it does not go with "
                                      f"--format {fmt} (drop one of them)")
    if delimiter is not None and fmt != "csv":
        raise ConflictingOptionsError(f"--delimiter is for CSV; --format {fmt} has no "
                                      "delimiter (drop --delimiter)")
    if excel and delimiter is not None and delimiter != ";":
        raise ConflictingOptionsError("--excel writes ';' between cells; drop --delimiter, "
                                      "or --excel to choose another")
    if table == "runs":  # --place too: runs have no places
        given = [f"--{name}" for name, value in filters.items()
                 if name != "site" and value is not None]
        if given:
            raise ConflictingOptionsError(f"{', '.join(given)}: only for articles and headlines; "
                                          "--table runs takes only --site")
    if table == "stories":
        given = [f"--{name}" for name in ("query", "author", "category", "place")
                 if filters.get(name) is not None]
        if given:
            raise ConflictingOptionsError(f"{', '.join(given)}: only for articles and headlines; "
                                          "--table stories takes --site, --since, --until")
    if fmt == "xlsx" and output == "-" and sys.stdout.isatty():
        raise ConflictingOptionsError("an xlsx file is binary: pass -o FILE.xlsx, or pipe "
                                      "the output")


def _columns(text: str | None, known: tuple[str, ...], table: str) -> tuple[str, ...]:
    """The columns ``--columns`` names (in its order, once each), or exit 2 naming the
    known ones."""
    if text is None:
        return known
    names = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        what = f"no column {', '.join(map(repr, unknown))}" if unknown else "no columns named"
        raise click.BadParameter(f"{what} in the {table} table; its columns: "
                                 f"{','.join(known)}", param_hint="--columns")
    return tuple(names)


def export(db_path: str, timeout: float, table: str, fmt: str, query: str | None,
           site: str | None, since: str | None, until: str | None, author: str | None,
           category: str | None, place: str | None,
           columns: str | None, excel: bool, delimiter: str | None,
           output: str, no_short: bool = False) -> None:
    """Stream a table of the archive as CSV, JSON Lines or xlsx (constant memory).

    Dates: published_date (YYYY-MM-DD), published_at (with its offset, when the time is
    known), published_at_utc (ending in Z). Lists (tags, headlines) are JSON arrays, as
    JSON text in CSV and xlsx cells; unknown text is empty, never null. A file is written
    beside its target and renamed over it at the end: a killed export leaves no half
    file. Contradictory options exit 2; a full disk, a missing folder or a closed pipe 1.
    """
    from archive.export import TABLES, iter_articles, iter_runs
    from newscrawler.cli import open_archive

    spec = TABLES[table]
    filters: dict[str, Any] = {"query": query, "since": since, "until": until,
                               "author": author, "category": category, "site": site,
                               "place": place}
    if not output:
        raise click.BadParameter("an empty name: give a file (-o articles.csv), or - for "
                                 "standard output", param_hint="-o")
    named = None if _given("fmt") else format_for(output)
    if named is not None and named != "csv" and (excel or delimiter is not None):
        option = "--excel" if excel else "--delimiter"
        extension = os.path.splitext(output)[1]
        raise ConflictingOptionsError(f"{option} is for CSV, but {output} ends in {extension} "
                                      f"({named}): name the file .csv, or drop {option}")
    if named is not None:
        fmt = named  # -o articles.xlsx is an xlsx workbook, not CSV under that name
        if output.lower().endswith(".tsv") and delimiter is None and not excel:
            delimiter = "\t"
    _check_options(table, fmt, excel, delimiter, filters, output)
    if no_short and table in ("runs", "stories"):
        raise ConflictingOptionsError(
            f"--no-short: only for articles, headlines and places; --table {table} takes "
            + ("only --site" if table == "runs" else "--site, --since, --until"))
    chosen = _columns(columns, spec.columns, table)
    with open_archive(db_path, timeout=timeout) as store:
        if spec.article_filters:
            if site is not None:
                from newscrawler.commands.search import _check_site

                _check_site(store, site, db_path)
            if table == "articles" and fmt == "csv":  # cells made by SQLite (archive.export.cells)
                from archive.export import iter_article_cells, write_csv_rows
                from newscrawler.cli import _output

                cells = iter_article_cells(store, chosen, **filters, no_short=no_short)
                with closing(cells), _output(output) as fh:
                    n = write_csv_rows(cells, fh, chosen, delimiter=delimiter or ",",
                                       excel=excel)
                if output != "-":
                    click.echo(f"wrote {n} {spec.unit} to {output}", err=True)
                return
            rows: Iterator[dict[str, Any]] = iter_articles(store, **filters, no_short=no_short)
        elif table == "stories":
            from archive.storyreport import iter_stories

            rows = iter_stories(store, since=since, until=until, site=site)
        else:
            rows = iter_runs(store, site=site)
        records = spec.records(rows)
        n = _write(records, chosen, output, fmt=fmt, excel=excel,
                   delimiter=delimiter or ",", sheet=table)
    if output != "-":
        click.echo(f"wrote {n} {spec.unit} to {output}", err=True)


def _write(records: Iterator[dict[str, Any]], columns: tuple[str, ...], output: str, *,
           fmt: str, excel: bool, delimiter: str, sheet: str) -> int:
    """Write the records to ``output`` in ``fmt``; the number of rows."""
    from archive.export import write_csv, write_jsonl, write_xlsx
    from newscrawler.cli import _output

    with _output(output) as fh:
        if fmt == "csv":
            return write_csv(records, fh, columns, delimiter=delimiter, excel=excel)
        if fmt == "jsonl":
            return write_jsonl(records, fh, columns)
        fh.flush()
        result = write_xlsx(records, fh.buffer, columns, sheet=sheet)
        fh.buffer.flush()
    if result.sheets > 1:
        click.echo(f"note: {result.rows} rows are more than one Excel sheet holds: they "
                   f"fill {result.sheets} sheets", err=True)
    if result.truncated_cells:
        click.echo(f"note: {result.truncated_cells} cells were longer than Excel's 32,767 "
                   "characters and were cut; the 'truncated' column names them (CSV and "
                   "JSON Lines keep the whole text)", err=True)
    return result.rows
