"""CSV export against ``sqlite-utils query`` writing the same content, end to end.

Builds (once, then reuses) an archive of generated articles through
``Archive.save_articles`` (bodies of ~3.5 KB from ``search_bench``'s generator, 15
headlines, one or two places, tags, an author, some flagged ``short``), then runs, in
turns, ``newscrawler export --format csv`` and ``sqlite-utils query ... --csv`` with a
query that writes the same columns (dates split into day / local time / UTC, headlines
and provinces as JSON arrays, headline counts). Prints each command's best wall time and
peak RSS, and the ratio (goal of issue 11: export ≤ 1.0× sqlite-utils, memory that does
not grow with the archive). Both outputs are then compared cell by cell (JSON cells
decoded: sqlite-utils' JSON has no space after ``,`` and ``:``, ours has Python's); a
difference stops the bench: the ratio is only printed for the same content.

    python bench/export_bench.py [--articles 100000] [--runs 3] [--db PATH] [--quick]

``--quick``: 1,000 articles in a temporary archive, one run each (seconds; no goal).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from search_bench import Generator

from archive import Archive

#: Bump when the generated archive changes: cached archives are keyed by it.
GENERATOR_VERSION = 1
HEADLINES = 15
PROVINCES = ("İzmir", "Manisa", "Aydın", "Muğla", "Denizli", "Iğdır", "Şırnak", "Çanakkale")
AUTHORS = ("Ayşe Yılmaz", "Mehmet Öztürk", "Şule Çelik", None)

#: The query sqlite-utils runs: the columns and content of ``export --format csv``.
SQL = """
SELECT a.id, a.url, a.site, a.title, a.body,
  substr(a.published_at, 1, 10) AS published_date,
  CASE WHEN length(a.published_at) > 10 THEN a.published_at ELSE '' END AS published_at,
  CASE WHEN length(a.published_at) > 10
    THEN strftime('%Y-%m-%dT%H:%M:%SZ', a.published_at) ELSE '' END AS published_at_utc,
  coalesce(a.date_precision, '') AS date_precision,
  coalesce(a.date_source, '') AS date_source, coalesce(a.date_raw, '') AS date_raw,
  coalesce(substr(a.updated_at, 1, 10), '') AS updated_date,
  CASE WHEN length(a.updated_at) > 10 THEN a.updated_at ELSE '' END AS updated_at,
  CASE WHEN length(a.updated_at) > 10
    THEN strftime('%Y-%m-%dT%H:%M:%SZ', a.updated_at) ELSE '' END AS updated_at_utc,
  coalesce(a.author, '') AS author, coalesce(a.credit, '') AS credit,
  coalesce(a.category, '') AS category, coalesce(a.tags, '[]') AS tags,
  coalesce(a.language, '') AS language,
  strftime('%Y-%m-%dT%H:%M:%SZ', a.fetched_at) AS fetched_at,
  strftime('%Y-%m-%dT%H:%M:%SZ', a.first_seen_at) AS first_seen_at,
  strftime('%Y-%m-%dT%H:%M:%SZ', a.last_seen_at) AS last_seen_at,
  a.content_hash, a.revision, coalesce(a.flags, '') AS flags,
  (SELECT count(*) FROM headlines h WHERE h.article_id = a.id) AS headline_count,
  (SELECT json_group_array(json_object('position', position, 'title', title,
                                       'url', coalesce(url, '')))
     FROM (SELECT position, title, url FROM headlines h WHERE h.article_id = a.id
           ORDER BY position)) AS headlines,
  (SELECT json_group_array(province)
     FROM (SELECT province FROM places p WHERE p.article_id = a.id
           GROUP BY province ORDER BY min(rank))) AS provinces,
  a.story_id
FROM articles AS a ORDER BY a.id
"""


def records(n: int) -> Iterator[dict[str, Any]]:
    """``n`` article records with headlines, places, tags and authors."""
    gen = Generator()
    rng = random.Random(11)
    for i, article in enumerate(gen.articles(n)):
        article["headlines"] = [
            {"title": " ".join(gen.words(rng.randint(5, 9))),
             "url": f"https://haber{i % 5}.example/ilgili-{i}-{k}"}
            for k in range(HEADLINES)]
        article["places"] = [{"province": p, "district": None, "found_in": "body"}
                             for p in rng.sample(PROVINCES, rng.randint(1, 2))]
        article["tags"] = rng.sample(["ekonomi", "yerel", "gündem", "spor", "kültür"], 2)
        article["author"] = rng.choice(AUTHORS)
        article["flags"] = ["short"] if rng.random() < 0.05 else []
        yield article


def build(path: Path, n: int, batch: int = 100) -> float:
    """Build the archive at ``path``; returns the seconds it took."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    with Archive(partial) as archive:
        chunk: list[dict[str, Any]] = []
        for done, record in enumerate(records(n), 1):
            chunk.append(record)
            if len(chunk) == batch or done == n:
                archive.save_articles(chunk)
                chunk = []
            if done % 10000 == 0:
                print(f"  {done:>7} articles saved", file=sys.stderr, flush=True)
        archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(partial, path)
    return time.perf_counter() - started


