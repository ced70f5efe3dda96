"""``extract_page``: metadata and blocks of one decoded HTML page, no decisions on the text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import islice, pairwise
from urllib.parse import urljoin

from newscrawler.extract.blocks import Block
from newscrawler.extract.crosscheck import (
    MIN_COVERAGE,
    MIN_REFERENCE,
    coverage,
    locate,
    reference_blocks,
)
from newscrawler.extract.datelines import DateCollector
from newscrawler.extract.dom import Element, css, css_texts, parse_html, strip_invisible
from newscrawler.extract.fields import (
    choose_author,
    choose_category,
    choose_tags,
    choose_title,
    clean_author,
    find_marked,
    language,
    site_names,
)
from newscrawler.extract.fold import fold_key
from newscrawler.extract.lead import find_lead, lead_is_body
from newscrawler.extract.metadata import Metadata, extract_metadata
from newscrawler.extract.region import GOOD_PARAGRAPH, find_region
from newscrawler.extract.walker import Walker
from newscrawler.profiles import Selectors, SiteProfile
from newscrawler.text.cta import cut_cta
from newscrawler.text.dates import DateCandidate
from newscrawler.text.sentences import MIN_SENTENCE_CHARS, sentence_chars
from newscrawler.urls import canonical_url

MAX_BYLINE = 80  # characters of an in-article line that only names the author
BYLINE_BLOCKS = 3  # first blocks of the region searched for such a line
BYLINE_SIBLINGS = 3  # elements beside the headline / before the region searched for dates
MIN_BODY_CHARS = 150  # below this the page has no article body
MIN_PARAGRAPHS = 2  # real paragraphs (≥ GOOD_PARAGRAPH chars) an article needs ...
ONE_PARAGRAPH_CHARS = 400  # ... unless its single paragraph is at least this long
# A region where at least this many link blocks each follow text, and they make up at least
# LISTING_SHARE of its text blocks, is a list of teasers (a category page), not an article.
MIN_LISTING_LISTS = 5
LISTING_SHARE = 0.5
MIN_GALLERY_IMAGES = 3  # images of a page without sentence text that make it a gallery
GALLERY_REASON = "gallery without text"
LISTING_REASON = "region is a list of teasers (a listing page?)"


@dataclass
class Extracted:
    """What one page yields before cleaning, splitting and date parsing."""

    url: str
    canonical_url: str | None = None
    title: str | None = None
    author: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    site_name: str | None = None
    language: str | None = None
    is_article: bool = False
    reason: str | None = None
    date_candidates: list[DateCandidate] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    json_ld_body: str | None = None


def _outermost(elements: list[Element]) -> list[Element]:
    """The elements that are not inside another one of them, in document order."""
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


def _first_h1(root: Element, region: list[Element]) -> Element | None:
    """The headline element: the first ``<h1>`` in the region, beside it, else on the page."""
    for scope in region:
        h1 = scope.find(".//h1")
        if h1 is not None:
            return h1
        parent = scope.getparent()
        if parent is not None:
            h1 = parent.find(".//h1")
            if h1 is not None:
                return h1
    return root.find(".//body//h1")


def _byline_scopes(h1: Element | None, region: list[Element]) -> list[Element]:
    """Where visible dates are searched: around the headline (its grandparent, or the
    few elements after it when it sits right in ``<body>``), before the region, the region."""
    scopes: list[Element] = []
    near = h1.getparent() if h1 is not None else None
    if h1 is not None and near is not None:
        grand = near.getparent()
        if near.tag == "body":
            scopes.extend(_element_siblings(h1.itersiblings(), BYLINE_SIBLINGS))
        else:
            scopes.append(grand if grand is not None and grand.tag != "body" else near)
    if region:
        scopes.extend(_element_siblings(region[0].itersiblings(preceding=True), BYLINE_SIBLINGS))
    scopes.extend(region)
    unique: list[Element] = []
    for el in scopes:
        if not any(el is u or u in el.iterancestors() for u in unique):
            unique.append(el)
    return unique


def _element_siblings(siblings: Iterator[Element], limit: int) -> list[Element]:
    return [el for el in islice((s for s in siblings if isinstance(s.tag, str)), limit)]


def _without_byline(blocks: list[Block], author: str) -> list[Block]:
    """The blocks minus a short byline that only repeats the author's name at the top of
    the region (at the bottom the same words may be the credit line the splitter needs)."""
    key = fold_key(author)
    for i, block in enumerate(blocks[:BYLINE_BLOCKS]):
        if not block.in_article:
            break
        if (block.kind == "p" and len(block.text) <= MAX_BYLINE
                and fold_key(clean_author(block.text)) == key):
            return blocks[:i] + blocks[i + 1 :]
    return blocks


def _without_self_links(blocks: list[Block], own: set[str]) -> list[Block]:
    """The blocks minus links back to the page itself (a related box that lists the story
    it sits under); a link block left without links is dropped."""
    out: list[Block] = []
    for block in blocks:
        if block.kind == "links" and any(canonical_url(x.url or "") in own for x in block.links):
            links = tuple(x for x in block.links if canonical_url(x.url or "") not in own)
            if not links:
                continue
            block = replace(block, links=links)
        out.append(block)
    return out


def _images(h1: Element | None, region: list[Element]) -> int:
    """Images in the region, else beside the headline (a gallery's photos)."""
    found = sum(1 for el in region for _ in el.iter("img"))
    if not found and h1 is not None and (parent := h1.getparent()) is not None:
        found = sum(1 for _ in parent.iter("img"))
    return found


def _judge(
    blocks: list[Block], region: list[Element], meta: Metadata, json_ld_body: str | None,
    images: int = 0,
) -> tuple[bool, str | None]:
    """Whether the page is an article, and why not.

    A short body is an article when it holds ``MIN_SENTENCE_CHARS`` of sentence text
    (a "son dakika" flash of one or two sentences); the validator flags it ``short``.
    """
    body = [b for b in blocks if b.in_article and b.kind != "links"]
    chars = sum(len(b.text) for b in body)
    real = sum(1 for b in body if b.kind in ("p", "li") and len(b.text) >= GOOD_PARAGRAPH)
    weak = chars < MIN_BODY_CHARS or (real < MIN_PARAGRAPHS and chars < ONE_PARAGRAPH_CHARS)
    if weak and json_ld_body and len(json_ld_body) >= MIN_BODY_CHARS:
        return True, None
    if weak or not (region or json_ld_body):
        sentences = sentence_chars(b.text for b in body if b.kind in ("p", "li"))
        if images >= MIN_GALLERY_IMAGES and sentences < MIN_SENTENCE_CHARS:
            return False, GALLERY_REASON
        if not region or sentences < MIN_SENTENCE_CHARS:
            if meta.og_type == "website":
                return False, "og:type website and no article body"
            return False, "no article body"
    inside = [b for b in blocks if b.in_article]
    teasers = sum(1 for a, b in pairwise(inside) if b.kind == "links" and a.kind != "links")
    if teasers >= MIN_LISTING_LISTS and teasers >= LISTING_SHARE * len(body):
        return False, LISTING_REASON
    return True, None


def _walk(base: str, region: list[Element], forced: tuple[Element, ...]) -> list[Block]:
    """The blocks of the region, then of the headline containers or what follows it."""
    walker = Walker(base, forced)
    for el in region:
        walker.walk(el, in_article=True)
    if forced:
        walker.walk_forced()
    elif region:
        walker.walk_following(region[-1])
    return walker.finish()


def _cross_check(root: Element, base: str, region: list[Element], forced: tuple[Element, ...],
                 blocks: list[Block], reference: str) -> tuple[list[Element], list[Block]]:
    """Region and blocks checked against the JSON-LD ``articleBody``: when they cover
    little of it, the box that shows it (else the ``articleBody`` text) replaces them."""
    text = " ".join(b.text for b in blocks if b.in_article and b.kind != "links")
    if coverage(text, reference) >= MIN_COVERAGE:
        return region, blocks
    found = locate(root, reference)
    if found is not None and found not in region:
        better = _walk(base, [found], forced)
        better_text = " ".join(b.text for b in better if b.in_article and b.kind != "links")
        if coverage(better_text, reference) >= MIN_COVERAGE:
            return [found], better
    following = [b for b in blocks if not b.in_article]
    return region, reference_blocks(reference) + following


def extract_page(html: str | bytes, url: str, profile: SiteProfile | None = None, *,
                 follow_canonical: bool = False, utf8: bool = False) -> Extracted:
    """Extract metadata, date candidates and blocks (region, then what follows) from a page
    (decoded, or UTF-8 bytes from :func:`~newscrawler.extract.dom.utf8_document`).

    ``follow_canonical``: a page saved under a ``file:`` URL whose canonical link is
    http(s) is read as fetched from that link (its links, dates and site resolve against
    it; ``Extracted.url`` says which URL was used), in one pass. ``utf8``: the bytes are
    known to decode as UTF-8 (``is_utf8``): script and style bodies, which the extractor
    never reads, are left out of the parse (not for a profile with headline boxes,
    which are put in order by their line numbers).
    """
    sel = profile.selectors if profile is not None else Selectors()
    root = parse_html(html, drop_bodies=utf8 and not sel.headlines)
    meta = extract_metadata(root)
    base_el = root.find(".//base[@href]")
    base = urljoin(url, base_el.get("href", "")) if base_el is not None else url
    canonical = meta.canonical or meta.og_url
    if follow_canonical and canonical and url.startswith("file:"):
        if (page_url := urljoin(base, canonical)).startswith(("http:", "https:")):
            url = page_url
            base = urljoin(url, base_el.get("href", "")) if base_el is not None else url
    strip_invisible(root)

    region: list[Element] = _outermost(css(root, sel.body)) if sel.body else []
    if not region:
        region = find_region(root)
    forced = tuple(css(root, sel.headlines)) if sel.headlines else ()
    blocks = _walk(base, region, forced)
    json_ld_body = meta.json_ld.body if meta.json_ld is not None else None
    json_ld_body = cut_cta(json_ld_body) if json_ld_body else json_ld_body  # boxes inside it
    if json_ld_body and len(json_ld_body) >= MIN_REFERENCE and not sel.body:
        region, blocks = _cross_check(root, base, region, forced, blocks, json_ld_body)

    names = site_names(meta, url, profile)
    h1 = _first_h1(root, region)
    description = meta.og_description or meta.description or (
        meta.json_ld.description if meta.json_ld else None)
    lang = language(meta, profile)
    lead = find_lead(h1, region, description) if not sel.body else None
    if lead and lead_is_body(lang, lead):
        blocks.insert(0, Block("p", lead))
    title, title_site = choose_title(root, meta, sel, h1, names)
    marked = find_marked(root, region)

    dates = DateCollector()
    dates.from_metadata(meta)
    if sel.date:
        for text in css_texts(root, sel.date):
            dates.add("byline", text)
    dates.from_time_elements(root.iter("time"))
    dates.from_bylines(_byline_scopes(h1, region))
    dates.from_url(url)

    canonical_abs = urljoin(base, canonical) if canonical else None  # joined once: urljoin is dear
    own = {canonical_url(url)} | ({canonical_url(canonical_abs)} if canonical_abs else set())
    blocks = _without_self_links(blocks, own)
    author = choose_author(root, meta, sel, marked)
    if author:
        blocks = _without_byline(blocks, author)
    is_article, reason = _judge(blocks, region, meta, json_ld_body, _images(h1, region))
    return Extracted(
        url=url,
        canonical_url=canonical_abs,
        title=title,
        author=author,
        category=choose_category(root, meta, sel, title, marked),
        tags=choose_tags(root, meta, sel, marked),
        description=description,
        site_name=meta.og_site_name
        or meta.json_ld_site_name
        or (meta.json_ld.publisher if meta.json_ld else None)
        or (profile.title if profile is not None else None)
        or title_site,
        language=lang,
        is_article=is_article,
        reason=reason,
        date_candidates=dates.items,
        blocks=blocks,
        json_ld_body=json_ld_body,
    )
