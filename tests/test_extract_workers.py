"""EXTRACT_WORKERS: extraction in worker processes keeps every guarantee of the crawl.

Real crawls in subprocesses on loopback servers, real signals. With workers the archive is
the same as without; Ctrl-C (sent to the whole process group, as a terminal does) still
finishes the pages in flight and records the run ``killed``; a killed worker is replaced
and its page extracted in the crawl's process; a killed crawl leaves no worker behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newscrawler.extract.pool import ExtractionPool, Steps, extract_bytes
from newscrawler.profiles import get_profile
from newscrawler.sample_server import SAMPLE_ROOT
from newscrawler.spiders.news import WORKER_STEPS
from tests.conftest import rows
from tests.test_signals import HOLD_THE_BATCH, start, the_run, wait_for_pages


def descendants(pid: int) -> set[int]:
    """Process ids of every live descendant of ``pid`` (read from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def workers_of(pid: int) -> set[int]:
    """The extraction workers among the descendants of ``pid`` (not the resource tracker)."""
    found = set()
    for child in descendants(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"newscrawler.extract.workerproc" in cmdline:
            found.add(child)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie counts as gone only once reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(check: Any, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def archive_content(db: Path) -> dict[str, Any]:
    """What a crawl archived, without fetch times and row ids."""
    articles = rows(db, "select * from articles order by url")
    for row in articles:
        for key in [k for k in row if k.endswith(("_at", "id")) and k not in (
                "published_at", "updated_at")]:
            row.pop(key)
    headlines = rows(db, "select a.url, h.* from headlines h join articles a on "
                         "a.id = h.article_id order by a.url, h.position")
    for row in headlines:
        row.pop("id", None)
        row.pop("article_id", None)
    places = rows(db, "select a.url, p.* from places p join articles a on "
                      "a.id = p.article_id order by a.url, p.rank")
    for row in places:
        row.pop("article_id", None)
    # Stories by their articles' URLs, each article's bands, the raw pages as stored
    # (compressed by a worker or by the archive): workers compute them ahead (#11).
    stories = sorted(r["urls"] for r in rows(
        db, "select group_concat(url, ' ') urls from (select story_id, url from articles "
            "order by url) group by story_id"))
    bands = rows(db, "select a.url, b.bucket from (select * from story_bands union all "
                     "select * from story_bands_recent) b join articles a on "
                     "a.id = b.article_id order by a.url, b.bucket")
    raw = rows(db, "select r.url, r.status, r.content_type, r.encoding, r.body, a.url article "
                   "from raw_pages r left join articles a on a.id = r.article_id order by r.url")
    return {"articles": articles, "headlines": headlines, "places": places,
            "stories": stories, "bands": bands, "raw": raw}


def test_a_worker_extracts_what_the_crawl_process_extracts() -> None:
    profile = get_profile("sample")
    pages = sorted(SAMPLE_ROOT.glob("*.html"))[:12]
    pool = ExtractionPool(1, profile)
    try:
        (worker,) = pool.start()
        for page in pages:
            body = page.read_bytes()
            url = f"http://127.0.0.1:8765/{page.stem}"
            encoding, extracted, text = pool.submit(body, None, url).result(timeout=60)
            assert (encoding, extracted) == extract_bytes(body, None, url, profile)
            assert text is None  # no pipeline step asked for
    finally:
        pool.close()
    assert wait_until(lambda: not alive(worker), 10)


@pytest.fixture(scope="module")
def crawled_without_workers(sample_origin: str, tmp_path_factory: pytest.TempPathFactory
                            ) -> dict[str, Any]:
    """The sample site crawled with extraction in the crawl's process (EXTRACT_WORKERS=0)."""
    db = tmp_path_factory.mktemp("inprocess") / "news.db"
    proc = start("sample", db, sample_origin, "PROGRESS_INTERVAL=0", "EXTRACT_WORKERS=0")
    _out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err[-3000:]
    stats = json.loads(rows(db, "select stats from crawl_runs")[0]["stats"])
    assert "extract/workers" not in stats
    return {"db": db, "origin": sample_origin, "returncode": proc.returncode}


def test_the_archive_is_the_same_with_and_without_workers(
        crawled_without_workers: dict[str, Any], tmp_path: Path) -> None:
    crawled_sample = crawled_without_workers
    db = tmp_path / "workers.db"
    proc = start("sample", db, crawled_sample["origin"], "PROGRESS_INTERVAL=0",
                 "EXTRACT_WORKERS=2")
    _out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err[-3000:]
    with_workers, without = archive_content(db), archive_content(crawled_sample["db"])
    assert len(with_workers["articles"]) > 30
    assert with_workers == without
    stats = json.loads(rows(db, "select stats from crawl_runs")[0]["stats"])
    assert stats["extract/workers"] == 2
    before = json.loads(rows(crawled_sample["db"], "select stats from crawl_runs")[0]["stats"])
    # which of feed, sitemap, listing or article came first; how many batches the writer
    # thread wrote once nothing was left to fetch (it takes what arrived while it wrote)
    racy = ("discovery/from_", "archive/batches")
    # the look-alike spellings: a worker computes them, so each article is recorded as it is
    # saved; without one, all of them after the last page (the same table: compared above)
    when = ("archive/spellings_",)
    counters = {k: v for k, v in before.items() if "/" in k and isinstance(v, int)
                and not k.startswith(("downloader/", "memusage/", "scheduler/", *racy, *when))}
    assert {k: stats.get(k) for k in counters} == counters  # the same stats, same counts
    assert stats["archive/spellings_filled"] == 0 < before["archive/spellings_filled"]
    assert "Traceback" not in err


def test_ctrl_c_finishes_the_pages_in_flight_and_stops_the_workers(
        tmp_path: Path, sample_origin: str) -> None:
    db = tmp_path / "news.db"
    proc = start("sample", db, sample_origin, "DOWNLOAD_DELAY=0.2", "EXTRACT_WORKERS=2",
                 "CONCURRENT_REQUESTS_PER_DOMAIN=1", "PROGRESS_INTERVAL=0.3", *HOLD_THE_BATCH)
    seen = wait_for_pages(proc, 12)
    workers = descendants(proc.pid)
    assert len(workers_of(proc.pid)) == 2
    assert workers == workers_of(proc.pid)  # no other process: no resource tracker
    for pid in (proc.pid, *workers):  # a terminal's Ctrl-C reaches every process of the group
        os.kill(pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    err = "".join(seen) + err
    assert proc.returncode == 130, err[-3000:]
    assert rows(db, "select count(*) n from articles")[0]["n"] >= 1
    assert rows(db, "select count(*) n from raw_pages")[0]["n"] >= 10
    run = the_run(db)
    assert run["status"] == "killed" and run["reason"] == "interrupted by SIGINT"
    assert "Traceback" not in err and "BrokenProcessPool" not in err
    assert wait_until(lambda: not any(alive(pid) for pid in workers), 10)


def test_a_killed_worker_is_replaced_and_no_page_is_lost(
        crawled_without_workers: dict[str, Any], tmp_path: Path) -> None:
    crawled_sample = crawled_without_workers
    db = tmp_path / "news.db"
    proc = start("sample", db, crawled_sample["origin"], "DOWNLOAD_DELAY=0.1",
                 "EXTRACT_WORKERS=1", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                 "PROGRESS_INTERVAL=0.3", f"EXTRACT_WORKER_STEPS={','.join(WORKER_STEPS)}")
    seen = wait_for_pages(proc, 8)
    workers = workers_of(proc.pid)
    assert workers
    for pid in workers:  # as the OOM killer would
        os.kill(pid, signal.SIGKILL)
    _out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, "".join(seen)[-2000:] + err[-3000:]
    assert archive_content(db) == archive_content(crawled_sample["db"])
    stats = json.loads(rows(db, "select stats from crawl_runs")[0]["stats"])
    assert stats["extract/worker_restarts"] >= 1
    assert "Traceback" not in err, err[-3000:]


def test_a_killed_crawl_leaves_no_worker_behind(tmp_path: Path, sample_origin: str) -> None:
    db = tmp_path / "news.db"
    proc = start("sample", db, sample_origin, "DOWNLOAD_DELAY=0.2", "EXTRACT_WORKERS=2",
                 "CONCURRENT_REQUESTS_PER_DOMAIN=1", "PROGRESS_INTERVAL=0.3")
    wait_for_pages(proc, 6)
    workers = descendants(proc.pid)
    assert workers
    proc.kill()
    proc.wait(timeout=30)
    assert wait_until(lambda: not any(alive(pid) for pid in workers), 30), [
        Path(f"/proc/{pid}/cmdline").read_bytes() for pid in workers if alive(pid)]


def test_workers_import_the_extractor_and_not_scrapy(tmp_path: Path) -> None:
    script = tmp_path / "check.py"
    script.write_text(
        "if __name__ == '__main__':\n"
        "    import scrapy, twisted.internet.reactor\n"
        "    from newscrawler.extract.pool import ExtractionPool, imported\n"
        "    pool = ExtractionPool(1, None)\n"
        "    pool.start()\n"
        "    print(pool.call(imported, 'newscrawler.extract.page', 'scrapy', 'twisted',\n"
        "                    'sqlite_utils', 'datasketch', '__mp_main__', 'ftfy'))\n"
        "    pool.close()\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "[True, False, False, False, False, False, False]", (
        out.stderr[-2000:])


def test_a_worker_does_not_import_parsel_for_a_profile_without_selectors() -> None:
    # parsel (with jmespath and w3lib) is ~10 MB a worker; only profile CSS selectors need it.
    code = ("import sys\n"
            "from newscrawler.extract.pool import extract_bytes\n"
            "extract_bytes(b'<html><body><h1>Ba\\xc5\\x9fl\\xc4\\xb1k</h1><p>Metin.</p></body>'\n"
            "              b'</html>', 'utf-8', 'http://127.0.0.1/haber-1', None)\n"
            "print(sorted({'parsel', 'jmespath', 'w3lib'} & set(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "[]", out.stderr[-2000:]


def test_a_page_sent_light_leaves_places_blocks_and_dates_to_the_crawl() -> None:
    from dataclasses import replace

    from newscrawler.extract import pool as extraction

    profile = get_profile("sample")
    steps = Steps(clean=True, split=True, places=True, template=True, block=True, dates=True,
                  archive=True, stories=True, links=True)
    pages = sorted(SAMPLE_ROOT.glob("*.html"))[:8]
    saved = extraction._PROFILE, extraction._STEPS
    extraction._PROFILE, extraction._STEPS = profile, steps
    try:
        for page in pages:
            url = f"http://127.0.0.1:8765/{page.stem}"
            _, _, full = extraction._extract_in_worker(page.read_bytes(), None, url)
            _, _, light = extraction._extract_in_worker(page.read_bytes(), None, url, (), True)
            assert full is not None and light is not None
            assert full.prepared is not None and light.prepared is not None
            assert full.prepared.block is not None and full.prepared.dates is not None
            assert full.prepared.places is not None
            assert (light.prepared.places, light.prepared.block, light.prepared.dates) == (
                None, None, None)
            full.fetched_at = light.fetched_at
            full.prepared = replace(full.prepared, places=None, block=None, dates=None)
            assert light == full  # the rest (content hash, stories' prints) as a full page's
    finally:
        extraction._PROFILE, extraction._STEPS = saved


def same_archive_with(crawled: dict[str, Any], db: Path, *settings: str) -> dict[str, Any]:
    """Crawl the sample site with one worker and ``settings`` into ``db``; check the archive
    equals the crawl without workers; return the run's stats."""
    proc = start("sample", db, crawled["origin"], "PROGRESS_INTERVAL=0", "EXTRACT_WORKERS=1",
                 *settings)
    _out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err[-3000:]
    assert archive_content(db) == archive_content(crawled["db"])
    stats: dict[str, Any] = json.loads(rows(db, "select stats from crawl_runs")[0]["stats"])
    return stats


def test_pages_sent_light_give_the_same_archive(
        crawled_without_workers: dict[str, Any], tmp_path: Path) -> None:
    stats = same_archive_with(crawled_without_workers, tmp_path / "light.db",
                              "EXTRACT_WORKER_BACKLOG=1")
    # a page goes light when the worker holds one already: pages fetched together
    assert 0 < stats["extract/light"] <= stats["item_scraped_count"]


def test_the_pool_counts_the_bytes_its_workers_hold() -> None:
    profile = get_profile("sample")
    page = sorted(SAMPLE_ROOT.glob("*.html"))[0].read_bytes()
    big = page.replace(b"</body>", b"<p>" + b"Uzun bir paragraf. " * 20_000 + b"</p></body>")
    pool = ExtractionPool(1, profile)
    try:
        pool.start()
        calls = [pool.submit(body, None, "http://127.0.0.1:8765/x") for body in (big, page)]
        assert pool.held() == len(big) + len(page)  # the big page takes the worker a while
        for call in calls:
            call.result(timeout=60)
        assert pool.held() == 0
    finally:
        pool.close()


def test_recycled_workers_give_the_same_archive_and_are_counted(
        crawled_without_workers: dict[str, Any], tmp_path: Path) -> None:
    stats = same_archive_with(crawled_without_workers, tmp_path / "recycled.db",
                              "EXTRACT_WORKER_MAX_PAGES=4")
    pages = stats["item_scraped_count"] + stats.get("item_dropped_count", 0)
    assert stats["extract/worker_recycled"] >= 1  # was absent: one worker for the crawl
    assert stats["extract/worker_recycled"] <= pages // 4
    assert "extract/worker_restarts" not in stats  # replaced, not broken


def test_a_worker_whose_crawl_is_gone_ends_without_a_traceback() -> None:
    """SIGKILL of the crawl closes the answers' pipe: the worker's next answer meets a
    broken pipe, and it ends quietly (it printed BrokenPipeError's traceback)."""
    from newscrawler.extract.workerproc import _write

    calls_r, calls_w = os.pipe()
    results_r, results_w = os.pipe()
    repo = str(Path(__file__).resolve().parents[1])
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[3]); "
         "from newscrawler.extract.workerproc import serve; "
         "serve(int(sys.argv[1]), int(sys.argv[2]))", str(calls_r), str(results_w), repo],
        pass_fds=(calls_r, results_w), stderr=subprocess.PIPE)
    os.close(calls_r)
    os.close(results_w)
    os.close(results_r)  # the crawl is gone: nobody reads the answers
    with os.fdopen(calls_w, "wb") as calls:
        _write(calls, (None, ()))
        _write(calls, (1, os.getpid, ()))
        _write(calls, (2, os.getpid, ()))
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0
    assert b"Traceback" not in err and b"BrokenPipeError" not in err, err.decode()
