"""The printed SELECT (archive.sqlquery) finds, in a plain SQLite client, what search finds."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import Archive, count, search
from archive.sqlquery import inline, match_expression, match_sql, quote

# (title, body, published_at, author, category, site)
ARTICLES = [
    ("KADINA ŞİDDETE HAYIR", "İzmir'de yüzlerce kişi yürüdü.", "2025-11-10", "Ayşe Işık",
     "Gündem", "hibya"),
    ("Kadına yönelik şiddetle mücadele", "Konak Belediyesinin desteğiyle panel düzenlendi.",
     "2025-11-11", "AYŞE IŞIK", "GÜNDEM", "hibya"),
    ("Kadina destek hattı kuruldu", "Vatandaşlar hattı aradı. İzmir", "2025-11-12", None,
     "gundem", "ege"),
    ("Kadın kooperatifi açıldı", "Kadınlar üretime katıldı.", "2025-10-13", "Mehmet Öz",
     "Ekonomi", "ege"),
    ("IŞIK FESTİVALİ BAŞLADI", "Şehri ışıklar süsledi.", "2024-11-14", "mehmet öz", "Kültür",
     "hibya"),
    ("Işık Mahallesi'nde yangın", "İtfaiye çocuğu kurtardı.", "2025-11-15", None, None,
     "hibya"),
    ("Sokakta isik yok", "Mahalle karanlikta kaldi. Belediye ekip gonderdi.", None, None,
     "Gündem", "ege"),
    ("Su kesintisi", "Buca Belediyesi: su kesintisi yaşanacak.", "2025-11-16T23:30:00+03:00",
     "Ali Can", "Gündem", "hibya"),
    ("Belediye su kesintisi duyurdu", "İzmir'de su kesintisi yarın.", "2025-11-17",
     "Ali Can", "Yerel", "ege"),
    ("Belediyeler toplandı", "Belediyelerin bütçesi görüşüldü. Kadına destek.", "2025-12-01",
     "Ali Can", "Yerel", "hibya"),
    ("Belediyecilik ödülü", "Belediyecilik alanında ödül verildi.", "2025-12-02", None,
     "Yerel", "ege"),
]

# (query, filters): the cases the printed SQL must agree with search and count on.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("kadına", {}),
    ("ışık", {}),
    ("IŞIK", {}),
    ("isik", {}),
    ('belediye "su kesintisi"', {}),
    ("belediye -izmir", {}),
    ("kadına -izmir -\"destek hattı\"", {}),
    ("belediye*", {}),
    ("kadın*", {}),
    ("title:belediye", {}),
    ("kadına OR ışık", {"site": "hibya"}),
    ("kadına", {"since": "2025-11", "until": "2025-11"}),
    ("ışık", {"since": "2025"}),
    ("belediye", {"until": "2025-11-16"}),
    ("kadına", {"author": "ayse isik"}),
    ("belediye OR kadın", {"category": "gündem"}),
    ("belediye", {"category": "YEREL", "site": "hibya", "since": "2025-12"}),
    ("İzmir'de", {}),
    ("it's; DROP TABLE articles; --", {}),
    ("( OR", {}),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("sqlquery") / "news.db"
    with Archive(path) as archive:
        archive.save_articles(
            {"url": f"https://haber.example/{n}", "site": site, "title": title, "body": body,
             "published_at": published, "author": author, "category": category}
            for n, (title, body, published, author, category, site) in enumerate(ARTICLES)
        )
    yield path


def found_ids(db: Path, q: str, **filters: Any) -> list[int]:
    with Archive(db) as archive:
        total = count(archive, q, **filters)
        ids = [hit["id"] for hit in search(archive, q, limit=1000, **filters)]
    assert len(ids) == total
    return ids


@pytest.mark.parametrize(("q", "filters"), CASES)
def test_inlined_sql_in_python_sqlite3_finds_what_search_finds(
    db: Path, q: str, filters: dict[str, Any]
) -> None:
    sql = inline(*match_sql(q, **filters))
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(sql).fetchall()
    finally:
        conn.close()
    assert sorted(r[0] for r in rows) == sorted(found_ids(db, q, **filters))
    assert [r[-1] for r in rows] == sorted(r[-1] for r in rows)  # bm25 order


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="no sqlite3 shell")
@pytest.mark.parametrize(("q", "filters"), CASES)
def test_inlined_sql_in_the_sqlite3_shell_finds_what_search_finds(
    db: Path, q: str, filters: dict[str, Any]
) -> None:
    sql = inline(*match_sql(q, **filters)) + ";\n"
    result = subprocess.run(["sqlite3", "-readonly", "-csv", str(db)], input=sql,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    shell_ids = [int(line.split(",", 1)[0]) for line in result.stdout.splitlines() if line]
    assert sorted(shell_ids) == sorted(found_ids(db, q, **filters))


def test_the_cases_find_something(db: Path) -> None:
    """The comparisons above are not all between empty sets."""
    assert found_ids(db, "kadına") and found_ids(db, "ışık")
    assert found_ids(db, "belediye -izmir") != found_ids(db, "belediye")
    assert found_ids(db, "kadına", author="AYŞE IŞIK") == found_ids(db, "kadına",
                                                                    author="ayse isik")
    assert len(found_ids(db, "kadına", author="ayse isik")) == 2


def test_parameters_are_placeholders_and_the_match_is_ours() -> None:
    sql, params = match_sql("kadına", site="x'y")
    assert "x'y" not in sql and params[1] == "x'y"
    assert params[0] == match_expression("kadına")
    assert '"kadinalar"' in params[0]  # inflected forms
    assert "bm25(articles_fts, 3.0, 1.0)" in sql


def test_a_query_of_nothing_selects_no_rows(db: Path) -> None:
    sql, params = match_sql("( OR -izmir")
    assert params == [] and sql.rstrip().endswith("WHERE 0")


def test_quote_and_inline_are_safe() -> None:
    assert quote("a'b") == "'a''b'"
    assert quote("a\0b") == "'a' || char(0) || 'b'"
    assert inline("SELECT ?, '?', \"?\" -- ?\n", ["x"]) == "SELECT 'x', '?', \"?\" -- ?\n"
    conn = sqlite3.connect(":memory:")
    for value in ["'; DROP TABLE t; --", "İzmir'de \"x\" ?", "a\0b", "", "\\'"]:
        assert conn.execute(inline("SELECT ?", [value])).fetchone()[0] == value
    with pytest.raises(ValueError):
        inline("SELECT ?, ?", ["x"])
    with pytest.raises(ValueError):
        inline("SELECT ?", ["x", "y"])


@pytest.mark.parametrize(("q", "filters"), [
    ("kadına", {"author": "ayse isik"}),
    (None, {"author": "ALİ CAN"}),
    (None, {"category": "gündem", "site": "ege"}),
    ("belediye", {"category": "yerel", "since": "2025-12"}),
])
def test_export_keeps_what_search_keeps(db: Path, q: str | None, filters: dict[str, Any]) -> None:
    """The author and category filters are shared with archive.export.iter_articles."""
    from archive import iter_articles
    from archive.fold import fold

    with Archive(db) as archive:
        exported = sorted(row["id"] for row in iter_articles(archive, query=q, **filters))
        if q is not None:
            expected = sorted(found_ids(db, q, **filters))
        else:  # by hand: the fixture's rows, folded in Python
            expected = [
                row["id"] for row in iter_articles(archive)
                if all(fold(row[key] or "") == fold(value) for key, value in filters.items())
            ]
    assert exported and exported == expected
