"""Opening an archive only to read it, without importing ``archive.store``.

``newscrawler search`` must answer within 60 ms end to end (issue 11, goal 3a), and
importing ``archive.store`` costs several of them (``pathlib``, ``json``, the writer's
modules) for what a search does not use. ``open_reader`` opens a file the way ``Archive``
opens it when nothing about it is unusual: one name, a SQLite file carrying our
application id and the current schema version, already in WAL mode. For anything else
(missing, hard-linked, too short, foreign, newer, older, not WAL, damaged) it returns
None and the caller opens it with ``Archive``, which migrates it or says what is wrong
in its usual words.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from types import TracebackType

from archive.schema import SCHEMA_VERSION, check_archive

__all__ = ["Reader", "open_reader"]

#: ``archive.store.CACHE_KIB``: the same page cache as an ``Archive`` connection
#: (tests/test_reader.py checks they agree).
CACHE_KIB = 16 * 1024
#: ``archive.store.SQLITE_MIN_BYTES``: shorter files are ``Archive``'s to refuse.
SQLITE_MIN_BYTES = 512


class Reader:
    """An open archive to read: ``conn`` and ``name``, as ``Archive`` has them (the
    search functions take either)."""

    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        self.conn = conn
        self.name = name

    def __enter__(self) -> Reader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def open_reader(path: str, timeout: float) -> Reader | None:
    """The archive at ``path`` opened to read, or None when ``Archive`` should open it
    (anything unusual about the file, or any error: ``Archive`` reports it)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1 or st.st_size < SQLITE_MIN_BYTES:
        return None
    name = os.path.basename(path)
    try:
        conn = sqlite3.connect(path, timeout=timeout)
    except sqlite3.Error:
        return None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        usual = (
            check_archive(conn, name) == SCHEMA_VERSION
            and str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
        )
    except Exception:  # foreign, newer, damaged, locked...: Archive says which
        usual = False
    if not usual:
        conn.close()
        return None
    conn.execute("PRAGMA foreign_keys = ON")
    return Reader(conn, name)
