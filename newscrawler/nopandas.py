"""sqlite-utils without pandas, for crawl processes (issue 11, goal 6: crawl memory).

Importing ``sqlite_utils`` imports pandas when it is installed (to convert DataFrame
values), 34 MB of a crawl's 200 MB budget; a crawl never hands sqlite-utils pandas values.
:func:`import_sqlite_utils` imports it with pandas hidden, then unhides pandas, so a later
``import pandas`` in the process still works (sqlite-utils just does not know of it).
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["import_sqlite_utils"]


def import_sqlite_utils() -> None:
    """Import sqlite-utils without letting it import pandas (nothing when either is loaded)."""
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]  # import pandas -> ImportError
    try:
        importlib.import_module("sqlite_utils")
    finally:
        del sys.modules["pandas"]
