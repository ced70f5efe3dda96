"""The extraction worker's full result on many pages, written down to compare two versions.

Runs the worker's per-page call (as ``bench/worker_bench.py``: every step a default crawl
with an archive sends it, the fetch time fixed) on generated large and small pages
(``tests/realistic_site.py``), the generated scale-test site (``tests/generated_site.py``),
every HTML fixture under ``tests/fixtures`` and the HTML pages of a corpus folder, and
writes one line a page: its name and the ``repr`` of (encoding, what the crawl gets of the
page, the prepared item with every field). Run it from two checkouts, then compare:

    python bench/worker_identity.py --out new.txt [--corpus-dir /work/shared/corpus]
    PYTHONPATH=/path/to/other/checkout python bench/worker_identity.py --out old.txt ...
    python bench/worker_identity.py --compare old.txt new.txt

``--quick``: 10 generated pages of each kind, no fixtures, no corpus.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from worker_bench import ORIGIN, crawl_profile, crawl_steps, pages  # noqa: E402

from newscrawler.extract import pool  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FETCHED_AT = "2025-11-20T10:00:00+00:00"


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
        yield str(file), f"https://haber.example.com.tr/{file.stem.split('.')[0]}", data


def outcome(url: str, body: bytes) -> str:
    """The worker's whole answer for one page, as one line of text."""
    encoding, extracted, item = pool._extract_in_worker(body, None, url)
    parts = [encoding, repr(extracted)]
    if item is not None:
        parts += [f"{f}={getattr(item, f)!r}" for f in sorted(_item_fields(item))
                  if f != "prepared"]
        prepared = item.prepared
        if prepared is not None:
            parts += [f"prepared.{f.name}={getattr(prepared, f.name)!r}"
                      for f in fields(prepared)]
    return " | ".join(parts).replace("\n", "\\n")


def _item_fields(item: object) -> list[str]:
    """The item's field names (a dataclass or an attrs-like class)."""
    try:
        return [f.name for f in fields(item)]  # type: ignore[arg-type]
    except TypeError:
        return sorted(vars(item))


def write(out: Path, n: int, corpus: Path | None, fixtures: bool) -> int:
    """Write every page's line to ``out``; returns the number of pages."""
    profile = crawl_profile()
    pool._PROFILE, pool._STEPS = profile, crawl_steps(profile)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="where to write the lines")
    parser.add_argument("--pages", type=int, default=150, help="generated pages of each kind")
    parser.add_argument("--corpus-dir", type=Path, help="also the HTML pages under this folder")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    parser.add_argument("--quick", action="store_true", help="10 generated pages of each kind")
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(1 if compare(*args.compare) else 0)
    if args.quick:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"{write(Path(tmp) / 'lines.txt', 10, None, False)} pages written")
        return
    if args.out is None:
        parser.error("--out is needed (or --compare, or --quick)")
    corpus = args.corpus_dir if args.corpus_dir and args.corpus_dir.is_dir() else None
    print(f"{write(args.out, args.pages, corpus, True)} pages written to {args.out}")


if __name__ == "__main__":
    main()
