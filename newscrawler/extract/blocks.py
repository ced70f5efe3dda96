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
    pipeline decides where the article really ends. ``lines``: the lines of a paragraph
    or list item whose lines a single ``<br>`` parts (``text`` is them joined by a
    space), else empty: the split pipeline finds a credit line and a list of headlines
    among them.
    """

    kind: str  # "p", "h", "li" or "links"
    text: str
    links: tuple[Link, ...] = ()
    in_article: bool = True
    lines: tuple[str, ...] = ()

    def with_text(self, text: str) -> Block:
        """A copy with other text, one line (cleaning keeps kind, links and position)."""
        return replace(self, text=text, lines=())

    def text_lines(self) -> tuple[str, ...]:
        """The block's lines: ``lines``, else its text as one line.

        >>> Block("p", "Bir İki", lines=("Bir", "İki")).text_lines(), Block("p", "Üç").text_lines()
        (('Bir', 'İki'), ('Üç',))
        """
        return self.lines or (self.text,)
