"""CleanTextPipeline: Turkish text repair on every text field and block of an item."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from newscrawler.extract.blocks import Block, Link
from newscrawler.items import ArticleItem
from newscrawler.text.clean import clean_text, is_boilerplate
from newscrawler.text.compat import count_replacement_chars

if TYPE_CHECKING:  # the module imports no Scrapy: extraction workers run clean_item
    from scrapy.crawler import Crawler


def _cleaned(text: str, turkish: bool) -> str:
    """``clean_text``, remembered for plain strings: a site's pages repeat their link
    titles (related and most-read boxes) and template lines (a third of the texts on a
    crawl of distinct large pages)."""
    if type(text) is not str:  # a subclass (an lxml text node) would keep its page alive
        return clean_text(text, turkish=turkish)
    return _remembered(text, turkish)


@lru_cache(maxsize=1024)
def _remembered(text: str, turkish: bool) -> str:
    return clean_text(text, turkish=turkish)


def _cleaned_lines(lines: tuple[str, ...], turkish: bool) -> tuple[str, ...]:
    """Each line cleaned, blank ones dropped.

    >>> _cleaned_lines(("İzmir&#39;de  yağmur", "\u200b", "Bitti."), True)
    ("İzmir'de yağmur", 'Bitti.')
    """
    return tuple(line for line in (_cleaned(x, turkish) for x in lines) if line)


def clean_item(item: ArticleItem) -> int:
    """Clean an item's text in place; return how many boilerplate blocks were dropped."""
    turkish = (item.language or "tr").lower().startswith("tr")
    for name in ("title", "author", "category", "description"):
        value = getattr(item, name)
        if value:
            setattr(item, name, _cleaned(value, turkish) or None)
    item.tags = [t for t in (_cleaned(tag, turkish) for tag in item.tags) if t]
    kept: list[Block] = []
    dropped = 0
    for block in item.blocks:
        lines: tuple[str, ...] = ()
        if block.lines:
            lines = _cleaned_lines(block.lines, turkish)
            text = " ".join(lines)
            lines = lines if len(lines) > 1 else ()
        else:
            text = _cleaned(block.text, turkish) if block.text else ""
        links = tuple(
            Link(title, link.url)
            for link in block.links
            if (title := _cleaned(link.title, turkish))
        )
        if block.kind == "links":
            if links:
                kept.append(Block("links", text, links, block.in_article))
            continue
        if not text:
            continue
        if is_boilerplate(text):
            dropped += 1
            continue
        kept.append(Block(block.kind, text, links, block.in_article, lines))
    item.blocks = kept
    return dropped


def replacement_chars(item: ArticleItem) -> int:
    """How many U+FFFD (bytes the source could not decode) the item's text holds."""
    texts = [item.title, item.author, item.category, item.description, *item.tags]
    for block in item.blocks:
        texts.append(block.text)
        texts.extend(link.title for link in block.links)
    return sum(count_replacement_chars(t) for t in texts if t)


class CleanTextPipeline:
    """Repair encodings, entities, invisible characters and boilerplate lines.

    An item cleaned ahead by an extraction worker (``EXTRACT_WORKERS``, ``item.prepared``)
    is only counted.

    Stats: ``clean/items``, ``clean/boilerplate_dropped``, ``clean/replacement_chars``
    (stray U+FFFD removed).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanTextPipeline:
        from scrapy.exceptions import NotConfigured

        if not crawler.settings.getbool("CLEAN_ENABLED", True):
            raise NotConfigured("CLEAN_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            assert self.stats is not None
            if item.prepared is not None and item.prepared.cleaned:
                stray, dropped = item.prepared.stray_chars, item.prepared.boilerplate_dropped
            else:
                stray = replacement_chars(item)
                dropped = clean_item(item)
            if stray:
                self.stats.inc_value("clean/replacement_chars", stray)
            self.stats.inc_value("clean/items")
            if dropped:
                self.stats.inc_value("clean/boilerplate_dropped", dropped)
        return item
