"""Every bad input to `sites`, `extract`, `import`, `search` and `export`: one clear line, the
right exit code, never a traceback (each case runs the real command in a subprocess)."""

from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from newscrawler.sample_server import SAMPLE_ROOT
from tests.conftest import run_cli

NOISE = ("Traceback", "Exception ignored")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, manifest: dict[str, Any]) -> Path:
    """A folder of bad inputs, a broken profile folder and a small archive."""
    root = tmp_path_factory.mktemp("bad")
    with gzip.open(root / "bomb.html.gz", "wb", compresslevel=9) as fh:
        block = b"<p>" + b"a" * (1 << 20)
        for _ in range(40):  # 40 MiB inflated from ~40 KiB
            fh.write(block)
    text = " ".join(str(n) for n in range(20_000)).encode()
    (root / "damaged.html.gz").write_bytes(gzip.compress(text)[:2_000])
    (root / "random.txt").write_bytes(random.Random(7).randbytes(20_000))
    (root / "garbage.html").write_bytes(b"\x00\xff<<<<>>>\x89PNG")
    (root / "report.html").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    (root / "folder").mkdir()
    sites = root / "sites"
    sites.mkdir()
    (sites / "kirik.toml").write_text('name = "kirik"\nbase_url = "http://x/"\n'
                                      'article_pattern = "a"\n[discovery]\nsitemap = []\n')
    pages = root / "pages"
    pages.mkdir()
    for gold in manifest["articles"]:
        name = gold["path"].lstrip("/") + ".html"
        (pages / name).write_bytes((SAMPLE_ROOT / name).read_bytes()
                                   .replace(b"{{ORIGIN}}", b"http://127.0.0.1:8765"))
    result = run_cli("import", str(pages), "--db", str(root / "news.db"), "--site", "sample")
    assert result.returncode == 0, result.stderr
    return root


CASES: list[tuple[str, list[str], int, str]] = [
    # sites
    ("sites: unknown name", ["sites", "yok"], 2, "unknown site 'yok'"),
    ("sites: broken profile asked for", ["sites", "kirik"], 2, "line 5: unknown [discovery]"),
    # extract
    ("extract: gzip bomb", ["extract", "{d}/bomb.html.gz"], 1,
     "bomb.html.gz is refused: inflates to more than 32 MiB"),
    ("extract: damaged gzip", ["extract", "{d}/damaged.html.gz"], 1, "damaged gzip data"),
    ("extract: random bytes named .txt", ["extract", "{d}/random.txt"], 1,
     "random.txt is refused: binary content (NUL bytes), not a page"),
    ("extract: garbage named .html", ["extract", "{d}/garbage.html"], 1, "binary content"),
    ("extract: a PDF named .html", ["extract", "{d}/report.html"], 1,
     "binary content (a PDF document)"),
    ("extract: missing file", ["extract", "{d}/none.html"], 2, "does not exist"),
    ("extract: a folder", ["extract", "{d}/folder"], 2, "is a directory"),
    ("extract: bad --fetched-at", ["extract", "{d}/garbage.html", "--fetched-at", "dün"], 2,
     "ISO 8601"),
    ("extract: unknown --site", ["extract", "{d}/garbage.html", "--site", "yok"], 2,
     "unknown site 'yok'"),
    ("extract: broken --site", ["extract", "{d}/garbage.html", "--site", "kirik"], 2,
     "site profile 'kirik' is broken"),
    # import
    ("import: only bad files", ["import", "{d}/bomb.html.gz", "{d}/random.txt",
                                "{d}/report.html", "--db", "{d}/imported.db"], 1,
     "skipped {d}/bomb.html.gz: inflates to more than 32 MiB"),
    ("import: broken --site", ["import", "{d}/garbage.html", "--site", "kirik", "--db",
                               "{d}/imported.db"], 2, "site profile 'kirik' is broken"),
    ("import: missing path", ["import", "{d}/none", "--db", "{d}/imported.db"], 2,
     "does not exist"),
    # search
    ("search: huge --limit", ["search", "x", "--limit", "99999999999999999999"], 2,
     "99999999999999999999 is not in the range 1<=x<=100000"),
    ("search: --limit 0", ["search", "x", "--limit", "0"], 2, "not in the range"),
    ("search: --limit abc", ["search", "x", "--limit", "abc"], 2, "'abc' is not a valid integer"),
    ("search: no query", ["search"], 2, "Missing argument 'QUERY...'"),
    ("search: filters alone", ["search", "--author", "Ayşe Yılmaz"], 2,
     "to list articles by --author alone, use `newscrawler export --author 'Ayşe Yılmaz' "
     "--columns id,published_date,site,title`"),
    ("search: option without its value", ["search", "x", "--site"], 2,
     "Option '--site' requires an argument"),
    ("search: bad --since", ["search", "x", "--since", "16.11.2025"], 2, "YYYY-MM-DD"),
    ("search: bad --format", ["search", "x", "--format", "xml"], 2, "'xml' is not one of"),
    # export
    ("export: missing folder", ["export", "-o", "{d}/missing/dir/x.csv"], 1,
     "the folder {d}/missing/dir does not exist; create it first"),
    ("export: a folder", ["export", "-o", "{d}/folder"], 1, "it is a folder; name a file"),
    ("export: full disk", ["export", "-o", "/dev/full"], 1,
     "cannot write /dev/full: no space left on the device"),
    ("export: bad --format", ["export", "--format", "xml"], 2, "'xml' is not one of"),
    ("export: bad --until", ["export", "--until", "yarın"], 2, "YYYY-MM-DD"),
]


