"""Run locks: one crawl per site and archive at a time, safe for cron, systemd and Scrapyd.

The lock is an ``flock`` on a small file beside the database. The kernel drops it when
the process dies, however it dies, so a killed crawl never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType


class RunLockedError(RuntimeError):
    """Another crawl of the same site into the same archive is running."""


class RunLock:
    """An exclusive lock named for (database, site); ``wait`` seconds before giving up."""

    def __init__(self, db_path: str | os.PathLike[str], site: str, *, wait: float = 0) -> None:
        db = Path(db_path).resolve()
        self.path = db.with_name(f"{db.name}.{site}.lock")
        self.site = site
        self.db = db
        self.wait = wait
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        """Take the lock or raise :class:`RunLockedError` saying who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                    os.close(fd)
                    raise RunLockedError(
                        f"another crawl of {self.site!r} into {self.db.name} is running "
                        f"(pid {holder}); wait for it to finish or pass --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        """Let the next crawl in."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
