"""Instructions of the crawl's own process, by thread: start-up and a large page (issue 11).

Goal 1's large pages are CPU-bound on both cores, and on a machine shared with other work
wall time and CPU time drift by ±10-25% run to run. Instructions do not: this bench runs
``newscrawler crawl`` under valgrind's callgrind (``--separate-threads=yes``; the
extraction worker is not traced) on generated ~97 KB pages (``tests/realistic_site.py``)
served by nginx (``bench/crawl_bench.py``), once on a site of 1 page (the process's
start-up and close) and once on ``--pages`` pages, and prints millions of instructions:

- by thread: the main (reactor) thread, then the others as callgrind numbers them (in the
  order they start; in a crawl of these pages thread 4 was the archive's writer, thread 2
  the reader of the worker's answers);
- start-up: the 1-page crawl; a page: (``--pages`` crawl - 1-page crawl) / (pages - 1).

Every page is sent "light" (its places, block checks and date choice done in the crawl's
process), as ~99% of goal 1's large pages are: under callgrind the crawl runs ~50x slower
than its worker, which would otherwise answer every page in full and leave the crawl's
process less to do than in a real run. Another checkout's code: ``--checkout DIR``
(its ``newscrawler`` and ``archive`` are imported from there). ~1-3 minutes a run::

    python bench/crawl_instructions.py [--pages 300] [--checkout DIR] [--quick]

``--quick``: 20 pages, CPU seconds of the crawl's process (``getrusage``) instead of
instructions (seconds; CI runs it).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from crawl_bench import NGINX, compile_bytecode, free_port, server  # noqa: E402
from realistic_site import make_realistic_site  # noqa: E402

#: Runs the CLI with every page sent light, and prints the process's CPU seconds at exit.
RUNNER = """
import atexit, resource, runpy, sys
import newscrawler.extract.pool as pool
pool.ExtractionPool.held = lambda self: 1 << 40  # every page light, as in goal 1's runs
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"crawl-process-cpu {usage.ru_utime + usage.ru_stime:.3f}", file=sys.stderr)
atexit.register(cpu)
sys.argv = ["newscrawler", *sys.argv[1:]]
runpy.run_module("newscrawler.cli", run_name="__main__", alter_sys=True)
"""


def crawl(checkout: Path, folder: Path, origin: str, db: Path,
          callgrind: Path | None) -> tuple[dict[str, int], float]:
    """Crawl the site in ``folder``; (instructions by thread, CPU seconds of the process)."""
    env = {**os.environ, "NEWSCRAWLER_SITES_DIR": str(folder / "sites"),
           "PYTHONPATH": str(checkout)}
    args = [sys.executable, "-c", RUNNER, "crawl", "realistic", "--db", str(db),
            "--base-url", origin, "--set", "PROGRESS_INTERVAL=0",
            "--set", "CONCURRENT_REQUESTS=32", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=32"]
    if callgrind is not None:
        args = ["valgrind", "--tool=callgrind", "--trace-children=no",
                "--separate-threads=yes", f"--callgrind-out-file={callgrind}", *args]
    proc = subprocess.run(args, env=env, cwd=checkout, capture_output=True, text=True)
    cpu = re.search(r"crawl-process-cpu ([\d.]+)", proc.stderr)
    if proc.returncode != 0 or not cpu:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
    threads: dict[str, int] = {}
    if callgrind is not None:
        for path in sorted(callgrind.parent.glob(callgrind.name + "-*")):
            number = int(path.name.rsplit("-", 1)[1])
            summary = re.search(r"^summary: (\d+)", path.read_text(errors="replace"), re.M)
            name = "main" if number == 1 else f"thread {number}"
            threads[name] = int(summary.group(1)) if summary else 0
    return threads, float(cpu.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--checkout", type=Path, default=REPO,
                        help="the checkout whose code is crawled with (default: this one)")
    parser.add_argument("--quick", action="store_true", help="20 pages, CPU seconds only")
    args = parser.parse_args()
    if args.quick:
        args.pages = 20
    counting = not args.quick and shutil.which("valgrind") is not None
    if not args.quick and not counting:
        print("note: valgrind is absent; CPU seconds only")
    compile_bytecode()
    checkout = args.checkout.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        runs: dict[int, tuple[dict[str, int], float]] = {}
        for pages in (1, args.pages):
            folder = Path(tmp) / f"site{pages}"
            port = free_port()
            origin = f"http://127.0.0.1:{port}" if Path(NGINX).exists() else "{{ORIGIN}}"
            make_realistic_site(folder, pages, size="large", origin=origin)
            with server(folder / "site", folder, port) as served:
                out = Path(tmp) / f"callgrind{pages}.out" if counting else None
                runs[pages] = crawl(checkout, folder, served, Path(tmp) / f"{pages}.db", out)
    (start, start_cpu), (full, full_cpu) = runs[1], runs[args.pages]
    n = args.pages - 1
    print(f"crawl's process, {checkout}, ~97 KB pages, every page light:")
    slow = " (under callgrind, ~50x slower)" if counting else ""
    print(f"  CPU s{slow}: 1-page crawl {start_cpu:.2f}, {args.pages}-page crawl "
          f"{full_cpu:.2f} ({(full_cpu - start_cpu) / n * 1000:.2f} ms a page after start-up)")
    if not counting:
        print("  instructions: not counted" + (" (--quick)" if args.quick else ""))
        return
    print(f"  {'M instructions':<16} {'start-up':>10} {'a page':>8} "
          f"{args.pages:>6}-page crawl")
    for name in [*full, "all"]:
        whole = sum(full.values()) if name == "all" else full.get(name, 0)
        first = sum(start.values()) if name == "all" else start.get(name, 0)
        print(f"  {name:<16} {first / 1e6:>10.0f} {(whole - first) / n / 1e6:>8.2f} "
              f"{whole / 1e6:>12.0f}")


if __name__ == "__main__":
    main()
