"""Extraction workers started ahead of the crawl's own start-up (issue 11, goal 1).

A worker is a fresh interpreter: it imports the extractor and builds its tables (numpy, the
call-to-action and place name patterns, the date parsers) in ~0.25 s, which the crawl's
first pages used to share a core with. ``newscrawler crawl`` spends ~0.4 s importing Scrapy
and setting up its crawler before its spider asks for a worker, so it starts the workers
first (:func:`prestart_workers`), as spares that prepare themselves beside those imports;
the spider's :class:`~newscrawler.extract.pool.ExtractionPool` then takes them instead of
starting its own (stat ``extract/head_start``). Spares no crawl takes are ended
(:func:`discard`): when the settings ask for fewer workers, and before a crawl waits for
another's run lock. This module imports nothing heavy: it runs before Scrapy is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newscrawler.extract import workerproc
from newscrawler.extract.workercount import AUTO, workers_for

#: What a spare runs while the crawl starts (see ``newscrawler.extract.pool.prepare_worker``).
PREPARE = "newscrawler.extract.pool:prepare_worker"
SETTING = "EXTRACT_WORKERS"


def prestart_workers(setting: Any = AUTO) -> list[int]:
    """Start the extraction workers ``EXTRACT_WORKERS`` (``setting``) asks for that are not
    waiting already, as spares; their process ids (none for 0, or on one CPU). Never
    raises: a value the spider will reject, or a system that cannot start a process now
    (no file descriptors left, an interpreter it cannot read), starts none, and the
    spider reports it."""
    try:
        missing = workers_for(setting) - workerproc.spares(PREPARE)
        return workerproc.prestart(missing, PREPARE) if missing > 0 else []
    except Exception:  # only a head start: the spider starts its workers, or says why not
        return []


def setting_given(overrides: Iterable[str], name: str = SETTING) -> str:
    """The raw value of the last ``NAME=VALUE`` override for ``name``, else ``"auto"``
    (read before the overrides are checked: that imports Scrapy).

    >>> setting_given(["DOWNLOAD_DELAY=1", " EXTRACT_WORKERS = 2"]), setting_given([])
    ('2', 'auto')
    """
    value = AUTO
    for text in overrides:
        key, sep, raw = text.partition("=")
        if sep and key.strip() == name:
            value = raw.strip()
    return value


def discard() -> int:
    """End the spares no crawl took; how many there were."""
    return workerproc.discard_spares()
