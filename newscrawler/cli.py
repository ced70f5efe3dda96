"""The ``newscrawler`` command: crawl, demo, sites, extract, import, search, export,
optimize, stats, check.

Every command takes ``--db PATH`` (default ``$NEWSCRAWLER_DB``, else ``news.db`` in the
working folder). Errors say what to do next and exit non-zero; nothing is half-written.
Exit codes (``newscrawler.exitcodes``): 0 success, 1 failed (crawl fetched nothing, no
archive yet...), 2 bad usage, 69 blocked or rate-limited, 74 the archive cannot be read
or written (locked, damaged, full, read-only, not ours), 75 another crawl of the same site
is running (try again later), 130/143 a crawl interrupted by SIGINT/SIGTERM (see
docs/operations.md). ``check`` verifies an archive: exit 0 healthy, 74 not.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from archive import Archive, ArchiveError, search
from newscrawler.dbpath import LOCK_TIMEOUT, db_path_problem, default_db
from newscrawler.exitcodes import for_archive_error

if TYPE_CHECKING:  # profiles are read by the commands that need them (tomllib: 6 ms)
    from newscrawler.profiles import SiteProfile

F = TypeVar("F", bound=Callable[..., Any])


def _check_db_path(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Refuse ``--db`` values that cannot hold an archive: ``:memory:``, "", a folder."""
    problem = db_path_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


def db_option(func: F) -> F:
    """The shared ``--db`` and ``--timeout`` options."""
    func = click.option(
        "--timeout", type=click.FloatRange(min=0), default=LOCK_TIMEOUT, show_default=True,
        help="Seconds to wait for a database locked by another process.",
    )(func)
    return click.option(
        "--db", "db_path", default=default_db, show_default="$NEWSCRAWLER_DB or news.db",
        callback=_check_db_path, help="SQLite archive file.",
    )(func)


def day_option(name: str, help_text: str) -> Callable[[F], F]:
    """A ``YYYY-MM-DD`` option checked at parse time."""

    def check(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a day; write it as YYYY-MM-DD") from None

    return click.option(name, callback=check, metavar="YYYY-MM-DD", help=help_text)


class ArchiveCommandError(click.ClickException):
    """An archive error reaching the user: its one-line message, and the exit code
    ``exitcodes.for_archive_error`` gives it (74, or 2 for bad input, 1 for no archive)."""

    def __init__(self, exc: ArchiveError) -> None:
        super().__init__(str(exc))
        # click declares exit_code as a class variable; this error's depends on ``exc``.
        self.__dict__["exit_code"] = for_archive_error(exc)


#: Commands that write into an existing archive first check its structure (``PRAGMA
#: quick_check``, measured 0.07-0.15 s per 100 MB from the page cache, 1 s from disk), so
#: that they never write into a damaged file: the file size above which the check is
#: skipped (None: always). The crawl checks at its start in ``newscrawler.runner``.
CHECK_BEFORE_WRITING: dict[str, int | None] = {"import": None, "optimize": None}


def open_archive(db_path: str, *, create: bool = False, timeout: float = LOCK_TIMEOUT,
                 verify: bool | None = None) -> Archive:
    """Open the archive or stop with the archive's own advice (and exit code).

    :param verify: run ``Archive.quick_check`` first; None: when the running command is
        in ``CHECK_BEFORE_WRITING``
    """
    ctx = click.get_current_context(silent=True)
    command = ctx.info_name if ctx is not None else None
    limit = CHECK_BEFORE_WRITING.get(command or "", 0)
    if verify is None:
        verify = command in CHECK_BEFORE_WRITING
    try:
        store = Archive(db_path, create=create, timeout=timeout)
    except ArchiveError as exc:
        raise ArchiveCommandError(exc) from None
    try:
        if verify:
            store.quick_check(max_bytes=limit or None)
    except ArchiveError as exc:
        store.close()
        raise ArchiveCommandError(exc) from None
    return store


class BrokenProfileError(click.ClickException):
    """A site profile asked for is broken: one line with its file, line and problem; exit 2."""

    exit_code = 2


def resolve_sites(names: Sequence[str]) -> list[SiteProfile]:
    """Profiles for the given names, or a usage error naming the known sites (or the
    broken profile's file, line and problem)."""
    from newscrawler.profiles import ProfileError, UnknownSiteError, get_profile

    try:
        return [get_profile(n) for n in names]
    except UnknownSiteError as exc:
        raise click.UsageError(str(exc)) from None
    except ProfileError as exc:
        raise BrokenProfileError(f"site profile {exc.name!r} is broken: {exc}") from None


class ArchiveErrorsGroup(click.Group):
    """A command group that turns archive errors met mid-command into one clear line and
    the exit code ``exitcodes.for_archive_error`` gives them; never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported now if it lives in one (``LAZY_COMMANDS``)."""
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            self.add_command(LAZY_COMMANDS[cmd_name](), cmd_name)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            raise ArchiveCommandError(exc) from None
        except sqlite3.Error as exc:  # not translated by the archive: still one line, 74
            raise ArchiveCommandError(ArchiveError(
                f"the archive failed ({exc}); run `newscrawler check` on it, and report "
                "this if the check finds nothing")) from None
        except OSError as exc:  # stdout on a full disk or closed by its reader: one line
            from newscrawler.output import failure, silence_stdout

            silence_stdout()
            if exc.filename:
                raise click.ClickException(f"{exc.filename}: {exc.strerror or exc}") from None
            raise click.ClickException(str(failure(exc, "-"))) from None


@click.group(cls=ArchiveErrorsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newscrawler")
def main() -> None:
    """Crawl Turkish news sites into a searchable SQLite archive and export datasets."""


# --- crawl ---------------------------------------------------------------------------------


class FiniteFloat(click.ParamType):
    """A finite float at or above ``min`` (``click.FloatRange`` lets nan through)."""

    name = "float"

    def __init__(self, min: float = 0.0) -> None:
        self.min = min

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number) or number < self.min:
            self.fail(f"{value!r} is not a finite number >= {self.min:g}", param, ctx)
        return number


def _check_base_url(_ctx: click.Context, _param: click.Parameter,
                    value: str | None) -> str | None:
    from urllib.parse import urlsplit

    if value is None:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"{value!r} is not a site origin; write it as "
                                 "http://host[:port] or https://host[:port]")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        origin = f"{parts.scheme}://{parts.netloc}"
        raise click.BadParameter(f"{value!r} is not a site origin: the profile's paths "
                                 f"(feeds, sitemaps, articles) are read from the origin "
                                 f"alone; write {origin}")
    return value


