"""The ``newscrawler`` console script: a plain search runs without importing click.

Importing click costs ~15 ms (it loads ``inspect``, ``uuid``, ``gettext``...), a quarter of
the 60 ms a search may take end to end (issue 11, goal 3). ``main`` answers
``newscrawler search WORDS`` with only ``--db``, ``--timeout``, ``--site``, ``--limit``,
``--offset`` and ``--format`` itself and hands every other command line, unchanged, to
``newscrawler.cli.main``. It prints exactly what the click command prints. Anything it
does not fully understand goes to click before a byte is written: another option or a
help flag, a word starting with ``-``, a value click would refuse, an unknown site, an
unexpected failure, a terminal encoding other than UTF-8. Click then
runs the command from the start and reports the problem its usual way (one line, the
right exit code). An archive error (missing, locked, damaged, not ours) is reported here,
in the same words and with the same exit code, so that a locked archive is not waited for
twice. The quick path opens a usual archive through ``archive.reader`` (not
``archive.store``), counts the matches in a thread beside the search (``_Counter``) and
ends with ``os._exit`` once its output is flushed (``_exit_now``).
"""

from __future__ import annotations

import math
import os
import re
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from typing import Any, NoReturn

    from archive.reader import Reader
    from archive.store import Archive

__all__ = ["main", "plain_search"]

#: Options of ``search`` the quick path handles, each taking a value.
_OPTIONS = frozenset({"--db", "--timeout", "--site", "--limit", "--offset", "--format"})
#: What ``click.echo`` removes from text written to something other than a terminal.
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def plain_search(args: list[str]) -> dict[str, Any] | None:
    """The parameters of ``newscrawler ARGS`` when it is a search the quick path runs as
    click would, else None (click runs it).

    >>> plain_search(["search", "kadına", "--db", "a.db", "--limit", "5"])["limit"]
    5
    >>> plain_search(["search", "kadına", "-spor"]) is None  # an exclusion: click's
    True
    """
    if not args or args[0] != "search":
        return None
    from newscrawler.commands.hits import (
        MAX_SEARCH_LIMIT,
        MAX_SEARCH_OFFSET,
        SEARCH_FORMATS,
        SEARCH_LIMIT,
    )
    from newscrawler.dbpath import LOCK_TIMEOUT, db_path_problem, default_db

    values: dict[str, str] = {}
    words: list[str] = []
    rest = iter(args[1:])
    for arg in rest:
        if not arg.startswith("-"):
            words.append(arg)
            continue
        name, equals, value = arg.partition("=")
        if name not in _OPTIONS:
            return None
        if not equals:
            following = next(rest, None)
            if following is None:
                return None
            value = following
        values[name] = value
    if not words:
        return None
    try:
        limit = int(values.get("--limit", SEARCH_LIMIT))
        offset = int(values.get("--offset", 0))
        timeout = float(values.get("--timeout", LOCK_TIMEOUT))
    except ValueError:
        return None
    fmt = values.get("--format", SEARCH_FORMATS[0])
    db_path = values["--db"] if "--db" in values else default_db()  # "" is click's to refuse
    if not (1 <= limit <= MAX_SEARCH_LIMIT and 0 <= offset <= MAX_SEARCH_OFFSET):
        return None
    if not (math.isfinite(timeout) and timeout >= 0) or fmt not in SEARCH_FORMATS:
        return None
    if db_path_problem(db_path):
        return None
    return {"query": " ".join(words), "db_path": db_path, "timeout": timeout,
            "site": values.get("--site"), "limit": limit, "offset": offset, "fmt": fmt}


def _find(plan: dict[str, Any]) -> tuple[int, list[dict[str, Any]]] | int | None:
    """(matches, hits) of the search; the exit code of an archive error, reported here as
    click reports it (a locked archive is not waited for twice); None when anything else
    went wrong (click redoes it and reports it)."""
    from archive.errors import ArchiveError

    try:
        from archive import count, search
        from archive.reader import open_reader

        store: Reader | Archive | None = open_reader(plan["db_path"], plan["timeout"])
        if store is None:  # anything unusual about the file: Archive migrates or reports it
            from archive.store import Archive

            store = Archive(plan["db_path"], create=False, timeout=plan["timeout"])
        with store:
            site = plan["site"]
            if site is not None and store.conn.execute(
                    "SELECT 1 FROM articles WHERE site = ? LIMIT 1", (site,)).fetchone() is None:
                return None  # click names the sites the archive holds
            counter = _Counter(plan) if _count_beside(plan["query"]) else None
            counted = count(store, plan["query"], site=site) if counter is None else None
            hits = search(store, plan["query"], site=site, limit=plan["limit"],
                          offset=plan["offset"]) if counter is not None or counted else []
            if counter is not None:
                counted = counter.result()
                if counted is None:  # its own connection failed: count the usual way
                    counted = count(store, plan["query"], site=site)
            total = counted or 0
            hits = hits if total else []
    except ArchiveError as exc:  # as cli.ArchiveCommandError: one line, its exit code
        from newscrawler.exitcodes import for_archive_error

        _echo(f"Error: {exc}", sys.stderr)
        return for_archive_error(exc)
    except Exception:  # click runs the command again and reports it
        return None
    return total, hits


