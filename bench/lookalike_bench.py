"""Look-alike queries (``su``, ``göl``, ``öldü``, ``şu``, ``çin``): ``count`` then ``search``
as the CLI runs them, the check answered by the exact-spelling table (``archive.spellings``)
against the check reading the texts (``spellings.USE_TABLE = False``), interleaved, on the
archive of ``bench/search_bench.py`` (built and cached by it; pass ``--db`` to work on a
copy: opening it with this code migrates it). An unchecked word shows no cost.

    python bench/lookalike_bench.py [--articles 100000] [--runs 2] [--db PATH] [--quick]
    python bench/lookalike_bench.py --write [--articles 20000]  # the table's write cost

``--write``: ``Archive.save_articles`` (stories off) of ``bench/archive_bench.py``'s
articles into two archives, one without the table, batch by batch interleaved: articles
per CPU second and file size of each, the ratio overall and in the last quarter (once the
words and stems met are decided). ``--quick``: 1,000 articles, one run (seconds; no goal).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import archive_bench  # bench/archive_bench.py: the write benchmark's articles
import search_bench  # bench/search_bench.py: the archive generator

from archive import Archive, count, search, spellings

WORDS = ["su", "göl", "öldü", "şu", "çin", "belediye"]


def once(archive: Archive, word: str, table: bool) -> tuple[float, int]:
    """Seconds of ``count`` then ``search`` (as the CLI), the check answered by the table
    when ``table``, else by reading the texts; and the count."""
    searching = sys.modules["archive.search"]
    searching._LAST_REJECTED.clear()
    spellings.USE_TABLE = table
    try:
        start = time.perf_counter()
        total = count(archive, word)
        if total:
            search(archive, word, limit=20)
        return time.perf_counter() - start, total
    finally:
        spellings.USE_TABLE = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="archive size")
    parser.add_argument("--runs", type=int, default=2, help="timed runs of each variant")
    parser.add_argument("--db", type=Path, help="archive to use (default: search_bench's)")
    parser.add_argument("--quick", action="store_true", help="1,000 articles, one run")
    parser.add_argument("--write", action="store_true", help="the table's write cost")
    args = parser.parse_args()
    if args.quick:
        args.articles, args.runs = 1000, 1
    if args.write:
        with tempfile.TemporaryDirectory() as folder:
            write_cost(Path(folder), args.articles if args.articles != 100_000 else 20_000)
    elif args.quick:
        with tempfile.TemporaryDirectory() as folder:
            run(Path(folder) / "quick.db", args)
    else:
        run(args.db or search_bench.default_db(args.articles), args)


def write_cost(folder: Path, n: int) -> None:
    """Archive ``n`` articles with and without the table, interleaved; print the ratio."""
    writers = {"with table": archive_bench.Ours(folder / "with.db", with_stories=False),
               "without": archive_bench.Ours(folder / "without.db", with_stories=False)}
    conn = writers["without"].archive.conn
    for table in (spellings.ARTICLE_SPELLINGS, spellings.SPELLINGS, spellings.RULES_TABLE):
        conn.execute(f"DROP TABLE {table}")  # archive.spellings.Queue: nothing to feed
    conn.commit()
    seconds = {name: 0.0 for name in writers}
    late = {name: 0.0 for name in writers}  # the last quarter: words and stems seen
    generator = archive_bench.Generator()
    while generator.n < n:
        records = generator.batch(min(archive_bench.BATCH, n - generator.n))
        for name, writer in writers.items():
            start = time.process_time()  # CPU time: the machine's load stays out of it
            writer.save(records)
            seconds[name] += time.process_time() - start
            if generator.n > n * 3 // 4:
                late[name] += time.process_time() - start
    start = time.process_time()  # what optimize and the end of a crawl pay for the table
    filled = writers["with table"].archive.fill_spellings()
    fill = time.process_time() - start
    rows = writers["with table"].archive.conn.execute(
        f"SELECT count(*) FROM {spellings.ARTICLE_SPELLINGS}").fetchone()[0]
    for writer in writers.values():
        writer.close()
    size = {name: (folder / ("with.db" if name == "with table" else "without.db")).stat().st_size
            for name in writers}
    for name in writers:
        print(f"{name:<11} {n / seconds[name]:8,.0f} articles/CPU s  file "
              f"{size[name] / 2**20:8.1f} MB")
    print(f"exact-spelling table: {rows / n:.1f} rows an article; write speed "
          f"{seconds['without'] / seconds['with table']:.2f}x without it (last quarter "
          f"{late['without'] / max(late['with table'], 1e-9):.2f}x), file "
          f"{size['with table'] / size['without']:.3f}x")
    print(f"filling it afterwards (optimize, end of a crawl): {filled:,} articles in "
          f"{fill:.2f} CPU s, {fill / max(filled, 1) * 1000:.3f} ms an article")


def run(path: Path, args: argparse.Namespace) -> None:
    """Build the archive when missing, then time every word."""
    if not path.exists():
        print(f"building {args.articles} articles at {path}", file=sys.stderr)
        search_bench.build(path, args.articles, 100)
    ratios = []
    with Archive(path) as archive:
        if filled := archive.fill_spellings():
            print(f"recorded the spellings of {filled} articles", file=sys.stderr)
        print(f"{'query':<10} {'matches':>8} {'text s':>8} {'table s':>8} {'ratio':>6}")
        for word in WORDS:
            texts, table = [], []
            for _ in range(args.runs):
                seconds, total = once(archive, word, table=False)
                texts.append(seconds)
                table.append(once(archive, word, table=True)[0])
            ratio = statistics.median(table) / max(statistics.median(texts), 1e-9)
            if word != "belediye":
                ratios.append(ratio)
            print(f"{word:<10} {total:>8} {statistics.median(texts):>8.3f} "
                  f"{statistics.median(table):>8.3f} {ratio:>6.2f}")
    print(f"look-alike queries (count then search), exact-spelling table vs reading the "
          f"texts: median ratio {statistics.median(ratios):.2f}, worst {max(ratios):.2f} "
          f"(lower is better)")


if __name__ == "__main__":
    main()
