"""Distributed crawls through a real redis-server: workers, the writer, recovery (#12).

Each test starts its own ``redis-server`` on a free 127.0.0.1 port with a temporary
folder (skipped when Debian's ``redis-server`` is not installed; ``.ci/run`` installs it)
and crawls a generated site of :data:`PAGES` articles served on loopback. Every archive
is compared with a single-process crawl of the same site: same URLs, same content
hashes, same dates, no duplicates.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newscrawler.sample_server import serve

sys.path.insert(0, str(Path(__file__).parent))
from conftest import run_cli
from generated_site import make_site

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed "
                                "(apt-get install redis-server; .ci/run does it as root)")
#: Articles of the generated site: enough for several workers to share, small enough for
#: seconds per test (bench/scale_bench.py crawls 2,000).
PAGES = 240
#: Quick recovery for tests: dead after 2 s of silence, end after 1 s of empty frontier.
FAST = ["--set", "NEWSCRAWLER_HEARTBEAT_TTL=2", "--set", "NEWSCRAWLER_DRAIN_GRACE=1"]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server of our own: free loopback port, temporary folder, AOF on."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS is not None
        self.proc = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "yes", "--appendfsync", "always"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """Shut down cleanly (SIGTERM: Redis writes its AOF and exits)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def client(self) -> Any:
        import redis

        return redis.Redis.from_url(self.url)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A fresh redis-server for one test."""
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def gen_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The generated site, served for the module, and its profile folder."""
    folder = make_site(tmp_path_factory.mktemp("gen"), PAGES)
    with serve(folder / "site") as origin:
        yield {"origin": origin, "env": {"NEWSCRAWLER_SITES_DIR": str(folder / "sites")}}


