"""TemplatePipeline: call-to-action boxes and a site's learned template out of bodies."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from archive import Archive, ArchiveError
from archive.templates import load_site_templates, save_site_templates
from newscrawler.items import ArticleItem
from newscrawler.text.cta import is_cta
from newscrawler.text.templates import MAX_CHARS, LineKeys, TemplateBook, line_hash

if TYPE_CHECKING:  # the module imports no Scrapy: extraction workers run drop_cta
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def drop_cta(item: ArticleItem) -> int:
    """Drop the call-to-action lines from the item's body (in place); how many.

    Pure: an extraction worker runs it ahead (``Prepared.cta_dropped``).
    """
    paragraphs: list[str] = []
    cta = 0
    for paragraph in item.paragraphs:
        lines = [line for line in paragraph.split("\n") if not is_cta(line)]
        cta += paragraph.count("\n") + 1 - len(lines)
        if lines:
            paragraphs.append("\n".join(lines))
    if cta:
        item.paragraphs = paragraphs
        item.body = "\n\n".join(paragraphs)
    return cta


def prepared_lines(item: ArticleItem) -> tuple[int, LineKeys] | None:
    """(call-to-action lines dropped, the body lines' keys) when a worker did both ahead
    and the body is still the one it saw; else None."""
    prepared = item.prepared
    if (prepared is None or prepared.line_keys is None
            or not prepared.holds(item)):
        return None
    return prepared.cta_dropped, prepared.line_keys


def template_item(item: ArticleItem, book: TemplateBook | None, *,
                  learn: bool = True) -> tuple[int, int]:
    """Drop call-to-action lines and the book's template lines from the item's body (in
    place), counting its other lines in the book first when ``learn``; returns
    (call-to-action lines dropped, template lines dropped)."""
    ahead = prepared_lines(item)
    if ahead is None:
        cta, keys = drop_cta(item), None
    else:
        cta, keys = ahead
    paragraphs = item.paragraphs
    learned = 0
    if book is not None and learn:
        book.observe(item.canonical_url or item.url, paragraphs, keys)
    if book is not None:
        paragraphs, learned = book.strip(paragraphs, keys)
    if learned:
        item.paragraphs = paragraphs
        item.body = "\n\n".join(paragraphs)
    return cta, learned


class TemplatePipeline:
    """Keep the boxes every page of a site repeats out of its article bodies.

    Call-to-action lines (``newscrawler.text.cta``) go from the first page on; lines that
    recur on ``TEMPLATE_MIN_PAGES`` pages and ``TEMPLATE_MIN_SHARE`` of a site's pages
    (``newscrawler.text.templates``) go once learned. What earlier runs learned is loaded
    from ``ARCHIVE_DB`` (table ``site_templates``) when the spider opens and what this run
    counted is saved when it closes; without an archive the run learns in memory only.

    A site's first pages pass before its template is learned, and reach the archive with
    it. When the crawl closes (after the archive wrote its last batch), the articles this
    run archived whose bodies hold lines that are template by then are cleaned in place
    (``Archive.reclean_articles``: the same version, no revision), so a recrawl of an
    unchanged site finds them unchanged. Nothing is held back meanwhile: a crawl killed
    mid-way has archived every article it fetched, its first ones with the box (the next
    crawl saves them cleaned, as a revision).

    Settings: ``TEMPLATE_ENABLED``, ``TEMPLATE_MIN_PAGES``, ``TEMPLATE_MIN_SHARE``.
    Stats: ``template/items``, ``template/cta_dropped``, ``template/lines_dropped`` (learned
    lines dropped), ``template/learned`` (template lines known at the end),
    ``template/recleaned`` (archived articles cleaned in place at the end),
    ``template/error`` (the archive could not be read or written: learning stays in memory).
    """

    def __init__(self, crawler: Crawler, path: str | None, *, min_pages: int,
                 min_share: float, timeout: float, min_body_chars: int = 0) -> None:
        self.crawler = crawler
        #: ``VALIDATE_MIN_BODY_CHARS``: a body cleaned in place below it is flagged short
        self.min_body_chars = min_body_chars
        self.stats = crawler.stats
        self.path = path
        self.min_pages = min_pages
        self.min_share = min_share
        self.timeout = timeout
        self.books: dict[str, TemplateBook] = {}
        #: Per site, the articles this run archived: (canonical URL, the 8-byte hashes of
        #: its body lines joined: ~100 bytes an article where a set of hex strings took 500).
        #: Lines longer than ``MAX_CHARS`` are left out: they are never template, and
        #: ``TemplateBook.strip`` never drops them.
        self.archived: dict[str, list[tuple[str, bytes]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TemplatePipeline:
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        s = crawler.settings
        if not s.getbool("TEMPLATE_ENABLED", True):
            raise NotConfigured("TEMPLATE_ENABLED is off")
        pipeline = cls(crawler, s.get("ARCHIVE_DB") or None,
                       min_pages=max(1, s.getint("TEMPLATE_MIN_PAGES", 5)),
                       min_share=s.getfloat("TEMPLATE_MIN_SHARE", 0.25),
                       timeout=s.getfloat("ARCHIVE_TIMEOUT", 30.0),
                       min_body_chars=s.getint("VALIDATE_MIN_BODY_CHARS", 0))
        crawler.signals.connect(pipeline.item_scraped, signal=signals.item_scraped)
        return pipeline

    def book(self, site: str) -> TemplateBook:
        """The site's book: loaded from the archive the first time the site is seen."""
        book = self.books.get(site)
        if book is not None:
            return book
        book = TemplateBook(min_pages=self.min_pages, min_share=self.min_share)
        if self.path:
            try:
                with Archive(self.path, timeout=self.timeout) as store:
                    pages, lines = load_site_templates(store, site)
                book = TemplateBook.from_rows(pages, lines, min_pages=self.min_pages,
                                              min_share=self.min_share)
            except ArchiveError as exc:
                self._error(exc)
        self.books[site] = book
        return book

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        cta, learned = template_item(item, self.book(item.site))
        assert self.stats is not None
        self.stats.inc_value("template/items")
        if cta:
            self.stats.inc_value("template/cta_dropped", cta)
        if learned:
            self.stats.inc_value("template/lines_dropped", learned)
        return item

    def item_scraped(self, item: Any, **_: Any) -> None:
        """Remember an article every pipeline kept (the archive has it, or holds it)."""
        if isinstance(item, ArticleItem) and self.path:
            ahead = item.prepared.line_keys if item.prepared is not None else None
            keys = b"".join(bytes.fromhex(ahead[line][1] if ahead and line in ahead
                                          else line_hash(line))
                            for line in map(str.strip, item.body.split("\n"))
                            if line and len(line) <= MAX_CHARS)
            self.archived.setdefault(item.site, []).append(
                (item.canonical_url or item.url, keys))

    def close_spider(self) -> None:
        """Clean this run's archived articles of lines learned since they were saved, then
        save what each site's book counted (lines seen on two pages or more).

        Pipelines close in reverse order: the archive (a later pipeline) has written its
        last batch by now.
        """
        assert self.stats is not None
        self.stats.set_value("template/learned",
                             sum(len(b.templates()) for b in self.books.values()))
        if not self.path or not self.books:
            return
        try:
            with Archive(self.path, timeout=self.timeout) as store:
                recleaned = sum(self._reclean(store, site, book)
                                for site, book in self.books.items())
                if recleaned:
                    self.stats.inc_value("template/recleaned", recleaned)
                for site, book in self.books.items():
                    save_site_templates(store, site, book.site_pages, book.rows())
        except ArchiveError as exc:
            self._error(exc)

    def _reclean(self, store: Archive, site: str, book: TemplateBook) -> int:
        """Rewrite the site's articles of this run whose bodies hold template lines."""
        template = {bytes.fromhex(line_hash(t.text)) for t in book.templates()}
        urls = [url for url, keys in self.archived.get(site, ())
                if any(keys[i : i + 8] in template for i in range(0, len(keys), 8))]

        def clean(body: str) -> str:
            return "\n\n".join(book.strip(body.split("\n\n"))[0])

        if not urls:
            return 0
        return store.reclean_articles(urls, clean, short_below=self.min_body_chars)

    def _error(self, exc: ArchiveError) -> None:
        assert self.stats is not None
        self.stats.set_value("template/error", str(exc))
        logger.warning("site templates not loaded or saved: %s", exc)
