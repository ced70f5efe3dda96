"""EXTRACT_WORKERS=auto: one extraction worker from two usable CPUs on, none on one; a crawl
loads no Scrapy part it has switched off (goal 6: memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawler import settings as project_settings
from newscrawler.extract import workercount
from newscrawler.extract.workercount import extract_workers, workers_for
from newscrawler.middlewares.cookies import LazyCookiesMiddleware
from newscrawler.overrides import OverrideError, parse_override
from newscrawler.pipelines.archive import writer_thread
from tests.conftest import DEFAULT_SETTINGS, rows


@pytest.mark.parametrize(("cpus", "workers"), [(1, 0), (2, 1), (16, 1)])
def test_auto_is_one_worker_from_two_cpus_on(monkeypatch: pytest.MonkeyPatch, cpus: int,
                                             workers: int) -> None:
    monkeypatch.setattr(workercount, "usable_cpus", lambda: cpus)
    assert project_settings.EXTRACT_WORKERS == "auto"
    assert extract_workers(Settings({"EXTRACT_WORKERS": "auto"})) == workers
    assert extract_workers(Settings()) == workers  # not set at all: auto
    # the archive's writer thread follows the workers that run
    assert writer_thread(Settings({"ARCHIVE_WRITER_THREAD": None})) is (workers > 0)
    assert writer_thread(Settings({"ARCHIVE_WRITER_THREAD": False})) is False


def test_a_number_is_taken_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workercount, "usable_cpus", lambda: 1)
    assert extract_workers(Settings({"EXTRACT_WORKERS": 2})) == 2
    assert extract_workers(Settings({"EXTRACT_WORKERS": "0"})) == 0
    assert writer_thread(Settings({"EXTRACT_WORKERS": 0, "ARCHIVE_WRITER_THREAD": None})) is False
    with pytest.raises(ValueError, match="auto or a whole number"):
        workers_for("many")


def test_usable_cpus_follow_the_affinity_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "process_cpu_count", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {3}, raising=False)
    assert workercount.usable_cpus() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 5}, raising=False)
    assert workercount.usable_cpus() == 2


def test_set_takes_auto_or_a_number() -> None:
    assert parse_override("EXTRACT_WORKERS=auto") == ("EXTRACT_WORKERS", "auto")
    assert parse_override("EXTRACT_WORKERS=0") == ("EXTRACT_WORKERS", 0)
    for bad in ("EXTRACT_WORKERS=two", "EXTRACT_WORKERS=-1"):
        with pytest.raises(OverrideError, match="EXTRACT_WORKERS"):
            parse_override(bad)


def test_cookies_come_back_with_cookies_enabled() -> None:
    with pytest.raises(NotConfigured):
        LazyCookiesMiddleware.from_crawler(get_crawler(settings_dict={"COOKIES_ENABLED": False}))
    middleware = LazyCookiesMiddleware.from_crawler(
        get_crawler(settings_dict={"COOKIES_ENABLED": True}))
    assert type(middleware).__module__ == "scrapy.downloadermiddlewares.cookies"


CRAWL_HERE = """
import json, sys
from newscrawler.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted({"aiohttp", "tldextract", "requests", "multiprocessing.resource_tracker"}
                        & set(sys.modules))))
"""


def test_a_crawl_on_one_cpu_runs_in_one_process_without_unused_scrapy_parts(
        tmp_path: Path, sample_origin: str) -> None:
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("needs os.sched_setaffinity")
    db = tmp_path / "news.db"
    one_cpu = {min(os.sched_getaffinity(0))}
    env = {**os.environ, **DEFAULT_SETTINGS}
    env.pop("NEWSCRAWLER_DB", None)
    out = subprocess.run(
        [sys.executable, "-c", CRAWL_HERE, "crawl", "sample", "--db", str(db), "--base-url",
         sample_origin, "--set", "PROGRESS_INTERVAL=0"],
        capture_output=True, text=True, timeout=240, env=env,
        preexec_fn=lambda: os.sched_setaffinity(0, one_cpu))
    assert out.returncode == 0, out.stderr[-3000:]
    # the remote control (aiohttp), the unused cookies middleware (tldextract, requests) and
    # multiprocessing's resource tracker are not loaded
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [], out.stderr[-2000:]
    stats: dict[str, Any] = json.loads(rows(db, "select stats from crawl_runs")[0]["stats"])
    assert "extract/workers" not in stats  # auto on one CPU: no worker
    assert stats["item_scraped_count"] > 30
