"""The names of every Redis key newscrawler uses, in one place (``status`` reads them)."""

from __future__ import annotations

PREFIX = "newscrawler"
#: The item stream the workers append to and the writer reads (one consumer group).
ITEMS = f"{PREFIX}:items"
#: The writer's consumer group on :data:`ITEMS`.
GROUP = "writer"
#: Hash: Redis run id -> archive ``crawl_runs.id`` (so a replayed ``run_start`` is not
#: recorded twice).
WRITER_RUNS = f"{PREFIX}:writer:runs"
#: Hash: writer name -> JSON of its last heartbeat (time, pid, host, archive).
WRITERS = f"{PREFIX}:writers"
#: Hash: worker id -> JSON of its last heartbeat (site, run, time, pid, host).
WORKERS = f"{PREFIX}:workers"
#: Counter giving each run its id.
RUN_IDS = f"{PREFIX}:runs:next"
#: scrapy-redis's key templates (``%(spider)s`` is the site).
QUEUE_TEMPLATE = f"{PREFIX}:%(spider)s:requests"
DUPEFILTER_TEMPLATE = f"{PREFIX}:%(spider)s:dupefilter"


def queue(site: str) -> str:
    """The site's shared request queue (a sorted set; score = -priority)."""
    return QUEUE_TEMPLATE % {"spider": site}


def dupefilter(site: str) -> str:
    """The site's request fingerprints seen in this run (a set)."""
    return DUPEFILTER_TEMPLATE % {"spider": site}


def run_lock(site: str) -> str:
    """The site's run lock: JSON of the run in progress, with a TTL refreshed by its workers."""
    return f"{PREFIX}:{site}:run"


def site_workers(site: str) -> str:
    """The ids of the workers that joined the site's current run (a set)."""
    return f"{PREFIX}:{site}:workers"


def inflight(worker: str) -> str:
    """The requests a worker took off the queue and has not finished (a sorted set)."""
    return f"{PREFIX}:worker:{worker}:inflight"


def alive(worker: str) -> str:
    """Exists while the worker's heartbeat is fresh (a key with a TTL)."""
    return f"{PREFIX}:worker:{worker}:alive"


def run_stats(run: int | str) -> str:
    """Every worker's stats and the writer's counts, summed (a hash)."""
    return f"{PREFIX}:run:{run}:stats"


def run_ended(run: int | str) -> str:
    """Set once by the worker (or writer) that ended the run: JSON of how it ended
    (``reason``, ``signal``, ``worker``)."""
    return f"{PREFIX}:run:{run}:ended"


def run_members(run: int | str) -> str:
    """The workers that entered the run and have not left it (a set): the last to leave
    ends the run."""
    return f"{PREFIX}:run:{run}:members"


#: String: JSON of the archive writer holding Redis (one writer per Redis), with a TTL
#: its heartbeat refreshes.
WRITER_LOCK = f"{PREFIX}:writer:lock"


def run_seeded(run: int | str) -> str:
    """Set once the run's starter has queued all its discovery requests."""
    return f"{PREFIX}:run:{run}:seeded"
