"""Schema and migrations: user_version, additive upgrades, no-op re-opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from archive import Archive, ArchiveForeignError, search, textindex
from archive.schema import (
    APPLICATION_ID,
    FILTER_INDEX,
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES,
    migrate,
)


def master(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()


def test_new_archive_has_the_whole_schema(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        assert archive.migrated == list(range(1, SCHEMA_VERSION + 1))
        conn = archive.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        for table in TABLES:
            assert list(archive.db[table.name].columns_dict) == list(table.columns), table.name
        names = {name for kind, name, _ in master(path) if kind in ("index", "trigger")}
        assert {
            "idx_articles_url",
            "idx_articles_published_at",
            "idx_articles_site_published_at",
            FILTER_INDEX,
            "idx_raw_pages_article_id",
            "articles_fts_delete",
            "articles_fts_update",
        } <= names
        assert "idx_articles_site" not in names  # (site, published_at) serves its queries
        assert "idx_articles_content_hash" not in names  # no query reads it (version 11)
        fts_sql = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'articles_fts'"
        ).fetchone()[0]
        assert 'content="articles"' in fts_sql  # what sqlite-utils and Datasette detect
        assert "tokenize='unicode61 remove_diacritics 2'" in fts_sql


def test_reopening_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    Archive(path).close()
    before = master(path)
    with Archive(path) as archive:
        assert archive.migrated == []
        assert migrate(archive.db) == []
        assert archive.conn.total_changes == 0
    assert master(path) == before


def test_version_0_file_with_an_articles_table_is_refused_untouched(tmp_path: Path) -> None:
    # Before the application id (#7) such a prototype was migrated in place; it cannot be
    # told apart from another application's "articles" table, so it is refused now.
    path = tmp_path / "news.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT, title TEXT, "
        "body TEXT, extra TEXT)"
    )
    conn.commit()
    conn.close()
    before = master(path)
    with pytest.raises(ArchiveForeignError, match="tables: articles"):
        Archive(path)
    assert master(path) == before


def version_1_archive(path: Path) -> None:
    """An archive as version 1 made it, with one article indexed."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    MIGRATIONS[0](Database(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO articles (id, url, site, title, body, published_at, revision, title_fold, "
        "body_fold) VALUES (1, 'u', 's', 'Işık', 'Işığı gördük.', '2025-11-16', 1, 'isik', "
        "'isigi gorduk.')"
    )
    conn.execute(  # version 1's FTS_INDEX_SQL
        "INSERT INTO articles_fts(rowid, title_fold, body_fold) "
        "SELECT id, title_fold, body_fold FROM articles WHERE id IN (1)"
    )
    conn.execute("COMMIT")
    conn.close()


def test_version_1_is_migrated_for_sqlite_utils_and_filters(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    version_1_archive(path)
    assert Database(path)["articles"].detect_fts() is None  # content='articles': not found
    with Archive(path) as archive:
        assert archive.migrated == list(range(2, SCHEMA_VERSION + 1))
        names = {name for kind, name, _ in master(path) if kind == "index"}
        assert {"idx_articles_site_published_at", FILTER_INDEX} <= names
        assert [h["url"] for h in search(archive, "ışık", site="s", since="2025-11")] == ["u"]
        assert_index_ok(archive)
    assert Database(path)["articles"].detect_fts() == "articles_fts"
    assert [row["title"] for row in Database(path)["articles"].search("isigi")] == ["Işık"]


def test_a_version_with_the_hash_index_drops_it_and_keeps_finding_hashes(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        archive.save_articles([{"url": "u", "site": "s", "title": "Işık", "body": "yok",
                                "content_hash": "abc"}])
    names = [m.__name__ for m in MIGRATIONS]  # the versions before the index was dropped:
    before = next(n for n, name in enumerate(names) if name.endswith("_no_hash_index"))
    conn = sqlite3.connect(path)
    conn.execute("CREATE INDEX idx_articles_content_hash ON articles (content_hash)")
    conn.execute(f"PRAGMA user_version = {before}")
    conn.commit()
    conn.close()
    with Archive(path) as archive:
        assert archive.migrated == list(range(before + 1, SCHEMA_VERSION + 1))
        assert "idx_articles_content_hash" not in {
            name for kind, name, _ in master(path) if kind == "index"}
        assert archive.has_hash("abc") and not archive.has_hash("abd")
        assert archive.save_articles([{"url": "u", "site": "s", "title": "Işık",
                                       "body": "yok", "content_hash": "abc"}]) == ["unchanged"]
        assert [h["url"] for h in search(archive, "ışık")] == ["u"]
        assert_index_ok(archive)


def test_empty_version_0_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    path.touch()
    with Archive(path) as archive:
        assert archive.migrated == list(range(1, SCHEMA_VERSION + 1))


def test_index_follows_deletes_and_can_be_rebuilt(tmp_path: Path) -> None:
    with Archive(tmp_path / "news.db") as archive:
        archive.save_articles(
            [
                {"url": "u1", "site": "s", "title": "Işık", "body": "yok"},
                {"url": "u2", "site": "s", "title": "Ilıca", "body": "var"},
            ]
        )
        db = Database(archive.conn)
        db.execute("DELETE FROM articles WHERE id = 1")  # by hand, in the sqlite3 shell
        assert search(archive, "ışık") == []
        db.execute("DROP TRIGGER articles_fts_update")  # an edit the index is not told of
        db.execute("UPDATE articles SET title = 'Işık' WHERE id = 2")
        assert [h["id"] for h in search(archive, "ılıca")] == [2]
        archive.rebuild_index()
        # typed in ASCII: "ışık" would leave the article out, its text has no ışık
        # (archive/lookalike.py); the index is what is tested here
        assert [h["id"] for h in search(archive, "isik")] == [2]
        assert search(archive, "ılıca") == []
        assert_index_ok(archive)


def assert_index_ok(archive: Archive) -> None:
    assert textindex.check(archive.conn) is None
