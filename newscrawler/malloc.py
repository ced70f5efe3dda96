"""glibc's malloc settings for a long crawl's processes (issue 11, goal 6: memory).

glibc serves a block of at least the *mmap threshold* (128 KiB at first) from a mapping of
its own, returned to the system when freed, and smaller blocks from its heap. Each time a
mapped block is freed it raises the threshold to that block's size, so once a crawl has
freed a few large pages (their bytes, decoded text, pickled calls: 100-400 KB) those come
from the heap too and leave it fragmented: freed but resident. A fixed threshold keeps them
in mappings. Setting it turns glibc's adjustment off; elsewhere (musl, macOS) nothing is done.
"""

from __future__ import annotations

import os

#: Bytes from which a block gets its own mapping (glibc's ``M_MMAP_THRESHOLD``).
MMAP_THRESHOLD = 64 * 1024
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
#: The same for a child process, through glibc's environment variable (read at its start).
CHILD_ENV = {"MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD)}


def fix_mmap_threshold() -> bool:
    """Fix this process's mmap threshold at ``MMAP_THRESHOLD`` unless its environment
    sets one; True when glibc took it."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def child_env() -> dict[str, str]:
    """A child's environment: this process's, with ``CHILD_ENV`` where it sets nothing."""
    return {**CHILD_ENV, **os.environ}
