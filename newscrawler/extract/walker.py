"""Turn the article region, and what follows it, into ``Block``s in document order.

Inside the region: paragraphs (``<p>``, or text between ``<br><br>``), h2-h6 subheadings,
list items of ordinary lists, and link lists (related boxes, "Diğer Haberler") as ``links``
blocks. After the region, up to the page footer: the same kinds with ``in_article=False``,
minus sidebars, menus, tickers, "Çok Okunanlar" boxes and previous/next links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from lxml import etree

from newscrawler.extract.blocks import Block, Link
from newscrawler.extract.datelines import looks_like_dateline
from newscrawler.extract.dom import (
    BLOCK_TAGS,
    Element,
    absolute_url,
    class_id,
    collapse,
    is_hidden,
    text_content,
    visible_text,
    word_pattern,
)
from newscrawler.extract.fold import fold_key
from newscrawler.extract.grid import is_side_column
from newscrawler.extract.region import is_lead

# --- data -------------------------------------------------------------------------------

HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# Tags that head a link box (some sites put the box title in an <h1>).
BOX_HEADING_TAGS = HEADING_TAGS | {"h1"}
LIST_TAGS = frozenset({"ul", "ol", "dl"})
# Never text of the article (anywhere on the page).
DROP_TAGS = frozenset(
    {
        "h1", "form", "iframe", "figure", "figcaption", "button", "select", "input",
        "textarea", "object", "embed", "video", "audio", "canvas", "map", "nav", "aside",
        "header", "footer", "picture", "img", "dialog", "menu", "marquee", "caption",
        "amp-ad", "amp-embed", "amp-sticky-ad", "amp-social-share", "amp-iframe", "amp-video",
        "amp-youtube", "amp-twitter", "amp-instagram", "amp-facebook", "amp-carousel",
        "amp-img", "amp-analytics", "amp-sidebar", "amp-consent", "amp-lightbox",
    }
)
# class/id words of boxes dropped from the body: ads, share bars, comments, tags, bylines.
DROP_WORDS = (
    "reklam", "ads", "ad", "advert", "adsbygoogle", "banner", "sponsor", "dfp", "share",
    "social", "paylas", "sosyal", "comment", "yorum", "newsletter", "bulten", "etiket",
    "tags", "tag", "tagcloud", "breadcrumb", "print", "yazdir", "font-size", "toolbar",
    "byline", "author", "yazar", "muhabir", "editor", "meta", "date", "tarih", "cookie",
    "modal", "popup", "login", "subscribe", "abone", "rating", "reaction", "emoji", "caption",
    "pagination", "pager", "sayfalama", "post-navigation", "nav-links", "prev", "next",
    "onceki", "sonraki", "whatsapp", "facebook", "twitter", "telegram", "footer",
    "photo-credit", "image-credit", "img-credit", "wp-caption", "gallery", "galeri",
    "lightbox", "carousel", "swiper", "slider", "haberin-devami", "read-more-button",
)
# class/id words of related-story boxes: kept as ``links`` blocks, never as body text.
RELATED_WORDS = (
    "related", "ilgili", "benzer", "diger", "other-news", "more-news", "morenews",
    "also-read", "oneri", "onerilen", "recommend", "yarpp", "crp_related", "read-more",
    "okuyun", "haberler",
)
# class/id words of page furniture skipped after the region (not the trailing list).
OUTSIDE_SKIP_WORDS = (
    "sidebar", "side-bar", "sag-blok", "sol-blok", "right-col", "left-col", "cok-okunan",
    "cokokunan", "populer", "popular", "most-read", "mostread", "encok", "en-cok", "trend",
    "menu", "navbar", "ticker", "marquee", "manset", "flash", "breaking", "header",
    "widget-area", "secondary", "editor-secim", "editorun", "gallery", "galeri",
    "namaz", "hava-durumu", "weather", "puan-durumu", "doviz", "borsa", "piyasa", "footer",
)
# Headings of boxes that are page furniture, not the trailing list (folded, prefix match).
FURNITURE_HEADINGS = (
    "cok okunan", "en cok okunan", "en cok okunanlar", "populer", "en populer",
    "editorun sectikleri", "editorun secimi", "one cikanlar", "son yorumlar", "yazarlar",
    "foto galeri", "video galeri", "namaz vakitleri", "hava durumu", "puan durumu",
    "kategoriler", "etiketler", "piyasalar", "doviz", "anket", "sosyal medya",
    "bizi takip", "takip edin", "paylas",
)
# Texts that head a link list ("Diğer Haberler"), or label an inline box ("İLGİLİ HABER").
LIST_HEADINGS = (
    "diger haberler", "ilgili haberler", "ilgili haber", "benzer haberler", "son dakika",
    "bunlar da ilginizi cekebilir", "ilginizi cekebilir", "onerilen haberler", "son haberler",
    "yeni haberler", "gundem", "haberin devami", "okumaya devam", "daha fazla haber",
    "kategorinin diger haberleri", "bu kategoride", "ilgili icerikler", "ilgili yazilar",
    "benzer yazilar", "related posts", "related", "read more", "bakiniz", "ayrica okuyun",
    "bunu da okuyun", "tavsiye", "diger", "editorun onerileri", "sizin icin sectiklerimiz",
)
# Link texts of previous/next-story links (folded, prefix match).
PREV_NEXT = (
    "onceki haber", "sonraki haber", "onceki", "sonraki", "geri", "ileri", "previous", "next",
)

# class/id words of the page footer; the walk after the region stops there.
FOOTER_WORDS = ("footer", "alt", "copyright", "telif", "bottom", "colophon")

# Texts of ad placeholders ("REKLAM") dropped wherever they stand (folded).
AD_LABELS = frozenset({"reklam", "advertisement", "sponsorlu", "sponsorlu icerik", "ilan",
                       "reklamlar", "ads", "ad"})

MAX_PREV_NEXT = 16  # leading characters of a link text compared with PREV_NEXT
# Button and caption lines that are never body text (folded): "Haberin Devamı", a photo
# credit ("Fotoğraf: AA"), a gallery link.
NOISE_LINES = (
    "haberin devami", "haberin devamini oku", "devamini oku", "devami icin tiklayin",
    "haberin devami icin tiklayin", "devamini okumak icin tiklayin", "tumunu gor",
    "galeriye git", "fotogaleriye git", "galeriyi goruntule", "videoyu izle",
    "haberi goruntule", "buyutmek icin tiklayin",
)
PHOTO_CREDIT = re.compile(
    r"^(?:foto(?:ğraf|graf)?(?:lar)?|görsel|gorsel|kapak fotoğrafı|photo|image)\s*:\s*\S.{0,50}$",
    re.IGNORECASE,
)
# Stands for a single ``<br>`` in the text of a run (a NUL is never in a parsed page).
LINE_BREAK = "\x00"
MAX_AD_LABEL = 24  # characters of an ad placeholder text
MAX_NOISE_LINE = 60  # characters of a button or photo-credit line
MIN_LIST_LINKS = 3  # links that make a container a link list
MIN_TITLE = 12  # average characters of link titles in a list of headlines
LIST_LINK_SHARE = 0.7  # share of the container's text (heading aside) inside links
LINK_ONLY_SHARE = 0.9  # a paragraph this much link text is a link, not prose
MAX_LABEL = 40  # characters of a label before an inline link ("İLGİLİ HABER:")
MAX_HEADING = 80  # characters of a heading merged into the link list after it
MIN_PROSE_HEADING = 100  # characters of an h2-h6 that is really a lead paragraph
MAX_FOLLOWING = 40  # blocks collected after the region
MAX_DROP_SHARE = 0.5  # a "share"/"meta" box holding more of the region is a wrapper, kept
PAGE_FOOTER_DEPTH = 4  # a footer this close to <body> ends the page

# --- compiled forms ----------------------------------------------------------------------

_DROP = word_pattern(DROP_WORDS)
_RELATED = word_pattern(RELATED_WORDS)
_OUTSIDE = word_pattern(OUTSIDE_SKIP_WORDS)
_FOOTER = word_pattern(FOOTER_WORDS)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|tüm hakları saklıdır|all rights reserved", re.I)
_HEADING_CLASS = word_pattern(("title", "baslik", "heading", "head", "caption-title"))
# Plain strings (only joined): a smart string makes a proxy of its parent element.
_LINK_TEXT = etree.XPath("descendant::a[@href]/descendant::text()", smart_strings=False)
_TEXT_LENGTH = etree.XPath("string-length(normalize-space(.))")
_BAD_HREF = re.compile(r"^\s*(?:#|javascript:|mailto:|tel:|sms:|whatsapp:|data:)", re.I)


def _starts(key: str, phrases: tuple[str, ...]) -> bool:
    """Whether ``key`` is one of ``phrases`` or starts with one of several words."""
    return any(key == p or (" " in p and key.startswith(p + " ")) for p in phrases)


@lru_cache(maxsize=8192)
def is_furniture_heading(text: str) -> bool:
    """Whether a box heading names page furniture rather than the trailing list.

    >>> is_furniture_heading("ÇOK OKUNANLAR"), is_furniture_heading("Diğer Haberler")
    (True, False)
    """
    key = fold_key(text)
    return any(key.startswith(p) for p in FURNITURE_HEADINGS)


@lru_cache(maxsize=8192)
def is_noise_line(text: str) -> bool:
    """Whether a short line is a button or a photo credit, never body text.

    >>> is_noise_line("Haberin Devamı"), is_noise_line("Fotoğraf: AA")
    (True, True)
    >>> is_noise_line("Vali fotoğrafları inceledi.")
    False
    """
    key = fold_key(text).rstrip(" .>»")
    return key in NOISE_LINES or PHOTO_CREDIT.match(text.strip()) is not None


@lru_cache(maxsize=8192)
def is_list_heading(text: str) -> bool:
    """Whether a short text heads a link list or labels an inline link box.

    >>> is_list_heading("İLGİLİ HABER:"), is_list_heading("Vali konuştu")
    (True, False)
    """
    return _starts(fold_key(text), LIST_HEADINGS)


def body_lines(raw: list[str]) -> tuple[str, ...]:
    """The lines of a block parted by single ``<br>``s, collapsed, minus blank lines, ad
    placeholders, buttons and photo credits, and a first line that is a dateline.

    >>> body_lines(["16.11.2025 14:32", " Vali  geldi.", "", "REKLAM", "Fotoğraf: AA", "Bitti."])
    ('Vali geldi.', 'Bitti.')
    """
    lines = [line for line in map(collapse, raw) if line and not _never_body(line)]
    if len(lines) > 1 and len(lines[0]) <= MAX_HEADING and looks_like_dateline(
            lines[0], max_words=2):
        del lines[0]
    return tuple(lines)


def _never_body(line: str) -> bool:
    """Whether a line is an ad placeholder, a button or a photo credit."""
    return (len(line) <= MAX_AD_LABEL and fold_key(line) in AD_LABELS) or (
        len(line) <= MAX_NOISE_LINE and is_noise_line(line))


def is_prev_next(a: Element, text: str) -> bool:
    """Whether a link is a previous/next-story link."""
    rel = (a.get("rel") or "").lower()
    if "prev" in rel or "next" in rel:
        return True
    return _prev_next_text(text[:MAX_PREV_NEXT])


@lru_cache(maxsize=8192)
def _prev_next_text(text: str) -> bool:
    """Whether a link's leading text says previous/next (remembered: a site's menus and
    boxes repeat their link texts on every page)."""
    return _starts(fold_key(text), PREV_NEXT)


class _Run:
    """Inline text being gathered into one block, with the links inside it."""

    __slots__ = ("kind", "linked", "links", "parts", "skipped")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.parts: list[str] = []
        self.links: list[Link] = []
        self.linked = 0  # characters of text inside kept links
        self.skipped = 0  # characters of previous/next link text

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)


class Walker:
    """Collects blocks from one page; ``walk`` the region, then ``walk_following``."""

    def __init__(self, base_url: str, forced_lists: tuple[Element, ...] = ()) -> None:
        self.base_url = base_url
        self.region_chars = 0  # text in the region being walked (see ``_dropped``)
        self.blocks: list[Block] = []
        self.in_article = True
        self.forced = set(forced_lists)
        self.emitted_forced: set[Element] = set()
        self.done = False  # set once the first headline list after the region is out
        self.link_run: Block | None = None  # the list one-link paragraphs are joining

    # --- public --------------------------------------------------------------------------

    def walk(self, el: Element, in_article: bool = True) -> None:
        """Add the blocks inside ``el``."""
        self.in_article = in_article
        self.region_chars = len(text_content(el))
        if el in self.forced:
            self._force_list(el)
        else:
            self._container(el, "p")

    def walk_following(self, region: Element, limit: int = MAX_FOLLOWING) -> None:
        """Add up to ``limit`` blocks that follow ``region`` in the page, stopping at the footer."""
        self.in_article = False
        start = len(self.blocks)
        for el, holder in following(region):
            if self.done or self._is_page_footer(el):
                break
            if self._skip_outside(el) or is_side_column(el, holder):
                continue
            before = len(self.blocks)
            self._block(el, "p")
            for i in range(before, len(self.blocks)):
                if self.blocks[i].kind != "links" and _COPYRIGHT.search(self.blocks[i].text):
                    del self.blocks[i:]
                    return
            if len(self.blocks) - start >= limit:
                del self.blocks[start + limit :]
                break

    def walk_forced(self) -> None:
        """Add the profile's headline containers the region walk did not reach."""
        for el in sorted(self.forced - self.emitted_forced, key=_doc_order):
            self.in_article = False
            self._force_list(el)

    def finish(self) -> list[Block]:
        """The blocks, minus furniture headings left without their (dropped) lists."""
        return [
            b for b in self.blocks
            if not (b.kind == "h" and not b.in_article and is_furniture_heading(b.text))
        ]

    # --- element dispatch ----------------------------------------------------------------

    def _dropped(self, el: Element) -> bool:
        """Whether ``el`` is never text: a dropped tag, hidden, or a box of ads, share
        buttons, tags and the like (unless that box holds most of the region's text)."""
        tag = el.tag
        if tag in DROP_TAGS or is_hidden(el):
            return True
        words = class_id(el)
        if not words or _DROP.search(words) is None or _RELATED.search(words):
            return False
        return not self.in_article or len(text_content(el)) <= MAX_DROP_SHARE * self.region_chars

    def _skip_outside(self, el: Element) -> bool:
        if not isinstance(el.tag, str) or self._dropped(el):
            return True
        words = class_id(el)
        return bool(words) and _OUTSIDE.search(words) is not None

    def _is_page_footer(self, el: Element) -> bool:
        if el.tag != "footer" and not _FOOTER.search(class_id(el)):
            return False
        depth = 0
        for parent in el.iterancestors():
            if parent.tag == "body":
                return depth < PAGE_FOOTER_DEPTH
            if parent.tag in ("article", "main"):
                return False
            depth += 1
        return True

    def _block(self, el: Element, kind: str) -> None:
        """Handle one block-level element."""
        if self.done:
            return
        if el in self.forced:
            self._force_list(el)
            return
        if self._dropped(el):
            return
        if not self.in_article and self._skip_outside(el):
            return
        tag = el.tag
        if tag in HEADING_TAGS:
            self._heading(el)
            return
        if tag == "a":
            self._card(el)
            return
        words = class_id(el)
        if words and _RELATED.search(words):
            listed = self._link_list(el, loose=True)
            if listed is not None:
                self._emit_links(*listed)
                return
        if tag != "p" and tag != "li":
            listed = self._link_list(el)
            if listed is not None:
                self._emit_links(*listed)
                return
        if tag in LIST_TAGS:
            for child in el:
                if isinstance(child.tag, str) and not self._dropped(child):
                    if child.tag in ("li", "dt", "dd"):
                        self._container(child, "li")
                    else:
                        self._block(child, "li")
            return
        self._container(el, "li" if tag == "li" else kind)

    def _container(self, el: Element, kind: str) -> None:
        """Gather the inline runs of ``el`` into blocks and recurse into block children."""
        run = _Run(kind)
        run.add(el.text)
        brs = 0
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                run.add(child.tail)
                continue
            if tag == "br":
                brs += 1
                if brs >= 2:
                    self._flush(run)
                    run = _Run(kind)
                else:
                    run.add(LINE_BREAK)
            elif tag in BLOCK_TAGS or _has_block_child(child):
                brs = 0
                self._flush(run)
                run = _Run(kind)
                self._block(child, kind)
            else:
                self._inline(child, run)
            if child.tail:
                run.add(child.tail)
                if child.tail.strip():
                    brs = 0
            if tag != "br" and tag not in BLOCK_TAGS:
                brs = 0
        self._flush(run)

    def _inline(self, el: Element, run: _Run) -> None:
        """Add an inline element's text (and its links) to ``run``."""
        tag = el.tag
        if tag == "a":
            text = collapse(visible_text(el))
            if text:
                run.add(text)
                url = self._href(el)
                if is_prev_next(el, text):
                    run.skipped += len(text)
                elif url:
                    run.links.append(Link(text, url))
                    run.linked += len(text)
            return
        if tag in DROP_TAGS or self._dropped(el):
            return
        run.add(el.text)
        for child in el:
            if isinstance(child.tag, str):
                if child.tag == "br":
                    run.add(LINE_BREAK)
                else:
                    self._inline(child, run)
            run.add(child.tail)

    def _card(self, a: Element) -> None:
        """A link wrapping blocks (a teaser card): one link titled by its heading."""
        url = self._href(a)
        heading = next((h for h in a.iter(*HEADING_TAGS)), None)
        title = collapse(visible_text(heading if heading is not None else a))
        if url and title and not is_prev_next(a, title):
            self._emit_links("", [Link(title, url)])

    def _heading(self, el: Element) -> None:
        """A subheading; a long one (a lead "spot" in an ``<h2>``) is a paragraph."""
        run = _Run("h")
        self._inline(el, run)
        if sum(len(part) for part in run.parts) >= MIN_PROSE_HEADING or is_lead(el):
            run.kind = "p"
        self._flush(run)

    # --- output ---------------------------------------------------------------------------

    def _flush(self, run: _Run) -> None:
        if not run.parts:
            return
        joined = "".join(run.parts)
        lines: tuple[str, ...] = ()
        if LINE_BREAK in joined:
            kept = body_lines(joined.split(LINE_BREAK))
            if len(kept) > 1 and run.kind != "h":
                lines = kept
            text = " ".join(kept)
        else:
            text = collapse(joined)
        if not text:
            return
        if run.skipped and run.linked + run.skipped >= LINK_ONLY_SHARE * len(text):
            if run.links:
                self._emit_links("", run.links)
            return  # previous/next links
        if run.links and run.linked >= LINK_ONLY_SHARE * len(text):
            self._emit_links("", run.links, single=len(run.links) == 1)
            return
        if run.links:
            label = text
            for link in run.links:
                label = label.replace(link.title, " ")
            label = collapse(label).strip(" |•·-")
            if len(label) <= MAX_LABEL and (
                label.endswith(":") or is_list_heading(label) or len(run.links) >= 2
            ):
                self._emit_links(label.rstrip(" :"), run.links)
                return
        if len(text) <= MAX_AD_LABEL and fold_key(text) in AD_LABELS:
            return
        if len(text) <= MAX_NOISE_LINE and is_noise_line(text):
            return
        if len(text) <= MAX_HEADING and looks_like_dateline(text, max_words=2):
            return
        self.blocks.append(Block(run.kind, text, (), self.in_article, lines))

    def _emit_links(self, heading: str, links: list[Link], single: bool = False) -> None:
        """Add a link list, titled by the heading just before it; furniture boxes are dropped.

        A paragraph that is one link (``single``) right after another joins its list: a
        heading such as ``<p><strong>Son Dakika</strong></p>`` followed by one link per
        ``<p>`` is one list. After the region, the first list that looks like headlines
        ends the walk: the splitter never looks further. Button links ("Haberin Devamı")
        are no headlines.
        """
        links = [link for link in links if not is_noise_line(link.title)]
        if not links:
            return
        run = self.link_run
        if single and not heading and run is not None and self.blocks and self.blocks[-1] is run:
            known = {link.url for link in run.links}
            extra = tuple(link for link in links if link.url not in known)
            self.blocks[-1] = self.link_run = replace(run, links=run.links + extra)
            return
        if not heading and self.blocks:
            prev = self.blocks[-1]
            short = len(prev.text) <= MAX_HEADING
            named = short and prev.kind in ("h", "p") and is_list_heading(prev.text)
            if named or (
                prev.kind == "h"
                and short
                and (not prev.in_article or len(links) >= MIN_LIST_LINKS)
            ):
                heading = prev.text
                self.blocks.pop()
        if heading and is_furniture_heading(heading):
            return
        block = Block("links", heading, tuple(links), self.in_article)
        self.blocks.append(block)
        self.link_run = block if single else None
        if (
            not single
            and not self.in_article
            and len(links) >= MIN_LIST_LINKS
            and sum(len(link.title) for link in links) >= MIN_TITLE * len(links)
        ):
            self.done = True

    def _force_list(self, el: Element) -> None:
        self.emitted_forced.add(el)
        listed = self._link_list(el, loose=True)
        if listed is not None:
            self._emit_links(*listed)

    # --- link lists ----------------------------------------------------------------------

    def _href(self, a: Element) -> str | None:
        href = a.get("href")
        if not href or _BAD_HREF.match(href):
            return None
        return absolute_url(self.base_url, href)

    def _link_list(self, el: Element, loose: bool = False) -> tuple[str, list[Link]] | None:
        """``(heading, links)`` when ``el`` is mostly links; ``loose`` accepts any number."""
        if not loose:
            if not _has_links(el, MIN_LIST_LINKS):
                return None
            if len("".join(_LINK_TEXT(el))) < LIST_LINK_SHARE * _TEXT_LENGTH(el):
                return None  # cheap reject: raw link text is an upper bound
        anchors = [a for a in el.iter("a") if a.get("href")]
        if not anchors:
            return None
        by_url: dict[str, Link] = {}
        linked = 0
        for a in anchors:
            text = collapse(visible_text(a))
            url = self._href(a)
            if not text or url is None or is_prev_next(a, text):
                continue
            linked += len(text)
            known = by_url.get(url)
            if known is None or len(text) > len(known.title):
                by_url[url] = Link(text, url)
        if not by_url or (not loose and len(by_url) < MIN_LIST_LINKS):
            return None
        if len(by_url) == 1:
            by_url = {u: _titled(link, el) for u, link in by_url.items()}
        heading_el = _heading_of(el)
        heading = collapse(visible_text(heading_el)) if heading_el is not None else ""
        # Words parted as in the links' titles only where the rest is read (a related
        # box, small); elsewhere only its length counts (a menu: the C serializer).
        full = collapse(visible_text(el) if loose else text_content(el))
        if not heading and loose:
            rest = full
            for link in by_url.values():
                rest = rest.replace(link.title, " ")
            rest = collapse(rest)
            if len(rest) <= MAX_LABEL and (rest.endswith(":") or is_list_heading(rest)):
                heading = rest.rstrip(" :")
        total = len(full) - len(heading)
        if not loose and linked < LIST_LINK_SHARE * max(total, 1):
            return None
        return heading, list(by_url.values())


