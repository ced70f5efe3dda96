"""The light steps' tables are built when the spider opens, before the crawl's clock starts."""

from __future__ import annotations

from scrapy.utils.test import get_crawler

from newscrawler.pipelines import block
from newscrawler.pipelines.block import BlockPagePipeline
from newscrawler.pipelines.places import WARM_UP, PlacesPipeline
from newscrawler.places import tagger

TABLES = (tagger._lists, tagger._suffixes, tagger._name_at, tagger._capitals,
          tagger._cp1254_tables, tagger._capital)


def test_opening_the_places_pipeline_builds_the_taggers_tables():
    for table in TABLES:
        table.cache_clear()
    pipeline = PlacesPipeline.from_crawler(get_crawler())
    pipeline.open_spider()
    assert [table.cache_info().currsize for table in TABLES] == [1] * len(TABLES)
    # the sample is one a page could hold: it is tagged, nothing else is kept of it
    assert [p["province"] for p in tagger.place_records(*WARM_UP)] == ["İzmir", "İzmir"]


def test_opening_the_block_pipeline_reads_its_phrases_and_markers():
    block.phrases.cache_clear()
    block.screens.cache_clear()
    BlockPagePipeline.from_crawler(get_crawler()).open_spider()
    assert block.phrases.cache_info().currsize == 1
    assert block.screens.cache_info().currsize == 1
    assert block.block_reason("Erişim engellendi", "Erişiminiz engellenmiştir.") == "title"
