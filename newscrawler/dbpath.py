"""Where the archive is: ``--db``'s default and the paths that cannot hold an archive.

Without click, so that the launcher's quick search (``newscrawler.launcher``) applies the
same rules as the click commands (``newscrawler.cli.db_option``).
"""

from __future__ import annotations

import os

__all__ = ["LOCK_TIMEOUT", "db_path_problem", "default_db"]

#: Seconds a command waits for an archive locked by another process (``--timeout``).
LOCK_TIMEOUT = 30.0


def default_db() -> str:
    """``$NEWSCRAWLER_DB`` or ``news.db``."""
    return os.environ.get("NEWSCRAWLER_DB") or "news.db"


def db_path_problem(value: str) -> str | None:
    """Why ``value`` cannot hold an archive (``:memory:``, "", a folder), or None.

    >>> db_path_problem(":memory:")
    "':memory:' keeps nothing; pass a file path"
    >>> db_path_problem("news.db") is None
    True
    """
    if value.strip() == ":memory:" or value.startswith("file::memory:"):
        return "':memory:' keeps nothing; pass a file path"
    if not value.strip():
        return "the path is empty; pass a file path (e.g. news.db)"
    if os.path.isdir(value):
        return (f"{value!r} is a folder; pass the archive file's path (e.g. "
                f"{os.path.join(value, 'news.db')})")
    return None
