"""``archive.reader``: a search opens a usual archive without ``archive.store`` and
leaves every unusual file to ``Archive`` (issue 11, goal 3a)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from archive import Archive, count, search
from archive import store as store_module
from archive.reader import CACHE_KIB, SQLITE_MIN_BYTES, open_reader


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        archive.save_articles([
            {"url": f"https://example.org/{i}", "site": "s", "title": f"Kadına şiddet {i}",
             "body": f"Belediye açıkladı {i}."} for i in range(5)])
    return path


def test_a_usual_archive_is_read_as_archive_reads_it(db: Path) -> None:
    reader = open_reader(str(db), 5.0)
    assert reader is not None
    with reader, Archive(db, create=False) as archive:
        assert reader.name == archive.name == "news.db"
        assert count(reader, "kadın") == count(archive, "kadın") == 5
        assert search(reader, "belediye") == search(archive, "belediye")
        assert reader.conn.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB


def test_its_constants_are_the_stores() -> None:
    assert CACHE_KIB == store_module.CACHE_KIB
    assert SQLITE_MIN_BYTES == store_module.SQLITE_MIN_BYTES


def _old_schema(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA user_version = {version - 1}")


def _not_wal(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def _linked(path: Path) -> None:
    os.link(path, path.with_name("other.db"))


def _foreign(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")


def _short(path: Path) -> None:
    path.write_bytes(b"x" * 100)


@pytest.mark.parametrize("change", [_old_schema, _not_wal, _linked, _foreign, _short,
                                    Path.unlink])
def test_anything_unusual_is_left_to_archive(db: Path, change) -> None:
    import archive.schema as schema

    if change is _old_schema and schema.SCHEMA_VERSION < 2:
        pytest.skip("no older schema")
    change(db)
    assert open_reader(str(db), 5.0) is None
    assert open_reader(str(db.parent), 5.0) is None  # a folder
