"""JobdirScheduler: Scrapy's scheduler, which starts afresh when a JOBDIR's queue was lost.

With a ``JOBDIR`` (``newscrawler crawl --jobdir``) Scrapy writes each request's fingerprint
to ``requests.seen`` the moment it is seen, but saves the disk queue's state
(``requests.queue/active.json``, and the sizes in the queue files' headers) only when the
crawl closes cleanly. A crawl killed with SIGKILL (or by the OOM killer, or a power loss)
leaves every URL it had discovered "seen" and its queue unreadable: the next run would
filter every article as already seen, fetch nothing and report ``finished``.

So this scheduler marks the job dir as open (the file ``newscrawler.open``, ``flock``-ed
while the crawl runs) and removes the mark once Scrapy has saved the queue at close. A
job dir found with the mark left behind by a process that is gone, or with a seen file but
no saved queue (a job dir of plain Scrapy or of an older newscrawler), was not closed
cleanly: its queue, seen requests and spider state are discarded and the crawl starts in
full (stats ``jobdir/queue_lost``, one warning). Nothing is lost by that: articles already
archived are ``unchanged`` (or skipped with ``--only-new``), never duplicated. A job dir
whose mark another running crawl holds is refused (:class:`JobdirBusyError`): two crawls
sharing one queue would each take the other's requests.

A resumed crawl counts the requests it took over in ``jobdir/resumed``.

Set as ``SCHEDULER`` in ``newscrawler.settings``; the distributed crawl's scheduler (Redis)
keeps no JOBDIR and does not use it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.utils.job import job_dir

__all__ = ["MARK", "JobdirBusyError", "JobdirScheduler", "clear_jobdir", "unclean"]

logger = logging.getLogger(__name__)

#: The file that says a crawl has the job dir open (present from start to clean close).
MARK = "newscrawler.open"
#: What Scrapy keeps in a job dir: the request queue, the seen requests, the spider's state.
JOB_FILES = ("requests.queue", "requests.seen", "spider.state")


class JobdirBusyError(RuntimeError):
    """Another running crawl has the job dir open."""


def clear_jobdir(jobdir: str | os.PathLike[str], *, mark: bool = True) -> None:
    """Remove the request queue, seen requests and spider state Scrapy keeps in ``jobdir``
    (and the open mark, unless ``mark`` is False): the next run with it crawls in full."""
    root = Path(jobdir)
    for name in (*JOB_FILES, MARK) if mark else JOB_FILES:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def unclean(jobdir: Path) -> bool:
    """Whether the job dir's last crawl ended without saving its queue: the open mark is
    left, or requests were recorded as seen but no queue state was saved.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> unclean(root)
    False
    >>> _ = (root / "requests.seen").write_bytes(b"\\x00\\x14" + bytes(20))
    >>> unclean(root)
    True
    >>> (root / "requests.queue").mkdir()
    >>> _ = (root / "requests.queue" / "active.json").write_text("[]")
    >>> unclean(root)
    False
    >>> _ = (root / MARK).write_text("")
    >>> unclean(root)
    True
    """
    if (jobdir / MARK).exists():
        return True
    seen = jobdir / "requests.seen"
    saved = jobdir / "requests.queue" / "active.json"
    return seen.is_file() and seen.stat().st_size > 0 and not saved.exists()


def open_mark(jobdir: Path) -> IO[str]:
    """The job dir's open mark, created if need be and ``flock``-ed for this crawl.

    :raises JobdirBusyError: another running crawl holds it
    """
    jobdir.mkdir(parents=True, exist_ok=True)
    mark = (jobdir / MARK).open("a+", encoding="utf-8")
    try:
        fcntl.flock(mark.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        mark.seek(0)
        holder = mark.read().strip() or "another crawl"
        mark.close()
        raise JobdirBusyError(
            f"the job dir {str(jobdir)!r} is in use by a running crawl ({holder}); give "
            "each crawl its own --jobdir, or wait for the other to end") from None
    return mark


class JobdirScheduler(Scheduler):
    """Scrapy's ``Scheduler`` that discards a job dir a killed crawl left (see the module)."""

    _mark: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobdirScheduler:
        path = job_dir(crawler.settings)
        mark = _take_jobdir(crawler, Path(path)) if path else None
        # the seen-requests filter reads requests.seen as it is made, in super()
        scheduler = super().from_crawler(crawler)
        scheduler._mark = mark
        return scheduler

    def open(self, spider: Any) -> Any:
        """Open the queues; count the requests a resumed crawl took over."""
        result = super().open(spider)
        if self.dqs is not None and len(self.dqs) and self.stats is not None:
            self.stats.set_value("jobdir/resumed", len(self.dqs))
        return result

    def close(self, reason: str) -> Any:
        """Save the queue (Scrapy), then remove the open mark: the job dir is whole."""
        result = super().close(reason)
        if self._mark is not None and self.dqdir is not None:
            (Path(self.dqdir).parent / MARK).unlink(missing_ok=True)
            self._mark.close()
            self._mark = None
        return result


def _take_jobdir(crawler: Crawler, jobdir: Path) -> IO[str]:
    """Lock the job dir's open mark; a job dir a killed crawl left is emptied first."""
    lost = unclean(jobdir)
    mark = open_mark(jobdir)
    if lost:
        clear_jobdir(jobdir, mark=False)  # the mark is ours now
        if crawler.stats is not None:
            crawler.stats.set_value("jobdir/queue_lost", 1)
        logger.warning("the job dir %s was not closed cleanly (its crawl was killed with "
                       "SIGKILL, or the machine stopped): its queue is lost, so this run "
                       "crawls in full; articles already archived are not duplicated",
                       jobdir)
    mark.truncate(0)
    mark.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}")
    mark.flush()
    return mark
