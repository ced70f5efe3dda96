"""URL helpers: one canonical form per article, so a URL is fetched and stored once."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the click and never select content.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src", "amp"}
)


@lru_cache(maxsize=4096)  # pages of a site repeat their menu, related and most-read links
def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, no default port.

    >>> canonical_url("HTTPS://WWW.Hibya.com:443/izmir-haberi-12?utm_source=x&id=3#yorum")
    'https://www.hibya.com/izmir-haberi-12?id=3'
    >>> canonical_url("http://127.0.0.1:8123/haber-1/")
    'http://127.0.0.1:8123/haber-1'
    >>> canonical_url("http://[::1]:8123/haber-1")
    'http://[::1]:8123/haber-1'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((scheme, host, path, canonical_query(parts.query), ""))


def is_tracking(key: str) -> bool:
    """Whether a query parameter only tracks the click (``utm_*``, ``fbclid``...).

    >>> is_tracking("utm_source"), is_tracking("FBCLID"), is_tracking("id")
    (True, True, False)
    """
    key = key.lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def canonical_query(query: str) -> str:
    """A query string without tracking parameters, the others in their order.

    >>> canonical_query("page=haber&utm_source=x&id=77&fbclid=abc")
    'page=haber&id=77'
    """
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not is_tracking(k)]
    return urlencode(pairs)


def same_site(url: str, other: str) -> bool:
    """Whether two URLs are on the same host, ignoring ``www.`` and the port.

    >>> same_site("https://www.hibya.com/a-1", "http://hibya.com/b-2")
    True
    >>> same_site("https://hibya.com/a-1", "https://example.org/")
    False
    """
    a = (urlsplit(url).hostname or "").removeprefix("www.")
    b = (urlsplit(other).hostname or "").removeprefix("www.")
    return bool(a) and a == b
