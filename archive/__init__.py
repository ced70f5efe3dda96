"""The newscrawler archive: a SQLite store of Turkish news with Turkish-aware search.

This package never imports Scrapy or ``newscrawler``: the crawler depends on the
archive, never the reverse.

>>> from archive import Archive, search
>>> with Archive(":memory:") as archive:
...     archive.save_articles([{"url": "https://example.org/1", "site": "hibya",
...         "title": "KADINA ŞİDDETE HAYIR", "body": "Işık Mahallesi'nde yürüyüş."}])
...     [hit["title"] for hit in search(archive, "kadına")]
['new']
['KADINA ŞİDDETE HAYIR']
"""

from __future__ import annotations

from archive.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveForeignError,
    ArchiveLockedError,
    ArchiveMissingError,
    ArchiveVersionError,
    ArchiveWriteError,
    QueryError,
    RecordError,
)

# Imported now, not lazily: importing the module ``archive.search`` (or ``archive.fold``)
# binds the package's ``search`` (``fold``) to the module, so the function of that name
# must be bound here first, as before.
from archive.fold import case_fold, fold
from archive.search import count, search

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from typing import Any

    from archive.export import iter_articles, write_csv, write_jsonl
    from archive.query import parse_query, to_fts
    from archive.schema import SCHEMA_VERSION
    from archive.store import Archive, content_hash

#: Names imported from their module on first use (PEP 562): ``from archive import
#: Archive`` does not pay for the export code (issue 11: a search starts fast).
_LAZY = {
    "SCHEMA_VERSION": "archive.schema",
    "Archive": "archive.store",
    "content_hash": "archive.store",
    "iter_articles": "archive.export",
    "parse_query": "archive.query",
    "to_fts": "archive.query",
    "write_csv": "archive.export",
    "write_jsonl": "archive.export",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "SCHEMA_VERSION",
    "Archive",
    "ArchiveCorruptError",
    "ArchiveError",
    "ArchiveForeignError",
    "ArchiveLockedError",
    "ArchiveMissingError",
    "ArchiveVersionError",
    "ArchiveWriteError",
    "QueryError",
    "RecordError",
    "case_fold",
    "content_hash",
    "count",
    "fold",
    "iter_articles",
    "parse_query",
    "search",
    "to_fts",
    "write_csv",
    "write_jsonl",
]
