"""Blocks: the unit that extraction hands to cleaning and splitting."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Link:
    """One link: its visible title and absolute URL (``None`` in plain-text dumps)."""

    title: str
    url: str | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph, subheading, list item or link list, in page order.

    ``in_article`` is False for blocks found after the article region; the split
    pipeline decides where the article really ends.
    """

    kind: str  # "p", "h", "li" or "links"
    text: str
    links: tuple[Link, ...] = ()
    in_article: bool = True

    def with_text(self, text: str) -> Block:
        """A copy with other text (cleaning keeps kind, links and position)."""
        return replace(self, text=text)
