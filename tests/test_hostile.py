"""Hostile servers: block pages, rate limits, bombs, bad redirects and resumes, end to end.

Every crawl runs the real CLI in a fresh process against ``tests/hostile_server.py`` on
127.0.0.1, then reads the archive file and the run's stats (``crawl_runs.stats``).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newscrawler.extract.blocks import Block
from newscrawler.items import ArticleItem
from newscrawler.pipelines.block import BlockPagePipeline, block_reason
from newscrawler.spiders.politeness import apply_politeness
from tests.conftest import rows, run_cli
from tests.hostile_server import BLOCK_PAGES, PROFILE, SITE, HostileSite, serve

MB = 1024  # ru_maxrss is in kilobytes on Linux


def crawl(site: HostileSite, db: Path, *extra: str, timeout: float = 120
          ) -> subprocess.CompletedProcess[str]:
    """``newscrawler crawl hostile`` against ``site`` into ``db``."""
    return run_cli("crawl", SITE, "--db", str(db), "--base-url", site.origin,
                   "--set", "PROGRESS_INTERVAL=0", *extra, env=site.env, timeout=timeout)


def last_run(db: Path) -> dict[str, Any]:
    """The newest crawl run: status, reason and its stats as a dict."""
    run = rows(db, "select status, reason, stats from crawl_runs order by id desc limit 1")[0]
    run["stats"] = json.loads(run["stats"] or "{}")
    return run


def article_rows(db: Path) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in rows(db, "select url, title, body from articles")}


def raw_bodies(db: Path) -> dict[str, bytes]:
    return {r["url"]: r["body"] for r in rows(db, "select url, body from raw_pages")}


def article_requests(site: HostileSite) -> list[tuple[float, str, int]]:
    return [entry for entry in site.log if site.is_article(entry[1])]


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "Traceback" not in result.stdout


# --- block pages --------------------------------------------------------------------------


def test_block_pages_never_replace_archived_articles(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("block-after-good") as site:
        first = crawl(site, db)
        assert first.returncode == 0, first.stderr[-2000:]
        before, raw_before = article_rows(db), raw_bodies(db)
        assert len(before) == 10
        second = crawl(site, db)
    no_traceback(second)
    assert second.returncode == 69, second.stdout + second.stderr[-2000:]
    assert article_rows(db) == before
    assert raw_bodies(db) == raw_before
    assert rows(db, "select count(*) n from revisions")[0]["n"] == 0
    run = last_run(db)
    assert run["status"] == "blocked"
    assert run["stats"]["block/pages"] >= 5
    assert "archive/updated" not in run["stats"]


def test_a_teaser_never_replaces_the_archived_article(tmp_path: Path) -> None:
    """The site now serves a paragraph and a paywall line: the archived text stays (status
    ``kept``), the run says so, and the crawl succeeds (the pages were read)."""
    db = tmp_path / "news.db"
    with serve("teaser-after-good") as site:
        first = crawl(site, db)
        assert first.returncode == 0, first.stderr[-2000:]
        before, raw_before = article_rows(db), raw_bodies(db)
        assert len(before) == 10 and all(len(r["body"]) >= 500 for r in before.values())
        second = crawl(site, db)
    no_traceback(second)
    assert second.returncode == 0, second.stdout + second.stderr[-2000:]
    assert article_rows(db) == before
    assert raw_bodies(db) == raw_before  # the page the text came from: `reextract` reads it
    assert rows(db, "select count(*) n from revisions")[0]["n"] == 0
    run = last_run(db)
    assert run["stats"]["archive/kept"] == 10 and "archive/updated" not in run["stats"]
    assert "kept            10 archived article(s) as they were" in second.stdout
    assert "0 new, 0 updated, 10 unchanged" in second.stdout


@pytest.mark.parametrize("wording", sorted(BLOCK_PAGES))
def test_block_wordings_are_dropped_and_stop_the_crawl(tmp_path: Path, wording: str) -> None:
    db = tmp_path / "news.db"
    with serve("block", block=wording, articles=12) as site:
        result = crawl(site, db)
    no_traceback(result)
    assert result.returncode == 69, result.stdout
    assert rows(db, "select count(*) n from articles")[0]["n"] == 0
    assert rows(db, "select count(*) n from raw_pages")[0]["n"] == 0
    run = last_run(db)
    assert run["status"] == "blocked" and run["stats"]["block/pages"] >= 5


def test_a_site_wholly_behind_a_challenge_ends_blocked(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("block-all", block="challenge") as site:
        result = crawl(site, db)
    no_traceback(result)
    assert result.returncode == 69, result.stdout
    run = last_run(db)
    assert run["status"] == "blocked" and run["stats"]["block/pages"] == 3


def test_real_articles_about_access_bans_are_kept() -> None:
    body = ("Ankara 1. Sulh Ceza Hakimliği kararıyla sosyal medya platformuna erişim "
            "engellendi. Karar, Bilgi Teknolojileri ve İletişim Kurumu tarafından uygulandı. "
            * 20)
    assert block_reason("X platformuna erişim engellendi", body) is None
    assert block_reason("Erişim engellendi: mahkeme kararı açıklandı", body) is None
    assert block_reason("Haber", body, b'<div class="g-recaptcha"></div>') is None


def test_same_short_body_at_many_urls_is_a_block_page() -> None:
    crawler = get_crawler(settings_dict={"BLOCK_CLOSE_PAGES": 0})
    pipeline = BlockPagePipeline.from_crawler(crawler)
    text = ("Sayın ziyaretçimiz, sistemlerimizde kısa süreli bir bakım çalışması "
            "yapılmaktadır. Anlayışınız için teşekkür ederiz. Lütfen birazdan yeniden deneyin.")
    kept, dropped = 0, 0
    for n in range(5):
        item = ArticleItem(url=f"http://127.0.0.1/haber-{n}-{n}", site="x", fetched_at="",
                           title=f"Haber {n}", body=text, blocks=[Block("p", text)],
                           raw_html=b"<html>...</html>")
        try:
            pipeline.process_item(item)
            kept += 1
        except DropItem:
            dropped += 1
            assert item.raw_html is None
    assert (kept, dropped) == (2, 3)
    assert crawler.stats.get_value("block/pages/same_body") == 3


# --- rate limits and politeness ---------------------------------------------------------


def test_retry_after_pauses_the_site_then_retries(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("429", retry_after=2) as site:
        result = crawl(site, db)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert len(article_rows(db)) == 10
    requests = article_requests(site)
    limited = [r for r in requests if r[2] == 429]
    assert len(limited) <= 16  # what was in flight; nothing new is sent during the pause
    for when, path, _ in limited:  # no retry before the site's pause is over
        later = [t for t, p, _ in requests if p == path and t > when]
        assert later and min(later) >= when + 1.9, (path, when, later)
    stats = last_run(db)["stats"]
    assert stats["ratelimit/429"] == len(limited)
    assert stats["ratelimit/retry_after_seconds"] == 2


def test_retry_after_as_http_date(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("503", retry_after="date+3") as site:
        result = crawl(site, db)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert len(article_rows(db)) == 10
    stats = last_run(db)["stats"]
    assert stats["ratelimit/503"] >= 1 and 2 <= stats["ratelimit/retry_after_seconds"] <= 3


def test_retry_after_beyond_the_cap_stops_the_site_at_once(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("429", retry_after=3600, articles=40) as site:
        started = time.monotonic()
        result = crawl(site, db)
        elapsed = time.monotonic() - started
    no_traceback(result)
    assert result.returncode == 69, result.stdout
    assert elapsed < 30
    assert len(article_requests(site)) <= 16  # before: 3 tries of every article
    run = last_run(db)
    assert run["stats"]["ratelimit/stopped_retry_after"] == 3600
    assert run["stats"]["finish_reason"] == "rate_limited"


def test_429_without_retry_after_backs_off_then_retries(tmp_path: Path) -> None:
    """Before, Scrapy retried at once: 30 requests in 0.1 s for 10 URLs, then exit 1."""
    db = tmp_path / "news.db"
    with serve("429", retry_after="soon", window=1.5) as site:
        result = crawl(site, db, "--set", "RETRY_AFTER_DEFAULT=0.5")
    no_traceback(result)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert len(article_rows(db)) == 10
    requests = article_requests(site)
    limited = [r for r in requests if r[2] == 429]
    assert limited
    for when, path, _ in limited:  # never retried before the pause is over
        later = [t for t, p, _ in requests if p == path and t > when]
        assert later and min(later) >= when + 0.45, (path, when, later)
    assert f"rate limits     {len(limited)} × 429" in result.stdout
    assert last_run(db)["stats"]["ratelimit/no_retry_after"] >= 1


def test_429_without_retry_after_for_good_ends_rate_limited(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("429", retry_after="", window=3600) as site:
        result = crawl(site, db, "--set", "RETRY_AFTER_DEFAULT=0.2",
                       "--set", "RETRY_AFTER_MAX=1")
    no_traceback(result)
    assert result.returncode == 69, result.stdout + result.stderr[-2000:]
    run = last_run(db)
    assert run["status"] == "blocked" and "rate-limited" in run["reason"]
    assert "× 429" in result.stdout


def test_robots_crawl_delay_spaces_requests(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("crawl-delay", crawl_delay=1, articles=4) as site:
        result = crawl(site, db)
    assert result.returncode == 0, result.stderr[-2000:]
    times = sorted(t for t, _, _ in site.log[1:])  # every request after robots.txt
    gaps = [b - a for a, b in pairwise(times)]
    assert gaps and min(gaps) >= 0.9, gaps
    assert last_run(db)["stats"]["robotstxt/crawl_delay"] == 1


def test_profile_download_delay_spaces_requests(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("normal", articles=4) as site:
        (site.sites_dir / "hostile.toml").write_text(
            PROFILE.replace('language = "tr"', 'language = "tr"\ndownload_delay = 0.6'), "utf-8")
        result = crawl(site, db, "--set", "DOWNLOAD_DELAY_JITTER=0")
    assert result.returncode == 0, result.stderr[-2000:]
    times = sorted(t for t, _, _ in site.log[1:])
    gaps = [b - a for a, b in pairwise(times)]
    assert min(gaps) >= 0.5, gaps


def test_autothrottle_off_for_loopback_sites_only() -> None:
    from newscrawler.profiles import get_profile

    sample = get_profile("sample")
    real = get_profile("hibya")
    for profile, expected in ((sample, False), (real, True)):
        settings = Settings({"AUTOTHROTTLE_ENABLED": True}, priority="project")
        apply_politeness(settings, profile)
        assert settings.getbool("AUTOTHROTTLE_ENABLED") is expected
    explicit = Settings({"AUTOTHROTTLE_ENABLED": True}, priority="cmdline")
    apply_politeness(explicit, sample)
    assert explicit.getbool("AUTOTHROTTLE_ENABLED") is True


# --- canonical links, non-HTML answers, redirects, robots.txt ------------------------------


def test_canonical_link_to_home_does_not_collapse_articles(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("canonical-root") as site:
        result = crawl(site, db)
    assert result.returncode == 0, result.stderr[-2000:]
    urls = set(article_rows(db))
    assert urls == {site.origin + p for p in site.article_paths}
    assert last_run(db)["stats"]["fetch/canonical_rejected"] == 10


@pytest.mark.parametrize("mode, stat", [
    ("empty", "fetch/empty"), ("binary", "fetch/not_html"), ("pdf", "fetch/not_html"),
    ("removed", "validate/dropped/notice_page")])
def test_non_html_answers_never_replace_good_data(tmp_path: Path, mode: str, stat: str) -> None:
    db = tmp_path / "news.db"
    with serve(mode, good_first=True) as site:
        assert crawl(site, db).returncode == 0
        before, raw_before = article_rows(db), raw_bodies(db)
        result = crawl(site, db)
    no_traceback(result)
    assert len(before) == 10
    assert article_rows(db) == before
    assert raw_bodies(db) == raw_before
    assert last_run(db)["stats"][stat] == 10
    assert result.returncode == 1, result.stdout  # nothing archived, and the summary says why
    assert last_run(db)["status"] == "failed" and "nothing" in last_run(db)["reason"]
    if mode == "removed":  # said as what it is, not as a profile to fix
        assert "every article page is a notice" in last_run(db)["reason"]
        assert "article_pattern" not in last_run(db)["reason"]


def test_articles_redirected_to_the_home_page_are_said_so(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("redirect-home") as site:
        result = crawl(site, db)
    no_traceback(result)
    assert result.returncode == 1, result.stdout
    run = last_run(db)
    assert run["stats"]["redirect/home"] == 10
    assert run["reason"] == ("nothing archived: 10 article URLs redirect to the home page "
                             "(removed articles?)")


def test_offsite_redirects_are_dropped_and_counted(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("offsite-redirect") as site:
        result = crawl(site, db)
    no_traceback(result)
    assert result.returncode != 0, result.stdout  # nothing archived is a failure
    assert rows(db, "select count(*) n from articles")[0]["n"] == 0
    assert len(article_requests(site)) == 10  # the localhost copies were never fetched
    assert last_run(db)["stats"]["redirect/offsite"] == 10


def test_redirect_cycles_are_bounded_and_counted(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("redirect-cycle") as site:
        result = crawl(site, db)
    no_traceback(result)
    assert len(article_requests(site)) <= 20
    assert last_run(db)["stats"]["redirect/cycle"] == 10


def test_robots_disallow_all_is_counted_not_an_error(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("robots-disallow") as site:
        result = crawl(site, db)
    no_traceback(result)
    assert result.returncode != 0
    assert site.log and {p for _, p, _ in site.log} == {"/robots.txt"}
    stats = last_run(db)["stats"]
    assert stats["robotstxt/forbidden"] >= 3
    assert "fetch/errors" not in stats


def test_unreachable_site_ends_without_a_traceback(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: connections are refused
    with serve("normal") as site:  # for its profile only
        result = run_cli("crawl", SITE, "--db", str(tmp_path / "news.db"), "--base-url",
                         f"http://127.0.0.1:{port}", "--set", "PROGRESS_INTERVAL=0",
                         "--set", "RETRY_TIMES=0", env=site.env)
    no_traceback(result)
    assert result.returncode == 1


# --- bounded resources ----------------------------------------------------------------------


def crawl_max_rss(site: HostileSite, db: Path) -> tuple[int, subprocess.CompletedProcess[str]]:
    """Crawl in a child of a fresh process; return the crawl's max RSS (kB) and result."""
    probe = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n"
    )
    cmd = [sys.executable, "-c", probe, sys.executable, "-m", "newscrawler.cli", "crawl", SITE,
           "--db", str(db), "--base-url", site.origin, "--set", "PROGRESS_INTERVAL=0"]
    env = {**os.environ, **site.env}
    env.pop("NEWSCRAWLER_DB", None)
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    rss, _ = result.stdout.strip().splitlines()[-1].split()
    return int(rss), result


