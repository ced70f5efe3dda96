"""The archive in Datasette gives the CLI's answers: search, metadata, canned queries,
read-only, and ``newscrawler serve`` over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import hashlib
import json
import signal
import socket
import sqlite3
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import count, search
from archive.schema import TABLES
from tests.conftest import import_sample, run_cli, serving

datasette_app = pytest.importorskip("datasette.app")

from archive.datasette_plugin import make_datasette  # noqa: E402 -- needs datasette

#: Turkish queries whose Datasette answers must equal the CLI's.
QUERIES = ["kadına", "ışık", "isik", "belediye", "Kadına"]


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory: pytest.TempPathFactory, manifest: dict[str, Any]) -> Path:
    """The sample site's articles in a fresh archive (imported, no crawl)."""
    return import_sample(tmp_path_factory.mktemp("datasette"), manifest)


@pytest.fixture(scope="module")
def ds(archive_db: Path) -> Any:
    """Datasette over the archive with our plugin, as ``newscrawler serve`` builds it."""
    datasette = make_datasette([str(archive_db)])
    asyncio.run(datasette.invoke_startup())
    return datasette


def get(ds: Any, path: str, **params: Any) -> Any:
    """GET ``path`` from Datasette in-process."""
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    return asyncio.run(ds.client.get(path + query))


