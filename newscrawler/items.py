"""The article item that travels from the spider through the pipelines to the archive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newscrawler.extract.blocks import Block
from newscrawler.text.dates import DateCandidate


@dataclass
class Prepared:
    """What an extraction worker did ahead of the pipelines (``EXTRACT_WORKERS``).

    ``cleaned``: the text fields and blocks are cleaned (``stray_chars`` U+FFFD removed,
    ``boilerplate_dropped`` blocks dropped); ``split``: ``paragraphs``, ``body``,
    ``credit`` and ``headlines`` are filled; ``places``: the places of ``places_for``
    (title, body, credit), None when not tagged.
    """

    cleaned: bool = False
    stray_chars: int = 0
    boilerplate_dropped: int = 0
    split: bool = False
    places_for: tuple[str | None, str, str | None] | None = None
    places: list[dict[str, Any]] | None = None


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
        } | ({} if self.places is None else {"places": list(self.places)})
