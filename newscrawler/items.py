"""The article item that travels from the spider through the pipelines to the archive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newscrawler.extract.blocks import Block
from newscrawler.text.dates import DateCandidate

if TYPE_CHECKING:
    from newscrawler.pipelines.dates import DateFields


@dataclass
class Prepared:
    """What an extraction worker did ahead of the pipelines (``EXTRACT_WORKERS``).

    ``cleaned``: the text fields and blocks are cleaned (``stray_chars`` U+FFFD removed,
    ``boilerplate_dropped`` blocks dropped); ``split``: ``paragraphs``, ``body``,
    ``credit`` and ``headlines`` are filled; ``places``: the places of ``places_for``
    (title, body, credit), None when not tagged.

    Then what later pipelines compute from the text, valid while the item's title, body and
    credit are still ``places_for`` (:meth:`holds`; a learned template line may have left
    the body since): ``cta_dropped`` call-to-action lines were dropped and ``line_keys``
    are the body lines' template hashes (TemplatePipeline); ``block``: the page's text,
    its block reason and the short text's key (BlockPagePipeline); ``content_hash``,
    ``story_prints`` and the look-alike ``spellings`` (DedupePipeline, the archive).
    ``dates``: DatesPipeline's choice from the page's candidates plus ``dates_from`` (feed
    and sitemap dates known when the page was sent to the worker); ``raw_compressed``: the
    raw page, compressed for the archive; ``follow``: the canonical URLs of its article
    links (for the spider); ``blocks_text``: the joined text of the blocks, which the
    worker left out of the item (``Steps.slim``).
    """

    cleaned: bool = False
    stray_chars: int = 0
    boilerplate_dropped: int = 0
    split: bool = False
    places_for: tuple[str | None, str, str | None] | None = None
    places: list[dict[str, Any]] | None = None
    cta_dropped: int = 0
    line_keys: dict[str, tuple[int, str]] | None = None
    block: tuple[str, str | None, int | None] | None = None
    content_hash: str | None = None
    story_prints: Any = None
    spellings: frozenset[str] | None = None
    dates: DateFields | None = None
    dates_from: tuple[DateCandidate, ...] = ()
    raw_compressed: bytes | None = None
    follow: tuple[str, ...] | None = None
    blocks_text: str | None = None

    def holds(self, item: ArticleItem) -> bool:
        """Whether the item's title, body and credit are still those the worker read."""
        return self.places_for == (item.title, item.body, item.credit)


@dataclass
class ArticleItem:
    """One fetched article page, filled in stage by stage.

    The spider sets the fetch facts and what extraction found (``blocks``,
    ``date_candidates``); cleaning rewrites text in place; splitting fills ``body``,
    ``paragraphs``, ``credit`` and ``headlines``; dating fills the ``*_at`` fields.
    """

    url: str
    site: str
    fetched_at: str
    canonical_url: str | None = None
    status: int = 200
    content_type: str | None = None
    encoding: str | None = None
    raw_html: bytes | None = field(default=None, repr=False)

    is_article: bool = True
    reason: str | None = None
    title: str | None = None
    author: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    language: str | None = None
    blocks: list[Block] = field(default_factory=list, repr=False)
    date_candidates: list[DateCandidate] = field(default_factory=list)

    paragraphs: list[str] = field(default_factory=list, repr=False)
    body: str = field(default="", repr=False)
    credit: str | None = None
    headlines: list[dict[str, Any]] = field(default_factory=list, repr=False)

    published_at: str | None = None
    updated_at: str | None = None
    date_precision: str | None = None
    date_source: str | None = None
    date_raw: str | None = None
    flags: list[str] = field(default_factory=list)  # set by validation: "short"

    #: ``{"province", "district", "found_in"}`` dicts, most salient first (PlacesPipeline);
    #: None: not tagged (the archive keeps the places it has).
    places: list[dict[str, Any]] | None = None
    #: Steps an extraction worker ran ahead of the pipelines; None: none.
    prepared: Prepared | None = field(default=None, repr=False)

    def record(self) -> dict[str, Any]:
        """The archive record (``archive.Archive.save_articles`` input) for this item."""
        return {
            "url": self.canonical_url or self.url,
            "fetched_url": self.url,
            "site": self.site,
            "title": self.title,
            "body": self.body,
            "published_at": self.published_at,
            "updated_at": self.updated_at,
            "date_precision": self.date_precision,
            "date_source": self.date_source,
            "date_raw": self.date_raw,
            "author": self.author,
            "credit": self.credit,
            "category": self.category,
            "tags": list(self.tags),
            "language": self.language,
            "fetched_at": self.fetched_at,
            "headlines": list(self.headlines),
            "flags": list(self.flags),
        } | ({} if self.places is None else {"places": list(self.places)}) | self._ahead()

    def _ahead(self) -> dict[str, Any]:
        """The record's values a worker computed ahead, when the text is still its own."""
        prepared = self.prepared
        if prepared is None or prepared.content_hash is None or not prepared.holds(self):
            return {}
        return {"content_hash": prepared.content_hash, "story_prints": prepared.story_prints,
                **({} if prepared.spellings is None else {"spellings": prepared.spellings})}
