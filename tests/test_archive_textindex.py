"""The folded text only in the index (schema 8): migration from 7, hand edits, checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from archive import Archive, count, search, textindex
from archive.fold import fold
from archive.schema import MIGRATIONS, SCHEMA_VERSION

ARTICLES = [
    ("İzmir'de kadına şiddet protestosu", "Kadına yönelik şiddete karşı Konak'ta yürüdüler. "
     "Belediye başkanı da katıldı.\n\nYürüyüş Alsancak'ta bitti."),
    ("Zeytinyağı fiyatları düştü", "Ege'de zeytinyağı üreticileri hasadın bereketli "
     "geçtiğini söyledi. Fiyatlar geçen yıla göre düştü."),
    ("IŞIK FESTİVALİ BAŞLIYOR", "Işıklar şehri süsledi; festival üç gün sürecek. "
     "Belediyesinin desteğiyle ücretsiz konserler var."),
    ("Ilıca yolunda kaza", "Ilıca yolunda iki otomobil çarpıştı, yaralılar hastaneye "
     "kaldırıldı. Kazanın nedeni araştırılıyor."),
    ("Çeşme'de su kesintisi", "Çeşme Belediyesi yarın su kesintisi olacağını duyurdu. "
     "Kesinti sabah başlayacak.\u00ad Bele\u00addiye tanker gönderecek."),
]
QUERIES = ["kadına", "kadina", "şiddet", "zeytinyağı", "zeytinyagi", "ışık", "isik",
           "ılıca", "belediye", "title:festival", '"su kesintisi"', "çeşme", "belediyesi",
           "düştü OR kaza", "yol*"]


def version_7_archive(path: Path) -> None:
    """An archive as schema version 7 made it: folded columns filled, indexed from them."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    db = Database(conn)
    for migration in MIGRATIONS[:7]:
        migration(db)
    conn.execute("PRAGMA user_version = 7")
    for i, (title, body) in enumerate(ARTICLES, start=1):
        conn.execute(
            "INSERT INTO articles (id, url, site, title, body, published_at, revision, "
            "title_fold, body_fold) VALUES (?, ?, 's', ?, ?, ?, 1, ?, ?)",
            (i, f"u{i}", title, body, f"2025-11-{10 + i}", fold(title), fold(body)),
        )
    conn.execute(  # version 7's FTS_INDEX_SQL
        "INSERT INTO articles_fts(rowid, title_fold, body_fold) "
        "SELECT id, title_fold, body_fold FROM articles"
    )
    conn.execute("COMMIT")
    conn.close()


def results(conn: Any) -> list[Any]:
    """Every query's hits (id, snippet, rank) and count."""
    return [(q, [(h["id"], h["snippet"], round(h["rank"], 9)) for h in search(conn, q)],
             count(conn, q)) for q in QUERIES]


def test_version_7_migrates_with_identical_search_results(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    version_7_archive(path)
    conn = sqlite3.connect(path)
    before = results(conn)
    conn.close()
    assert sum(len(hits) for _, hits, _ in before) >= 15  # the queries do find things
    with Archive(path) as archive:
        assert archive.migrated == list(range(8, SCHEMA_VERSION + 1))
        columns = {row[1] for row in archive.conn.execute("PRAGMA table_info(articles)")}
        assert not columns & {"title_fold", "body_fold"}
        assert results(archive.conn) == before
        assert textindex.check(archive.conn) is None
    # and an archive written by this code from the same texts answers the same
    with Archive(tmp_path / "fresh.db") as fresh:
        fresh.save_articles([
            {"url": f"u{i}", "site": "s", "title": t, "body": b,
             "published_at": f"2025-11-{10 + i}"}
            for i, (t, b) in enumerate(ARTICLES, start=1)
        ])
        assert results(fresh.conn) == before
    assert Database(path)["articles"].detect_fts() == "articles_fts"  # Datasette, sqlite-utils
    assert [r["id"] for r in Database(path)["articles"].search("zeytinyagi")] == [2]


def saved(path: Path) -> Archive:
    archive = Archive(path)
    archive.save_articles([{"url": f"u{i}", "site": "s", "title": t, "body": b}
                           for i, (t, b) in enumerate(ARTICLES, start=1)])
    return archive


def test_hand_edits_and_deletes_reach_the_index(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    saved(path).close()
    conn = sqlite3.connect(path)  # the sqlite3 shell, Datasette's write plugins ...
    conn.execute("UPDATE articles SET body = 'Yepyeni metin burada.' WHERE id = 2")
    conn.execute("UPDATE articles SET title = 'Işıl ışıl gece' WHERE id = 2")  # twice
    conn.execute("DELETE FROM articles WHERE id = 4")
    conn.commit()
    assert [h["id"] for h in search(conn, "ılıca")] == []  # never shown before the next write
    conn.close()
    with Archive(path) as archive:
        assert textindex.pending_changes(archive.conn)  # a search does not write
        assert [h["id"] for h in search(archive, "yepyeni")] == []
        archive.save_articles([])  # the next write applies the queued changes
        assert not textindex.pending_changes(archive.conn)
        assert textindex.check(archive.conn) is None
        assert count(archive, "zeytinyağı") == 0 and count(archive, "ılıca") == 0
        assert [h["id"] for h in search(archive, "yepyeni")] == [2]
        assert [h["id"] for h in search(archive, "title:ışıl")] == [2]
        archive.save_articles([{"url": "u6", "site": "s", "title": "Ilıca", "body": "Ilıca."}])
        assert [h["id"] for h in search(archive, "ılıca")] == [6]  # id 4 reused? then clean
        assert textindex.check(archive.conn) is None


def test_updates_in_one_batch_and_across_batches(tmp_path: Path) -> None:
    with saved(tmp_path / "news.db") as archive:
        archive.save_articles([
            {"url": "u1", "site": "s", "title": "Bir", "body": "Birinci sürüm metni."},
            {"url": "u9", "site": "s", "title": "Yeni", "body": "İlk hali."},
            {"url": "u9", "site": "s", "title": "Yeni", "body": "İkinci hali."},
            {"url": "u1", "site": "s", "title": "Bir", "body": "Üçüncü sürüm metni."},
        ])
        assert textindex.check(archive.conn) is None
        assert count(archive, "birinci") == 0 and count(archive, "ilk") == 0
        assert [h["url"] for h in search(archive, "üçüncü")] == ["u1"]
        assert [h["url"] for h in search(archive, "ikinci")] == ["u9"]
        assert archive.reclean_articles(["u3"], lambda body: body.split(";")[0]) == 0
        assert not textindex.pending_changes(archive.conn)


def test_check_finds_an_article_inserted_by_hand(tmp_path: Path) -> None:
    with saved(tmp_path / "news.db") as archive:
        archive.conn.execute("INSERT INTO articles (url, site, title, body) "
                             "VALUES ('x', 's', 'El ile', 'eklendi')")
        assert textindex.check(archive.conn) == (
            "1 article(s) not in the index, 0 deleted one(s) still in it")
        archive.rebuild_index()
        assert textindex.check(archive.conn) is None
        assert [h["url"] for h in search(archive, "eklendi")] == ["x"]
