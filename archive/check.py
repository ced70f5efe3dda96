"""Check an archive file without changing it: structure, search index, schema, owner.

``check_file("news.db")`` runs SQLite's ``PRAGMA integrity_check`` (every page, every
index against its table), the FTS5 ``integrity-check`` of the search index against the
articles, and compares the schema version and application id with this code's. It
returns a :class:`CheckReport`; nothing is migrated or written (the FTS5 check runs in a
transaction that is rolled back). ``newscrawler check`` prints it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from archive import spellings, textindex
from archive.connection import on_read_only_storage, read_only_uri, sqlite_errors
from archive.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveLockedError,
    ArchiveMissingError,
)
from archive.schema import (
    APPLICATION_ID,
    FTS_TABLE,
    SCHEMA_VERSION,
    application_id,
    describe,
    is_empty,
    schema_version,
    table_names,
)

__all__ = ["INTEGRITY_ROWS", "CheckReport", "check_file"]

#: At most this many problems are listed from ``integrity_check``.
INTEGRITY_ROWS = 20

_FTS_CHECK = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"


@dataclass
class CheckReport:
    """What ``check_file`` found. ``problems`` is empty when the archive is healthy."""

    path: str
    name: str
    size: int = 0
    #: ``archive``, ``empty`` (a new file), ``foreign``, ``unreadable``
    kind: str = "archive"
    application_id: int | None = None
    schema_version: int | None = None
    code_version: int = SCHEMA_VERSION
    articles: int | None = None
    #: ``"ok"``, or the problems ``integrity_check`` listed; None when not run
    integrity: list[str] | None = None
    #: ``"ok"`` or the FTS5 error; None when not run (no search index yet)
    search_index: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """No problem found."""
        return not self.problems

    def lines(self) -> list[str]:
        """The report as short lines for a terminal."""
        verdict = "ok" if self.healthy else "PROBLEMS FOUND"
        out = [f"{self.name}: {verdict}", f"  file            {self.path} ({_size(self.size)})"]
        if self.application_id is not None:
            owner = "newscrawler" if self.application_id == APPLICATION_ID else "not newscrawler"
            out.append(f"  application id  {self.application_id:#x} ({owner})")
        if self.schema_version is not None and self.kind != "foreign":  # not ours to upgrade
            if self.schema_version > self.code_version:
                note = "newer than this newscrawler"
            elif self.schema_version < self.code_version:
                note = "the next crawl or import upgrades it"
            else:
                note = "up to date"
            out.append(
                f"  schema version  {self.schema_version} "
                f"(this newscrawler: {self.code_version}; {note})"
            )
        if self.integrity is not None:
            out.append(f"  integrity       {'ok' if self.integrity == ['ok'] else 'DAMAGED'}")
        if self.search_index is not None:
            out.append(f"  search index    {self.search_index}")
        if self.articles is not None:
            out.append(f"  articles        {self.articles}")
        out += [f"  problem: {problem}" for problem in self.problems]
        if not self.healthy:
            out.append(f"  next step: {self.advice()}")
        return out

    def advice(self) -> str:
        """What to do about the problems found."""
        if self.kind in ("foreign", "unreadable"):
            return "pass the path of a newscrawler archive (or of a new file to start one)"
        if self.schema_version is not None and self.schema_version > self.code_version:
            return "upgrade newscrawler (pip install -U newscrawler)"
        if self.integrity == ["ok"] and self.search_index not in (None, "ok"):
            return (
                "the articles are intact; rebuild the search index from them with "
                f"python -c \"import archive; archive.Archive('{self.path}').rebuild_index()\""
            )
        return (
            "stop writing to it; restore a backup, or save what is readable with "
            f"`sqlite3 {self.name} .recover | sqlite3 recovered.db`"
        )


def _size(size: int) -> str:
    """``1.2 MB``, ``512 bytes``.

    >>> _size(512), _size(104_857_600)
    ('512 bytes', '104.9 MB')
    """
    return f"{size} bytes" if size < 1000 else f"{size / 1e6:.1f} MB"


def check_file(path: str | Path, *, timeout: float = 30.0) -> CheckReport:
    """Check the archive at ``path``; never writes, never migrates.

    :param timeout: seconds to wait while another process holds a lock
    :raises ArchiveMissingError: there is no file at ``path``
    """
    file = Path(path)
    if not file.is_file():
        raise ArchiveMissingError(
            f"{file.name} does not exist ({file.resolve()}); check the path"
            if not file.exists()
            else f"{file.name} is not a file ({file.resolve()}); pass the archive's path"
        )
    report = CheckReport(path=str(file), name=file.name, size=file.stat().st_size)
    if report.size == 0:
        report.kind = "empty"
        return report
    read_only = on_read_only_storage(str(file))
    try:
        with sqlite_errors(report.name, timeout=timeout):
            # mode=rw: never creates a file; nothing below writes.
            conn = sqlite3.connect(
                read_only_uri(str(file)) if read_only else f"{file.resolve().as_uri()}?mode=rw",
                uri=True,
                timeout=timeout,
                isolation_level=None,
            )
    except ArchiveLockedError:
        raise  # not a problem of the file: the caller says to wait and retry
    except ArchiveError as exc:
        report.kind = "unreadable"
        report.problems.append(str(exc))
        return report
    try:
        _check(conn, report, timeout, read_only)
    finally:
        conn.close()
    return report


def _check(conn: sqlite3.Connection, report: CheckReport, timeout: float,
           read_only: bool = False) -> None:
    try:
        with sqlite_errors(report.name, timeout=timeout):
            report.application_id = application_id(conn)
            report.schema_version = schema_version(conn)
            if is_empty(conn):
                report.kind = "empty"
                return
            if report.application_id != APPLICATION_ID:
                report.kind = "foreign"
                report.problems.append(f"not a newscrawler archive: {describe(conn)}")
                return
            if report.schema_version > report.code_version:
                report.problems.append(
                    f"schema version {report.schema_version} comes from a newer newscrawler"
                )
            rows = conn.execute(f"PRAGMA integrity_check({INTEGRITY_ROWS})").fetchall()
            report.integrity = [str(row[0]) for row in rows]
            if report.integrity != ["ok"]:
                report.problems += [f"integrity: {line}" for line in _lines(report.integrity)]
                return  # the FTS check and counts would read damaged pages
            if FTS_TABLE in table_names(conn) and read_only:
                # FTS5's own check is an INSERT (rolled back): impossible on read-only media
                report.search_index = "not checked (read-only storage)"
            elif FTS_TABLE in table_names(conn):
                report.search_index = _fts_check(conn)
                if report.search_index != "ok":
                    report.problems.append(f"search index: {report.search_index}")
                spelling_problem = spellings.check(conn)  # a sample of 300 articles
                if spelling_problem:
                    report.problems.append(f"exact-spelling table: {spelling_problem} "
                                           "(Archive.rebuild_index() rebuilds it)")
            if "articles" in table_names(conn):
                report.articles = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except ArchiveLockedError:
        raise  # a writer held the archive past ``timeout``: nothing is known to be wrong
    except ArchiveCorruptError as exc:
        if report.application_id is None:
            report.kind = "unreadable"
            report.problems.append(str(exc))
        else:  # SQLite gave up reading a damaged page
            report.integrity = [str(exc.__cause__ or exc)]
            report.problems.append(f"integrity: {report.integrity[0]}")
    except ArchiveError as exc:
        if report.application_id is None:
            report.kind = "unreadable"
        report.problems.append(str(exc))


def _fts_check(conn: sqlite3.Connection) -> str:
    """``"ok"``, or what the FTS5 integrity check says is wrong with the search index."""
    stored = {row[1] for row in conn.execute("PRAGMA table_info(articles)")} >= {"body_fold"}
    # FTS5's integrity check is an INSERT (rolled back): the write lock is asked for first,
    # so that a crawl writing now is waited for (``timeout``); a read transaction asking
    # for it later gets SQLITE_BUSY at once (SQLite's deadlock rule).
    conn.execute("BEGIN IMMEDIATE")
    try:
        if stored:  # schema 1-7: the index against the folded columns
            conn.execute(_FTS_CHECK)
        else:  # the index against fold() of the text (archive.textindex)
            problem = textindex.check(conn)
            if problem:
                return f"does not match the articles ({problem})"
    except sqlite3.DatabaseError as exc:
        if "malformed" not in str(exc) and "corrupt" not in str(exc).lower():
            raise
        return f"does not match the articles ({exc})"
    finally:
        conn.execute("ROLLBACK")
    return "ok"


def _lines(rows: list[str]) -> list[str]:
    """The integrity-check messages, one per line, without ``*** in database`` headers."""
    found = []
    for row in rows:
        found += [line for line in row.splitlines() if line.strip() and not line.startswith("***")]
    return found[:INTEGRITY_ROWS]
