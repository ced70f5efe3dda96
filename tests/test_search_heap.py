"""archive.heap: a searching process keeps its C heap from one search to the next (#11)."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from archive import Archive, count, search

# Faults taken by touching a 4 MiB block again after freeing one of the same size: glibc
# maps such a block afresh (its mapping threshold is under 4 MiB in a new process) unless
# keep_heap raised its thresholds, when the block comes back from the heap, pages kept.
_PROBE = """
import resource, sys
if sys.argv[1] == "keep":
    from archive.heap import keep_heap
    keep_heap()
block = bytearray(4 << 20)  # every page touched
del block
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
block = bytearray(4 << 20)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).parents[1])
    return int(done.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")
def test_kept_heap_gives_a_freed_block_back_without_page_faults() -> None:
    assert _faults("plain") >= 500  # 1,024 pages of 4 KiB mapped again
    assert _faults("keep") < 50


def test_search_and_count_keep_the_heap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(sys.modules["archive.search"], "keep_heap", lambda: calls.append(1))
    with Archive(tmp_path / "news.db") as archive:
        archive.save_articles([{"url": "https://haber.example/1", "site": "ege",
                                "title": "Belediye meclisi toplandı", "body": "Meclis toplandı."}])
        assert len(search(archive, "belediye")) == 1
        assert count(archive, "bel*") == 1
    assert calls == [1, 1]
