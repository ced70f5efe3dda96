"""sqlite-utils without pandas and numpy, for crawl processes (issue 11, goal 6: memory).

Importing ``sqlite_utils`` imports pandas and numpy when they are installed (to map their
value types to column types): pandas is 34 MB of a crawl's 200 MB budget, numpy ~11 MB, and
a crawl never hands sqlite-utils their values. With an extraction worker the crawl's process
needs numpy only if it computes stories' signatures itself (``archive.minhash`` imports it
then). :func:`import_sqlite_utils` imports sqlite-utils with both hidden, then unhides them,
so a later ``import pandas`` or ``import numpy`` in the process still works (sqlite-utils
just does not know of them).
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["import_sqlite_utils"]


HIDDEN = ("pandas", "numpy")


def import_sqlite_utils() -> None:
    """Import sqlite-utils without letting it import pandas or numpy (those already loaded
    stay known to it; nothing when sqlite-utils is loaded)."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import name -> ImportError
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            del sys.modules[name]
