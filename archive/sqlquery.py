"""A search as one plain SQL SELECT, for sqlite3, sqlite-utils, pandas, R and Datasette.

``match_sql("kadına", site="hibya")`` gives the SELECT and its parameters: the articles
joined to the full-text index with the FTS5 MATCH expression the query becomes (folded,
every unquoted word OR-ed with its inflected forms, as ``archive.search`` does), the
filters, and bm25 order with the title weighing ``TITLE_WEIGHT`` body matches.
``inline(sql, params)`` writes the parameters into the text, safely quoted, so that any
SQLite client runs it as it stands.

The SELECT finds the same articles as ``archive.search`` and ``archive.count``. Its order is
plain bm25 over every match: ``search`` also puts articles with the typed Turkish letters
first and ranks a common word's matches ``CANDIDATES`` at a time, newest first. Needs no
function of ours: the author and category filters fold with ``lower`` and ``replace``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from archive import inflect
from archive.query import parse_query, to_fts
from archive.schema import FTS_TABLE
from archive.search import TITLE_WEIGHT, _conditions

__all__ = ["SELECT_COLUMNS", "inline", "match_expression", "match_sql", "quote"]

#: The article columns the SELECT returns, then ``rank`` (bm25: lower is better).
SELECT_COLUMNS = ("id", "published_at", "site", "title", "url", "author", "category")


def match_expression(query: str, *, expand: bool = True) -> str | None:
    """The FTS5 MATCH string ``query`` becomes, or None when it searches for nothing.

    >>> match_expression("IŞIK -spor", expand=False)
    '("isik") NOT ("spor")'
    >>> match_expression("( OR") is None
    True
    """
    return to_fts(parse_query(query), inflect.expand if expand else None)


def match_sql(
    query: str,
    *,
    site: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    author: str | None = None,
    category: str | None = None,
    place: str | None = None,
    story: int | None = None,
    expand: bool = True,
) -> tuple[str, list[Any]]:
    """The SELECT (with ``?`` placeholders) and parameters for a search.

    Filters mean what they mean in ``archive.search``; a query that searches for nothing
    gives a SELECT of no rows. Raises ``QueryError`` for a bad query or date, as
    ``search`` does.

    >>> sql, params = match_sql("belediye*", site="hibya")
    >>> params
    ['("belediye"*)', 'hibya']
    >>> "ORDER BY rank" in sql
    True
    """
    match = match_expression(query, expand=expand)
    conditions = _conditions(site, since, until, author, category, place, story)
    columns = ", ".join(f"a.{name}" for name in SELECT_COLUMNS)
    sql = (
        f"SELECT {columns},\n"
        f"  bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0) AS rank\n"
        f"FROM {FTS_TABLE} CROSS JOIN articles AS a ON a.id = {FTS_TABLE}.rowid\n"
    )
    if match is None:
        return sql + "WHERE 0", []
    where = f"WHERE {FTS_TABLE} MATCH ?" + "".join(f"\n  AND {c}" for c, _ in conditions)
    params = [match, *(value for _, values in conditions for value in values)]
    return sql + where + "\nORDER BY rank, a.id DESC", params


def quote(value: Any) -> str:
    """``value`` as an SQLite literal: strings single-quoted (quotes doubled), numbers
    as they are, None as NULL.

    >>> quote("İzmir'de"), quote(3), quote(None)
    ("'İzmir''de'", '3', 'NULL')
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} as an SQL literal")
    text = unicodedata.normalize("NFC", value)
    # A NUL would end the string in some clients: build it with char(0) instead.
    parts = ["'" + part.replace("'", "''") + "'" for part in text.split("\0")]
    return " || char(0) || ".join(parts)


# A string literal, a quoted identifier, a comment, or a placeholder.
_SQL_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?")


def inline(sql: str, params: list[Any]) -> str:
    """``sql`` with each ``?`` placeholder replaced by its parameter, quoted.

    Question marks inside string literals, quoted names and comments are left alone.

    >>> inline("SELECT ? || '?', ?", ["a'b", 2])
    "SELECT 'a''b' || '?', 2"
    """
    values = iter(params)
    used = 0

    def replace(m: re.Match[str]) -> str:
        nonlocal used
        if m.group() != "?":
            return m.group()
        used += 1
        try:
            return quote(next(values))
        except StopIteration:
            raise ValueError("more placeholders than parameters") from None

    text = _SQL_TOKEN.sub(replace, sql)
    if used != len(params):
        raise ValueError(f"{len(params)} parameters for {used} placeholders")
    return text
