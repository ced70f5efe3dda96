"""A worker's slim answer (#11): without the split blocks, the pipelines see the same page.

With only newscrawler's pipelines (``Steps.slim``), a worker leaves the cleaned blocks out
of its answer and sends their joined text instead: the one thing the crawl's pipelines
still read of them is that text, when a page's body is blank (``block.page_text``).
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

from harness import FETCHED, FULL, sample_pages
from scrapy.utils.test import get_crawler

from newscrawler.extract.pool import Steps, extract_bytes, prepare_text
from newscrawler.items import ArticleItem
from newscrawler.pipelines.block import block_facts, html_text, page_text
from newscrawler.profiles import get_profile
from newscrawler.settings import ITEM_PIPELINES
from newscrawler.spiders.news import PREPARED_FIELDS, worker_steps

pages = sample_pages


def item_for(url: str, body: bytes, steps: Steps) -> ArticleItem:
    """The spider's item for a page a worker prepared with ``steps`` (through a pipe)."""
    profile = get_profile("sample")
    _encoding, extracted = extract_bytes(body, "utf-8", url, profile)
    text = prepare_text(extracted, profile, steps, raw=body, fetched_at=FETCHED)
    text = pickle.loads(pickle.dumps(text))
    assert text is not None
    item = ArticleItem(url=url, site="sample", fetched_at=FETCHED, raw_html=body,
                       title=extracted.title, blocks=list(extracted.blocks))
    for name in PREPARED_FIELDS:
        setattr(item, name, getattr(text, name))
    return item


def blanked(item: ArticleItem) -> ArticleItem:
    """The item once the template pipeline has stripped every line of its body."""
    item.paragraphs, item.body = [], ""
    return item


def test_a_slim_answer_gives_the_page_text_and_block_facts_of_the_whole_one() -> None:
    for url, body in pages():
        whole = item_for(url, body, FULL)
        slim = item_for(url, body, replace(FULL, slim=True))
        assert whole.blocks and slim.blocks == []
        assert slim.prepared is not None and slim.prepared.blocks_text is not None
        assert block_facts(slim) == block_facts(whole)
        # A body the template pipeline emptied: the blocks' text, as read from the blocks.
        whole, slim = blanked(whole), blanked(slim)
        assert page_text(slim) == page_text(whole) == " ".join(
            b.text for b in whole.blocks if b.text)
        assert page_text(slim) != html_text(body)
        assert block_facts(slim) == block_facts(whole)


def test_without_slim_the_blocks_are_sent_and_read() -> None:
    url, body = pages()[0]
    item = item_for(url, body, FULL)
    assert item.prepared is not None and item.prepared.blocks_text is None
    assert page_text(blanked(item)) == " ".join(b.text for b in item.blocks if b.text)


def test_the_slim_answer_holds_no_block() -> None:
    profile = get_profile("sample")
    for url, body in pages()[:10]:
        _encoding, extracted = extract_bytes(body, "utf-8", url, profile)
        whole = prepare_text(extracted, profile, FULL, raw=body, fetched_at=FETCHED)
        slim = prepare_text(extracted, profile, replace(FULL, slim=True), raw=body,
                            fetched_at=FETCHED)
        # one string instead of a Block object for each paragraph, heading and link list
        assert b"Block" in pickle.dumps(whole) and b"Block" not in pickle.dumps(slim)


def test_answers_are_slim_only_when_every_pipeline_is_newscrawlers(tmp_path: Path) -> None:
    profile = get_profile("sample")
    ours = get_crawler(settings_dict={"ARCHIVE_DB": str(tmp_path / "news.db"),
                                      "ITEM_PIPELINES": ITEM_PIPELINES})
    assert worker_steps(ours.settings, profile).slim
    theirs = get_crawler(settings_dict={
        "ARCHIVE_DB": str(tmp_path / "news.db"),
        "ITEM_PIPELINES": {**ITEM_PIPELINES, "myproject.pipelines.ReadsBlocks": 450}})
    chosen = worker_steps(theirs.settings, profile)
    assert chosen.split and not chosen.slim  # a pipeline of theirs may read item.blocks
