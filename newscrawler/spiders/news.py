"""The generic news spider: a site profile tells it where to look, it does the rest.

Discovery reads the profile's feeds (RSS/Atom), sitemaps (indexes, Google News
sitemaps, gzip) and listing pages (with pagination), and follows article links found on
article pages. Every link is put in canonical form and deduplicated before it becomes a
request. Article pages are decoded from bytes by our own rule (Turkish legacy pages lie
about their charset) and handed to the extractor; the item pipelines do the rest.

Spider arguments (``scrapy crawl hibya -a base_url=...``):

- ``base_url``: point the profile at another origin (the demo serves the sample site on a
  free loopback port).

Politeness: the profile's ``download_delay`` becomes ``DOWNLOAD_DELAY`` (unless set on the
command line); AutoThrottle is switched off for a loopback origin (127.0.0.0/8, ::1,
localhost: the sample and test sites) unless ``AUTOTHROTTLE_ENABLED`` is set explicitly.

Feeds and sitemaps are read leniently: a bare ``&`` in a link is escaped, and one cut
short (no end tag: the connection dropped, the site's generator died) gives the entries
before the cut, counted ``discovery/cut_short_feed`` / ``discovery/cut_short_sitemap``
and shown on the summary's ``discovery`` line with the unreadable ones
(``discovery/bad_feed``, ``discovery/bad_sitemap``).

Resume (``JOBDIR``): feeds, sitemaps and listings are requested with ``dont_filter`` so
every run reads them again; articles fetched before a kill are not fetched again, queued
ones are. A run that ends normally (``finished``, ``closespider_*``) clears the JOBDIR's
request queue and seen-requests file, so the next run with it is a full crawl again; one
killed so hard that its queue was not saved is found out by the next run, which then
crawls in full (``newscrawler.jobdir``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, date, datetime
from typing import Any

import scrapy
from lxml import etree
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from newscrawler.extract import headstart
from newscrawler.extract.articlelinks import SKIPPED, joined_canonical, page_scheme
from newscrawler.extract.page import Extracted
from newscrawler.extract.pool import ExtractionPool, Steps, extract_bytes, fetch_time
from newscrawler.extract.workercount import extract_workers
from newscrawler.items import ArticleItem
from newscrawler.jobdir import clear_jobdir
from newscrawler.malloc import fix_mmap_threshold
from newscrawler.pipelines.block import html_block_reason
from newscrawler.profiles import SiteProfile, get_profile
from newscrawler.schedpolicy import batch_scheduling
from newscrawler.signals import force_stop
from newscrawler.spiders.politeness import apply_politeness
from newscrawler.spiders.responses import (
    content_type,
    is_html,
    looks_binary,
    looks_html,
    too_large,
)
from newscrawler.text.dates import DateCandidate, parse_date
from newscrawler.text.encoding import charset_from_content_type, decode_html
from newscrawler.urls import canonical_url, same_site

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Feeds and sitemaps first: they carry the dates of the articles that listings also link.
PRIORITY = {"feed": 20, "sitemap": 10, "listing": 5, "article": 0}
# Discovery pages are read on every run, even when a JOBDIR remembers them.
REREAD = {"feed", "sitemap", "listing"}
# The pipelines whose steps extraction workers may run ahead (EXTRACT_WORKERS), and the
# item fields those steps set.
CLEAN_PIPELINE = "newscrawler.pipelines.clean.CleanTextPipeline"
SPLIT_PIPELINE = "newscrawler.pipelines.split.SplitHeadlinesPipeline"
PLACES_PIPELINE = "newscrawler.pipelines.places.PlacesPipeline"
TEMPLATE_PIPELINE = "newscrawler.pipelines.template.TemplatePipeline"
DATES_PIPELINE = "newscrawler.pipelines.dates.DatesPipeline"
BLOCK_PIPELINE = "newscrawler.pipelines.block.BlockPagePipeline"
DEDUPE_PIPELINE = "newscrawler.pipelines.dedupe.DedupePipeline"
ARCHIVE_PIPELINE = "newscrawler.pipelines.archive.ArchivePipeline"
# The pipelines (ITEM_PIPELINES' default) whose steps workers know: with another one in the
# list, workers only clean, split and tag places.
KNOWN_PIPELINES = frozenset({
    CLEAN_PIPELINE, SPLIT_PIPELINE, TEMPLATE_PIPELINE, PLACES_PIPELINE,
    DATES_PIPELINE, BLOCK_PIPELINE, "newscrawler.pipelines.validate.ValidatePipeline",
    DEDUPE_PIPELINE, ARCHIVE_PIPELINE})
#: EXTRACT_WORKER_STEPS' names: the steps workers may run ahead of the pipelines.
WORKER_STEPS = ("clean", "split", "places", "template", "block", "dates", "archive", "raw",
                "links")
PREPARED_FIELDS = ("title", "author", "category", "tags", "description", "blocks",
                   "paragraphs", "body", "credit", "headlines", "prepared")


class NewsSpider(scrapy.Spider):
    """Crawl one site described by a profile (``profile_name``)."""

    profile_name: str = ""

    def __init__(self, *args: Any, site: str | None = None, base_url: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._site_arg = site or self.profile_name
        self._base_url = base_url
        #: URLs requested (articles, listing pages) and article pages parsed, each kept as
        #: ``hash(url)``, the string's 64-bit hash, in a dict: a set of the strings took
        #: ~4 MB and ~2.4 MB at 20,000 pages, this ~1.3 MB each (docs/architecture.md, memory).
        self._seen: dict[int, None] = {}
        self._known: set[str] = set()
        self._parsed: dict[int, None] = {}
        self._dates: dict[str, list[DateCandidate]] = {}
        self.profile: SiteProfile
        self.allowed_domains: list[str] = []
        self.since: date | None = None
        self.follow_links = True
        self.max_listing_pages = 20
        self.sitemap_maxsize = 50 * 1024 * 1024
        self._discovery_seen = 0
        self._discovery_blocks = 0
        self._pool: ExtractionPool | None = None
        self._light_backlog = 0
        self._recycled = 0
        self._batch = False

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if not spider._site_arg:
            raise ValueError("no site given: run `scrapy crawl SITE` or pass -a site=NAME")
        profile = get_profile(spider._site_arg, settings.get("NEWSCRAWLER_SITES_DIR") or None)
        if spider._base_url:
            profile = profile.with_base_url(spider._base_url)
        spider.profile = profile
        spider.name = profile.name
        host = profile.domain
        # Scrapy's offsite filter takes names, not IPv6 addresses (it reads ``::1`` as a
        # port): a site at one is kept to itself by ``same_site`` on its article links.
        spider.allowed_domains = [host] if host and ":" not in host else []
        apply_politeness(settings, profile)
        since = settings.get("NEWSCRAWLER_SINCE") or ""
        spider.since = date.fromisoformat(since) if since else None
        spider.follow_links = settings.getbool("NEWSCRAWLER_FOLLOW_ARTICLE_LINKS", True)
        spider.max_listing_pages = settings.getint("NEWSCRAWLER_MAX_LISTING_PAGES", 20)
        spider.sitemap_maxsize = settings.getint("SITEMAP_MAXSIZE", 50 * 1024 * 1024)
        if settings.getbool("NEWSCRAWLER_ONLY_NEW"):
            spider._known = _known_urls(settings.get("ARCHIVE_DB"), profile.name)
        fix_mmap_threshold(settings.getint("MALLOC_MMAP_THRESHOLD", 0))
        # before any worker or thread of the crawl starts: they take this thread's policy
        spider._batch = batch_scheduling(settings.getbool("SCHED_BATCH", True))
        spider._pool = _extraction_pool(crawler, profile)
        spider._light_backlog = settings.getint("EXTRACT_WORKER_BACKLOG", 0)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        if spider._pool is not None:
            crawler.signals.connect(spider._stop_pool_now, signal=force_stop)
        return spider

    def _opened(self, **_: Any) -> None:
        """Record how the crawl runs; workers are awaited through asyncio: under another
        reactor, extract here.

        Stats: ``extract/workers`` (worker processes the crawl runs), ``extract/head_start``
        (of them, those started ahead by ``newscrawler crawl``,
        newscrawler/extract/headstart.py), ``crawl/sched_batch`` (True: the crawl runs under
        ``SCHED_BATCH``, newscrawler/schedpolicy.py).
        """
        from scrapy.utils.reactor import is_asyncio_reactor_installed

        if self._pool is not None and not is_asyncio_reactor_installed():
            self.logger.warning("EXTRACT_WORKERS needs the asyncio reactor (TWISTED_REACTOR); "
                                "extracting in the crawl's process")
            self._pool.close()
            self._pool = None
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("crawl/sched_batch", self._batch)
            if self._pool is not None:
                self.crawler.stats.set_value("extract/workers", self._pool.workers)
                self.crawler.stats.set_value("extract/head_start", self._pool.head_start())

    def _stop_pool_now(self, **_: Any) -> None:
        """The crawl is stopped at once (second signal): end the workers without waiting."""
        if self._pool is not None:
            self._pool.close(wait=False)
            self._pool = None

    def closed(self, reason: str) -> None:
        """Stop the extraction workers; after a normal end, forget the JOBDIR's queue so the
        next run crawls in full."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        jobdir = self.crawler.settings.get("JOBDIR")
        if jobdir and (reason == "finished" or reason.startswith("closespider_")):
            clear_jobdir(jobdir)

    # --- discovery -------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        """First requests: feeds, sitemaps and listing pages of the profile."""
        for item in self.start_requests():
            yield item

    def start_requests(self) -> Iterator[scrapy.Request]:
        p = self.profile
        for url in p.feeds:
            yield self._request(p.absolute(url), self.parse_feed, kind="feed")
        for url in p.sitemaps:
            yield self._request(p.absolute(url), self.parse_sitemap, kind="sitemap")
        for url in p.listings:
            yield self._request(p.absolute(url), self.parse_listing, kind="listing",
                                cb_kwargs={"page": 1})

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Article links and their dates from an RSS 2.0 or Atom feed."""
        if self._discovery_blocked(response, check=looks_html(response)):
            return
        sel, damage = _xml(response)
        if sel is None:
            self._count("discovery/bad_feed")
            self.logger.warning("not a feed (unreadable XML): %s", response.url)
            return
        if damage:
            self._malformed("feed", damage, response)
        entries = sel.xpath("//item | //entry")
        self._count("discovery/feed_entries", len(entries))
        for entry in entries:
            link = (entry.xpath("link/text()").get() or entry.xpath("link/@href").get() or "")
            raw_date = (entry.xpath("pubDate/text()").get()
                        or entry.xpath("published/text()").get()
                        or entry.xpath("updated/text()").get())
            yield from self._article_requests([link.strip()], response, source="feed",
                                              raw_date=raw_date)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow sitemap indexes; article links (and Google News dates) from url sets."""
        if self._discovery_blocked(response, check=looks_html(response)):
            return
        try:
            sel, damage = _xml(response, max_size=self.sitemap_maxsize)
        except SitemapTooLarge as exc:
            self._count("discovery/sitemap_too_large")
            self.logger.warning("sitemap skipped, it inflates to more than %d bytes "
                                "(SITEMAP_MAXSIZE): %s", exc.limit, response.url)
            return
        if sel is None:
            self._count("discovery/bad_sitemap")
            self.logger.warning("not a sitemap (unreadable XML): %s", response.url)
            return
        if damage:
            self._malformed("sitemap", damage, response)
        indexed = sel.xpath("//sitemapindex/sitemap/loc/text()").getall()
        entries = _sitemap_entries(sel)
        del sel  # its tree is not kept while the requests are taken (slowly: one a tick)
        for loc in indexed:
            yield self._request(response.urljoin(loc.strip()), self.parse_sitemap, kind="sitemap")
        for loc, raw_date in entries:
            self._count("discovery/sitemap_entries")
            yield from self._article_requests([loc], response, source="sitemap",
                                              raw_date=raw_date)

    def _malformed(self, kind: str, damage: str, response: Response) -> None:
        """Count and say that a feed or sitemap was cut short (its entries after the cut
        are missing)."""
        self._count(f"discovery/cut_short_{kind}")
        self.logger.warning("%s read in part (%s); its entries after the cut are missing: "
                            "%s", kind, damage, response.url)

    def parse_listing(self, response: Response, page: int = 1) -> Iterator[scrapy.Request]:
        """Article links of a listing page, then its next page."""
        if self._discovery_blocked(response):
            return
        area = self.profile.listing_links or "a"
        hrefs = (response.css(area).xpath("descendant-or-self::a/@href").getall()
                 if is_html(response) else [])
        yield from self._article_requests(hrefs, response, source="listing")
        if page >= self.max_listing_pages:
            return
        nxt = (response.css(f"{self.profile.listing_next}::attr(href)").get()
               if self.profile.listing_next else None) or response.css(
            "a[rel~=next]::attr(href), link[rel~=next]::attr(href)").get()
        if nxt:
            url = canonical_url(response.urljoin(nxt))
            if (key := hash(url)) not in self._seen:
                self._seen[key] = None
                yield self._request(url, self.parse_listing, kind="listing",
                                    cb_kwargs={"page": page + 1})

    def _discovery_blocked(self, response: Response, *, check: bool = True) -> bool:
        """Whether a feed, sitemap or listing answered with a block page (counted, logged).

        When every discovery page of the profile did, nothing can be found: the crawl
        closes with the reason ``blocked``.
        """
        self._discovery_seen += 1
        why = html_block_reason(response.body) if check else None
        if why is None:
            return False
        self._discovery_blocks += 1
        self._count("block/pages")
        self._count(f"block/pages/{why}")
        self.logger.warning("block page instead of %s (%s): %s",
                            response.meta.get("kind", "page"), why, response.url)
        p = self.profile
        starts = len(p.feeds) + len(p.sitemaps) + len(p.listings)
        if self._discovery_blocks == self._discovery_seen >= starts and self.crawler.engine:
            from scrapy.utils.defer import deferred_from_coro

            self.logger.warning("every feed, sitemap and listing is a block page: the site "
                                "is blocking the crawler; stopping")
            self._closing = deferred_from_coro(
                self.crawler.engine.close_spider_async(reason="blocked"))
        return True

    # --- articles ----------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        """Decode, extract and yield one article item; follow its headline links."""
        # Blank: empty or all whitespace (``not body.strip()``, without copying a page
        # that ends with a newline: ~70 K instructions a ~97 KB page, callgrind).
        if not response.body or response.body.isspace():
            self._count("fetch/empty")
            self.logger.info("skipped, empty page: %s", response.url)
            return
        if not is_html(response) or looks_binary(response.body):
            self._count("fetch/not_html")
            self.logger.info("skipped, not HTML (%s): %s",
                             content_type(response) or "no Content-Type",
                             response.url)
            return
        header = content_type(response)
        key = canonical_url(response.url)
        sent = self._held_dates(key) if self._pool is not None else ()
        encoding, extracted, text = await self._extract(
            response.body, charset_from_content_type(header), response.url, sent)
        # Marked parsed only now: feed and sitemap dates read while a worker extracted the
        # page still reach its item.
        self._parsed[hash(key)] = None
        dates = self._dates.pop(key, ())
        if text is not None and text.prepared is not None and tuple(dates) != sent:
            text.prepared.dates = None  # a date came meanwhile: DatesPipeline chooses again
        canonical = self._article_key(extracted.canonical_url, response.url)
        item = ArticleItem(
            url=response.url,
            site=self.profile.name,
            fetched_at=text.fetched_at if text is not None and text.fetched_at else fetch_time(),
            canonical_url=canonical_url(canonical),
            status=response.status,
            content_type=header or None,
            encoding=encoding,
            raw_html=response.body,
            is_article=extracted.is_article,
            reason=extracted.reason,
            title=extracted.title,
            author=extracted.author,
            category=extracted.category,
            tags=list(extracted.tags),
            description=extracted.description,
            language=extracted.language or self.profile.language,
            blocks=list(extracted.blocks),
            date_candidates=[*extracted.date_candidates, *dates],
        )
        if text is not None:  # cleaned (split, tagged) by a worker: the pipelines count it
            for name in PREPARED_FIELDS:
                setattr(item, name, getattr(text, name))
        yield item
        if self.follow_links:
            follow = text.prepared.follow if text is not None and text.prepared else None
            if follow is not None:  # a worker found the page's article URLs
                requests = self._new_articles(follow, source="article")
            else:
                hrefs = [link.url for block in extracted.blocks for link in block.links
                         if link.url]
                requests = self._article_requests(hrefs, response, source="article")
            for request in requests:
                yield request

    def _held_dates(self, key: str) -> tuple[DateCandidate, ...]:
        """The feed and sitemap dates held for an article URL now, for a worker's date
        choice (none from a distributed run's shared dates: the crawl chooses then)."""
        get = getattr(self._dates, "get", None)
        return tuple(get(key, ())) if get is not None else ()

    async def _extract(self, body: bytes, header_charset: str | None, url: str,
                       dates: tuple[DateCandidate, ...] = ()
                       ) -> tuple[str, Extracted, ArticleItem | None]:
        """Decode and extract a page: in a worker process (``EXTRACT_WORKERS``) or here
        (``dates``: the feed and sitemap dates held for it, for the worker's date choice).

        When the workers already hold ``EXTRACT_WORKER_BACKLOG`` bytes of pages each, the
        page's places, block checks and date choice are left to the pipelines here
        (``extract/light``): the workers are then the busier side. A worker that died
        (killed, out of memory) breaks the pool: it is started again and this page is
        extracted here, so no page is lost (``extract/worker_restarts``). A worker replaced
        after its pages or memory bound is counted in ``extract/worker_recycled``.
        """
        pool = self._pool
        if pool is None:
            return (*extract_bytes(body, header_charset, url, self.profile), None)
        light = bool(self._light_backlog) and pool.held() >= self._light_backlog
        if light:
            self._count("extract/light")
        generation = pool.generation
        try:
            future = pool.submit(body, header_charset, url, dates, light=light)
            self._count_recycled(pool)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            if pool.restart(generation):
                self._count("extract/worker_restarts")
                self.logger.warning("an extraction worker died; started new workers")
            return (*extract_bytes(body, header_charset, url, self.profile), None)

    def _count_recycled(self, pool: ExtractionPool) -> None:
        """Count the workers replaced since the last page (``extract/worker_recycled``)."""
        recycled = pool.recycled()
        if recycled > self._recycled:
            self._count("extract/worker_recycled", recycled - self._recycled)
            self._recycled = recycled

    def _article_key(self, canonical: str | None, url: str) -> str:
        """The canonical link when it is an article URL of this site, else the page's URL."""
        if not canonical or canonical_url(canonical) == canonical_url(url):
            return url
        if same_site(canonical, url) and self.profile.is_article_url(canonical_url(canonical)):
            return canonical
        self._count("fetch/canonical_rejected")
        self.logger.info("canonical link %s is not an article URL of the site; keyed by %s",
                         canonical, url)
        return url

    # --- plumbing ----------------------------------------------------------------------

    def _article_requests(self, hrefs: Iterable[str], response: Response, *, source: str,
                          raw_date: str | None = None) -> Iterator[scrapy.Request]:
        """Requests for the new article URLs among ``hrefs`` (deduplicated first)."""
        candidate = DateCandidate(source=source, raw=raw_date.strip()) if raw_date else None
        if raw_date and self.since and _before(raw_date, self.since):
            self._count(f"discovery/{source}_older_than_since")
            return
        scheme = page_scheme(response.url)
        for href in hrefs:
            if not href or href.startswith(SKIPPED):
                continue
            url = _absolute_canonical(response, scheme, href)
            if candidate is None and hash(url) in self._seen:
                continue  # requested already (or a listing page): nothing more to do
            if not self.profile.is_article_url(url) or not same_site(url, self.profile.base_url):
                continue
            if candidate is not None and hash(url) not in self._parsed:
                # Kept by URL, not on the request: a listing may have scheduled it first.
                self._dates.setdefault(url, []).append(candidate)
            yield from self._new_articles((url,), source=source)

    def _new_articles(self, urls: Iterable[str], *, source: str) -> Iterator[scrapy.Request]:
        """Requests for the article URLs (canonical, of this site) not seen yet."""
        for url in urls:
            key = hash(url)
            if key in self._seen:
                continue
            self._seen[key] = None
            if url in self._known:
                self._count("discovery/skipped_known")
                continue
            self._count(f"discovery/from_{source}")
            yield self._request(url, self.parse_article, kind="article")

    def _request(self, url: str, callback: Any, *, kind: str,
                 cb_kwargs: dict[str, Any] | None = None) -> scrapy.Request:
        meta: dict[str, Any] = {"kind": kind}
        if kind == "sitemap":
            # Uncompressed sitemaps may reach the protocol's 50 MB, above DOWNLOAD_MAXSIZE.
            meta["download_maxsize"] = max(self.sitemap_maxsize,
                                           self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        return scrapy.Request(url, callback=callback, errback=self.on_error,
                              cb_kwargs=cb_kwargs or {}, meta=meta,
                              priority=PRIORITY.get(kind, 0), dont_filter=kind in REREAD)

    def on_error(self, failure: Failure) -> None:
        """Count and log a failed request (HTTP error, timeout, DNS...) without stopping."""
        request = getattr(failure, "request", None)
        kind = request.meta.get("kind", "page") if request is not None else "page"
        oversize = too_large(failure)
        if failure.check(IgnoreRequest) and not failure.check(HttpError) and not oversize:
            # A decision (robots.txt, off-site redirect, rate limit), counted where it is
            # made (robotstxt/forbidden, redirect/offsite...), not a fetch error.
            self.logger.info("not fetched %s %s: %s", kind,
                             request.url if request is not None else "?", failure.value)
            return
        response = getattr(failure.value, "response", None)
        reason = ("too_large" if oversize
                  else f"http_{response.status}" if response is not None
                  else getattr(failure.type, "__name__", "error"))
        if oversize:
            self._count("fetch/too_large")
        self._count("fetch/errors")
        self._count(f"fetch/errors/{kind}/{reason}")
        self.logger.warning("could not fetch %s %s: %s", kind,
                            request.url if request is not None else "?", reason)

    def _count(self, key: str, n: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, n)


def _absolute_canonical(response: Response, scheme: str, href: str) -> str:
    """``canonical_url(response.urljoin(href))``; an absolute link (every link the extractor
    gives) is joined to the response's URL only when that can change it
    (``joined_canonical``), without Scrapy decoding the whole page a second time to look for
    its ``<base href>``."""
    if href.startswith(("http://", "https://")):
        return joined_canonical(response.url, scheme, href)
    return canonical_url(response.urljoin(href))


class SitemapTooLarge(ValueError):
    """A gzip sitemap inflates to more than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"inflates to more than {limit} bytes")
        self.limit = limit


#: ``_sitemap_entries``' questions, compiled once and asked of lxml's elements directly:
#: through parsel (a Selector made for each answer) they took ~14 µs an entry, ~17 ms of
#: the crawl's main thread for a 1,200-URL sitemap; ~4 µs an entry this way.
_URL_ENTRIES = etree.XPath("//urlset/url")
_LOC = etree.XPath("loc/text()", smart_strings=False)
_NEWS_DATE = etree.XPath("news/publication_date/text()", smart_strings=False)
_LASTMOD = etree.XPath("lastmod/text()", smart_strings=False)


def _first(found: Any) -> str | None:
    """The first answer of an XPath question, as parsel's ``.get()`` gives it."""
    return found[0] if found else None


def _sitemap_entries(sel: Selector) -> list[tuple[str, str | None]]:
    """Each ``<url>``'s location and date (Google News date, else ``lastmod``), read at
    once: Scrapy takes a callback's requests one an event-loop turn, so a sitemap of 20,000
    URLs was consumed through most of a crawl, and holding its parsed tree and selectors
    that long kept ~14 MB (bench/crawl_memory.py's sitemap); these pairs take ~3. The
    answers are parsel's ``entry.xpath(...).get()`` (a test compares them)."""
    return [((_first(_LOC(url)) or "").strip(), _first(_NEWS_DATE(url)) or _first(_LASTMOD(url)))
            for url in _URL_ENTRIES(sel.root)]


def _xml(response: Response, *, max_size: int = 0) -> tuple[Selector | None, str | None]:
    """The feed or sitemap as an XML selector, namespaces removed (None when unreadable),
    and its first damage (``line 7: ...``) when it is malformed and was read in part.

    Decoded by the same rule as article pages, so a cp1254 feed that declares latin-1
    keeps its "Şub" and "Ağu". A gzip body is inflated up to ``max_size`` bytes (0: no
    limit); beyond it :class:`SitemapTooLarge` is raised.
    """
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, EOFError):
            return None, None
        except ValueError as exc:  # scrapy's _DecompressionMaxSizeExceeded
            raise SitemapTooLarge(max_size) from exc
    text, _ = decode_html(body, charset_from_content_type(content_type(response)))
    return xml_selector(_XML_DECLARATION.sub("", text, count=1))


