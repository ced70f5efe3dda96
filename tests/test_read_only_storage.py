"""An archive on read-only storage (a dataset on a read-only share or disk) is read by
every reading command, and left as it is."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import Archive
from tests.conftest import run_cli


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def read_only_copy() -> Iterator[Path]:
    """An archive of three articles on a tmpfs mounted read-only (skips without mount)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a file system")
    folder = Path(tempfile.mkdtemp(prefix="ro-"))
    if not mount("-t", "tmpfs", "-o", "size=20m", "tmpfs", str(folder)):
        folder.rmdir()
        pytest.skip("mount is not permitted here")
    try:
        db = folder / "news.db"
        with Archive(db) as archive:
            archive.save_articles([
                {"url": f"https://ege.example/a-{n}", "site": "ege", "title": f"Haber {n}",
                 "body": f"İzmir'de belediye kadına yönelik şiddete karşı {n}. kez yürüdü.",
                 "published_at": f"2025-11-1{n}T10:00:00+03:00"} for n in range(3)])
        assert not (folder / "news.db-wal").exists()
        assert mount("-o", "remount,ro", str(folder))
        yield db
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_reading_commands_read_an_archive_on_read_only_storage(read_only_copy: Path) -> None:
    db = str(read_only_copy)
    before = hashlib.sha256(read_only_copy.read_bytes()).hexdigest()
    found = run_cli("search", "kadına", "--db", db)
    assert found.returncode == 0, found.stderr
    assert "3 matches" in found.stderr
    filtered = run_cli("search", "kadına", "--db", db, "--site", "ege", "--since", "2025-11-11")
    assert filtered.returncode == 0 and "2 matches" in filtered.stderr, filtered.stderr
    exported = run_cli("export", "--db", db, "--columns", "id,title")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines()[1:] == ["1,Haber 0", "2,Haber 1", "3,Haber 2"]
    stats = run_cli("stats", "--db", db)
    assert stats.returncode == 0, stats.stderr
    checked = run_cli("check", "--db", db)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "news.db: ok" in checked.stdout
    assert "search index    not checked (read-only storage)" in checked.stdout
    # Datasette (newscrawler serve) too
    import asyncio

    from archive.datasette_plugin import make_datasette

    datasette = make_datasette([db])
    asyncio.run(datasette.invoke_startup())
    response = asyncio.run(datasette.client.get(
        "/news/articles.json?_search=kad%C4%B1na&_shape=objects"))
    assert response.status_code == 200, response.text
    assert len(response.json()["rows"]) == 3
    assert hashlib.sha256(read_only_copy.read_bytes()).hexdigest() == before
    # a command that writes says why it cannot, in one line
    crawl = run_cli("import", str(read_only_copy.parent), "--db", db)
    assert crawl.returncode == 74, crawl.stderr
    assert "Traceback" not in crawl.stderr
