"""GcTuning: the crawl's process runs Python's cycle collector less often while it crawls.

A crawl allocates many short-lived containers (requests, responses, Deferreds, items), and
Python's cycle collector ran every 700 of them: on ~97 KB pages it took ~8% of the crawl's
process (0.45 s of 5.0 for 1,200 pages, bench/crawl_bench.py), and its full collections
also scanned the ~75,000 objects of Scrapy and the crawl's own start-up each time, yet it
found ~3,500 objects of cyclic garbage in the whole crawl. While a spider is open, this
extension freezes what exists then (``gc.freeze``: start-up objects are no longer scanned;
reference counting still frees them) and raises the first generation's threshold to
``GC_THRESHOLD``; when the spider closes it restores both. Cyclic garbage is still
collected, only after more allocations. Extraction workers keep Python's defaults.

No collection runs before the freeze: it scanned the ~75,000 start-up objects to find ~50
of garbage (~25-40 ms of CPU, ~0.03 ms a page of a 1,200-page crawl); those few stay frozen
until the spider closes, when ``gc.unfreeze`` hands them back to the collector.

Setting: ``GC_THRESHOLD`` (0: Python's defaults, nothing frozen).
"""

from __future__ import annotations

import gc
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

#: Python's thresholds before the first open spider tuned them, and how many are open (several
#: crawls may run in one process: the first to open tunes, the last to close restores).
_saved: tuple[int, ...] | None = None
_open = 0


class GcTuning:
    """Collect cycles every ``threshold`` allocations, start-up objects frozen, while a
    spider is open (see the module)."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.opened = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GcTuning:
        threshold = crawler.settings.getint("GC_THRESHOLD", 0)
        if threshold <= 0:
            raise NotConfigured("GC_THRESHOLD is 0")
        extension = cls(threshold)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, **_: Any) -> None:
        """Freeze the start-up's objects, raise the threshold."""
        global _saved, _open
        if self.opened:
            return
        self.opened = True
        _open += 1
        if _saved is None:
            _saved = gc.get_threshold()
            gc.freeze()
        gc.set_threshold(max(self.threshold, gc.get_threshold()[0]), *_saved[1:])

    def spider_closed(self, **_: Any) -> None:
        """The last open spider closed: Python's thresholds again, nothing frozen."""
        global _saved, _open
        if not self.opened:
            return
        self.opened = False
        _open -= 1
        if _open == 0 and _saved is not None:
            gc.set_threshold(*_saved)
            gc.unfreeze()
            _saved = None
