"""The pipeline chain without a crawler: saved pages and text dumps to article items.

``newscrawler extract`` and ``newscrawler import`` run exactly the steps the item
pipelines run during a crawl (clean, split, dates), through the same functions.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from newscrawler.extract.blocks import Block
from newscrawler.extract.page import extract_page
from newscrawler.items import ArticleItem
from newscrawler.pipelines.clean import clean_item
from newscrawler.pipelines.dates import date_item
from newscrawler.pipelines.split import split_item
from newscrawler.profiles import SiteProfile
from newscrawler.text.clean import clean_text
from newscrawler.text.dates import DateCandidate
from newscrawler.text.encoding import decode_html
from newscrawler.text.split import split_text_dump
from newscrawler.urls import canonical_url

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
TEXT_SUFFIXES = (".txt", ".txt.gz")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it ends in ``.gz``."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def article_from_html(body: bytes, url: str, *, site: str, fetched_at: datetime,
                      profile: SiteProfile | None = None,
                      credit_lines: Sequence[str] = ()) -> ArticleItem:
    """Decode, extract, clean, split and date one saved HTML page."""
    text, encoding = decode_html(body, None)
    ex = extract_page(text, url, profile)
    if url.startswith("file:") and (ex.canonical_url or "").startswith(("http:", "https:")):
        # A saved page without --url: its links resolve against the page's own address.
        assert ex.canonical_url is not None
        url = ex.canonical_url
        ex = extract_page(text, url, profile)
    item = ArticleItem(
        url=url, site=site, fetched_at=fetched_at.isoformat(),
        canonical_url=canonical_url(ex.canonical_url or url), encoding=encoding,
        raw_html=body, is_article=ex.is_article, reason=ex.reason, title=ex.title,
        author=ex.author, category=ex.category, tags=list(ex.tags),
        description=ex.description, language=ex.language or "tr", blocks=list(ex.blocks),
        date_candidates=list(ex.date_candidates),
    )
    clean_item(item)
    split_item(item, (*(profile.credit if profile else ()), *credit_lines))
    date_item(item)
    return item


def article_from_text(text: str, url: str, *, site: str, fetched_at: datetime,
                      credit_lines: Sequence[str] = ()) -> ArticleItem:
    """Split, clean and date a plain-text dump: title, date line, body, credit, headlines."""
    dump = split_text_dump(text, credit_lines)
    item = ArticleItem(
        url=url, site=site, fetched_at=fetched_at.isoformat(), canonical_url=url,
        title=dump.title, language="tr",
        blocks=[Block("p", p) for p in dump.split.paragraphs],
        date_candidates=[DateCandidate("text", dump.date_raw)] if dump.date_raw else [],
    )
    clean_item(item)
    item.paragraphs = [b.text for b in item.blocks]
    item.body = "\n\n".join(item.paragraphs)
    item.credit = clean_text(dump.split.credit) if dump.split.credit else None
    item.headlines = [
        {"position": h.position, "title": clean_text(h.title), "url": h.url}
        for h in dump.split.headlines
    ]
    date_item(item)
    return item


def article_from_file(path: Path, *, url: str | None, site: str, fetched_at: datetime,
                      profile: SiteProfile | None = None,
                      credit_lines: Sequence[str] = ()) -> ArticleItem:
    """An article item from a saved ``.html``/``.htm`` page or a ``.txt`` dump (maybe gzipped)."""
    name = path.name.lower()
    data = read_bytes(path)
    page_url = url or path.resolve().as_uri()
    if name.endswith(TEXT_SUFFIXES):
        text, _ = decode_html(data, None)
        return article_from_text(text, page_url, site=site, fetched_at=fetched_at,
                                 credit_lines=credit_lines)
    return article_from_html(data, page_url, site=site, fetched_at=fetched_at,
                             profile=profile, credit_lines=credit_lines)
