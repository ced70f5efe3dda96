"""The full-text index merges FTS_AUTOMERGE segments of a level at a time (#11, goal 2):
new archives and migrated ones, with the same search results."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from archive import Archive, search
from archive.schema import FTS_AUTOMERGE, FTS_TABLE, MIGRATIONS, SCHEMA_VERSION


def _automerge(path: Path) -> int | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(f"SELECT v FROM {FTS_TABLE}_config WHERE k = 'automerge'").fetchone()
    finally:
        conn.close()
    return None if row is None else int(row[0])


def _records(start: int) -> list[dict[str, str]]:
    return [{"url": f"https://haber.example/{n}", "site": "s", "title": f"Belediye {n}",
             "body": f"Gölde su var. Kıyı yolu {n} kapandı. Işıklar yandı."}
            for n in range(start, start + 30)]


def test_a_new_archive_merges_more_segments_at_a_time(tmp_path: Path) -> None:
    with Archive(tmp_path / "news.db"):
        pass
    assert FTS_AUTOMERGE > 4  # FTS5's default merges 4: one more level per 4x articles
    assert _automerge(tmp_path / "news.db") == FTS_AUTOMERGE


def test_an_older_archive_is_migrated_and_finds_the_same(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        archive.save_articles(_records(0))
        before = [(h["url"], h["rank"]) for h in search(archive, "kıyı", limit=50)]
    version = next(n for n, m in enumerate(MIGRATIONS) if m.__name__ == "_v12_fts_automerge")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(f"DELETE FROM {FTS_TABLE}_config WHERE k = 'automerge'")
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    assert _automerge(path) is None  # FTS5's default, as archives before the migration
    with Archive(path) as archive:
        assert archive.migrated == list(range(version + 1, SCHEMA_VERSION + 1))
        assert [(h["url"], h["rank"]) for h in search(archive, "kıyı", limit=50)] == before
        archive.save_articles(_records(30))
        assert len(search(archive, "kıyı", limit=100)) == 60
    assert _automerge(path) == FTS_AUTOMERGE
