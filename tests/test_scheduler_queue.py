"""The scheduler keeps waiting requests pickled, in Scrapy's order (#11, goal 6)."""

from __future__ import annotations

import pickle
from typing import Any

import scrapy
from scrapy.core.scheduler import Scheduler
from scrapy.http import JsonRequest
from scrapy.utils.test import get_crawler

from newscrawler import settings as project_settings
from newscrawler.scheduler_queue import CompactLifoQueue


class Spider(scrapy.Spider):
    name = "s"

    def parse_article(self, response: Any) -> None: ...

    def on_error(self, failure: Any) -> None: ...


def _crawler() -> Any:
    crawler = get_crawler(Spider, settings_dict={
        "SCHEDULER_MEMORY_QUEUE": project_settings.SCHEDULER_MEMORY_QUEUE,
        # Scrapy's default (downloader-aware) queue needs a running engine.
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"})
    crawler.spider = crawler._create_spider()
    return crawler


def _request(spider: Spider, n: int, **kwargs: Any) -> scrapy.Request:
    request = scrapy.Request(f"http://127.0.0.1/haber/{n}", callback=spider.parse_article,
                             errback=spider.on_error, meta={"kind": "article"},
                             cb_kwargs={"n": n}, priority=3, **kwargs)
    request.headers["Referer"] = "http://127.0.0.1/sitemap.xml"
    return request


def test_requests_wait_pickled_and_come_back_whole_last_first() -> None:
    crawler = _crawler()
    queue = CompactLifoQueue.from_crawler(crawler, "key")
    for n in range(3):
        queue.push(_request(crawler.spider, n))
    assert len(queue) == 3 and all(isinstance(item, bytes) for item in queue.items)
    assert max(len(item) for item in queue.items) < 500  # a live request: ~1.7 KB
    assert queue.peek().url.endswith("/2")  # type: ignore[union-attr]
    back = [queue.pop() for _ in range(3)]
    assert [r.url[-1] for r in back if r] == ["2", "1", "0"]
    first = back[0]
    assert first is not None
    assert first.callback == crawler.spider.parse_article
    assert first.errback == crawler.spider.on_error
    assert (first.meta["kind"], first.cb_kwargs, first.priority) == ("article", {"n": 2}, 3)
    assert first.headers["Referer"] == b"http://127.0.0.1/sitemap.xml"
    assert queue.pop() is None and queue.peek() is None


def test_a_request_that_cannot_be_pickled_waits_as_it_is() -> None:
    crawler = _crawler()
    queue = CompactLifoQueue.from_crawler(crawler, "key")
    request = scrapy.Request("http://127.0.0.1/x", callback=lambda response: None)
    queue.push(request)
    assert queue.pop() is request


def test_scrapys_scheduler_takes_it() -> None:
    assert project_settings.SCHEDULER_MEMORY_QUEUE.endswith(".CompactLifoQueue")
    crawler = _crawler()
    scheduler = Scheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    scheduler.enqueue_request(_request(crawler.spider, 1))
    assert crawler.stats.get_value("scheduler/enqueued/memory") == 1
    assert [type(q) for q in scheduler.mqs.queues.values()] == [CompactLifoQueue]
    request = scheduler.next_request()
    assert request is not None and request.url.endswith("/haber/1")
    scheduler.close("finished")


def test_another_request_class_comes_back_as_itself() -> None:
    crawler = _crawler()
    queue = CompactLifoQueue.from_crawler(crawler, "key")
    queue.push(JsonRequest("http://127.0.0.1/api", data={"a": 1},
                           callback=crawler.spider.parse_article))
    queue.push(_request(crawler.spider, 7))
    assert isinstance(pickle.loads(queue.items[1]), list)  # the plain request: its attributes
    plain, json_request = queue.pop(), queue.pop()
    assert type(plain) is scrapy.Request and plain.url.endswith("/haber/7")
    assert isinstance(json_request, JsonRequest) and json_request.body == b'{"a": 1}'
    assert json_request.callback == crawler.spider.parse_article
