"""RawStage: raw pages compressed on the archive's writer thread ahead of their batch.

On large pages the ``ARCHIVE_BATCH_BYTES`` limit was reached after ~20 pages, so batches of
~20 articles were written: five times the transactions, commits and full-text segments of
``ARCHIVE_BATCH_SIZE`` (100), about 0.1 ms more of the writer's CPU a page. Instead, the
archive pipeline hands the held raw pages to the writer thread, which compresses them as
``Archive.save_raw_pages`` would (``RAW_COMPRESSION_LEVEL``) and keeps only the compressed
bytes (~a fifth); the batch's raw pages are then saved after its articles, staged ones
first, in one ``save_raw_pages`` call: the same rows, in the same order and transactions,
as a batch that held them all.

``handed`` is read and written on the crawl's thread only; ``compress`` and ``save`` run on
the writer thread, one after the other, so the staged list needs no lock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from archive.rawcodec import compress_raw
from archive.store import RAW_COMPRESSION_LEVEL

R = TypeVar("R")


class RawStage:
    """Raw pages compressed ahead and held until their batch is written (see the module)."""

    def __init__(self) -> None:
        #: (Crawl's thread.) Pages handed over since the last batch: a batch must be saved.
        self.handed = 0
        self._pages: list[dict[str, Any]] = []

    def compress(self, pages: list[dict[str, Any]]) -> int:
        """(Writer thread.) Keep ``pages`` compressed; how many are staged now."""
        self._pages.extend(compressed_page(page) for page in pages)
        return len(self._pages)

    def save(self, save_raw_pages: Callable[[list[dict[str, Any]]], R],
             pages: list[dict[str, Any]]) -> R:
        """(Writer thread.) Save the staged pages, then ``pages``, in one call."""
        staged, self._pages = self._pages, []
        return save_raw_pages([*staged, *pages])


def compressed_page(page: Mapping[str, Any]) -> dict[str, Any]:
    """``page`` (a ``save_raw_pages`` dict) with its body compressed ahead (``compressed``)
    and its HTML dropped: the body's first byte stays, as ``save_raw_pages`` reads a body
    given with ``compressed`` only for its type and whether it is empty.

    >>> import zlib
    >>> page = compressed_page({"url": "u", "status": 200, "body": b"<html>" * 10})
    >>> page["body"], zlib.decompress(page["compressed"]) == b"<html>" * 10
    (b'<', True)
    """
    body = page.get("body")
    if not isinstance(body, bytes | bytearray | memoryview):
        return dict(page)  # left for save_raw_pages to refuse, with its message
    if page.get("compressed") is None:
        packed = compress_raw(bytes(body), RAW_COMPRESSION_LEVEL)
    else:
        packed = bytes(page["compressed"])
    return {**page, "compressed": packed, "body": body[:1]}
