"""Distributed crawl rates through Redis against the single-process crawl (#12).

On a generated site of N articles (tests/generated_site.py) served on 127.0.0.1, with a
redis-server of its own on a free port:

1. the single-process crawl (``newscrawler crawl gen --db``): pages/s;
2. 1 and 2 workers (``crawl --redis``; workers only, no writer running): pages/s from the
   first worker's start to the last worker's end, less the drain grace period;
3. the writer alone draining what the workers left in the stream: articles/s from Redis
   to SQLite (raw pages included);
4. Redis memory per queued request: M requests of article URLs serialized as the
   scheduler does, in the queue (sorted set) and the duplicate filter (set), measured
   with ``INFO memory`` and extrapolated to a million.

    python bench/scale_bench.py [--quick] [--pages 2000] [--requests 100000]

Needs ``redis-server`` on the PATH (Debian: apt-get install redis-server).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from generated_site import make_site  # noqa: E402

from newscrawler.sample_server import serve  # noqa: E402

GRACE = 1.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A redis-server on a free port with its data in ``folder``."""
    redis_bin = shutil.which("redis-server")
    if redis_bin is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([redis_bin, "--port", str(port), "--bind", "127.0.0.1", "--dir",
                             str(folder), "--save", "", "--appendonly", "yes"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


def cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """``newscrawler ARGS`` in the background."""
    return subprocess.Popen([sys.executable, "-m", "newscrawler.cli", *args],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def single(origin: str, env: dict[str, str], db: Path) -> float:
    """Seconds of a single-process crawl."""
    started = time.monotonic()
    proc = cli("crawl", "gen", "--db", str(db), "--base-url", origin,
               "--set", "PROGRESS_INTERVAL=0", env=env)
    _, err = proc.communicate()
    assert proc.returncode == 0, err[-2000:]
    return time.monotonic() - started


def distributed(n: int, origin: str, env: dict[str, str], url: str) -> float:
    """Seconds for ``n`` workers to drain the run (less the grace period)."""
    common = ["--redis", url, "--base-url", origin, "--set", f"NEWSCRAWLER_DRAIN_GRACE={GRACE}"]
    started = time.monotonic()
    procs = [cli("crawl", "gen", *common, env=env)]
    procs += [cli("crawl", "gen", "--join", "--wait", "10", *common, env=env)
              for _ in range(n - 1)]
    for proc in procs:
        _, err = proc.communicate()
        assert proc.returncode == 0, err[-2000:]
    return time.monotonic() - started - GRACE


def write(url: str, db: Path) -> tuple[float, int]:
    """Seconds the writer takes to drain the stream, and the articles it wrote."""
    import redis

    from archive import Archive
    from newscrawler.distributed.writer import Writer

    client = redis.Redis.from_url(url)
    with Archive(db) as store:
        started = time.monotonic()
        stats = Writer(client, store, block_ms=100).run(idle_exit=0.3)
        seconds = time.monotonic() - started - 0.3
    return seconds, sum(stats.articles.values())


def memory(url: str, count: int) -> float:
    """Bytes of Redis memory per queued request (queue entry + fingerprint)."""
    import redis
    from scrapy import Request

    from newscrawler.distributed import keys, serializer

    client = redis.Redis.from_url(url)
    client.flushall()
    before = int(client.info("memory")["used_memory"])
    pipe = client.pipeline(transaction=False)
    for i in range(count):
        request = Request(f"https://www.example-haber.com.tr/gundem/belediye-meclisi-yeni-"
                          f"butceyi-kabul-etti-{1000000 + i}", callback=None,
                          meta={"kind": "article"}, priority=0)
        data = serializer.dumps(request.to_dict())
        pipe.zadd(keys.queue("bench"), {data: -request.priority})
        pipe.sadd(keys.dupefilter("bench"), f"{i:040x}")
        if i % 1000 == 999:
            pipe.execute()
    pipe.execute()
    after = int(client.info("memory")["used_memory"])
    return (after - before) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="400 pages, 20,000 requests")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=100_000)
    args = parser.parse_args()
    pages = 400 if args.quick else args.pages
    requests = 20_000 if args.quick else args.requests
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_site(Path(tmp), pages)
        env = {"NEWSCRAWLER_SITES_DIR": str(folder / "sites")}
        (folder / "redis").mkdir()
        redis_proc, url = start_redis(folder / "redis")
        try:
            with serve(folder / "site") as origin:
                seconds = single(origin, env, folder / "single.db")
                print(f"single process   {pages} pages in {seconds:6.1f}s  "
                      f"{pages / seconds:6.1f} pages/s")
                for n in (1, 2):
                    seconds = distributed(n, origin, env, url)
                    print(f"{n} worker{'s' if n > 1 else ' '}        {pages} pages in "
                          f"{seconds:6.1f}s  {pages / seconds:6.1f} pages/s (no writer running)")
                    db = folder / f"w{n}.db"
                    wrote, articles = write(url, db)
                    print(f"  writer         {articles} articles in {wrote:6.1f}s  "
                          f"{articles / wrote:6.1f} articles/s (with raw pages)")
                    with sqlite3.connect(db) as a, sqlite3.connect(folder / "single.db") as b:
                        same = (a.execute("SELECT url, content_hash FROM articles ORDER BY url")
                                .fetchall() == b.execute("SELECT url, content_hash FROM "
                                                         "articles ORDER BY url").fetchall())
                    print(f"  archive equal to the single-process crawl: {same}")
            per = memory(url, requests)
            print(f"redis memory     {per:6.0f} bytes per queued request ({requests} measured) "
                  f"= {per * 1e6 / 2**20:6.0f} MiB per million (extrapolated)")
        finally:
            redis_proc.terminate()
            redis_proc.wait()


if __name__ == "__main__":
    main()
