"""add-site and check-site on loopback copies of common Turkish news site layouts
(tests/fixtures/sites/: WordPress, a "haber scripti" CMS, an agency, an older PHP script
with query-string URLs), served for real."""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, rows, run_cli

from newscrawler import exitcodes
from newscrawler.profiles import load_profile
from newscrawler.sample_server import serve
from newscrawler.sitecheck.pattern import infer_pattern

SITES = FIXTURES / "sites"
#: fixture -> (an article path, paths that are not articles)
LAYOUTS = {
    "wordpress": ("/2025/11/foca-sahilinde-fok-goruldu/",
                  ["/", "/category/gundem/", "/2025/11/", "/feed/", "/author/ayse/"]),
    "haberscripti": ("/gundem/foca-sahilinde-fok-goruldu-h31406.html",
                     ["/", "/gundem", "/kunye", "/rss", "/sitemap/news.xml"]),
    "ajans": ("/foca-sahilinde-fok-goruldu-604106", ["/", "/kurumsal", "/rss.xml"]),
}


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    """A symlink served as the site's root; repoint it to change the site under a server."""
    link = tmp_path / "root"
    return link


@pytest.fixture
def served(site_root: Path) -> Iterator[str]:
    """``site_root`` served on 127.0.0.1 (point the link before the first request)."""
    with serve(site_root) as origin:
        yield origin


