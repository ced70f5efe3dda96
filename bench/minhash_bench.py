"""MinHash signatures: archive.minhash against datasketch, same values, speed and import cost.

    python bench/minhash_bench.py [--articles 5000] [--quick]

Shingles the synthetic articles of ``bench/stories_bench.py``, signs each with
``archive.minhash`` and, when installed (the test extra), with ``datasketch.MinHash`` as
``archive.stories`` used it (``affine32``, ``hashfunc=int``), interleaved; prints
microseconds per article, the ratio, whether every signature is equal, and the memory each
import adds to a process.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from stories_bench import generate  # noqa: E402

from archive import minhash, stories  # noqa: E402
from archive.fold import fold  # noqa: E402


def _import_mb(module: str) -> float:
    """RSS (MB) of a fresh Python that imports ``module``, minus one that does not (VmRSS:
    ``ru_maxrss`` would start from this process's size, kept across fork and exec)."""
    code = ("{}; print([line.split()[1] for line in open('/proc/self/status') "
            "if line.startswith('VmRSS')][0])")
    sizes = [int(subprocess.run([sys.executable, "-c", code.format(stmt)], capture_output=True,
                                text=True, check=True).stdout) for stmt in ("pass", module)]
    return (sizes[1] - sizes[0]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--quick", action="store_true", help="300 articles")
    args = parser.parse_args()
    n = 300 if args.quick else args.articles
    sets = [stories.shingles(fold(r["body"])) for r in generate(n)]
    have_datasketch = importlib.util.find_spec("datasketch") is not None
    ours_s = theirs_s = 0.0
    equal = True
    if have_datasketch:
        from datasketch import MinHash

        perms = MinHash(num_perm=stories.NUM_PERM, seed=stories.SEED,
                        scheme="affine32").permutations
    minhash.signature([1])  # numpy imported before timing
    for found in sets:
        started = time.perf_counter()
        ours = minhash.signature(found, stories.NUM_PERM, stories.SEED)
        ours_s += time.perf_counter() - started
        if have_datasketch:
            started = time.perf_counter()
            ref = MinHash(num_perm=stories.NUM_PERM, hashfunc=int, permutations=perms,
                          scheme="affine32")
            ref.update_batch(list(found))
            theirs = [int(v) for v in ref.hashvalues]
            theirs_s += time.perf_counter() - started
            equal = equal and ours == theirs
    shingles = sum(map(len, sets)) / len(sets)
    print(f"{n:,} articles, {shingles:.0f} shingles each on average")
    print(f"archive.minhash: {ours_s / n * 1e6:.0f} us/article; import numpy adds "
          f"{_import_mb('import numpy'):.0f} MB")
    if have_datasketch:
        print(f"datasketch:      {theirs_s / n * 1e6:.0f} us/article; import datasketch adds "
              f"{_import_mb('import datasketch'):.0f} MB")
        print(f"archive.minhash time / datasketch time: {ours_s / theirs_s:.2f}; "
              f"signatures identical: {'yes' if equal else 'NO'}")
    else:
        print("datasketch not installed (pip install -e '.[test]'): no comparison")
    if not equal:
        sys.exit(1)


if __name__ == "__main__":
    main()
