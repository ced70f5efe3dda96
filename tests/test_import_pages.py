"""`newscrawler import` of saved pages as researchers have them: wget mirrors, old pages
whose dates are relative to when they were saved, and pages of a profiled site."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from tests.conftest import run_cli

BODY = ("<p>Manisa'nın Akhisar ilçesinde zeytin hasadı, üreticilerin yoğun katılımıyla sabah "
        "saatlerinde başladı ve ilk gün yüzlerce ton ürün toplandı.</p>"
        "<p>İlçe yetkilileri, bu yıl rekoltenin geçen yıla göre yüzde yirmi daha yüksek "
        "olmasının beklendiğini açıkladı.</p>")


def page(title: str, *, date: str = "16.11.2025 14:32", url: str | None = None,
         extra: str = "", body: str = BODY) -> str:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    return (f'<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>{title}'
            f'</title>{canonical}</head><body><div class="haber"><h1>{title}</h1>'
            f'<div class="tarih">{date}</div>{extra}{body}</div></body></html>')


def saved(path: Path, text: str, when: str | None = None) -> Path:
    path.write_text(text, "utf-8")
    if when:
        stamp = datetime.fromisoformat(when).timestamp()
        os.utime(path, (stamp, stamp))
    return path


def articles(db: Path) -> list[dict[str, str]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    found = [dict(r) for r in conn.execute("select * from articles order by id")]
    conn.close()
    return found


def test_a_wget_mirror_is_imported_whatever_its_file_names(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    saved(mirror / "a.html", page("Akhisar'da hasat başladı", url="https://x.example/a-1"))
    saved(mirror / "detay.php?id=123", page("Soma'da hasat başladı",
                                             url="https://x.example/b-2"))
    saved(mirror / "index.html.1", page("Turgutlu'da hasat başladı",
                                         url="https://x.example/c-3"))
    (mirror / "style.css").write_text("body { color: red }")
    result = run_cli("import", str(mirror), "--db", str(tmp_path / "news.db"))
    assert result.returncode == 0, result.stderr
    assert "3 new" in result.stdout
    assert "left out 1 file(s) that are not pages (style.css)" in result.stderr
    assert {a["url"] for a in articles(tmp_path / "news.db")} == {
        "https://x.example/a-1", "https://x.example/b-2", "https://x.example/c-3"}


def test_relative_and_yearless_dates_are_read_against_the_time_the_page_was_saved(
        tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    saved(old / "p1.html", page("Hasat 1", date="Dün 14:30", url="https://x.example/h-1"),
          "2019-02-20T10:00:00+03:00")
    saved(old / "p2.html", page("Hasat 2", date="14 Şubat 15:30", url="https://x.example/h-2"),
          "2019-02-20T10:00:00+03:00")
    db = tmp_path / "news.db"
    assert run_cli("import", str(old), "--db", str(db)).returncode == 0
    assert [a["published_at"] for a in articles(db)] == [
        "2019-02-19T14:30:00+03:00", "2019-02-14T15:30:00+03:00"]
    assert articles(db)[0]["first_seen_at"].startswith("2019-02-20T07:00:00")
    given = tmp_path / "given.db"
    result = run_cli("import", str(old), "--db", str(given), "--fetched-at", "2024-05-10T12:00")
    assert result.returncode == 0, result.stderr
    assert [a["published_at"] for a in articles(given)] == [
        "2024-05-09T14:30:00+03:00", "2024-02-14T15:30:00+03:00"]
    bad = run_cli("import", str(old), "--db", str(given), "--fetched-at", "dün")
    assert bad.returncode == 2 and "--fetched-at" in bad.stderr


def test_an_old_saved_copy_never_replaces_the_archived_article(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    new = saved(tmp_path / "new.html", page("Hasat sürüyor", url="https://x.example/h-1"),
                "2025-11-16T15:00:00+03:00")
    assert "1 new" in run_cli("import", str(new), "--db", str(db)).stdout
    older = saved(tmp_path / "older.html",
                  page("Hasat başlıyor", url="https://x.example/h-1",
                       body=BODY.replace("yüzlerce ton", "onlarca ton")),
                  "2025-11-10T09:00:00+03:00")
    result = run_cli("import", str(older), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "1 kept as archived: the archive's copy was fetched later" in result.stdout
    (article,) = articles(db)
    assert (article["title"], article["revision"]) == ("Hasat sürüyor", 1)


def test_a_page_of_a_profiled_site_is_extracted_with_its_profile(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "egeses.toml").write_text(
        'name = "egeses"\nbase_url = "https://www.egeses.example/"\n'
        "article_pattern = '^/haber/[a-z0-9-]+-\\\\d+$'\n"
        '[discovery]\nfeeds = ["/rss.xml"]\n[selectors]\nauthor = "span.k1"\n')
    file = saved(tmp_path / "p.html", page(
        "Akhisar'da hasat", url="https://www.egeses.example/haber/akhisar-hasat-1",
        extra='<div><span class="k1">Ayşe Yılmaz</span></div>'))
    db = tmp_path / "news.db"
    env = {"NEWSCRAWLER_SITES_DIR": str(sites)}
    result = run_cli("import", str(file), "--db", str(db), env=env)
    assert result.returncode == 0, result.stderr
    (article,) = articles(db)
    assert (article["site"], article["author"]) == ("egeses", "Ayşe Yılmaz")
    again = run_cli("reextract", "--db", str(db), env=env)
    assert again.returncode == 0, again.stderr
    assert "0 updated" in again.stdout + again.stderr, again.stdout + again.stderr
    extracted = run_cli("extract", str(file), "--site", "egeses", env=env)
    assert json.loads(extracted.stdout)["author"] == "Ayşe Yılmaz"
