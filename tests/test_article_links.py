"""The links a worker follows: the same canonical URLs as joining every link to its page.

``joined_canonical`` skips ``urljoin`` when it cannot change the canonical URL; these tests
compare it, and ``article_links``, with the plain computation on tricky links, on links
generated from their parts, and on the links of the shared corpus pages (skipped when
``../shared`` is absent; ``NEWSCRAWLER_SHARED`` points elsewhere).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawler.extract.articlelinks import (
    ArticleLinks,
    article_links,
    joined_canonical,
    page_scheme,
)
from newscrawler.extract.blocks import Block, Link
from newscrawler.extract.dom import absolute_url
from newscrawler.extract.page import Extracted
from newscrawler.extract.pool import Steps, for_crawl, prepare_text
from newscrawler.profiles import SiteProfile
from newscrawler.urls import canonical_url, same_site

SHARED = Path(os.environ.get("NEWSCRAWLER_SHARED",
                             Path(__file__).resolve().parents[2] / "shared"))
PAGES = ["http://www.hibya.com/haber/izmir-1", "https://www.hibya.com/a/b/c-2?x=1#y",
         "http://127.0.0.1:8123/", "https://hibya.com", "http://www.hibya.com:8080/d;p/e-3",
         ""]
TRICKY = [
    "http://www.hibya.com/izmir-haberi-12", "https://www.hibya.com/izmir-haberi-12",
    "http://www.hibya.com/izmir-haberi-12?utm_source=x&id=3#yorum",
    "http://www.hibya.com/izmir-haberi-12?", "http://www.hibya.com/izmir-haberi-12#",
    "http://www.hibya.com/izmir-haberi-12?#", "http://www.hibya.com/a-12 ?",
    "http://www.hibya.com/a-12 #", "http://www.hibya.com/a-12 #\n", "http://www.hibya.com/a-12\t",
    "http://www.hibya.com/a-12 ", "http://www.hibya.com/a-12\u00a0", "http://www.hibya.com/a b-13",
    "http://www.hibya.com/a-12;jsessionid=1", "http://www.hibya.com/a;x/b-14",
    "http://www.hibya.com/./x/../a-15", "http://www.hibya.com/a-16/", "http://www.hibya.com",
    "http://WWW.HIBYA.COM:80/a-17", "https://www.hibya.com:443/a-18", "http://hibya.com/a-19",
    "http:///a-20", "http://?a-21", "http://#a-22", "http://\t/a-23", "http://\nwww.hibya.com/a-24",
    "http://www.hi\tbya.com/a-25", "http://bücher.de/a-26", "http://xn--bcher-kva.de/a-27",
    "https://www.hibya.com/index.php?page=haber&id=77&fbclid=abc",
    "http://www.hibya.com:abc/a-28", "http://[::1/a-29", "http://[::1]:8123/a-30",
    "http://ex\uff0fample.com/a-31", "http://www.hibya.com/a-32?q=a#b?c", "http://h",
    "https://", "http://www.hibya.com/%C3%A7-33", "http://www.hibya.com/ç-34",
]
RAW = ["/izmir-1", "izmir-2", "../izmir-3", "./izmir-4?id=5", "//www.hibya.com/a-5",
       "//cdn.example.org/a-6", "?page=2", "#top", "", " /a-7 ", "javascript:void(0)",
       "mailto:x@y.tr", "tel:123", "ftp://www.hibya.com/a-8", "HTTP://www.hibya.com/a-9",
       "data:text/html,x", "http:a-10", "https:a-11", "/a b/c-12", "..", "/",
       "https://www.hibya.com/../a-13"]


def reference(page: str, href: str) -> str:
    """What the worker computed before: the link joined to its page, canonical."""
    return canonical_url(_join(page, href))


def _join(page: str, href: str) -> str:
    from urllib.parse import urljoin

    return urljoin(page, href)


def outcome(fn: object, *args: str) -> str:
    """The result, or the kind of error raised (both must match)."""
    try:
        return str(fn(*args))  # type: ignore[operator]
    except ValueError as exc:
        return f"ValueError: {exc}"


def absolute_links(page: str, hrefs: list[str]) -> Iterator[str]:
    """The links as the extractor gives them (joined to the page and to a ``<base href>``),
    and as they are, when they start with http(s)://."""
    bases = [page, "https://www.hibya.com/base/", "http://other.example.org"] if page else [""]
    for href in hrefs:
        if href.startswith(("http://", "https://")):
            yield href
        for base in bases:
            try:
                joined = absolute_url(base, href) if base else href.strip()
            except ValueError:
                continue
            if joined.startswith(("http://", "https://")):
                yield joined


