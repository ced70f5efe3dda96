"""The look-alike check reads the texts once per search: ``count`` then ``search`` (the
CLI) share its answer while the archive is unchanged, and a write makes it check again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive import Archive, count, lookalike, search, spellings


def _article(key: str, body: str) -> dict[str, str]:
    return {"url": f"https://ornek.test/{key}", "site": "ornek", "title": "Haber", "body": body}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows each call of ``lookalike.rejects`` was given (with the check reading
    the texts: ``archive.spellings`` answers these queries without reading them)."""
    monkeypatch.setattr(spellings, "USE_TABLE", False)
    calls: list[int] = []
    real = lookalike.rejects

    def counting(rows: Any, found: Any) -> list[int]:
        calls.append(len(rows))
        return real(rows, found)

    monkeypatch.setattr(lookalike, "rejects", counting)
    return calls


def _archive(path: Path) -> Archive:
    archive = Archive(path)
    archive.save_articles([
        _article("su", "Mahallede suyu kesildi."),
        _article("şu", "Belediye şu an çalışıyor."),
    ])
    return archive


def test_count_then_search_check_the_texts_once(tmp_path: Path, reads: list[int]) -> None:
    with _archive(tmp_path / "a.db") as archive:
        assert count(archive, "su") == 1
        assert [h["url"] for h in search(archive, "su")] == ["https://ornek.test/su"]
        assert len(reads) == 1


def test_another_query_or_filter_checks_again(tmp_path: Path, reads: list[int]) -> None:
    with _archive(tmp_path / "a.db") as archive:
        assert count(archive, "su") == 1
        assert count(archive, "şu") == 1
        assert count(archive, "su", site="başka") == 0
        assert count(archive, "su") == 1
        assert len(reads) == 3  # the site filter matches nothing: no text to read


def test_a_write_of_this_connection_checks_again(tmp_path: Path, reads: list[int]) -> None:
    with _archive(tmp_path / "a.db") as archive:
        assert count(archive, "su") == 1
        archive.save_articles([_article("su2", "Şehre su verildi, şu an sorun yok.")])
        assert count(archive, "su") == 2
        archive.conn.execute("UPDATE articles SET body = 'Şu an yok.' WHERE url LIKE '%su2'")
        assert count(archive, "su") == 1
        assert len(reads) == 3


def test_a_write_of_another_connection_checks_again(tmp_path: Path, reads: list[int]) -> None:
    with _archive(tmp_path / "a.db") as archive:
        assert count(archive, "su") == 1
        with Archive(tmp_path / "a.db") as writer:
            writer.save_articles([_article("su2", "Şehre su verildi.")])
        assert count(archive, "su") == 2
        assert len(reads) == 2


def test_another_archive_checks_again(tmp_path: Path, reads: list[int]) -> None:
    with _archive(tmp_path / "a.db") as first:
        assert count(first, "su") == 1
    with Archive(tmp_path / "b.db") as second:
        second.save_articles([_article("şu", "Belediye şu an çalışıyor.")])
        assert count(second, "su") == 0
    assert len(reads) == 2
