"""What a response is: HTML, binary, an HTML page where XML was expected, too large."""

from __future__ import annotations

import stringzilla
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

HTML_TYPES = ("text/html", "application/xhtml")
# File signatures of formats that are never HTML, whatever the Content-Type says.
BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b",
                b"RIFF", b"OggS", b"\x00\x00\x00")



def content_type(response: Response) -> str:
    """The response's Content-Type header as text ('' when absent)."""
    return (response.headers.get("Content-Type") or b"").decode("latin-1")


def too_large(failure: Failure) -> bool:
    """Whether a request failed because its body passed DOWNLOAD_MAXSIZE (raw or inflated)."""
    if failure.check(DownloadCancelledError):
        return "max size" in str(failure.value)
    return bool(failure.check(IgnoreRequest)) and "DOWNLOAD_MAXSIZE" in str(failure.value)


def looks_html(response: Response) -> bool:
    """Whether a feed or sitemap response is an HTML page instead (a block page?)."""
    return b"<html" in response.body[:2048].lower()


def looks_binary(body: bytes) -> bool:
    """Whether ``body`` is binary data (a PDF, an image, random bytes), not markup.

    >>> looks_binary(b"%PDF-1.4 ..."), looks_binary(b"<html>\\x00</html>")
    (True, True)
    >>> looks_binary("<p>Şubat</p>".encode("cp1254"))
    False
    """
    head = body[:8192]
    if head.lstrip().startswith(BINARY_MAGIC) or b"\x00" in head:
        return True
    # Counted by stringzilla (SIMD): ~7 K instructions for 8 KB where
    # ``len(head) - len(head.translate(None, _CONTROL_BYTES))`` took ~100 K (callgrind).
    controls = stringzilla.count_byteset(head, _CONTROL_BYTES)
    return controls > len(head) // 20


#: Control bytes that do not occur in text (tab, newlines and form feed do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def is_html(response: Response) -> bool:
    ctype = content_type(response).lower()
    if any(t in ctype for t in HTML_TYPES):
        return True
    return not ctype and b"<html" in response.body[:2048].lower()