def table_json(ds: Any, **params: Any) -> dict[str, Any]:
    response = get(ds, "/news/articles.json", _shape="objects", _size="max", **params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def cli_ids(db: Path, q: str) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [hit["id"] for hit in search(conn, q, limit=1000)]


def cli_count(db: Path, q: str) -> int:
    with sqlite3.connect(db) as conn:
        return count(conn, q)


@pytest.mark.parametrize("q", QUERIES)
def test_search_gives_the_cli_articles_and_count(ds: Any, archive_db: Path, q: str) -> None:
    data = table_json(ds, _search=q)
    ids = [row["id"] for row in data["rows"]]
    expected = cli_ids(archive_db, q)
    assert expected, f"the sample archive should have matches for {q!r}"
    assert sorted(ids) == sorted(expected)
    assert data["filtered_table_rows_count"] == cli_count(archive_db, q) == len(expected)
    published = [row["published_at"] or "" for row in data["rows"]]
    assert published == sorted(published, reverse=True)  # the table page: newest first


def test_folding_and_inflection_reach_datasette(ds: Any) -> None:
    counts = {q: table_json(ds, _search=q)["filtered_table_rows_count"] for q in QUERIES}
    assert counts["kadına"] == counts["Kadına"] == table_json(ds, _search="KADINA")[
        "filtered_table_rows_count"]
    assert counts["ışık"] == counts["isik"]
    assert counts["belediye"] > table_json(ds, _search='"belediye"')["filtered_table_rows_count"]


@pytest.mark.parametrize("q", QUERIES)
def test_search_query_gives_the_cli_order(ds: Any, archive_db: Path, q: str) -> None:
    response = get(ds, "/news/search.json", q=q, _shape="objects")
    assert response.status_code == 200, response.text
    assert [row["id"] for row in response.json()["rows"]] == cli_ids(archive_db, q)


def test_query_language_and_bad_input(ds: Any, archive_db: Path) -> None:
    for q in ['"kadına şiddete"', "belediye -izmir", "izmir OR manisa", "title:belediye",
              "beled*", ")(", "-spor"]:
        assert table_json(ds, _search=q)["filtered_table_rows_count"] == cli_count(archive_db, q)
    too_long = get(ds, "/news/articles.json", _search="kadın " * 300)
    assert too_long.status_code == 400
    assert "limit is 1,000" in too_long.json()["error"]
    column = get(ds, "/news/articles.json", _search_title_fold="kadina")
    assert column.status_code == 400
    assert "title:word" in column.json()["error"]
    # raw mode cannot bypass the folding: the answer stays the CLI's
    raw = table_json(ds, _search="kadına", _searchmode="raw")
    assert raw["filtered_table_rows_count"] == cli_count(archive_db, "kadına")


def test_table_page_has_search_box_and_help(ds: Any) -> None:
    page = get(ds, "/news/articles", _search="kadına").text
    assert 'name="_search"' in page
    assert 'value="kadına"' in page
    assert "any case and Turkish spelling" in page
    assert "newscrawler search" in page


def test_metadata_describes_every_table_and_column(ds: Any) -> None:
    metadata = get(ds, "/-/metadata.json").json()
    assert metadata["title"] and metadata["description"] and metadata["source"]
    tables = metadata["databases"]["news"]["tables"]
    for table in TABLES:
        assert tables[table.name]["description"], table.name
        for column in table.columns:
            assert tables[table.name]["columns"].get(column), f"{table.name}.{column}"
    articles = tables["articles"]
    assert articles["facets"] == ["site", "category", "author"]
    assert articles["sort_desc"] == "published_at"
    data = table_json(ds)
    assert {facet for facet in data.get("facet_results", {})} >= {"site", "category", "author"}
    published = [row["published_at"] or "" for row in data["rows"]]
    assert published == sorted(published, reverse=True)


def test_canned_queries(ds: Any, archive_db: Path) -> None:
    per_day = get(ds, "/news/articles_per_site_per_day.json", site="", _shape="objects").json()
    with sqlite3.connect(archive_db) as conn:
        dated = conn.execute("SELECT count(*) FROM articles WHERE published_at IS NOT NULL"
                             ).fetchone()[0]
        article_id, n_headlines = conn.execute(
            "SELECT article_id, count(*) FROM headlines GROUP BY article_id "
            "ORDER BY count(*) DESC LIMIT 1").fetchone()
        runs = conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0]
    assert sum(row["articles"] for row in per_day["rows"]) == dated
    assert {row["site"] for row in per_day["rows"]} == {"sample"}
    headlines = get(ds, "/news/article_headlines.json", id=article_id, _shape="objects").json()
    assert [row["position"] for row in headlines["rows"]] == list(range(1, n_headlines + 1))
    crawl_runs = get(ds, "/news/crawl_runs.json", _shape="objects").json()
    assert len(crawl_runs["rows"]) == runs
    assert set(crawl_runs["columns"]) >= {"status", "reason"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_only(ds: Any, archive_db: Path) -> None:
    before = _digest(archive_db)
    for q in QUERIES:
        table_json(ds, _search=q)
    refused = get(ds, "/news.json", sql="insert into crawl_runs(site, status) "
                  "values ('x', 'finished')")
    assert refused.status_code == 400
    # Datasette's own write connection (used by write plugins) is refused by our authorizer
    database = ds.get_database("news")
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        asyncio.run(database.execute_write(
            "insert into crawl_runs(site, status) values ('x', 'finished')"))
    post = asyncio.run(ds.client.post("/news/articles", data={"site": "x"}))
    assert post.status_code >= 400
    assert _digest(archive_db) == before


def test_other_databases_keep_datasettes_search(tmp_path: Path, archive_db: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, text TEXT)")
        conn.execute("CREATE VIRTUAL TABLE docs_fts USING fts5(text, content=\"docs\", "
                     "content_rowid='id')")
        conn.execute("INSERT INTO docs(text) VALUES ('kadına'), ('kadina')")
        conn.execute("INSERT INTO docs_fts(docs_fts) VALUES ('rebuild')")
    datasette = make_datasette([str(archive_db), str(other)])
    response = get(datasette, "/other/docs.json", _search="kadına", _shape="objects")
    assert [row["id"] for row in response.json()["rows"]] == [1]  # Datasette's own, unfolded
    assert "tables" not in (get(datasette, "/-/metadata.json").json()["databases"]
                            .get("other", {}))


# --- newscrawler serve ---------------------------------------------------------------------


@pytest.fixture()
def served(archive_db: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``newscrawler serve`` on a free 127.0.0.1 port: the articles URL and the process."""
    with serving(archive_db) as running:
        yield running


def test_serve_answers_over_http(served: tuple[str, subprocess.Popen[str]],
                                 archive_db: Path) -> None:
    url, proc = served
    assert url.startswith("http://127.0.0.1:") and url.endswith("/news/articles")
    before = _digest(archive_db)
    for q in QUERIES:
        query = urllib.parse.urlencode({"_search": q, "_shape": "objects", "_size": "max"})
        with urllib.request.urlopen(f"{url}.json?{query}", timeout=30) as response:
            data = json.load(response)
        assert sorted(row["id"] for row in data["rows"]) == sorted(cli_ids(archive_db, q))
        assert data["filtered_table_rows_count"] == cli_count(archive_db, q)
    assert _digest(archive_db) == before
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr


def test_serve_port_taken_is_one_line(archive_db: Path) -> None:
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_cli("serve", "--db", str(archive_db), "--port", str(port), timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot serve on 127.0.0.1:{port} (Address already in use); pass --port "
        "with a free port, or --port 0 to pick one"]


def test_serve_warns_off_loopback(archive_db: Path) -> None:
    # The port is held on 127.0.0.1, so binding every address fails after the warning:
    # the test never listens beyond loopback.
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_cli("serve", "--db", str(archive_db), "--host", "0.0.0.0",
                         "--port", str(port), timeout=60)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("warning: serving on 0.0.0.0 lets anyone")
    assert "--host 127.0.0.1" in lines[0]
    assert result.returncode == 1 and len(lines) == 2


def test_serve_loopback_has_no_warning(served: tuple[str, subprocess.Popen[str]]) -> None:
    _url, proc = served
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)  # stderr read meanwhile: a full pipe never blocks
    assert proc.returncode == 0, stderr
    assert "warning" not in stderr


@pytest.mark.parametrize(("make", "code", "message"), [
    (None, 1, "does not exist; crawl or import into it first"),
    (b"", 1, "is empty; crawl or import into it first"),
    (b"not a database at all" * 100, 74, "is not a newscrawler archive or is damaged"),
    ("foreign", 74, "is not a newscrawler archive: a SQLite database of another application"),
])
def test_serve_refuses_what_is_not_an_archive(tmp_path: Path, make: Any, code: int,
                                              message: str) -> None:
    db = tmp_path / "x.db"
    if isinstance(make, bytes):
        db.write_bytes(make)
    elif make == "foreign":
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE users (name TEXT)")
    result = run_cli("serve", "--db", str(db), "--port", "0", timeout=60)
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_serve_unknown_host_is_usage_error(archive_db: Path) -> None:
    result = run_cli("serve", "--db", str(archive_db), "--host", "no-such-host.invalid",
                     timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error: cannot serve on 'no-such-host.invalid': not a host name or address of this "
        "machine; pass --host 127.0.0.1"]


def test_search_drops_lookalikes_as_the_cli_does(tmp_path: Path) -> None:
    from archive import Archive

    texts = {
        "su": ("Su kesintisi", "Mahallede suyu kesildi, suyla ilgili açıklama yapılacak."),
        "şu": ("Açıklama", "Belediye şu an çalışıyor, şu sokakta yol yapılıyor."),
        "çin": ("Çin'de büyüme", "Çin ekonomisi bu ay büyüdü."),
        "cin": ("Röportaj", "Ahmet Cin konuştu, cin fikirli bir öğrenciymiş."),
        "şiş": ("Kebap", "Şişi ateşe koydu, şiş kebap hazırlandı."),
        "sis": ("Hava durumu", "İstanbul'da sis etkili oldu, sisli hava sürüyor."),
    }
    with Archive(tmp_path / "news.db") as store:
        store.save_articles([{"url": f"https://ornek.test/{k}", "site": "ornek", "title": t,
                              "body": b} for k, (t, b) in texts.items()])
    datasette = make_datasette([str(tmp_path / "news.db")])
    asyncio.run(datasette.invoke_startup())
    for q, expected in [("su", {"su"}), ("şu", {"şu"}), ("Çin", {"çin"}), ("CIN", {"çin"}),
                        ("şiş", {"şiş"}), ("ŞİŞ", {"şiş"}), ("sis", {"şiş", "sis"})]:
        rows = table_json(datasette, _search=q)["rows"]
        assert {row["url"].rsplit("/", 1)[1] for row in rows} == expected, q
        assert len(rows) == cli_count(tmp_path / "news.db", q)
        # The README's SQL recipes count and list what the CLI does.
        counted = get(datasette, "/news.json", _shape="array", sql=(
            "select count(*) as n from articles where id in (select rowid from articles_fts "
            "where articles_fts match newscrawler_match(:q)) and newscrawler_agrees(:q, "
            "title, body)"), q=q).json()
        listed = get(datasette, "/news.json", _shape="array", sql=(
            "select a.id from json_each(newscrawler_search(:q)) as hit join articles a on "
            "a.id = hit.value order by hit.key"), q=q).json()
        assert counted == [{"n": len(rows)}], q
        assert [r["id"] for r in listed] == cli_ids(tmp_path / "news.db", q), q
