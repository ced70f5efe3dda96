"""Run locks: one crawl per site and archive at a time, safe for cron, systemd and Scrapyd.

The lock is an ``flock`` on a small file in the database's folder, named for the
database *file* (its inode) and the site: ``.newscrawler-<inode>.<site>.lock``. So
``news.db``, ``./news.db`` and a symlink to it share one lock (a file with several hard
links is refused by the archive itself: SQLite journals beside each name),
and a crawl run by cron, by systemd (even with ``PrivateTmp``), in a container sharing
the folder, or by ``scrapy crawl`` meets the same lock. The folder is the right place:
SQLite must be able to write there anyway (its ``-wal`` and ``-shm`` files live beside
the database). The kernel drops the lock when the process dies, however it dies, so a
killed crawl never leaves a stale lock behind. The last holder removes the file while it
still holds the lock, and a crawl that took a lock checks that the file it locked is still
the one at the path (or tries again), so lock files do not pile up in the folder: only a
killed crawl's is left, to be taken and removed by the next.

A lock taken twice in one process (the ``newscrawler`` command takes it before Scrapy
starts, and the archive pipeline takes it again so that plain ``scrapy crawl`` is covered)
is shared, not a deadlock: the pipeline's lock is made with ``join=True`` and counts a
reference to the one this process already holds. Without ``join``, a second lock in the
same process is refused like one in another process.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType


@dataclass
class _Held:
    """A lock this process holds: its open file, path, and how many holders share it."""

    fd: int
    path: Path
    refs: int = 0


#: (folder device, inode, site) -> the locks this process holds.
_HELD: dict[tuple[int, int, str], _Held] = {}


class RunLockError(RuntimeError):
    """The run lock cannot be taken (not because another crawl holds it)."""


class RunLockedError(RunLockError):
    """Another crawl of the same site into the same archive is running."""


def lock_path(db_path: str | os.PathLike[str], site: str) -> tuple[Path, tuple[int, int, str]]:
    """The lock file of ``(database, site)`` and its key; the database must exist.

    The database's real folder holds the lock; the file name carries its inode.
    """
    real = Path(os.path.realpath(db_path))
    st = os.stat(real)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", site)
    return real.parent / f".newscrawler-{st.st_ino}.{safe}.lock", (st.st_dev, st.st_ino, site)


class RunLock:
    """An exclusive lock named for (database file, site); ``wait`` seconds before giving up.

    ``advice`` ends the message of a held lock: what the user of this command can do.
    """

    def __init__(self, db_path: str | os.PathLike[str], site: str, *, wait: float = 0,
                 join: bool = False,
                 advice: str = "wait for it to finish or pass --wait SECONDS") -> None:
        self.db = Path(db_path)
        self.advice = advice
        self.site = site
        self.wait = wait
        self.join = join
        self.path: Path | None = None
        self._key: tuple[int, int, str] | None = None

    def acquire(self) -> RunLock:
        """Take the lock or raise :class:`RunLockedError` (held) / :class:`RunLockError`."""
        if not self.db.exists():  # the inode names the lock: the file must exist first
            try:
                self.db.touch()
            except OSError as exc:
                raise RunLockError(f"cannot create {self.db} ({exc.strerror}); "
                                   "check that its folder exists and is writable") from None
        self.path, key = lock_path(self.db, self.site)
        held = _HELD.get(key)
        if held is not None and self.join:
            held.refs += 1
            self._key = key
            return self
        deadline = time.monotonic() + self.wait
        fd = self._open(self.path)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
                    os.close(fd)
                    raise RunLockedError(
                        f"another crawl of {self.site!r} into {self.db.name} is running "
                        f"(pid {holder}); {self.advice}"
                    ) from None
                time.sleep(0.2)
                continue
            if _same_file(fd, self.path):
                break
            # The holder removed the file as it let go: this lock guards nothing.
            os.close(fd)
            fd = self._open(self.path)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        _HELD.setdefault(key, _Held(fd, self.path)).refs += 1
        self._key = key
        return self

    def _open(self, path: Path) -> int:
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                why = ("it belongs to another user: run the crawl as that user, or remove it"
                       if path.exists() else "its folder is not writable")
            elif exc.errno == errno.ELOOP:
                why = "it is a symlink: remove it"
            else:
                why = "remove it or check the folder"
            raise RunLockError(
                f"cannot take the run lock {path} ({exc.strerror}); {why}"
            ) from None

    def release(self) -> None:
        """Let the next crawl in (once every holder in this process has released it)."""
        if self._key is None:
            return
        held = _HELD.get(self._key)
        self._key = None
        if held is None:
            return
        held.refs -= 1
        if held.refs <= 0:
            for key, value in list(_HELD.items()):
                if value is held:
                    del _HELD[key]
            try:  # removed while still held: a crawl waiting on it tries the path again
                os.unlink(held.path)
            except OSError:
                pass  # a read-only folder keeps the file, which is harmless
            fcntl.flock(held.fd, fcntl.LOCK_UN)
            os.close(held.fd)

    @property
    def held(self) -> bool:
        """This object holds (a reference to) the lock."""
        return self._key is not None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    """The open lock file ``fd`` is still the file at ``path``."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)
