"""Stories from prints computed ahead (a worker's ``story_prints``) are the stories the
archive finds from the body itself, copies included (#11: the writer keeps the prints as
an array until a candidate needs their set)."""

from __future__ import annotations

import random
from pathlib import Path

from archive import Archive, stories
from tests.archive_compare import archive_rows, differences
from tests.test_stories import ITEMS, record


def _archive(path: Path, *, ahead: bool) -> Path:
    order = list(ITEMS)
    random.Random(7).shuffle(order)
    with Archive(path) as store:
        for start in range(0, len(order), 5):
            batch = [record(item) for item in order[start:start + 5]]
            if ahead:
                for row in batch:
                    row["story_prints"] = stories.body_prints(row["body"])
            store.save_articles(batch)
    return path


def test_prints_given_ahead_give_the_same_stories_copies_included(tmp_path: Path) -> None:
    here = _archive(tmp_path / "here.db", ahead=False)
    given = _archive(tmp_path / "ahead.db", ahead=True)
    assert differences(archive_rows(here), archive_rows(given)) == {}
    with Archive(given) as store:
        copies = store.conn.execute("SELECT max(copies) FROM stories").fetchone()[0]
    assert copies >= 3  # stories of several copies were matched from the prints
