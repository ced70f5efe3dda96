"""The JOBDIR scheduler: a job dir a killed crawl left is emptied, a busy one refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from newscrawler.jobdir import MARK, JobdirBusyError, JobdirScheduler, open_mark


def scheduler(jobdir: Path) -> JobdirScheduler:
    """A JobdirScheduler of a crawler with this JOBDIR (the dupefilter reads it at once)."""
    crawler = get_crawler(Spider, {"JOBDIR": str(jobdir),
                                   "SCHEDULER": "newscrawler.jobdir.JobdirScheduler"})
    crawler.stats.open_spider()
    made = JobdirScheduler.from_crawler(crawler)
    made.crawler = crawler
    return made


def killed_jobdir(jobdir: Path, *, saved_before: bool) -> None:
    """What SIGKILL leaves: URLs seen, the open mark; a queue state only from an earlier
    clean close (``saved_before``: stopped by SIGTERM, resumed, then killed)."""
    (jobdir / "requests.queue").mkdir(parents=True)
    (jobdir / "requests.seen").write_bytes((20).to_bytes(2, "big") + bytes(20))
    (jobdir / MARK).write_text("pid 1 since 2025-01-01T00:00:00+00:00")
    if saved_before:
        (jobdir / "requests.queue" / "active.json").write_text(json.dumps([0]))


@pytest.mark.parametrize("saved_before", [False, True])
def test_a_killed_crawls_jobdir_is_emptied_and_counted(tmp_path: Path,
                                                       saved_before: bool) -> None:
    killed_jobdir(tmp_path, saved_before=saved_before)
    made = scheduler(tmp_path)
    assert made.crawler is not None and made.crawler.stats is not None
    assert made.crawler.stats.get_value("jobdir/queue_lost") == 1
    assert not (tmp_path / "requests.queue" / "active.json").exists()
    assert (tmp_path / "requests.seen").read_bytes() == b""  # nothing is taken for seen
    assert (tmp_path / MARK).read_text().startswith("pid ")  # this crawl's now
    assert (tmp_path / MARK).read_text() != "pid 1 since 2025-01-01T00:00:00+00:00"


def test_a_cleanly_closed_jobdir_is_kept(tmp_path: Path) -> None:
    (tmp_path / "requests.queue").mkdir()
    (tmp_path / "requests.queue" / "active.json").write_text("[]")
    seen = (20).to_bytes(2, "big") + bytes(20)
    (tmp_path / "requests.seen").write_bytes(seen)
    made = scheduler(tmp_path)
    assert made.crawler is not None and made.crawler.stats is not None
    assert made.crawler.stats.get_value("jobdir/queue_lost") is None
    assert (tmp_path / "requests.seen").read_bytes() == seen
    assert (tmp_path / MARK).read_text().startswith("pid ")


def test_a_jobdir_in_use_is_refused_and_left_alone(tmp_path: Path) -> None:
    killed_jobdir(tmp_path, saved_before=False)
    held = open_mark(tmp_path)  # a running crawl has it open
    try:
        with pytest.raises(JobdirBusyError, match="give each crawl its own --jobdir"):
            scheduler(tmp_path)
        assert (tmp_path / "requests.seen").stat().st_size == 22
    finally:
        held.close()
