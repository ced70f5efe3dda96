"""Peak memory of a long single-process crawl (issue 11, goal 6: 20,000 pages under 200 MB).

Generates a site of distinct articles (``tests/generated_site.py``), serves it on
127.0.0.1 and runs ``newscrawler crawl`` on it with the full pipelines into a fresh
archive, then prints pages/s and the crawl process's peak resident memory (``ru_maxrss``
of the child: the high-water mark, not a sample)::

    python bench/crawl_memory.py [--pages 20000] [--quick]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from generated_site import make_site  # noqa: E402

from newscrawler.sample_server import serve  # noqa: E402

GOAL_MB = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="300 pages, no goal check")
    args = parser.parse_args()
    pages = 300 if args.quick else args.pages
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_site(Path(tmp), pages)
        env = {**os.environ, "NEWSCRAWLER_SITES_DIR": str(folder / "sites")}
        db = folder / "news.db"
        with serve(folder / "site") as origin:
            started = time.monotonic()
            proc = subprocess.run(
                [sys.executable, "-m", "newscrawler.cli", "crawl", "gen", "--db", str(db),
                 "--base-url", origin, "--set", "PROGRESS_INTERVAL=0"],
                env=env, capture_output=True, text=True)
            seconds = time.monotonic() - started
        if proc.returncode != 0:
            sys.exit(f"crawl failed ({proc.returncode}): {proc.stderr[-2000:]}")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        size_mb = db.stat().st_size / 1e6
    print(f"crawl of {pages:,} distinct pages: {seconds:.1f} s, {pages / seconds:.1f} pages/s")
    print(f"peak RSS of the crawl process: {peak_mb:.0f} MB"
          + ("" if args.quick else f" (goal: under {GOAL_MB} MB at 20,000 pages)"))
    print(f"archive: {size_mb:.1f} MB")


if __name__ == "__main__":
    main()
