"""`export` writes byte for byte what it wrote before its CSV of articles went through one SQL
statement: expected files in tests/fixtures/export_golden/ were written by the export of
main before that change, on an archive of odd values (NULLs, short flags, headlines with
quotes and control characters, repeated places, dates in every shape, tags stored by other
tools).

Regenerate (only when the export is meant to change): ``python -m tests.test_export_golden``.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from archive import Archive
from archive.export import article_records, iter_articles, write_csv, write_csv_rows
from archive.export.tables import ARTICLE_COLUMNS
from archive.export.writers import excel_cell
from tests.conftest import FIXTURES, run_cli

GOLDEN = FIXTURES / "export_golden"

#: Name of the expected file -> the ``export`` options that write it.
CASES: dict[str, list[str]] = {
    "articles.csv": [],
    "excel.csv": ["--excel"],
    "tab.csv": ["--delimiter", "tab"],
    "no_short.csv": ["--no-short"],
    "place.csv": ["--place", "izmir"],
    "since_until.csv": ["--since", "2025-11-01", "--until", "2025-11-30"],
    "site.csv": ["--site", "ege"],
    "author.csv": ["--author", "ayse yilmaz"],
    "category.csv": ["--category", "gundem"],
    "query.csv": ["--query", "festival OR paragraf"],
    "query_none.csv": ["--query", ")("],
    "columns.csv": ["--columns", "provinces,headlines,id,published_at_utc,tags"],
    "one_column.csv": ["--columns", "author"],
    "story_only.csv": ["--columns", "story_id"],
    "headline_count.csv": ["--columns", "headline_count,updated_date,updated_at,updated_at_utc"],
    "headlines_table.csv": ["--table", "headlines"],
    "places_table.csv": ["--table", "places"],
    "articles.jsonl": ["--format", "jsonl"],
    "no_short_place_excel.csv": ["--no-short", "--place", "izmir", "--excel"],
}

#: Dates in every shape the export has to turn into day / local time / UTC.
DATES = [
    None, "", "2025-11-16", "2025-11-16T10:05:00+03:00", "2025-11-16T01:05:00+03:00",
    "2025-11-16T23:30:00-05:00", "2025-11-16T10:05:30.5+03:00", "2025-11-16 10:05:00+03:00",
    "2025-11-16T10:05:00Z", "2025-11-16T10:05:00-00:00", "2025-11-16T10:05:00+00:00",
    "2025-11-16T10:05:00", "2025-11-16T10:05+03:00", "dün", "2025-02-30",
    "2025-02-30T10:00:00+03:00", "2024-02-29T10:00:00+03:00", "20251116T100500+0300",
    "2025-13-01T10:00:00+03:00", "2025-11-16T24:00:00+03:00", "2025-11-16T10:60:00+03:00",
    "2025-11-16T10:05:60+03:00", "2025-11-16T10:05:00+05:30", "2025-11-16T10:05:00+23:59",
    "1000-01-01T01:00:00+03:00", "0999-12-31", "0000-01-01", "2025-1-5", "2025-11-16Tfoo",
    "2025-11-16T10:05:00+03:00 ", "2025-11-16T10:05:00.123456+03:00",
]  # fmt: skip

#: ``articles.tags`` as this store writes them and as other tools might have.
TAGS = [
    None, "[]", '["kadın", "İzmir"]', '["a","b"]', '["\\u0130zmir"]', '[1, "a", null]',
    '["tırnak \\" ve, virgül", "satır\\nsonu"]', '["x\\u0001y"]', "[ ]", '["tek"]',
]  # fmt: skip


def build(path: Path) -> None:
    """The fixture archive: 40 articles of odd values, fixed hashes, stories and times."""
    with Archive(path) as archive:
        records: list[dict[str, Any]] = []
        for i in range(40):
            record: dict[str, Any] = {
                "url": f"https://{'ege' if i % 3 else 'hibya'}.example/{i}",
                "site": "ege" if i % 3 else "hibya",
                "title": [f"Işık festivali {i}", f'=1+{i} "tırnak", virgül',
                          f"Satır\nsonu {i}", f"Başlık {i} ;"][i % 4],
                "body": [f"Birinci paragraf {i}.\nİkinci paragraf, virgüllü.",
                         f"Şehri ışıklar süsledi {i}. \"Alıntı\"\r\nSon.",
                         f"Kısa {i}", f"Sekme\there {i}; noktalı virgül " + "ş" * 300][i % 4],
                "published_at": "2025-11-16",
                "fetched_at": "2025-11-16T12:00:00+03:00",
                "author": [None, "Ayşe Yılmaz", "AYŞE YILMAZ", "Mehmet"][i % 4],
                "category": [None, "Gündem", "Spor"][i % 3],
                "credit": None if i % 2 else "Hibya Haber Ajansı",
                "language": None if i % 5 == 0 else "tr",
                "flags": [[], ["short"], ["short", "paywall"], ["paywall"]][i % 4],
            }
            if i % 5 != 4:
                record["headlines"] = [
                    {"position": k + 1,
                     "title": [f"Ankara’da öğrenciler {k}", 'Tırnak " ve \\ ters',
                               "Kontrol \x01\x1f karakter\tsekme\nsatır", "=SUM(A1)"][k % 4],
                     "url": None if k % 3 == 2 else f"https://hibya.example/{i}-{k}"}
                    for k in range(i % 6)]
            if i % 4 != 3:
                record["places"] = [
                    {"province": p, "district": d, "found_in": f}
                    for p, d, f in [("İzmir", "Bornova", "title"), ("Manisa", None, "body"),
                                    ("İzmir", "Karşıyaka", "body"), ("Iğdır", None, "dateline"),
                                    ("Manisa", "Akhisar", "body")][: i % 6]]
            records.append(record)
        archive.save_articles(records)
        conn = archive.conn
        for article_id in range(1, 41):
            k = article_id - 1
            conn.execute(
                "UPDATE articles SET published_at = ?, updated_at = ?, fetched_at = ?, "
                "first_seen_at = ?, last_seen_at = ?, tags = ?, content_hash = ?, "
                "story_id = ?, date_precision = ?, date_source = ?, date_raw = ?, "
                "revision = ? WHERE id = ?",
                (DATES[k % len(DATES)], DATES[(k * 7 + 3) % len(DATES)],
                 DATES[(k * 3 + 3) % len(DATES)], DATES[(k * 5 + 3) % len(DATES)],
                 "2025-11-16T12:00:00+03:00", TAGS[k % len(TAGS)], f"hash-{k:03d}",
                 None if k % 7 == 0 else 100 + k // 2, [None, "day", "minute"][k % 3],
                 [None, "json-ld", "byline"][k % 3], [None, "16 Kasım 2025", "dün 10:05"][k % 3],
                 1 + k % 3, article_id))
        conn.commit()


@pytest.fixture(scope="module")
def golden_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("golden") / "news.db"
    build(db)
    return db


def export(db: Path, options: list[str], output: Path) -> bytes:
    """What ``export`` writes to ``output`` with ``options``."""
    result = run_cli("export", "--db", str(db), *options, "-o", str(output))
    assert result.returncode == 0, result.stderr
    return output.read_bytes()


@pytest.mark.parametrize("name", sorted(CASES))
def test_export_is_byte_identical_to_before(golden_db: Path, tmp_path: Path, name: str) -> None:
    expected = (GOLDEN / name).read_bytes()
    assert export(golden_db, CASES[name], tmp_path / name) == expected


def test_fast_csv_is_the_record_path(golden_db: Path, tmp_path: Path) -> None:
    """The CSV of articles is what the record path (used by JSON Lines and xlsx) writes."""
    import io

    with Archive(golden_db) as archive:
        out = io.StringIO(newline="")
        write_csv(article_records(iter_articles(archive)), out, ARTICLE_COLUMNS)
    assert export(golden_db, [], tmp_path / "a.csv") == out.getvalue().encode("utf-8")


def main(folder: Path) -> None:
    """Write the expected files into ``folder`` with the export of this checkout."""
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "news.db"
        build(db)
        for name, options in CASES.items():
            export(db, options, folder / name)
            print(f"wrote {folder / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else GOLDEN)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", " ", "|", "a", "1", "-"])
@pytest.mark.parametrize("excel", [False, True])
def test_csv_rows_writer_is_csv_writer(delimiter: str, excel: bool) -> None:
    """``write_csv_rows`` quotes every value as ``csv.writer`` does, with any delimiter."""
    import csv
    import io

    values: list[Any] = [chr(c) for c in range(1, 0x80)] + [
        "", None, 0, -12, 1.5, b"x,y", "İzmir", "a\r\nb", 'say "hi"', " lead", "trail ",
        "\u2028", "tab\there", "a,b;c|d e-1", "\r", "\n", '"', "ş" * 50]  # fmt: skip
    rows = [values[i:i + 3] for i in range(0, len(values), 3)] + [[v, v, v] for v in values]
    rows += [[None, None, None], ["", "", ""]]
    ours, theirs = io.StringIO(newline=""), io.StringIO(newline="")
    write_csv_rows(rows, ours, ["a", "b c", 'd"e'], delimiter=delimiter, excel=excel)
    if excel:
        theirs.write("\ufeff")
    writer = csv.writer(theirs, delimiter=";" if excel else delimiter,
                        lineterminator="\r\n" if excel else "\n")
    if excel:  # Excel's cells: decimal commas, no formula (archive.export.writers.excel_cell)
        rows = [[excel_cell(v) for v in row] for row in rows]
    writer.writerows([["a", "b c", 'd"e'], *rows])
    assert ours.getvalue() == theirs.getvalue()


def test_sql_dates_are_the_python_dates() -> None:
    """Every date SQLite cuts or converts itself is what ``date_columns`` and ``utc`` give;
    others go to them (4,000 dates around the archive's shapes, valid or not)."""
    import random

    from archive.export.cells import _date_sql, _export_date, _utc_sql
    from archive.export.tables import date_columns, utc

    rng = random.Random(5)

    def two(top: int) -> str:
        return f"{rng.randint(0, top):02d}"

    values = []
    for _ in range(4000):
        year = rng.choice(["0000", "0001", "0999", "1000", "1001", "2024", "2025", "9998", "9999"])
        day = f"{year}-{two(13)}-{two(32)}"
        timed = f"{day}T{two(25)}:{two(61)}:{two(61)}{rng.choice('+-')}{two(24)}:{two(61)}"
        value = rng.choice([day, timed, timed, timed])
        if rng.random() < 0.2:  # one character replaced
            k = rng.randrange(len(value))
            value = value[:k] + rng.choice("0123456789-:T +Z.x") + value[k + 1:]
        values.append(value)
    conn = sqlite3.connect(":memory:")
    conn.create_function("export_date", 2, _export_date, deterministic=True)
    sql = (f"SELECT {_date_sql('v', 0)}, {_date_sql('v', 1)}, {_date_sql('v', 2)}, "
           f"{_utc_sql('v')} FROM (SELECT ? AS v)")
    checked = 0
    for value in values:
        try:
            cells = date_columns("p", value)
            expected = (cells["p_date"], cells["p_at"], cells["p_at_utc"], utc(value))
        except (OverflowError, ValueError):  # the record path fails on these as well
            continue
        assert conn.execute(sql, [value]).fetchone() == expected, value
        checked += 1
    assert checked > 3000


def test_tags_kept_as_stored_only_when_the_record_path_writes_the_same() -> None:
    import json
    import random

    from archive.export.cells import _export_tags
    from archive.export.writers import cell

    rng = random.Random(3)
    words = ["kadın", "İzmir", 'tır"nak', "ters\\bölü", "a, b", "", "x\ty", "\u2028", "1", "😀"]
    values: list[str | None] = [None, "", "[]", "null", '{"a": "b"}', '"abc"', '[["a"]]']
    for _ in range(500):
        tags: list[Any] = rng.sample(words, rng.randint(0, 4))
        if rng.random() < 0.2:
            tags.append(rng.choice([1, None, 2.5, True]))
        separators = rng.choice([(", ", ": "), (",", ":"), (" , ", ":")])
        values.append(json.dumps(tags, ensure_ascii=rng.random() < 0.3, separators=separators))
    for value in values:
        expected = cell([str(t) for t in (json.loads(value) if value else []) or []])
        assert _export_tags(value) == expected, value
