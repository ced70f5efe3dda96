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
from archive.export import iter_articles, write_csv, write_jsonl
from archive.fold import case_fold, fold
from archive.query import parse_query, to_fts
from archive.schema import SCHEMA_VERSION
from archive.search import count, search
from archive.store import Archive, content_hash

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
