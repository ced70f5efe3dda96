"""The C heap a searching process keeps between searches (issue 11, goal 3b).

FTS5 merges a prefix's lists of articles (for the walk, and again for bm25's count) in
buffers from the C heap. glibc gives the top of its heap back to the system when a free
leaves more than its *trim threshold* there (128 KiB at first), so the next search touched
those pages again: 344 page faults a ``bel*`` search at 100,000 articles (~1 ms of system
time), 1,558 at a million (~5 ms). glibc raises the threshold itself, to twice the largest
mapped block freed so far (blocks up to 32 MiB): ``keep_heap`` frees one such block of
``KEPT_BYTES`` at the first search, and later searches fault no page (``getrusage``:
344 -> 0, 1,558 -> 0). It costs one mapping and no page (calloc leaves a fresh mapping
untouched), and the process may keep up to twice ``KEPT_BYTES`` of freed heap. Other C
libraries do nothing with it; a threshold set by ``MALLOC_TRIM_THRESHOLD_`` or ``mallopt``
stays as it was.
"""

from __future__ import annotations

__all__ = ["KEPT_BYTES", "keep_heap"]

#: The block freed once: glibc's trim threshold becomes twice this. ``bel*`` at a million
#: articles needed 8 MiB (4 MiB left 1,412 faults a search): twice that, for larger
#: archives and other queries.
KEPT_BYTES = 16 << 20

_kept = False


def keep_heap() -> None:
    """Raise glibc's trim threshold once in this process (see the module docstring)."""
    global _kept
    if not _kept:
        _kept = True
        try:
            bytes(KEPT_BYTES)  # calloc'd from a mapping of its own and freed at once
        except MemoryError:  # no room to map it (overcommit off): searches work as before
            pass
