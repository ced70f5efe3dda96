"""Scrapy's per-page and per-item messages are skipped only when LOG_LEVEL hides them."""

from __future__ import annotations

import logging

from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.logformatter import LogFormatter as ScrapyLogFormatter
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler

from newscrawler import settings
from newscrawler.logformatter import LogFormatter


def formatter(**values: object) -> LogFormatter:
    crawler = get_crawler(Spider, settings_dict={"LOG_FORMATTER": settings.LOG_FORMATTER,
                                                 **values})
    made = build_from_crawler(load_object(crawler.settings["LOG_FORMATTER"]), crawler)
    assert isinstance(made, LogFormatter)
    return made


def page() -> tuple[Request, HtmlResponse, Spider]:
    request = Request("http://127.0.0.1/haber-1")
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    spider = Spider("x")
    spider.crawler = get_crawler(Spider)
    return request, response, spider


def test_messages_hidden_by_the_level_are_not_built() -> None:
    request, response, spider = page()
    for level in ("INFO", "WARNING", logging.INFO):
        quiet = formatter(LOG_LEVEL=level)
        assert quiet.crawled(request, response, spider) is None
        assert quiet.scraped({"url": request.url}, response, spider) is None
        assert quiet.dropped({}, DropItem("dupe", log_level="DEBUG"), response, spider) is None
        shown = quiet.dropped({}, DropItem("bad", log_level="WARNING"), response, spider)
        assert shown is not None and shown["level"] == logging.WARNING
    assert formatter(LOG_ENABLED=False).dropped({}, DropItem("bad"), response, spider) is None


def test_at_debug_the_messages_are_scrapys() -> None:
    request, response, spider = page()
    ours, scrapys = formatter(LOG_LEVEL="DEBUG"), ScrapyLogFormatter()
    assert ours.crawled(request, response, spider) == scrapys.crawled(request, response, spider)
    item = {"url": request.url}
    assert ours.scraped(item, response, spider) == scrapys.scraped(item, response, spider)
    drop = DropItem("dupe", log_level="DEBUG")
    assert ours.dropped(item, drop, response, spider) == scrapys.dropped(item, drop, response,
                                                                        spider)
