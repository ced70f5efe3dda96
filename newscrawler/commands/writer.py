"""``newscrawler writer --redis URL``: write the items of every worker into one archive.

``cli.py`` wires :func:`writer` with the shared ``--db``/``--timeout`` options.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from typing import Any

import click

from newscrawler import exitcodes


def writer_options(func: Any) -> Any:
    """The writer's own options."""
    func = click.option("--name", default="writer", show_default=True,
                        help="Consumer name in the stream's group (keep it the same across "
                        "restarts: a restarted writer first writes what it left pending).")(func)
    func = click.option("--retry-seconds", type=click.FloatRange(min=0), default=120.0,
                        show_default=True,
                        help="How long to keep retrying while Redis is unreachable.")(func)
    func = click.option("--batch", type=click.IntRange(min=1), default=500, show_default=True,
                        help="Stream entries per transaction.")(func)
    func = click.option("--idle-exit", type=click.FloatRange(min=0), default=None,
                        metavar="SECONDS",
                        help="Exit 0 once nothing has arrived for this long and no run is "
                        "in progress.")(func)
    return click.option("--redis", "redis_url", required=True, metavar="URL",
                        help="Redis of the workers (redis://HOST:6379/0).")(func)


def writer(db_path: str, timeout: float, redis_url: str, idle_exit: float | None,
           batch: int, name: str, retry_seconds: float) -> None:
    """Write the articles and raw pages the workers sent to Redis into the archive.

    The one process writing the archive of a distributed crawl (docs/scale.md): batched
    transactions, entries acknowledged only after the commit, safe to kill and restart.
    Exit codes: 0 stopped (SIGINT/SIGTERM after the current batch, or --idle-exit),
    1 Redis unreachable, 74 the archive cannot be written, 75 another writer is writing
    from this Redis (one writer per Redis; a second archive needs its own Redis database).
    """
    from archive import Archive, ArchiveError
    from newscrawler.distributed.connection import RedisUnavailable, connect, retrying
    from newscrawler.distributed.writer import Writer, WriterLock, WriterLocked

    stopping: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        stopping.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    started = time.monotonic()
    try:
        server = connect(redis_url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--redis") from None
    try:
        # Refused before the archive is opened: a refused writer creates no file.
        retrying(WriterLock(server, name, str(Path(db_path))).claim, seconds=retry_seconds,
                 what=f"Redis at {redis_url}")
        with Archive(db_path, create=True, timeout=timeout) as store:
            work = Writer(server, store, name=name, batch=batch, retry_seconds=retry_seconds)
            stats = work.run(idle_exit=idle_exit, stop=lambda: bool(stopping))
    except ArchiveError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exitcodes.for_archive_error(exc))
    except RedisUnavailable as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exitcodes.FAILED)
    except WriterLocked as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exitcodes.LOCKED)
    seconds = time.monotonic() - started
    a = stats.articles
    click.echo(f"writer: {stats.entries} entries in {seconds:.1f}s: {a['new']} new, "
               f"{a['updated']} updated, {a['unchanged']} unchanged articles, "
               f"{stats.raw_pages} raw pages")
