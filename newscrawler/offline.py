"""The pipeline chain without a crawler: saved pages and text dumps to article items.

``newscrawler extract`` and ``newscrawler import`` run exactly the steps the item
pipelines run during a crawl (clean, split, dates), through the same functions.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from newscrawler.extract.blocks import Block
from newscrawler.extract.page import extract_page
from newscrawler.items import ArticleItem
from newscrawler.pipelines.clean import clean_item
from newscrawler.pipelines.dates import date_item
from newscrawler.pipelines.split import split_item
from newscrawler.pipelines.template import template_item
from newscrawler.profiles import SiteProfile
from newscrawler.text.clean import clean_text
from newscrawler.text.dates import DateCandidate
from newscrawler.text.encoding import bom_codec, decode_html
from newscrawler.text.split import split_text_dump
from newscrawler.text.templates import TemplateBook
from newscrawler.urls import canonical_url

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
TEXT_SUFFIXES = (".txt", ".txt.gz")

#: The most bytes one saved page may have, read or inflated from ``.gz``: 32 MiB, far above
#: any news page (a gzip bomb inflating past it is refused, not unpacked into memory).
MAX_FILE_BYTES = 32 * 1024 * 1024
#: Bytes looked at to tell a binary file from text.
SNIFF_BYTES = 64 * 1024
#: Share of control bytes (not tab, newline, carriage return, form feed, escape) above
#: which a file is binary.
MAX_CONTROL_SHARE = 0.05

# Signatures of common binary formats, whatever the file is named.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "gzip data (compressed twice?)"),
    (b"BZh91AY&SY", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"OggS\x00", "an Ogg media file"),
    (b"ID3\x03", "an MP3 file"),
    (b"ID3\x04", "an MP3 file"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"


class UnreadableFileError(ValueError):
    """A file that is not a page: too large once inflated, damaged gzip, or binary."""


def binary_kind(data: bytes) -> str | None:
    """What a binary file is (by signature, NUL or control bytes), or None for text.

    >>> binary_kind("<html><p>Çiğ köfte</p>".encode("cp1254")) is None
    True
    >>> binary_kind(b"%PDF-1.7 ...")
    'a PDF document'
    >>> binary_kind(b"abc\\x00def")
    'NUL bytes'
    >>> binary_kind("<p>Çiğ</p>".encode("utf-32")), binary_kind(b"\\xff\\xfe\\x01\\x00\\x00\\x00")
    (None, 'NUL bytes')
    """
    bom = bom_codec(data)
    if bom is not None:
        # UTF-16/32 text has NUL bytes: it is judged by the characters its BOM reads.
        name, size = bom
        text = data[size : size + SNIFF_BYTES].decode(name, errors="replace")
        sample = text.encode("utf-8", errors="replace")
    else:
        for magic, kind in MAGIC:
            if data.startswith(magic):
                return kind
        sample = data[:SNIFF_BYTES]
    if b"\x00" in sample:
        return "NUL bytes"
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if sample and controls / len(sample) > MAX_CONTROL_SHARE:
        return f"{controls / len(sample):.0%} control bytes"
    return None


#: A page's address as it declares it: ``<link rel="canonical">`` or ``og:url`` (either
#: attribute order), looked for in its head.
_DECLARED_URL = re.compile(
    r"""<link\b[^>]*?\brel\s*=\s*["']?canonical\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)"""
    r"""|<link\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)[^>]*?\brel\s*=\s*["']?canonical\b"""
    r"""|<meta\b[^>]*?\bproperty\s*=\s*["']?og:url["']?[^>]*?\bcontent\s*=\s*["']?"""
    r"""([^"'\s>]+)""",
    re.I)
#: Characters of a page searched for its declared address (its head, usually).
HEAD_CHARS = 64 * 1024


def declared_url(text: str) -> str | None:
    """The http(s) address a saved page declares for itself (canonical link, og:url).

    >>> declared_url('<head><link href="https://www.hibya.com/a-12" rel="canonical">')
    'https://www.hibya.com/a-12'
    >>> declared_url("<meta property='og:url' content='https://x.example/b-3'>")
    'https://x.example/b-3'
    >>> declared_url('<link rel="canonical" href="/a-12">') is None
    True
    """
    for m in _DECLARED_URL.finditer(text, 0, HEAD_CHARS):
        found = next(g for g in m.groups() if g)
        if found.lower().startswith(("http://", "https://")):
            return found
    return None


