"""Export: streaming rows with headlines, CSV (Excel-friendly) and JSON Lines round trips.

(Formats, tables, dates and options of the ``export`` command: tests/test_export_formats.py.)"""

from __future__ import annotations

import csv
import io
import json
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import Archive, iter_articles, write_csv, write_jsonl
from archive.export import ARTICLE_COLUMNS, article_records


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "news.db") as opened:
        opened.save_articles(
            [
                {
                    "url": "https://hibya.example/1",
                    "site": "hibya",
                    "title": 'İzmir\'de "kadına" şiddete hayır',
                    "body": "Birinci paragraf.\nİkinci paragraf, virgüllü.",
                    "published_at": "2025-11-16",
                    "tags": ["kadın", "İzmir"],
                    "fetched_at": "2025-11-16T12:00:00+03:00",
                    "headlines": [
                        {
                            "position": 1,
                            "title": "Ankara’da öğrenciler",
                            "url": "https://hibya.example/2",
                        },
                        {"position": 2, "title": "Kepez’de tarama", "url": None},
                    ],
                },
                {
                    "url": "https://ege.example/9",
                    "site": "ege",
                    "title": "Işık festivali",
                    "body": "Şehri ışıklar süsledi.",
                    "published_at": "2025-10-01T10:00:00+03:00",
                    "fetched_at": "2025-11-16T12:00:00+03:00",
                },
            ]
        )
        yield opened


def first_row(archive: Archive) -> dict[str, Any]:
    return {
        "id": 1,
        "url": "https://hibya.example/1",
        "site": "hibya",
        "title": 'İzmir\'de "kadına" şiddete hayır',
        "body": "Birinci paragraf.\nİkinci paragraf, virgüllü.",
        "published_at": "2025-11-16",
        "updated_at": None,
        "date_precision": None,
        "date_source": None,
        "date_raw": None,
        "author": None,
        "credit": None,
        "category": None,
        "tags": ["kadın", "İzmir"],
        "language": None,
        "fetched_at": "2025-11-16T12:00:00+03:00",
        "first_seen_at": "2025-11-16T12:00:00+03:00",
        "last_seen_at": "2025-11-16T12:00:00+03:00",
        "content_hash": archive.conn.execute(
            "SELECT content_hash FROM articles WHERE id = 1"
        ).fetchone()[0],
        "revision": 1,
        "flags": None,
        "places": [],
        "story_id": 1,
        "headlines": [
            {"position": 1, "title": "Ankara’da öğrenciler", "url": "https://hibya.example/2"},
            {"position": 2, "title": "Kepez’de tarama", "url": None},
        ],
    }


def test_iter_articles_streams_whole_rows(archive: Archive) -> None:
    rows = iter_articles(archive)
    assert isinstance(rows, types.GeneratorType)
    assert next(rows) == first_row(archive)
    second = next(rows)
    assert (second["id"], second["tags"], second["headlines"]) == (2, [], [])
    assert list(rows) == []


def test_iter_articles_filters(archive: Archive) -> None:
    assert [r["id"] for r in iter_articles(archive, query="ışık")] == [2]
    assert [r["id"] for r in iter_articles(archive, query="kadın")] == [1]
    assert [r["id"] for r in iter_articles(archive, site="ege")] == [2]
    assert [r["id"] for r in iter_articles(archive, since="2025-11-01")] == [1]
    assert [r["id"] for r in iter_articles(archive, until="2025-10-01")] == [2]
    assert list(iter_articles(archive, query='"')) == []


def first_record(archive: Archive) -> dict[str, Any]:
    """``first_row`` as the articles table exports it: dates split, text never null."""
    row = first_row(archive)
    return {
        **{k: "" if v is None else v for k, v in row.items()
           if k not in ("published_at", "updated_at", "places")},
        "published_date": "2025-11-16", "published_at": "", "published_at_utc": "",
        "updated_date": "", "updated_at": "", "updated_at_utc": "",
        "fetched_at": "2025-11-16T09:00:00Z", "first_seen_at": "2025-11-16T09:00:00Z",
        "last_seen_at": "2025-11-16T09:00:00Z", "headline_count": 2,
        "headlines": [{**h, "url": h["url"] or ""} for h in row["headlines"]],
        "provinces": [],
    }


def test_csv_round_trip(archive: Archive) -> None:
    out = io.StringIO(newline="")
    assert write_csv(article_records(iter_articles(archive)), out, ARTICLE_COLUMNS) == 2
    table = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert list(table[0]) == list(ARTICLE_COLUMNS)
    expected = first_record(archive)
    assert table[0] == {
        **{k: str(v) for k, v in expected.items()},
        "tags": '["kadın", "İzmir"]',  # lists: JSON text, as in the database and JSON Lines
        "headlines": json.dumps(expected["headlines"], ensure_ascii=False),
        "provinces": "[]",
    }
    assert json.loads(table[0]["headlines"]) == expected["headlines"]
    assert (table[1]["headline_count"], table[1]["headlines"], table[1]["tags"]) == (
        "0", "[]", "[]")
    assert (table[1]["published_date"], table[1]["published_at"],
            table[1]["published_at_utc"]) == (
        "2025-10-01", "2025-10-01T10:00:00+03:00", "2025-10-01T07:00:00Z")


def test_csv_for_excel_starts_with_a_bom(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        write_csv(article_records(iter_articles(archive)), fh, ARTICLE_COLUMNS, excel=True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid;url;")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        assert [r["title"] for r in csv.DictReader(fh, delimiter=";")] == [
            'İzmir\'de "kadına" şiddete hayır',
            "Işık festivali",
        ]


def test_jsonl_round_trip(archive: Archive) -> None:
    out = io.StringIO()
    assert write_jsonl(article_records(iter_articles(archive)), out, ARTICLE_COLUMNS) == 2
    lines = out.getvalue().splitlines()
    assert "İzmir" in lines[0]  # UTF-8 text, not \\u escapes
    assert json.loads(lines[0]) == first_record(archive)
    assert [json.loads(line)["id"] for line in lines] == [1, 2]


def test_writers_consume_rows_lazily(archive: Archive) -> None:
    written: list[int] = []

    class Spy(io.StringIO):
        def write(self, s: str) -> int:
            written.append(len(pulled))
            return super().write(s)

    pulled: list[int] = []

    def rows() -> Iterator[dict[str, Any]]:
        for row in iter_articles(archive):
            pulled.append(row["id"])
            yield row

    write_jsonl(article_records(rows()), Spy(), ARTICLE_COLUMNS)
    assert written == [1, 2]  # each line written before the next row was read
