"""glibc's malloc settings for a long crawl's processes (issue 11, goal 6: memory).

glibc serves a block of at least the *mmap threshold* (128 KiB at first) from a mapping of
its own, returned to the system when freed, and smaller blocks from its heap. Each time a
mapped block is freed it raises the threshold to that block's size, so once a crawl has
freed a few large pages (their bytes, decoded text, pickled calls: 100-400 KB) those come
from the heap too and leave it fragmented: freed but resident. A fixed threshold
(``MALLOC_MMAP_THRESHOLD``) keeps them in mappings: 3,000 ~97 KB pages (bench/crawl_memory.py)
peaked ~7 MB lower in the worker and ~5-8 lower in the crawl's process at 64 KiB, but each
such block then costs a mapping and its page faults: ~+10% CPU a large page in three
loaded-machine pairs (bench/crawl_bench.py), so it is off unless asked for. Elsewhere than
glibc (musl, macOS) nothing is done.
"""

from __future__ import annotations

import os

_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
_ENV = "MALLOC_MMAP_THRESHOLD_"  # glibc reads it when a process starts


def fix_mmap_threshold(size: int) -> bool:
    """Fix this process's mmap threshold at ``size`` bytes, and its later children's (through
    the environment), unless ``size`` is 0 or the environment sets one already; True when
    glibc took it."""
    if size <= 0 or _ENV in os.environ:
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    if not mallopt(_M_MMAP_THRESHOLD, size):
        return False
    os.environ[_ENV] = str(size)  # the extraction workers, started next, take it too
    return True
