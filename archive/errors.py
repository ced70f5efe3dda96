"""Errors raised by the archive; each message says what to do next."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class for every error the archive raises on purpose."""


class ArchiveLockedError(ArchiveError):
    """Another process holds the database lock for longer than the timeout."""


class ArchiveCorruptError(ArchiveError):
    """The file is not a SQLite database, or it is damaged."""


class ArchiveForeignError(ArchiveCorruptError):
    """The file is a SQLite database of some other application; it is left untouched."""


class ArchiveWriteError(ArchiveError):
    """The archive cannot be written: disk full, read-only file or folder, I/O error."""


class ArchiveMissingError(ArchiveError, FileNotFoundError):
    """The archive file does not exist and ``create=False`` was passed."""


class ArchiveVersionError(ArchiveError):
    """The file was written by a newer newscrawler with a newer schema."""


class RecordError(ArchiveError, ValueError):
    """An article record passed to ``save_articles`` is missing or misuses a key."""


class QueryError(ArchiveError, ValueError):
    """A search filter (``since``, ``until``, ``limit``...) has an unusable value, or the
    query is longer than ``archive.query.MAX_QUERY_CHARS``.

    Any query text within that length is valid: it never raises for its content.
    """
