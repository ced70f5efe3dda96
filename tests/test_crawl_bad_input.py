"""Bad input to `newscrawler crawl`: exit 2, one clear line, no traceback, nothing created."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize("args, says", [
    (["--set", "DOWNLOAD_DELAY=abc"], "DOWNLOAD_DELAY takes a number"),
    (["--set", "CONCURRENT_REQUESTS=many"], "CONCURRENT_REQUESTS takes a number"),
    (["--set", "ROBOTSTXT_OBEY=perhaps"], "ROBOTSTXT_OBEY takes true or false"),
    (["--set", "ITEM_PIPELINES=[1"], "ITEM_PIPELINES takes a JSON object"),
    (["--set", "DOWNLOAD_TIMEOUT=nan"], "DOWNLOAD_TIMEOUT takes a finite number"),
    (["--set", "NOSUCH=1"], "NOSUCH is not a newscrawler or Scrapy setting"),
    (["--set", "DOWNLOAD_DELAY=-1"], "DOWNLOAD_DELAY must not be negative"),
    (["--set", "DOWNLOAD_MAXSIZE=-1"], "DOWNLOAD_MAXSIZE must not be negative"),
    (["--set", "RETRY_AFTER_MAX=-5"], "RETRY_AFTER_MAX must not be negative"),
    (["--set", "CONCURRENT_REQUESTS=0"], "CONCURRENT_REQUESTS must be above 0"),
    (["--set", "ARCHIVE_BATCH_SIZE=0"], "ARCHIVE_BATCH_SIZE must be above 0"),
    (["--set", "DOWNLOAD_DELAI=1"], "did you mean DOWNLOAD_DELAY"),
    (["--set", "DOWNLOAD_DELAY"], "write it as NAME=VALUE"),
    (["--base-url", "notaurl"], "is not a site origin"),
    (["--base-url", "ftp://127.0.0.1/"], "is not a site origin"),
    (["--base-url", "http://"], "is not a site origin"),
    (["--base-url", "http://127.0.0.1:99999"], "is not a site origin"),
    (["--base-url", "http://127.0.0.1:8765/sub/"], "write http://127.0.0.1:8765"),
    (["--base-url", "http://127.0.0.1:8765/?x=1"], "is not a site origin: the profile's"),
    (["--timeout", "nan"], "--timeout"),
    (["--timeout", "inf"], "--timeout"),
    (["--timeout", "-1"], "--timeout"),
    (["--wait", "nan"], "is not a finite number"),
    (["--wait", "inf"], "is not a finite number"),
    (["--wait", "-5"], "is not a finite number"),
    (["--max-articles", "-1"], "--max-articles"),
    (["--since", "16.11.2025"], "YYYY-MM-DD"),
])
def test_bad_crawl_option_is_one_line_and_exit_2(tmp_path: Path, args: list[str],
                                                 says: str) -> None:
    db = tmp_path / "news.db"
    result = run_cli("crawl", "sample", "--db", str(db), *args, timeout=120)
    assert result.returncode == 2, result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(error_lines) == 1, result.stderr
    assert not db.exists()


def test_memory_database_is_refused(tmp_path: Path) -> None:
    result = run_cli("crawl", "sample", "--db", ":memory:", cwd=tmp_path, timeout=120)
    assert result.returncode == 2, result.stderr
    assert ":memory:" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_good_override_values_are_typed(tmp_path: Path, sample_origin: str) -> None:
    db = tmp_path / "news.db"
    result = run_cli("crawl", "sample", "--db", str(db), "--base-url", sample_origin,
                     "--set", "ROBOTSTXT_OBEY=yes", "--set", "DOWNLOAD_TIMEOUT=7.5",
                     "--set", "PROGRESS_INTERVAL=0", "--set", "ARCHIVE_RAW_PAGES=false",
                     timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sample: finished" in result.stdout


def test_a_profile_with_nothing_to_start_from_is_a_usage_error(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "bos.toml").write_text('name = "bos"\nbase_url = "http://127.0.0.1:9/"\n'
                                    'article_pattern = "-\\\\d+$"\n', encoding="utf-8")
    result = run_cli("crawl", "bos", "--db", str(tmp_path / "news.db"),
                     env={"NEWSCRAWLER_SITES_DIR": str(sites)})
    assert result.returncode == 2
    assert "names no feed, sitemap or listing: a crawl has nothing to start from" \
        in result.stderr
    assert not (tmp_path / "news.db").exists()


def test_one_jobdir_for_several_sites_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    result = run_cli("crawl", "sample", "hibya", "--db", str(db), "--jobdir",
                     str(tmp_path / "jd"), timeout=120)
    assert result.returncode == 2, result.stderr
    assert "--jobdir works with exactly one SITE" in result.stderr
    assert not db.exists() and not (tmp_path / "jd").exists()