def test_gzip_bomb_sitemap_is_bounded(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("sitemap-bomb", bomb_mb=256) as site:
        rss, result = crawl_max_rss(site, db)
    no_traceback(result)
    assert rss < 400 * MB, rss
    assert len(article_rows(db)) == 10  # the feed and the listing still work
    assert last_run(db)["stats"]["discovery/sitemap_too_large"] == 1


def test_gzip_encoded_bomb_pages_are_bounded(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with serve("gzip-bomb", bomb_mb=256, articles=4) as site:
        rss, result = crawl_max_rss(site, db)
    no_traceback(result)
    assert rss < 400 * MB, rss
    assert rows(db, "select count(*) n from articles")[0]["n"] == 0
    assert last_run(db)["stats"]["fetch/too_large"] == 4
    assert result.returncode == 0  # the probe's own exit code; the crawl's is printed
    assert result.stdout.split()[-1] == "1"
    assert last_run(db)["reason"] == ("nothing archived: 4 pages larger than DOWNLOAD_MAXSIZE "
                                      "(dropped)")


# --- resume -----------------------------------------------------------------------------------


def test_jobdir_resumes_a_killed_crawl_and_never_poisons_the_next(tmp_path: Path) -> None:
    db, jobdir = tmp_path / "news.db", tmp_path / "job"
    with serve("normal", articles=30) as site:
        args = ["crawl", SITE, "--db", str(db), "--base-url", site.origin,
                "--jobdir", str(jobdir), "--set", "PROGRESS_INTERVAL=0",
                "--set", "DOWNLOAD_DELAY=0.2", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        env = {**os.environ, **site.env}
        env.pop("NEWSCRAWLER_DB", None)
        proc = subprocess.Popen([sys.executable, "-m", "newscrawler.cli", *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(article_requests(site)) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
        first = {p for _, p, _ in article_requests(site)}
        assert 0 < len(first) < 30
        resumed = run_cli(*args, env=site.env)
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr[-2000:]
        fetched = [p for _, p, _ in article_requests(site)]
        assert sorted(fetched) == sorted(site.article_paths)  # each once: none again
        assert last_run(db)["stats"]["jobdir/resumed"] > 0
        assert "jobdir/queue_lost" not in last_run(db)["stats"]
        assert rows(db, "select count(*) n, count(distinct url) d from articles") == [
            {"n": 30, "d": 30}]
        third = run_cli(*args, env=site.env)
        assert third.returncode == 0
        assert len(article_requests(site)) == 60  # a full crawl again: updates are seen
    assert "30 unchanged" in third.stdout


def test_jobdir_after_sigkill_crawls_the_rest_and_says_so(tmp_path: Path) -> None:
    """SIGKILL leaves every discovered URL in requests.seen but no saved queue: the next
    run must not take them all for done (it once archived nothing and said ``finished``)."""
    db, jobdir, n = tmp_path / "news.db", tmp_path / "job", 500  # seen > Python's 8 KB buffer
    with serve("normal", articles=n) as site:
        args = ["crawl", SITE, "--db", str(db), "--base-url", site.origin,
                "--jobdir", str(jobdir), "--set", "PROGRESS_INTERVAL=0"]
        slow = ["--set", "DOWNLOAD_DELAY=0.2", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                "--set", "ARCHIVE_BATCH_SIZE=2"]
        env = {**os.environ, **site.env}
        env.pop("NEWSCRAWLER_DB", None)
        proc = subprocess.Popen([sys.executable, "-m", "newscrawler.cli", *args, *slow],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        seen = jobdir / "requests.seen"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
                seen.exists() and seen.stat().st_size and archived(db) >= 4):
            time.sleep(0.05)
        proc.kill()
        proc.communicate(timeout=60)
        assert 0 < len(article_requests(site)) < n
        assert seen.stat().st_size > 0  # the URLs it had seen, its queue not saved
        before = rows(db, "select count(*) n from articles")[0]["n"]
        assert before < n
        resumed = run_cli(*args, env=site.env)
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr[-2000:]
        assert rows(db, "select count(*) n, count(distinct url) d from articles") == [
            {"n": n, "d": n}]
        run = last_run(db)
        assert run["status"] == "finished"
        assert run["stats"]["jobdir/queue_lost"] == 1
        assert run["stats"]["archive/inserted"] == n - before
        assert "its queue is lost, so this run crawls in full" in resumed.stderr
        assert f"{n - before} new" in resumed.stdout
        assert not (jobdir / "newscrawler.open").exists()  # closed cleanly, cleared
    killed, resumed_run = rows(db, "select * from crawl_runs order by id")
    assert killed["status"] == "killed"
    assert json.loads(killed["stats"])["archive/inserted"] == before  # not 0
    last = rows(db, "select max(first_seen_at) t from articles where first_seen_at < ?",
                resumed_run["started_at"])[0]["t"]
    # its last archived fetch (an article it saw again may be later than its first
    # sightings), never the next run's start
    assert last <= killed["finished_at"] <= resumed_run["started_at"]  # to the second
    assert f"the archive holds from it {before} new" in killed["reason"]


def archived(db: Path) -> int:
    """Articles in the archive a crawl is writing (0 before it has any)."""
    import sqlite3

    if not db.exists():  # connecting would make it
        return 0
    try:
        return int(rows(db, "select count(*) n from articles")[0]["n"])
    except sqlite3.Error:
        return 0


def saved_pages() -> list[Path]:
    """Real saved pages: the sample site, test fixtures and (when present) the shared corpus."""
    from tests.conftest import FIXTURES, SHARED

    repo = Path(__file__).resolve().parents[1]
    pages = [*sorted((repo / "newscrawler" / "sample_site").glob("*.html")),
             *sorted(FIXTURES.rglob("*.html"))]
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        pages += sorted(corpus.rglob("*.html")) + sorted(corpus.rglob("*.html.gz"))
    return pages


def test_no_real_page_is_taken_for_a_block_page() -> None:
    import gzip

    from newscrawler.extract.page import extract_page
    from newscrawler.pipelines.block import page_text
    from newscrawler.text.encoding import decode_html

    flagged = []
    for path in saved_pages():
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        text, _ = decode_html(raw, None)
        page = extract_page(text, "http://example.com/haber-1", None)
        body = "\n\n".join(b.text for b in page.blocks if b.in_article and b.kind != "links")
        item = ArticleItem(url="http://example.com/haber-1", site="x", fetched_at="",
                           title=page.title, body=body, blocks=list(page.blocks), raw_html=raw,
                           is_article=page.is_article)
        why = block_reason(page.title, page_text(item), raw)
        if why:
            flagged.append((path.name, why))
    assert flagged == []
