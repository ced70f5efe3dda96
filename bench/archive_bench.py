"""Archive write speed and file size against sqlite-utils storing the same content (goal 2).

    python bench/archive_bench.py                  # 100,000 articles (minutes)
    python bench/archive_bench.py --quick          # 2,000 articles (seconds; CI runs it)
    python bench/archive_bench.py --articles 20000 --no-stories --dir /tmp/ab

Generates articles of the issue's shape from a seeded generator (about 3.6 KB bodies of
Turkish-like words with Turkish letters, 15 headlines each; one in five an edited copy of
an earlier article and three in ten carrying a boilerplate sentence, so stories has work
to do) one batch of 100 at a time (the crawl's ``ARCHIVE_BATCH_SIZE``), and writes each
batch, in turn, into:

- the baseline: sqlite-utils ``insert_all`` of the articles and of their headlines rows,
  one transaction a batch, into tables with ``enable_fts(["title", "body"],
  create_triggers=True)`` (same tokenizer as ours; WAL and ``synchronous=NORMAL``, as the
  archive runs);
- ``Archive.save_articles`` without stories (``archive.stories.assign`` switched off);
- ``Archive.save_articles`` as the crawl runs it, stories included (unless ``--no-stories``);
- with ``--url-index``, a second reference: the baseline plus a unique index on ``url``
  (the archive keeps one URL an article, the baseline keeps none; this variant shows how
  much of the archive's degradation comes from that index's scattered page writes).

Interleaving the three batch by batch puts the machine's noise on all of them alike. Each
variant's articles/s counts only its own write time (generation excluded). The CPU
milliseconds an article in the first and last 10k (the process's own time) show the
degradation with less of the load of a shared machine in it than wall-clock rates do.
Raw pages are not part of this comparison (the baseline has none).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import Archive, stories  # noqa: E402
from archive.schema import FTS_TOKENIZE  # noqa: E402

BATCH = 100
HEADLINES = 15
BODY_CHARS = 3600
_SYLLABLES = [c + v for c in "bcçdfgğhjklmnprsştvyz" for v in "aeıioöuü"]


def _words(rng: random.Random, n: int = 20_000) -> list[str]:
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(n)]


class Generator:
    """Deterministic article records, produced one batch at a time (constant memory)."""

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.words = _words(self.rng)
        self.boilerplate = [" ".join(self.rng.choices(self.words, k=30)) + "."
                            for _ in range(40)]
        self.originals: list[list[str]] = []
        self.start = datetime.fromisoformat("2025-01-01T08:00:00+03:00")
        self.n = 0

    def _sentence(self, k: int) -> str:
        words = self.rng.choices(self.words, k=k)
        return " ".join(words).capitalize() + "."

    def _body(self) -> str:
        rng = self.rng
        if self.originals and rng.random() < 0.2:  # an edited copy of a recent article
            source = rng.choice(self.originals[-2000:])
            kept = source[: max(3, len(source) * rng.randint(6, 10) // 10)]
            paragraphs = [self._sentence(14), *kept]
            body = "\n\n".join(paragraphs)
            for word in rng.sample(self.words, 3):
                body = body.replace(rng.choice(body.split()), word, 1)
            return body
        paragraphs: list[str] = []
        size = 0
        while size < BODY_CHARS:
            paragraph = " ".join(self._sentence(rng.randint(8, 16)) for _ in range(3))
            paragraphs.append(paragraph)
            size += len(paragraph) + 2
        if rng.random() < 0.3:
            paragraphs.append(rng.choice(self.boilerplate))
        self.originals.append(paragraphs)
        del self.originals[:-2000]
        return "\n\n".join(paragraphs)

    def batch(self, size: int = BATCH) -> list[dict[str, Any]]:
        """The next ``size`` records."""
        out = []
        for _ in range(size):
            i = self.n
            self.n += 1
            site = f"site{i % 40}"
            when = (self.start + timedelta(minutes=5 * i)).isoformat()
            out.append({
                "url": f"https://{site}.example/haber/{i}",
                "site": site,
                "title": self._sentence(8),
                "body": self._body(),
                "published_at": when,
                "author": f"Muhabir {i % 300}",
                "category": ("gündem", "spor", "ekonomi", "yaşam")[i % 4],
                "language": "tr",
                "fetched_at": when,
                "headlines": [
                    {"position": p, "title": self._sentence(7),
                     "url": f"https://{site}.example/haber/{max(0, i - p)}"}
                    for p in range(1, HEADLINES + 1)
                ],
            })
        return out


class Baseline:
    """sqlite-utils ``insert_all`` with full-text triggers: the floor we measure against."""

    def __init__(self, path: Path, *, url_index: bool = False) -> None:
        from sqlite_utils import Database

        self.db = Database(path)
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db["articles"].create({  # type: ignore[union-attr]
            "id": int, "url": str, "site": str, "title": str, "body": str,
            "published_at": str, "author": str, "category": str, "language": str,
            "fetched_at": str,
        }, pk="id")
        self.db["headlines"].create(  # type: ignore[union-attr]
            {"article_id": int, "position": int, "title": str, "url": str},
            pk=("article_id", "position"),
        )
        self.db["articles"].enable_fts(  # type: ignore[union-attr]
            ["title", "body"], create_triggers=True, tokenize=FTS_TOKENIZE
        )
        if url_index:
            self.db["articles"].create_index(["url"], unique=True)  # type: ignore[union-attr]
        self.next_id = 1

    def save(self, records: list[dict[str, Any]]) -> None:
        """One transaction: the articles, then their headlines."""
        articles, headlines = [], []
        for record in records:
            row = {k: v for k, v in record.items() if k != "headlines"}
            row["id"] = self.next_id
            articles.append(row)
            headlines += [{"article_id": self.next_id, **h} for h in record["headlines"]]
            self.next_id += 1
        with self.db.conn:
            self.db["articles"].insert_all(articles)  # type: ignore[union-attr]
            self.db["headlines"].insert_all(headlines)  # type: ignore[union-attr]

    def close(self) -> None:
        """Close (checkpoints the WAL into the file)."""
        self.db.close()


class Ours:
    """``Archive.save_articles``, with or without stories."""

    def __init__(self, path: Path, *, with_stories: bool) -> None:
        self.archive = Archive(path)
        self.with_stories = with_stories

    def save(self, records: list[dict[str, Any]]) -> None:
        """One ``save_articles`` call, as the crawl's archive pipeline makes."""
        if self.with_stories:
            self.archive.save_articles(records)
            return
        saved = stories.assign, stories.unassign
        stories.assign = lambda *args, **kwargs: 0  # type: ignore[assignment]
        stories.unassign = lambda *args, **kwargs: None  # type: ignore[assignment]
        try:
            self.archive.save_articles(records)
        finally:
            stories.assign, stories.unassign = saved

    def close(self) -> None:
        """Close (checkpoints the WAL into the file)."""
        self.archive.close()


