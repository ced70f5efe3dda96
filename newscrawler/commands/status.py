"""``newscrawler status --redis URL``: queues, workers, the writer's lag, runs in progress.

``cli.py`` wires :func:`status`.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click

from newscrawler import exitcodes

#: A worker or writer whose last heartbeat is older than this is not listed as seen.
RECENT_SECONDS = 60.0


def status_options(func: Any) -> Any:
    """The status command's options."""
    func = click.option("--format", "fmt", type=click.Choice(["table", "json"]),
                        default="table", show_default=True)(func)
    return click.option("--redis", "redis_url", required=True, metavar="URL",
                        help="Redis of the workers (redis://HOST:6379/0).")(func)


def collect(server: Any, now: float | None = None) -> dict[str, Any]:
    """Everything ``status`` shows, as one dict."""
    from newscrawler.distributed import keys, runlock

    now = time.time() if now is None else now
    sites: dict[str, dict[str, Any]] = {}
    for raw in server.scan_iter(match=f"{keys.PREFIX}:*:requests", count=1000,
                               _type="ZSET"):
        site = raw.decode().split(":")[1]
        sites.setdefault(site, {})["queued"] = int(server.zcard(raw))
    for raw in server.scan_iter(match=f"{keys.PREFIX}:*:run", count=1000, _type="STRING"):
        site = raw.decode().split(":")[1]
        run = runlock.current(server, site)
        if run is not None:
            sites.setdefault(site, {})["run"] = {"id": run.id, "started": run.started,
                                                 "starter": run.starter}
    workers = []
    for wid, raw in server.hgetall(keys.WORKERS).items():
        info = json.loads(raw)
        if now - float(info.get("seen", 0)) > RECENT_SECONDS:
            continue
        name = wid.decode()
        info.update(worker=name, inflight=int(server.zcard(keys.inflight(name))),
                    alive=bool(server.exists(keys.alive(name))))
        workers.append(info)
    writers = [json.loads(raw) | {"name": name.decode()}
               for name, raw in server.hgetall(keys.WRITERS).items()]
    length = int(server.xlen(keys.ITEMS)) if server.exists(keys.ITEMS) else 0
    pending = 0
    if length or server.exists(keys.ITEMS):
        try:
            pending = int(server.xpending(keys.ITEMS, keys.GROUP)["pending"])
        except Exception:  # no group yet: no writer ever ran
            pending = 0
    return {"sites": sites, "workers": sorted(workers, key=lambda w: w["worker"]),
            "writers": writers, "stream": {"length": length, "pending": pending},
            "memory": server.info("memory").get("used_memory_human")}


def status(redis_url: str, fmt: str) -> None:
    """Show the distributed crawl's state: per site its queue and run in progress, the
    workers seen in the last minute with what they hold in flight, the writer's lag
    (stream entries not yet written, and delivered but not yet committed). Exit 1 when
    Redis cannot be reached."""
    import redis

    from newscrawler.distributed.connection import connect

    try:
        info = collect(connect(redis_url))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--redis") from None
    except redis.RedisError as exc:
        click.echo(f"Error: cannot reach Redis at {redis_url} ({exc}); start it or check "
                   "the URL", err=True)
        sys.exit(exitcodes.FAILED)
    if fmt == "json":
        click.echo(json.dumps(info, indent=2))
        return
    now = time.time()
    click.echo(f"redis memory      {info['memory']}")
    click.echo(f"writer lag        {info['stream']['length']} entries waiting, "
               f"{info['stream']['pending']} delivered not yet committed")
    for w in info["writers"]:
        click.echo(f"writer {w['name']:<10} seen {now - w['seen']:.0f}s ago on {w['host']} "
                   f"(pid {w['pid']}), {w['written']} entries written, {w['archive']}")
    if not info["sites"]:
        click.echo("no sites queued")
    for site, s in sorted(info["sites"].items()):
        run = s.get("run")
        since = time.strftime("%H:%M:%S", time.localtime(run["started"])) if run else ""
        state = f"run {run['id']} in progress since {since}" if run else "no run in progress"
        click.echo(f"site {site:<14} {s.get('queued', 0)} queued; {state}")
    for w in info["workers"]:
        click.echo(f"worker {w['worker']} ({w['site']}, run {w.get('run')}) seen "
                   f"{now - w['seen']:.0f}s ago, {w['inflight']} in flight"
                   + (" (finished)" if w.get("left") else "" if w["alive"]
                      else " (heartbeat expired)"))