def _count_beside(query: str) -> bool:
    """Whether the count runs on a second connection beside the search: always, but for
    a look-alike word, whose texts ``count`` then ``search`` read once on one connection
    (``archive.search._rejected_lookalikes``)."""
    from archive import lookalike
    from archive.query import parse_query

    return not lookalike.checks(parse_query(query))


class _Counter:
    """``archive.count`` of the search, on its own connection in a thread.

    SQLite works without the GIL: counting a word in 70% of 100,000 articles (~13 ms of
    FTS5 walking its every match) runs on the second core while this one ranks the newest
    matches, builds the snippets and imports the printing code (issue 11, goal 3a).
    """

    def __init__(self, plan: dict[str, Any]) -> None:
        import _thread  # built in: threading's import costs ~0.6 ms more

        self._plan = plan
        self._total: int | None = None
        self._done = _thread.allocate_lock()
        self._done.acquire()
        _thread.start_new_thread(self._run, ())

    def _run(self) -> None:
        import sqlite3

        from archive import count

        try:  # the archive was opened, checked and migrated by the caller: only reads here
            conn = sqlite3.connect(self._plan["db_path"], timeout=self._plan["timeout"])
            try:
                self._total = count(conn, self._plan["query"], site=self._plan["site"])
            finally:
                conn.close()
        except Exception:  # result() says None: the caller counts on its own connection,
            self._total = None  # which reports any error with the archive's name
        finally:
            self._done.release()

    def result(self) -> int | None:
        """The count, or None when it failed (count again on the main connection)."""
        with self._done:
            return self._total


def _echo(text: str, stream: Any) -> None:
    """``click.echo(text, file=stream)``: ANSI escapes dropped unless ``stream`` is a
    terminal, a newline added, flushed."""
    try:
        tty = stream.isatty()
    except Exception:  # as click: a stream without isatty is no terminal
        tty = False
    stream.write((text if tty else _ANSI.sub("", text)) + "\n")
    stream.flush()


def _print(plan: dict[str, Any], total: int, hits: list[dict[str, Any]]) -> int:
    """Print the hits and the summary as the click command does; the exit code."""
    from newscrawler.commands.hits import no_match, print_hits, summary
    from newscrawler.output import OutputError, failure, open_output, silence_stdout

    try:
        try:
            with open_output("-") as out:
                print_hits(hits, plan["fmt"], plan["offset"], out, lambda t: _echo(t, out))
        except OutputError as exc:
            _echo(f"Error: {exc}", sys.stderr)
            return 1
        line = summary(total, plan["offset"], len(hits)) if total else no_match(plan["query"])
        _echo(line, sys.stderr)
    except OSError as exc:  # as ArchiveErrorsGroup.invoke: one line, exit 1
        silence_stdout()
        message = (f"{exc.filename}: {exc.strerror or exc}" if exc.filename
                   else str(failure(exc, "-")))
        _echo(f"Error: {message}", sys.stderr)
        return 1
    return 0


def _utf8(stream: Any) -> bool:
    """Whether ``stream`` writes UTF-8 (click wraps other streams: leave those to it)."""
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("-", "").replace("_", "") == "utf8"


def _exit_now(code: int) -> NoReturn:
    """End the process with ``code`` once stdout and stderr are flushed, without the
    interpreter's teardown: freeing every imported module's objects cost ~7 ms of CPU
    after a search had printed everything (issue 11, goal 3a). The archive is closed
    and the search's threads have ended; nothing registers an exit handler on this path.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # a stream that cannot be flushed: the usual way, which reports it
        sys.exit(code)
    os._exit(code)


def main() -> None:
    """Run ``newscrawler`` with ``sys.argv``: a plain search here, the rest through click."""
    plan = plain_search(sys.argv[1:]) if _utf8(sys.stdout) and _utf8(sys.stderr) else None
    if plan is not None:
        try:
            found = _find(plan)
        except KeyboardInterrupt:  # as click: "Aborted!", exit 1
            _echo("\nAborted!", sys.stderr)
            sys.exit(1)
        if isinstance(found, int):
            sys.exit(found)
        if found is not None:
            _exit_now(_print(plan, *found))
    from newscrawler.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
