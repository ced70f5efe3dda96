"""SCHED_BATCH: the crawl's threads and workers as a batch job for Linux's scheduler."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from newscrawler.schedpolicy import batch_scheduling
from tests.conftest import rows

T = TypeVar("T")

linux_only = pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"),
                                reason="SCHED_BATCH is Linux's")


def in_thread(fn: Callable[[], T]) -> T:
    """``fn()`` on a thread of its own: a policy set there ends with it (Linux sets it per
    thread), so the test process keeps its own."""
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(fn()))
    thread.start()
    thread.join()
    return box[0]


@linux_only
def test_the_thread_and_what_it_starts_take_the_batch_policy() -> None:
    def run() -> tuple[bool, int, int, int]:
        taken = batch_scheduling(True)
        started = []
        later = threading.Thread(target=lambda: started.append(os.sched_getscheduler(0)))
        later.start()
        later.join()
        child = subprocess.run([sys.executable, "-c",
                                "import os; print(os.sched_getscheduler(0))"],
                               capture_output=True, text=True, check=True)
        return taken, os.sched_getscheduler(0), started[0], int(child.stdout)

    before = os.sched_getscheduler(0)
    taken, own, thread, child = in_thread(run)
    assert taken is True
    assert own == thread == child == os.SCHED_BATCH
    assert os.sched_getscheduler(0) == before  # this thread was not touched


@linux_only
def test_off_or_refused_leaves_the_default() -> None:
    setpolicy = os.sched_setscheduler

    def default() -> None:
        setpolicy(0, os.SCHED_OTHER, os.sched_param(0))

    # (a test before this one in the process may have built a spider on its main thread)
    assert in_thread(lambda: (default(), batch_scheduling(False),
                              os.sched_getscheduler(0))[1:]) == (False, os.SCHED_OTHER)

    def refuse(*_: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "sched_setscheduler", refuse)
        assert in_thread(lambda: (default(), batch_scheduling(True),
                                  os.sched_getscheduler(0))[1:]) == (False, os.SCHED_OTHER)


def test_without_the_policy_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "SCHED_BATCH", raising=False)
    assert batch_scheduling(True) is False


@linux_only
def test_an_extraction_worker_started_after_it_runs_as_a_batch_job() -> None:
    from newscrawler.extract.pool import ExtractionPool

    def run() -> int:
        batch_scheduling(True)
        pool = ExtractionPool(1, None)
        try:
            pool.start()
            return pool.call(os.sched_getscheduler, 0)
        finally:
            pool.close()

    assert in_thread(run) == os.SCHED_BATCH


@linux_only
def test_the_crawl_records_its_policy(crawled_sample: dict[str, Any]) -> None:
    run = rows(crawled_sample["db"], "select stats from crawl_runs")[0]
    assert json.loads(run["stats"])["crawl/sched_batch"] is True
