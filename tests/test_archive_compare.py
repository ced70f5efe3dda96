"""tests/archive_compare.py: two archives of the same pages compare equal, whatever their
ids and batches; a changed row is seen. And raw pages staged on the archive's writer thread
(``newscrawler.pipelines.rawstage``) give the same archive as batches that held them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from archive import Archive
from tests.archive_compare import archive_rows, differences
from tests.conftest import rows
from tests.test_signals import start


def _record(n: int) -> dict[str, Any]:
    return {"url": f"http://127.0.0.1/haber-{n}", "site": "sample",
            "title": f"Belediye haberi {n % 3}", "body": f"Gölde su var. Kıyı yolu {n}. " * 30,
            "fetched_at": f"2026-01-0{1 + n % 9}T10:00:00+00:00",
            "headlines": [{"title": f"Manşet {n}", "url": f"http://127.0.0.1/m-{n}"}],
            "places": [{"province": "İzmir", "district": None, "found_in": "title"}]}


def _archive(path: Path, order: list[int], batch: int) -> Path:
    with Archive(path) as store:
        for start_at in range(0, len(order), batch):
            part = order[start_at:start_at + batch]
            store.save_articles([_record(n) for n in part])
            store.save_raw_pages([{"url": _record(n)["url"], "status": 200, "site": "sample",
                                   "body": f"<html>{n}</html>".encode()} for n in part])
        store.fill_spellings()
    return path


def test_archives_of_the_same_articles_compare_equal_and_a_changed_row_is_seen(
        tmp_path: Path) -> None:
    a = archive_rows(_archive(tmp_path / "a.db", list(range(12)), 5))
    b_path = _archive(tmp_path / "b.db", list(range(11, -1, -1)), 2)  # other ids, batches
    assert differences(a, archive_rows(b_path)) == {}
    assert any(key.startswith("articles_fts MATCH") for key in a)
    conn = sqlite3.connect(b_path)
    with conn:
        conn.execute("UPDATE headlines SET title = 'x' WHERE position = 1 AND article_id = 3")
        conn.execute("UPDATE raw_pages SET encoding = 'latin-1' WHERE url LIKE '%-7'")
    conn.close()
    assert set(differences(a, archive_rows(b_path))) == {"headlines", "raw_pages"}


def test_raw_pages_staged_on_the_writer_thread_give_the_same_archive(
        sample_origin: str, tmp_path: Path) -> None:
    found, batches = [], []
    for name, limit in (("staged", 1), ("held", 0)):  # every page staged / none
        db = tmp_path / f"{name}.db"
        proc = start("sample", db, sample_origin, "PROGRESS_INTERVAL=0", "EXTRACT_WORKERS=1",
                     "ARCHIVE_WRITER_THREAD=True", f"ARCHIVE_BATCH_BYTES={limit}",
                     "ARCHIVE_FLUSH_SECONDS=600")  # batches end full, not on the clock
        _out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-3000:]
        found.append(archive_rows(db))
        stats = json.loads(rows(db, "select stats from crawl_runs")[0]["stats"])
        batches.append(stats["archive/batches"] - stats.get("archive/end_batches", 0))
    staged, held = found
    assert len(staged["raw_pages"]) > 30
    assert differences(staged, held) == {}
    # batches stayed whole: none but those handed over early at the end (how many depends
    # on timing) and at most one at close (what arrived while the last was written)
    assert max(batches) <= 1 < len(staged["articles"]) / 10, batches
