"""Peak memory of a long single-process crawl (issue 11, goal 6: 20,000 pages under 200 MB).

Generates a site of distinct articles (``tests/generated_site.py``), serves it on
127.0.0.1 and runs ``newscrawler crawl`` on it with the full pipelines into a fresh
archive, then prints pages/s, the peak resident memory of the crawl's process tree (the
crawl and any worker processes it starts, summed, sampled from ``/proc`` every 50 ms) and
the crawl process's own ``ru_maxrss`` (its high-water mark, not a sample), the CPU a page of
the crawl's process and its workers (``RUSAGE_CHILDREN``), and one verdict line against the
goal::

    python bench/crawl_memory.py [--pages 20000] [--large] [--set NAME=VALUE] [--quick]

The goal's site has small pages (~1.3 KB). ``--large`` crawls ``bench/crawl_bench.py``'s
~97 KB pages instead (``tests/realistic_site.py``; 20,000 of them take ~2 GB of disk):
extraction of large pages takes more memory in the worker, and more pages wait for it.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from generated_site import make_site  # noqa: E402
from realistic_site import make_realistic_site  # noqa: E402

from newscrawler.sample_server import serve  # noqa: E402

GOAL_MB = 200
GOAL_PAGES = 20_000
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _children() -> dict[int, list[int]]:
    """Each running process's children, read from ``/proc/*/stat``."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])  # after "(comm) state"
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (0 once it is gone)."""
    return sum(tree_rss_by_process(pid).values())


def tree_rss_by_process(pid: int) -> dict[int, int]:
    """Resident bytes of ``pid`` and of each of its descendants, by process id."""
    tree, sizes, todo = _children(), {}, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm", "rb") as f:
                sizes[current] = int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        todo += tree.get(current, [])
    return sizes


def role(pid: int, crawl_pid: int) -> str:
    """What a process of the crawl's tree is: the crawl, an extraction worker, the resource
    tracker of multiprocessing, or another child."""
    if pid == crawl_pid:
        return "crawl"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ")
    except OSError:
        return "other"
    if b"resource_tracker" in cmdline:
        return "resource tracker"
    if b"spawn_main" in cmdline or b"extract.workerproc" in cmdline:
        return "worker"
    return "other"


class TreeSampler(threading.Thread):
    """Samples the RSS of a process tree until stopped; keeps the peak of the sum and each
    process's own peak (by role: crawl, worker, resource tracker)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.peaks: dict[int, int] = {}
        self.roles: dict[int, str] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            sizes = tree_rss_by_process(self.pid)
            self.peak = max(self.peak, sum(sizes.values()))
            for pid, size in sizes.items():
                self.peaks[pid] = max(self.peaks.get(pid, 0), size)
                if pid not in self.roles:
                    self.roles[pid] = role(pid, self.pid)
            self.stopped.wait(self.interval)

    def by_role(self) -> str:
        """Each process's peak RSS in MB, by role (peaks need not coincide)."""
        parts = [f"{self.roles.get(pid, 'other')} {size / 2**20:.0f}"
                 for pid, size in sorted(self.peaks.items(), key=lambda kv: kv[0])]
        return ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=GOAL_PAGES)
    parser.add_argument("--quick", action="store_true", help="300 pages, no goal check")
    parser.add_argument("--large", action="store_true",
                        help="~97 KB pages (crawl_bench's large pages) instead of ~1.3 KB")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a crawl setting, e.g. EXTRACT_WORKERS=0 (repeatable)")
    args = parser.parse_args()
    settings = [arg for pair in args.set for arg in ("--set", pair)]
    pages = 300 if args.quick else args.pages
    with tempfile.TemporaryDirectory() as tmp:
        if args.large:
            folder, site = make_realistic_site(Path(tmp), pages, size="large",
                                               origin="{{ORIGIN}}"), "realistic"
        else:
            folder, site = make_site(Path(tmp), pages), "gen"
        env = {**os.environ, "NEWSCRAWLER_SITES_DIR": str(folder / "sites")}
        db = folder / "news.db"
        with serve(folder / "site") as origin:
            started = time.monotonic()
            proc = subprocess.Popen(
                [sys.executable, "-m", "newscrawler.cli", "crawl", site, "--db", str(db),
                 "--base-url", origin, "--set", "PROGRESS_INTERVAL=0", *settings],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            sampler = TreeSampler(proc.pid)
            sampler.start()
            _, stderr = proc.communicate()
            seconds = time.monotonic() - started
            sampler.stopped.set()
            sampler.join()
        if proc.returncode != 0:
            sys.exit(f"crawl failed ({proc.returncode}): {stderr[-2000:]}")
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        parent_mb = children.ru_maxrss / 1024  # KiB
        cpu_ms = (children.ru_utime + children.ru_stime) * 1000 / pages
        tree_mb = sampler.peak / 2**20
        size_mb = db.stat().st_size / 1e6
    kind = "~97 KB" if args.large else "~1.3 KB"
    print(f"crawl of {pages:,} distinct {kind} pages: {seconds:.1f} s, "
          f"{pages / seconds:.1f} pages/s, CPU {cpu_ms:.2f} ms a page (the crawl's process "
          "and its workers)")
    print(f"peak RSS of the crawl process (ru_maxrss): {parent_mb:.0f} MB")
    print(f"peak RSS of the crawl process tree (sampled, parent + children): {tree_mb:.0f} MB")
    print(f"peak RSS of each process (MB): {sampler.by_role()}")
    print(f"archive: {size_mb:.1f} MB" + (f"; settings: {' '.join(args.set)}" if args.set else ""))
    peak = max(parent_mb, tree_mb)
    verdict = "met" if peak < GOAL_MB else "NOT met"
    scope = "" if pages >= GOAL_PAGES else f" (only {pages:,} pages: the goal is at {GOAL_PAGES:,})"
    print(f"goal 6: peak RSS {peak:.0f} MB at {pages:,} pages, limit {GOAL_MB} MB: {verdict}"
          + scope)


if __name__ == "__main__":
    main()
