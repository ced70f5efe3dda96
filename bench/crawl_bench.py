"""Crawl rate of a loopback copy of the sample site, with and without the item pipelines.

Builds a site of N article pages (the sample articles under new URLs, listed in one
sitemap), serves it on 127.0.0.1 with the same server as the demo, and crawls it twice
through the real Scrapy engine with the ``newscrawler crawl`` command: once with every
pipeline on, once with ``ITEM_PIPELINES={}``.

    python bench/crawl_bench.py [--pages 1000] [--quick]

``--quick``: 30 pages (seconds; CI runs it to keep the script working).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newscrawler.profiles import get_profile
from newscrawler.sample_server import SAMPLE_ROOT, serve

PROFILE = """name = "benchsite"
base_url = "http://127.0.0.1:1/"
article_pattern = '^/[a-z0-9-]+-\\d+$'
[discovery]
sitemaps = ["/sitemap.xml"]
"""


def build_site(root: Path, pages: int) -> None:
    """Write ``pages`` article pages and a sitemap listing them under ``root``."""
    sample = get_profile("sample")
    sources = [f for f in sorted(SAMPLE_ROOT.glob("*.html"))
               if sample.is_article_url("http://x/" + f.stem)]
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    locs = []
    for n in range(pages):
        src = sources[n % len(sources)]
        name = f"{src.stem.rsplit('-', 1)[0]}-{200000 + n}"
        (root / f"{name}.html").write_bytes(src.read_bytes())
        locs.append(f"<url><loc>{{{{ORIGIN}}}}/{name}</loc></url>")
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(locs) + "</urlset>\n")
    headers = SAMPLE_ROOT / "_headers.json"
    if headers.exists():
        (root / "_headers.json").write_text(headers.read_text("utf-8"))


def crawl(origin: str, sites: Path, db: Path, *extra: str) -> tuple[int, float]:
    """Run one crawl; return (pages fetched, seconds of the crawl itself)."""
    env = {**os.environ, "NEWSCRAWLER_SITES_DIR": str(sites)}
    out = subprocess.run(
        [sys.executable, "-m", "newscrawler.cli", "crawl", "benchsite", "--db", str(db),
         "--base-url", origin, "--set", "PROGRESS_INTERVAL=0",
         "--set", "NEWSCRAWLER_FOLLOW_ARTICLE_LINKS=False",
         "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=16", *extra],
        env=env, capture_output=True, text=True, check=False).stdout
    pages = int(re.search(r"pages fetched\s+(\d+)", out).group(1))  # type: ignore[union-attr]
    seconds = float(re.search(r"in ([\d.]+)s", out).group(1))  # type: ignore[union-attr]
    return pages, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="30 pages")
    args = parser.parse_args()
    if args.quick:
        args.pages = 30
    with tempfile.TemporaryDirectory() as tmp:
        root, sites = Path(tmp) / "site", Path(tmp) / "sites"
        root.mkdir()
        sites.mkdir()
        (sites / "benchsite.toml").write_text(PROFILE)
        build_site(root, args.pages)
        with serve(root) as origin:
            for label, extra in (("with pipelines", ()),
                                 ("without pipelines", ("--set", "ITEM_PIPELINES={}"))):
                db = Path(tmp) / f"{label.split()[0]}.db"
                t0 = time.perf_counter()
                pages, seconds = crawl(origin, sites, db, *extra)
                wall = time.perf_counter() - t0
                print(f"{label:<18} {pages} pages in {seconds:.1f}s: "
                      f"{pages / seconds:6.0f} pages/s (process wall time {wall:.1f}s)")


if __name__ == "__main__":
    main()
