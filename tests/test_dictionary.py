"""The data dictionary documents exactly the archive's columns, and the docs are its text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive import Archive
from archive.dictionary import (
    DATE_PRECISIONS,
    DATE_SOURCES,
    EXPORT_SOURCES,
    EXPORTS,
    TABLES,
    markdown,
)
from archive.schema import FTS_COLUMNS, FTS_TABLE, RUN_STATUSES
from archive.schema import TABLES as SCHEMA_TABLES

REPO = Path(__file__).resolve().parents[1]
SQL_TYPES = {int: "INTEGER", str: "TEXT", bytes: "BLOB", float: "FLOAT"}


def _archive_columns() -> dict[str, list[tuple[str, str]]]:
    """Tables and (column, type) of a new archive, as SQLite reports them."""
    with Archive(":memory:") as archive:
        conn = archive.conn
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE ? ORDER BY name", (f"{FTS_TABLE}_%",))]
        return {name: [(row[1], row[2]) for row in conn.execute(f"PRAGMA table_info({name})")]
                for name in names}


def test_every_table_of_a_new_archive_is_documented_and_nothing_else() -> None:
    assert sorted(TABLES) == sorted(_archive_columns())


@pytest.mark.parametrize("table", sorted(TABLES))
def test_columns_match_the_archive(table: str) -> None:
    actual = _archive_columns()[table]
    undocumented = [name for name, _ in actual if name not in TABLES[table].columns]
    missing = [name for name in TABLES[table].columns if name not in dict(actual)]
    assert undocumented == [], f"{table}: columns without documentation"
    assert missing == [], f"{table}: documented columns the archive does not have"
    if table != FTS_TABLE:  # FTS5 columns have no declared type
        assert {name: doc.type for name, doc in TABLES[table].columns.items()} == dict(actual)


@pytest.mark.parametrize("table", SCHEMA_TABLES, ids=lambda t: t.name)
def test_columns_match_the_schema_declaration(table) -> None:
    docs = TABLES[table.name].columns
    assert list(docs) == list(table.columns)
    assert {name: doc.type for name, doc in docs.items()} == {
        name: SQL_TYPES[kind] for name, kind in table.columns.items()}


def test_fts_columns() -> None:
    assert tuple(TABLES[FTS_TABLE].columns) == FTS_COLUMNS


def test_every_column_has_meaning_example_and_null_rule() -> None:
    for table in (*TABLES.values(), *EXPORTS.values()):
        assert table.description
        for name, doc in table.columns.items():
            assert doc.meaning and doc.example and doc.null_when, name


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_export_columns_are_documented(name: str) -> None:
    tables = pytest.importorskip("archive.export.tables")
    exported = tables.TABLES[name].columns
    source = TABLES[EXPORT_SOURCES[name]].columns
    assert [c for c in exported if c not in EXPORTS[name].columns and c not in source] == []
    assert [c for c in EXPORTS[name].columns if c not in exported] == []


def test_values_are_those_the_crawler_writes() -> None:
    from newscrawler.text import dates

    assert DATE_PRECISIONS == dates.PRECISIONS
    assert DATE_SOURCES == dates.SOURCES
    for value in (*DATE_PRECISIONS, *DATE_SOURCES):
        assert f"`{value}`" in markdown()
    for status in RUN_STATUSES:
        assert f"`{status}`" in TABLES["crawl_runs"].columns["status"].meaning


def test_not_null_columns_say_never() -> None:
    for table in SCHEMA_TABLES:
        for name in table.not_null:
            assert TABLES[table.name].columns[name].null_when == "never", (table.name, name)


def test_docs_file_is_the_generated_text() -> None:
    text = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert text == markdown(), (
        "docs/data-dictionary.md is out of date: "
        "python -m archive.dictionary > docs/data-dictionary.md")


def test_module_prints_the_docs() -> None:
    result = subprocess.run([sys.executable, "-m", "archive.dictionary"], cwd=REPO,
                            capture_output=True, timeout=60, check=True)
    assert result.stdout.decode("utf-8") == markdown()
