"""The lead ("spot", standfirst): the summary paragraph between the headline and the body.

Turkish news pages print it right under the ``<h1>``, often in an ``<h2>``, outside the
container that holds the paragraphs, so the region finder leaves it out. In Turkish news
writing the spot is the story's first paragraph (agency wires print it as such), so it is
body text on Turkish pages (``LEAD_LANGUAGES``); an English standfirst is a subtitle and
stays out. It is taken when its class/id names a lead or when its text is the page's
description (``og:description`` / ``<meta name=description>``), which is how sites label it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from newscrawler.extract.dom import Element, class_id, collapse, text_content
from newscrawler.extract.fold import fold_key
from newscrawler.extract.region import GOOD_PARAGRAPH, is_lead, link_density

# Tags a lead is written in.
LEAD_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b",
                       "summary", "section"})
# Subtrees between headline and body that never hold the lead.
SKIP_TAGS = frozenset({"a", "nav", "aside", "form", "figure", "figcaption", "button", "ul",
                       "ol", "table", "time", "header", "footer", "select", "iframe"})
MAX_SCAN = 300  # elements looked at after the headline
MATCH_CHARS = 60  # leading characters of the description the lead must repeat ...
MIN_MATCH = 30  # ... and no fewer than this many
MAX_LEAD_LINK_DENSITY = 0.25
# Languages whose news pages count the lead as the body's first paragraph.
LEAD_LANGUAGES = ("tr",)
_TURKISH_ONLY = re.compile("[ıİşŞğĞ]")


def lead_is_body(language: str | None, text: str) -> bool:
    """Whether a lead belongs to the body: a page in one of ``LEAD_LANGUAGES`` (by its
    declared language, else by letters only Turkish uses).

    >>> lead_is_body("tr", "Vali açıkladı"), lead_is_body(None, "Köprü yıl sonunda açılıyor")
    (True, True)
    >>> lead_is_body("en", "Bridge opens"), lead_is_body(None, "The bridge opens in May")
    (False, False)
    """
    if language:
        return language.lower().startswith(LEAD_LANGUAGES)
    return _TURKISH_ONLY.search(text) is not None


def same_start(text: str, description: str) -> bool:
    """Whether a text and the page description begin alike (either may be cut short).

    >>> same_start("Vali Yılmaz, yeni köprünün yıl sonunda açılacağını söyledi.",
    ...            "Vali Yılmaz, yeni köprünün yıl sonunda açılacağını...")
    True
    >>> same_start("Vali Yılmaz açıklama yaptı ve köprü için tarih verdi.", "Köprü açılıyor")
    False
    """
    a, b = fold_key(text), fold_key(description)
    n = min(len(a), len(b), MATCH_CHARS)
    return n >= MIN_MATCH and a[:n] == b[:n]


def _after(h1: Element) -> Iterator[Element]:
    """Elements after ``h1`` in page order (not below it), skipping non-lead subtrees."""
    node: Element | None = h1
    while node is not None and node.tag not in ("body", "html"):
        sib = node.getnext()
        while sib is not None:
            if isinstance(sib.tag, str):
                yield from _descend(sib)
            sib = sib.getnext()
        node = node.getparent()


def _descend(el: Element) -> Iterator[Element]:
    if el.tag in SKIP_TAGS:
        yield el  # seen (it may be the region) but not entered
        return
    yield el
    for child in el:
        if isinstance(child.tag, str):
            yield from _descend(child)


def find_lead(h1: Element | None, region: Sequence[Element], description: str | None,
              ) -> str | None:
    """The lead's text: the first element after the headline and before the region that
    is marked as a lead or repeats the description; None when the region holds the
    headline (its lead is walked with it) or nothing fits."""
    if h1 is None or not region:
        return None
    first = region[0]
    if any(r is h1 or r in h1.iterancestors() for r in region):
        return None
    stops = set(region)
    holders = set(first.iterancestors())
    for seen, el in enumerate(_after(h1)):
        if seen >= MAX_SCAN or el in stops:
            return None
        if el in holders or el.tag in SKIP_TAGS or el.tag not in LEAD_TAGS:
            continue
        if next(el.iterdescendants("h1"), None) is not None:
            continue  # a header box holding the headline again, with its date and credit
        text = collapse(text_content(el))
        if len(text) < GOOD_PARAGRAPH:
            continue
        marked = bool(class_id(el)) and is_lead(el)
        if (marked or (description and same_start(text, description))) and (
            link_density(el) < MAX_LEAD_LINK_DENSITY
        ):
            return text
    return None