@main.command()
@click.argument("sites", nargs=-1, required=True, metavar="SITE...")
@db_option
@click.option("--max-articles", type=click.IntRange(min=0), default=0,
              help="Stop each site after this many archived articles, unchanged ones "
              "included (with --only-new known URLs are not fetched, so it counts new "
              "ones); 0: no limit.")
@day_option("--since", "Only articles published on or after this day.")
@click.option("--only-new", is_flag=True,
              help="Skip article URLs the archive already holds (feeds are still read).")
@click.option("--wait", type=FiniteFloat(min=0), default=0, show_default=True,
              help="Seconds to wait for another crawl of the same site to finish.")
@click.option("--jobdir", type=click.Path(file_okay=False),
              help="Scrapy JOBDIR: keep the request queue so a killed crawl can resume.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or newscrawler setting (repeatable); the value is "
              "checked against the setting's type.")
@click.option("--base-url", callback=_check_base_url,
              help="Crawl a mirror of the site at this origin (one SITE only).")
@click.option("--redis", "redis_url", metavar="URL",
              help="Work with other workers through Redis (redis://HOST:6379/0): start the "
              "site's run, items go to Redis for `newscrawler writer` (docs/scale.md).")
@click.option("--join", is_flag=True,
              help="With --redis: join the site's run in progress (waits --wait seconds).")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log (INFO level).")
