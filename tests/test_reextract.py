"""``newscrawler reextract``: saved pages extracted again, boxes out, revisions kept (#9)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from archive import Archive
from tests.conftest import run_cli, write_locked

PAGES = Path(__file__).with_name("fixtures") / "templates"
TRUTH = json.loads((PAGES / "truth.json").read_text(encoding="utf-8"))


def old_archive(db: Path) -> None:
    """The archive an older extractor left: each saved page's body holds both boxes."""
    records, raws = [], []
    for page in TRUTH:
        lead, *rest = page["article"]
        body = [lead, *page["cta"], rest[0], *page["template"], *rest[1:]]
        records.append({"url": page["url"], "site": page["site"], "title": "Eski başlık",
                        "body": "\n\n".join(body), "fetched_at": "2025-11-20T09:00:00+00:00"})
        raws.append({"url": page["url"], "site": page["site"], "status": 200,
                     "fetched_at": "2025-11-20T09:00:00+00:00",
                     "body": (PAGES / page["file"]).read_bytes(), "article": True})
    with Archive(db) as store:
        store.save_articles(records)
        store.save_raw_pages(raws)


def test_reextract_cleans_bodies_keeps_revisions_and_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    old_archive(db)
    first = run_cli("reextract", "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "18 updated, 0 unchanged, 0 failed" in first.stdout
    conn = sqlite3.connect(db)
    bodies = dict(conn.execute("SELECT url, body FROM articles"))
    for page in TRUTH:
        body = bodies[page["url"]]
        assert not any(line in body for line in page["cta"] + page["template"]), page["file"]
        assert all(p in body for p in page["article"]), page["file"]
    old = conn.execute("SELECT count(*), min(revision) FROM revisions").fetchone()
    assert old == (18, 1)
    assert "Ege Postası'nı destekleyin" in conn.execute(
        "SELECT r.body FROM revisions r JOIN articles a ON a.id = r.article_id "
        "WHERE a.url = ?", (TRUTH[0]["url"],)).fetchone()[0]
    learned = conn.execute("SELECT count(*) FROM site_templates WHERE pages_seen >= 5")
    assert learned.fetchone()[0] == 5
    conn.close()
    second = run_cli("reextract", "--db", str(db))
    assert second.returncode == 0, second.stderr
    assert "0 updated, 18 unchanged, 0 failed" in second.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 18


def test_reextract_site_and_since_filters(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    old_archive(db)
    one = run_cli("reextract", "--db", str(db), "--site", "egepostasi")
    assert "re-extracted 6 pages" in one.stdout and "6 updated" in one.stdout
    later = run_cli("reextract", "--db", str(db), "--since", "2030-01-01")
    assert later.returncode == 1
    assert "no saved article pages fetched since 2030-01-01" in later.stderr
    nosite = run_cli("reextract", "--db", str(db), "--site", "yok")
    assert nosite.returncode == 1 and "egepostasi, karadenizgunes" in nosite.stderr
    bad = run_cli("reextract", "--db", str(db), "--since", "dün")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_reextract_errors_are_one_line_with_exit_codes(tmp_path: Path) -> None:
    missing = run_cli("reextract", "--db", str(tmp_path / "yok.db"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    db = tmp_path / "news.db"
    old_archive(db)
    with write_locked(db):
        locked = run_cli("reextract", "--db", str(db), "--timeout", "0.5")
    assert locked.returncode == 74, locked.stderr
    assert "Traceback" not in locked.stderr and len(locked.stderr.strip().splitlines()) == 1


def test_failed_page_keeps_its_text_and_is_reported(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    old_archive(db)
    with Archive(db) as store:  # the saved page of one article is now a block page
        store.conn.execute("UPDATE raw_pages SET body = ? WHERE url = ?",
                           (__import__("zlib").compress(b"<html><body>Erisim engellendi"
                                                        b"</body></html>"), TRUTH[0]["url"]))
        store.conn.commit()
    out = run_cli("reextract", "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert "17 updated, 0 unchanged, 1 failed" in out.stdout
    assert f"failed {TRUTH[0]['url']}: not an article" in out.stderr
    with sqlite3.connect(db) as conn:
        kept = conn.execute("SELECT title FROM articles WHERE url = ?", (TRUTH[0]["url"],))
        assert kept.fetchone()[0] == "Eski başlık"


def test_reextract_waits_for_no_running_crawl_and_says_so(tmp_path: Path) -> None:
    from newscrawler.runlock import RunLock

    db = tmp_path / "news.db"
    old_archive(db)
    site = TRUTH[0]["site"]
    lock = RunLock(db, site).acquire()  # a crawl of the site is running
    try:
        busy = run_cli("reextract", "--db", str(db))
    finally:
        lock.release()
    assert busy.returncode == 75
    assert busy.stderr.count("\n") == 1 and "run reextract again" in busy.stderr
    assert "--wait" not in busy.stderr  # reextract has no --wait to offer
    assert run_cli("reextract", "--db", str(db)).returncode == 0
