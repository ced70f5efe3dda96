"""The lean response parser (#11): Scrapy's lenient parser's responses, without its copies."""

from __future__ import annotations

import random
from typing import Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTPClientParser,
)
from twisted.internet.protocol import Protocol
from twisted.internet.testing import StringTransport
from twisted.web._newclient import HTTPClientParser, Request
from twisted.web.http_headers import Headers

from newscrawler import settings
from newscrawler.httphandler import LeanHTTP11DownloadHandler, LeanParser, _LeanFactory


class _Body(Protocol):
    def __init__(self) -> None:
        self.data: list[bytes] = []
        self.done: str | None = None

    def dataReceived(self, data: bytes) -> None:
        self.data.append(data)

    def connectionLost(self, reason: Any = None) -> None:
        self.done = type(reason.value).__name__ if reason is not None else None


def parse(cls: type, method: bytes, chunks: list[bytes]) -> dict[str, Any]:
    """Feed ``chunks`` to a parser of ``cls`` (created as Scrapy creates it: an
    ``HTTPClientParser`` whose class is then replaced); what it made of them."""
    rests: list[bytes] = []
    parser = HTTPClientParser(Request(method, b"/x", Headers(), None), rests.append)
    parser.__class__ = cls
    transport = StringTransport()
    parser.makeConnection(transport)
    out: dict[str, Any] = {}
    for chunk in chunks:
        try:
            parser.dataReceived(chunk)
        except Exception as exc:  # the protocol gives up on the connection then
            out["error"] = repr(exc)
            break
    out["disconnecting"] = transport.disconnecting
    response = getattr(parser, "response", None)
    if response is not None and not transport.disconnecting:
        body = _Body()
        response.deliverBody(body)
        out.update(code=response.code, phrase=response.phrase, length=response.length,
                   headers=sorted(response.headers.getAllRawHeaders()),
                   body=b"".join(body.data), done=body.done)
    out.update(rest=rests, state=parser.state, buffer=parser.clearLineBuffer())
    return out


def response(rng: random.Random) -> tuple[bytes, bytes]:
    """A random response (method, bytes): headers (some folded over two lines, some with no
    colon), a body by length or in chunks, then the start of the next response."""
    lines = [b"HTTP/1.1 %d OK" % rng.choice([200, 200, 301, 404, 204, 304])]
    for n in range(rng.randrange(0, 14)):
        lines.append(b"X-H%d: %s" % (n, b"v" * rng.randrange(0, 300)))
        if rng.random() < 0.1:
            lines.append(b"\t continued %d" % n)
        if rng.random() < 0.05:
            lines.append(b"no colon here")
    body = bytes(rng.randrange(256) for _ in range(rng.choice([0, 5, 900, 70_000])))
    if rng.random() < 0.3:
        lines.append(b"Transfer-Encoding: chunked")
        payload = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 4000]), body[i:i + 4000])
                           for i in range(0, len(body), 4000)) + b"0\r\n\r\n"
    else:
        lines.append(b"Content-Length: %d" % len(body))
        payload = body
    method = b"HEAD" if rng.random() < 0.1 else b"GET"
    return method, b"\r\n".join(lines) + b"\r\n\r\n" + payload + b"HTTP/1.1 200 OK\r\n"


def cut(rng: random.Random, data: bytes) -> list[bytes]:
    """``data`` in chunks cut anywhere (inside a CR LF too), sometimes whole."""
    if rng.random() < 0.2:
        return [data]
    cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randrange(1, 12))))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]


def test_the_lean_parser_reads_every_response_as_scrapys_parser_does() -> None:
    rng = random.Random(11)
    bodies = 0
    for _ in range(400):
        method, data = response(rng)
        chunks = cut(rng, data)
        lean = parse(LeanParser, method, chunks)
        assert lean == parse(_LenientHTTPClientParser, method, chunks)
        bodies += bool(lean.get("body"))
    assert bodies > 100


def test_a_header_line_over_the_limit_ends_the_connection_in_both() -> None:
    data = b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 20_000 + b"\r\n\r\n"
    for chunks in ([data], [data[:100], data[100:]]):
        lean = parse(LeanParser, b"GET", chunks)
        assert lean == parse(_LenientHTTPClientParser, b"GET", chunks)
        assert lean["disconnecting"]


def test_crawls_use_the_lean_handler_for_http_and_https() -> None:
    assert settings.DOWNLOAD_HANDLERS_BASE["http"] == settings.DOWNLOAD_HANDLERS_BASE[
        "https"] == "newscrawler.httphandler.LeanHTTP11DownloadHandler"
    assert issubclass(LeanHTTP11DownloadHandler, HTTP11DownloadHandler)
    protocol = _LeanFactory(lambda _: None, None).buildProtocol(None)
    protocol.makeConnection(StringTransport())
    protocol.request(Request(b"GET", b"/x", Headers({b"Host": [b"a"]}), None))
    assert type(protocol._parser) is LeanParser
