"""BlockPagePipeline: block, captcha and challenge pages never reach the archive.

A site that refuses a crawler often answers HTTP 200 with a small page ("Erişim
engellendi", "Access denied", a reCAPTCHA form, a "Just a moment..." challenge). Such a
page must never be archived, and above all never replace the text of an article archived
by an earlier run. The wordings and markers are data: ``newscrawler/text/data/
block_phrases.txt``.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import stringzilla

from archive.fold import fold
from newscrawler.extract.blocks import Block
from newscrawler.items import ArticleItem

if TYPE_CHECKING:  # the module imports no Scrapy: extraction workers run block_facts
    from scrapy.crawler import Crawler

SHORT_CHARS = 1500  # a page with less visible text than this may be a block page
MARKUP_SHORT_CHARS = 600  # a captcha widget marks a block page only on a page this short
SAME_BODY_URLS = 3  # the same short text at this many URLs is a block page
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", ": ", " :: ")
HEAD_BYTES = 65536  # the raw page's part searched for challenge markers
_TAGS = re.compile(rb"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)
#: ``bytes.lower``'s table: ASCII capitals to small letters, every other byte kept.
_ASCII_LOWER = bytes(range(256)).lower()
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.S | re.I)


@cache
def phrases() -> dict[str, tuple[str, ...]]:
    """The sections of ``block_phrases.txt``, each a tuple of folded phrases."""
    text = files("newscrawler.text").joinpath("data/block_phrases.txt").read_text("utf-8")
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        current.append(fold(line))
    return {name: tuple(items) for name, items in sections.items()}


@cache
def screens(markers: tuple[str, ...]) -> tuple[tuple[bytes | None, tuple[bytes, ...]], ...]:
    """The markers, encoded, in groups that share a piece of 6 bytes or more (the longest
    shared by most): a page without the piece has none of the group, so a large page is
    searched once for the piece instead of once for each of them (~0.05 ms a page).

    >>> screens(("cf-challenge", "challenge-form", "__cf_chl_"))
    ((b'challenge', (b'cf-challenge', b'challenge-form')), (None, (b'__cf_chl_',)))
    """
    left = [m.encode() for m in markers]
    found: list[tuple[bytes | None, tuple[bytes, ...]]] = []
    while left:
        pieces = {m[i:j] for m in left for i in range(len(m)) for j in range(i + 6, len(m) + 1)}
        best = max(sorted(pieces), key=lambda p: (sum(p in m for m in left), len(p)),
                   default=None)
        group = [m for m in left if best is not None and best in m]
        if len(group) < 2:
            found.extend((None, (m,)) for m in left)
            break
        found.append((best, tuple(group)))
        left = [m for m in left if m not in group]
    return tuple(found)


def lowered_head(html: bytes) -> bytes:
    """``html[:HEAD_BYTES].lower()``, by stringzilla's lookup-table transform (SIMD: ~4 µs
    for 64 KB where ``bytes.lower`` took ~20).

    >>> lowered_head(b"<DIV Class='CF-Challenge'>\\xc4\\xb0")
    b"<div class='cf-challenge'>\\xc4\\xb0"
    """
    end = min(len(html), HEAD_BYTES)
    return stringzilla.translate(html, _ASCII_LOWER, end=end) if end else b""


def holds(haystack: bytes, needle: bytes) -> bool:
    """``needle in haystack``, by stringzilla's search (SIMD: ~2 µs for 64 KB where
    CPython's two-way search took ~20 a marker).

    >>> holds(b"a cf-challenge form", b"challenge"), holds(b"challeng", b"challenge")
    (True, False)
    """
    return stringzilla.find(haystack, needle) >= 0


def block_reason(title: str | None, text: str, html: bytes = b"",
                 folded: str | None = None) -> str | None:
    """Why this page is a block/captcha/challenge page, or None when it is not
    (``folded``: ``fold(text)`` when the caller has it).

    >>> block_reason("Erişim engellendi", "Güvenlik nedeniyle erişiminiz engellenmiştir.")
    'title'
    >>> block_reason("Twitter'a erişim engellendi", "Mahkeme kararıyla ... " * 200) is None
    True
    >>> block_reason(None, "Lütfen robot olmadığınızı doğrulayın.")
    'text'
    >>> block_reason("Just a moment...", "x" * 5000, b'<form class="cf-challenge">')
    'challenge'
    """
    lowered = lowered_head(html)
    sections = phrases()
    if any((screen is None or holds(lowered, screen)) and any(holds(lowered, m) for m in markers)
           for screen, markers in screens(sections.get("challenge", ()))):
        return "challenge"
    size = len(text)
    if size >= SHORT_CHARS:
        return None
    folded_title = fold(title or "").strip()
    for phrase in sections.get("title", ()):
        if folded_title == phrase or folded_title.startswith(
                tuple(phrase + sep for sep in _TITLE_SEPARATORS)):
            return "title"
    if folded is None:
        folded = fold(text)
    if any(phrase in folded for phrase in sections.get("text", ())):
        return "text"
    if size < MARKUP_SHORT_CHARS and any(m.encode() in lowered
                                         for m in sections.get("markup", ())):
        return "markup"
    return None


def page_text(item: ArticleItem) -> str:
    """The visible text of the page: its body, else its blocks, else its HTML without tags."""
    if item.body.strip():
        return item.body
    prepared = item.prepared
    blocks = (prepared.blocks_text if prepared is not None and prepared.blocks_text is not None
              else blocks_text(item.blocks))
    if blocks.strip():
        return blocks
    return html_text(item.raw_html or b"")


def blocks_text(blocks: list[Block]) -> str:
    """The blocks' text, joined (``page_text`` when the body is blank)."""
    return " ".join(b.text for b in blocks if b.text)