def _has_links(el: Element, n: int) -> bool:
    """Whether ``el`` holds ``n`` links with an ``href`` (counting stops there: a menu
    holds hundreds)."""
    found = 0
    for a in el.iterdescendants("a"):
        if a.get("href") is not None:
            found += 1
            if found >= n:
                return True
    return False


def _titled(link: Link, box: Element) -> Link:
    """A one-story box's link, titled by the box's heading when its own text is a button
    ("Haberi Görüntüle", "Devamını oku")."""
    if not is_noise_line(link.title):
        return link
    heading = next((h for h in box.iter(*BOX_HEADING_TAGS)), None)
    text = collapse(visible_text(heading)) if heading is not None else ""
    return Link(text, link.url) if text else link


def _heading_of(el: Element) -> Element | None:
    """A heading inside a link box, before its first link: an h1-h6, a title-classed
    element, or a short element whose text is a known list heading ("Diğer Haberler").
    A matching wrapper that holds the links too is looked into."""
    for child in el.iter():
        if child is el or not isinstance(child.tag, str):
            continue
        if child.tag == "a":
            return None
        if child.tag in BOX_HEADING_TAGS or (
            child.tag in ("div", "span", "strong", "b", "p", "header")
            and (
                _HEADING_CLASS.search(class_id(child))
                or is_list_heading(collapse(text_content(child))[:MAX_HEADING])
            )
        ):
            if child.find(".//a") is None:
                return child
            if child.tag in BOX_HEADING_TAGS:
                return None
    return None


def _has_block_child(el: Element) -> bool:
    return any(child.tag in BLOCK_TAGS for child in el)


def _doc_order(el: Element) -> int:
    line = el.sourceline
    return line if line is not None else 0


def following(region: Element) -> Iterator[tuple[Element, Element]]:
    """Elements after ``region`` in document order: its later siblings, then its parents',
    each with the region or ancestor it follows."""
    node: Element | None = region
    while node is not None and node.tag not in ("body", "html"):
        sib = node.getnext()
        while sib is not None:
            if isinstance(sib.tag, str):
                yield sib, node
            sib = sib.getnext()
        node = node.getparent()
