"""The generic article-region finder: score containers by paragraph text, pick the best.

All site knowledge here is data (the word lists and tag sets below); the functions only
combine them. A "paragraph" is a ``<p>``, a list item, or a run of bare text between
``<br>``s with at least ``MIN_PARAGRAPH`` characters and low link density; it scores its
holder fully and the holder's parent by half (the readability scheme), then class/id words
scale the totals. List items and short data-table cells score the container of the whole
list or table. The best container comes with its same-class "cousins" (a body cut into
chunks by ads), or is widened to its parent when a sibling holds body text too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from newscrawler.extract.dom import Element, class_id, text_content, word_pattern

# --- data -------------------------------------------------------------------------------

# class/id tokens that name the body container itself on Turkish CMSs, WordPress and agencies.
STRONG_BODY_CLASSES = frozenset(
    {
        "entry-content", "post-content", "post-body", "post-entry", "single-content",
        "td-post-content", "article-body", "article-content", "article-text", "articlebody",
        "article-post-content", "story-body", "news-text", "news-content", "news-body",
        "news-detail-text", "haber-detay", "haber_detay", "haberdetay", "haber-detay-icerik",
        "haber-icerik", "haber_icerik", "habericerik", "haber-metni", "haber_metni",
        "habermetni", "haber-text", "haber-content", "detay-icerik", "detay-metin",
        "detay-text", "detail-content", "detail-text", "detail-body", "content-text",
        "content-body", "text-content", "icerikyazi", "amp-content", "article-detail-content",
    }
)
# Words that make a container more likely to be the body.
POSITIVE_WORDS = (
    "article", "content", "detay", "detail", "entry", "post", "story", "haber", "news",
    "text", "body", "icerik", "metin", "yazi", "single", "main",
)
# Words that make a container unlikely to be the body (and its paragraphs worthless).
NEGATIVE_WORDS = (
    "comment", "yorum", "sidebar", "side-bar", "widget", "footer", "header", "menu", "navbar",
    "related", "ilgili", "benzer", "diger", "share", "social", "reklam", "ads", "ad",
    "banner", "popular", "populer", "okunan", "most-read", "tags", "etiket", "newsletter",
    "breadcrumb", "promo", "sponsor", "cookie", "consent", "gdpr", "modal", "popup", "login",
    "manset",
    "slider", "carousel", "swiper", "gallery", "galeri", "video-list", "teaser", "card",
)
# Tags whose paragraphs never belong to the article.
NEGATIVE_TAGS = frozenset({"nav", "footer", "aside", "header", "form", "menu", "dialog"})
# Class/id words of a lead / summary ("spot") placed beside the body container.
LEAD_WORDS = ("spot", "ozet", "summary", "lead", "description", "desc", "abstract", "intro")

BAD_WORD_DEPTH = 3  # levels above a paragraph whose class/id words can disqualify it
MAX_BAD_SHARE = 0.5  # a negative box with more of the page's text than this is a wrapper
# Inline tags a bare text climbs out of to find the block that holds it.
CLIMB_TAGS = frozenset({"b", "strong", "em", "i", "u", "font", "small", "big", "span", "label",
                        "time", "abbr", "cite", "q", "sub", "sup", "mark", "s", "strike"})
# Blocks whose bare text (``<br>`` layouts) counts as paragraphs.
BARE_TEXT_HOLDERS = frozenset({"div", "td", "section", "article", "main", "center",
                               "blockquote", "dd"})
# List items and table cells whose text scores the container of the list or table.
ITEM_TAGS = frozenset({"li", "dd", "dt"})
CELL_TAGS = frozenset({"td", "th"})
STRUCTURE_TAGS = frozenset({"li", "dd", "dt", "ul", "ol", "dl", "td", "th", "tr", "tbody",
                            "thead", "tfoot", "table"})
MAX_DATA_CELL = 300  # characters of a cell that is data, not a layout table's column
TOP_CANDIDATES = 12  # candidates whose link density is measured
MIN_PARAGRAPH = 25  # characters of text for a paragraph to score at all
GOOD_PARAGRAPH = 40  # characters for a paragraph to count as "real" (is_article, lead siblings)
MAX_PARAGRAPH_LINK_DENSITY = 0.5
STRONG_FACTOR = 1.6
POSITIVE_FACTOR = 1.25
NEGATIVE_FACTOR = 0.3
ARTICLE_TAG_FACTOR = 1.3
MIN_SIBLING_SCORE = 5.0  # score of a sibling container that widens the region to the parent
SIBLING_SHARE = 0.2  # ... and its share of the best container's score
MAX_SIBLING_LINK_DENSITY = 0.3
COUSIN_LEVELS = 4  # levels above the best container searched for same-class chunks
COUSIN_SHARE = 0.1  # score of a same-class chunk, as a share of the best container's

# --- compiled forms of the data --------------------------------------------------------

_POSITIVE = word_pattern(POSITIVE_WORDS)
_NEGATIVE = word_pattern(NEGATIVE_WORDS)
_LEAD = word_pattern(LEAD_WORDS)
_TOKEN_SPLIT = re.compile(r"\s+")
# Plain strings (only joined): a smart string makes a proxy of its parent element.
_LINK_TEXT = etree.XPath("descendant::a/descendant::text()", smart_strings=False)
# The link test first (menus are mostly link texts), then the raw length (normalize-space
# only shortens): the same nodes as asking in any order, ~4x cheaper than the naive order
# on a page with a big menu (descendant:: as in newscrawler.extract.fields). ``ancestor::a[1]``:
# the nearest one only, so the walk up stops there (the same test, ~15% cheaper).
_BARE_TEXT = etree.XPath(
    f"descendant::text()[not(ancestor::a[1])][not(ancestor::p[1])]"
    f"[string-length(.) >= {MIN_PARAGRAPH}]"
    f"[string-length(normalize-space(.)) >= {MIN_PARAGRAPH}]"
)


def is_strong_body(el: Element) -> bool:
    """Whether the element's class/id or itemprop names the article body outright."""
    if el.get("itemprop", "").lower() == "articlebody":
        return True
    words = class_id(el)
    return bool(words) and not STRONG_BODY_CLASSES.isdisjoint(_TOKEN_SPLIT.split(words))


