"""A worker is recycled after its calls or past its memory bound, losing nothing (#11 goal 6).

``WorkerProcesses(max_calls=, max_rss=)``: the worn child finishes the calls it was given
and ends; its successor takes the next calls and starts only once it has ended, so the two
never hold their memory at once. A recycled worker that is killed still breaks the pool.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from newscrawler.extract import workerproc
from newscrawler.extract.workerproc import WorkerProcesses


def siblings(value: int, pause: float = 0.0) -> tuple[int, int, list[int]]:
    """(value, this child's pid, the pids of the other workers alive now)."""
    time.sleep(pause)
    me, parent = os.getpid(), os.getppid()
    others = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()
        if int(fields[1]) == parent and fields[0] != b"Z" and b"workerproc" in cmdline:
            others.append(int(entry.name))
    return value, me, others


def test_a_worker_recycled_after_its_calls_keeps_every_result() -> None:
    pool = WorkerProcesses(1, max_calls=5)
    try:
        calls = [pool.submit(siblings, n) for n in range(23)]
        answers = [call.result(timeout=120) for call in calls]
    finally:
        pool.shutdown()
    assert [value for value, _, _ in answers] == list(range(23))
    pids = [pid for _, pid, _ in answers]
    # calls 0-4 in the first child, 5-9 in the second...: 5 children, one after the other
    assert [len(set(pids[i:i + 5])) for i in range(0, 23, 5)] == [1, 1, 1, 1, 1]
    assert len(set(pids)) == 5 and pool.recycled == 4  # was one child, recycled unknown
    # never two children at once (others: a child left by another test under xdist)
    assert all(set(others) & set(pids) == set() for _, _, others in answers)


def test_a_worker_past_its_memory_bound_is_recycled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workerproc, "RSS_EVERY", 3)
    pool = WorkerProcesses(1, max_rss=1)  # every child is past 1 byte
    try:
        answers = [pool.submit(siblings, n).result(timeout=120) for n in range(7)]
    finally:
        pool.shutdown()
    assert [value for value, _, _ in answers] == list(range(7))
    assert len({pid for _, pid, _ in answers}) == 3 and pool.recycled == 2


def test_no_bound_no_recycling() -> None:
    pool = WorkerProcesses(1)
    try:
        answers = [pool.submit(siblings, n).result(timeout=120) for n in range(25)]
    finally:
        pool.shutdown()
    assert len({pid for _, pid, _ in answers}) == 1 and pool.recycled == 0


def test_a_recycled_worker_killed_before_its_calls_are_done_breaks_the_pool() -> None:
    pool = WorkerProcesses(1, max_calls=2)
    try:
        first = pool.submit(siblings, 1, 0.0)
        pid = first.result(timeout=120)[1]
        slow = pool.submit(siblings, 2, 30.0)  # the worker's last call
        waiting = pool.submit(siblings, 3)  # for its successor, which waits for it to end
        time.sleep(0.5)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            slow.result(timeout=60)
        with pytest.raises(BrokenProcessPool):
            waiting.result(timeout=60)
        with pytest.raises(BrokenProcessPool):
            pool.submit(siblings, 4)
    finally:
        pool.shutdown()


def test_shutdown_while_a_successor_waits_finishes_every_call() -> None:
    pool = WorkerProcesses(1, max_calls=1)
    calls = [pool.submit(siblings, n, 0.3) for n in range(3)]
    pool.shutdown(wait=True)
    answers = [call.result(timeout=0) for call in calls]
    assert [value for value, _, _ in answers] == [0, 1, 2]
    pids = {pid for _, pid, _ in answers}
    assert len(pids) == 3 and all(set(others) & pids == set() for _, _, others in answers)
    assert pool.pids() == []


def test_shutdown_cancelling_what_waits_starts_no_successor() -> None:
    pool = WorkerProcesses(1, max_calls=1)
    first = pool.submit(siblings, 0, 1.0)
    later = [pool.submit(siblings, n) for n in (1, 2)]
    time.sleep(0.3)
    pool.shutdown(wait=True, cancel_futures=True)
    assert first.result(timeout=0)[0] == 0
    assert all(call.cancelled() for call in later)
    assert pool.pids() == []


def child_environ() -> list[bytes]:
    with open(f"/proc/{os.getpid()}/environ", "rb") as f:
        return f.read().split(b"\0")


def test_a_fixed_mmap_threshold_reaches_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """MALLOC_MMAP_THRESHOLD: the crawl's process fixes glibc's threshold and its workers,
    started after, get it through their environment; 0 or one the environment sets: kept."""
    import platform

    from newscrawler.malloc import fix_mmap_threshold

    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "131072")
    assert fix_mmap_threshold(65536) is False  # the environment's own setting is kept
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_")
    assert fix_mmap_threshold(0) is False and "MALLOC_MMAP_THRESHOLD_" not in os.environ
    if platform.libc_ver()[0] != "glibc":
        pytest.skip("glibc only")
    try:
        assert fix_mmap_threshold(65536) is True
        pool = WorkerProcesses(1)
        try:
            environ = pool.submit(child_environ).result(timeout=120)
        finally:
            pool.shutdown()
        assert b"MALLOC_MMAP_THRESHOLD_=65536" in environ
    finally:
        monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
        fix_mmap_threshold(128 * 1024)  # back near glibc's start (its adjustment stays off)
        os.environ.pop("MALLOC_MMAP_THRESHOLD_", None)
