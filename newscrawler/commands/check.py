"""``newscrawler check``: is the archive intact? Integrity, search index, schema, owner.

``cli.py`` wires :func:`check` with the shared ``--db``/``--timeout`` options.
"""

from __future__ import annotations

import sys

import click

from newscrawler import exitcodes


def check(db_path: str, timeout: float) -> None:
    """Check the archive without changing it: SQLite integrity, the search index,
    schema version and application id.

    Exits 0 when the archive is healthy (or an empty new file), 74 when it is damaged,
    from a newer newscrawler or not a newscrawler archive, 1 when the file is missing.
    Reads every page: about 1 s per 100 MB from disk.
    """
    from archive.check import check_file

    report = check_file(db_path, timeout=timeout)
    for line in report.lines():
        click.echo(line)
    sys.exit(exitcodes.OK if report.healthy else exitcodes.ARCHIVE)
