"""ArchiveWriter: one thread that owns the archive's connection and runs its writes in order.

The archive pipeline hands it each batch and goes back to the crawl: SQLite, zlib and
numpy release the GIL while they work, so the crawl's thread parses the next responses
meanwhile. Jobs run one at a time, in the order given; at most ``depth`` wait (the
crawl's thread blocks on a full queue, as it blocked on the write before). A job's result
or exception goes to its future; the thread goes on with the next job. The thread is a
daemon: a process that exits without closing it loses what was queued, as it lost the
pipeline's held batch before.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

R = TypeVar("R")


class ArchiveWriter:
    """Run callables one after another on a thread of their own (see the module)."""

    def __init__(self, depth: int = 1, name: str = "archive-writer") -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue(
            maxsize=max(1, depth))
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], R]) -> Future[R]:
        """Queue ``job``; blocks while the queue is full. Its future gives its result."""
        future: Future[R] = Future()
        self._jobs.put((job, future))
        return future

    def call(self, job: Callable[[], R]) -> R:
        """Run ``job`` after the queued ones and wait for it: its result, or its exception."""
        return self.submit(job).result()

    def wait(self) -> None:
        """Wait until every job queued so far has run."""
        self.call(lambda: None)

    def close(self) -> None:
        """Run what is queued, then end the thread (idempotent)."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()

    def _run(self) -> None:
        while True:
            entry = self._jobs.get()
            try:
                if entry is None:
                    return
                job, future = entry
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    result = job()
                except BaseException as exc:  # handed to whoever waits on the future
                    future.set_exception(exc)
                else:
                    future.set_result(result)
            finally:
                self._jobs.task_done()