def class_factor(el: Element) -> float:
    """How much an element's tag and class/id words scale its paragraph score."""
    factor = 1.0
    if is_strong_body(el):
        factor *= STRONG_FACTOR
    words = class_id(el)
    if words:
        if _POSITIVE.search(words):
            factor *= POSITIVE_FACTOR
        if _NEGATIVE.search(words):
            factor *= NEGATIVE_FACTOR
    if el.tag == "article":
        factor *= ARTICLE_TAG_FACTOR
    return factor


def link_density(el: Element) -> float:
    """Share of the element's text that sits inside links (0 for an empty element)."""
    total = len(text_content(el).strip())
    if not total:
        return 0.0
    return min(1.0, len("".join(_LINK_TEXT(el)).strip()) / total)


def paragraph_score(text: str) -> float:
    """Readability's paragraph weight: one point, one per comma, one per 100 characters (≤ 3).

    >>> paragraph_score("Vali, törende konuştu, teşekkür etti.")
    3.0
    """
    # counted by str.count, not a regex's findall: ~15,000 instructions a large page's
    # paragraph less (a findall tests its character class at each character)
    return 1.0 + text.count(",") + text.count("،") + min(len(text) // 100, 3)


class _Scorer:
    """Accumulates paragraph scores on ancestors in one pass over the tree."""

    def __init__(self, page_chars: int) -> None:
        self.scores: dict[Element, float] = {}
        self._bad: dict[Element, bool] = {}
        self._bad_words_of: dict[Element, bool] = {}  # paragraphs share their ancestors
        # A "negative" box holding most of the page is a wrapper (``<form>`` around an
        # ASP.NET page, ``class="has-sidebar"``), not a box to avoid.
        self._max_bad_chars = MAX_BAD_SHARE * page_chars

    def _bad_tag(self, node: Element) -> bool:
        return node.tag in NEGATIVE_TAGS and len(text_content(node)) < self._max_bad_chars

    def _bad_words(self, node: Element) -> bool:
        known = self._bad_words_of.get(node)
        if known is None:
            words = class_id(node)
            known = self._bad_words_of[node] = bool(
                words and _NEGATIVE.search(words) and not _POSITIVE.search(words)
                and len(text_content(node)) < self._max_bad_chars)
        return known

    def is_bad(self, el: Element) -> bool:
        """Whether ``el`` sits in navigation, a footer, an aside (any depth) or, within
        ``BAD_WORD_DEPTH`` levels, in a box whose class/id names comments, ads and the like."""
        node: Element | None = el
        for _ in range(BAD_WORD_DEPTH):
            if node is None or node.tag in ("body", "html"):
                break
            if self._bad_words(node):
                return True
            node = node.getparent()
        chain: list[Element] = []
        verdict = False
        node = el
        while node is not None:
            known = self._bad.get(node)
            if known is not None:
                verdict = known
                break
            chain.append(node)
            if self._bad_tag(node):
                verdict = True
                break
            node = node.getparent()
        for item in chain:
            self._bad[item] = verdict
        return verdict

    def add(self, holder: Element, text: str, linked: int) -> None:
        """Credit one paragraph of ``text`` found directly in ``holder``."""
        if len(text) < MIN_PARAGRAPH or linked > MAX_PARAGRAPH_LINK_DENSITY * len(text):
            return
        if self.is_bad(holder):
            return
        score = paragraph_score(text)
        self.scores[holder] = self.scores.get(holder, 0.0) + score
        parent = holder.getparent()
        if parent is not None and parent.tag != "html":
            self.scores[parent] = self.scores.get(parent, 0.0) + score / 2


def lifted(holder: Element) -> Element:
    """Where a paragraph's score goes: its holder, or for a list item or a short data-table
    cell, the container of the whole list or table (an article's bullet points and tables
    are its text; one item or cell is not the article)."""
    if holder.tag not in ITEM_TAGS and not (
        holder.tag in CELL_TAGS and len(text_content(holder)) <= MAX_DATA_CELL
    ):
        return holder
    node = holder
    while node.tag in STRUCTURE_TAGS:
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return node


def paragraph_scores(root: Element) -> dict[Element, float]:
    """Every scored container with its paragraph score times its class factor."""
    body = root.find("body")
    top = root if body is None else body
    scorer = _Scorer(len(text_content(top)))
    for p in top.iter("p"):
        text = text_content(p).strip()
        if len(text) >= MIN_PARAGRAPH:
            parent = p.getparent()
            if parent is not None:
                linked = _LINK_TEXT(p) if next(p.iterdescendants("a"), None) is not None else ()
                scorer.add(lifted(parent), text, len("".join(linked).strip()))
    for node in _BARE_TEXT(top):
        holder = node.getparent()
        if holder is None:
            continue
        if node.is_tail:
            holder = holder.getparent()
        while holder is not None and holder.tag in CLIMB_TAGS:
            holder = holder.getparent()
        if holder is not None and holder.tag in ITEM_TAGS:
            scorer.add(lifted(holder), str(node).strip(), 0)
        elif holder is not None and holder.tag in BARE_TEXT_HOLDERS:
            scorer.add(lifted(holder), str(node).strip(), 0)
    weighted = {}
    for el, score in scorer.scores.items():
        if el.tag in ("body", "html"):
            score *= 0.5
        weighted[el] = score * class_factor(el)
    return weighted


def score_candidates(root: Element) -> dict[Element, float]:
    """Scored containers with their final score (paragraph score x link and class factors).

    Link density is measured only for the ``TOP_CANDIDATES`` best before it is applied.
    """
    weighted = paragraph_scores(root)
    return _final_scores(weighted)


def _final_scores(weighted: dict[Element, float]) -> dict[Element, float]:
    best = sorted(weighted, key=weighted.__getitem__, reverse=True)[:TOP_CANDIDATES]
    return {el: weighted[el] * (1.0 - link_density(el)) for el in best}


def is_lead(el: Element) -> bool:
    """A lead / summary ("spot") element: lead class words, some text, few links."""
    if not isinstance(el.tag, str):
        return False
    words = class_id(el)
    if not words or not _LEAD.search(words) or _NEGATIVE.search(words):
        return False
    return len(text_content(el).strip()) >= GOOD_PARAGRAPH and link_density(el) < 0.25


def _is_body_sibling(el: Element, weighted: dict[Element, float], best_score: float) -> bool:
    """A sibling that carries body text too: a long low-link ``<p>`` or ``<h2>``, a lead,
    or a container that scores a good share of the best one."""
    tag = el.tag
    if not isinstance(tag, str):
        return False
    if is_lead(el):
        return True
    score = weighted.get(el, 0.0)
    if score >= max(MIN_SIBLING_SCORE, SIBLING_SHARE * best_score) and (
        link_density(el) < MAX_SIBLING_LINK_DENSITY
    ):
        return True
    text_len = len(text_content(el).strip())
    if tag == "p":
        return text_len >= 80 and link_density(el) < 0.25
    return tag in ("h2", "h3") and text_len >= 60 and link_density(el) < 0.25


def _ancestors_upto(el: Element, levels: int) -> list[Element]:
    out: list[Element] = []
    node = el.getparent()
    while node is not None and len(out) < levels and node.tag not in ("body", "html"):
        out.append(node)
        node = node.getparent()
    return out


def cousins(best: Element, weighted: dict[Element, float], best_score: float) -> list[Element]:
    """Containers of the same tag and class as ``best`` near it (a body cut into chunks, as
    on pages that put an ad between every few paragraphs), ``best`` included, in page order."""
    cls = best.get("class")
    if not cls:
        return [best]
    near = _ancestors_upto(best, COUSIN_LEVELS)
    if not near:
        return [best]
    top = near[-1]
    floor = COUSIN_SHARE * best_score
    found = [best]
    for el, score in weighted.items():
        if el is best or el.tag != best.tag or el.get("class") != cls or score < floor:
            continue
        inside = any(a is top for a in el.iterancestors())
        if inside and link_density(el) < MAX_SIBLING_LINK_DENSITY:
            found.append(el)
    if len(found) == 1:
        return found
    chosen = set(found)
    outer = [el for el in found if not any(a in chosen for a in el.iterancestors())]
    return sorted(outer, key=_position(top))


def _position(top: Element) -> Callable[[Element], int]:
    order = {el: i for i, el in enumerate(top.iter())}
    return lambda el: order.get(el, 0)


def find_region(root: Element) -> list[Element]:
    """The elements that most likely hold the article body (empty for a page without one).

    The best-scoring container comes with its same-class cousins (a body in chunks); a
    lone one is widened to its parent when a sibling holds body text too (a lead paragraph
    or "spot" beside the text container, or another good container; for a container named
    as the body outright, only a lead counts).
    """
    weighted = paragraph_scores(root)
    scores = _final_scores(weighted)
    if not scores:
        return []
    best = max(scores, key=scores.__getitem__)
    chunks = cousins(best, weighted, scores[best])
    if len(chunks) > 1:
        return chunks
    parent = best.getparent()
    if parent is None or parent.tag in ("body", "html") or _NEGATIVE.search(class_id(parent)):
        return [best]
    if is_strong_body(best):
        accept: Callable[[Element], bool] = is_lead
    else:
        def accept(el: Element) -> bool:
            return _is_body_sibling(el, weighted, scores[best])
    if any(accept(sib) for sib in parent if sib is not best):
        return [parent]
    return [best]
