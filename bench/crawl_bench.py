"""Crawl rate against a bare Scrapy spider on the same distinct pages (issue 11, goal 1).

Generates a site of N distinct article pages (``tests/realistic_site.py``: ~7 KB pages,
and realistic 50-170 KB pages whose weight is head, scripts, styles, menu and footer),
serves it with nginx on 127.0.0.1 (a Python threaded server, with a note, when nginx is
absent) and crawls it, interleaved, with:

- ``bare``: a bare Scrapy spider (reads the sitemap, fetches each page, yields url and length);
- ``nopipe``: ``newscrawler crawl`` with ``ITEM_PIPELINES={}`` (fetch, decode, extract);
- ``full``: ``newscrawler crawl`` with every pipeline (archive included) into a fresh archive;

all at the same concurrency. Pages/s = article pages / the crawl's own elapsed time
(Scrapy's start to finish, process start-up excluded; read from the run record, as precise
as the bare spider's, plus the archive's recording of look-alike spellings that follows;
``nopipe`` keeps no record: the summary's 0.1 s); the best of ``--rounds`` per variant.
CPU ms/page = user + system time of the whole process (start-up included, workers
included, nginx not) per page, the least of the rounds: on a loaded
machine it says more than pages/s; with workers it is split into the crawl's process and its
children (the workers, sampled from /proc: the one with more per page bounds the rate). One
line per page size gives the ratios to the bare spider
(goal: full >= 0.70)::

    python bench/crawl_bench.py [--pages 2000] [--large-pages 1000] [--rounds 3]
        [--concurrency 32] [--sizes small,large] [--set NAME=VALUE ...]
        [--compare NAME=VALUE ...] [--quick]

``--set`` applies to both newscrawler variants; each ``--compare NAME=VALUE`` adds a
variant ``full`` + that setting (e.g. ``--compare EXTRACT_WORKERS=0``).
``--quick``: 60 small and 20 large pages, one round (seconds; CI runs it).
newscrawler's modules are compiled to bytecode first, as an installed package has them
(``compile_bytecode``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from realistic_site import make_realistic_site  # noqa: E402

GOAL = 0.70
NGINX = "/usr/sbin/nginx"
NGINX_CONF = """{user}worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    types {{ text/html html; application/xml xml; text/plain txt; }}
    default_type text/html;
    charset utf-8;
    sendfile on;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri $uri.html =404; }}
    }}
}}
"""

BARE_SPIDER = '''
import sys, re, scrapy
from scrapy.crawler import CrawlerProcess

class Bare(scrapy.Spider):
    name = "bare"
    start_urls = [sys.argv[1] + "/sitemap.xml"]

    def parse(self, response):
        for loc in re.findall(r"<loc>([^<]+)</loc>", response.text):
            yield scrapy.Request(loc, callback=self.page)

    def page(self, response):
        yield {"url": response.url, "length": len(response.body)}

c = int(sys.argv[2])
process = CrawlerProcess({"CONCURRENT_REQUESTS": c, "CONCURRENT_REQUESTS_PER_DOMAIN": c,
                          "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False})
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
stats = crawler.stats.get_stats()
print("items", stats.get("item_scraped_count", 0), "seconds", stats["elapsed_time_seconds"])
'''


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def nginx(root: Path, tmp: Path, port: int) -> Iterator[str]:
    """Serve ``root`` with nginx on 127.0.0.1:``port`` until the block ends."""
    conf_dir = tmp / "nginx"
    conf_dir.mkdir()
    conf = conf_dir / "nginx.conf"
    # As root, nginx's workers would run as "nobody", who cannot read a private temp dir.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(user=user, dir=conf_dir, port=port, root=root))
    proc = subprocess.Popen([NGINX, "-p", str(conf_dir), "-c", str(conf), "-g", "daemon off;"],
                            stderr=subprocess.PIPE)
    try:
        origin = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("nginx did not start: " + (
                        proc.stderr.read().decode() if proc.stderr else "")) from None
                time.sleep(0.05)
        yield origin
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def server(root: Path, tmp: Path, port: int) -> Iterator[str]:
    """nginx when installed, else newscrawler's threaded sample server (said once)."""
    if Path(NGINX).exists() or shutil.which("nginx"):
        with nginx(root, tmp, port) as origin:
            yield origin
        return
    from newscrawler.sample_server import serve

    print("note: nginx is absent; serving with Python's threaded server, "
          "which may cap both rates")
    with serve(root, port=port) as origin:
        yield origin


