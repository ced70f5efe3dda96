"""Importing Scrapy's HTTP handler without reading the source of every frame on the stack.

Scrapy's ``create_deprecated_class`` names the module of each deprecated alias it makes
(``ScrapyClientContextFactory``, ``AcceptableProtocolsContextFactory``,
``ScrapyClientTLSOptions``, all made when ``scrapy.core.downloader.handlers.http11`` is
first imported) from ``inspect.getmodule(inspect.stack()[1][0])``. ``inspect.stack()``
builds a record for every frame of the stack, each with its source line; for a frame,
``inspect.getmodule`` compares its file with the file of every module loaded (the first
time, ``os.path.realpath`` of each of the ~900 modules of a crawl). The handler is imported
~60 frames deep, when the downloader starts: this took ~0.1 s of a crawl's CPU (cProfile,
``python -X importtime``: about a fifth of the crawl's imports), for one frame's module.

While a :func:`shallow_stack` block runs:

- ``inspect.stack()`` builds only the records its caller can use (its caller's frame and
  the one above: Scrapy reads ``[1]``), each the record ``inspect.stack()`` gives;
- ``inspect.getmodule(frame)`` answers with the module the frame runs in (its globals'
  ``__name__``) when that module's file is the frame's file, which is the module the walk
  finds; any other question goes to Python's own.

Both are Python's own again when the block ends (other threads would see the stand-ins
meanwhile: at the downloader's start none of the crawl's threads calls them). The classes
and their ``__module__`` are Scrapy's; a test compares them with a plain import.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, ModuleType
from typing import Any

#: Records built: the caller of ``inspect.stack()`` and the one above it.
DEPTH = 2

_getmodule = inspect.getmodule


def short_stack(context: int = 1) -> list[inspect.FrameInfo]:
    """``inspect.stack(context)[:DEPTH]``, without building the records past those."""
    records: list[inspect.FrameInfo] = []
    frame = sys._getframe(1)
    while frame is not None and len(records) < DEPTH:
        info: Any = inspect.getframeinfo(frame, context)
        records.append(inspect.FrameInfo(frame, *info, positions=info.positions))
        frame = frame.f_back  # type: ignore[assignment]
    return records


def frame_module(frame: FrameType) -> ModuleType | None:
    """The module ``frame`` runs in when its file is the frame's file, else None."""
    module = sys.modules.get(frame.f_globals.get("__name__", ""))
    if module is not None and getattr(module, "__file__", None) == frame.f_code.co_filename:
        return module
    return None


def quick_getmodule(obj: object, _filename: str | None = None) -> ModuleType | None:
    """``inspect.getmodule``, answering a frame by :func:`frame_module` when it can."""
    if inspect.isframe(obj):
        module = frame_module(obj)
        if module is not None:
            return module
    return _getmodule(obj, _filename)


@contextmanager
def shallow_stack() -> Iterator[None]:
    """While the block runs, ``inspect.stack()`` returns its first ``DEPTH`` records only
    and ``inspect.getmodule`` answers a frame by its globals (see the module)."""
    real_stack, real_getmodule = inspect.stack, inspect.getmodule
    inspect.stack, inspect.getmodule = short_stack, quick_getmodule  # type: ignore[assignment]
    try:
        yield
    finally:
        inspect.stack, inspect.getmodule = real_stack, real_getmodule
