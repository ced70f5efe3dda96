"""GcTuning: fewer cycle collections while a spider is open, Python's defaults after."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from newscrawler import settings as project_settings
from newscrawler.extensions.gctune import GcTuning


@pytest.fixture(autouse=True)
def python_defaults() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


def tuning(threshold: int) -> GcTuning:
    return GcTuning.from_crawler(get_crawler(settings_dict={"GC_THRESHOLD": threshold}))


def test_the_crawl_tunes_its_collector_by_default():
    assert project_settings.GC_THRESHOLD > gc.get_threshold()[0]
    assert "newscrawler.extensions.gctune.GcTuning" in project_settings.EXTENSIONS


def test_an_open_spider_collects_less_often_with_its_start_up_frozen():
    before = gc.get_threshold()
    extension = tuning(10000)
    extension.spider_opened()
    assert gc.get_threshold() == (10000, *before[1:])
    assert gc.get_freeze_count() > 1000  # the modules, Scrapy, the crawler...
    extension.spider_closed()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_are_still_collected_while_tuned():
    extension = tuning(1000)
    extension.spider_opened()
    try:
        class Node:
            pass

        for _ in range(5000):  # cycles only the collector frees
            a, b = Node(), Node()
            a.other, b.other = b, a
        alive = sum(isinstance(o, Node) for o in gc.get_objects())
        assert alive < 2500
    finally:
        extension.spider_closed()


def test_the_last_of_several_open_spiders_restores_the_defaults():
    before = gc.get_threshold()
    first, second = tuning(10000), tuning(20000)
    first.spider_opened()
    second.spider_opened()
    assert gc.get_threshold()[0] == 20000
    first.spider_closed()
    assert gc.get_threshold()[0] == 20000 and gc.get_freeze_count() > 0
    second.spider_closed()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_zero_leaves_pythons_defaults():
    with pytest.raises(NotConfigured):
        tuning(0)


def test_opening_runs_no_full_collection():
    # A full collection scanned every start-up object (~25-40 ms in a crawl) to find ~50.
    generations: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            generations.append(info["generation"])

    extension = tuning(10000)
    gc.callbacks.append(seen)
    try:
        extension.spider_opened()
    finally:
        gc.callbacks.remove(seen)
        extension.spider_closed()
    assert 2 not in generations


def test_garbage_frozen_at_opening_is_collected_after_closing():
    class Node:
        pass

    extension = tuning(10000)
    gc.collect()
    a, b = Node(), Node()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    del a, b  # a cycle: only the collector frees it
    extension.spider_opened()
    gc.collect()
    assert alive() is not None  # frozen, kept while the spider is open
    extension.spider_closed()
    gc.collect()
    assert alive() is None
