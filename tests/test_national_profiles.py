"""The Anadolu Ajansı, Habertürk and NTV profiles on their pages saved in ../shared.

The pages and their gold labels (``../shared/corpus/fundus-tr``, from the Fundus test
suite) are read at run time and never copied here; every test skips when they are absent.
What each page must give: the profile's domain and article pattern accept its URL; the
title is the page's ``<h1>`` (or the gold title); the date is the day the page shows; the
body holds the gold paragraphs (4-gram shingles, as ``bench/eval_extraction.py``
counts them) and holds none of the related-story titles; AA's byline and section are read.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from newscrawler.items import ArticleItem
from newscrawler.offline import article_from_html
from newscrawler.profiles import SiteProfile, get_profile

FUNDUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "fundus-tr"
PROFILES = {"aa.com.tr": "aa", "haberturk.com": "haberturk", "ntv.com.tr": "ntv"}
MIN_RECALL = 0.95  # of the gold body's shingles, per page
MIN_PRECISION = 0.85  # lower: the gold of two pages leaves out a lead or dateline they show
RELATED_BOX = re.compile(r"benzer|related|ilgili-?haber", re.I)


def rows() -> list[dict[str, Any]]:
    gold = FUNDUS / "gold.jsonl"
    if not gold.is_file():
        return []
    return [json.loads(line) for line in gold.read_text("utf-8").splitlines() if line.strip()]


ROWS = rows()
pytestmark = pytest.mark.skipif(not ROWS, reason=f"{FUNDUS} is not here")


def page_id(row: dict[str, Any]) -> str:
    return Path(row["file"]).name.removesuffix(".html.gz")


def profile_of(row: dict[str, Any]) -> SiteProfile:
    host = row["url"].split("/")[2].removeprefix("www.")
    return get_profile(PROFILES[host])


def html_of(row: dict[str, Any]) -> bytes:
    return gzip.decompress((FUNDUS / row["file"]).read_bytes())


@cache
def item_of(file: str) -> ArticleItem:
    row = next(r for r in ROWS if r["file"] == file)
    profile = profile_of(row)
    fetched = datetime.fromisoformat(row["crawl_date"]).replace(tzinfo=UTC)
    return article_from_html(html_of(row), row["url"], site=profile.name, fetched_at=fetched,
                             profile=profile, credit_lines=profile.credit)


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


def shingle_pr(gold: str, got: str, n: int = 4) -> tuple[float, float]:
    """Precision and recall of 4-gram token shingles (the bench's measure)."""
    def grams(text: str) -> Counter[tuple[str, ...]]:
        toks = re.findall(r"\w+", text)
        return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)))
    g, p = grams(gold), grams(got)
    tp = sum((g & p).values())
    return tp / max(1, sum(p.values())), tp / max(1, sum(g.values()))


def root_of(row: dict[str, Any]) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html_of(row).decode("utf-8"))


def related_titles(root: lxml.html.HtmlElement) -> list[str]:
    titles = []
    for box in root.iter():
        if isinstance(box.tag, str) and RELATED_BOX.search(box.get("class") or ""):
            for node in box.iter("a", "h4", "h3"):
                text = squash(node.text_content())
                if len(text) >= 20:
                    titles.append(text)
    return titles


CASES = pytest.mark.parametrize("row", ROWS, ids=page_id)


@CASES
def test_profile_accepts_the_url(row: dict[str, Any]) -> None:
    profile = profile_of(row)
    assert row["url"].split("/")[2].removeprefix("www.") == profile.domain
    assert profile.is_article_url(row["url"])


@CASES
def test_title_is_the_headline(row: dict[str, Any]) -> None:
    h1 = squash(next(h.text_content() for h in root_of(row).iter("h1")))
    assert squash(item_of(row["file"]).title) in (h1, squash(row["title"]))


@CASES
def test_date_is_the_day_the_page_shows(row: dict[str, Any]) -> None:
    shown = str(row.get("publishing_date_page_visible") or row["publishing_date"])[:10]
    assert (item_of(row["file"]).published_at or "")[:10] == shown


@CASES
def test_body_matches_the_gold_and_holds_no_related_titles(row: dict[str, Any]) -> None:
    item = item_of(row["file"])
    assert item.is_article
    precision, recall = shingle_pr(row["body_text"], item.body)
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, (precision, recall)
    body = squash(item.body)
    own = {squash(row["title"]), squash(item.title)}
    for title in related_titles(root_of(row)):
        assert title in own or title not in body, title
    for headline in item.headlines:
        assert squash(headline["title"]) not in body


@CASES
def test_headlines_are_other_stories_with_absolute_urls(row: dict[str, Any]) -> None:
    item = item_of(row["file"])
    for h in item.headlines:
        assert h["url"].startswith("https://") and h["url"] != row["url"]
    assert [h["position"] for h in item.headlines] == list(range(1, len(item.headlines) + 1))


def test_aa_byline_section_and_similar_stories() -> None:
    rows_aa = [r for r in ROWS if "aa.com.tr" in r["url"]]
    assert rows_aa
    for row in rows_aa:
        item = item_of(row["file"])
        assert item.author in (row["authors"] or []), item.author
        assert item.category
        assert item.tags and "Anadolu Ajansı" not in item.tags
        box = root_of(row).xpath("//div[contains(@class, 'detay-benzerHaberler')]")
        if box:
            links = [squash(a.text_content()) for a in box[0].iter("a")]
            expected = [t for t in dict.fromkeys(links) if t and t != squash(row["title"])]
            assert [h["title"] for h in item.headlines] == expected
