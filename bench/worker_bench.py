"""CPU an extraction worker spends on a page, by stage, in this process.

Runs exactly the worker's per-page call (``newscrawler.extract.pool._extract_in_worker``,
with the steps a default crawl with an archive gives it: clean, split, places, template,
block, dates, archive with the stories' prints, links) over generated pages of
``tests/realistic_site.py`` (``large``: ~97 KB, ``small``: ~7 KB), then each stage alone on
the same pages, and prints CPU ms a page: the whole call, and per stage.

    python bench/worker_bench.py [--pages 200] [--rounds 3] [--size large|small|both]
        [--profile] [--quick]

``--profile``: cProfile of the whole call on the large pages (top 30 by own time).
``--quick``: 10 pages, one round.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from realistic_site import PROFILE, article_path, page_html  # noqa: E402

from archive import stories  # noqa: E402
from archive.hashing import content_hash  # noqa: E402
from newscrawler.extract import pool  # noqa: E402
from newscrawler.extract.articlelinks import article_links  # noqa: E402
from newscrawler.extract.pool import Steps, extract_bytes, fetch_time  # noqa: E402
from newscrawler.items import ArticleItem  # noqa: E402
from newscrawler.pipelines.block import block_facts  # noqa: E402
from newscrawler.pipelines.clean import clean_item, replacement_chars  # noqa: E402
from newscrawler.pipelines.dates import date_fields  # noqa: E402
from newscrawler.pipelines.split import split_item  # noqa: E402
from newscrawler.pipelines.template import drop_cta  # noqa: E402
from newscrawler.places.tagger import place_records  # noqa: E402
from newscrawler.profiles import SiteProfile, parse_profile  # noqa: E402
from newscrawler.settings import SPLIT_CREDIT_LINES  # noqa: E402
from newscrawler.text.templates import line_keys  # noqa: E402

ORIGIN = "http://127.0.0.1:8765"


def crawl_profile() -> SiteProfile:
    """The generated site's profile (``realistic``), as a crawl of it loads it."""
    return parse_profile(PROFILE, Path("realistic.toml"))


def crawl_steps(profile: SiteProfile) -> Steps:
    """The steps a default crawl with an archive sends its worker (raw pages stay in the
    crawl's process by default)."""
    return Steps(clean=True, split=True, places=True,
                 credits=(*profile.credit, *SPLIT_CREDIT_LINES), template=True, block=True,
                 dates=True, archive=True, stories=True, links=True)


def pages(size: str, n: int) -> list[tuple[str, bytes]]:
    """(url, bytes) of ``n`` generated pages of ``size``."""
    return [(ORIGIN + article_path(i), page_html(i, n, size=size).encode())
            for i in range(1, n + 1)]


def whole(site: list[tuple[str, bytes]]) -> None:
    """The worker's call on every page."""
    for url, body in site:
        pool._extract_in_worker(body, None, url)


def staged(site: list[tuple[str, bytes]], profile: SiteProfile, steps: Steps,
           spent: dict[str, float]) -> None:
    """The worker's steps one by one (as ``prepare_text`` runs them), CPU time each."""
    clock = time.process_time

    def timed(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        t = clock()
        out = fn(*args)
        spent[name] = spent.get(name, 0.0) + clock() - t
        return out

    for url, body in site:
        _, ex = timed("extract", extract_bytes, body, None, url, profile)
        item = ArticleItem(url=ex.url, site="", fetched_at="", is_article=ex.is_article,
                           title=ex.title, author=ex.author, category=ex.category,
                           tags=list(ex.tags), description=ex.description,
                           language=ex.language, blocks=list(ex.blocks), raw_html=body)
        timed("clean", lambda: (replacement_chars(item), clean_item(item)))
        timed("split", split_item, item, steps.credits)
        timed("template", lambda: (drop_cta(item), line_keys(item.paragraphs)))
        timed("places", place_records, item.title, item.body, item.credit,
              getattr(profile, "region", None))
        timed("block", block_facts, item)
        timed("content hash", content_hash, item.title or "", item.body)
        timed("story prints", stories.body_prints, item.body)
        timed("dates", date_fields, list(ex.date_candidates), fetch_time())
        timed("links", article_links, ex, profile)


def measure(size: str, n: int, rounds: int, profile: SiteProfile, steps: Steps) -> None:
    """Print CPU ms a page of the whole call and of each stage (the least of ``rounds``)."""
    site = pages(size, n)
    kb = sum(len(b) for _, b in site) / len(site) / 1024
    whole(site[:3])  # warm: imports, caches
    best_whole = float("inf")
    best: dict[str, float] = {}
    for _ in range(rounds):
        t = time.process_time()
        whole(site)
        best_whole = min(best_whole, (time.process_time() - t) / n * 1000)
        spent: dict[str, float] = {}
        staged(site, profile, steps, spent)
        for name, value in spent.items():
            best[name] = min(best.get(name, float("inf")), value / n * 1000)
    print(f"{size} pages (~{kb:.0f} KB, {n} pages, least of {rounds} rounds): "
          f"worker call {best_whole:.2f} ms CPU/page")
    print("  " + ", ".join(f"{name} {ms:.2f}" for name, ms in best.items())
          + f" (sum {sum(best.values()):.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="generated pages a size")
    parser.add_argument("--rounds", type=int, default=3, help="passes; the least is shown")
    parser.add_argument("--size", choices=("large", "small", "both"), default="both")
    parser.add_argument("--profile", action="store_true", help="cProfile the large pages")
    parser.add_argument("--quick", action="store_true", help="10 pages, one round")
    args = parser.parse_args()
    if args.quick:
        args.pages, args.rounds = 10, 1
    profile = crawl_profile()
    steps = crawl_steps(profile)
    pool._PROFILE, pool._STEPS = profile, steps
    if args.profile:
        site = pages("large", args.pages)
        whole(site[:3])
        prof = cProfile.Profile()
        prof.runcall(whole, site)
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        return
    for size in ("large", "small") if args.size == "both" else (args.size,):
        measure(size, args.pages, args.rounds, profile, steps)


if __name__ == "__main__":
    main()
