"""``newscrawler serve``: the archive in Datasette, read-only, with Turkish search.

``cli.py`` wires :func:`serve` with the shared ``--db``/``--timeout`` options. The work is
done by ``archive.datasette_plugin`` (the only module that imports Datasette); this module
checks the file, binds the port and turns every failure into one line and an exit code.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from newscrawler import exitcodes

F = TypeVar("F", bound=Callable[..., Any])


def serve_options(func: F) -> F:
    """``--host`` and ``--port``."""
    func = click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
                        help="TCP port (0 picks a free one).")(func)
    return click.option("--host", default="127.0.0.1", show_default=True,
                        help="Address to listen on; anything but loopback prints a warning.")(func)


class ServeError(click.ClickException):
    """A reason ``serve`` cannot start: one line, and its exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        # click declares exit_code as a class variable; this error's depends on the reason.
        self.__dict__["exit_code"] = code


def check_archive_file(db_path: str, timeout: float) -> None:
    """Stop unless ``db_path`` is a newscrawler archive with articles to show; reads only."""
    from archive.connection import translate
    from archive.errors import ArchiveError
    from archive.schema import check_archive, is_empty

    if not os.path.exists(db_path):
        raise ServeError(f"{db_path} does not exist; crawl or import into it first "
                         "(`newscrawler demo` makes a sample archive)", exitcodes.FAILED)
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=timeout)
    except sqlite3.Error as exc:
        error = translate(exc, db_path) or ArchiveError(f"cannot open {db_path} ({exc})")
        raise ServeError(str(error), exitcodes.ARCHIVE) from None
    try:
        if is_empty(conn):
            raise ServeError(f"{db_path} is empty; crawl or import into it first",
                             exitcodes.FAILED)
        check_archive(conn, db_path)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except ArchiveError as exc:
        raise ServeError(str(exc), exitcodes.for_archive_error(exc)) from None
    except sqlite3.Error as exc:
        error = translate(exc, db_path) or ArchiveError(f"cannot read {db_path} ({exc})")
        raise ServeError(str(error), exitcodes.ARCHIVE) from None
    finally:
        conn.close()


def serve(db_path: str, timeout: float, host: str, port: int) -> None:
    """Browse and search the archive in Datasette (read-only) at http://HOST:PORT/.

    The articles table's search box finds what `newscrawler search` finds (any case and
    Turkish spelling, inflected forms). Binding to anything but loopback prints a warning:
    anyone who reaches the port can read the archive and run SQL on it. Ctrl-C stops it.
    Exit codes: 0 stopped, 1 no archive at --db or the port is taken, 2 bad host, 74 the
    file is damaged or not a newscrawler archive.
    """
    check_archive_file(db_path, timeout)
    import signal
    import socket

    from archive.datasette_plugin import bind, is_loopback, resolve, serve_archive

    try:
        family, address = resolve(host, port)
    except (socket.gaierror, UnicodeError):
        raise ServeError(f"cannot serve on {host!r}: not a host name or address of this "
                         "machine; pass --host 127.0.0.1", exitcodes.USAGE) from None
    if not is_loopback(host):
        click.echo(f"warning: serving on {host} lets anyone who can reach this machine read "
                   "the archive and run SQL on it; use --host 127.0.0.1 unless you mean it",
                   err=True)
    try:
        sock = bind(family, address)
    except OSError as exc:
        raise ServeError(f"cannot serve on {host}:{port} ({exc.strerror or exc}); pass --port "
                         "with a free port, or --port 0 to pick one", exitcodes.FAILED) from None

    def ready(url: str) -> None:
        click.echo(f"Serving {db_path} read-only at {url} (Ctrl-C to stop)", err=True)

    try:
        with sock:
            serve_archive(db_path, sock, ready)
    except KeyboardInterrupt:  # uvicorn shuts down, then re-raises the Ctrl-C
        pass
    finally:  # a Ctrl-C that lands while shutting down changes nothing
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    click.echo("stopped", err=True)
    sys.exit(exitcodes.OK)
