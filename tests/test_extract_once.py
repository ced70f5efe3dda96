"""Each page is extracted once, whatever path it takes (issue 11, goal 4)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import newscrawler.extract.page as page_module
from newscrawler.offline import article_from_file, article_from_html

PAGES = Path(__file__).with_name("fixtures") / "pages"
CANONICAL = ("https://www.karadenizgundem.com/yerel/"
             "trabzonda-heyelan-riski-tasiyan-yamaclar-bosaltildi-41877.html")
FETCHED = datetime(2025, 11, 16, 12, 0, tzinfo=UTC)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The start of each document ``extract_page`` parsed (one entry per extraction)."""
    seen: list[str] = []
    original = page_module.parse_html

    def counting(html: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(html[:40])
        return original(html, *args, **kwargs)

    monkeypatch.setattr(page_module, "parse_html", counting)
    return seen


def test_saved_page_with_an_http_canonical_link_is_extracted_once(
        tmp_path: Path, parses: list[str]) -> None:
    saved = tmp_path / "saved.html"
    shutil.copy(PAGES / "haber_scripti.html", saved)
    item = article_from_file(saved, url=None, site="x", fetched_at=FETCHED)
    assert len(parses) == 1
    # ... and still read as fetched from its canonical address: links resolve against it.
    assert item.url == CANONICAL
    assert item.canonical_url == CANONICAL
    assert item.headlines
    assert all(h["url"].startswith("https://www.karadenizgundem.com/")
               for h in item.headlines)


def test_saved_page_without_canonical_keeps_its_file_url(
        tmp_path: Path, parses: list[str]) -> None:
    saved = tmp_path / "plain.html"
    html = (PAGES / "haber_scripti.html").read_text("utf-8")
    saved.write_text(html.replace('rel="canonical"', 'rel="alternate"'), "utf-8")
    item = article_from_file(saved, url=None, site="x", fetched_at=FETCHED)
    assert len(parses) == 1
    assert item.url == saved.resolve().as_uri()


def test_page_with_its_url_is_extracted_once_and_not_moved(parses: list[str]) -> None:
    body = (PAGES / "haber_scripti.html").read_bytes()
    url = "https://mirror.example/kopya-1.html"
    item = article_from_html(body, url, site="x", fetched_at=FETCHED)
    assert len(parses) == 1
    assert item.url == url
