"""What a worker sends back through its pipe (#11): each field once, the same items.

A worker that prepared a page's text sends the page's facts (``for_crawl``) beside the
prepared item, not a second copy of the text fields and blocks: the spider's items and the
links it follows are the same as when it reads the whole ``Extracted``.
"""

from __future__ import annotations

import asyncio
import pickle
from concurrent.futures import Future
from typing import Any

import pytest
from harness import FETCHED, FULL, sample_pages
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawler.extract.pool import Steps, extract_bytes, for_crawl, prepare_text
from newscrawler.profiles import get_profile
from newscrawler.spiders.news import NewsSpider

pages = sample_pages


class _Pool:
    """A worker pool answering in the test's process, sending ``Extracted`` whole or slim."""

    generation = 0

    def recycled(self) -> int:
        """No worker is ever replaced here."""
        return 0

    def __init__(self, steps: Steps, slim: bool) -> None:
        self.steps, self.slim = steps, slim

    def submit(self, body: bytes, charset: str | None, url: str,
               dates_from: tuple[Any, ...], light: bool = False) -> Future[Any]:
        profile = get_profile("sample")
        encoding, extracted = extract_bytes(body, charset, url, profile)
        text = prepare_text(extracted, profile, self.steps, raw=body, fetched_at=FETCHED,
                            dates_from=dates_from)
        sent = for_crawl(extracted, text) if self.slim else extracted
        future: Future[Any] = Future()
        future.set_result(pickle.loads(pickle.dumps((encoding, sent, text))))
        return future


def crawl_page(url: str, body: bytes, steps: Steps, slim: bool) -> list[Any]:
    """What the spider yields for a page a worker extracted: the item, then requests."""
    spider = NewsSpider("sample", site="sample")
    spider.crawler = get_crawler(NewsSpider)
    spider.profile = get_profile("sample")
    spider._pool = _Pool(steps, slim)  # type: ignore[assignment]
    response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})

    async def everything() -> list[Any]:
        return [out async for out in spider.parse_article(response)]

    return [out.url if hasattr(out, "callback") else out
            for out in asyncio.run(everything())]


@pytest.mark.parametrize("steps", [FULL, Steps(clean=True, split=True),
                                   Steps(clean=True, links=True)],
                         ids=["every step", "no links", "links only"])
def test_the_spider_yields_the_same_with_the_slim_answer(steps: Steps) -> None:
    followed = 0
    for url, body in pages()[:8]:
        whole = crawl_page(url, body, steps, slim=False)
        slim = crawl_page(url, body, steps, slim=True)
        assert slim == whole
        assert whole[0].title and whole[0].blocks
        followed += len(whole) - 1
    assert followed


def test_the_answer_sends_the_text_once() -> None:
    profile = get_profile("sample")
    saved = 0
    for url, body in pages():
        encoding, extracted = extract_bytes(body, "utf-8", url, profile)
        text = prepare_text(extracted, profile, FULL, raw=body, fetched_at=FETCHED)
        assert text is not None and text.prepared is not None
        sent = for_crawl(extracted, text)
        assert text.prepared.follow is not None and sent.blocks == []
        assert (sent.title, sent.description, sent.tags) == (None, None, [])
        assert (sent.canonical_url, sent.is_article, sent.date_candidates) == (
            extracted.canonical_url, extracted.is_article, extracted.date_candidates)
        saved += (len(pickle.dumps((encoding, extracted, text)))
                  - len(pickle.dumps((encoding, sent, text))))
    assert saved > 100 * len(pages())


def test_without_prepared_text_the_page_is_sent_whole() -> None:
    url, body = pages()[0]
    _encoding, extracted = extract_bytes(body, "utf-8", url, get_profile("sample"))
    assert for_crawl(extracted, None) is extracted
