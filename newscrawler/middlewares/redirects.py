"""RedirectGuardMiddleware: redirects that leave the site or go round in circles end here."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

REDIRECTS = (301, 302, 303, 307, 308)


def on_site(url: str, domains: list[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or below one (any port).

    >>> on_site("http://127.0.0.1:8765/a-1", ["127.0.0.1"])
    True
    >>> on_site("http://localhost:8765/a-1", ["127.0.0.1"])
    False
    >>> on_site("https://m.hibya.com/", ["hibya.com"])
    True
    """
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


class RedirectGuardMiddleware:
    """Drop, count and log redirects that leave the site, loop, go on too long, or take
    an article's URL to the home page (as sites do with a removed article).

    Runs before Scrapy's RedirectMiddleware sees the 3xx (a higher order number). Without
    this, an off-site redirect ends in a silent ``offsite/filtered`` and a cycle in a silent
    duplicate, and the summary cannot say why nothing was archived.

    Settings: ``REDIRECT_MAX_TIMES`` (Scrapy's).
    Stats: ``redirect/offsite``, ``redirect/cycle``, ``redirect/too_many``, ``redirect/home``.
    """

    def __init__(self, crawler: Crawler, max_times: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_times = max_times

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler, crawler.settings.getint("REDIRECT_MAX_TIMES", 20))

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Response:
        location = response.headers.get("Location")
        if (response.status not in REDIRECTS or not location
                or request.meta.get("dont_redirect")):
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        domains = list(getattr(self.crawler.spider, "allowed_domains", None) or [])
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if domains and not on_site(target, domains):
            self._drop("offsite", f"redirect leaves the site: {request.url} -> {target}")
        if target.split("#")[0] in {u.split("#")[0] for u in chain}:
            self._drop("cycle", f"redirect cycle: {' -> '.join([*chain, target])}")
        if len(chain) > self.max_times:
            self._drop("too_many", f"more than {self.max_times} redirects: {request.url}")
        if request.meta.get("kind") == "article" and urlsplit(target).path in ("", "/"):
            self._drop("home", f"article redirects to the home page (removed?): "
                       f"{request.url} -> {target}")
        return response

    def _drop(self, what: str, message: str) -> None:
        assert self.stats is not None
        self.stats.inc_value(f"redirect/{what}")
        spider = self.crawler.spider
        if spider is not None:
            spider.logger.info(message)
        raise IgnoreRequest(message)
