"""Title, author, category, tags, site name and language: profile selector, metadata, page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from urllib.parse import urlsplit

from lxml import etree

from newscrawler.extract.dom import (
    Element,
    WordPattern,
    class_id,
    collapse,
    css,
    css_texts,
    text_of,
    word_pattern,
)
from newscrawler.extract.fold import fold_key
from newscrawler.extract.metadata import Metadata
from newscrawler.profiles import Selectors, SiteProfile

# --- data -------------------------------------------------------------------------------

AUTHOR_WORDS = ("author", "yazar", "muhabir", "byline", "editor", "reporter", "haberci")
# Labels before a name in a byline ("Haber: Ali Veli"); removed from the author.
AUTHOR_LABEL = re.compile(
    r"^(?:haber|yazan|yazar|muhabir|edit[öo]r|hazırlayan|derleyen|by|muhabirimiz)\s*[:|-]?\s+",
    re.IGNORECASE,
)
TAG_WORDS = (
    "etiket", "tags", "tag-list", "taglist", "tag-links", "tags-links", "keywords", "anahtar",
)
BREADCRUMB_WORDS = ("breadcrumb", "kirinti", "kategori-yolu")
HOME_CRUMBS = frozenset({"anasayfa", "ana sayfa", "home", "giris", "haberler", "haber"})
# Page areas whose bylines/tags belong to other stories.
FOREIGN_TAGS = frozenset({"aside", "nav", "footer", "li"})
FOREIGN_WORDS = (
    "sidebar", "related", "ilgili", "benzer", "diger", "comment", "yorum", "populer", "okunan",
    "widget",
)
# Folded words that make a short title part the outlet's name ("Sinop Yıldız Gazetesi").
MEDIA_WORDS = frozenset({
    "haber", "haberleri", "haberler", "gazete", "gazetesi", "ajans", "ajansi", "postasi",
    "tv", "televizyon", "radyo", "medya", "com", "net", "org", "tr", "ekspres", "news",
})
MAX_SITE_WORDS = 5  # words of a title part recognised by MEDIA_WORDS alone
MAX_AUTHOR = 80  # characters of a byline taken as the author's name
MAX_TAG = 60  # characters of one tag
MAX_MARKED = 12  # elements of each kind kept by ``find_marked``
SCOPE_LEVELS = 3  # levels above the region searched for bylines and tag boxes

# " - Site", " | Site", " – Site", " — Site", " :: Site", " » Site"
_TITLE_SEPARATOR = re.compile(r"\s+(?:[-|–—»·:/]|::)\s+|\s*\|\s*")
_AUTHOR = word_pattern(AUTHOR_WORDS)
_TAGS = word_pattern(TAG_WORDS)
_CRUMBS = word_pattern(BREADCRUMB_WORDS)
_FOREIGN = word_pattern(FOREIGN_WORDS)
_CLASSED = etree.XPath("descendant::*[@class or @id]")
# "descendant::x" rather than ".//x" in this package's XPaths: one walk down the tree, not
# a child step from every node (the same nodes in the same order, ~10-25% cheaper).
_REL_VALUES = etree.XPath("descendant::a/@rel")


def rel_links(root: Element) -> list[Element]:
    """The ``<a rel>`` elements under ``root`` in document order (``descendant::a[@rel]``),
    from their ``rel`` values: no predicate evaluated for each link (~60% cheaper on a
    large page; an element holds one ``rel``, so each comes once).

    >>> [a.text for a in rel_links(etree.fromstring('<p><a rel="tag">x</a><a>y</a></p>'))]
    ['x']
    """
    return [value.getparent() for value in _REL_VALUES(root)]


class Marked:
    """Byline, tag and breadcrumb elements, each searched for on first use.

    Bylines and tag boxes are looked for in ``scope`` (the article's surroundings),
    breadcrumbs in the whole page.
    """

    def __init__(self, root: Element, scope: Element | None = None) -> None:
        body = root.find("body")
        self._page = root if body is None else body
        self._scope = self._page if scope is None else scope

    def _search(self, where: Element, pattern: WordPattern, limit: int,
                anywhere: bool = False) -> list[Element]:
        found: list[Element] = []
        hits = pattern.found_under(where)
        for el in hits if hits is not None else _CLASSED(where):
            if hits is None and not pattern.search(class_id(el)):
                continue
            if anywhere or not _foreign(el):
                found.append(el)
                if len(found) >= limit:
                    break
        return found

    @cached_property
    def authors(self) -> list[Element]:
        """Elements whose class/id marks a byline."""
        return self._search(self._scope, _AUTHOR, MAX_MARKED)

    @cached_property
    def tags(self) -> list[Element]:
        """Elements whose class/id marks a tag box."""
        return self._search(self._scope, _TAGS, MAX_MARKED)

    @cached_property
    def crumbs(self) -> list[Element]:
        """Elements whose class/id marks a breadcrumb."""
        return self._search(self._page, _CRUMBS, 1, anywhere=True)


def _foreign(el: Element) -> bool:
    for parent in el.iterancestors():
        if parent.tag in FOREIGN_TAGS or _FOREIGN.search(class_id(parent)):
            return True
    return False


def find_marked(root: Element, region: Sequence[Element] = ()) -> Marked:
    """Byline, tag and breadcrumb elements of the page (searched when first asked for).

    Bylines and tags are searched within ``SCOPE_LEVELS`` levels above the region.
    """
    scope: Element | None = None
    if region:
        scope = region[0]
        for _ in range(SCOPE_LEVELS):
            parent = scope.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            scope = parent
    return Marked(root, scope)


def split_site_suffix(
    title: str, site_names: Sequence[str], others: Sequence[str] = ()
) -> tuple[str, str | None]:
    """``(title, site part)``: a " - Site Adı" suffix or "Site | " prefix cut off, if any.

    The part counts as the site when it matches one of ``site_names`` (or starts with a
    domain label given there), when it is a short name with a media word ("Gazetesi",
    "Haber", "TV"), or when what remains equals one of ``others`` (another title source
    such as the ``<h1>``).

    >>> split_site_suffix("Vali: Yol bitti | Ege Postası", [], ["Vali: Yol bitti"])
    ('Vali: Yol bitti', 'Ege Postası')
    >>> split_site_suffix("Sinop'ta barınak genişliyor - Sinop Yıldız Gazetesi", [])
    ("Sinop'ta barınak genişliyor", 'Sinop Yıldız Gazetesi')
    """
    title = collapse(title)
    names = [fold_key(n) for n in site_names if n and fold_key(n)]
    other_keys = {fold_key(o) for o in others if o}
    matches = list(_TITLE_SEPARATOR.finditer(title))
    if not matches:
        return title, None

    def is_site(part: str) -> bool:
        key = fold_key(part)
        words = key.split()
        if 0 < len(words) <= MAX_SITE_WORDS and not MEDIA_WORDS.isdisjoint(words):
            return True
        squashed = key.replace(" ", "")
        for name in names:
            name_sq = name.replace(" ", "")
            if key == name or squashed == name_sq:
                return True
            if len(name_sq) >= 4 and len(squashed) >= 4 and (
                squashed.startswith(name_sq) or name_sq.startswith(squashed)
            ):
                return True
        return False

    last, first = matches[-1], matches[0]
    head, tail = title[: last.start()].strip(), title[last.end() :].strip()
    if head and tail and (is_site(tail) or fold_key(head) in other_keys):
        return head, tail
    head, tail = title[: first.start()].strip(), title[first.end() :].strip()
    if head and tail and (is_site(head) or fold_key(tail) in other_keys):
        return tail, head
    return title, None


def strip_site_suffix(title: str, site_names: Sequence[str], others: Sequence[str] = ()) -> str:
    """The title without a " - Site Adı" suffix (see ``split_site_suffix``).

    >>> strip_site_suffix("İzmir'de STK buluşması - Hibya Haber Ajansı", ["Hibya Haber Ajansı"])
    "İzmir'de STK buluşması"
    >>> strip_site_suffix("Manisa - Akhisar yolu açıldı", ["Ege Postası"])
    'Manisa - Akhisar yolu açıldı'
    """
    return split_site_suffix(title, site_names, others)[0]


def site_names(meta: Metadata, url: str, profile: SiteProfile | None) -> list[str]:
    """Names the site goes by: og:site_name, JSON-LD publisher, profile title, host, label."""
    names = [meta.og_site_name or "", meta.json_ld_site_name or ""]
    if meta.json_ld is not None and meta.json_ld.publisher:
        names.append(meta.json_ld.publisher)
    if profile is not None:
        names.append(profile.title)
    host = (urlsplit(url).hostname or "").removeprefix("www.").removeprefix("m.")
    names.extend([host, host.split(".")[0] if host else ""])
    return [n for n in names if n]


def choose_title(
    root: Element, meta: Metadata, sel: Selectors, h1: Element | None, names: Sequence[str]
) -> tuple[str | None, str | None]:
    """``(title, site part cut from it)``: profile, JSON-LD headline, og:title, h1, <title>."""
    picked = next(iter(css_texts(root, sel.title)), None) if sel.title else None
    h1_text = text_of(h1) if h1 is not None else ""
    headline = meta.json_ld.headline if meta.json_ld is not None else None
    for candidate in (picked, headline, meta.og_title, h1_text, meta.title):
        if candidate:
            others = [t for t in (headline, meta.og_title, h1_text) if t and t != candidate]
            title, site = split_site_suffix(candidate, names, others)
            if site is None and meta.title and candidate != meta.title:
                site = split_site_suffix(meta.title, names, [title])[1]
            return title or None, site
    return None, None


def language(meta: Metadata, profile: SiteProfile | None) -> str | None:
    """The primary language subtag: ``<html lang>``, og:locale, JSON-LD, then the profile.

    >>> language(Metadata(language="tr-TR"), None)
    'tr'
    """
    raw = meta.language or meta.og_locale or (meta.json_ld.language if meta.json_ld else None)
    if raw:
        return re.split(r"[-_]", raw.strip())[0].lower() or None
    return profile.language if profile is not None else None


def clean_author(text: str) -> str:
    """A byline without its label.

    >>> clean_author("Haber: Murat Kalkavan")
    'Murat Kalkavan'
    """
    return AUTHOR_LABEL.sub("", collapse(text)).strip(" :|-")


def choose_author(root: Element, meta: Metadata, sel: Selectors, marked: Marked) -> str | None:
    """Profile selector, JSON-LD authors, ``<meta name=author>``, article:author, byline."""
    if sel.author:
        texts = [clean_author(t) for t in css_texts(root, sel.author)]
        if any(texts):
            return ", ".join(dict.fromkeys(t for t in texts if t))
    if meta.json_ld is not None and meta.json_ld.authors:
        return ", ".join(meta.json_ld.authors)
    if meta.author:
        return meta.author
    names = [a for a in meta.article_authors if not a.startswith(("http://", "https://"))]
    if names:
        return ", ".join(names)
    for el in rel_links(root):
        if "author" in (el.get("rel") or "").split():
            text = clean_author(text_of(el))
            if text:
                return text
    for el in marked.authors:
        text = clean_author(text_of(el))
        if text and len(text) <= MAX_AUTHOR and not any(ch.isdigit() for ch in text):
            return text
    return None


def _crumb_texts(el: Element) -> list[str]:
    texts = [text_of(a) for a in el.iter("a")] or [text_of(li) for li in el.iter("li")]
    return [t for t in texts if t and fold_key(t) not in HOME_CRUMBS]


def choose_category(
    root: Element, meta: Metadata, sel: Selectors, title: str | None, marked: Marked
) -> str | None:
    """Profile selector, JSON-LD articleSection, article:section, then the breadcrumb."""
    if sel.category:
        texts = css_texts(root, sel.category)
        if texts:
            return texts[0]
    if meta.json_ld is not None and meta.json_ld.section:
        return meta.json_ld.section
    if meta.section:
        return meta.section
    title_key = fold_key(title) if title else ""
    crumbs = [c for c in meta.breadcrumbs if fold_key(c) not in HOME_CRUMBS]
    if not crumbs:
        crumbs = next((c for c in map(_crumb_texts, marked.crumbs) if c), [])
    crumbs = [c for c in crumbs if fold_key(c) != title_key]
    return crumbs[-1] if crumbs else None


def choose_tags(root: Element, meta: Metadata, sel: Selectors, marked: Marked) -> list[str]:
    """Profile selector, article:tag, JSON-LD keywords, news_keywords, rel=tag links,
    tag boxes ("Etiketler"), then ``<meta name=keywords>``."""
    found: list[str] = []
    if sel.tags:
        for el in css(root, sel.tags):
            anchors = [text_of(a) for a in el.iter("a")]
            found.extend(anchors if anchors else [text_of(el)])
        found = found or css_texts(root, sel.tags)
    found = found or list(meta.tags)
    if not found and meta.json_ld is not None:
        found = list(meta.json_ld.keywords)
    found = found or list(meta.news_keywords)
    if not found:
        found = [text_of(a) for a in rel_links(root)
                 if "tag" in (a.get("rel") or "").split()]
    if not found:
        for el in marked.tags:
            found = [text_of(a) for a in el.iter("a")]
            if found:
                break
    found = found or list(meta.keywords)
    out: list[str] = []
    for tag in found:
        tag = collapse(tag).lstrip("#").strip(" ,;")
        if tag and len(tag) <= MAX_TAG and tag not in out:
            out.append(tag)
    return out