def crawl(sites: tuple[str, ...], db_path: str, timeout: float, max_articles: int,
          since: str | None, only_new: bool, wait: float, jobdir: str | None,
          overrides: tuple[str, ...], base_url: str | None, redis_url: str | None,
          join: bool, verbose: bool) -> None:
    """Crawl SITE... (see `newscrawler sites`) into the archive.

    Shows live progress on stderr and ends with a summary per site. Exit codes: 0 done,
    1 failed, 2 bad usage, 69 blocked or rate-limited (retry later), 74 the archive
    cannot be written, 75 another crawl of the site is running, 130/143 interrupted
    (see docs/operations.md). Safe to repeat, to overlap and to kill.
    """
    from newscrawler.extract import headstart

    # First of all: checking the overrides imports Scrapy (~0.3 s), which the extraction
    # workers spend starting and preparing themselves (newscrawler/extract/headstart.py),
    # in the environment the crawl will have; those no crawl takes end with the command.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawler.settings")
    headstart.prestart_workers(headstart.setting_given(overrides))
    click.get_current_context().call_on_close(headstart.discard)
    from newscrawler.overrides import OverrideError, parse_override
    from newscrawler.runner import run_crawl, unique

    if not math.isfinite(timeout):
        raise click.BadParameter(f"{timeout!r} is not a finite number", param_hint="--timeout")
    profiles = unique(resolve_sites(sites))
    for profile in profiles:
        if not (profile.feeds or profile.sitemaps or profile.listings):
            raise click.UsageError(
                f"site {profile.name!r} ({profile.source}) names no feed, sitemap or listing: "
                "a crawl has nothing to start from; add them under [discovery] (see the "
                "README's \"Site profiles\"; `newscrawler add-site URL` finds them)")
    try:
        settings: dict[str, Any] = dict(parse_override(o) for o in overrides)
    except OverrideError as exc:
        raise click.BadParameter(str(exc), param_hint="--set") from None
    if jobdir:
        settings["JOBDIR"] = jobdir
    if base_url and len(profiles) != 1:
        raise click.UsageError("--base-url works with exactly one SITE")
    if jobdir and len(profiles) != 1:
        raise click.UsageError("--jobdir works with exactly one SITE (a folder holds one "
                               "crawl's queue): run one command per site, each with its own "
                               "--jobdir")
    if join and not redis_url:
        raise click.UsageError("--join works with --redis URL")
    if jobdir and redis_url:
        raise click.UsageError("--jobdir does not apply with --redis: the frontier is in Redis")
    settings.setdefault("ARCHIVE_TIMEOUT", timeout)
    code = run_crawl(profiles, db_path=db_path, max_articles=max_articles, since=since,
                     only_new=only_new, wait=wait, settings=settings, verbose=verbose,
                     base_urls={profiles[0].name: base_url} if base_url else None,
                     redis_url=redis_url, join=join)
    sys.exit(code)


# --- demo ----------------------------------------------------------------------------------


@main.command()
@db_option
@click.option("--query", default="kadına", show_default=True,
              help="The example search run on the archive after the crawl.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Loopback port for the sample site (its URLs are the article keys, so "
              "keep it the same between runs; 0 picks a free one).")
def demo(db_path: str, timeout: float, query: str, port: int) -> None:
    """Serve the bundled sample site on 127.0.0.1 and crawl it end to end.

    No network beyond loopback is needed. Ends with a summary and an example search.
    """
    from newscrawler.sample_server import serve

    profile = resolve_sites(["sample"])[0]
    with ExitStack() as stack:
        try:
            origin = stack.enter_context(serve(port=port))
        except OSError as exc:
            raise click.ClickException(
                f"cannot serve the sample site on 127.0.0.1:{port} ({exc.strerror}); "
                "pass --port with a free port, or --port 0 to pick one") from None
        click.echo(f"Serving the sample site at {origin}/", err=True)
        from newscrawler.runner import run_crawl

        code = run_crawl([profile], db_path=db_path, settings={"PROGRESS_INTERVAL": 2.0},
                         base_urls={"sample": origin})
    if code:
        sys.exit(code)
    from newscrawler.commands.search import _print_table

    with open_archive(db_path) as store:
        hits = search(store, query, limit=5)
    click.echo(f"\nExample: newscrawler search {query!r} --db {db_path}")
    _print_table(hits)
    click.echo(f"\nArchive: {db_path}. Try `newscrawler stats --db {db_path}` or "
               f"`newscrawler export --db {db_path} -o sample.csv`.")


# --- sites -----------------------------------------------------------------------------


