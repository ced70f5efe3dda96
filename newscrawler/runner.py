"""Run crawls in this process: locks, Scrapy, one summary per site and the exit code.

``newscrawler crawl`` and ``newscrawler demo`` call :func:`run_crawl`. What each crawl's
outcome is comes from :func:`newscrawler.outcome.crawl_outcome`, the same function the
archive pipeline records in ``crawl_runs``, so the summary, the run record and the exit
code agree. Exit codes: ``newscrawler.exitcodes``; what to do with each:
``docs/operations.md``.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import click

from archive import Archive, ArchiveError
from archive.store import QUICK_CHECK_MAX_BYTES
from newscrawler import exitcodes
from newscrawler.outcome import Outcome, counts, crawl_outcome, drop_reasons
from newscrawler.profiles import SiteProfile

#: Exit codes, most urgent first: the process exits with the first one any site earned.
#: 75 (a site skipped: another crawl of it runs) asks for nothing, so it comes last before
#: 0: it must not hide another site's failure from a cron job that ignores 75.
PRECEDENCE = (exitcodes.INTERRUPTED, exitcodes.TERMINATED, exitcodes.ARCHIVE,
              exitcodes.FAILED, exitcodes.BLOCKED, exitcodes.LOCKED, exitcodes.OK)


def unique(profiles: Sequence[SiteProfile]) -> list[SiteProfile]:
    """The profiles once each, in the order given (``crawl X X`` crawls X once)."""
    seen: dict[str, SiteProfile] = {}
    for profile in profiles:
        seen.setdefault(profile.name, profile)
    return list(seen.values())


def worst(codes: Sequence[int]) -> int:
    """The exit code of several crawls: the most urgent one.

    >>> worst([0, 69, 1]), worst([0, 74, 143]), worst([75, 1]), worst([75, 0]), worst([])
    (1, 143, 1, 75, 0)
    """
    for code in PRECEDENCE:
        if code in codes:
            return code
    return max(codes, default=exitcodes.OK)


def run_crawl(profiles: Sequence[SiteProfile], *, db_path: str, max_articles: int = 0,
              since: str | None = None, only_new: bool = False, wait: float = 0,
              settings: dict[str, Any] | None = None, verbose: bool = False,
              base_urls: dict[str, str] | None = None, redis_url: str | None = None,
              join: bool = False) -> int:
    """Run one Scrapy crawl per profile in this process; print summaries; return the exit code.

    With ``redis_url`` the crawl is a worker of a distributed run (``docs/scale.md``): no
    archive here, see :func:`newscrawler.distributed.crawl.run_distributed`.
    """
    from newscrawler.extract import headstart
    from newscrawler.nopandas import import_sqlite_utils
    from newscrawler.runlock import RunLockedError, RunLockError

    import_sqlite_utils()  # pandas (34 MB) is of no use to a crawl
    profiles = unique(profiles)
    if redis_url:
        from newscrawler.distributed.crawl import run_distributed

        return run_distributed(profiles, redis_url=redis_url, join=join, wait=wait,
                               settings=settings, verbose=verbose, max_articles=max_articles,
                               since=since, base_urls=base_urls)
    # Outside the project folder there is no scrapy.cfg: name the settings module directly.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawler.settings")
    timeout = float((settings or {}).get("ARCHIVE_TIMEOUT", 30.0))
    try:  # a database that cannot be opened or written, or is damaged, stops here
        with Archive(db_path, create=True, timeout=timeout) as store:
            store.quick_check(max_bytes=QUICK_CHECK_MAX_BYTES)
    except ArchiveError as exc:
        click.echo(f"Error: {exc}", err=True)
        return exitcodes.for_archive_error(exc)
    locks: list[Any] = []
    codes: list[int] = []
    free: list[SiteProfile] = []
    try:
        for profile in profiles:
            try:
                locks.append(_lock(db_path, profile.name, wait))
                free.append(profile)
            except RunLockedError as exc:  # the other sites of the command still run
                click.echo(f"Error: {exc}; {profile.name} skipped" if len(profiles) > 1
                           else f"Error: {exc}", err=True)
                codes.append(exitcodes.LOCKED)
    except (RunLockError, KeyboardInterrupt, _Terminated) as exc:
        for lock in locks:
            lock.release()
        if isinstance(exc, KeyboardInterrupt | _Terminated):
            name = "SIGINT" if isinstance(exc, KeyboardInterrupt) else exc.name
            click.echo(f"Interrupted ({name}) while waiting for the run lock; nothing was "
                       "crawled.", err=True)
            return exitcodes.INTERRUPTED if isinstance(exc, KeyboardInterrupt) else \
                exitcodes.for_signal(exc.signum)
        click.echo(f"Error: {exc}", err=True)
        return exitcodes.ARCHIVE
    if not free:
        return exitcodes.LOCKED
    profiles = free
    # ``newscrawler crawl`` started its extraction workers first; ``demo`` starts them here,
    # still ahead of Scrapy's set-up. Those the crawls do not take end with them.
    headstart.prestart_workers((settings or {}).get(headstart.SETTING, headstart.AUTO))
    try:
        crawlers = _crawl(profiles, db_path=db_path, max_articles=max_articles, since=since,
                          only_new=only_new, settings=settings, verbose=verbose,
                          base_urls=base_urls)
    finally:
        headstart.discard()
        for lock in locks:
            lock.release()
    for profile, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        outcome = crawl_outcome(stats, stats.get("finish_reason") or _unfinished(stats))
        codes.append(outcome.code)
        click.echo(crawl_summary(profile.name, stats, outcome))
    return worst(codes)


class _Terminated(Exception):
    """SIGTERM or SIGHUP while waiting for a run lock (SIGINT is ``KeyboardInterrupt``)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


