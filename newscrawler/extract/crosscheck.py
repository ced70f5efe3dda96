"""The region cross-checked with the JSON-LD ``articleBody`` a site gives.

When the region's text covers little of ``articleBody``, the region finder picked the wrong
box (or none): the container of the ``articleBody``'s own paragraphs is looked up in the
page instead, and when the page does not show them (a body rendered by script), the
``articleBody`` text itself becomes the blocks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from newscrawler.extract.blocks import Block
from newscrawler.extract.dom import Element, collapse, text_content

MIN_REFERENCE = 200  # characters of an articleBody worth checking against
MIN_COVERAGE = 0.5  # share of its words the region's text must hold
PROBE_CHARS = 60  # characters of a reference paragraph looked for in the page
MIN_PROBE = 30  # ... and no fewer
PROBES = 3  # paragraphs probed from each end of the reference
PROBE_TAGS = ("p", "div", "span", "td", "section", "article", "li", "font")
_WORD = re.compile(r"\w+")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÇĞİÖŞÜ\"“])")
SENTENCES_PER_BLOCK = 3  # sentences per block when the reference has no line breaks


def coverage(text: str, reference: str) -> float:
    """Share of the reference's words (counted with repeats) that the text holds.

    >>> coverage("Vali köprüyü açtı ve konuştu", "Vali köprüyü açtı")
    1.0
    >>> coverage("Hava güzel", "Vali köprüyü açtı")
    0.0
    """
    ref = Counter(w.lower() for w in _WORD.findall(reference))
    if not ref:
        return 1.0
    got = Counter(w.lower() for w in _WORD.findall(text))
    return sum((ref & got).values()) / sum(ref.values())


def reference_paragraphs(reference: str) -> list[str]:
    """The reference cut into paragraphs: at its line breaks, else every few sentences.

    >>> reference_paragraphs("Bir. İki.\\n\\nÜç.")
    ['Bir. İki.', 'Üç.']
    """
    parts = [collapse(p) for p in _PARAGRAPH_BREAK.split(reference.strip())]
    parts = [p for p in parts if p]
    if len(parts) > 1:
        return parts
    sentences = _SENTENCE_END.split(collapse(reference))
    return [" ".join(sentences[i : i + SENTENCES_PER_BLOCK])
            for i in range(0, len(sentences), SENTENCES_PER_BLOCK) if sentences[i]]


def _probes(paragraphs: Sequence[str]) -> list[str]:
    long = [p for p in paragraphs if len(p) >= MIN_PROBE]
    picked = long[:PROBES] + long[-PROBES:] if len(long) > 2 * PROBES else long
    return [p[:PROBE_CHARS] for p in picked]


def locate(root: Element, reference: str) -> Element | None:
    """The smallest element holding the reference's first and last probed paragraphs
    (None when the page does not show them, or only the whole page does)."""
    probes = _probes(reference_paragraphs(reference))
    if not probes:
        return None
    body = root.find("body")
    top = root if body is None else body
    matches: dict[str, Element] = {}
    for el in top.iter(*PROBE_TAGS):
        start = collapse(text_content(el)[: 4 * PROBE_CHARS])
        if len(start) < MIN_PROBE:
            continue
        for probe in probes:
            if start.startswith(probe):
                matches[probe] = el  # the deepest (latest) holder wins
    if len(matches) < min(2, len(probes)):
        return None
    return _common_ancestor(list(matches.values()))


def _common_ancestor(elements: Sequence[Element]) -> Element | None:
    first = [elements[0], *elements[0].iterancestors()]
    for el in elements[1:]:
        line = {el, *el.iterancestors()}
        first = [a for a in first if a in line]
    if not first or first[0].tag in ("body", "html"):
        return None
    return first[0]


def reference_blocks(reference: str) -> list[Block]:
    """Body blocks made of the reference text itself."""
    return [Block("p", p) for p in reference_paragraphs(reference)]