def cpu_seconds() -> float:
    """CPU time (user + system) of the finished child processes and theirs (workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare(origin: str, concurrency: int, tmp: Path) -> tuple[int, float]:
    """Run the bare spider; return (article pages, seconds)."""
    script = tmp / "bare_spider.py"  # a file: Scrapy reads callbacks' source
    script.write_text(BARE_SPIDER)
    out = subprocess.run([sys.executable, str(script), origin, str(concurrency)],
                         capture_output=True, text=True, check=True).stdout
    match = re.search(r"items (\d+) seconds ([\d.]+)", out)
    assert match, out
    return int(match.group(1)), float(match.group(2))


def newscrawler(origin: str, sites: Path, db: Path, concurrency: int, pages: int,
                sets: list[str]) -> tuple[int, float, float]:
    """Run ``newscrawler crawl``; return (article pages, seconds of the crawl, CPU seconds
    of its child processes)."""
    env = {**os.environ, "NEWSCRAWLER_SITES_DIR": str(sites)}
    args = [sys.executable, "-m", "newscrawler.cli", "crawl", "realistic", "--db", str(db),
            "--base-url", origin, "--set", "PROGRESS_INTERVAL=0",
            "--set", f"CONCURRENT_REQUESTS={concurrency}",
            "--set", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}"]
    for value in sets:
        args += ["--set", value]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err, text=True)
        children = _watch_children(proc)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    fetched = re.search(r"pages fetched\s+(\d+)", stdout)
    seconds = re.search(r" in ([\d.]+)s", stdout)
    if proc.returncode != 0 or not fetched or not seconds:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{stdout}\n{stderr[-3000:]}")
    # robots.txt and the sitemap are fetched besides the pages
    elapsed = run_seconds(db) or float(seconds.group(1))
    return min(pages, int(fetched.group(1))), elapsed, children


def run_seconds(db: Path) -> float | None:
    """Scrapy's ``elapsed_time_seconds`` of the archive's last crawl run, as the bare
    spider reports it (the summary line rounds to 0.1 s: ±1-2% on a 3 s crawl), plus the
    look-alike spellings' recording that follows it; None when the run left no record
    (``ITEM_PIPELINES={}``: the summary's figure then)."""
    if not db.exists():
        return None
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        try:
            row = conn.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        except sqlite3.Error:
            return None
    stats = json.loads(row[0]) if row else {}
    value = stats.get("elapsed_time_seconds")
    # The look-alike spellings are recorded once Scrapy's clock has stopped; it is still
    # the crawl's work, a share of every page (~4% of 1,200 ~97 KB pages' crawl).
    return float(value) + float(stats.get("archive/spellings_seconds", 0)) if value else None


def _watch_children(proc: subprocess.Popen[str], interval: float = 0.05) -> float:
    """Wait for ``proc``; return the CPU seconds its child processes (extraction workers)
    had used when last seen (read from /proc)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    seen: dict[int, float] = {}
    while proc.poll() is None:
        for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == proc.pid:
                seen[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
        time.sleep(interval)
    return sum(seen.values())


def measure(size: str, pages: int, args: argparse.Namespace, tmp: Path) -> None:
    """Generate, serve and crawl one page size; print its line of ratios."""
    folder = tmp / size
    port = free_port()
    origin = f"http://127.0.0.1:{port}" if Path(NGINX).exists() else "{{ORIGIN}}"
    make_realistic_site(folder, pages, size=size, origin=origin)
    site = folder / "site"
    files = list(site.rglob("*.html"))
    mean_kb = sum(f.stat().st_size for f in files) / len(files) / 1024
    variants: dict[str, list[str]] = {
        "nopipe": [*args.set, "ITEM_PIPELINES={}"],
        "full": list(args.set),
        **{f"full+{c.replace(' ', '+')}": [*args.set, *c.split()] for c in args.compare},
    }
    rates: dict[str, list[float]] = {name: [] for name in ("bare", *variants)}
    cpu: dict[str, list[float]] = {name: [] for name in rates}
    worker_cpu: dict[str, list[float]] = {name: [] for name in rates}
    names = list(rates)
    with server(site, folder, port) as served:
        for r in range(args.rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            for name in order:
                cpu_before = cpu_seconds()
                children = 0.0
                if name == "bare":
                    n, seconds = bare(served, args.concurrency, folder)
                else:
                    db = folder / f"{name}-{r}.db"
                    n, seconds, children = newscrawler(served, folder / "sites", db,
                                                       args.concurrency, pages, variants[name])
                    for extra in folder.glob(f"{name}-{r}.db*"):
                        extra.unlink()
                rates[name].append(n / seconds if seconds else 0.0)
                cpu[name].append((cpu_seconds() - cpu_before) / n * 1000)
                worker_cpu[name].append(children / n * 1000)
                if args.verbose:
                    print(f"  {size} round {r + 1} {name:<8} {n} pages in {seconds:.2f}s: "
                          f"{n / seconds:.0f} pages/s, {cpu[name][-1]:.1f} ms CPU/page",
                          flush=True)
    best = {name: max(values) for name, values in rates.items()}
    least = {name: min(values) for name, values in cpu.items()}
    parts = [f"bare {best['bare']:.0f} p/s ({least['bare']:.1f} ms CPU/page)"]
    for name in variants:
        # The least total's round, split: the crawl's own process, then its workers.
        at = cpu[name].index(least[name])
        split = (f", {least[name] - worker_cpu[name][at]:.1f} crawl + "
                 f"{worker_cpu[name][at]:.1f} workers" if worker_cpu[name][at] else "")
        parts.append(f"{name} {best[name]:.0f} ({best[name] / best['bare']:.2f}x; "
                     f"{least[name]:.1f} ms CPU/page{split})")
    label = f"{size} pages (~{mean_kb:.0f} KB, {pages} distinct, c{args.concurrency})"
    print(f"{label}: " + ", ".join(parts)
          + f"; goal full >= {GOAL:.2f}x: "
          + ("met" if best["full"] / best["bare"] >= GOAL else "not met"), flush=True)


def compile_bytecode() -> None:
    """Write the bytecode of newscrawler's own modules first, as installing the package
    does (and as Scrapy's already has): with PYTHONDONTWRITEBYTECODE set, every crawl (and
    each of its workers) compiled ~90 modules from source, ~0.1 s of CPU a process, which a
    crawl from an installed package never pays."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "newscrawler"),
                    str(REPO / "archive")], env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="small pages (~7 KB)")
    parser.add_argument("--large-pages", type=int, default=1000, help="50-170 KB pages")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting for both newscrawler variants")
    parser.add_argument("--compare", action="append", default=[], metavar="NAME=VALUE",
                        help="add a variant: full pipelines with this setting "
                        "(several: separated by spaces)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every run")
    parser.add_argument("--quick", action="store_true", help="60 + 20 pages, one round")
    args = parser.parse_args()
    if args.quick:
        args.pages, args.large_pages, args.rounds = 60, 20, 1
    counts = {"small": args.pages, "large": args.large_pages}
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            measure(size, counts[size], args, Path(tmp))


if __name__ == "__main__":
    main()