def _lock(db_path: str, site: str, wait: float) -> Any:
    """The site's run lock; a crawl that has to wait for another's first ends the workers
    it started ahead (``newscrawler.extract.headstart``): they would hold their memory
    idle all that time. SIGTERM or SIGHUP while it waits ends the wait (``_Terminated``),
    said in one line as SIGINT is."""
    from newscrawler.extract import headstart
    from newscrawler.runlock import RunLock, RunLockedError

    try:
        return RunLock(db_path, site).acquire()
    except RunLockedError:
        if not wait:
            raise
        headstart.discard()

    def stop(signum: int, _frame: Any) -> None:
        raise _Terminated(signum)

    import threading

    if threading.current_thread() is not threading.main_thread():  # no handlers there
        return RunLock(db_path, site, wait=wait).acquire()
    before = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return RunLock(db_path, site, wait=wait).acquire()
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _crawl(profiles: Sequence[SiteProfile], *, db_path: str, max_articles: int,
           since: str | None, only_new: bool, settings: dict[str, Any] | None, verbose: bool,
           base_urls: dict[str, str] | None) -> list[tuple[SiteProfile, Any]]:
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    project = get_project_settings()
    project.set("ARCHIVE_DB", db_path, priority="cmdline")
    project.set("LOG_LEVEL", "INFO" if verbose else "WARNING", priority="cmdline")
    if max_articles:
        project.set("NEWSCRAWLER_MAX_ARTICLES", max_articles, priority="cmdline")
        project.set("CLOSESPIDER_ITEMCOUNT", max_articles, priority="cmdline")
    if since:
        project.set("NEWSCRAWLER_SINCE", since, priority="cmdline")
    if only_new:
        project.set("NEWSCRAWLER_ONLY_NEW", True, priority="cmdline")
    for name, value in (settings or {}).items():
        project.set(name, value, priority="cmdline")
    ipv6_resolver(profiles, base_urls, project)
    process = CrawlerProcess(project)
    crawlers = []
    for profile in profiles:
        crawler = process.create_crawler(profile.name)
        crawlers.append((profile, crawler))
        schedule(process, crawler, profile, base_urls)
    process.start()
    return crawlers


#: Scrapy's resolver that answers IPv6 addresses too (``getaddrinfo``, no ``DNS_TIMEOUT``);
#: its default, ``CachingThreadedResolver``, resolves IPv4 only.
IPV6_RESOLVER = "scrapy.resolver.CachingHostnameResolver"


def ipv6_resolver(profiles: Sequence[SiteProfile], base_urls: dict[str, str] | None,
                  project: Any) -> None:
    """Use :data:`IPV6_RESOLVER` when a site is crawled at an IPv6 address (``[::1]``)
    and the settings name no resolver of their own."""
    urls = [(base_urls or {}).get(p.name, p.base_url) for p in profiles]
    if not any(":" in (urlsplit(url).hostname or "") for url in urls):
        return
    names = ("TWISTED_DNS_RESOLVER", "DNS_RESOLVER")  # Scrapy 2.14 renamed it
    if all((project.getpriority(name) or 0) == 0 for name in names):
        project.set(next(n for n in names if n in project), IPV6_RESOLVER, priority="cmdline")