def html_text(html: bytes) -> str:
    """The visible text of (the first 64 kB of) an HTML page, tags removed."""
    raw = _TAGS.sub(b" ", html[:65536])
    return " ".join(raw.decode("utf-8", "replace").split())


def block_facts(item: ArticleItem) -> tuple[str, str | None, int | None]:
    """The page's text, the reason it is a block page (None: none found in the page
    alone) and, for a short text, its key for the same-text-at-many-URLs check."""
    text = page_text(item)
    folded = fold(text) if len(text) < SHORT_CHARS else None  # both checks read it
    return (text, block_reason(item.title, text, item.raw_html or b"", folded),
            short_text_key(text, folded))


def short_text_key(text: str, folded: str | None = None) -> int | None:
    """A 64-bit key of a short text (folded; ``folded``: ``fold(text)`` when the caller
    has it), None for a long or blank one."""
    if not text.strip() or len(text) >= SHORT_CHARS:
        return None
    if folded is None:
        folded = fold(text)
    return int.from_bytes(hashlib.blake2b(folded.encode(), digest_size=8).digest())


def html_block_reason(html: bytes) -> str | None:
    """:func:`block_reason` for a raw page that was not extracted (a feed, a listing).

    >>> html_block_reason(b"<html><title>Just a moment...</title><p>Checking...</p></html>")
    'title'
    >>> html_block_reason(b'<?xml version="1.0"?><rss><channel></channel></rss>') is None
    True
    """
    title = _TITLE.search(html[:65536])
    return block_reason(title.group(1).decode("utf-8", "replace") if title else None,
                        html_text(html), html)


class BlockPagePipeline:
    """Drop block, captcha and challenge pages; stop a crawl that meets mostly those.

    A page is a block page when its title is a block wording, its short text holds one,
    its raw HTML holds a challenge (or, on a very short page, a captcha widget), or the same
    short text was served for ``SAME_BODY_URLS`` different URLs (article-like pages only).
    Its raw HTML is discarded (it must never replace a good stored page). When at least
    ``BLOCK_CLOSE_PAGES`` of the last 20 article pages, and at least ``BLOCK_CLOSE_RATIO`` of
    them, were block pages, the spider is closed with the reason ``blocked``.

    Settings: ``BLOCK_CLOSE_PAGES`` (0: never close), ``BLOCK_CLOSE_RATIO``.
    Stats: ``block/pages``, ``block/pages/<why>`` (title, text, markup, challenge,
    same_body).

    The phrases are read and the challenge markers grouped when the spider opens, before
    the crawl's clock starts (~2 ms otherwise spent at the first page checked here).
    """

    WINDOW = 20

    def __init__(self, crawler: Crawler, close_pages: int, close_ratio: float) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.close_pages = close_pages
        self.close_ratio = close_ratio
        self.recent: deque[bool] = deque(maxlen=max(self.WINDOW, close_pages))
        #: 8-byte hash of a short text -> hashes of the first ``SAME_BODY_URLS`` URLs that
        #: served it (ints: ~150 bytes a page where hex strings and sets took ~400).
        self.bodies: dict[int, tuple[int, ...]] = {}
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockPagePipeline:
        s = crawler.settings
        return cls(crawler, s.getint("BLOCK_CLOSE_PAGES", 5), s.getfloat("BLOCK_CLOSE_RATIO", 0.8))

    def open_spider(self) -> None:
        """Read the phrases and group the challenge markers now (see the class)."""
        screens(phrases().get("challenge", ()))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        prepared = item.prepared
        if prepared is not None and prepared.block is not None and prepared.holds(item):
            text, why, key = prepared.block
        else:
            text, why, key = block_facts(item)
        why = why or self._same_body(item, text, key)
        self.recent.append(why is not None)
        if why is None:
            return item
        assert self.stats is not None
        self.stats.inc_value("block/pages")
        self.stats.inc_value(f"block/pages/{why}")
        item.raw_html = None  # never stored: it must not replace a good raw page
        self._maybe_close(item)
        from scrapy.exceptions import DropItem

        raise DropItem(f"block page ({why}: {(item.title or text)[:60]!r}): {item.url}",
                       log_level="INFO")

    def _same_body(self, item: ArticleItem, text: str, key: int | None) -> str | None:
        """'same_body' when this short text was served for several different URLs.

        Only pages that pass for articles count: a notice that is not article-like ("Bu
        haber yayından kaldırılmıştır.") is dropped by validation anyway, and is no block.
        """
        if not item.is_article or key is None:
            return None
        url = hash(item.url)
        urls = self.bodies.get(key, ())
        if url not in urls and len(urls) < SAME_BODY_URLS:
            urls = self.bodies[key] = (*urls, url)
        return "same_body" if len(urls) >= SAME_BODY_URLS else None

    def _maybe_close(self, item: ArticleItem) -> None:
        blocked = sum(self.recent)
        if (self.closing or not self.close_pages or blocked < self.close_pages
                or blocked < self.close_ratio * len(self.recent)):
            return
        self.closing = True
        spider = self.crawler.spider
        if spider is not None:
            spider.logger.warning(
                "%d of the last %d article pages were block/captcha pages (%r): the site "
                "is blocking the crawler; stopping", blocked, len(self.recent),
                (item.title or "")[:60])
        engine = self.crawler.engine
        if engine is not None:
            from scrapy.utils.defer import deferred_from_coro

            self._close = deferred_from_coro(engine.close_spider_async(reason="blocked"))
