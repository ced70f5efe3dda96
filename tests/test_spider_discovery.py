"""Discovery details: feed dates reach articles, whatever order pages arrive in."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from newscrawler.sample_server import serve
from tests.conftest import run_cli

PROFILE = """name = "feedsite"
base_url = "http://127.0.0.1:1/"
article_pattern = '^/haber/[a-z0-9-]+-\\d+$'
[discovery]
feeds = ["/rss.xml"]
listings = ["/"]
"""

ARTICLE = """<html lang="tr"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><div class="haber-detay">
<p>Şubat ayının son haftasında Ağrı'da düzenlenen kış şenliğine binlerce kişi katıldı.
Şenlikte kızak yarışları ve halk oyunları gösterileri yapıldı.</p>
<p>Belediye yetkilileri, gelecek yıl şenliğin üç gün süreceğini açıkladı ve
ilçe esnafının da etkinliklere katılacağını duyurdu.</p></div></body></html>"""


def test_cp1254_feed_declared_latin1_dates_articles(tmp_path: Path) -> None:
    site, sites = tmp_path / "site", tmp_path / "sites"
    (site / "haber").mkdir(parents=True)
    sites.mkdir()
    (sites / "feedsite.toml").write_text(PROFILE)
    titles = {"agri-kis-senligi-1": "Ağrı'da kış şenliği", "mus-kar-yagisi-2": "Muş'ta kar"}
    for slug, title in titles.items():
        (site / "haber" / f"{slug}.html").write_text(ARTICLE.format(title=title), "utf-8")
    # The home page links the articles too, so they may be fetched before the feed is read.
    (site / "index.html").write_text(
        "<html><body>" + "".join(f'<a href="/haber/{s}">{t}</a>' for s, t in titles.items())
        + "</body></html>", "utf-8")
    feed = ('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
            "<title>Haberler</title>"
            "<item><title>Ağrı'da kış şenliği</title><link>{{ORIGIN}}/haber/agri-kis-senligi-1"
            "</link><pubDate>Cmt, 22 Şub 2025 10:15:00 +0300</pubDate></item>"
            "<item><title>Muş'ta kar</title><link>{{ORIGIN}}/haber/mus-kar-yagisi-2</link>"
            "<pubDate>Paz, 17 Ağu 2025 08:00:00 +0300</pubDate></item></channel></rss>")
    (site / "rss.xml").write_bytes(feed.encode("cp1254"))
    (site / "_headers.json").write_text(json.dumps(
        {"/rss.xml": "application/rss+xml; charset=ISO-8859-1"}))
    db = tmp_path / "news.db"
    with serve(site) as origin:
        result = run_cli("crawl", "feedsite", "--db", str(db), "--base-url", origin,
                         "--set", "PROGRESS_INTERVAL=0",
                         env={"NEWSCRAWLER_SITES_DIR": str(sites)})
    assert result.returncode == 0, result.stderr[-2000:]
    conn = sqlite3.connect(db)
    got = dict(conn.execute("select title, published_at from articles").fetchall())
    conn.close()
    assert got == {"Ağrı'da kış şenliği": "2025-02-22T10:15:00+03:00",
                   "Muş'ta kar": "2025-08-17T08:00:00+03:00"}


def sitemap_site(tmp_path: Path) -> tuple[Path, Path]:
    """(a site folder with one article, a sites folder whose profile reads /sitemap.xml)."""
    site, sites = tmp_path / "site", tmp_path / "sites"
    (site / "haber").mkdir(parents=True)
    sites.mkdir()
    (sites / "feedsite.toml").write_text(PROFILE.replace(
        'feeds = ["/rss.xml"]\nlistings = ["/"]', 'sitemaps = ["/sitemap.xml"]'))
    (site / "haber" / "agri-kis-senligi-1.html").write_text(
        ARTICLE.format(title="Ağrı'da kış şenliği"), "utf-8")
    return site, sites


def test_gzip_sitemap_within_the_limit_is_read(tmp_path: Path) -> None:
    import gzip

    site, sites = sitemap_site(tmp_path)
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0"?><sitemapindex><sitemap><loc>{{ORIGIN}}/sitemap-1.xml.gz</loc>'
        "</sitemap></sitemapindex>")
    urlset = ('<?xml version="1.0"?><urlset><url><loc>{origin}/haber/agri-kis-senligi-1</loc>'
              "<lastmod>2025-02-22</lastmod></url></urlset>")
    db = tmp_path / "news.db"
    with serve(site) as origin:
        (site / "sitemap-1.xml.gz").write_bytes(gzip.compress(urlset.format(origin=origin)
                                                              .encode()))
        result = run_cli("crawl", "feedsite", "--db", str(db), "--base-url", origin,
                         "--set", "PROGRESS_INTERVAL=0",
                         env={"NEWSCRAWLER_SITES_DIR": str(sites)})
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    conn = sqlite3.connect(db)
    titles = [t for (t,) in conn.execute("select title from articles")]
    conn.close()
    assert titles == ["Ağrı'da kış şenliği"]


def test_a_sitemap_cut_short_is_read_in_part_and_said(tmp_path: Path) -> None:
    site, sites = sitemap_site(tmp_path)
    # The connection dropped in the second entry: no </urlset>.
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset><url><loc>{{ORIGIN}}/haber/agri-kis-senligi-1</loc>'
        "</url><url><loc>{{ORIGIN}}/haber/mus-kar-ya")
    db = tmp_path / "news.db"
    with serve(site) as origin:
        result = run_cli("crawl", "feedsite", "--db", str(db), "--base-url", origin,
                         "--set", "PROGRESS_INTERVAL=0",
                         env={"NEWSCRAWLER_SITES_DIR": str(sites)})
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert "discovery       1 sitemap(s) cut short (read in part)" in result.stdout
    assert "sitemap read in part (it ends before </urlset>: cut short?)" in result.stderr
    conn = sqlite3.connect(db)
    titles = [t for (t,) in conn.execute("select title from articles")]
    conn.close()
    assert titles == ["Ağrı'da kış şenliği"]