@pytest.fixture(scope="module")
def single(gen_site: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A single-process crawl of the generated site: the archive every other must equal."""
    db = tmp_path_factory.mktemp("single") / "single.db"
    result = run_cli("crawl", "gen", "--db", str(db), "--base-url", gen_site["origin"],
                     "--set", "PROGRESS_INTERVAL=0", env=gen_site["env"], timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return db


def archive(db: Path) -> dict[str, Any]:
    """What must be equal: articles (URL, content hash, dates, revision) and raw pages."""
    with sqlite3.connect(db) as conn:
        articles = conn.execute("SELECT url, content_hash, published_at, revision "
                                "FROM articles ORDER BY url").fetchall()
        raw = conn.execute("SELECT url, status, article_id IS NOT NULL FROM raw_pages "
                           "ORDER BY url").fetchall()
        dupes = conn.execute("SELECT count(*) - count(DISTINCT content_hash) "
                             "FROM articles").fetchone()[0]
    return {"articles": articles, "raw": raw, "dupes": dupes}


def differences(got: dict[str, Any], want: dict[str, Any]) -> str:
    """What differs between two archives, for assertion messages."""
    lines = []
    for key in ("articles", "raw"):
        g, w = set(got[key]), set(want[key])
        lines.append(f"{key}: {len(g)} vs {len(w)}; missing {sorted(w - g)[:5]}; "
                     f"extra {sorted(g - w)[:5]}")
    return "\n".join(lines)


def spawn(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    """``newscrawler ARGS`` in the background, its output in ``log``."""
    full = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    full.pop("NEWSCRAWLER_DB", None)
    out = log.open("w")
    return subprocess.Popen([sys.executable, "-m", "newscrawler.cli", *args], env=full,
                            stdout=out, stderr=subprocess.STDOUT, text=True)


def workers(n: int, url: str, site: dict[str, Any], folder: Path, *extra: str
            ) -> list[subprocess.Popen[str]]:
    """One worker starting the run, ``n - 1`` joining it."""
    common = ["--redis", url, "--base-url", site["origin"], *FAST, *extra]
    procs = [spawn("crawl", "gen", *common, env=site["env"], log=folder / "w0.log")]
    procs += [spawn("crawl", "gen", "--join", "--wait", "10", *common, env=site["env"],
                    log=folder / f"w{i}.log") for i in range(1, n)]
    return procs


def writer(url: str, db: Path, folder: Path, name: str = "writer.log",
           idle: float = 4) -> subprocess.Popen[str]:
    """The archive writer, exiting after ``idle`` seconds without entries."""
    return spawn("writer", "--redis", url, "--db", str(db), "--idle-exit", str(idle),
                 env={}, log=folder / name)


def finish(procs: list[subprocess.Popen[str]], folder: Path, timeout: float = 60) -> list[int]:
    """Wait for every process; their exit codes."""
    codes = []
    for proc in procs:
        try:
            codes.append(proc.wait(timeout=timeout))
        except subprocess.TimeoutExpired:
            proc.kill()
            logs = "\n".join(p.read_text()[-1500:] for p in sorted(folder.glob("*.log")))
            raise AssertionError(f"a process did not end:\n{logs}") from None
    return codes


def logs(folder: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text()[-1500:]}" for p in sorted(folder.glob("*.log")))


def wait_for(check: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_three_workers_and_a_writer_make_the_single_process_archive(
        redis_server: RedisServer, gen_site: dict[str, Any], single: Path,
        tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    # Paced (at most 50 pages/s a worker), so that the first worker does not fetch the whole
    # site before the others have started on a loaded machine (it did once in CI).
    procs = [*workers(3, redis_server.url, gen_site, tmp_path, "--set", "DOWNLOAD_DELAY=0.02"),
             writer(redis_server.url, db, tmp_path)]
    assert finish(procs, tmp_path) == [0, 0, 0, 0], logs(tmp_path)
    got, want = archive(db), archive(single)
    assert len(want["articles"]) == PAGES
    assert got == want
    assert got["dupes"] == 0
    # Every worker fetched a share; the run record sums their stats with the writer's counts.
    fetched = [int(line.split(" pages fetched")[0].rsplit(" ", 1)[1])
               for p in sorted(tmp_path.glob("w?.log")) for line in p.read_text().splitlines()
               if "pages fetched" in line]
    assert len(fetched) == 3 and sum(1 for n in fetched if n > 0) >= 2, logs(tmp_path)
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT status, reason, stats FROM crawl_runs").fetchall()
    import json

    assert len(runs) == 1 and runs[0][0] == "finished", runs
    stats = json.loads(runs[0][2])
    assert stats["distributed/workers"] == 3
    assert stats["archive/inserted"] == PAGES
    assert stats["archive/spellings_filled"] == PAGES  # as a one-process crawl does
    assert stats["downloader/response_count"] == sum(fetched)


def test_each_run_crawls_the_site_again(redis_server: RedisServer, gen_site: dict[str, Any],
                                        tmp_path: Path) -> None:
    """A new run starts from a fresh frontier: the last run's seen URLs do not filter it."""
    from newscrawler.distributed import keys

    db = tmp_path / "news.db"
    for _run in (1, 2):
        procs = [*workers(1, redis_server.url, gen_site, tmp_path),
                 writer(redis_server.url, db, tmp_path, idle=2)]
        assert finish(procs, tmp_path) == [0, 0], logs(tmp_path)
        assert redis_server.client().exists(keys.dupefilter("gen")), "the shared filter"
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT status, reason FROM crawl_runs ORDER BY id").fetchall()
    assert runs == [("finished", f"{PAGES} new, 0 updated, 0 unchanged"),
                    ("finished", f"0 new, 0 updated, {PAGES} unchanged")], runs


def test_kill_9_of_a_worker_and_of_the_writer_loses_nothing(
        redis_server: RedisServer, gen_site: dict[str, Any], single: Path,
        tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    # Slow enough that the kills land mid-run.
    procs = workers(3, redis_server.url, gen_site, tmp_path, "--set", "DOWNLOAD_DELAY=0.03")
    first_writer = writer(redis_server.url, db, tmp_path, "writer1.log", idle=30)
    client = redis_server.client()
    wait_for(lambda: db.exists() and _count(db) >= 20)
    victim = _some_worker(client, procs[1].pid)
    wait_for(lambda: client.zcard(f"newscrawler:worker:{victim}:inflight") > 0, timeout=10)
    procs[1].send_signal(signal.SIGKILL)
    first_writer.send_signal(signal.SIGKILL)
    assert procs[1].wait(timeout=10) == -signal.SIGKILL
    assert first_writer.wait(timeout=10) == -signal.SIGKILL
    second_writer = writer(redis_server.url, db, tmp_path, "writer2.log")
    assert finish([procs[0], procs[2], second_writer], tmp_path) == [0, 0, 0], logs(tmp_path)
    got, want = archive(db), archive(single)
    assert got == want, differences(got, want) + logs(tmp_path)
    assert "requeued" in logs(tmp_path)


def _some_worker(client: Any, pid: int) -> str:
    """The id of the worker running as ``pid`` (from its heartbeat), or ''."""
    import json

    for wid, raw in client.hgetall("newscrawler:workers").items():
        if json.loads(raw).get("pid") == pid:
            return str(wid.decode())
    return ""


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_redis_restart_mid_run_loses_nothing(
        redis_server: RedisServer, gen_site: dict[str, Any], single: Path,
        tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    procs = [*workers(2, redis_server.url, gen_site, tmp_path, "--set", "DOWNLOAD_DELAY=0.03"),
             writer(redis_server.url, db, tmp_path, idle=8)]
    wait_for(lambda: db.exists() and _count(db) >= 20)
    redis_server.stop()
    time.sleep(1.5)
    redis_server.start()
    assert finish(procs, tmp_path, timeout=90) == [0, 0, 0], logs(tmp_path)
    got, want = archive(db), archive(single)
    assert got == want, differences(got, want) + logs(tmp_path)
    assert "unreachable" in logs(tmp_path)


def test_a_second_scheduler_of_the_same_site_is_refused(
        redis_server: RedisServer, gen_site: dict[str, Any]) -> None:
    from newscrawler.distributed import runlock

    client = redis_server.client()
    run = runlock.start(client, "gen")
    result = run_cli("crawl", "gen", "--redis", redis_server.url, "--base-url",
                     gen_site["origin"], env=gen_site["env"], timeout=60)
    assert result.returncode == 75, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"run {run.id}" in result.stderr and "--join" in result.stderr
    status = run_cli("status", "--redis", redis_server.url)
    assert status.returncode == 0, status.stderr
    assert "site gen" in status.stdout and f"run {run.id} in progress" in status.stdout
    runlock.end(client, run)
    joined = run_cli("crawl", "gen", "--redis", redis_server.url, "--join",
                     "--base-url", gen_site["origin"], env=gen_site["env"], timeout=60)
    assert joined.returncode == 0 and "no run of 'gen' is in progress" in joined.stderr


def test_unreachable_redis_is_one_line(gen_site: dict[str, Any]) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    result = run_cli("crawl", "gen", "--redis", url, "--set", "REDIS_RETRY_SECONDS=1",
                     env=gen_site["env"], timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "unreachable" in result.stderr
    status = run_cli("status", "--redis", url)
    assert status.returncode == 1 and status.stderr.count("\n") == 1


def test_a_dead_workers_requests_go_back_on_the_queue(redis_server: RedisServer) -> None:
    from newscrawler.distributed import keys
    from newscrawler.distributed.inflight import InFlight

    client = redis_server.client()
    client.zadd(keys.queue("s"), {b"a": -5, b"b": 0})
    dead, alive = InFlight(client, "s", "dead"), InFlight(client, "s", "alive")
    dead.beat(1)
    assert dead.pop() == b"a"  # the best priority first, now held in flight
    assert alive.frontier() == (1, 1)
    client.delete(keys.alive("dead"))  # its heartbeat expired
    assert alive.requeue_dead() == 1
    assert client.zrange(keys.queue("s"), 0, -1, withscores=True) == [(b"a", -5.0), (b"b", 0.0)]


def test_the_writer_replays_without_duplicates(redis_server: RedisServer,
                                              tmp_path: Path) -> None:
    """A writer killed between its commit and its acknowledgement writes the batch again:
    same rows, same revision, nothing doubled."""
    from archive import Archive
    from newscrawler.distributed import keys
    from newscrawler.distributed.outbox import post
    from newscrawler.distributed.writer import Writer

    client = redis_server.client()
    post(client, "run_start", 7, "gen", {})
    for i in range(3):
        record = {"url": f"http://x/haber/{i}", "site": "gen", "title": f"Başlık {i}",
                  "body": f"Gövde metni {i} " * 20}
        post(client, "article", 7, "gen", {"record": record, "page": {
            "url": record["url"], "site": "gen", "status": 200, "article": True}},
             b"<html>" + str(i).encode())
    db = tmp_path / "news.db"
    with Archive(db) as store:
        first = Writer(client, store, block_ms=100)
        first.ensure_group()
        entries = first.read(">")
        first.server = _FailingAck(client)  # the commit happens, the XACK never does
        with pytest.raises(ConnectionError):
            first.write(entries)
        assert client.xpending(keys.ITEMS, keys.GROUP)["pending"] == 4
        second = Writer(client, store, block_ms=100)
        second.run(idle_exit=0.2)
    assert client.xpending(keys.ITEMS, keys.GROUP)["pending"] == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), max(revision) FROM articles").fetchone() == (3, 1)
        assert conn.execute("SELECT count(*) FROM raw_pages").fetchone() == (3,)
        assert conn.execute("SELECT count(*) FROM crawl_runs").fetchone() == (1,)


class _FailingAck:
    """A Redis client whose acknowledgements fail (the writer 'dies' after its commit)."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def pipeline(self) -> Any:
        raise ConnectionError("killed before XACK")
