"""``newscrawler crawl SITE... --redis URL``: start (or ``--join``) each site's run and work on it.

Called by :func:`newscrawler.runner.run_crawl`. One Scrapy crawler per site in this
process, each with its own run id and worker id; the archive pipeline is replaced by the
outbox (:mod:`.outbox`), Scrapy's scheduler by :mod:`.scheduler`. Exit codes as the local
crawl's (``newscrawler.exitcodes``): 75 when a run of the site is already in progress
(start) or, with ``--join``, 0 and a line when there is none to join.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import click
import redis

from newscrawler import exitcodes
from newscrawler.distributed import runlock
from newscrawler.distributed.connection import RedisUnavailable, connect, retrying
from newscrawler.distributed.inflight import new_worker_id
from newscrawler.distributed.outbox import post
from newscrawler.outcome import crawl_outcome
from newscrawler.profiles import SiteProfile

#: Settings every distributed worker runs with (besides REDIS_URL and the run's ids).
WORKER_SETTINGS: dict[str, Any] = {
    "SCHEDULER": "newscrawler.distributed.scheduler.DistributedScheduler",
}


def worker_settings(project: Any) -> dict[str, Any]:
    """The pipelines, extensions and middlewares of a worker, from the project's."""
    pipelines = dict(project.getdict("ITEM_PIPELINES"))
    pipelines["newscrawler.pipelines.archive.ArchivePipeline"] = None
    pipelines["newscrawler.distributed.outbox.OutboxPipeline"] = 600
    extensions = dict(project.getdict("EXTENSIONS"))
    extensions["newscrawler.distributed.worker.WorkerExtension"] = 520
    # Its line counts archived articles, which only the writer knows.
    extensions["newscrawler.extensions.progress.ProgressExtension"] = None
    middlewares = dict(project.getdict("SPIDER_MIDDLEWARES"))
    middlewares["newscrawler.distributed.worker.SeedOnceMiddleware"] = 10
    # No archive on a worker: template lines are learned per worker, not loaded or saved.
    return {**WORKER_SETTINGS, "ARCHIVE_DB": "", "NEWSCRAWLER_ONLY_NEW": False,
            "ITEM_PIPELINES": pipelines, "EXTENSIONS": extensions,
            "SPIDER_MIDDLEWARES": middlewares}


def run_distributed(profiles: Sequence[SiteProfile], *, redis_url: str, join: bool = False,
                    wait: float = 0.0, settings: dict[str, Any] | None = None,
                    verbose: bool = False, max_articles: int = 0, since: str | None = None,
                    base_urls: dict[str, str] | None = None) -> int:
    """Start or join each site's run in Redis, crawl, print one summary per site; the exit code."""
    from newscrawler.runner import worst

    try:
        server = connect(redis_url)
    except ValueError as exc:
        click.echo(f"Error: --redis {redis_url!r}: {exc}", err=True)
        return exitcodes.USAGE
    try:
        retrying(server.ping, seconds=float((settings or {}).get("REDIS_RETRY_SECONDS", 10)),
                 what=f"Redis at {redis_url}")
    except (RedisUnavailable, redis.RedisError) as exc:
        click.echo(f"Error: {exc}", err=True)
        return exitcodes.FAILED
    runs: dict[str, tuple[runlock.Run, str]] = {}
    try:
        for profile in profiles:
            if join:
                runs[profile.name] = (runlock.join(server, profile.name, wait=wait), "join")
            else:
                run = runlock.start(server, profile.name)
                post(server, "run_start", run.id, profile.name, {"starter": run.starter})
                runs[profile.name] = (run, "start")
    except runlock.RunInProgress as exc:
        for run, role in runs.values():
            if role == "start":
                runlock.end(server, run)
        click.echo(f"Error: {exc}", err=True)
        return exitcodes.LOCKED
    except runlock.NoRun as exc:
        click.echo(str(exc), err=True)
        if not runs:
            return exitcodes.OK
    except redis.RedisError as exc:
        click.echo(f"Error: Redis at {redis_url} failed ({exc}); check it and try again",
                   err=True)
        return exitcodes.FAILED
    crawlers = _crawl([p for p in profiles if p.name in runs], runs, redis_url=redis_url,
                      settings=settings, verbose=verbose, max_articles=max_articles,
                      since=since, base_urls=base_urls)
    codes = []
    for profile, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        code, line = worker_outcome(stats)
        codes.append(code)
        run, role = runs[profile.name]
        click.echo(f"{profile.name}: worker of run {run.id} ({role}) {line}; "
                   f"{int(stats.get('downloader/response_count', 0))} pages fetched, "
                   f"{int(stats.get('outbox/articles', 0))} articles sent to Redis")
    return worst(codes)


def worker_outcome(stats: dict[str, Any]) -> tuple[int, str]:
    """A worker's exit code and one word on how it ended.

    The writer counts new/updated/unchanged; a worker judges by what it sent:

    >>> worker_outcome({"finish_reason": "finished", "outbox/articles": 3})
    (0, 'finished')
    >>> worker_outcome({"finish_reason": "finished"})
    (0, 'finished (nothing left to fetch)')
    >>> worker_outcome({"finish_reason": "shutdown", "shutdown/signal": "SIGTERM"})[0]
    143
    """
    reason = str(stats.get("finish_reason") or "cancelled")
    judged = dict(stats)
    judged["archive/inserted"] = stats.get("outbox/articles", 0)
    outcome = crawl_outcome(judged, reason)
    if outcome.status == "failed" and not stats.get("downloader/response_count") \
            and reason == "finished":
        return exitcodes.OK, "finished (nothing left to fetch)"
    return outcome.code, outcome.status if outcome.code == 0 else f"{outcome.status}: " \
        f"{outcome.reason}"


def _crawl(profiles: Sequence[SiteProfile], runs: dict[str, tuple[runlock.Run, str]], *,
           redis_url: str, settings: dict[str, Any] | None, verbose: bool, max_articles: int,
           since: str | None, base_urls: dict[str, str] | None) -> list[tuple[SiteProfile, Any]]:
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from newscrawler.runner import ipv6_resolver, schedule

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawler.settings")
    project = get_project_settings()
    project.set("LOG_LEVEL", "INFO" if verbose else "WARNING", priority="cmdline")
    if max_articles:
        project.set("NEWSCRAWLER_MAX_ARTICLES", max_articles, priority="cmdline")
        project.set("CLOSESPIDER_ITEMCOUNT", max_articles, priority="cmdline")
    if since:
        project.set("NEWSCRAWLER_SINCE", since, priority="cmdline")
    for name, value in worker_settings(project).items():
        project.set(name, value, priority="cmdline")
    for name, value in (settings or {}).items():
        project.set(name, value, priority="cmdline")
    project.set("REDIS_URL", redis_url, priority="cmdline")
    ipv6_resolver(profiles, base_urls, project)
    process = CrawlerProcess(project)
    crawlers = []
    for profile in profiles:
        run, role = runs[profile.name]
        base = process.spider_loader.load(profile.name)
        # The run's ids are this site's own: carried as the spider class's custom settings.
        own = {"NEWSCRAWLER_RUN_ID": run.id, "NEWSCRAWLER_ROLE": role,
               "NEWSCRAWLER_WORKER_ID": new_worker_id()}
        spidercls = type(base.__name__, (base,), {
            "custom_settings": {**(base.custom_settings or {}), **own},
            "__module__": base.__module__})
        crawler = process.create_crawler(spidercls)
        crawlers.append((profile, crawler))
        schedule(process, crawler, profile, base_urls)
    process.start()
    return crawlers
