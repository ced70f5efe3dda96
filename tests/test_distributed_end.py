"""How a distributed run ends and is recorded; one writer per Redis; the archive's run lock.

Each test starts its own ``redis-server`` (the fixtures of ``tests/test_distributed.py``)
and serves its sites on loopback: no outside network.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import test_distributed
from conftest import run_cli
from hostile_server import SITE, serve
from test_distributed import (
    FAST,
    RedisServer,
    _count,
    finish,
    logs,
    spawn,
    wait_for,
    writer,
)

pytestmark = test_distributed.pytestmark
#: The fixtures of tests/test_distributed.py: a redis-server per test, the generated site.
redis_server = test_distributed.redis_server
gen_site = test_distributed.gen_site


def runs(db: Path) -> list[tuple[str, str, str]]:
    """``(site, status, reason)`` of every recorded run, oldest first."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT site, status, coalesce(reason, '') FROM crawl_runs "
                            "ORDER BY id").fetchall()


def run_stats(db: Path) -> dict[str, Any]:
    """The stats of the last recorded run."""
    import json

    with sqlite3.connect(db) as conn:
        return dict(json.loads(conn.execute(
            "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0]))


# -- a run ends with its real outcome -------------------------------------------------


def test_a_blocked_run_is_recorded_blocked(redis_server: RedisServer, tmp_path: Path) -> None:
    """The worker stops because the site blocks it: the run is ``blocked``, not left
    ``running`` for the next run to call killed."""
    from newscrawler.distributed import keys

    db = tmp_path / "b.db"
    with serve("block", articles=12) as site:
        procs = [spawn("crawl", SITE, "--redis", redis_server.url, "--base-url", site.origin,
                       *FAST, env=site.env, log=tmp_path / "w0.log"),
                 writer(redis_server.url, db, tmp_path, idle=3)]
        assert finish(procs, tmp_path) == [69, 0], logs(tmp_path)
    got = runs(db)
    assert [r[:2] for r in got] == [(SITE, "blocked")], (got, logs(tmp_path))
    assert "block" in got[0][2], got
    assert not redis_server.client().exists(keys.run_lock(SITE)), "the run lock is released"


def test_a_run_stopped_by_max_articles_is_recorded_finished(
        redis_server: RedisServer, gen_site: dict[str, Any], tmp_path: Path) -> None:
    """The only worker reached --max-articles with the queue still full: it ends the run
    (finished, its counts), and the site is free at once, not after the lock's TTL."""
    from newscrawler.distributed import keys

    db = tmp_path / "m.db"
    worker = spawn("crawl", "gen", "--redis", redis_server.url, "--base-url",
                   gen_site["origin"], "--max-articles", "5", *FAST, env=gen_site["env"],
                   log=tmp_path / "w0.log")
    assert finish([worker], tmp_path) == [0], logs(tmp_path)
    client = redis_server.client()
    assert not client.exists(keys.run_lock("gen")), "run still in progress in Redis"
    assert finish([writer(redis_server.url, db, tmp_path, idle=2)], tmp_path, timeout=20) == [0]
    got = runs(db)
    assert [r[:2] for r in got] == [("gen", "finished")], (got, logs(tmp_path))
    assert got[0][2].startswith(f"{_count(db)} new,"), got
    assert run_stats(db)["finish_reason"] == "closespider_itemcount"


def test_a_run_whose_workers_all_get_sigterm_is_recorded_killed(
        redis_server: RedisServer, gen_site: dict[str, Any], tmp_path: Path) -> None:
    """Every worker stopped by SIGTERM: the last one to leave ends the run as killed by
    SIGTERM, with every worker's stats."""
    db = tmp_path / "k.db"
    common = ["--redis", redis_server.url, "--base-url", gen_site["origin"], *FAST,
              "--set", "DOWNLOAD_DELAY=0.05"]
    procs = [spawn("crawl", "gen", *common, env=gen_site["env"], log=tmp_path / "w0.log"),
             spawn("crawl", "gen", "--join", "--wait", "10", *common, env=gen_site["env"],
                   log=tmp_path / "w1.log")]
    pen = writer(redis_server.url, db, tmp_path, idle=3)
    wait_for(lambda: db.exists() and _count(db) >= 10, timeout=60)
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    assert finish([*procs, pen], tmp_path) == [143, 143, 0], logs(tmp_path)
    got = runs(db)
    assert got == [("gen", "killed", "interrupted by SIGTERM")], (got, logs(tmp_path))
    stats = run_stats(db)
    assert stats["distributed/workers"] == 2 and stats["archive/inserted"] == _count(db)


def test_the_last_worker_to_leave_ends_the_run_once(redis_server: RedisServer) -> None:
    from newscrawler.distributed import keys, runlock

    client = redis_server.client()
    for worker in ("a", "b", "dead"):
        assert runlock.enter(client, 1, worker, alive_ttl=10)
    client.delete(keys.alive("dead"))  # killed hard: its heartbeat expired
    assert not runlock.leave(client, 1, "a", runlock.RunEnd("closespider_itemcount"))
    assert runlock.leave(client, 1, "b", runlock.RunEnd("shutdown", "SIGTERM", "b"))
    assert runlock.ended(client, 1) == runlock.RunEnd("shutdown", "SIGTERM", "b")
    assert not runlock.enter(client, 1, "late", alive_ttl=10), "an ended run takes no one"
    # A reason that ends the run for all: the first worker ends it, the others follow.
    for worker in ("a", "b"):
        runlock.enter(client, 2, worker, alive_ttl=10)
    assert runlock.leave(client, 2, "a", runlock.RunEnd("blocked", None, "a"), force=True)
    assert not runlock.leave(client, 2, "b", runlock.RunEnd("blocked", None, "b"), force=True)
    assert runlock.ended(client, 2) == runlock.RunEnd("blocked", None, "a")


def test_a_run_whose_workers_all_died_is_recorded_killed(redis_server: RedisServer,
                                                          tmp_path: Path) -> None:
    """No worker could end the run (kill -9): once its Redis lock expires the writer
    records it killed and lets go of the site."""
    from archive import Archive
    from newscrawler.distributed import runlock
    from newscrawler.distributed.outbox import post
    from newscrawler.distributed.writer import Writer
    from newscrawler.runlock import RunLock

    client = redis_server.client()
    run = runlock.start(client, "gen", ttl=1)
    post(client, "run_start", run.id, "gen", {})
    db = tmp_path / "news.db"
    with Archive(db) as store:
        Writer(client, store, block_ms=100).run(idle_exit=2)
    assert [r[:2] for r in runs(db)] == [("gen", "killed")]
    assert "every worker of the run stopped" in runs(db)[0][2]
    RunLock(db, "gen").acquire().release()


# -- one writer per Redis ----------------------------------------------------------------


def test_a_second_writer_is_refused(redis_server: RedisServer, tmp_path: Path) -> None:
    from newscrawler.distributed import keys

    first = spawn("writer", "--redis", redis_server.url, "--db", str(tmp_path / "a.db"),
                  env={}, log=tmp_path / "writer-a.log")
    client = redis_server.client()
    wait_for(lambda: client.hlen(keys.WRITERS), timeout=30)
    other = run_cli("writer", "--redis", redis_server.url, "--db", str(tmp_path / "b.db"),
                    "--name", "other", "--idle-exit", "1", timeout=60)
    assert other.returncode == 75, other.stderr
    assert other.stderr.count("\n") == 1 and "Traceback" not in other.stderr
    assert "a.db" in other.stderr and "another Redis database" in other.stderr
    assert not (tmp_path / "b.db").exists(), "a refused writer creates no archive"
    same = run_cli("writer", "--redis", redis_server.url, "--db", str(tmp_path / "a.db"),
                   "--name", "other", "--idle-exit", "1", timeout=60)
    assert same.returncode == 75 and "already writing" in same.stderr, same.stderr
    first.send_signal(signal.SIGTERM)
    assert finish([first], tmp_path) == [0]
    assert not client.exists("newscrawler:writer:lock"), "released at its end"
    after = run_cli("writer", "--redis", redis_server.url, "--db", str(tmp_path / "b.db"),
                    "--name", "other", "--idle-exit", "1", timeout=60)
    assert after.returncode == 0, after.stderr


# -- the archive's run lock: local crawls and the writer --------------------------------


def test_the_writer_holds_the_sites_archive_lock_while_it_writes_a_run(
        redis_server: RedisServer, tmp_path: Path) -> None:
    from archive import Archive
    from newscrawler.distributed import runlock
    from newscrawler.distributed.outbox import post
    from newscrawler.distributed.writer import Writer
    from newscrawler.runlock import RunLock, RunLockedError

    client = redis_server.client()
    run = runlock.start(client, "gen")
    post(client, "run_start", run.id, "gen", {})
    db = tmp_path / "news.db"
    with Archive(db) as store:
        work = Writer(client, store, block_ms=100)
        work.ensure_group()
        work.write(work.read(">"))
        with pytest.raises(RunLockedError):  # a local `crawl gen --db news.db` is refused
            RunLock(db, "gen").acquire()
        work.run(idle_exit=0.1, stop=lambda: True)  # "killed" mid-run: its locks go
        RunLock(db, "gen").acquire().release()
        restarted = Writer(client, store, block_ms=100)
        restarted.relock()  # takes the lock of the run it recorded again
        with pytest.raises(RunLockedError):
            RunLock(db, "gen").acquire()
        assert runlock.leave(client, run.id, "w", runlock.RunEnd("finished", None, "w"))
        post(client, "run_end", run.id, "gen", {"reason": "finished", "by": "w"})
        restarted.write(restarted.read(">"))
        RunLock(db, "gen").acquire().release()  # free again once the run is recorded
    assert [r[:2] for r in runs(db)] == [("gen", "failed")]  # recorded: it fetched nothing


def test_a_distributed_run_meeting_a_local_crawl_is_refused(
        redis_server: RedisServer, gen_site: dict[str, Any], tmp_path: Path) -> None:
    """A local crawl of the site into the archive is running: the writer leaves its run
    alone (not marked killed), records the distributed run refused, and stops its
    workers (exit 75)."""
    from archive import Archive
    from newscrawler.runlock import RunLock

    db = tmp_path / "x.db"
    with Archive(db) as store:  # the local crawl: its lock and its running row
        local = store.start_run("gen")
    with RunLock(db, "gen"):
        procs = [spawn("crawl", "gen", "--redis", redis_server.url, "--base-url",
                       gen_site["origin"], *FAST, "--set", "DOWNLOAD_DELAY=0.05",
                       env=gen_site["env"], log=tmp_path / "w0.log"),
                 writer(redis_server.url, db, tmp_path, idle=3)]
        assert finish(procs, tmp_path) == [75, 0], logs(tmp_path)
    got = runs(db)
    assert got[0] == ("gen", "running", ""), "the local crawl's run is left alone"
    assert got[1][:2] == ("gen", "failed") and "refused" in got[1][2], got
    assert "another crawl of 'gen'" in got[1][2]
    with Archive(db) as store:
        store.finish_run(local)
