"""Scrapy's HTTP/1.1 download handler, reading a response's header lines without copies.

Twisted's ``LineReceiver`` takes each line off its buffer with ``split(delimiter, 1)``,
which copies the rest of the buffer for every line. A large page's first read holds its
headers and ~64 KB of its body, so its ~10 header lines copied ~600 KB: about a tenth of
the crawl's process's instructions on ~97 KB pages (callgrind). :class:`LeanParser` keeps
a read offset into the buffer instead and copies what is left once, when something reads
it; the lines, their order and every callback are the same (a test feeds both parsers the
same responses cut at random).

Scrapy's handler is used as it is; only the class of the parser its protocol creates for
each response is replaced, as Scrapy itself does to make it lenient. Where a Scrapy version
lacks the pieces this relies on, the handler is Scrapy's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers import http11
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# Scrapy's lenient parser, the protocol that installs it and their factory (private: any
# of them missing, the handler is Scrapy's own).
_PARSER: Any = getattr(http11, "_LenientHTTPClientParser", None)
_PROTOCOL: Any = getattr(http11, "_LenientHTTP11ClientProtocol", None)
_FACTORY: Any = getattr(http11, "_LenientHTTP11ClientFactory", None)
_LEAN = None not in (_PARSER, _PROTOCOL, _FACTORY)
_ParserBase: Any = _PARSER if _LEAN else object
_ProtocolBase: Any = _PROTOCOL if _LEAN else object
_FactoryBase: Any = _FACTORY if _LEAN else object


class LeanParser(_ParserBase):
    """Scrapy's lenient response parser; lines are read at an offset of the buffer."""

    _data = b""  # the buffer; what is not read yet starts at ``_offset``
    _offset = 0
    _busyReceiving = False  # as LineReceiver has it

    @property
    def _buffer(self) -> bytes:
        """What is not read yet (``LineReceiver``'s buffer), copied out once."""
        if self._offset:
            self._data, self._offset = self._data[self._offset:], 0
        return self._data

    @_buffer.setter
    def _buffer(self, value: bytes) -> None:
        self._data, self._offset = value, 0

    def dataReceived(self, data: bytes) -> Any:
        """``HTTPClientParser.dataReceived``: ``LineReceiver.dataReceived`` with the line
        found by ``find`` at the offset, not by splitting the buffer."""
        self._everReceivedData = True
        if self._busyReceiving:
            self._buffer += data
            return None
        try:
            self._busyReceiving = True
            self._buffer += data
            delimiter = self.delimiter
            while len(self._data) > self._offset and not self.paused:
                if self.line_mode:
                    end = self._data.find(delimiter, self._offset)
                    if end < 0:
                        if len(self._data) - self._offset >= self.MAX_LENGTH + len(delimiter):
                            line, self._buffer = self._buffer, b""
                            return self.lineLengthExceeded(line)
                        return None
                    line = self._data[self._offset:end]
                    self._offset = end + len(delimiter)
                    if len(line) > self.MAX_LENGTH:
                        exceeded = line + delimiter + self._buffer
                        self._buffer = b""
                        return self.lineLengthExceeded(exceeded)
                    why = self.lineReceived(line)
                    if why or (self.transport and self.transport.disconnecting):
                        return why
                else:
                    data = self._buffer
                    self._buffer = b""
                    why = self.rawDataReceived(data)
                    if why:
                        return why
        finally:
            self._busyReceiving = False
        return None


class _LeanProtocol(_ProtocolBase):
    """Scrapy's protocol; each response is read by a :class:`LeanParser`."""

    def request(self, request: Any) -> Any:
        d = super().request(request)
        if type(self._parser) is _PARSER:
            self._parser.__class__ = LeanParser
        return d


class _LeanFactory(_FactoryBase):
    """Scrapy's protocol factory, building :class:`_LeanProtocol` protocols."""

    def buildProtocol(self, addr: Any) -> Any:
        return _LeanProtocol(self._quiescentCallback)


class LeanHTTP11DownloadHandler(HTTP11DownloadHandler):
    """Scrapy's ``HTTP11DownloadHandler`` whose responses are read by :class:`LeanParser`."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        pool = getattr(self, "_pool", None)
        if _LEAN and pool is not None and getattr(pool, "_factory", None) is _FACTORY:
            pool._factory = _LeanFactory