@pytest.mark.parametrize("args, code, message", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_line(files: Path, args: list[str], code: int,
                                     message: str) -> None:
    argv = [a.format(d=files) for a in args]
    if argv[0] in ("search", "export"):
        argv[1:1] = ["--db", str(files / "news.db")]
    result = run_cli(*argv, env={"NEWSCRAWLER_SITES_DIR": str(files / "sites")})
    output = result.stdout + result.stderr
    assert not any(word in output for word in NOISE), output
    assert result.returncode == code, output
    expected = message.format(d=files)
    matching = [line for line in output.splitlines() if expected in line]
    assert len(matching) == 1, output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) <= 1, result.stderr
    assert not (files / "missing").exists()


def test_import_skips_bad_files_and_keeps_the_good(files: Path) -> None:
    db = files / "mixed.db"
    pages = sorted((files / "pages").glob("*.html"))[:2]
    result = run_cli("import", *map(str, pages), str(files / "random.txt"),
                     str(files / "bomb.html.gz"), str(files / "report.html"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "2 new, 0 updated, 0 unchanged, 3 skipped" in result.stdout
    skipped = sorted(line for line in result.stderr.splitlines() if line.startswith("skipped"))
    assert [line.split(": ", 1)[1] for line in skipped] == [
        "inflates to more than 32 MiB (a gzip bomb?); not unpacked",
        "binary content (NUL bytes), not a page",
        "binary content (a PDF document), not a page",
    ]


@pytest.mark.parametrize("words", [["-haber"], ["--", "-haber"], ["kadına", "-izmir"],
                                   ["izmir", "-gece"], ["-gece", "izmir"]])
def test_search_query_may_start_with_a_dash(files: Path, words: list[str]) -> None:
    db = str(files / "news.db")
    result = run_cli("search", "--db", db, "--format", "json", *words)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert isinstance(hits, list)
    if "-gece" in words:  # the exclusion really excludes, wherever it stands
        every = json.loads(run_cli("search", "izmir", "--db", db, "--format", "json").stdout)
        gece = json.loads(run_cli("search", "izmir gece", "--db", db,
                                  "--format", "json").stdout)
        assert gece and len(hits) == len(every) - len(gece)
        assert not {h["url"] for h in hits} & {h["url"] for h in gece}


def test_search_options_before_and_after_the_query(files: Path) -> None:
    db = str(files / "news.db")
    before = run_cli("search", "--site", "sample", "--limit", "1", "--db", db, "belediye")
    after = run_cli("search", "belediye", "--site", "sample", "--limit=1", "--db", db)
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout and before.stdout.startswith("  1. ")
    assert "  2. " not in before.stdout


def test_no_traceback_for_a_huge_limit_within_range(files: Path) -> None:
    result = run_cli("search", "belediye", "--limit", "100000", "--db", str(files / "news.db"),
                     "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)


def test_crawl_of_broken_profile_is_one_line(files: Path) -> None:
    result = run_cli("crawl", "kirik", "--db", str(files / "crawl.db"),
                     env={"NEWSCRAWLER_SITES_DIR": str(files / "sites")})
    assert result.returncode == 2
    assert not any(word in result.stderr for word in NOISE)
    assert result.stderr.strip().splitlines() == [
        f"Error: site profile 'kirik' is broken: {files}/sites/kirik.toml, line 5: unknown "
        "[discovery] key 'sitemap'; known keys: feeds, sitemaps, listings, listing_links, "
        "listing_next"]
    assert not os.path.exists(files / "crawl.db")


@pytest.mark.parametrize("command", [["stats"], ["optimize"], ["check"], ["search", "izmir"],
                                     ["sites"]])
def test_stdout_on_a_full_device_is_one_line(files: Path, command: list[str]) -> None:
    """Every command that prints: stdout on a full disk is one line and exit 1."""
    import subprocess
    import sys

    db = str(files / "full.db")
    run_cli("import", *map(str, sorted((files / "pages").glob("*.html"))[:1]), "--db", db)
    args = [*command, "--db", db] if command[0] != "sites" else command
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "newscrawler.cli", *args], stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=120)
    assert not any(word in result.stderr for word in NOISE), result.stderr
    assert result.returncode == 1, result.stderr
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        line for line in result.stderr.splitlines() if "no space left" in line.lower()]
