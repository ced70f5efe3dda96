"""What finding stories costs: per article at archive time, and a full rebuild.

    python bench/stories_bench.py              # 100,000 articles (several minutes)
    python bench/stories_bench.py --quick      # 2,000 articles (seconds; CI runs it)
    python bench/stories_bench.py --articles 20000 --db /tmp/stories.db

Generates synthetic articles from a seeded generator (made-up words in Turkish-like
syllables, 4-6 paragraphs of 25-45 words; 30% carry one of 40 boilerplate sentences, so
band buckets are shared as in a real archive; 20% are edited copies of an earlier article:
new intro, cut ending, reordered paragraphs, words changed) and archives them through
``Archive.save_articles`` in batches of 100, as a crawl does. Reports:

- the cost of stories per article at archive time: the same batches saved with and without
  ``archive.stories.assign`` (the difference), at the start and at the end of the archive
  (constant time: the end costs what the start does);
- a full ``stories --rebuild`` of the archive (``Archive.rebuild_stories``);
- how many stories, copies found against copies generated, and the file size.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import Archive, stories  # noqa: E402

BATCH = 100
SYLLABLES = [c + v for c in "bcçdfgğhjklmnprsştvyz" for v in "aeıioöuü"]


def _vocabulary(rng: random.Random, n: int = 20_000) -> list[str]:
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(n)]


def generate(n: int, seed: int = 10) -> Iterator[dict[str, Any]]:
    """``n`` synthetic article records, one in five an edited copy of an earlier one."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    boilerplate = [" ".join(rng.choices(words, k=30)) + "." for _ in range(40)]
    start = datetime.fromisoformat("2025-01-01T08:00:00+03:00")
    originals: list[list[str]] = []
    for i in range(n):
        when = (start + timedelta(minutes=5 * i)).isoformat()
        if originals and rng.random() < 0.2:
            source = rng.choice(originals[-2000:])
            kept = source[: max(2, len(source) * rng.randint(5, 10) // 10)]
            if rng.random() < 0.3:
                kept = kept[1:2] + kept[:1] + kept[2:]
            paragraphs = [" ".join(rng.choices(words, k=12)) + ".", *kept]
            body = "\n\n".join(paragraphs)
            for word in rng.sample(words, 3):
                body = body.replace(rng.choice(body.split()), word, 1)
        else:
            paragraphs = [" ".join(rng.choices(words, k=rng.randint(25, 45))) + "."
                          for _ in range(rng.randint(4, 6))]
            if rng.random() < 0.3:
                paragraphs.append(rng.choice(boilerplate))
            originals.append(paragraphs)
            body = "\n\n".join(paragraphs)
        yield {"url": f"https://site{i % 40}.example/{i}", "site": f"site{i % 40}",
               "title": " ".join(rng.choices(words, k=6)), "body": body, "published_at": when}


def _save(archive: Archive, records: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    for i in range(0, len(records), BATCH):
        archive.save_articles(records[i : i + BATCH])
    return time.perf_counter() - started


def _per_article(archive: Archive, records: list[dict[str, Any]]) -> tuple[float, float]:
    """Milliseconds per article saved with stories, and without (``assign`` a no-op)."""
    with_stories = _save(archive, records) / len(records) * 1000
    saved = stories.assign, stories.unassign
    stories.assign = lambda *args, **kwargs: 0  # type: ignore[assignment]
    try:
        probe = [{**r, "url": r["url"] + "/plain"} for r in records]
        without = _save(archive, probe) / len(records) * 1000
    finally:
        stories.assign, stories.unassign = saved
    archive.conn.execute("DELETE FROM articles WHERE url LIKE '%/plain'")
    archive.conn.commit()
    return with_stories, without


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 articles")
    parser.add_argument("--db", type=Path, help="archive file (default: a temporary one)")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else args.articles
    records = list(generate(n))
    stories.signature(range(10))  # import datasketch (0.5 s, once a process) before timing
    probe_n = min(1000, n // 10)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "stories.db"
        path.unlink(missing_ok=True)
        with Archive(path) as archive:
            first_with, first_without = _per_article(archive, records[:probe_n])
            started = time.perf_counter()
            _save(archive, records[probe_n : n - probe_n])
            bulk = time.perf_counter() - started
            last_with, last_without = _per_article(archive, records[n - probe_n :])
            generated = sum(1 for r in records if r["body"].count("\n\n") and
                            r["body"].split("\n\n", 1)[0].count(" ") == 11)
            found = archive.conn.execute(
                "SELECT count(*) - count(DISTINCT story_id) FROM articles").fetchone()[0]
            started = time.perf_counter()
            n_stories = archive.rebuild_stories()
            rebuild = time.perf_counter() - started
            bands = archive.conn.execute("SELECT count(*) FROM story_bands").fetchone()[0]
        size = path.stat().st_size / 2**20
    print(f"{n:,} synthetic articles ({generated:,} edited copies generated), batches of {BATCH}")
    print(f"archive time, first {probe_n:,} articles: {first_with:.2f} ms/article with stories, "
          f"{first_without:.2f} without: stories cost {first_with - first_without:.2f} ms")
    print(f"archive time, last {probe_n:,} articles:  {last_with:.2f} ms/article with stories, "
          f"{last_without:.2f} without: stories cost {last_with - last_without:.2f} ms")
    print(f"archiving all {n:,}: {bulk + (first_with + last_with) * probe_n / 1000:.1f} s")
    print(f"rebuild of {n:,} articles: {rebuild:.1f} s ({rebuild / n * 1000:.2f} ms/article); "
          f"{n_stories:,} stories, {n - n_stories:,} articles joined a story "
          f"({found:,} at archive time), {bands:,} band rows, file {size:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