@main.command()
@click.argument("names", nargs=-1, metavar="[SITE]...")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def sites(names: tuple[str, ...], fmt: str) -> None:
    """List the site profiles (bundled and from $NEWSCRAWLER_SITES_DIR).

    A broken profile is listed with its file, line and problem; it never hides the
    others. Exits 2 when a SITE asked for is broken or unknown, else 0.
    """
    from newscrawler.profiles import missing_sites_dir, scan_profiles

    missing = missing_sites_dir()
    if missing:
        click.echo(f"warning: {missing}", err=True)
    profiles, broken = scan_profiles()
    unknown = [n for n in names if n not in profiles and n not in broken]
    if unknown:
        resolve_sites(unknown)  # the usage error that lists the known sites
    if names:
        profiles = {n: p for n, p in profiles.items() if n in names}
        broken = {n: e for n, e in broken.items() if n in names}
    rows: list[dict[str, Any]] = [
        {"name": p.name, "title": p.title, "base_url": p.base_url, "feeds": list(p.feeds),
         "sitemaps": list(p.sitemaps), "listings": list(p.listings),
         "article_pattern": p.article_pattern, "credit": list(p.credit),
         "profile": p.source, "broken": False} for p in profiles.values()]
    rows += [{"name": e.name, "profile": str(e.path), "broken": True, "line": e.line,
              "problem": e.problem} for e in broken.values()]
    rows.sort(key=lambda row: str(row["name"]))
    with _output("-") as out:
        if fmt == "json":
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
        for row in rows if fmt == "table" else ():
            if row["broken"]:
                click.echo(f"{row['name']:<12} BROKEN: {broken[row['name']]}", file=out)
                continue
            discovery = ", ".join(filter(None, [
                f"{len(row['feeds'])} feed(s)" if row["feeds"] else "",
                f"{len(row['sitemaps'])} sitemap(s)" if row["sitemaps"] else "",
                f"{len(row['listings'])} listing(s)" if row["listings"] else ""]))
            click.echo(f"{row['name']:<12} {row['title']:<28} {row['base_url']:<30} "
                       f"{discovery}", file=out)
    if broken and names:
        sys.exit(2)


# --- extract -------------------------------------------------------------------------------


def _fetched_at(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not ISO 8601 (e.g. 2025-11-16T15:00:00+03:00)",
                                 param_hint="--fetched-at") from None
    if parsed.tzinfo is None:
        from zoneinfo import ZoneInfo

        parsed = parsed.replace(tzinfo=ZoneInfo("Europe/Istanbul"))
    return parsed


def _check_page_url(url: str) -> None:
    """A usage error unless ``url`` is an absolute http(s) or file URL."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme == "file" or (parts.scheme in ("http", "https") and parts.hostname):
        return
    raise click.BadParameter(f"{url!r} is not an http(s) URL (e.g. "
                             "https://www.hibya.com/haber-123)", param_hint="--url")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", help="The http(s) URL the page was fetched from (default: its "
              "file:// URL): its relative links and the dates in its URL read against it. "
              "The article's own URL (`url`) is its canonical link when it has one; "
              "`fetched_url` is this one.")
@click.option("--fetched-at", help="When the page was fetched (ISO 8601; default: now). "
              "Resolves relative dates and bounds plausible ones.")
@click.option("--site", help="Use this site profile's selectors and credit lines.")
def extract(file: Path, url: str | None, fetched_at: str | None, site: str | None) -> None:
    """Extract one saved .html page or .txt dump and print it as one JSON object."""
    from newscrawler.offline import UnreadableFileError, article_from_file
    from newscrawler.pipelines.validate import article_flags, problem
    from newscrawler.places.tagger import place_records
    from newscrawler.settings import (
        SPLIT_CREDIT_LINES,
        VALIDATE_MIN_BODY_CHARS,
        VALIDATE_MIN_SENTENCE_CHARS,
    )

    if url is not None:
        _check_page_url(url)
    profile = resolve_sites([site])[0] if site else None
    try:
        item = article_from_file(file, url=url, site=site or "file",
                                 fetched_at=_fetched_at(fetched_at), profile=profile,
                                 credit_lines=SPLIT_CREDIT_LINES)
    except UnreadableFileError as exc:
        raise click.ClickException(f"{file} is refused: {exc}") from None
    except (OSError, EOFError) as exc:
        raise click.ClickException(f"cannot read {file}: {exc}") from None
    skip = problem(item, min_body_chars=VALIDATE_MIN_BODY_CHARS,
                   min_sentence_chars=VALIDATE_MIN_SENTENCE_CHARS)
    out = {
        "url": item.canonical_url or item.url,
        "fetched_url": item.url,
        "title": item.title,
        "published_at": item.published_at,
        "updated_at": item.updated_at,
        "date_precision": item.date_precision,
        "date_source": item.date_source,
        "date_raw": item.date_raw,
        "author": item.author,
        "credit": item.credit,
        "category": item.category,
        "tags": item.tags,
        "body": item.body,
        "headlines": [{"title": h["title"], "url": h["url"]} for h in item.headlines],
        # what `import` would do with it: archive it, or skip it for a reason; flags
        "is_article": skip is None,
        "skip_reason": skip,
        "flags": [] if skip else article_flags(item, min_body_chars=VALIDATE_MIN_BODY_CHARS),
        "encoding": item.encoding,
        "places": [{"province": p["province"], "district": p["district"]}
                   for p in place_records(item.title, item.body, item.credit,
                                          profile.region if profile else None)],
    }
    with _output("-") as stdout:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2), file=stdout)


# --- import --------------------------------------------------------------------------------


def _walk(paths: Iterable[Path], others: list[Path]) -> Iterable[Path]:
    """The files to import: those given, and in folders (recursively) the pages, by
    their names or, for other names (``detay.php?id=12``, ``index.html.1``), by holding
    HTML; the rest of a folder's files are appended to ``others``."""
    from newscrawler.offline import HTML_SUFFIXES, TEXT_SUFFIXES, looks_like_html_file

    suffixes = HTML_SUFFIXES + TEXT_SUFFIXES
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            if file.name.lower().endswith(suffixes) or looks_like_html_file(file):
                yield file
            else:
                others.append(file)