def schedule(process: Any, crawler: Any, profile: SiteProfile,
             base_urls: dict[str, str] | None) -> None:
    """Add ``crawler`` to ``process``, on the site's ``--base-url`` copy when one is given."""
    kwargs = {}
    if base_urls and profile.name in base_urls:
        kwargs["base_url"] = base_urls[profile.name]
    process.crawl(crawler, **kwargs)


def _unfinished(stats: dict[str, Any]) -> str:
    """The close reason of a crawl that never closed (stopped at once by a second signal)."""
    return "shutdown" if stats.get("shutdown/signal") else "cancelled"


def crawl_succeeded(stats: dict[str, Any]) -> bool:
    """A crawl succeeded when its outcome is ``finished`` (see ``crawl_outcome``).

    >>> crawl_succeeded({"downloader/response_count": 0})
    False
    >>> crawl_succeeded({"downloader/response_count": 9, "archive/inserted": 3})
    True
    >>> crawl_succeeded({"downloader/response_count": 4, "fetch/errors": 4,
    ...                  "fetch/errors/article/http_500": 4})
    False
    """
    return crawl_outcome(stats).status == "finished"


#: Feeds and sitemaps read in part or not at all, as the summary's discovery line says them.
DISCOVERY_PROBLEMS = (
    ("discovery/bad_feed", "{n} feed(s) unreadable"),
    ("discovery/bad_sitemap", "{n} sitemap(s) unreadable"),
    ("discovery/cut_short_feed", "{n} feed(s) cut short (read in part)"),
    ("discovery/cut_short_sitemap", "{n} sitemap(s) cut short (read in part)"),
    ("discovery/sitemap_too_large", "{n} sitemap(s) over SITEMAP_MAXSIZE (skipped)"),
)


def crawl_summary(site: str, stats: dict[str, Any], outcome: Outcome | None = None) -> str:
    """The closing summary of one site's crawl: the progress line's numbers, and why.

    >>> print(crawl_summary("hibya", {"downloader/response_count": 2, "archive/inserted": 1,
    ...                               "finish_reason": "finished"}))
    hibya: finished in 0.0s (finished)
      pages fetched   2
      articles        1 new, 0 updated, 0 unchanged
      headlines kept  0
      dropped         0
      errors          0
      outcome         finished: 1 new, 0 updated, 0 unchanged
    """
    outcome = outcome or crawl_outcome(stats)
    get = lambda key: int(stats.get(key, 0) or 0)  # noqa: E731
    c = counts(stats)
    start, end = stats.get("start_time"), stats.get("finish_time")
    if start and not end:
        end = datetime.now(UTC) if start.tzinfo else datetime.now()
    seconds = (end - start).total_seconds() if start and end else 0.0
    drops = drop_reasons(stats)
    extraction = get("spider_exceptions/count")
    lines = [
        f"{site}: {outcome.status} in {seconds:.1f}s "
        f"({stats.get('finish_reason') or _unfinished(stats)})",
        f"  pages fetched   {c['pages']}",
        f"  articles        {c['new']} new, {c['updated']} updated, "
        f"{c['unchanged']} unchanged",
        f"  headlines kept  {get('split/headlines')}",
        f"  dropped         {c['dropped']}"
        + (" (" + ", ".join(f"{v} {k}" for k, v in drops) + ")" if drops else ""),
        f"  errors          {c['errors']}"
        + (f" ({extraction} extraction errors)" if extraction else ""),
    ]
    if get("archive/kept"):  # counted as unchanged above
        lines.insert(3, f"  kept            {get('archive/kept')} archived article(s) as they "
                        "were: their pages now hold less than half of the text (a teaser, "
                        "a paywall?)")
    unread = [label.format(n=get(key)) for key, label in DISCOVERY_PROBLEMS if get(key)]
    if unread:
        lines.append("  discovery       " + ", ".join(unread))
    limited = [f"{get(f'ratelimit/{code}')} × {code}" for code in (429, 503)
               if get(f"ratelimit/{code}")]
    if limited:
        longest = get("ratelimit/retry_after_seconds")
        lines.append("  rate limits     " + ", ".join(limited)
                     + (f" (longest Retry-After {longest} s)" if longest else ""))
    lines.append(f"  outcome         {outcome.status}: {outcome.reason}")
    return "\n".join(lines)
