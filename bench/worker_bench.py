"""CPU an extraction worker spends on a page, by stage, in this process.

Runs exactly the worker's per-page call (``newscrawler.extract.pool._extract_in_worker``,
with the steps a default crawl with an archive gives it: clean, split, places, template,
block, dates, archive with the stories' prints, links) over generated pages of
``tests/realistic_site.py`` (``large``: ~97 KB, ``small``: ~7 KB), then each stage alone on
the same pages, and prints CPU ms a page: the whole call, and per stage.

    python bench/worker_bench.py [--pages 200] [--rounds 3] [--size large|small|both]
        [--profile] [--instructions] [--quick]

``--profile``: cProfile of the whole call on the large pages (top 30 by own time).
``--instructions``: instructions a page instead of CPU time (valgrind's callgrind; exact on
a busy machine, ~50x slower: ``--pages 20``).
``--quick``: 10 pages, one round.

The same output, page for page: ``--dump FILE`` writes the worker's whole answer (every
field of what the crawl gets, the prepared item and what was prepared: places, prints,
hashes, dates, flags; the fetch time fixed) for ``--pages`` generated large and small pages,
the generated scale-test site (``tests/generated_site.py``), every HTML fixture under
``tests/fixtures`` and the HTML pages under ``--corpus-dir``; run it from two checkouts
(``PYTHONPATH=/other/checkout``) and ``--compare OLD NEW`` lists the pages that differ
(exit 1 when any does).
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from realistic_site import PROFILE, article_path, page_html

from archive import stories
from archive.fold import fold
from archive.hashing import content_hash
from archive.spellings import spellings_of
from newscrawler.extract import pool
from newscrawler.extract.articlelinks import article_links
from newscrawler.extract.pool import Steps, extract_bytes, fetch_time
from newscrawler.items import ArticleItem
from newscrawler.pipelines.block import block_facts
from newscrawler.pipelines.clean import clean_item, replacement_chars
from newscrawler.pipelines.dates import date_fields
from newscrawler.pipelines.split import split_item
from newscrawler.pipelines.template import drop_cta
from newscrawler.places.tagger import place_records
from newscrawler.profiles import SiteProfile, parse_profile
from newscrawler.settings import SPLIT_CREDIT_LINES
from newscrawler.text.templates import line_keys

ORIGIN = "http://127.0.0.1:8765"
ROOT = Path(__file__).resolve().parent.parent
FETCHED_AT = "2025-11-20T10:00:00+00:00"


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


def _clean(item: ArticleItem) -> None:
    """The worker's cleaning step."""
    replacement_chars(item)
    clean_item(item)


def _template(item: ArticleItem) -> None:
    """The worker's template step: call-to-action lines, then the line hashes."""
    drop_cta(item)
    line_keys(item.paragraphs)


def staged(site: list[tuple[str, bytes]], profile: SiteProfile, steps: Steps,
           spent: dict[str, float], mark: Callable[[str], None] | None = None) -> None:
    """The worker's steps one by one (as ``prepare_text`` runs them), CPU time each;
    ``mark(name)`` is called as each starts and ``mark("")`` as it ends."""
    clock = time.process_time

    def timed(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        if mark is not None:
            mark(name)
        t = clock()
        out = fn(*args)
        spent[name] = spent.get(name, 0.0) + clock() - t
        if mark is not None:
            mark("")
        return out

    for url, body in site:
        _, ex = timed("extract", extract_bytes, body, None, url, profile)
        item = ArticleItem(url=ex.url, site="", fetched_at="", is_article=ex.is_article,
                           title=ex.title, author=ex.author, category=ex.category,
                           tags=list(ex.tags), description=ex.description,
                           language=ex.language, blocks=list(ex.blocks), raw_html=body)
        timed("clean", _clean, item)
        timed("split", split_item, item, steps.credits)
        timed("template", _template, item)
        timed("places", place_records, item.title, item.body, item.credit,
              getattr(profile, "region", None))
        timed("block", block_facts, item)
        timed("content hash", content_hash, item.title or "", item.body)
        timed("story prints", stories.body_prints, item.body)
        title, text = item.title or "", item.body  # NFC and folded once, as for the prints
        timed("spellings", spellings_of, title, text, fold(title), fold(text))
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


def generated(n: int) -> Iterator[tuple[str, str, bytes]]:
    """(name, url, bytes) of generated pages: realistic large and small, the scale site."""
    from generated_site import make_site

    for size in ("large", "small"):
        for url, body in pages(size, n):
            yield f"{size}:{url}", url, body
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp), n) / "site" / "haber"
        for file in sorted(site.glob("*.html"), key=lambda f: int(f.stem))[:n]:
            url = f"{ORIGIN}/haber/{file.stem}"
            yield f"gen:{url}", url, file.read_bytes()


def html_files(folder: Path) -> Iterator[tuple[str, str, bytes]]:
    """(name, url, bytes) of every HTML page (``.html``, ``.htm``, gzipped too) under
    ``folder``."""
    for file in sorted(folder.rglob("*")):
        if not file.is_file() or not file.name.endswith((".html", ".htm", ".gz")):
            continue
        data = file.read_bytes()
        if file.name.endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except OSError:
                continue
        if b"<" not in data[:4096]:
            continue  # a gzipped JSON or text file, not a page
        # named from the folder on: two checkouts' fixtures compare as the same pages
        name = f"{folder.name}/{file.relative_to(folder)}"
        yield name, f"https://haber.example.com.tr/{file.stem.split('.')[0]}", data


