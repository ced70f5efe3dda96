"""WorkerProcesses: child interpreters fed through pipes keep an executor's guarantees."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from newscrawler.extract.pool import imported
from newscrawler.extract.workerproc import PIPE_BYTES, WorkerProcesses


def fail(message: str) -> None:
    raise ValueError(message)


def pause_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_results_and_exceptions_reach_their_futures() -> None:
    pool = WorkerProcesses(1)
    try:
        # a bare interpreter: neither the caller's main module nor multiprocessing
        assert pool.submit(imported, "__mp_main__", "multiprocessing", "pytest").result(
            timeout=60) == [False, False, False]
        assert pool.submit(pow, 2, 10).result(timeout=60) == 1024
        with pytest.raises(ValueError, match="boom"):
            pool.submit(fail, "boom").result(timeout=60)
        assert pool.submit(pow, 3, 2).result(timeout=60) == 9  # the worker lives on
    finally:
        pool.shutdown()


def threads_numpy_adds() -> tuple[str | None, int]:
    before = len(os.listdir("/proc/self/task"))
    import numpy  # noqa: F401

    return os.environ.get("OPENBLAS_NUM_THREADS"), len(os.listdir("/proc/self/task")) - before


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux's /proc")
def test_numpy_starts_no_blas_thread_in_a_worker() -> None:
    pool = WorkerProcesses(1)
    try:
        assert pool.submit(threads_numpy_adds).result(timeout=60) == ("1", 0)
    finally:
        pool.shutdown()


def test_calls_are_spread_over_the_workers() -> None:
    pool = WorkerProcesses(2)
    try:
        calls = [pool.submit(pause_then_pid, 0.3) for _ in range(4)]
        assert len({call.result(timeout=60) for call in calls}) == 2
    finally:
        pool.shutdown()


def test_shutdown_lets_the_call_in_flight_finish_and_ends_the_worker() -> None:
    pool = WorkerProcesses(1)
    (pid,) = pool.pids()
    call = pool.submit(pause_then_pid, 0.5)
    time.sleep(0.2)
    pool.shutdown(wait=True)
    assert call.result(timeout=1) == pid
    assert gone(pid) and pool.pids() == []


def test_a_killed_worker_breaks_the_pool() -> None:
    pool = WorkerProcesses(2)
    try:
        first, second = pool.pids()
        call = pool.submit(pause_then_pid, 30)
        time.sleep(0.3)
        os.kill(first, signal.SIGKILL)
        os.kill(second, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            call.result(timeout=30)
        with pytest.raises(BrokenProcessPool):
            pool.submit(pow, 2, 2)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def test_a_call_that_cannot_be_sent_fails_alone() -> None:
    pool = WorkerProcesses(1)
    try:
        with pytest.raises(Exception, match="pickle"):
            pool.submit(pow, lambda: 1, 2).result(timeout=60)
        assert pool.submit(pow, 2, 3).result(timeout=60) == 8
    finally:
        pool.shutdown()


def test_a_pipe_to_a_worker_holds_several_large_pages() -> None:
    fcntl = pytest.importorskip("fcntl")
    getsize = getattr(fcntl, "F_GETPIPE_SZ", None)
    if getsize is None:
        pytest.skip("pipe sizes are Linux's")
    with open("/proc/sys/fs/pipe-max-size", encoding="ascii") as limit:
        allowed = int(limit.read())
    pool = WorkerProcesses(1)
    try:
        (worker,) = pool._workers
        for stream in (worker.calls, worker.results):
            assert fcntl.fcntl(stream.fileno(), getsize) >= min(PIPE_BYTES, allowed)
        assert min(PIPE_BYTES, allowed) > 64 * 1024  # the default holds less than a page
        page = os.urandom(300_000)
        assert pool.submit(len, page).result(timeout=60) == len(page)
    finally:
        pool.shutdown()

