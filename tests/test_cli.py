"""Every `newscrawler` command, on good and on bad input, in a real subprocess."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newscrawler.runlock import RunLock
from newscrawler.sample_server import SAMPLE_ROOT, serve
from tests.conftest import SHARED, import_sample, run_cli, write_locked

SEEDS = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"select count(*) from {table}").fetchone()[0])
    finally:
        conn.close()


# --- sites --------------------------------------------------------------------------------

def test_sites_lists_the_profiles() -> None:
    result = run_cli("sites", "--format", "json")
    assert result.returncode == 0
    names = {p["name"] for p in json.loads(result.stdout)}
    assert {"hibya", "sample"} <= names


def test_scrapy_list_shows_the_profiles() -> None:
    repo = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=repo,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert {"hibya", "sample"} <= set(result.stdout.split())


def test_unknown_site_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("crawl", "nosuchsite", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert "unknown site 'nosuchsite'" in result.stderr and "hibya" in result.stderr
    assert not (tmp_path / "x.db").exists()


# --- extract ------------------------------------------------------------------------------

@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not here")
def test_extract_seed_dump() -> None:
    result = run_cli("extract", str(SEEDS[0]), "--fetched-at", "2025-11-17T10:00:00+03:00")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["title"] == "İzmir'de toplumsal cinsiyet eşitliği için STK buluşması"
    assert out["published_at"] == "2025-11-16"
    paragraphs = out["body"].split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("İzmir Büyükşehir Belediyesi Kadın ve Aile")
    assert paragraphs[-1].endswith("konuları öne çıktı.")
    assert out["credit"] == "Hibya Haber Ajansı"
    titles = [h["title"] for h in out["headlines"]]
    assert len(titles) == 19
    assert titles[0] == "Ankara’da öğrenciler “Öğrenci Adım Adım Gelişim Programı”na katıldı"
    assert titles[-1] == "Minik öğrenciden Başkan Kocagöz’e “Gençliğe Hitabe” sürprizi"
    assert all(h["url"] is None for h in out["headlines"])
    for title in titles:
        assert title not in out["body"]
    assert set(out) >= {"url", "title", "published_at", "updated_at", "author", "credit",
                        "category", "tags", "body", "headlines"}


def test_extract_sample_page(manifest: dict[str, Any]) -> None:
    gold = next(a for a in manifest["articles"] if a["headlines"] and a.get("credit"))
    page = SAMPLE_ROOT / (gold["path"].lstrip("/") + ".html")
    result = run_cli("extract", str(page), "--url", "http://127.0.0.1:8765" + gold["path"])
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["title"] == gold["title"]
    assert out["published_at"] == gold["published"]
    assert out["credit"] == gold["credit"]
    assert [h["title"] for h in out["headlines"]] == gold["headlines"]
    assert all(h["url"].startswith("http://127.0.0.1:8765/") for h in out["headlines"])
    assert isinstance(out["tags"], list)


def test_extract_missing_file() -> None:
    result = run_cli("extract", "/no/such/page.html")
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_extract_bad_fetched_at(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html><body><p>x</p></body></html>")
    result = run_cli("extract", str(page), "--fetched-at", "dün")
    assert result.returncode == 2
    assert "ISO 8601" in result.stderr


def test_extract_empty_and_garbage_pages(tmp_path: Path) -> None:
    # binary garbage is refused: see tests/test_cli_bad_input.py
    for name, data in (("empty.html", b""),
                       ("broken.html", b"<html><body><div><p>Yar\xfdm kalm\xfd\xfe")):
        page = tmp_path / name
        page.write_bytes(data)
        result = run_cli("extract", str(page))
        assert result.returncode == 0, (name, result.stderr)
        out = json.loads(result.stdout)
        assert out["is_article"] is False
        assert "Traceback" not in result.stderr


def test_extract_says_what_import_would_do_with_a_short_dump(tmp_path: Path) -> None:
    dump = tmp_path / "s.txt"
    dump.write_text("Başlık\n\nGövde metni burada. Şiddet.\n", encoding="utf-8")
    out = json.loads(run_cli("extract", str(dump)).stdout)
    assert out["is_article"] is False  # not true beside a reason to skip it
    assert out["skip_reason"].startswith("no sentence text")


def test_extract_url_is_where_the_page_was_fetched(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text('<html><head><title>Vali konuştu</title><link rel="canonical" '
                    'href="https://www.ornek.test/vali-konustu-12345"></head><body><article>'
                    "<h1>Vali konuştu</h1><p>Vali bugün yaptığı açıklamada yeni okulların "
                    "eylülde açılacağını söyledi ve velilere teşekkür etti.</p></article>"
                    "</body></html>", encoding="utf-8")
    out = json.loads(run_cli("extract", str(page), "--url",
                             "https://www.ornek.test/arsiv/12345").stdout)
    assert out["url"] == "https://www.ornek.test/vali-konustu-12345"  # the article's own
    assert out["fetched_url"] == "https://www.ornek.test/arsiv/12345"
    bad = run_cli("extract", str(page), "--url", "not a url")
    assert bad.returncode == 2
    assert "--url: 'not a url' is not an http(s) URL" in bad.stderr


# --- import -------------------------------------------------------------------------------

def test_import_folder_twice(tmp_path: Path, manifest: dict[str, Any]) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for gold in manifest["articles"][:5]:
        name = gold["path"].lstrip("/") + ".html"
        (pages / name).write_bytes((SAMPLE_ROOT / name).read_bytes()
                                   .replace(b"{{ORIGIN}}", b"http://127.0.0.1:8765"))
    (pages / "notes.txt").write_text("kısa\n", encoding="utf-8")
    db = tmp_path / "news.db"
    first = run_cli("import", str(pages), "--db", str(db), "--site", "sample")
    assert first.returncode == 0, first.stderr
    assert "5 new" in first.stdout and "1 skipped" in first.stdout
    assert count(db, "articles") == 5
    with sqlite3.connect(db) as conn:  # look-alike searches answered from the table
        assert conn.execute("SELECT filled_to FROM spelling_rules").fetchone()[0] == \
            conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    second = run_cli("import", str(pages), "--db", str(db), "--site", "sample")
    assert "0 new, 0 updated, 5 unchanged" in second.stdout
    assert count(db, "articles") == 5


def test_import_that_cannot_record_spellings_still_says_what_it_imported(
    tmp_path: Path, manifest: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from archive import Archive, ArchiveError
    from newscrawler.cli import main

    def locked(self: Archive) -> int:
        raise ArchiveError("database is locked")

    monkeypatch.setattr(Archive, "fill_spellings", locked)
    gold = manifest["articles"][0]
    page = tmp_path / (gold["path"].lstrip("/") + ".html")
    page.write_bytes((SAMPLE_ROOT / page.name).read_bytes()
                     .replace(b"{{ORIGIN}}", b"http://127.0.0.1:8765"))
    db = tmp_path / "news.db"
    result = CliRunner().invoke(main, ["import", str(page), "--db", str(db), "--site", "sample"])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.stdout
    assert "spellings not recorded" in result.stderr and "newscrawler optimize" in result.stderr
    assert count(db, "articles") == 1


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not here")
def test_import_seed_dump(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    result = run_cli("import", str(SEEDS[0]), "--db", str(db), "--site", "hibya")
    assert result.returncode == 0, result.stderr
    assert count(db, "headlines") == 19


# --- search / export / stats on a small archive --------------------------------------------

@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory, manifest: dict[str, Any]) -> Path:
    return import_sample(tmp_path_factory.mktemp("small"), manifest)


@pytest.mark.parametrize("query", ["İzmir'de AND (", '"', "*", "-", "title:izmir",
                                   "Karşıyaka-Bornova", "OR OR", "((", "NEAR(a b)", "ş*"])
def test_search_never_fails_on_odd_queries(small_db: Path, query: str) -> None:
    result = run_cli("search", query, "--db", str(small_db), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
    assert "Traceback" not in result.stderr


def test_search_csv_and_filters(small_db: Path) -> None:
    result = run_cli("search", "belediye", "--db", str(small_db), "--format", "csv",
                     "--since", "2025-09-01", "--until", "2025-12-31", "--site", "sample")
    assert result.returncode == 0, result.stderr
    got = list(csv.DictReader(io.StringIO(result.stdout)))
    assert got and all(r["published_date"] >= "2025-09-01" for r in got)
    # dates as export writes them: the day always, the time only when known, and UTC
    for r in got:
        assert r["published_at"] == r["published_at_utc"] == "" or (
            r["published_at"].startswith(r["published_date"] + "T")
            and r["published_at_utc"].endswith("Z")), r
    bad = run_cli("search", "x", "--db", str(small_db), "--since", "16.11.2025")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_search_missing_database(tmp_path: Path) -> None:
    result = run_cli("search", "izmir", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1
    assert "none.db" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_corrupt_database_is_reported_and_untouched(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    db.write_bytes(os.urandom(8192))
    before = sha(db)
    for args in (("search", "izmir"), ("stats",), ("export",)):
        result = run_cli(*args, "--db", str(db))
        assert result.returncode == 74, args
        assert "not a newscrawler archive or is damaged" in result.stderr
        assert "Traceback" not in result.stderr
    assert sha(db) == before


def test_locked_database_is_reported_and_nothing_lost(small_db: Path, tmp_path: Path) -> None:
    before = count(small_db, "articles")
    with write_locked(small_db):
        page = tmp_path / "p.html"
        page.write_bytes((SAMPLE_ROOT / "index.html").read_bytes())
        result = run_cli("import", str(page), "--db", str(small_db), "--timeout", "1")
        assert result.returncode == 74
        assert "locked" in result.stderr and "Traceback" not in result.stderr
    assert count(small_db, "articles") == before


def test_export_csv_jsonl(small_db: Path, tmp_path: Path, manifest: dict[str, Any]) -> None:
    out = tmp_path / "out.csv"
    result = run_cli("export", "--db", str(small_db), "-o", str(out), "--excel")
    assert result.returncode == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(table) == len(manifest["articles"])
    with_list = [r for r in table if json.loads(r["headlines"])]
    assert with_list and all(int(r["headline_count"]) == len(json.loads(r["headlines"]))
                             for r in table)
    result = run_cli("export", "--db", str(small_db), "--format", "jsonl", "--query", "kadına")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and all(isinstance(r["headlines"], list) for r in lines)


def test_optimize_keeps_search_results(small_db: Path) -> None:
    before = json.loads(run_cli("search", "belediye", "--db", str(small_db), "--format",
                                "json", "--limit", "100").stdout)
    result = run_cli("optimize", "--db", str(small_db))
    assert result.returncode == 0, result.stderr
    assert "optimized" in result.stdout
    after = json.loads(run_cli("search", "belediye", "--db", str(small_db), "--format",
                               "json", "--limit", "100").stdout)
    assert {h["url"] for h in after} == {h["url"] for h in before} != set()


def test_stats(small_db: Path) -> None:
    result = run_cli("stats", "--db", str(small_db))
    assert result.returncode == 0, result.stderr
    assert "sample" in result.stdout
    data = json.loads(run_cli("stats", "--db", str(small_db), "--format", "json").stdout)
    assert data["totals"]["articles"] == count(small_db, "articles")


# --- crawl: failures, overlap, kill ----------------------------------------------------------

def test_crawl_of_unreachable_site_fails(tmp_path: Path) -> None:
    result = run_cli("crawl", "sample", "--db", str(tmp_path / "news.db"),
                     "--base-url", "http://127.0.0.1:9", "--set", "RETRY_TIMES=0",
                     "--set", "PROGRESS_INTERVAL=0")
    assert result.returncode == 1
    assert "nothing was fetched" in result.stdout


def test_overlapping_crawl_exits_75(tmp_path: Path, sample_origin: str) -> None:
    db = tmp_path / "news.db"
    with RunLock(db, "sample"):
        result = run_cli("crawl", "sample", "--db", str(db), "--base-url", sample_origin)
    assert result.returncode == 75
    assert "another crawl of 'sample'" in result.stderr and "--wait" in result.stderr


@pytest.mark.parametrize("signame, code", [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_while_waiting_for_the_lock_is_one_line(tmp_path: Path, sample_origin: str,
                                                         signame: str, code: int) -> None:
    import signal as signals
    import time

    db = tmp_path / "news.db"
    with RunLock(db, "sample"):
        proc = subprocess.Popen([sys.executable, "-m", "newscrawler.launcher", "crawl",
                                 "sample", "--db", str(db), "--base-url", sample_origin,
                                 "--wait", "60"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _holds_lock_file(proc.pid):
            time.sleep(0.05)  # start-up: imports, then the lock's first try
        time.sleep(0.5)  # the wait's own try, signal handlers in place
        proc.send_signal(getattr(signals, signame))
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err.strip() == (f"Interrupted ({signame}) while waiting for the run lock; nothing "
                           "was crawled.")


def _holds_lock_file(pid: int) -> bool:
    """Whether process ``pid`` has a run-lock file open (it is trying the lock)."""
    try:
        return any(".lock" in os.readlink(f"/proc/{pid}/fd/{fd}")
                   for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def start_crawl(db: Path, origin: str, *settings: str, text: bool = False
                ) -> subprocess.Popen[Any]:
    """A crawl of the sample site in the background, with ``--set`` overrides."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("NEWSCRAWLER_DB", None)
    args = [a for setting in settings for a in ("--set", setting)]
    return subprocess.Popen(
        [sys.executable, "-m", "newscrawler.cli", "crawl", "sample", "--db", str(db),
         "--base-url", origin, *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=text)


def test_killed_crawl_loses_nothing_and_resumes(tmp_path: Path, sample_origin: str,
                                                manifest: dict[str, Any]) -> None:
    db = tmp_path / "news.db"
    proc = start_crawl(db, sample_origin, "DOWNLOAD_DELAY=0.15", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                       "ARCHIVE_BATCH_SIZE=2", "PROGRESS_INTERVAL=0")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if count(db, "articles") >= 3:
                break
        except sqlite3.OperationalError:  # not created yet
            pass
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = count(db, "articles")
    assert partial >= 3
    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()
    result = run_cli("crawl", "sample", "--db", str(db), "--base-url", sample_origin,
                     "--set", "PROGRESS_INTERVAL=0")
    assert result.returncode == 0, result.stderr[-2000:]
    assert count(db, "articles") == len(manifest["articles"])
    conn = sqlite3.connect(db)
    statuses = [r[0] for r in conn.execute("select status from crawl_runs order by id")]
    conn.close()
    assert statuses == ["killed", "finished"]


def test_crawl_max_articles_and_since(tmp_path: Path, sample_origin: str,
                                      manifest: dict[str, Any]) -> None:
    db = tmp_path / "news.db"
    result = run_cli("crawl", "sample", "--db", str(db), "--base-url", sample_origin,
                     "--max-articles", "5", "--set", "PROGRESS_INTERVAL=0")
    assert result.returncode == 0, result.stderr[-2000:]
    assert count(db, "articles") == 5
    since_db = tmp_path / "since.db"
    result = run_cli("crawl", "sample", "--db", str(since_db), "--base-url", sample_origin,
                     "--since", "2025-11-01", "--set", "PROGRESS_INTERVAL=0")
    assert result.returncode == 0, result.stderr[-2000:]
    conn = sqlite3.connect(since_db)
    dates = [r[0] for r in conn.execute("select published_at from articles")]
    conn.close()
    expected = [a for a in manifest["articles"]
                if a["published"] is None or a["published"][:10] >= "2025-11-01"]
    assert len(dates) == len(expected)
    assert all(d is None or d[:10] >= "2025-11-01" for d in dates)


def test_a_capped_rerun_says_the_cap_went_to_unchanged_articles(tmp_path: Path,
                                                                sample_origin: str) -> None:
    db = tmp_path / "news.db"
    args = ("crawl", "sample", "--db", str(db), "--base-url", sample_origin,
            "--set", "PROGRESS_INTERVAL=0")
    assert run_cli(*args).returncode == 0  # every article archived
    again = run_cli(*args, "--max-articles", "5")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "5 of the --max-articles limit went to unchanged articles" in again.stdout
    assert "add --only-new" in again.stdout
    conn = sqlite3.connect(db)
    reason = conn.execute("select reason from crawl_runs order by id desc").fetchone()[0]
    conn.close()
    assert "--only-new" in reason
    fresh = run_cli(*args, "--max-articles", "5", "--only-new")
    assert fresh.returncode == 0, fresh.stderr[-2000:]
    assert "--max-articles limit went" not in fresh.stdout
    # the site's one dead link and its gallery page do not fail a run that found only
    # known articles (a run without --only-new says "37 unchanged", exit 0)
    assert "finished: nothing new to archive: 37 known article URLs skipped" in fresh.stdout


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_crawl_of_a_site_at_an_ipv6_address(tmp_path: Path,
                                            manifest: dict[str, Any]) -> None:
    db = tmp_path / "news.db"
    with serve(SAMPLE_ROOT, host="::1") as origin:
        assert origin.startswith("http://[::1]:")
        result = run_cli("crawl", "sample", "--db", str(db), "--base-url", origin,
                         "--set", "PROGRESS_INTERVAL=0")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert count(db, "articles") == len(manifest["articles"])


def test_plain_scrapy_crawl_writes_the_same_archive(tmp_path: Path, sample_origin: str,
                                                    manifest: dict[str, Any]) -> None:
    repo = Path(__file__).resolve().parents[1]
    db = tmp_path / "news.db"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "sample", "-a", f"base_url={sample_origin}",
         "-s", f"ARCHIVE_DB={db}", "-s", "PROGRESS_INTERVAL=0", "-s", "LOG_LEVEL=WARNING"],
        cwd=repo, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    assert count(db, "articles") == len(manifest["articles"])


