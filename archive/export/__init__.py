"""Streaming exports of the archive as tables researchers load with defaults.

Three tables (``TABLES``): ``articles`` (one row per article), ``headlines`` (one row per
headline of an article) and ``runs`` (one row per crawl run); ``stories`` (one row per
story, ``archive.storyreport``). Rows are read from a cursor
and written as they come, in constant memory, as CSV, JSON Lines (``writers``) or xlsx
(``xlsx``). What each column holds: docs/export.md.

>>> from archive import Archive
>>> import io
>>> with Archive(":memory:") as archive:
...     _ = archive.save_articles([{"url": "https://example.org/1", "site": "hibya",
...         "title": "Işık", "body": "Metin.", "published_at": "2025-11-16T10:00:00+03:00",
...         "tags": ["kadın", "İzmir"]}])
...     out = io.StringIO()
...     write_csv(article_records(iter_articles(archive)), out,
...               ["id", "published_date", "published_at_utc", "tags"])
1
>>> print(out.getvalue(), end="")
id,published_date,published_at_utc,tags
1,2025-11-16,2025-11-16T07:00:00Z,"[""kadın"", ""İzmir""]"
"""

from archive.export.cells import iter_article_cells
from archive.export.rows import ARTICLE_FIELDS, RUN_FIELDS, iter_articles, iter_runs
from archive.export.tables import (
    ARTICLE_COLUMNS,
    HEADLINE_COLUMNS,
    LIST_COLUMNS,
    RUN_COLUMNS,
    STORY_COLUMNS,
    TABLES,
    ExportTable,
    article_records,
    date_columns,
    headline_records,
    run_records,
    story_records,
    utc,
)
from archive.export.writers import EXCEL_DELIMITER, cell, write_csv, write_csv_rows, write_jsonl
from archive.export.xlsx import MAX_CELL_CHARS, MAX_ROWS, NOTE_COLUMN, write_xlsx

#: The CSV header of the articles table (kept for callers of the earlier name).
CSV_COLUMNS = ARTICLE_COLUMNS

__all__ = [
    "ARTICLE_COLUMNS",
    "ARTICLE_FIELDS",
    "CSV_COLUMNS",
    "EXCEL_DELIMITER",
    "HEADLINE_COLUMNS",
    "LIST_COLUMNS",
    "MAX_CELL_CHARS",
    "MAX_ROWS",
    "NOTE_COLUMN",
    "RUN_COLUMNS",
    "RUN_FIELDS",
    "STORY_COLUMNS",
    "TABLES",
    "ExportTable",
    "article_records",
    "cell",
    "date_columns",
    "headline_records",
    "iter_article_cells",
    "iter_articles",
    "iter_runs",
    "run_records",
    "story_records",
    "utc",
    "write_csv",
    "write_csv_rows",
    "write_jsonl",
    "write_xlsx",
]