def xml_selector(text: str) -> tuple[Selector | None, str | None]:
    """``text`` parsed as XML, recovering what it can, and why it was read in part.

    Bare ampersands, which sloppy feeds leave in their links, are escaped first (the
    parser would drop ``&y`` from ``?x=1&y=2``). A document without its root's end tag was
    cut short: the entries after the cut are lost, and the second value says so.

    >>> sel, damage = xml_selector("<rss><item><link>http://x/a?i=1&p=2</link></item></rss>")
    >>> sel.xpath("//link/text()").get(), damage
    ('http://x/a?i=1&p=2', None)
    >>> sel, damage = xml_selector("<urlset><url><loc>http://x/a-1</loc></url><url><lo")
    >>> sel.xpath("//loc/text()").getall(), damage
    (['http://x/a-1'], 'it ends before </urlset>: cut short?')
    """
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             huge_tree=True)
    text = text.strip().replace("\x00", "")
    if "&" in text:
        text = "".join(part if part.startswith("<![CDATA[") else _BARE_AMP.sub("&amp;", part)
                       for part in _CDATA.split(text))
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=parser) if text else None
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return None, None
    name = etree.QName(root).localname
    ended = re.search(rf"</(?:[\w.-]+:)?{re.escape(name)}\s*>(?:\s*<!--.*?-->|\s*<\?.*?\?>)*\s*\Z",
                      text[-4096:], re.S)
    sel = Selector(root=root, type="xml")
    sel.remove_namespaces()
    return sel, None if ended else f"it ends before </{name}>: cut short?"


