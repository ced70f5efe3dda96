"""Where a site lists its articles: robots.txt ``Sitemap:`` lines, the home page's feed links,
the usual feed and sitemap paths, and the links of the home page itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

from newscrawler import exitcodes
from newscrawler.sitecheck.fetch import Fetcher, Page, ProbeError
from newscrawler.text.encoding import decode_html
from newscrawler.urls import canonical_url, same_site

#: Feed paths tried, in order, when the home page links no feed (the first that answers wins).
FEED_PATHS = ("/rss.xml", "/rss", "/feed/", "/feed", "/rss/", "/atom.xml", "/feed.xml",
              "/rss.php")
#: Sitemap paths tried when robots.txt names none (every one that answers is kept, unless
#: a sitemap index already found lists it).
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml", "/news-sitemap.xml",
                 "/sitemap-news.xml", "/sitemap/news.xml")
#: Child sitemaps of an index read at most (news and post sitemaps first).
MAX_CHILD_SITEMAPS = 8
_COMMENT_FEED = re.compile(r"comment|yorum", re.IGNORECASE)
_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                          huge_tree=False)


@dataclass
class Discovery:
    """What a probe found on a site."""

    base_url: str
    title: str
    feeds: dict[str, int] = field(default_factory=dict)      # URL -> entries
    sitemaps: dict[str, int] = field(default_factory=dict)   # top-level URL -> article URLs
    found_by: dict[str, str] = field(default_factory=dict)   # feed/sitemap URL -> how
    # article URL -> (raw date, "feed" or "sitemap"): the dates a crawl would take too
    entries: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    home_links: list[str] = field(default_factory=list)
    tried: int = 0


def xml_root(body: bytes) -> etree._Element | None:
    """The root of an XML document, or None when the bytes are not XML."""
    if not body.lstrip()[:1] == b"<":
        return None
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _all(root: etree._Element, name: str) -> list[etree._Element]:
    return [e for e in root.iter() if _local(e.tag) == name]


def _child_text(el: etree._Element, *names: str) -> str | None:
    for child in el:
        if _local(child.tag) in names and (child.text or "").strip():
            return (child.text or "").strip()
    return None


def feed_entries(body: bytes) -> list[tuple[str, str | None]] | None:
    """(link, raw date) of each RSS 2.0 or Atom entry; None when ``body`` is no feed.

    >>> feed_entries(b'<rss><channel><item><link>http://x/a-1</link>'
    ...              b'<pubDate>Fri, 14 Nov 2025 10:00:00 +0300</pubDate></item></channel></rss>')
    [('http://x/a-1', 'Fri, 14 Nov 2025 10:00:00 +0300')]
    >>> feed_entries(b'<html><body>no</body></html>') is None
    True
    """
    root = xml_root(body)
    if root is None or _local(root.tag) not in ("rss", "feed", "rdf"):
        return None
    out: list[tuple[str, str | None]] = []
    for item in _all(root, "item"):
        link = _child_text(item, "link", "guid")
        if link:
            out.append((link, _child_text(item, "pubdate", "date")))
    for entry in _all(root, "entry"):
        hrefs = [c.get("href") for c in entry if _local(c.tag) == "link"
                 and c.get("rel", "alternate") == "alternate" and c.get("href")]
        if hrefs:
            out.append((str(hrefs[0]), _child_text(entry, "published", "updated")))
    return out


def sitemap_entries(body: bytes) -> tuple[list[str], list[tuple[str, str | None]]] | None:
    """(child sitemaps, (URL, raw date) of each page) of a sitemap; None when it is none.

    >>> sitemap_entries(b'<sitemapindex><sitemap><loc>http://x/s1.xml</loc></sitemap>'
    ...                 b'</sitemapindex>')
    (['http://x/s1.xml'], [])
    """
    root = xml_root(body)
    if root is None or _local(root.tag) not in ("sitemapindex", "urlset"):
        return None
    children = [loc for s in _all(root, "sitemap") if (loc := _child_text(s, "loc"))]
    pages: list[tuple[str, str | None]] = []
    for url in _all(root, "url"):
        loc = _child_text(url, "loc")
        if not loc:
            continue
        dates = [d for n in _all(url, "news") if (d := _child_text(n, "publication_date"))]
        pages.append((loc, dates[0] if dates else _child_text(url, "lastmod")))
    return children, pages


def home_feed_links(doc: html.HtmlElement, base: str) -> list[str]:
    """The RSS/Atom links a home page declares, comment feeds left out."""
    out = []
    for link in doc.xpath("//link[@rel='alternate'][@href]"):
        kind = (link.get("type") or "").lower()
        if kind not in ("application/rss+xml", "application/atom+xml"):
            continue
        href, title = link.get("href") or "", link.get("title") or ""
        if _COMMENT_FEED.search(href) or _COMMENT_FEED.search(title):
            continue
        out.append(urljoin(base, href))
    return list(dict.fromkeys(out))


def site_title(doc: html.HtmlElement) -> str | None:
    """The site's name: ``og:site_name``, else the home page title before its separator.

    >>> site_title(html.fromstring('<html><head><title>Ege Manşet - İzmir Haberleri'
    ...                            '</title></head><body></body></html>'))
    'Ege Manşet'
    """
    named = doc.xpath("string(//meta[@property='og:site_name']/@content)").strip()
    if named:
        return str(named)
    title = doc.xpath("string(//title)").strip()
    return re.split(r"\s+[-–—|:»]\s+", title)[0].strip() or None


def parse_html(page: Page) -> html.HtmlElement | None:
    """The page's DOM (decoded by the project's rule), or None when it has no markup."""
    text, _ = decode_html(page.body, page.charset)
    try:
        return html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def fetch_home(fetcher: Fetcher, url: str) -> Page:
    """The home page, or ProbeError: forbidden by robots.txt, refused, not HTML."""
    if not fetcher.allowed(url):
        agent = fetcher.user_agent.split()[0]
        raise ProbeError(f"robots.txt of {urlsplit(url).netloc} forbids {agent} to fetch "
                         f"{urlsplit(url).path or '/'}; nothing was probed")
    page = fetcher.get(url)
    assert page is not None
    if page.status in (401, 403, 429, 503):
        raise ProbeError(f"{url} answered HTTP {page.status}: the site refuses us; retry "
                         "later, or from another network", exitcodes.BLOCKED)
    if page.status >= 400:
        raise ProbeError(f"{url} answered HTTP {page.status}; pass the site's home page URL")
    if not page.is_html:
        raise ProbeError(f"{url} is not an HTML page (Content-Type: "
                         f"{page.content_type or 'none'}); pass the site's home page URL")
    return page


class Prober:
    """Discovery over one fetcher: feeds, sitemaps (indexes followed) and home links."""

    def __init__(self, fetcher: Fetcher, found: Discovery) -> None:
        self.fetcher = fetcher
        self.found = found
        self.seen: set[str] = set()

    def _get(self, url: str) -> Page | None:
        key = canonical_url(url)
        if key in self.seen or not same_site(url, self.found.base_url):
            return None
        self.seen.add(key)
        self.found.tried += 1
        page = self.fetcher.get(url)
        return page if page is not None and page.status == 200 else None

    def _add(self, pairs: list[tuple[str, str | None]], base: str, source: str) -> set[str]:
        urls = set()
        for link, raw in pairs:
            url = urljoin(base, link.strip())
            if same_site(url, self.found.base_url):
                self.found.entries.setdefault(url, (raw, source))
                urls.add(url)
        return urls

    def feed(self, url: str, how: str) -> bool:
        """Read one feed; whether it was one."""
        page = self._get(url)
        entries = feed_entries(page.body) if page is not None else None
        if page is None or entries is None:
            return False
        self.found.feeds[url] = len(self._add(entries, page.url, "feed"))
        self.found.found_by[url] = how
        return True

    def sitemap(self, url: str, how: str) -> bool:
        """Read one sitemap (an index: its first children, news and posts first)."""
        page = self._get(url)
        parsed = sitemap_entries(page.body) if page is not None else None
        if page is None or parsed is None:
            return False
        children, pages = parsed
        urls = self._add(pages, page.url, "sitemap")
        ranked = sorted(children, key=lambda c: (not re.search(r"news|haber|post", c), 0))
        for child in ranked[:MAX_CHILD_SITEMAPS]:
            sub = self._get(urljoin(page.url, child))
            got = sitemap_entries(sub.body) if sub is not None else None
            if sub is not None and got is not None:
                urls |= self._add(got[1], sub.url, "sitemap")
        self.found.sitemaps[url] = len(urls)
        self.found.found_by[url] = how
        return True


def discover(fetcher: Fetcher, url: str) -> Discovery:
    """Probe the site at ``url``: robots.txt, home page, feeds, sitemaps."""
    fetcher.read_robots()
    home = fetch_home(fetcher, url)
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(home.url))
    doc = parse_html(home)
    if doc is None:
        raise ProbeError(f"{url} has no readable HTML; pass the site's home page URL")
    found = Discovery(base_url=origin, title=site_title(doc) or urlsplit(origin).netloc)
    prober = Prober(fetcher, found)
    prober.seen.add(canonical_url(home.url))
    links = [urljoin(home.url, h) for h in doc.xpath("//a/@href")]
    # canonical: a headline tagged ?utm_source=... is the same page as its plain link
    found.home_links = [u for u in dict.fromkeys(canonical_url(u) for u in links)
                        if same_site(u, origin)]
    for feed in home_feed_links(doc, home.url):
        prober.feed(feed, "home page")
    if not found.feeds:
        for path in FEED_PATHS:
            if prober.feed(urljoin(origin, path), "usual path"):
                break
    for sitemap in fetcher.sitemaps_in_robots:
        prober.sitemap(sitemap, "robots.txt")
    if not found.sitemaps:
        for path in SITEMAP_PATHS:
            prober.sitemap(urljoin(origin, path), "usual path")
    return found
