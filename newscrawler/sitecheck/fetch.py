"""A small blocking HTTP client for short interactive probes (``add-site``, ``check-site``).

A probe fetches a dozen pages one after the other while the user waits, so it uses the
standard library rather than a Scrapy crawl: the project's user agent, robots.txt obeyed
(its ``Crawl-delay`` too), a delay between requests, a timeout, a size limit, and every
failure as one :class:`ProbeError` line with its exit code.
"""

from __future__ import annotations

import gzip
import io
import socket
import time
import urllib.error
import urllib.request
import urllib.robotparser
import zlib
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlsplit

from newscrawler import exitcodes
from newscrawler.settings import DOWNLOAD_MAXSIZE, USER_AGENT
from newscrawler.spiders.politeness import is_loopback

#: Seconds between two requests to a real site (loopback sites: none), unless robots.txt
#: asks for more with ``Crawl-delay``.
DEFAULT_DELAY = 1.0


class ProbeError(Exception):
    """A probe that cannot go on: one line for the user, and the exit code."""

    def __init__(self, message: str, code: int = exitcodes.FAILED) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Page:
    """One fetched URL: final URL after redirects, status, Content-Type and bytes."""

    url: str
    status: int
    content_type: str
    body: bytes

    @property
    def is_html(self) -> bool:
        """Whether the server says (or the bytes show) this is an HTML page."""
        ctype = self.content_type.lower()
        if "html" in ctype:
            return True
        return not ctype and b"<html" in self.body[:2048].lower()

    @property
    def charset(self) -> str | None:
        """The charset of the Content-Type header, if any."""
        msg = Message()
        msg["content-type"] = self.content_type or "application/octet-stream"
        value = msg.get_param("charset")
        return value if isinstance(value, str) else None


@dataclass
class Fetcher:
    """Fetch pages of one site politely: robots.txt, delay, timeout, size limit."""

    origin: str
    timeout: float = 15.0
    delay: float | None = None
    user_agent: str = USER_AGENT
    max_bytes: int = DOWNLOAD_MAXSIZE
    requests: int = 0
    robots: urllib.robotparser.RobotFileParser | None = None
    sitemaps_in_robots: list[str] = field(default_factory=list)
    robots_delay: float | None = None
    _last: float = 0.0

    def __post_init__(self) -> None:
        if self.delay is None:
            self.delay = 0.0 if is_loopback(self.origin) else DEFAULT_DELAY

    def read_robots(self) -> None:
        """Fetch and parse robots.txt (missing: everything allowed); keep its Sitemap lines."""
        parser = urllib.robotparser.RobotFileParser()
        try:
            page = self.get(self.origin.rstrip("/") + "/robots.txt", check_robots=False)
        except ProbeError:
            page = None
        if page is None or page.status >= 400:
            parser.parse([])  # no robots.txt: everything is allowed
        else:
            lines = page.body.decode("utf-8", "replace").splitlines()
            parser.parse(lines)
        self.robots = parser
        self.sitemaps_in_robots = list(parser.site_maps() or [])
        delay = parser.crawl_delay(self.user_agent)
        self.robots_delay = float(delay) if delay else None
        if self.robots_delay and self.robots_delay > (self.delay or 0.0):
            self.delay = self.robots_delay

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch ``url``."""
        return self.robots is None or self.robots.can_fetch(self.user_agent, url)

    def get(self, url: str, *, check_robots: bool = True) -> Page | None:
        """Fetch ``url``; None when robots.txt forbids it. HTTP errors come back as pages
        with their status; an unreachable host or a timeout raises ProbeError."""
        if check_robots and not self.allowed(url):
            return None
        wait = (self.delay or 0.0) - (time.monotonic() - self._last)
        if self.requests and wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()
        self.requests += 1
        request = urllib.request.Request(url, headers={
            "User-Agent": self.user_agent, "Accept-Encoding": "gzip",
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "tr,en;q=0.5"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                return Page(resp.geturl(), resp.status, resp.headers.get("Content-Type", ""),
                            self._body(resp.read(self.max_bytes + 1),
                                       resp.headers.get("Content-Encoding", "")))
        except urllib.error.HTTPError as exc:
            return Page(exc.geturl() or url, exc.code, exc.headers.get("Content-Type", ""),
                        b"")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, socket.timeout | TimeoutError):
                reason = f"no answer within {self.timeout:g} s"
            elif isinstance(reason, OSError) and reason.strerror:
                reason = reason.strerror
            host = urlsplit(url).netloc
            raise ProbeError(f"cannot reach {host} ({reason}); check the address and "
                             "your network, or retry later") from None

    def _body(self, data: bytes, encoding: str) -> bytes:
        """The body, gunzipped when the server (or a .gz sitemap) compressed it."""
        if len(data) > self.max_bytes:
            raise ProbeError(f"a page is larger than {self.max_bytes // 2**20} MiB; "
                             "not a news page")
        if "gzip" in encoding.lower() or data[:2] == b"\x1f\x8b":
            try:
                with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
                    data = fh.read(self.max_bytes + 1)
            except (OSError, EOFError, zlib.error):
                return b""
            if len(data) > self.max_bytes:
                raise ProbeError(f"a page inflates to more than {self.max_bytes // 2**20} "
                                 "MiB; not a news page")
        return data
