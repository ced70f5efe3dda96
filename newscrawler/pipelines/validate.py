"""ValidatePipeline: only real articles with a title and a body reach the archive.

What is not an article is dropped, each with its own reason (and stats key): pages the
extractor judged no article (``not_an_article``), listing pages (``listing_page``),
galleries without text (``gallery_without_text``), no title, an empty body, a short body
that is a notice ("Bu haber yayından kaldırılmıştır", ``notice_page``) or holds no
sentence text (``no_sentence_text``). Block pages never get here (``BlockPagePipeline``).
A short real article (one or two sentences) is kept and flagged ``short``.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newscrawler.extract.fold import fold_key
from newscrawler.extract.page import GALLERY_REASON, LISTING_REASON
from newscrawler.items import ArticleItem
from newscrawler.text.sentences import MIN_SENTENCE_CHARS, sentence_chars

#: The flag of an archived article whose body is shorter than ``VALIDATE_MIN_BODY_CHARS``.
SHORT = "short"


@cache
def notice_phrases() -> tuple[str, ...]:
    """The folded phrases of ``newscrawler/text/data/notice_phrases.txt``."""
    text = (files("newscrawler.text") / "data" / "notice_phrases.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(fold_key(line) for line in lines if line and not line.startswith("#"))


@cache
def site_page_titles() -> frozenset[str]:
    """The folded titles of ``newscrawler/text/data/site_page_titles.txt``."""
    text = (files("newscrawler.text") / "data" / "site_page_titles.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(fold_key(line) for line in lines if line and not line.startswith("#"))


def site_page(title: str | None) -> str | None:
    """The site page a title names ("Çerez Politikası", "Künye"), or None.

    >>> site_page("ÇEREZ POLİTİKASI"), site_page("KVKK'dan yeni karar")
    ('cerez politikasi', None)
    """
    key = fold_key((title or "").strip().rstrip(" .:"))
    return key if key in site_page_titles() else None


def notice(body: str) -> str | None:
    """The notice phrase a short body holds ("removed", "not found"), or None.

    >>> notice("Bu haber YAYINDAN KALDIRILMIŞTIR."), notice("Buca'da yangın çıktı.")
    ('yayindan kaldirilmistir', None)
    """
    folded = f" {fold_key(body)} "
    return next((p for p in notice_phrases() if f" {p} " in folded), None)


def problem(item: ArticleItem, *, min_body_chars: int, since: date | None = None,
            min_sentence_chars: int = MIN_SENTENCE_CHARS) -> str | None:
    """Why ``item`` is not an archivable article, or None when it is.

    A body shorter than ``min_body_chars`` is an article when it holds at least
    ``min_sentence_chars`` of sentence text and is no notice; ``article_flags`` marks it.
    """
    if not item.is_article:
        phrase = notice(item.body) if item.body and len(item.body) < min_body_chars else None
        if phrase:  # "Bu haber yayından kaldırılmıştır.": a removed or missing article
            return f"notice page ({phrase!r})"
        return f"not an article ({item.reason or 'no article markup'})"
    if not item.title:
        return "no title"
    page = site_page(item.title)
    if page:
        return f"site page ({page!r})"
    if not item.body.strip():
        return "empty body"
    if len(item.body) < min_body_chars:
        phrase = notice(item.body)
        if phrase:
            return f"notice page ({phrase!r})"
        if sentence_chars(item.paragraphs or [item.body]) < min_sentence_chars:
            return f"no sentence text ({len(item.body)} characters of body)"
    if since and item.published_at and item.published_at[:10] < since.isoformat():
        return f"published before {since.isoformat()}"
    return None


def article_flags(item: ArticleItem, *, min_body_chars: int) -> list[str]:
    """The marks an archived article gets: ``short`` below ``min_body_chars``."""
    return [SHORT] if len(item.body) < min_body_chars else []


def reason_key(reason: str) -> str:
    """A stats key for a drop reason.

    >>> reason_key("not an article (no article body)")
    'not_an_article'
    >>> reason_key("not an article (gallery without text)")
    'gallery_without_text'
    >>> reason_key("no sentence text (12 characters of body)")
    'no_sentence_text'
    """
    if reason == f"not an article ({GALLERY_REASON})":
        return "gallery_without_text"
    if reason == f"not an article ({LISTING_REASON})":
        return "listing_page"
    if reason.startswith("published before"):
        return "older_than_since"
    return reason.split(" (")[0].replace(" ", "_")


class ValidatePipeline:
    """Drop what is not an article (each with its reason) and articles older than
    ``--since``; flag short real articles ``short``.

    Settings: ``VALIDATE_MIN_BODY_CHARS``, ``VALIDATE_MIN_SENTENCE_CHARS``,
    ``NEWSCRAWLER_SINCE``.
    Stats: ``validate/ok``, ``validate/short``, ``validate/dropped/<reason>``.
    """

    def __init__(self, crawler: Crawler, min_body_chars: int, since: date | None,
                 min_sentence_chars: int = MIN_SENTENCE_CHARS) -> None:
        self.stats = crawler.stats
        self.min_body_chars = min_body_chars
        self.min_sentence_chars = min_sentence_chars
        self.since = since

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        since = crawler.settings.get("NEWSCRAWLER_SINCE") or ""
        return cls(
            crawler,
            crawler.settings.getint("VALIDATE_MIN_BODY_CHARS", 150),
            date.fromisoformat(since) if since else None,
            crawler.settings.getint("VALIDATE_MIN_SENTENCE_CHARS", MIN_SENTENCE_CHARS),
        )

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        assert self.stats is not None
        reason = problem(item, min_body_chars=self.min_body_chars, since=self.since,
                         min_sentence_chars=self.min_sentence_chars)
        if reason:
            self.stats.inc_value(f"validate/dropped/{reason_key(reason)}")
            raise DropItem(f"{reason}: {item.url}", log_level="INFO")
        item.flags = article_flags(item, min_body_chars=self.min_body_chars)
        if SHORT in item.flags:
            self.stats.inc_value("validate/short")
        self.stats.inc_value("validate/ok")
        return item