#: Runs argv[1:] and prints its peak RSS in KB and its CPU seconds (user + system) last on
#: stderr. Launched from a small process:
#: a child forked from this one would count this process's memory as its own peak.
LAUNCHER = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime, file=sys.stderr); "
    "sys.exit(code)"
)


def run(command: list[str], output: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds of ``command`` writing its stdout to
    ``output``."""
    with output.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", LAUNCHER, *command], stdout=out,
                              stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
    if proc.returncode:
        sys.exit(f"failed ({proc.returncode}): {' '.join(command[:4])}...: {proc.stderr}")
    rss, cpu = proc.stderr.split()[-2:]
    return seconds, int(rss) / 1024, float(cpu)


#: Columns holding JSON: compared decoded (sqlite-utils' JSON has no spaces after , and :).
JSON_COLUMNS = ("tags", "headlines", "provinces")


def same_content(ours: Path, theirs: Path) -> str | None:
    """None when the two CSV files hold the same header and cells (JSON cells decoded, line
    ends aside), else the first difference."""
    with ours.open(newline="", encoding="utf-8") as a, theirs.open(newline="",
                                                                   encoding="utf-8") as b:
        rows_a, rows_b = csv.reader(a), csv.reader(b)
        header = next(rows_a)
        if header != next(rows_b):
            return "the headers differ"
        decoded = [header.index(name) for name in JSON_COLUMNS if name in header]
        count = 0
        for count, (row_a, row_b) in enumerate(zip(rows_a, rows_b, strict=True), 1):
            for k in decoded:
                row_a[k], row_b[k] = json.loads(row_a[k]), json.loads(row_b[k])
            if row_a != row_b:
                column = next(h for h, x, y in zip(header, row_a, row_b, strict=True) if x != y)
                return f"row {count}, column {column}: {row_a[header.index(column)]!r:.80} "\
                       f"against {row_b[header.index(column)]!r:.80}"
    return None if count else "no rows"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="turns of each command")
    parser.add_argument("--db", type=Path, help="archive to build or reuse (default: cached "
                        "under the temp folder)")
    parser.add_argument("--quick", action="store_true", help="1,000 articles, one run")
    args = parser.parse_args()
    n, runs = (1_000, 1) if args.quick else (args.articles, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cache = Path(tempfile.gettempdir()) / "newscrawler-bench"
        path = args.db or (folder / "quick.db" if args.quick
                           else cache / f"export-{n}-g{GENERATOR_VERSION}.db")
        if not path.exists():
            print(f"building {n:,} articles into {path} ...", file=sys.stderr)
            print(f"built in {build(path, n):.0f} s")
        size = path.stat().st_size / 1e6
        print(f"archive: {path} ({size:,.0f} MB)")
        ours = [sys.executable, "-m", "newscrawler.cli", "export", "--db", str(path),
                "--format", "csv", "-o", "-"]
        theirs = [sys.executable, "-m", "sqlite_utils", "query", str(path), SQL, "--csv"]
        with path.open("rb") as fh:  # into the page cache: the first command must not pay
            while fh.read(1 << 24):
                pass
        times: dict[str, list[float]] = {"newscrawler export": [], "sqlite-utils query": []}
        memory: dict[str, float] = {}
        cpu: dict[str, list[float]] = {name: [] for name in times}
        for turn in range(runs):
            pairs = [("newscrawler export", ours), ("sqlite-utils query", theirs)]
            for name, command in pairs[:: -1 if turn % 2 else 1]:  # each goes first in turn
                out = folder / f"{name.split()[0]}.csv"
                seconds, rss, cpu_seconds = run(command, out)
                times[name].append(seconds)
                cpu[name].append(cpu_seconds)
                memory[name] = max(memory.get(name, 0.0), rss)
        sizes = {name: (folder / f"{name.split()[0]}.csv").stat().st_size / 1e6 for name in times}
        for name in times:
            print(f"{name:<20} best {min(times[name]):6.2f} s of {runs} (CPU {min(cpu[name]):6.2f}"
                  f" s), peak RSS {memory[name]:5.0f} MB, {sizes[name]:,.0f} MB of CSV")
        try:
            differs = same_content(folder / "newscrawler.csv", folder / "sqlite-utils.csv")
        except ValueError as exc:  # zip(strict=True): not the same number of rows
            differs = str(exc)
        if differs:
            sys.exit(f"the two commands did not write the same content: {differs}")
        print(f"same content: {n:,} articles, cell by cell (JSON decoded)")
        ratio = min(times["newscrawler export"]) / min(times["sqlite-utils query"])
        cpu_ratio = min(cpu["newscrawler export"]) / min(cpu["sqlite-utils query"])
        print(f"ratio export / sqlite-utils: {ratio:.2f}x (goal <= 1.0x) at {n:,} articles; "
              f"CPU time {cpu_ratio:.2f}x")


if __name__ == "__main__":
    main()