def test_extract_without_url_resolves_links_against_canonical(
        tmp_path: Path, manifest: dict[str, Any]) -> None:
    gold = next(a for a in manifest["articles"] if a["headlines"] and b'rel="canonical"' in
                (SAMPLE_ROOT / (a["path"].lstrip("/") + ".html")).read_bytes())
    name = gold["path"].lstrip("/") + ".html"
    page = tmp_path / name
    page.write_bytes((SAMPLE_ROOT / name).read_bytes()
                     .replace(b"{{ORIGIN}}", b"https://egekent.example"))
    out = json.loads(run_cli("extract", str(page)).stdout)
    assert out["url"] == "https://egekent.example" + gold["path"]
    assert out["headlines"]
    assert all(h["url"].startswith("https://egekent.example/") for h in out["headlines"])


def test_sigterm_stops_cleanly_and_writes_the_last_batch(tmp_path: Path,
                                                         sample_origin: str) -> None:
    db = tmp_path / "news.db"
    proc = start_crawl(db, sample_origin, "DOWNLOAD_DELAY=0.2", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                       "ARCHIVE_BATCH_SIZE=1000", "ARCHIVE_FLUSH_SECONDS=3600",
                       "PROGRESS_INTERVAL=0.5", text=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # wait until some articles are in the (unwritten) batch
        if "[sample] pages" in line and int(line.split("pages ")[1].split()[0]) >= 12:
            break
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    conn = sqlite3.connect(db)
    n = conn.execute("select count(*) from articles").fetchone()[0]
    status, finished = conn.execute("select status, finished_at from crawl_runs").fetchone()
    conn.close()
    assert n >= 1  # the batch held in memory was written on the way out
    assert status == "killed" and finished
    assert "(shutdown)" in out


def test_archive_error_mid_command_is_a_clear_message(small_db: Path) -> None:
    from click.testing import CliRunner

    import archive.store
    from newscrawler import cli

    def locked(*_args: Any, **_kwargs: Any) -> Any:
        raise archive.ArchiveLockedError("news.db is locked by another process; wait for it "
                                         "to finish or pass --timeout 600")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(archive.store.Archive, "optimize", locked)
        result = CliRunner().invoke(cli.main, ["optimize", "--db", str(small_db)])
    assert result.exit_code == 74
    assert "locked by another process" in result.output


def test_import_of_a_folder_without_pages_says_why(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = run_cli("import", str(tmp_path / "empty"), "--db", str(tmp_path / "news.db"))
    assert result.returncode == 1
    assert result.stderr.strip() == (f"Error: no pages to import in {tmp_path / 'empty'}: it "
                                     "takes files ending in .html, .htm, .html.gz, .htm.gz, "
                                     ".txt, .txt.gz, or holding HTML (1 other file(s) left "
                                     "out: notes.pdf)")


@pytest.mark.parametrize("command", [["stats"], ["search", "izmir"], ["export"]])
def test_readers_leave_an_empty_file_as_it_is(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "news.db"
    db.write_bytes(b"")
    result = run_cli(*command, "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: news.db is empty (")
    assert "crawl or import into it first" in result.stderr
    assert db.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["news.db"]


def test_a_sites_folder_that_does_not_exist_is_said(tmp_path: Path) -> None:
    env = {"NEWSCRAWLER_SITES_DIR": str(tmp_path / "typo")}
    listed = run_cli("sites", env=env)
    assert listed.returncode == 0  # the bundled profiles are listed
    assert listed.stderr.strip() == (f"warning: NEWSCRAWLER_SITES_DIR is {tmp_path / 'typo'}, "
                                     "which does not exist: its profiles are not read; fix "
                                     "the path (or unset it)")
    crawl = run_cli("crawl", "yerel", "--db", str(tmp_path / "news.db"), env=env)
    assert crawl.returncode == 2
    assert f"NEWSCRAWLER_SITES_DIR is {tmp_path / 'typo'}, which does not exist" in crawl.stderr