def _saved_at(file: Path) -> datetime:
    """When a page file was saved: its modification time, to the second, in UTC."""
    return datetime.fromtimestamp(int(file.stat().st_mtime), UTC)


@main.command(name="import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path), metavar="PATH...")
@db_option
@click.option("--site", help="Site name to file the articles under (default: the profile "
              "whose host matches the page URL, else 'imported').")
@click.option("--fetched-at", help="When the pages were saved (ISO 8601, or 'now'; default: "
              "each file's modification time). Resolves relative and year-less dates "
              "('Dün 14:30', '14 Şubat'); an archived article fetched later is kept.")
def import_(paths: tuple[Path, ...], db_path: str, timeout: float, site: str | None,
            fetched_at: str | None) -> None:
    """Archive saved .html pages and .txt dumps (folders recursively, .gz too; files
    with other names when they hold HTML, as a wget mirror saves them)."""
    from newscrawler.offline import UnreadableFileError, article_from_file
    from newscrawler.pipelines.validate import article_flags, problem
    from newscrawler.places.tagger import place_records
    from newscrawler.profiles import scan_profiles
    from newscrawler.settings import (
        SPLIT_CREDIT_LINES,
        VALIDATE_MIN_BODY_CHARS,
        VALIDATE_MIN_SENTENCE_CHARS,
    )
    from newscrawler.urls import same_site

    known, broken = scan_profiles()
    # --site names a profile (a broken one is an error) or just a label for the articles
    profile = resolve_sites([site])[0] if site and (site in known or site in broken) else None
    profiles = list(known.values())
    given = None if fetched_at is None else _fetched_at(
        None if fetched_at.strip().lower() == "now" else fetched_at)
    counts = {"new": 0, "updated": 0, "unchanged": 0, "kept": 0, "skipped": 0}
    others: list[Path] = []  # files of a folder left out: neither a page's name nor HTML

    def home_of(url: str) -> SiteProfile | None:
        return next((p for p in profiles if same_site(url, p.base_url)), None)

    with open_archive(db_path, create=True, timeout=timeout) as store:
        records: list[dict[str, Any]] = []
        raws: list[dict[str, Any]] = []
        for file in _walk(paths, others):
            try:
                now = given or _saved_at(file)
                item = article_from_file(file, url=None, site=site or "imported",
                                         fetched_at=now, profile=profile,
                                         profile_for=None if site else home_of,
                                         credit_lines=SPLIT_CREDIT_LINES)
            except UnreadableFileError as exc:
                click.echo(f"skipped {file}: {exc}", err=True)
                counts["skipped"] += 1
                continue
            except (OSError, EOFError, ValueError) as exc:
                click.echo(f"skipped {file}: cannot read it ({exc})", err=True)
                counts["skipped"] += 1
                continue
            home = profile
            if not site:
                home = home_of(item.canonical_url or item.url)
                item.site = home.name if home else "imported"
            item.places = place_records(item.title, item.body, item.credit,
                                        home.region if home else None)
            reason = problem(item, min_body_chars=VALIDATE_MIN_BODY_CHARS,
                             min_sentence_chars=VALIDATE_MIN_SENTENCE_CHARS)
            if item.raw_html is not None:
                raws.append({"url": item.canonical_url or item.url, "fetched_at": now.isoformat(),
                             "status": None, "content_type": "text/html",
                             "encoding": item.encoding, "body": item.raw_html,
                             "article": not reason})
            if reason:
                click.echo(f"skipped {file}: {reason}", err=True)
                counts["skipped"] += 1
            else:
                item.flags = article_flags(item, min_body_chars=VALIDATE_MIN_BODY_CHARS)
                records.append(item.record())
            if _batch_full(records, raws):  # skipped files count too: memory stays bounded
                _save(store, records, raws, counts)
        _save(store, records, raws, counts)
        try:  # look-alike searches read these instead of the text
            store.fill_spellings()
        except ArchiveError as exc:  # the articles are in: say so, not that the import failed
            click.echo(f"look-alike spellings not recorded (searches read the text instead; "
                       f"`newscrawler optimize` records them): {exc}", err=True)
    imported = counts["new"] + counts["updated"] + counts["unchanged"] + counts["kept"]
    shown = ", ".join(p.name for p in others[:3]) + (", ..." if len(others) > 3 else "")
    if others and (imported or counts["skipped"]):
        click.echo(f"left out {len(others)} file(s) that are not pages ({shown}): "
                   "neither named .html, .htm or .txt nor holding HTML", err=True)
    with _output("-") as out:
        kept = (f" ({counts['kept']} kept as archived: the archive's copy was fetched "
                "later, or the file holds less than half of its text)"
                if counts["kept"] else "")
        click.echo(f"imported into {db_path}: {counts['new']} new, {counts['updated']} "
                   f"updated, {counts['unchanged'] + counts['kept']} unchanged{kept}, "
                   f"{counts['skipped']} skipped", file=out)
    if not imported:
        if not counts["skipped"]:
            from newscrawler.offline import HTML_SUFFIXES, TEXT_SUFFIXES

            left = f" ({len(others)} other file(s) left out: {shown})" if others else ""
            click.echo(f"Error: no pages to import in {', '.join(map(str, paths))}: it takes "
                       f"files ending in {', '.join(HTML_SUFFIXES + TEXT_SUFFIXES)}, or "
                       f"holding HTML{left}", err=True)
        sys.exit(1)


#: ``import`` writes a batch when it holds this many records and raw pages together ...
IMPORT_BATCH_ROWS = 200
#: ... or this many bytes of records and raw pages, so its memory stays bounded.
IMPORT_BATCH_BYTES = 16 * 2**20


def _batch_full(records: list[dict[str, Any]], raws: list[dict[str, Any]]) -> bool:
    """Whether the pending import batch is due: by count or by bytes, of both lists."""
    if len(records) + len(raws) >= IMPORT_BATCH_ROWS:
        return True
    size = sum(len(r.get("body") or "") for r in records)
    size += sum(len(r["body"]) for r in raws)
    return size >= IMPORT_BATCH_BYTES


def _save(store: Archive, records: list[dict[str, Any]], raws: list[dict[str, Any]],
          counts: dict[str, int]) -> None:
    for status in store.save_articles(records):
        counts[status] += 1
    if raws:
        store.save_raw_pages(raws)
    records.clear()
    raws.clear()


# --- search --------------------------------------------------------------------------------


class QueryCommand(click.Command):
    """A command whose trailing words form a query that may start with ``-``.

    ``search -haber`` is the documented exclusion, not an unknown option: every argument
    that is not one of the command's options (or the value of one) is a query word,
    wherever it stands; ``--`` still ends the options.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not (param.is_flag or param.count)
        options: list[str] = []
        words: list[str] = []
        rest = iter(args)
        for arg in rest:
            if arg == "--":
                words.extend(rest)
                break
            name = arg.split("=", 1)[0]
            if not arg.startswith("-") or name not in takes_value:
                words.append(arg)
                continue
            options.append(arg)
            if takes_value[name] and "=" not in arg:
                value = next(rest, None)
                if value is None:
                    raise click.UsageError(f"Option '{name}' requires an argument.", ctx)
                options.append(value)
        return super().parse_args(ctx, [*options, "--", *words])


@contextmanager
def _output(target: str) -> Iterator[TextIO]:
    """``output.open_output`` for a command: a failure (a full disk, a reader that went
    away as in ``| head``) is one line and exit 1."""
    from newscrawler.output import OutputError, open_output

    try:
        with open_output(target) as fh:
            yield fh
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None


#: Commands defined in a module of their own (``newscrawler.commands``), wired here and
#: imported only when run (or listed by ``--help``): a search does not pay for the others.
LAZY_COMMANDS: dict[str, Callable[[], click.Command]] = {}


def lazy_command(name: str) -> Callable[[Callable[[], click.Command]], Callable[[], click.Command]]:
    """Register a function that imports and builds the command ``name``."""

    def register(build: Callable[[], click.Command]) -> Callable[[], click.Command]:
        LAZY_COMMANDS[name] = build
        return build

    return register


@lazy_command("search")
def _search_command() -> click.Command:
    from newscrawler.commands.search import search, search_options

    return click.command(name="search", cls=QueryCommand)(db_option(search_options(search)))


# --- export --------------------------------------------------------------------------------


@lazy_command("export")
def _export_command() -> click.Command:
    from newscrawler.commands.export import export, export_options

    return click.command(name="export")(db_option(export_options(export)))


# --- optimize ------------------------------------------------------------------------------


@main.command()
@db_option
def optimize(db_path: str, timeout: float) -> None:
    """Merge the search index after a big crawl or import (searches get faster) and
    record the look-alike spellings of articles archived since the last finished crawl.

    Safe while others read the archive; a crawl writing at the same time waits for it.
    """
    import time

    started = time.monotonic()
    with open_archive(db_path, timeout=timeout) as store:
        store.optimize()
    click.echo(f"optimized {db_path} in {time.monotonic() - started:.1f}s")


# --- stats ---------------------------------------------------------------------------------


@lazy_command("stats")
def _stats_command() -> click.Command:
    from newscrawler.commands.stats import stats

    return click.command(name="stats")(db_option(stats))


# --- check ---------------------------------------------------------------------------------

@lazy_command("check")
def _check_command() -> click.Command:
    from newscrawler.commands.check import check

    return click.command(name="check")(db_option(check))


# --- serve ---------------------------------------------------------------------------------

@lazy_command("serve")
def _serve_command() -> click.Command:
    from newscrawler.commands.serve import serve, serve_options

    return click.command(name="serve")(db_option(serve_options(serve)))


# --- add-site, check-site ------------------------------------------------------------------

@lazy_command("add-site")
def _add_site_command() -> click.Command:
    from newscrawler.commands.addsite import add_site, add_site_options

    return click.command(name="add-site")(add_site_options(add_site))


@lazy_command("check-site")
def _check_site_command() -> click.Command:
    from newscrawler.commands.checksite import check_site, check_site_options

    return click.command(name="check-site")(db_option(check_site_options(check_site)))


# --- reextract -----------------------------------------------------------------------------

@lazy_command("reextract")
def _reextract_command() -> click.Command:
    from newscrawler.commands.reextract import reextract

    return click.command(name="reextract")(db_option(
        click.option("--site", help="Only this site's articles.")(
            day_option("--since", "Only pages fetched on or after this day.")(reextract))))


# --- stories -------------------------------------------------------------------------------

@lazy_command("stories")
def _stories_command() -> click.Command:
    from newscrawler.commands.stories import stories, stories_options

    return click.command(name="stories")(db_option(stories_options(stories)))


# --- writer, status (distributed crawls, docs/scale.md) ------------------------------------

@lazy_command("writer")
def _writer_command() -> click.Command:
    from newscrawler.commands.writer import writer, writer_options

    return click.command(name="writer")(db_option(writer_options(writer)))


@lazy_command("status")
def _status_command() -> click.Command:
    from newscrawler.commands.status import status, status_options

    return click.command(name="status")(status_options(status))


if __name__ == "__main__":
    main()
