"""Where ``export`` and ``search`` write: stdout, a FIFO or device, or a file replaced atomically.

``open_output(target)`` is the one way those commands open what they write to:

- ``-`` is standard output;
- a FIFO or a character device (``/dev/null``, a terminal, ``/dev/full``) is written
  straight into: nothing is renamed over it;
- a regular file, new or existing, is written to a temporary file beside it and renamed
  over it at the end, so a killed or failed export never leaves half a file; a symlink is
  followed and its target replaced (the link stays a link);
- a folder, a block device or a socket is refused.

Every failure while opening or writing (a missing folder, a full disk, no permission) is an
``OutputError`` with one line that says what to do; a reader that went away (``export |
head -1``) is ``OutputClosedError``: the commands say so in one line and exit 1, since
what was written is incomplete.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import TextIO

STDOUT = "-"

_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "the file is too large for the file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.EIO: "input/output error",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
}


class OutputError(Exception):
    """The output could not be opened or written; the message is one line."""


class OutputClosedError(OutputError):
    """The reader of a pipe or FIFO went away (``export | head -1``)."""


def describe(exc: OSError) -> str:
    """A short reason for an OS error, without errno numbers.

    >>> describe(OSError(errno.ENOSPC, "No space left on device"))
    'no space left on the device'
    """
    return _REASONS.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()


def _shown(target: str) -> str:
    return "standard output" if target == STDOUT else target


def failure(exc: OSError, target: str) -> OutputError:
    """The ``OutputError`` for an OS error met writing ``target`` (``-``: stdout)."""
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        return OutputClosedError(f"the reader of {_shown(target)} closed it before the end; "
                                 "what it received is incomplete")
    return OutputError(f"cannot write {_shown(target)}: {describe(exc)}")


def silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so the interpreter's last flush of output
    that can no longer be written does not print 'Exception ignored' noise."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a file descriptor (tests)
        pass


def _new_file_mode() -> int:
    """The permission bits a newly created file gets (0666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def open_output(target: str, *, encoding: str = "utf-8", newline: str = "") -> Iterator[TextIO]:
    """A text stream to ``target`` (see the module docstring for what each kind gets)."""
    if target == STDOUT:
        try:
            yield sys.stdout
            sys.stdout.flush()
        except OSError as exc:
            silence_stdout()
            raise failure(exc, target) from None
        return
    try:
        st: os.stat_result | None = os.stat(target)  # follows symlinks
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise failure(exc, target) from None
    if st is not None and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
        with _straight(target, encoding, newline) as fh:
            yield fh
        return
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise OutputError(f"cannot write {target}: it is {kind}; name a file")
    from pathlib import Path  # only a file target needs it: a search prints to stdout

    with _replacing(target, Path(os.path.realpath(target)), st, encoding, newline) as fh:
        yield fh


@contextmanager
def _straight(target: str, encoding: str, newline: str) -> Iterator[TextIO]:
    """Write into a FIFO or device as it is: opened, written, closed; never renamed over."""
    try:
        fh = open(target, "w", encoding=encoding, newline=newline)
    except OSError as exc:
        raise failure(exc, target) from None
    try:
        yield fh
        fh.flush()
    except OSError as exc:
        raise failure(exc, target) from None
    finally:
        try:
            fh.close()
        except OSError:  # the flush failed already; closing retries it
            pass


@contextmanager
def _replacing(target: str, real: Path, st: os.stat_result | None, encoding: str,
               newline: str) -> Iterator[TextIO]:
    """Write a temporary file beside ``real`` and rename it over ``real`` at the end."""
    import tempfile  # here: it imports shutil, 10-25 ms that printing to stdout never needs

    folder = real.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: the folder {folder} does not exist; "
                          "create it first")
    try:
        fd, part = tempfile.mkstemp(dir=folder, prefix=f".{real.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {describe(exc)} in {folder}") from None
    try:
        os.fchmod(fd, stat.S_IMODE(st.st_mode) if st is not None else _new_file_mode())
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, real)
    except OSError as exc:
        raise failure(exc, target) from None
    finally:
        if os.path.exists(part):
            os.unlink(part)
