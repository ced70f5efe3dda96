"""Importing Scrapy's HTTP handler without reading the source of every frame on the stack.

Scrapy's ``create_deprecated_class`` names the module of each deprecated alias it makes
(``ScrapyClientContextFactory``, ``AcceptableProtocolsContextFactory``,
``ScrapyClientTLSOptions``, all made when ``scrapy.core.downloader.handlers.http11`` is
first imported) from ``inspect.stack()[1]``. ``inspect.stack()`` builds a frame record for
every frame of the stack, each with its source line: it finds the module of each frame (a
walk of ``sys.modules``, ~1,000 modules in a crawl) and reads its source file. The handler is
imported ~60 frames deep, when the downloader starts, so those three calls took ~0.1 s of a
crawl's CPU (cProfile, ``python -X importtime``: about a fifth of the crawl's imports),
for one frame of each.

:func:`shallow_stack` lets ``inspect.stack()`` build only the records its caller can use
(its own frame and its caller's: Scrapy reads ``[1]``) while a block runs; each record is
the one ``inspect.stack()`` gives. ``inspect.stack`` is Python's own again when the block
ends (other threads would see the short one meanwhile: at the downloader's start none of the
crawl's threads calls it). The classes and their ``__module__`` are Scrapy's; a test
compares them with a plain import.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Records built: the caller of ``inspect.stack()`` and the one above it.
DEPTH = 2


def short_stack(context: int = 1) -> list[inspect.FrameInfo]:
    """``inspect.stack(context)[:DEPTH]``, without building the records past those."""
    records: list[inspect.FrameInfo] = []
    frame = sys._getframe(1)
    while frame is not None and len(records) < DEPTH:
        info: Any = inspect.getframeinfo(frame, context)
        records.append(inspect.FrameInfo(frame, *info, positions=info.positions))
        frame = frame.f_back  # type: ignore[assignment]
    return records


@contextmanager
def shallow_stack() -> Iterator[None]:
    """While the block runs, ``inspect.stack()`` returns its first ``DEPTH`` records only."""
    real = inspect.stack
    inspect.stack = short_stack
    try:
        yield
    finally:
        inspect.stack = real