def add_site(origin: str, name: str, sites: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("add-site", origin + "/", "--name", name, *args,
                   env={"NEWSCRAWLER_SITES_DIR": str(sites)})


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_add_site_writes_a_profile_that_crawls(layout: str, site_root: Path, served: str,
                                               tmp_path: Path) -> None:
    site_root.symlink_to(SITES / layout)
    sites = tmp_path / "sites"
    result = add_site(served, layout, sites)
    assert result.returncode == 0, result.stderr
    for line in ("pages that are articles 8/8 100%", "with a title            8/8 100%",
                 "with a date             8/8 100%", "with an author          8/8 100%"):
        assert line in result.stdout, result.stdout
    assert "body characters         min " in result.stdout
    profile = load_profile(sites / f"{layout}.toml")  # the project's own validation
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((sites / f"{layout}.toml").stat().st_mode) == 0o666 & ~umask
    article, others = LAYOUTS[layout]
    assert profile.is_article_url(served + article)
    assert not [p for p in others if profile.is_article_url(served + p)]
    assert profile.base_url == served + "/" and profile.feeds and profile.sitemaps
    db = tmp_path / "news.db"
    crawl = run_cli("crawl", layout, "--db", str(db), "--set", "PROGRESS_INTERVAL=0",
                    env={"NEWSCRAWLER_SITES_DIR": str(sites)})
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    got = rows(db, "SELECT url, author, published_at FROM articles WHERE site = ?", layout)
    assert len(got) == 8
    assert all(r["author"] and r["published_at"] for r in got)


def test_add_site_reports_where_it_found_feeds_and_sitemaps(site_root: Path, served: str,
                                                            tmp_path: Path) -> None:
    site_root.symlink_to(SITES / "wordpress")
    result = add_site(served, "wp", tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"feed:          {served}/feed/ (8 URLs; from home page)" in result.stdout
    assert f"sitemap:       {served}/wp-sitemap.xml" in result.stdout
    assert "from robots.txt" in result.stdout
    assert "comments/feed" not in (tmp_path / "wp.toml").read_text("utf-8")


def test_add_site_refuses_to_overwrite_without_force(site_root: Path, served: str,
                                                     tmp_path: Path) -> None:
    site_root.symlink_to(SITES / "ajans")
    assert add_site(served, "korfez", tmp_path).returncode == 0
    (tmp_path / "korfez.toml").write_text((tmp_path / "korfez.toml").read_text("utf-8")
                                          + "# my edit\n", "utf-8")
    again = add_site(served, "korfez", tmp_path)
    assert again.returncode == exitcodes.USAGE
    assert "exists" in again.stderr and "--force" in again.stderr
    assert "# my edit" in (tmp_path / "korfez.toml").read_text("utf-8")
    bundled = add_site(served, "hibya", tmp_path)  # a bundled profile's name too
    assert bundled.returncode == exitcodes.USAGE and "hibya.toml" in bundled.stderr
    forced = add_site(served, "korfez", tmp_path, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "# my edit" not in (tmp_path / "korfez.toml").read_text("utf-8")


def test_add_site_obeys_robots_txt(site_root: Path, served: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(SITES / "ajans", copy)
    (copy / "robots.txt").write_text(
        "User-agent: *\nDisallow: /foca-sahilinde\nDisallow: /menemende\n", "utf-8")
    site_root.symlink_to(copy)
    result = add_site(served, "korfez", tmp_path / "sites")
    assert result.returncode == 0, result.stderr
    assert "6 page(s) fetched and extracted, 2 forbidden by robots.txt" in result.stdout


def _one_line(result) -> str:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_add_site_errors_are_one_line(site_root: Path, served: str, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "index.html").write_text("<html><head><title>Boş</title></head><body><p>Yakında"
                                     "</p><a href='/iletisim'>İletişim</a></body></html>",
                                     "utf-8")
    (bare / "data.json").write_text("{}", "utf-8")
    site_root.symlink_to(bare)
    sites = tmp_path / "sites"
    cases = [
        (add_site(served, "bos", sites), exitcodes.FAILED, "no article links found"),
        (run_cli("add-site", served + "/data.json", "--name", "x", "--sites-dir", str(sites)),
         exitcodes.FAILED, "is not an HTML page"),
        (add_site("http://127.0.0.1:9", "x", sites, "--http-timeout", "3"), exitcodes.FAILED,
         "cannot reach 127.0.0.1:9"),
        (run_cli("add-site", "ftp://example.org/", "--sites-dir", str(sites)),
         exitcodes.USAGE, "not a site address"),
        (run_cli("add-site", served + "/", "--name", "x", env={"NEWSCRAWLER_SITES_DIR": ""}),
         exitcodes.USAGE, "NEWSCRAWLER_SITES_DIR"),
    ]
    for result, code, text in cases:
        assert result.returncode == code, (text, result.stderr)
        assert text in _one_line(result)
    assert not sites.exists() or not list(sites.glob("*.toml"))


def test_add_site_refuses_a_site_whose_robots_txt_forbids_it(site_root: Path, served: str,
                                                             tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(SITES / "ajans", copy)
    (copy / "robots.txt").write_text("User-agent: newscrawler\nDisallow: /\n", "utf-8")
    site_root.symlink_to(copy)
    result = add_site(served, "korfez", tmp_path / "sites")
    assert result.returncode == exitcodes.FAILED
    assert "robots.txt" in _one_line(result) and "forbids" in result.stderr


def test_check_site_passes_then_fails_after_a_template_change(site_root: Path, served: str,
                                                              tmp_path: Path) -> None:
    site_root.symlink_to(SITES / "haberscripti")
    sites, db = tmp_path / "sites", tmp_path / "news.db"
    env = {"NEWSCRAWLER_SITES_DIR": str(sites)}
    assert add_site(served, "egemanset", sites).returncode == 0
    before = run_cli("check-site", "egemanset", "--db", str(db), env=env)
    assert before.returncode == exitcodes.FAILED  # no archive yet: one line
    assert "does not exist" in _one_line(before)
    crawl = run_cli("crawl", "egemanset", "--db", str(db), "--set", "PROGRESS_INTERVAL=0",
                    env=env)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    fine = run_cli("check-site", "egemanset", "--db", str(db), env=env)
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert "verdict:       fine" in fine.stdout
    site_root.unlink()
    site_root.symlink_to(SITES / "haberscripti-changed")  # the new template goes live
    fell = run_cli("check-site", "egemanset", "--db", str(db), env=env)
    assert fell.returncode == exitcodes.DEGRADED == 65, fell.stdout + fell.stderr
    line = _one_line(fell)
    assert "quality fell" in line and "with an author 0%, archive 100%" in line
    assert "median body 0 characters, archive 415" in line
    assert re.search(r"with an author\s+sample\s+0%\s+archive\s+100%", fell.stdout)


def test_check_site_without_history_compares_nothing(site_root: Path, served: str,
                                                     tmp_path: Path) -> None:
    site_root.symlink_to(SITES / "ajans")
    sites, db = tmp_path / "sites", tmp_path / "news.db"
    env = {"NEWSCRAWLER_SITES_DIR": str(sites)}
    assert add_site(served, "korfez", sites).returncode == 0
    assert run_cli("crawl", "korfez", "--db", str(db), "--set", "PROGRESS_INTERVAL=0",
                   "--max-articles", "2", env=env).returncode == 0
    result = run_cli("check-site", "korfez", "--db", str(db), env=env)
    assert result.returncode == 0, result.stderr
    assert "nothing compared" in result.stdout
    unknown = run_cli("check-site", "nosuch", "--db", str(db), env=env)
    assert unknown.returncode == exitcodes.USAGE and "unknown site" in unknown.stderr


@pytest.mark.parametrize("feed", [True, False], ids=["rss.php", "home-page-only"])
def test_add_site_on_query_string_urls_crawls_every_article_and_no_category(
        feed: bool, site_root: Path, served: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(SITES / "phpscript", copy)
    if not feed:
        (copy / "rss.php.html").unlink()
    site_root.symlink_to(copy)
    sites = tmp_path / "sites"
    result = add_site(served, "bakircay", sites)
    assert result.returncode == 0, result.stderr
    assert "article URLs:  ^/(?:news\\.php\\?id=\\d+)$" in result.stdout
    assert "8 article links on the home page" in result.stdout  # utm_/fbclid copies: same
    assert "pages that are articles 8/8 100%" in result.stdout
    if feed:  # linked only by an icon: found at the usual path
        assert f"feed:          {served}/rss.php (8 URLs; from usual path)" in result.stdout
    profile = load_profile(sites / "bakircay.toml")
    assert profile.is_article_url(served + "/news.php?id=101&utm_source=anasayfa")
    assert not [u for u in ("/kategori.php?id=3", "/sayfa.php?id=1", "/", "/index.php",
                            "/rss.php") if profile.is_article_url(served + u)]
    db = tmp_path / "news.db"
    crawl = run_cli("crawl", "bakircay", "--db", str(db), "--set", "PROGRESS_INTERVAL=0",
                    env={"NEWSCRAWLER_SITES_DIR": str(sites)})
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    got = rows(db, "SELECT url, title FROM articles WHERE site = ? ORDER BY url", "bakircay")
    assert [r["url"] for r in got] == [f"{served}/news.php?id={n}" for n in range(101, 109)]
    assert got[0]["title"] == "Kemalpaşa'da yeni kreş açıldı"  # windows-1254 read right


def test_infer_pattern_keeps_permalinks_over_wordpress_shortlinks() -> None:
    inferred = infer_pattern("http://x.org" + u for u in (
        "/2025/11/14/meclis-toplandi-bugun/", "/2025/11/13/yeni-yol-acildi-bugun/",
        "/?p=123", "/?p=124&utm_source=rss", "/category/gundem/"))
    assert inferred is not None and "\\?" not in inferred.pattern
    assert (inferred.matched, inferred.links) == (2, 5)


def test_infer_pattern_counts_a_tracked_link_once() -> None:
    inferred = infer_pattern("http://x.org" + u for u in (
        "/news.php?id=101", "/news.php?id=101&utm_source=anasayfa", "/news.php?fbclid=a&id=102",
        "/kategori.php?id=3"))
    assert inferred is not None
    assert (inferred.pattern, inferred.matched, inferred.links) == (
        r"^/(?:news\.php\?id=\d+)$", 2, 3)


@pytest.mark.parametrize("urls, article, other", [
    (["/haber/belediye-meclisi-toplandi-12345", "/haber/yeni-yol-acildi-12346",
      "/haber/kres-acildi-12347", "/kunye", "/kategori/gundem"],
     "/haber/su-kesintisi-yapilacak-99", "/kategori/gundem"),
    (["/2025/11/14/meclis-toplandi-bugun/", "/2025/11/13/yeni-yol-acildi-bugun/",
      "/?p=123", "/category/gundem/"], "/2025/11/15/kres-acildi-ilcede", "/2025/11/15/"),
    (["/gundem/meclis-toplandi-h1.html", "/spor/takim-kuruldu-h2.html",
      "/ekonomi/hasat-basladi-h3.html", "/gundem", "/kunye.html"],
     "/kultur-sanat/festival-basladi-h4.html", "/kunye.html"),
    (["/izmirde-stk-bulusmasi-604100", "/torbalida-takim-kuruldu-604101", "/kurumsal"],
     "/foca-sahilinde-fok-goruldu-604106", "/kurumsal"),
    # a two-word slug under a date is an article too (not a day archive)
    (["/2025/11/14/meclis-toplandi-bugun/", "/2025/11/yangin-cikti/",
      "/2025/11/13/yeni-yol-acildi/"], "/2025/11/15/yangin-cikti/", "/2025/11/15/"),
    (["/2025/11/meclis-toplandi-bugun/", "/2025/11/yeni-yol-acildi-ilcede/"],
     "/2025/11/yangin-cikti/", "/2025/11/14/"),
    # an older PHP script: the article id is in the query; categories and pages are not
    (["/news.php?id=101", "/news.php?id=102&utm_source=x", "/kategori.php?id=3",
      "/kategori.php?id=4", "/kategori.php?id=5", "/sayfa.php?id=1", "/index.php"],
     "/news.php?id=999", "/kategori.php?id=3"),
    (["/index.php?page=haber&id=77", "/index.php?page=haber&id=78",
      "/index.php?page=kategori&id=3", "/index.php?page=kategori&id=4"],
     "/index.php?page=haber&id=79", "/index.php?page=kategori&id=3"),
    (["/haber.php?id=12345", "/haber.php?id=12346", "/haber_kategori.php?id=2"],
     "/haber.php?id=12347", "/haber_kategori.php?id=2"),
    (["/?p=123", "/?p=124", "/?cat=3", "/?page_id=2"], "/?p=125", "/?cat=3"),
    (["/?p=123", "/?p=124", "/?cat=3", "/?page_id=2"], "/?p=125", "/?page_id=2"),
])
def test_infer_pattern_shapes(urls: list[str], article: str, other: str) -> None:
    inferred = infer_pattern("http://x.org" + u for u in urls)
    assert inferred is not None
    assert re.search(inferred.pattern, article), inferred.pattern
    assert not re.search(inferred.pattern, other), inferred.pattern


BLOCK_PAGE = ("<html><head><title>Access denied</title></head><body><h1>Access denied</h1>"
              "<p>Please complete the captcha to continue. Cloudflare Ray ID: 1a2b</p>"
              '<div class="g-recaptcha"></div></body></html>')


def test_block_pages_in_place_of_articles_are_a_refusal(site_root: Path, served: str,
                                                        tmp_path: Path) -> None:
    """Captcha pages where the articles were: check-site and add-site say the site refuses
    us (69), not that its template changed (65) or that the pages are articles."""
    site_root.symlink_to(SITES / "haberscripti")
    sites, db = tmp_path / "sites", tmp_path / "news.db"
    env = {"NEWSCRAWLER_SITES_DIR": str(sites)}
    assert add_site(served, "egemanset", sites).returncode == 0
    crawl = run_cli("crawl", "egemanset", "--db", str(db), "--set", "PROGRESS_INTERVAL=0",
                    env=env)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    blocked = tmp_path / "blocked"
    shutil.copytree(SITES / "haberscripti", blocked)
    for page in blocked.rglob("*.html"):
        if page.name != "index.html":
            page.write_text(BLOCK_PAGE, encoding="utf-8")
    site_root.unlink()
    site_root.symlink_to(blocked)
    check = run_cli("check-site", "egemanset", "--db", str(db), env=env)
    assert check.returncode == exitcodes.BLOCKED == 69, check.stdout + check.stderr
    assert "block or captcha pages: the site refuses us" in _one_line(check)
    again = add_site(served, "engelli", sites)
    assert again.returncode == exitcodes.BLOCKED, again.stdout + again.stderr
    assert "profile not written" in _one_line(again)
    assert not (sites / "engelli.toml").exists()


def test_check_site_says_a_refusal_is_a_refusal(site_root: Path, served: str,
                                                tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(SITES / "ajans", copy)
    site_root.symlink_to(copy)
    sites, db = tmp_path / "sites", tmp_path / "news.db"
    env = {"NEWSCRAWLER_SITES_DIR": str(sites)}
    assert add_site(served, "korfez", sites).returncode == 0
    assert run_cli("crawl", "korfez", "--db", str(db), env=env).returncode == 0
    (copy / "robots.txt").write_text("User-agent: *\nDisallow: /\n", "utf-8")
    forbidden = run_cli("check-site", "korfez", "--db", str(db), env=env)
    assert forbidden.returncode == exitcodes.FAILED, forbidden.stdout + forbidden.stderr
    assert "robots.txt" in _one_line(forbidden) and "forbids" in forbidden.stderr
