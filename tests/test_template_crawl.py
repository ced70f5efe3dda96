"""One crawl leaves no learned template line in what it archived; a recrawl changes nothing (#9).

A loopback site written here (fictional Turkish local news, the sample site's URL shape so
the ``sample`` profile crawls it): twelve articles, each with the site's own box that no
phrase list knows. The template is learned after ``TEMPLATE_MIN_PAGES`` pages, so the
first pages reach the archive with the box; at the end of the crawl they are cleaned in
place, and a second crawl of the unchanged site finds every article unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archive import Archive
from newscrawler.sample_server import serve
from tests.conftest import rows, run_cli

BOX = ("Körfez Postası'nı destekleyin: bağımsız yerel habercilik için aylık üyelik",
       "Okur hattımız her gün 09.00-18.00 arası açık")
TOWNS = ("Bornova", "Buca", "Karşıyaka", "Konak", "Bayraklı", "Çiğli", "Gaziemir", "Narlıdere",
         "Balçova", "Menemen", "Torbalı", "Urla")
SLUGS = [f"ilce-haberi-{n}-40000{n:02d}" for n in range(len(TOWNS))]


def page(n: int) -> str:
    """Article ``n``: a lead, the site's box, two paragraphs of its own."""
    town = TOWNS[n]
    paras = [
        f"{town} Belediyesi, {n + 3} mahallede yeni oyun parklarının yapımına başladı.",
        f"Belediye Başkanı, parkların {n + 4} ay içinde tamamlanacağını ve toplam "
        f"{n + 2} milyon liraya mal olacağını açıkladı. Mahalle sakinleri projeyi destekledi.",
        f"{town} Kaymakamı da tören sonrası yaptığı açıklamada emeği geçenlere teşekkür "
        f"etti. Çalışmaların {n + 1}. etabı ilkbaharda başlayacak.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paras[:1])
    body += "".join(f"<p><strong>{line}</strong></p>" for line in BOX)
    body += "".join(f"<p>{p}</p>" for p in paras[1:])
    return (
        '<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8">'
        f"<title>{town}'da yeni parklar - Körfez Postası</title>"
        f'<link rel="canonical" href="{{{{ORIGIN}}}}/{SLUGS[n]}"></head><body>'
        '<header><a href="/">Körfez Postası</a></header><main><article class="haber">'
        f"<h1>{town}'da yeni parklar</h1>"
        '<time datetime="2025-11-20T09:30:00+03:00">20.11.2025 09:30</time>'
        f'<div class="haber-detay">{body}</div></article></main>'
        "<footer><p>© 2026 Körfez Postası</p></footer></body></html>"
    )


def write_site(root: Path) -> None:
    root.mkdir()
    for n, slug in enumerate(SLUGS):
        (root / f"{slug}.html").write_text(page(n), encoding="utf-8")
    links = "".join(f'<li><a href="/{slug}">{slug}</a></li>' for slug in SLUGS)
    (root / "index.html").write_text(
        '<html lang="tr"><head><meta charset="utf-8"><title>Körfez Postası</title></head>'
        f'<body><ul class="haber-listesi">{links}</ul></body></html>', encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    urls = "".join(f"<url><loc>{{{{ORIGIN}}}}/{slug}</loc></url>" for slug in SLUGS)
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        encoding="utf-8")


@pytest.fixture(scope="module")
def crawled_twice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("templates")
    write_site(folder / "site")
    db = folder / "news.db"
    results, bodies = [], []
    with serve(folder / "site") as origin:
        for _ in range(2):
            results.append(run_cli("crawl", "sample", "--db", str(db), "--base-url", origin,
                                   "--set", "PROGRESS_INTERVAL=0"))
            with Archive(db) as store:  # the bodies as this crawl left them
                bodies.append([r[0] for r in store.conn.execute(
                    "SELECT body FROM articles ORDER BY url")])
    return {"db": db, "first": results[0], "second": results[1], "bodies": bodies}


def test_first_crawl_leaves_no_learned_box_in_any_body(crawled_twice: dict[str, Any]) -> None:
    first = crawled_twice["first"]
    assert first.returncode == 0, first.stderr
    bodies = crawled_twice["bodies"][0]
    assert len(bodies) == len(SLUGS)
    for body in bodies:
        assert not any(line in body for line in BOX), body
        assert "oyun parklarının" in body and "ilkbaharda başlayacak" in body
    runs = rows(crawled_twice["db"], "SELECT stats FROM crawl_runs ORDER BY id")
    stats = json.loads(runs[0]["stats"])
    assert stats["template/recleaned"] == 4  # the pages archived before the box was learned
    assert stats["archive/inserted"] == len(SLUGS)


def test_recrawl_of_the_unchanged_site_finds_everything_unchanged(
        crawled_twice: dict[str, Any]) -> None:
    second = crawled_twice["second"]
    assert second.returncode == 0, second.stderr
    assert f"0 new, 0 updated, {len(SLUGS)} unchanged" in second.stdout + second.stderr
    db = crawled_twice["db"]
    assert rows(db, "SELECT count(*) AS n FROM revisions") == [{"n": 0}]
    assert {r["revision"] for r in rows(db, "SELECT revision FROM articles")} == {1}
    assert crawled_twice["bodies"][1] == crawled_twice["bodies"][0]
    stats = json.loads(rows(db, "SELECT stats FROM crawl_runs ORDER BY id")[1]["stats"])
    assert "template/recleaned" not in stats


def test_search_finds_no_box_words_in_cleaned_articles(crawled_twice: dict[str, Any]) -> None:
    """The full-text index follows the cleaned bodies."""
    found = run_cli("search", "destekleyin", "--db", str(crawled_twice["db"]))
    assert "parklar" not in found.stdout, found.stdout
