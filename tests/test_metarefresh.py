"""The meta-refresh middleware reads only a page's head and answers as Scrapy's does."""

from __future__ import annotations

import random

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from newscrawler import settings as project_settings
from newscrawler.middlewares.metarefresh import HEAD_BYTES, HeadMetaRefreshMiddleware

REFRESH = '<meta http-equiv="refresh" content="{delay}; url={url}">'


class CountingResponse(HtmlResponse):
    """An HtmlResponse that counts how often its whole text is decoded."""

    decoded = 0

    @property
    def text(self) -> str:
        type(self).decoded += 1
        return super().text


def middlewares() -> tuple[MetaRefreshMiddleware, HeadMetaRefreshMiddleware]:
    crawler = get_crawler(settings_dict={"METAREFRESH_MAXDELAY": 100})
    return (MetaRefreshMiddleware.from_crawler(crawler),
            HeadMetaRefreshMiddleware.from_crawler(crawler))


def answer(result: Request | Response) -> tuple[str, str]:
    return (type(result).__name__, result.url)


def page(head: str, filler: str, *, charset: str = "utf-8", meta_charset: bool = False,
         size: int = 3 * HEAD_BYTES) -> bytes:
    """An HTML page of about ``size`` bytes: ``head`` after the filler's first part."""
    declared = f'<meta charset="{charset}">' if meta_charset else ""
    text = f"<html><head>{declared}<title>t</title>{head}</head><body><p>"
    while len(text.encode(charset, "replace")) < size:
        text += filler
    return (text + "</p></body></html>").encode(charset, "replace")


@pytest.mark.parametrize("charset", ["utf-8", "cp1254"])
@pytest.mark.parametrize("spelled", ["&#114;efresh", "r&#x65;fresh", "REFRE&#83;H"])
def test_a_refresh_spelled_with_character_references_is_answered_as_scrapy_does(
        charset: str, spelled: str) -> None:
    scrapys, head_only = middlewares()
    tag = REFRESH.format(delay=0, url="http://example.com/b").replace("refresh", spelled)
    body = page(tag, "Bornova'da sağanak yağmur. ", charset=charset, meta_charset=True)
    request = Request("http://example.com/haber-1")
    expected = scrapys.process_response(request, HtmlResponse(request.url, body=body))
    got = head_only.process_response(request, HtmlResponse(request.url, body=body))
    assert answer(got) == answer(expected)


def test_the_stand_in_takes_scrapys_place():
    base = project_settings.DOWNLOADER_MIDDLEWARES_BASE
    assert "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware" not in base
    assert base["newscrawler.middlewares.metarefresh.HeadMetaRefreshMiddleware"] == 580


def test_a_large_page_without_refresh_is_not_decoded_whole():
    _, head_only = middlewares()
    body = page("", "Bornova'da sağanak yağmur etkili oldu. ")
    response = CountingResponse("http://example.com/haber-1", body=body,
                                headers={"Content-Type": "text/html; charset=utf-8"})
    CountingResponse.decoded = 0
    assert head_only.process_response(Request(response.url), response) is response
    assert CountingResponse.decoded == 0  # Scrapy's middleware decodes all ~50 KB


@pytest.mark.parametrize("charset, meta_charset, header", [
    ("utf-8", False, "text/html; charset=utf-8"),
    ("utf-8", True, "text/html"),
    ("cp1254", True, "text/html"),
    ("iso-8859-9", False, "text/html; charset=iso-8859-9"),
    ("utf-16", False, "text/html; charset=utf-16"),
    ("utf-8", False, "text/html"),  # undeclared: Scrapy guesses from the whole body
])
def test_the_same_redirects_as_scrapys_middleware(charset, meta_charset, header):
    scrapys, head_only = middlewares()
    rng = random.Random(charset + header)
    fillers = ["İzmir'de yağmur; ", "ğüşıöç ĞÜŞİÖÇ “tırnak” — ", "a" * 37, "<b>x</b> ",
               "&amp;&#114;efresh ", "<!-- c --> ", "€ 𝄞 "]
    for case in range(60):
        filler = "".join(rng.sample(fillers, 3))
        delay = rng.choice([0, 5, 500])
        url = rng.choice(["/yeni", "http://example.com/b", "ftp://example.com/x"])
        # the bytes check's cases, and a character reference (read as refresh by
        # w3lib 2.6 and later, as browsers do; not by earlier versions)
        spelled = rng.choice(["refresh", "REFRESH", "reFresh", "&#114;efresh"])
        tag = REFRESH.format(delay=delay, url=url).replace("refresh", spelled)
        where = rng.choice(["head", "late", "script", "comment", "none", "edge"])
        head = {"head": tag, "script": f"<script>{tag}</script>",
                "comment": f"<!-- {tag} -->", "none": "", "late": "", "edge": ""}[where]
        body = page(head, filler, charset=charset, meta_charset=meta_charset,
                    size=rng.choice([HEAD_BYTES // 2, HEAD_BYTES + 100, 3 * HEAD_BYTES]))
        if where in ("late", "edge"):
            text = body.decode(charset)
            at = 4096 - rng.randrange(0, 40) if where == "edge" else len(text) // 2
            body = (text[:at] + tag + text[at:]).encode(charset)
        request = Request("http://example.com/haber-1")
        expected = scrapys.process_response(
            request, HtmlResponse(request.url, body=body, headers={"Content-Type": header}))
        got = head_only.process_response(
            request, HtmlResponse(request.url, body=body, headers={"Content-Type": header}))
        assert answer(got) == answer(expected), (case, where, delay, url)
