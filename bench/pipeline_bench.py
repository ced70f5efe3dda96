"""Articles per second through extraction, cleaning, splitting, dating and archiving.

Runs the same functions the crawl's item pipelines run (``newscrawler.offline``) over the
bundled sample pages, repeated under fresh URLs, and writes them to a fresh archive in
batches. Prints pages/s per stage and the peak memory of the process.

    python bench/pipeline_bench.py [--repeat 40] [--quick]

``--quick``: one pass over the sample pages.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from archive import Archive
from newscrawler.offline import article_from_html
from newscrawler.profiles import get_profile
from newscrawler.sample_server import SAMPLE_ROOT
from newscrawler.settings import SPLIT_CREDIT_LINES


def sample_pages() -> list[tuple[str, bytes]]:
    """(path, bytes) of every article page of the sample site."""
    profile = get_profile("sample")
    pages = []
    for file in sorted(SAMPLE_ROOT.glob("*.html")):
        path = "/" + file.stem
        if profile.is_article_url("http://127.0.0.1" + path):
            body = file.read_bytes().replace(b"{{ORIGIN}}", b"http://127.0.0.1:8765")
            pages.append((path, body))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="passes over the sample pages")
    parser.add_argument("--batch", type=int, default=100, help="articles per transaction")
    parser.add_argument("--quick", action="store_true", help="one pass (--repeat 1)")
    args = parser.parse_args()
    if args.quick:
        args.repeat = 1

    pages = sample_pages()
    profile = get_profile("sample")
    now = datetime.now(UTC)
    items = []
    t0 = time.perf_counter()
    for n in range(args.repeat):
        for path, body in pages:
            url = f"http://127.0.0.1:8765{path}-r{n}"
            items.append(article_from_html(body, url, site="sample", fetched_at=now,
                                           profile=profile, credit_lines=SPLIT_CREDIT_LINES))
    t_extract = time.perf_counter() - t0
    records = [i.record() for i in items if i.is_article and i.body]
    with tempfile.TemporaryDirectory() as tmp:
        t1 = time.perf_counter()
        with Archive(Path(tmp) / "bench.db") as store:
            for start in range(0, len(records), args.batch):
                store.save_articles(records[start:start + args.batch])
        t_archive = time.perf_counter() - t1
    total = len(items)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_kb = sum(len(b) for _, b in pages) / len(pages) / 1024
    print(f"pages: {total} ({len(pages)} sample pages x {args.repeat}, {size_kb:.1f} KB avg)")
    print(f"extract+clean+split+dates: {total / t_extract:8.0f} pages/s")
    print(f"archive (batches of {args.batch}): {len(records) / t_archive:8.0f} articles/s")
    print(f"end to end:                {total / (t_extract + t_archive):8.0f} articles/s")
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
