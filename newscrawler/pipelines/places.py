"""PlacesPipeline: tag each article with the provinces and districts it is about (#10)."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawler.items import ArticleItem
from newscrawler.places.tagger import place_records

#: Title and body that make the tagger build its tables (a province, districts, a dateline).
WARM_UP = ("İzmir'de yağmur", "İZMİR (Hibya) – Bornova'da sağanak yağmur etkili oldu. "
           "Karşıyaka'da su baskınları yaşandı.")


class PlacesPipeline:
    """Tag articles with places (``newscrawler.places.tagger``), most salient first.

    The site profile's ``region`` is the default for an article that names no place.
    Switched off by ``PLACES_TAGGING = False``. Places an extraction worker found
    (``EXTRACT_WORKERS``, ``item.prepared``) are taken when the title, body and credit are
    still those it read (the template step may have changed the body since).
    Stats: ``places/tagged``, ``places/untagged``, ``places/region`` (tagged only by the
    site's region).

    The tagger's tables (place names, their regexes: ~21 ms and ~1.5 MB) are built when the
    spider opens, before the crawl's clock starts (Scrapy's ``start_time``), as a worker
    builds its own at its start: built at the first page tagged here, they stalled the
    crawl's reactor for that long in the middle of the crawl.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PlacesPipeline:
        if not crawler.settings.getbool("PLACES_TAGGING", True):
            raise NotConfigured("PLACES_TAGGING is off")
        return cls(crawler)

    def open_spider(self) -> None:
        """Build the tagger's tables now (see the class), on a short sample text."""
        place_records(*WARM_UP)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        prepared = item.prepared
        if prepared is not None and prepared.places is not None and prepared.places_for == (
                item.title, item.body, item.credit):
            item.places = list(prepared.places)
        else:
            profile = getattr(self.crawler.spider, "profile", None)
            item.places = place_records(item.title, item.body, item.credit,
                                        getattr(profile, "region", None))
        assert self.stats is not None
        if not item.places:
            self.stats.inc_value("places/untagged")
        else:
            self.stats.inc_value("places/tagged")
            if item.places[0]["found_in"] == "region":
                self.stats.inc_value("places/region")
        return item
