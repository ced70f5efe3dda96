"""Stories' recent bands (#11): writes go to a small table, merged in key order, and the
stories found stay exactly those of one big table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archive import Archive, stories
from archive.schema import MIGRATIONS, SCHEMA_VERSION
from tests.test_stories import ITEMS, record, story_of


def _stories(archive: Archive) -> dict[str, int]:
    return dict(archive.conn.execute("SELECT url, story_id FROM articles").fetchall())


def _band_rows(archive: Archive, table: str) -> int:
    return int(archive.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_merging_at_every_article_finds_the_same_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    batches = [[record(i) for i in ITEMS[start : start + 7]] for start in range(0, len(ITEMS), 7)]
    with Archive(":memory:") as archive:  # never merged: every band stays recent
        for batch in batches:
            archive.save_articles(batch)
        unmerged = _stories(archive)
        assert _band_rows(archive, "story_bands") == 0
    monkeypatch.setattr(stories, "RECENT_ROWS", 1)
    monkeypatch.setattr(stories, "SETTLE_EVERY", 1)
    with Archive(":memory:") as archive:
        for batch in batches:
            archive.save_articles(batch)
        assert _stories(archive) == unmerged
        bands = _band_rows(archive, "story_bands")
        assert bands > 0
        assert _band_rows(archive, stories.RECENT_TABLE) == 0
        assert archive.rebuild_stories() == len(set(unmerged.values()))
        assert _band_rows(archive, stories.RECENT_TABLE) == 0  # a rebuild merges at its end
        assert _band_rows(archive, "story_bands") == bands


def test_settle_waits_for_enough_rows_then_moves_all() -> None:
    with Archive(":memory:") as archive:
        archive.save_articles([record(i) for i in ITEMS[:3]])
        recent = _band_rows(archive, stories.RECENT_TABLE)
        assert recent == 3 * stories.BANDS
        assert stories.settle(archive.conn, at_least=recent + 1) == 0
        assert stories.settle(archive.conn, at_least=recent) == recent
        assert (_band_rows(archive, "story_bands"), _band_rows(archive, stories.RECENT_TABLE)) == (
            recent, 0)


def test_a_changed_body_leaves_no_bands_behind_in_either_table() -> None:
    a, b = [i for i in ITEMS if i.gold == "s01"][:2]
    other = next(i for i in ITEMS if i.gold == "s02")
    with Archive(":memory:") as archive:
        archive.save_articles([record(a), record(b)])
        stories.settle(archive.conn, at_least=0)  # b's old bands: in the merged table
        archive.conn.commit()
        archive.save_articles([{**record(b), "body": other.body}])
        b_id = archive.conn.execute("SELECT id FROM articles WHERE url = ?", (b.url,)).fetchone()
        rows = archive.conn.execute(
            "SELECT (SELECT count(*) FROM story_bands WHERE article_id = ?1), "
            f"(SELECT count(*) FROM {stories.RECENT_TABLE} WHERE article_id = ?1)", b_id
        ).fetchone()
        assert rows == (0, stories.BANDS)  # the old bands gone, the new body's recent


def test_a_version_before_recent_bands_migrates_and_keeps_its_bands(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    original, copy = [i for i in ITEMS if i.gold == "s06"][:2]
    with Archive(path) as archive:
        archive.save_articles([record(original)])
        stories.settle(archive.conn, at_least=0)
        archive.conn.commit()
    names = [m.__name__ for m in MIGRATIONS]  # the versions before the recent bands':
    before = next(n for n, name in enumerate(names) if name.endswith("_recent_bands"))
    conn = sqlite3.connect(path)
    conn.execute(f"DROP TABLE {stories.RECENT_TABLE}")
    conn.execute(f"PRAGMA user_version = {before}")
    conn.commit()
    conn.close()
    with Archive(path) as archive:
        assert archive.migrated == list(range(before + 1, SCHEMA_VERSION + 1))
        assert _band_rows(archive, "story_bands") == stories.BANDS
        archive.save_articles([record(copy)])  # found through the bands stored before
        assert story_of(archive, copy.url) == story_of(archive, original.url)
