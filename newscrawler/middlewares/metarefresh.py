"""HeadMetaRefreshMiddleware: Scrapy's meta-refresh redirects without decoding whole pages.

Scrapy's ``MetaRefreshMiddleware`` reads a refresh tag in the first 4096 characters of a
page, but it gets them from ``response.text``, which decodes the whole body first: ~0.13 ms
of the crawl's CPU on a ~97 KB article page (bench/crawl_bench.py), for a text nothing else
in the crawl reads (workers decode the page themselves). This subclass decodes only enough
of the body for those characters, the same way (the response's encoding, then w3lib's
``html_to_unicode``), and asks w3lib the same question on them. Only when that finds a
refresh URL, or when the encoding is not declared (a BOM, the header, or a ``<meta>``)
and would have to be guessed from the whole body, does Scrapy's own code run: every
answer is Scrapy's.
"""

from __future__ import annotations

import re
from typing import Any

import stringzilla
from scrapy import Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response
from w3lib import html
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
)

#: Scrapy reads a refresh tag (and a ``<base>``) in the first this many characters.
HEAD_CHARS = 4096
#: Bytes decoded to get them: 4 a character at most in UTF-8, UTF-16 and UTF-32.
HEAD_BYTES = 4 * HEAD_CHARS + 64
#: ``bytes.lower``'s table: ASCII capitals to small letters, every other byte kept.
_ASCII_LOWER = bytes(range(256)).lower()
#: Characters decoded beyond ``HEAD_CHARS``: a sequence cut at the end of the bytes read
#: is replaced there, never earlier.
MARGIN_CHARS = 64


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Stands in for ``scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware`` at its
    place (580), with its settings (``METAREFRESH_ENABLED``, ``METAREFRESH_IGNORE_TAGS``,
    ``METAREFRESH_MAXDELAY``); see the module."""

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        if isinstance(response, HtmlResponse) and not refresh_possible(response,
                                                                       self._ignore_tags):
            return response  # Scrapy's answer: it finds no refresh URL either
        if spider is None:  # Scrapy deprecates passing it
            return super().process_response(request, response)
        return super().process_response(request, response, spider)


def refresh_possible(response: HtmlResponse, ignore_tags: Any = ("script", "noscript")) -> bool:
    """Whether Scrapy's ``get_meta_refresh`` may find a refresh URL in ``response``: False
    only when the same reading of the same first characters finds none."""
    if _no_refresh_bytes(response):
        return False
    head = head_text(response)
    if head is None:
        return True
    base = html.get_base_url(head, response.url, response.encoding)
    _, url = html.get_meta_refresh(head, base, response.encoding, ignore_tags=ignore_tags)
    return bool(url)


#: Encodings of 1 to 4 bytes a character whose ASCII letters are their own bytes, and no
#: other character lowercases to one of ``refresh``'s: a text in them holding ``refresh``
#: (lowercased) holds it, in some case, in its bytes.
ASCII_LETTER_ENCODINGS = frozenset({"utf-8", "cp1254", "cp1252", "iso8859-9", "iso8859-1"})


def _no_refresh_bytes(response: HtmlResponse) -> bool:
    """True when the first ``HEAD_BYTES`` of a long page with a declared encoding of
    ``ASCII_LETTER_ENCODINGS`` neither spell ``refresh`` in any case nor hold a numeric
    character reference to one of its letters: w3lib reads a meta tag only when its
    attributes, lowercased and (from w3lib 2.6, as browsers do) with their character
    references decoded, hold ``refresh``, and Scrapy's first ``HEAD_CHARS`` characters come
    from those bytes. ~20 µs a ~97 KB page less than decoding them and asking w3lib
    (``refresh_possible``: 24.8 → ~4 µs)."""
    body = response.body
    # The bytes first: a page that spells refresh goes on to ``head_text``, which reads
    # the declarations once; they come before ``encoding`` (undeclared, Scrapy would
    # infer it from the whole body).
    return (len(body) > HEAD_BYTES and not _may_spell_refresh(body)
            and _declared(response, body) and response.encoding in ASCII_LETTER_ENCODINGS)


def _may_spell_refresh(body: bytes) -> bool:
    """Whether ``body[:HEAD_BYTES]``, lowercased, holds ``refresh``, or a numeric character
    reference to one of its letters (``&#114;efresh``), by stringzilla's lookup-table
    transform and search (SIMD: ~44 K instructions a ~97 KB page where ``bytes.lower`` and
    ``in`` took ~147 K, callgrind); the references are looked for only where ``&#`` is
    (the head of ~1 real page in 5).

    >>> _may_spell_refresh(b'<meta http-equiv="REFRESH">'), _may_spell_refresh(b"ref resh")
    (True, False)
    >>> _may_spell_refresh(b'r&#X65;fresh'), _may_spell_refresh(b'&#0082efresh')
    (True, True)
    >>> _may_spell_refresh(b"<title>Ali&#39;nin evi</title>"), _may_spell_refresh(b"&#1140;")
    (False, False)
    """
    end = min(len(body), HEAD_BYTES)
    if end <= 0:
        return False
    head = stringzilla.translate(body, _ASCII_LOWER, end=end)
    if stringzilla.find(head, b"refresh") >= 0:
        return True
    return stringzilla.find(head, b"&#") >= 0 and _LETTER_REFERENCE.search(head) is not None


#: A numeric character reference (lowercased; the semicolon optional, as browsers read
#: them) to a letter of ``refresh`` in either case: r e f s h, R E F S H.
_LETTER_REFERENCE = re.compile(
    rb"&#(?:x0*(?:72|65|66|73|68|52|45|46|53|48)(?![0-9a-f])"
    rb"|0*(?:114|101|102|115|104|82|69|70|83|72)(?![0-9]))")


def _declared(response: HtmlResponse, body: bytes) -> bool:
    """Whether the page declares its encoding: a BOM, the header or a ``<meta>`` (else
    Scrapy guesses it from the whole body)."""
    content_type = response.headers.get(b"Content-Type", b"") or b""
    return bool(read_bom(body)[0]
                or http_content_type_encoding(content_type.decode("latin-1"))
                or html_body_declared_encoding(body))


def head_text(response: HtmlResponse) -> str | None:
    """``response.text[:HEAD_CHARS]`` decoded from the body's first ``HEAD_BYTES`` only;
    None when the body is short (Scrapy's own reading is as cheap) or its encoding is not
    declared (guessing it reads the whole body)."""
    body = response.body
    if len(body) <= HEAD_BYTES:
        return None
    if not _declared(response, body):
        return None
    # As TextResponse.text: the response's encoding through html_to_unicode (a BOM wins).
    text = html_to_unicode(f"charset={response.encoding}", body[:HEAD_BYTES])[1]
    if len(text) < HEAD_CHARS + MARGIN_CHARS:
        return None
    return text[:HEAD_CHARS]
