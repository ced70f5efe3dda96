"""SQLite connection handling: opening, write transactions, and errors that say what to do."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from archive.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveLockedError,
    ArchiveWriteError,
)

__all__ = ["HasConnection", "get_connection", "sqlite_errors", "transaction"]


class HasConnection(Protocol):
    """Anything with a ``conn``: a sqlite-utils ``Database``."""

    conn: sqlite3.Connection


def get_connection(source: object) -> sqlite3.Connection:
    """The ``sqlite3.Connection`` behind an ``Archive``, a sqlite-utils ``Database`` or itself."""
    db = getattr(source, "db", source)
    conn = getattr(db, "conn", db)
    if not isinstance(conn, sqlite3.Connection):
        raise TypeError(
            f"expected an Archive, a sqlite_utils.Database or a sqlite3.Connection, "
            f"got {type(source).__name__}"
        )
    return conn


def _lock_advice(timeout: float | None) -> str:
    longer = 600 if timeout is None or timeout < 600 else int(timeout * 2)
    return f"wait for it to finish or pass --timeout {longer}"


@contextmanager
def sqlite_errors(name: str, *, timeout: float | None = None) -> Iterator[None]:
    """Turn sqlite3 errors about locks and damaged files into ``ArchiveError`` subclasses.

    ``name`` is the file name shown to the user (``news.db``).
    """
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise ArchiveLockedError(
                f"{name} is locked by another process; {_lock_advice(timeout)}"
            ) from exc
        if "unable to open database file" in text:
            raise ArchiveError(
                f"cannot open {name} ({text}); check that its folder exists and is writable"
            ) from exc
        if "disk I/O error" in text or "database or disk is full" in text:
            raise ArchiveWriteError(
                f"cannot write {name} ({text}); free some disk space or check the disk"
            ) from exc
        raise
    except sqlite3.DatabaseError as exc:
        text = str(exc)
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            raise ArchiveCorruptError(
                f"{name} is not a newscrawler archive or is damaged ({text}); "
                "move it aside and run again, or restore a backup"
            ) from exc
        raise


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: ``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on error.

    ``IMMEDIATE`` takes the write lock first, so a busy database waits for ``busy_timeout``
    instead of failing half-way. Nested use becomes a savepoint.
    """
    if conn.in_transaction:
        conn.execute("SAVEPOINT archive_nested")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO archive_nested")
                conn.execute("RELEASE archive_nested")
            raise
        conn.execute("RELEASE archive_nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
