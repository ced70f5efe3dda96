"""Scrapy's cookies middleware, imported only when ``COOKIES_ENABLED`` is on.

Scrapy's module loads tldextract and requests at import time (~19 MB of a crawl's memory)
even when cookies are off, which is this project's default (``newscrawler/settings.py``).
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class LazyCookiesMiddleware:
    """Stands in for ``scrapy.downloadermiddlewares.cookies.CookiesMiddleware`` at its place
    (700): returns Scrapy's middleware when ``COOKIES_ENABLED``, else switches off."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        """Scrapy's cookies middleware, or NotConfigured when cookies are off."""
        if not crawler.settings.getbool("COOKIES_ENABLED"):
            raise NotConfigured
        from scrapy.downloadermiddlewares.cookies import CookiesMiddleware

        return CookiesMiddleware.from_crawler(crawler)
