"""SQLite connection handling: opening, write transactions, and errors that say what to do."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from archive.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveLockedError,
    ArchiveWriteError,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from typing import Protocol
else:
    Protocol = object

__all__ = [
    "HasConnection",
    "get_connection",
    "is_locked",
    "on_read_only_storage",
    "read_only_uri",
    "sqlite_errors",
    "transaction",
    "translate",
]


class HasConnection(Protocol):
    """Anything with a ``conn``: a sqlite-utils ``Database``."""

    conn: sqlite3.Connection


def on_read_only_storage(path: str) -> bool:
    """Whether the file at ``path`` is on a file system mounted read-only (a dataset on a
    read-only share or disk): SQLite cannot make a WAL archive's ``-shm`` file there."""
    try:
        return bool(os.statvfs(os.path.dirname(os.path.abspath(path))).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def read_only_uri(path: str) -> str:
    """The URI that opens an archive on read-only storage: read-only and immutable (no
    ``-shm``, no locks: nothing can write there)."""
    from pathlib import Path

    return f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"


def get_connection(source: object) -> sqlite3.Connection:
    """The ``sqlite3.Connection`` behind an ``Archive``, a sqlite-utils ``Database`` or itself."""
    # An Archive's and a Database's ``conn`` (not ``Archive.db``: it imports sqlite-utils)
    conn = getattr(source, "conn", source)
    if not isinstance(conn, sqlite3.Connection):
        raise TypeError(
            f"expected an Archive, a sqlite_utils.Database or a sqlite3.Connection, "
            f"got {type(source).__name__}"
        )
    return conn


def _lock_advice(timeout: float | None) -> str:
    longer = 600 if timeout is None or timeout < 600 else int(timeout * 2)
    return f"wait for it to finish or pass --timeout {longer}"


def _code(exc: sqlite3.Error) -> str:
    """The SQLite error name (``SQLITE_BUSY``...), or ``""`` when Python does not give one."""
    return str(getattr(exc, "sqlite_errorname", "") or "")


def is_locked(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is locked or busy (worth retrying)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code, text = _code(exc), str(exc)
    return code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text


def translate(
    exc: sqlite3.Error, name: str, *, timeout: float | None = None
) -> ArchiveError | None:
    """The ``ArchiveError`` a sqlite3 error about the file stands for, or None (a bug: re-raise).

    >>> error = translate(sqlite3.OperationalError("database or disk is full"), "news.db")
    >>> type(error).__name__, str(error).split(";")[1]
    ('ArchiveWriteError', ' free some disk space and run again (what was written before stays)')
    """
    code, text = _code(exc), str(exc)
    if is_locked(exc):
        return ArchiveLockedError(f"{name} is locked by another process; {_lock_advice(timeout)}")
    if code.startswith("SQLITE_READONLY") or "readonly database" in text:
        return ArchiveWriteError(
            f"cannot write {name} ({text}); make the file and its folder writable (chmod u+w), "
            "or run as their owner"
        )
    if code == "SQLITE_FULL" or "database or disk is full" in text:
        return ArchiveWriteError(
            f"cannot write {name} ({text}); free some disk space and run again "
            "(what was written before stays)"
        )
    if code.startswith("SQLITE_IOERR") or "disk I/O error" in text:
        return ArchiveWriteError(
            f"cannot write {name} ({text}); check the disk (free space, dmesg) and run again"
        )
    if code.startswith("SQLITE_CANTOPEN") or "unable to open database file" in text:
        return ArchiveWriteError(
            f"cannot open {name} ({text}); check that its folder exists and is writable"
        )
    if code == "SQLITE_NOTADB" or "not a database" in text:
        return ArchiveCorruptError(
            f"{name} is not a newscrawler archive or is damaged ({text}); "
            "move it aside and run again, or restore a backup"
        )
    if code.startswith("SQLITE_CORRUPT") or "malformed" in text or "corrupt" in text:
        return ArchiveCorruptError(
            f"{name} is damaged ({text}); stop writing to it: restore a backup, or save what "
            f"is readable with `sqlite3 {name} .recover | sqlite3 recovered.db` "
            f"(`newscrawler check --db {name}` shows the damage)"
        )
    return None


@contextmanager
def sqlite_errors(name: str, *, timeout: float | None = None) -> Iterator[None]:
    """Turn sqlite3 errors about the file (locked, read-only, full, I/O, damaged, not a
    database) into ``ArchiveError`` subclasses whose message says what to do next.

    ``name`` is the file name shown to the user (``news.db``). Other sqlite3 errors (a
    bad statement) are bugs and pass through.
    """
    try:
        yield
    except sqlite3.Error as exc:
        error = translate(exc, name, timeout=timeout)
        if error is None:
            raise
        raise error from exc


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