def looks_like_html_file(path: Path) -> bool:
    """Whether a file of another name holds an HTML page (a wget mirror's
    ``detay.php?id=12``), by its first bytes."""
    try:
        with path.open("rb") as fh:
            head = fh.read(2048)
    except OSError:
        return False
    if binary_kind(head) is not None:
        return False
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in head.lower()


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, gunzipped when it ends in ``.gz``, never more than ``limit``.

    Raises UnreadableFileError for a file (or its inflated content) over ``limit`` and for
    damaged gzip data.
    """
    if not path.name.lower().endswith(".gz"):
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise UnreadableFileError(f"larger than {limit // 2**20} MiB; not a saved page")
        return data
    try:
        with gzip.open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise UnreadableFileError(f"damaged gzip data ({exc})") from None
    if len(data) > limit:
        raise UnreadableFileError(
            f"inflates to more than {limit // 2**20} MiB (a gzip bomb?); not unpacked")
    return data


def article_from_html(body: bytes, url: str, *, site: str, fetched_at: datetime,
                      profile: SiteProfile | None = None,
                      credit_lines: Sequence[str] = (), templates: TemplateBook | None = None,
                      learn: bool = False,
                      profile_for: Callable[[str], SiteProfile | None] | None = None,
                      ) -> ArticleItem:
    """Decode, extract, clean, split, drop boxes and template lines, and date one saved
    HTML page (``learn``: count its lines in ``templates`` first, as a crawl does).

    ``profile_for``: without ``profile``, the profile of the page's site by its address
    (the one ``import`` files it under), so that it is extracted as its site's crawl and
    ``reextract`` extract it.
    """
    text, encoding = decode_html(body, None)
    if profile is None and profile_for is not None:
        declared = declared_url(text)
        profile = profile_for(declared) if declared else None
    # A saved page without --url: its links resolve against its canonical http(s) address.
    ex = extract_page(text, url, profile, follow_canonical=True)
    if profile is None and profile_for is not None:
        home = profile_for(ex.canonical_url or ex.url)
        if home is not None:  # its address was not found ahead: extract it again as its site
            profile = home
            ex = extract_page(text, url, profile, follow_canonical=True)
    url = ex.url
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
    template_item(item, templates, learn=learn)
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
    choice = date_item(item)
    if choice.published is None and choice.updated is not None:
        # "Güncelleme: 16.11.2025 15:05" alone under the title is still the dump's date
        item.published_at, item.date_precision = item.updated_at, choice.updated.precision
        item.date_source, item.date_raw = choice.updated.source, choice.updated.raw
    return item


def article_from_file(path: Path, *, url: str | None, site: str, fetched_at: datetime,
                      profile: SiteProfile | None = None,
                      credit_lines: Sequence[str] = (),
                      profile_for: Callable[[str], SiteProfile | None] | None = None,
                      ) -> ArticleItem:
    """An article item from a saved ``.html``/``.htm`` page or a ``.txt`` dump (maybe gzipped).

    Raises UnreadableFileError for a binary file (whatever its name), a file over
    ``MAX_FILE_BYTES`` or a ``.gz`` that inflates past it; OSError when it cannot be read.
    """
    name = path.name.lower()
    data = read_bytes(path)
    kind = binary_kind(data)
    if kind is not None:
        raise UnreadableFileError(f"binary content ({kind}), not a page")
    page_url = url or path.resolve().as_uri()
    if name.endswith(TEXT_SUFFIXES):
        text, _ = decode_html(data, None)
        return article_from_text(text, page_url, site=site, fetched_at=fetched_at,
                                 credit_lines=credit_lines)
    return article_from_html(data, page_url, site=site, fetched_at=fetched_at,
                             profile=profile, credit_lines=credit_lines,
                             profile_for=profile_for)
