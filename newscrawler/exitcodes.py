"""Exit codes of the ``newscrawler`` command, one meaning each (BSD ``sysexits.h`` names).

A cron job or systemd unit reads these; ``docs/operations.md`` says what to do with each.
"""

from __future__ import annotations

import signal

#: The command did what was asked.
OK = 0
#: The crawl failed (nothing fetched, only errors) or the command could not do its work.
FAILED = 1
#: Bad usage: an unknown option, a value of the wrong type or out of range.
USAGE = 2
#: EX_UNAVAILABLE: the site blocked us (block or captcha pages) or rate-limited us
#: beyond ``RETRY_AFTER_MAX``; retry later, after the time the summary gives.
BLOCKED = 69
#: EX_IOERR: the archive could not be written or read: disk full, read-only, damaged,
#: locked past the timeout, or not a newscrawler archive.
ARCHIVE = 74
#: EX_TEMPFAIL: another crawl of the same site into the same archive is running.
LOCKED = 75
#: Interrupted by SIGINT (Ctrl-C): what was fetched is written, the run is ``killed``.
INTERRUPTED = 128 + signal.SIGINT
#: Stopped by SIGTERM (or SIGHUP): what was fetched is written, the run is ``killed``.
TERMINATED = 128 + signal.SIGTERM


def for_signal(signum: int) -> int:
    """The exit code of a crawl stopped by ``signum`` (SIGHUP counts as SIGTERM).

    >>> for_signal(signal.SIGINT), for_signal(signal.SIGTERM), for_signal(signal.SIGHUP)
    (130, 143, 143)
    """
    return INTERRUPTED if signum == signal.SIGINT else TERMINATED


def for_archive_error(exc: BaseException) -> int:
    """The exit code of an archive error that reaches the user.

    2 for bad input (a query or record the archive refuses), 1 for a missing archive
    (nothing to read yet), 74 for everything else: locked past the timeout, damaged,
    another application's file, a newer schema, read-only, full, I/O errors.

    >>> from archive.errors import ArchiveForeignError, ArchiveMissingError, QueryError
    >>> [for_archive_error(e("x")) for e in (QueryError, ArchiveMissingError,
    ...                                       ArchiveForeignError)]
    [2, 1, 74]
    """
    from archive.errors import ArchiveMissingError, QueryError, RecordError

    if isinstance(exc, QueryError | RecordError):
        return USAGE
    if isinstance(exc, ArchiveMissingError):
        return FAILED
    return ARCHIVE
#: EX_DATAERR: ``check-site`` found the site's extraction worse than its archived articles
#: (share with a date, author, headline list or body fell; a template change?).
DEGRADED = 65
