"""Extraction workers started ahead of the crawl (newscrawler/extract/headstart.py): the
crawl's pool takes them, and none is left behind whatever happens."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newscrawler.extract import headstart, workerproc
from newscrawler.extract.page import Extracted
from newscrawler.extract.pool import EVERY_STEP, ExtractionPool, warm_page
from newscrawler.profiles import get_profile
from newscrawler.runlock import RunLock
from newscrawler.runner import _lock
from tests.conftest import rows

PAGE = ("<html><head><title>Vali konuştu</title></head><body><article><h1>Vali konuştu</h1>"
        "<p>Vali bugün Konak'ta yaptığı açıklamada yeni okulların eylülde açılacağını "
        "söyledi ve velilere teşekkür etti.</p><p>Belediye de çalışmalara destek "
        "verecek.</p></article></body></html>").encode()
URL = "http://127.0.0.1:1/haber/vali-konustu-101"


@pytest.fixture(autouse=True)
def no_spares_left() -> Iterator[None]:
    headstart.discard()
    yield
    assert headstart.discard() == 0, "a test left a spare behind"


def gone(pid: int, timeout: float = 10.0) -> bool:
    """Whether process ``pid`` has ended (reaped: no entry, or a zombie) within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def answer(pool: ExtractionPool) -> tuple[str, Extracted]:
    encoding, extracted, _ = pool.submit(PAGE, "utf-8", URL).result(timeout=60)
    return encoding, extracted


def test_the_pool_takes_the_spare_and_answers_as_a_fresh_worker_does() -> None:
    profile = get_profile("sample")
    (spare,) = headstart.prestart_workers("1")
    pool = ExtractionPool(1, profile)
    try:
        assert pool.start() == [spare]
        assert pool.head_start() == 1
        ahead = answer(pool)
    finally:
        pool.close()
    fresh = ExtractionPool(1, profile)
    try:
        fresh.start()
        assert fresh.head_start() == 0
        assert answer(fresh) == ahead
    finally:
        fresh.close()
    assert ahead[1].title == "Vali konuştu" and ahead[1].blocks


def test_a_spare_started_in_another_environment_is_ended_not_taken(
        monkeypatch: pytest.MonkeyPatch) -> None:
    (spare,) = headstart.prestart_workers("1")
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")  # the workers must start with it
    pool = ExtractionPool(1, None)
    try:
        (worker,) = pool.start()
        assert worker != spare and pool.head_start() == 0
        assert pool.call(os.getenv, "MALLOC_MMAP_THRESHOLD_") == "65536"
    finally:
        pool.close()
    assert gone(spare)


def test_the_head_start_runs_every_step_without_error() -> None:
    """``prepare_worker`` drops errors (it is only a head start): its page must pass."""
    item = warm_page(None, EVERY_STEP)
    assert item is not None and item.prepared is not None
    assert item.prepared.story_prints is not None and item.prepared.spellings
    assert item.prepared.places is not None


def test_what_the_setting_asks_for_is_started_once() -> None:
    assert headstart.prestart_workers("0") == []
    assert headstart.prestart_workers("many") == []  # the spider says what is wrong
    first = headstart.prestart_workers("2")
    assert len(first) == 2
    assert headstart.prestart_workers("2") == []  # topped up: both are waiting
    assert headstart.discard() == 2
    assert all(gone(pid) for pid in first)


def test_the_setting_is_read_from_the_command_line_overrides() -> None:
    assert headstart.setting_given(("EXTRACT_WORKERS=0", "DOWNLOAD_DELAY=1")) == "0"
    assert headstart.setting_given(("EXTRACT_WORKERS=3", "EXTRACT_WORKERS=1")) == "1"
    assert headstart.setting_given(("DOWNLOAD_DELAY=1",)) == "auto"


def test_a_spare_ends_when_the_process_that_started_it_is_gone(tmp_path: Path) -> None:
    script = ("from newscrawler.extract import headstart\n"
              "print(*headstart.prestart_workers('1'), flush=True)\n"
              "import os; os._exit(0)\n")  # no clean-up at all: as a kill
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1]).stdout
    assert gone(int(out))


def test_a_crawl_that_waits_for_the_lock_ends_its_spares_first(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    held = RunLock(db, "sample").acquire()
    (spare,) = headstart.prestart_workers("1")
    threading.Timer(0.5, held.release).start()
    lock = _lock(str(db), "sample", wait=30)  # waits for the other crawl
    try:
        assert workerproc.spares(headstart.PREPARE) == 0
        assert gone(spare)
    finally:
        lock.release()


@pytest.mark.skipif(not hasattr(os, "SCHED_BATCH"), reason="SCHED_BATCH is Linux's")
def test_a_spare_takes_the_policy_the_crawl_chose_after_it_started() -> None:
    from newscrawler.schedpolicy import batch_scheduling

    box: list[Any] = []

    def run() -> None:
        os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
        headstart.prestart_workers("1")  # before the crawl's policy, as in the command
        batch_scheduling(True)
        pool = ExtractionPool(1, None)
        try:
            pool.start()
            box.append((pool.head_start(), pool.call(os.sched_getscheduler, 0)))
        finally:
            pool.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert box == [(1, os.SCHED_BATCH)]


def test_the_crawl_records_its_head_start(crawled_sample: dict[str, Any]) -> None:
    stats = json.loads(rows(crawled_sample["db"], "select stats from crawl_runs")[0]["stats"])
    if "extract/workers" not in stats:
        pytest.skip("one CPU: the crawl runs no extraction worker")
    assert stats["extract/head_start"] == stats["extract/workers"] == 1