_CDATA = re.compile(r"(<!\[CDATA\[.*?\]\]>)", re.S)
#: An ampersand that starts no entity or character reference.
_BARE_AMP = re.compile(r"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")


def _before(raw: str, since: date) -> bool:
    """Whether a feed/sitemap date is clearly before ``since`` (unparseable: keep it)."""
    parsed = parse_date(raw, now=datetime.now(UTC), source="feed")
    if parsed is None:
        return False
    value = parsed.value
    day = value.date() if isinstance(value, datetime) else value
    return day < since


def _extraction_pool(crawler: Any, profile: SiteProfile) -> ExtractionPool | None:
    """The worker processes ``EXTRACT_WORKERS`` asks for, started now; None for 0."""
    workers = extract_workers(crawler.settings)
    if workers <= 0:
        headstart.discard()  # started by ``newscrawler crawl`` before the settings were read
        return None
    settings = crawler.settings
    pool = ExtractionPool(workers, profile, worker_steps(settings, profile),
                          max_pages=settings.getint("EXTRACT_WORKER_MAX_PAGES", 0),
                          max_rss=settings.getint("EXTRACT_WORKER_MAX_MB", 0) * 2**20)
    pool.start()
    return pool


def worker_steps(settings: Any, profile: SiteProfile) -> Steps:
    """The pipeline steps workers may run ahead (those ``EXTRACT_WORKER_STEPS`` names): each
    only when its pipeline would see the item as the worker does (cleaning first, splitting
    right after it, then the template's call-to-action lines; the later steps only with the
    default pipelines, and their results are taken only while the text is the worker's)."""
    from scrapy.utils.conf import build_component_list

    from archive.store import RAW_COMPRESSION_LEVEL

    order = [p if isinstance(p, str) else f"{p.__module__}.{p.__qualname__}"
             for p in build_component_list(settings.getwithbase("ITEM_PIPELINES"))]
    allowed = set(settings.getlist("EXTRACT_WORKER_STEPS",
                                   [step for step in WORKER_STEPS if step != "raw"]))
    unknown = allowed - set(WORKER_STEPS)
    if unknown:
        logging.getLogger(__name__).warning(
            "EXTRACT_WORKER_STEPS: unknown step(s) %s ignored; the steps are %s",
            ", ".join(sorted(unknown)), ", ".join(WORKER_STEPS))
    clean = ("clean" in allowed and settings.getbool("CLEAN_ENABLED", True)
             and order[:1] == [CLEAN_PIPELINE])
    split = clean and "split" in allowed and order[1:2] == [SPLIT_PIPELINE]
    places = (split and "places" in allowed and PLACES_PIPELINE in order
              and settings.getbool("PLACES_TAGGING", True))
    credits = (*profile.credit, *settings.getlist("SPLIT_CREDIT_LINES"))
    known = split and set(order) <= KNOWN_PIPELINES
    template = (known and "template" in allowed and order[2:3] == [TEMPLATE_PIPELINE]
                and settings.getbool("TEMPLATE_ENABLED", True))
    archive = bool(settings.get("ARCHIVE_DB")) and ARCHIVE_PIPELINE in order
    return Steps(
        clean=clean, split=split, places=places, credits=credits, template=template,
        block=known and "block" in allowed and BLOCK_PIPELINE in order,
        dates=known and "dates" in allowed and DATES_PIPELINE in order,
        archive=known and "archive" in allowed and (archive or (
            DEDUPE_PIPELINE in order and settings.getbool("DEDUPE_CONTENT", True))),
        stories=archive,
        raw=(known and "raw" in allowed and archive
             and settings.getbool("ARCHIVE_RAW_PAGES", True)),
        raw_level=RAW_COMPRESSION_LEVEL,
        links=(clean and "links" in allowed
               and settings.getbool("NEWSCRAWLER_FOLLOW_ARTICLE_LINKS", True)),
        slim=known)


def _known_urls(db_path: str | None, site: str) -> set[str]:
    """URLs the archive already holds for ``site`` (for NEWSCRAWLER_ONLY_NEW)."""
    if not db_path:
        return set()
    from pathlib import Path

    if not Path(db_path).exists():
        return set()
    from archive import Archive

    with Archive(db_path) as store:
        return store.known_urls(site)