def outcome(url: str, body: bytes) -> str:
    """The worker's whole answer for one page, as one line of text."""
    encoding, extracted, item = pool._extract_in_worker(body, None, url)
    parts = [encoding, repr(extracted)]
    if item is not None:
        parts += [f"{f}={getattr(item, f)!r}" for f in sorted(_item_fields(item))
                  if f != "prepared"]
        prepared = item.prepared
        if prepared is not None:
            parts += [f"prepared.{f.name}={_stable(getattr(prepared, f.name))!r}"
                      for f in fields(prepared)]
    return " | ".join(parts).replace("\n", "\\n")


def _stable(value: Any) -> Any:
    """``value``, a set as a sorted list: a set's order changes with the hash seed."""
    return sorted(value) if isinstance(value, (set, frozenset)) else value


def _item_fields(item: object) -> list[str]:
    """The item's field names (a dataclass or an attrs-like class)."""
    try:
        return [f.name for f in fields(item)]  # type: ignore[arg-type]
    except TypeError:
        return sorted(vars(item))


def dump(out: Path, n: int, corpus: Path | None, fixtures: bool) -> int:
    """Write every page's line to ``out`` (the fetch time fixed); returns the number of
    pages."""
    pool.fetch_time = lambda: FETCHED_AT
    sources = [generated(n)]
    if fixtures:
        sources.append(html_files(ROOT / "tests" / "fixtures"))
    if corpus is not None:
        sources.append(html_files(corpus))
    count = 0
    with out.open("w", encoding="utf-8") as f:
        for source in sources:
            for name, url, body in source:
                f.write(f"{name}\t{outcome(url, body)}\n")
                count += 1
    return count


def compare(old: Path, new: Path) -> int:
    """Print the pages whose lines differ; returns how many."""
    a = dict(line.split("\t", 1) for line in old.read_text(encoding="utf-8").splitlines())
    b = dict(line.split("\t", 1) for line in new.read_text(encoding="utf-8").splitlines())
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(a)} vs {len(b)} pages, {len(differ)} differ")
    return len(differ)


def instructions(size: str, n: int) -> None:
    """Print the instructions a page (millions) of the worker's call and of each stage,
    counted by valgrind's callgrind: exact and the same however busy the machine is (~1
    minute for 20 pages). The run marks each segment with a call of zlib's ``adler32``
    (``--dump-before``): one dump of the counts a segment."""
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is missing: apt-get install valgrind")
    with tempfile.TemporaryDirectory() as tmp:
        marks = Path(tmp) / "marks.json"
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--dump-before=adler32", "--dump-instr=no",
             f"--callgrind-out-file={tmp}/cg", sys.executable, __file__, "--size", size,
             "--pages", str(n), "--marks", str(marks)],
            check=True, capture_output=True)
        names: list[str] = json.loads(marks.read_text())
        dumps = sorted(Path(tmp).glob("cg.*"), key=lambda f: int(f.suffix[1:]))
        counts = [_instructions(f) for f in dumps[-len(names):]]
    totals: dict[str, int] = {}
    for i, name in enumerate(names[:-1]):
        if name:  # the segment from this mark to the next: its dump is the next mark's
            totals[name] = totals.get(name, 0) + counts[i + 1]
    print(f"{size} pages ({n}), millions of instructions a page (callgrind): worker call "
          f"{totals.pop('worker call') / n / 1e6:.2f}")
    print("  " + ", ".join(f"{k} {v / n / 1e6:.2f}" for k, v in totals.items())
          + f" (sum {sum(totals.values()) / n / 1e6:.2f})")


def _instructions(dump: Path) -> int:
    """The total instructions of one callgrind dump."""
    with dump.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    return 0


def marked_run(size: str, n: int, profile: SiteProfile, steps: Steps, out: Path) -> None:
    """Inside callgrind (:func:`instructions`): each page's worker call, then the stages of
    other pages (none cached yet), each between two marks; the marks' names go to ``out``."""
    site = pages(size, 2 * n + 3)
    whole(site[:3])  # warm: imports, caches
    names: list[str] = []

    def mark(name: str) -> None:
        names.append(name)
        zlib.adler32(b"")

    for url, body in site[3 : n + 3]:
        mark("worker call")
        pool._extract_in_worker(body, None, url)
        mark("")
    staged(site[n + 3 :], profile, steps, {}, mark)
    out.write_text(json.dumps(names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="generated pages a size")
    parser.add_argument("--rounds", type=int, default=3, help="passes; the least is shown")
    parser.add_argument("--size", choices=("large", "small", "both"), default="both")
    parser.add_argument("--profile", action="store_true", help="cProfile the large pages")
    parser.add_argument("--quick", action="store_true", help="10 pages, one round")
    parser.add_argument("--dump", type=Path, metavar="FILE", help="write every answer")
    parser.add_argument("--corpus-dir", type=Path, help="--dump: also the pages under it")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions under callgrind instead of CPU time")
    parser.add_argument("--marks", type=Path, help=argparse.SUPPRESS)  # inside callgrind
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(1 if compare(*args.compare) else 0)
    if args.quick:
        args.pages, args.rounds = 10, 1
    profile = crawl_profile()
    steps = crawl_steps(profile)
    pool._PROFILE, pool._STEPS = profile, steps
    if args.marks:
        marked_run(args.size, args.pages, profile, steps, args.marks)
        return
    if args.instructions:
        for size in ("large", "small") if args.size == "both" else (args.size,):
            instructions(size, args.pages)
        return
    if args.dump:
        corpus = args.corpus_dir if args.corpus_dir and args.corpus_dir.is_dir() else None
        count = dump(args.dump, args.pages, corpus, fixtures=True)
        print(f"{count} answers written to {args.dump} by {Path(pool.__file__).parents[2]}")
        return
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