def differences(hrefs: list[str]) -> list[tuple[str, str, str, str]]:
    """Every (page, link, before, now) that differs."""
    found = []
    for page in PAGES:
        scheme = page_scheme(page)
        for href in absolute_links(page, hrefs):
            before = outcome(reference, page, href)
            now = outcome(joined_canonical, page, scheme, href)
            if before != now:
                found.append((page, href, before, now))
    return found


def test_tricky_links_give_the_same_canonical_urls() -> None:
    assert differences(TRICKY + RAW) == []


def test_links_built_from_parts_give_the_same_canonical_urls() -> None:
    schemes = ["http://", "https://"]
    hosts = ["www.hibya.com", "HIBYA.com:80", "127.0.0.1:8123", "", "bücher.de", "h:443"]
    paths = ["", "/", "/a-1", "/a-1/", "/a b-2", "/./a/../b-3", "/a;p=1-4", "//x-5", "/ç-6"]
    queries = ["", "?", "?id=3", "?utm_source=x&id=77", "?a=1;b=2", "? "]
    ends = ["", "#", "#x", "#x?y", " ", "\t", "\n", "\u00a0", " #", "#\n"]
    hrefs = ["".join(parts) for parts in itertools.product(schemes, hosts, paths, queries, ends)]
    assert len(hrefs) > 5000
    assert differences(hrefs) == []


def corpus_hrefs(limit: int = 4000) -> list[str]:
    """The distinct ``href`` values of the shared corpus's HTML pages."""
    found: dict[str, None] = {}
    for page in sorted((SHARED / "corpus").rglob("*.htm*")):
        text = page.read_bytes().decode("utf-8", "replace")
        for href in re.findall(r"""href\s*=\s*["']([^"']*)["']""", text, re.IGNORECASE):
            found[href] = None
            if len(found) >= limit:
                return list(found)
    return list(found)


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared/corpus is not here")
def test_the_corpus_links_give_the_same_canonical_urls() -> None:
    hrefs = corpus_hrefs()
    assert len(hrefs) > 500
    assert differences(hrefs) == []


def old_article_links(extracted: Extracted, profile: SiteProfile) -> tuple[str, ...] | None:
    """The worker's filter before: every link joined to the page."""
    found: dict[str, None] = {}
    for block in extracted.blocks:
        for link in block.links:
            href = link.url
            if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
                continue
            if not href.startswith(("http://", "https://")):
                return None
            url = canonical_url(_join(extracted.url, href))
            if url not in found and profile.is_article_url(url) and same_site(
                    url, profile.base_url):
                found[url] = None
    return tuple(found)


def _page(url: str, hrefs: list[str]) -> Extracted:
    links = tuple(Link(f"link {n}", href) for n, href in enumerate(hrefs))
    return Extracted(url=url, blocks=[Block("p", "text"), Block("links", "", links[:3]),
                                      Block("links", "", links[3:])])


def test_a_page_follows_the_same_article_links_as_before() -> None:
    profile = SiteProfile("x", "X", "https://www.hibya.com/", r"^/[a-z0-9-]+-\d+$")
    absolute = [h for h in TRICKY if not re.search(r":abc|\[::1/|\uff0f", h)]
    for page in PAGES:
        for hrefs in (absolute, absolute[::-1], [*absolute[:5], "/relative-1"],
                      ["#top", "javascript:x", *absolute[5:9]]):
            for _ in range(2):  # the second time from the verdicts kept
                assert article_links(_page(page, hrefs), profile) == old_article_links(
                    _page(page, hrefs), profile), (page, hrefs)


def test_a_link_the_spider_cannot_read_is_left_to_it() -> None:
    """A port that is no number: the page's links are left to the spider (which meets the
    same error after the item, as without workers) rather than losing the page."""
    profile = SiteProfile("x", "X", "https://www.hibya.com/", r"^/[a-z0-9-]+-\d+$")
    page = _page(PAGES[0], ["http://www.hibya.com/a-1", "http://www.hibya.com:abc/a-2"])
    with pytest.raises(ValueError):
        old_article_links(page, profile)
    assert ArticleLinks(profile).of_page(page) is None
    text = prepare_text(page, profile, Steps(clean=True, links=True))
    assert text is not None and text.prepared is not None and text.prepared.follow is None
    assert for_crawl(page, text).blocks == page.blocks  # the spider reads the links