def _rate(seconds: list[float], articles: int) -> float:
    return articles / sum(seconds) if seconds else 0.0


def run(n: int, directory: Path, *, with_stories: bool,
        url_index: bool = False) -> dict[str, dict[str, float]]:
    """Write ``n`` articles into each variant, batch by batch in turn; figures per variant."""
    makers: dict[str, Callable[[Path], Any]] = {
        "baseline": Baseline,
        "archive": lambda p: Ours(p, with_stories=False),
    }
    if url_index:
        makers["baseline+url"] = lambda p: Baseline(p, url_index=True)
    if with_stories:
        makers["archive+stories"] = lambda p: Ours(p, with_stories=True)
    paths = {name: directory / f"{name}.db" for name in makers}
    for path in paths.values():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    writers = {name: make(paths[name]) for name, make in makers.items()}
    stories.signature(range(10))  # import the MinHash code before timing
    batch_times: dict[str, list[float]] = {name: [] for name in writers}
    batch_cpu: dict[str, list[float]] = {name: [] for name in writers}
    generator = Generator()
    for _ in range(0, n, BATCH):
        records = generator.batch(min(BATCH, n - generator.n))
        for name, writer in writers.items():
            started, cpu = time.perf_counter(), time.process_time()
            writer.save(records)
            batch_times[name].append(time.perf_counter() - started)
            batch_cpu[name].append(time.process_time() - cpu)
    for writer in writers.values():
        writer.close()
    segment = max(1, min(10_000, n // 10) // BATCH)
    figures: dict[str, dict[str, float]] = {}
    for name, times in batch_times.items():
        first = _rate(times[:segment], segment * BATCH)
        last = _rate(times[-segment:], segment * BATCH)
        cpu = batch_cpu[name]
        figures[name] = {
            # CPU ms an article (the process's, system time included): what the load of a
            # shared machine changes least, unlike the wall-clock rates.
            "cpu_first": sum(cpu[:segment]) / (segment * BATCH) * 1000,
            "cpu_last": sum(cpu[-segment:]) / (segment * BATCH) * 1000,
            "rate": _rate(times, n),
            "first": first,
            "last": last,
            "degradation": (last / first - 1) * 100 if first else 0.0,
            "mb": paths[name].stat().st_size / 2**20,
            "segment": segment * BATCH,
        }
    base = batch_times["baseline"]
    for name, times in batch_times.items():
        if name != "baseline":
            figures[name]["noise"] = _ratio_noise(base, times, segment)
    return figures


def _ratio_noise(base: list[float], ours: list[float], segment: int) -> float:
    """Two standard errors of the change of the batch-by-batch speed ratio (``base`` time
    over ``ours``) from the first ``segment`` batches to the last: how far apart the two
    segments' ratios may fall from the machine's noise alone."""
    def variance_of_mean(ratios: list[float]) -> float:
        if len(ratios) < 2:
            return 0.0
        mean = sum(ratios) / len(ratios)
        return sum((r - mean) ** 2 for r in ratios) / (len(ratios) - 1) / len(ratios)

    ratios = [b / o if o else 0.0 for b, o in zip(base, ours, strict=True)]
    first, last = ratios[:segment], ratios[-segment:]
    return 2 * (variance_of_mean(first) + variance_of_mean(last)) ** 0.5


def report(figures: dict[str, dict[str, float]], n: int) -> None:
    """The figures, one line each, and the goal's ratios."""
    base = figures["baseline"]
    seg = int(base["segment"])
    print(f"{n:,} articles (~{BODY_CHARS / 1000:.1f} KB bodies, {HEADLINES} headlines each), "
          f"batches of {BATCH}, variants interleaved batch by batch")
    for name, f in figures.items():
        print(f"{name:16} {f['rate']:7,.0f} articles/s; first {seg:,}: {f['first']:7,.0f}, "
              f"last {seg:,}: {f['last']:7,.0f} ({f['degradation']:+.0f}%); "
              f"file {f['mb']:,.1f} MB")
    for name, f in figures.items():
        change = (f["cpu_first"] / f["cpu_last"] - 1) * 100
        print(f"{name:16} CPU {f['cpu_first']:.3f} ms an article in the first {seg:,}, "
              f"{f['cpu_last']:.3f} in the last ({change:+.0f}% articles per CPU second)")
    if "baseline+url" in figures:
        ref, ours = figures["baseline+url"], figures["archive"]
        first, last = ours["first"] / ref["first"], ours["last"] / ref["last"]
        print(f"archive against baseline+url (a unique URL index, as the archive keeps): "
              f"degradation {ours['degradation']:+.0f}% vs {ref['degradation']:+.0f}%, speed "
              f"ratio {first:.2f}x in the first {seg:,}, {last:.2f}x in the last: "
              f"{'no worse' if last >= first else 'worse'}")
    for name, f in figures.items():
        if name.startswith("baseline"):
            continue
        speed = f["rate"] / base["rate"]
        size = f["mb"] / base["mb"]
        # Same test as "degradation no worse", robust to the machine's load changing
        # during the run: the speed ratio in the last 10k against that in the first 10k.
        first, last = f["first"] / base["first"], f["last"] / base["last"]
        worse = last < first
        met = speed >= 0.9 and size <= 1.2 and not worse
        # A drop smaller than the noise of the batch-by-batch ratios is not told apart
        # from none: said so, and still not counted as met.
        noise = f.get("noise", 0.0)
        within = worse and first - last <= noise
        print(f"goal 2, {name}: speed {speed:.2f}x baseline (goal >= 0.9), degradation "
              f"{f['degradation']:+.0f}% vs {base['degradation']:+.0f}% (goal: no worse; "
              f"speed ratio {first:.2f}x in the first {seg:,}, {last:.2f}x in the last, "
              f"noise ±{noise:.2f}), size {size:.2f}x (goal <= 1.2): "
              + ("MET" if met else "not met"
                 + (" (the drop is within the run's noise)" if within else "")))
    if "archive+stories" in figures:
        with_s, without = figures["archive+stories"], figures["archive"]
        for label, key in (("overall", "rate"), (f"first {seg:,}", "first"),
                           (f"last {seg:,}", "last")):
            cost = (1 / with_s[key] - 1 / without[key]) * 1000 if with_s[key] else 0.0
            print(f"stories' share, {label}: {cost:.2f} ms/article "
                  f"({cost / (1000 / with_s[key]) * 100:.0f}% of the archive's write time)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 articles")
    parser.add_argument("--no-stories", action="store_true",
                        help="leave out the variant with stories (faster)")
    parser.add_argument("--url-index", action="store_true",
                        help="add the baseline with a unique URL index as a second reference")
    parser.add_argument("--dir", type=Path, help="where the files go (default: a temporary "
                        "directory, removed afterwards)")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else args.articles
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        figures = run(n, directory, with_stories=not args.no_stories,
                      url_index=args.url_index)
    report(figures, n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
