"""Where a crawl is: whether anything is left to fetch (Scrapy's engine, read defensively)."""

from __future__ import annotations

from typing import Any


def fetching_done(crawler: Any) -> bool:
    """Whether ``crawler``'s crawl has nothing left to fetch: no download in flight, every start
    request handled and the scheduler empty; only pages already fetched are being
    processed (they may still find new URLs, which ends this phase again).

    False when the crawl has no engine yet or its layout is not Scrapy's (a later
    version): callers then keep their usual pace.
    """
    try:
        engine = crawler.engine
    except (AttributeError, RuntimeError):  # Scrapy raises until the crawl starts
        return False
    if engine is None:
        return False
    downloader = getattr(engine, "downloader", None)
    slot = getattr(engine, "_slot", None)
    scheduler = getattr(slot, "scheduler", None)
    if downloader is None or scheduler is None or not hasattr(engine, "_start"):
        return False
    if getattr(downloader, "active", True) or engine._start is not None:
        return False
    try:
        return not scheduler.has_pending_requests()
    except Exception:  # a scheduler of another kind (scrapy-redis): assume more to fetch
        return False
