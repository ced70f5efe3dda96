"""Look-alike queries (``su``, ``göl``, ``öldü``, ``şu``, ``çin``): ``count`` then ``search``
as the CLI runs them, reading the texts once (the check's answer shared) against twice
(the answer forgotten between the two, as before), interleaved, on the archive of
``bench/search_bench.py`` (built and cached by it). An unchecked word shows no cost.

    python bench/lookalike_bench.py [--articles 100000] [--runs 2] [--db PATH] [--quick]

``--quick``: 1,000 articles in a temporary archive, one run (seconds; no goal).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_bench  # bench/search_bench.py: the archive generator

from archive import Archive, count, search

WORDS = ["su", "göl", "öldü", "şu", "çin", "belediye"]


def once(archive: Archive, word: str, forget: bool) -> tuple[float, int]:
    """Seconds of ``count`` then ``search`` (as the CLI), the check's answer forgotten
    between them when ``forget``; and the count."""
    searching = sys.modules["archive.search"]
    searching._LAST_REJECTED.clear()
    start = time.perf_counter()
    total = count(archive, word)
    if forget:
        searching._LAST_REJECTED.clear()
    if total:
        search(archive, word, limit=20)
    return time.perf_counter() - start, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="archive size")
    parser.add_argument("--runs", type=int, default=2, help="timed runs of each variant")
    parser.add_argument("--db", type=Path, help="archive to use (default: search_bench's)")
    parser.add_argument("--quick", action="store_true", help="1,000 articles, one run")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.runs = 1000, 1
        with tempfile.TemporaryDirectory() as folder:
            run(Path(folder) / "quick.db", args)
    else:
        run(args.db or search_bench.default_db(args.articles), args)


def run(path: Path, args: argparse.Namespace) -> None:
    """Build the archive when missing, then time every word."""
    if not path.exists():
        print(f"building {args.articles} articles at {path}", file=sys.stderr)
        search_bench.build(path, args.articles, 100)
    ratios = []
    with Archive(path) as archive:
        print(f"{'query':<10} {'matches':>8} {'twice s':>8} {'once s':>8} {'ratio':>6}")
        for word in WORDS:
            twice, shared = [], []
            for _ in range(args.runs):
                seconds, total = once(archive, word, forget=True)
                twice.append(seconds)
                shared.append(once(archive, word, forget=False)[0])
            ratio = statistics.median(shared) / max(statistics.median(twice), 1e-9)
            if word != "belediye":
                ratios.append(ratio)
            print(f"{word:<10} {total:>8} {statistics.median(twice):>8.2f} "
                  f"{statistics.median(shared):>8.2f} {ratio:>6.2f}")
    print(f"look-alike queries, texts read once vs twice: median ratio "
          f"{statistics.median(ratios):.2f} (lower is better)")


if __name__ == "__main__":
    main()
