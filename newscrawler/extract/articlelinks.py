"""The canonical URLs of a page's links to articles of its site (which links to follow).

The extractor gives absolute links (``absolute_url``: joined to the page or its ``<base
href>``). Joining such a link to the page again (``urljoin``, as Scrapy's
``response.urljoin`` does) mostly gives it back: :func:`joined_canonical` skips the join
when it cannot change the canonical URL, and otherwise joins as before, so the URLs are
exactly ``canonical_url(urljoin(page_url, href))``. A site's pages repeat their links
(menus, most read, related): :class:`ArticleLinks` remembers each link's verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from newscrawler.urls import canonical_url, same_site

if TYPE_CHECKING:
    from newscrawler.extract.page import Extracted
    from newscrawler.profiles import SiteProfile

#: Links that are no pages to fetch (the spider's discovery skips the same).
SKIPPED = ("javascript:", "mailto:", "tel:", "#")
_ABSOLUTE = ("http://", "https://")
#: Links remembered per site: enough for the menus and lists its pages repeat.
CACHE_SIZE = 8192
_UNSEEN = ""  # no verdict yet (a canonical URL is never empty)


def page_scheme(page_url: str) -> str:
    """The scheme ``urljoin`` reads in the page's URL ("" for no URL)."""
    return urlsplit(page_url).scheme if page_url else ""


def unchanged_by_join(scheme: str, href: str) -> bool:
    """Whether ``canonical_url(urljoin(page, href))`` is ``canonical_url(href)`` for every
    page of this ``scheme``; ``href`` starts with ``http://`` or ``https://``.

    Another scheme: ``urljoin`` returns the link as it is. The same scheme with a host:
    it returns the link split and put together again, which only drops an empty ``?`` or
    ``#`` and the tabs and line ends ``urlsplit`` removes anyway; that changes the
    canonical URL only when the link ends with such a mark or a space (``canonical_url``
    strips the URL first), or has ``;`` parameters. Those, and a link without a host
    (the page's is used), are joined.
    """
    if not scheme:
        return False  # no page URL: urljoin returns the link, canonical_url strips it
    head = 8 if href[4] == "s" else 7
    if href[:head - 3] != scheme:
        return True
    if len(href) <= head or href[head] in "/?#\t\r\n":
        return False  # no host, or one that urlsplit may not see as such
    last = href[-1]
    return last not in "?#" and not last.isspace() and ";" not in href


def joined_canonical(page_url: str, scheme: str, href: str) -> str:
    """``canonical_url(urljoin(page_url, href))`` for an ``http(s)://`` link, joining only
    when that can change it (``scheme``: :func:`page_scheme` of ``page_url``)."""
    if unchanged_by_join(scheme, href):
        return canonical_url(href)
    return canonical_url(urljoin(page_url, href))


class ArticleLinks:
    """Which links of one site's pages are its article URLs, remembered link by link."""

    def __init__(self, profile: SiteProfile) -> None:
        self.profile = profile
        self._verdicts: dict[str, str | None] = {}

    def follow(self, url: str) -> str | None:
        """``url`` (canonical) when it is an article URL of the site, else None."""
        profile = self.profile
        return url if profile.is_article_url(url) and same_site(url, profile.base_url) else None

    def of_page(self, extracted: Extracted) -> tuple[str, ...] | None:
        """The canonical URLs of the page's links to articles of the site, each once, in
        order (the spider's filter before it looks at what it has seen); None when a link
        is not absolute (joining it may need the page's ``<base href>``: the spider does
        it)."""
        found: dict[str, None] = {}
        page = extracted.url
        scheme = page_scheme(page)
        verdicts = self._verdicts
        for block in extracted.blocks:
            for link in block.links:
                href = link.url
                if not href or href.startswith(SKIPPED):
                    continue
                if not href.startswith(_ABSOLUTE):
                    return None
                try:
                    if unchanged_by_join(scheme, href):
                        url = verdicts.get(href, _UNSEEN)
                        if url is _UNSEEN:
                            if len(verdicts) >= CACHE_SIZE:
                                verdicts.clear()
                            url = verdicts[href] = self.follow(canonical_url(href))
                    else:
                        url = self.follow(canonical_url(urljoin(page, href)))
                except ValueError:  # a port that is no number...: the spider meets it too
                    return None
                if url is not None:
                    found[url] = None
        return tuple(found)


_LINKS: ArticleLinks | None = None


def article_links(extracted: Extracted, profile: SiteProfile) -> tuple[str, ...] | None:
    """:meth:`ArticleLinks.of_page` with the links of ``profile``'s site (one site's
    verdicts kept at a time: a worker crawls one)."""
    global _LINKS
    if _LINKS is None or _LINKS.profile is not profile:
        _LINKS = ArticleLinks(profile)
    return _LINKS.of_page(extracted)
