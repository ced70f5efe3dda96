"""DOM helpers shared by the extractors: parsing, text, class words, CSS selectors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from lxml.html import HtmlElement as Element

from archive.hashing import collapse_whitespace
from newscrawler.extract.rawtext import parse_without_bodies

__all__ = ["Element"]

_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                           collect_ids=False)
# Every element an HtmlElement, chosen in C: lxml.html's own lookup calls Python for each
# element touched (~10% of a large page's extraction) to give form controls their classes,
# which the extractor never uses.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))

# Elements whose content is never visible text; removed once, right after metadata is read.
INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg", "math")
# Prefixes that negate a class word ("no-print", "donotprint", "non-ad").
NEGATIONS = ("no", "no-", "non-", "not-", "donot", "do-not-")


# What str.strip() removes from the ends of a document that is ASCII there.
_ASCII_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def utf8_document(body: bytes) -> bytes | None:
    r"""The bytes ``parse_html`` would make of ``body.decode("utf-8")``, taken from ``body``
    itself (no copy, no encoding): None when they would differ (a BOM, a NUL, an end that
    is not ASCII).

    >>> utf8_document(" <p>Şubat</p>\n".encode()), utf8_document(b"<p>a</p>\xc2\xa0")
    (b'<p>\xc5\x9eubat</p>', None)
    """
    if body.startswith(b"\xef\xbb\xbf") or b"\x00" in body:
        return None
    data = body.strip(_ASCII_SPACE)
    if data and (data[0] >= 0x80 or data[-1] >= 0x80):
        return None  # str.strip() might remove more (NBSP, U+2028...)
    return data


def parse_html(html: str | bytes, *, drop_bodies: bool = False) -> Element:
    """Parse decoded HTML into an lxml tree (a bare ``<html>`` for empty input); bytes are
    a document ``utf8_document`` gave.

    ``drop_bodies`` (bytes that decode as UTF-8 only): the script and style elements
    may come without their text (:mod:`newscrawler.extract.rawtext`), except JSON-LD
    scripts: for a caller that removes them (:func:`strip_invisible`) before reading
    the tree's text; all else in the tree is the same.

    >>> parse_html("<p>Merhaba</p>").findtext(".//p")
    'Merhaba'
    """
    if isinstance(html, bytes):
        data = html
    else:
        if "\x00" in html:
            html = html.replace("\x00", "")
        data = html.strip().encode("utf-8", "surrogatepass")
    if not data:
        data = b"<html></html>"
    if drop_bodies and isinstance(html, bytes):
        cut = parse_without_bodies(data, _document)
        if cut is not None:
            return cut
    try:
        root = lxml.html.document_fromstring(data, parser=_PARSER)
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring(b"<html></html>", parser=_PARSER)
    return root


def _document(data: bytes) -> Element:
    """lxml's HTML document of ``data`` (UTF-8), every element an ``HtmlElement``."""
    return lxml.html.document_fromstring(data, parser=_PARSER)


def strip_invisible(root: Element) -> None:
    """Remove script/style/noscript/template/svg subtrees (keeping their tails)."""
    etree.strip_elements(root, *INVISIBLE_TAGS, with_tail=False)


def collapse(text: str | None) -> str:
    """Collapse runs of whitespace (incl. NBSP) into one space and strip.

    >>> collapse("  İzmir\\u00a0 ve\\n Manisa ")
    'İzmir ve Manisa'
    """
    if not text:
        return ""
    # An lxml text node (a str subclass) is copied to a plain str: it keeps its page alive.
    return collapse_whitespace(text if type(text) is str else str(text))


@lru_cache(maxsize=2048)
def absolute_url(base: str, href: str) -> str:
    """``href`` resolved against ``base`` (cached: a page repeats its links; the key holds
    the page's URL, so the cache serves one page at a time: 16,384 entries kept ~6 MB).

    >>> absolute_url("https://x.com.tr/haber/a-1", "../b-2")
    'https://x.com.tr/b-2'
    """
    href = href.strip()
    if href[:1] == "/" and href[1:2] != "/" and _plain_path(href):
        origin = _origin(base)
        if origin:
            return origin + href
    return urljoin(base, href)


@lru_cache(maxsize=64)
def _origin(base: str) -> str:
    """``scheme://host`` that ``urljoin`` puts before an absolute path joined to ``base``
    (an http(s) URL with a host), else "" (then ``urljoin`` itself is asked)."""
    try:
        joined = urljoin(base, "/")
    except ValueError:
        return ""
    if not joined.startswith(("http://", "https://")) or joined[-1] != "/" or len(
            joined) <= joined.index("//") + 3:
        return ""
    return joined[:-1]


def _plain_path(href: str) -> bool:
    """Whether ``urljoin`` keeps ``href`` (a path from the root, stripped) as it is after
    the base's ``scheme://host``: no tab or line end (removed), no ``;`` (parameters,
    re-joined without an empty one), no ``.`` or ``..`` segment (resolved), no empty
    query or fragment (dropped).

    >>> [_plain_path(h) for h in ("/a/b-1?x=1#c", "/a/../b", "/a?", "/a;p", "/a/./")]
    [True, False, False, False, False]
    """
    if "\t" in href or "\r" in href or "\n" in href or ";" in href:
        return False
    path, mark, fragment = href.partition("#")
    if mark and not fragment:
        return False
    path, mark, query = path.partition("?")
    if mark and not query:
        return False
    if "/." not in path:
        return True
    return not any(seg in (".", "..") for seg in path.split("/"))


_tostring = etree.tostring


def text_content(el: Element) -> str:
    """``el.text_content()`` (every text node under the element, joined), read by the
    text serializer: the same libxml2 content call without an XPath evaluation's setup
    (~45% cheaper; ~45 calls a large page). Comments, entities and processing
    instructions keep their own method.

    >>> text_content(parse_html("<p>Vali <b>Ali</b> konuştu</p>").find(".//p"))
    'Vali Ali konuştu'
    """
    if isinstance(el.tag, str):
        return _tostring(el, method="text", encoding=str, with_tail=False)
    return el.text_content()


# Elements a reader sees on lines of their own: their edges part words as a space does.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "ul", "caption", "amp-ad", "amp-embed", "amp-carousel", "amp-iframe",
    }
)


def visible_text(el: Element) -> str:
    """The element's text as a reader sees it: a ``<br>`` or a block element's edge parts
    the words beside it (:func:`text_content` glues them: "zeytin<br>hasadı").

    >>> visible_text(parse_html("<h1>Akhisar'da<br>hasat <b>başladı</b></h1>").find(".//h1"))
    "Akhisar'da hasat başladı"
    >>> visible_text(parse_html("<a><div>Vali geldi</div><div>Tokat</div></a>").find(".//a"))
    ' Vali geldi  Tokat '
    """
    if len(el) == 0:
        return text_content(el)  # most titles and links: the serializer, in C
    # A link holds a few elements (<span>, <img>): looking at each is cheaper than lxml
    # matching every descendant against the 50 names of a line end.
    for node in el.iterdescendants():
        tag = node.tag
        if tag == "br" or tag in BLOCK_TAGS:
            break
    else:
        return text_content(el)
    parts: list[str] = []
    _visible_parts(el, parts)
    return "".join(parts)


def _visible_parts(el: Element, parts: list[str]) -> None:
    """Append the text under ``el`` to ``parts``, a space for each line end."""
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            if tag == "br":
                parts.append(" ")
            elif tag in BLOCK_TAGS:
                parts.append(" ")
                _visible_parts(child, parts)
                parts.append(" ")
            else:
                _visible_parts(child, parts)
        if child.tail:
            parts.append(child.tail)


def text_of(el: Element) -> str:
    """The element's visible text (:func:`visible_text`), whitespace collapsed.

    >>> text_of(parse_html("<div>Ayşe<br>Yılmaz</div>").find(".//div"))
    'Ayşe Yılmaz'
    """
    return collapse(visible_text(el))


def text_len(el: Element) -> int:
    """Length of the element's raw text content (cheap, for scoring)."""
    return len(text_content(el).strip())


def class_id(el: Element) -> str:
    """The element's ``class`` and ``id`` values, lowercased, joined by a space."""
    cls = el.get("class")
    ident = el.get("id")
    if cls and ident:
        return f"{cls} {ident}".lower()
    return (cls or ident or "").lower()


# Every class and id value under an element, in one call (no Python code per element),
# as plain strings: a smart string makes a proxy of its element (~150 a large page, most
# never asked for); the element of the ``$n``-th value is asked for a hit only.
_CLASS_ID = "descendant::*/@class | descendant::*/@id"  # one walk each (not .//*: a step a node)
_CLASS_ID_VALUES = etree.XPath(_CLASS_ID, smart_strings=False)
_CLASS_ID_OWNER = etree.XPath(f"({_CLASS_ID})[$n]/..")
_CLASS_ID_SMART = etree.XPath(_CLASS_ID)  # for many hits
MAX_OWNER_LOOKUPS = 4  # hit values found one XPath each; more: all values' elements
# Searches remembered by each pattern (pages of one site repeat their class strings):
# ~16 patterns hold about the 65,536 answers the one shared cache held.
MAX_REMEMBERED = 4096
_UNSEEN = object()


class WordPattern:
    """Class/id words compiled into one regex; ``search`` skips negated hits and
    remembers its answers (pages of one site repeat their class strings)."""

    __slots__ = ("_joinable", "_seen", "_words", "regex")

    def __init__(self, regex: re.Pattern[str], joinable: bool = False,
                 words: tuple[str, ...] | None = None) -> None:
        self.regex = regex
        # Printable ASCII words without spaces: see ``found_under``.
        self._joinable = joinable
        # The words the regex is made of, as it matches them (each hit starts with one).
        self._words = words
        # Answers by text, kept on the pattern: a cache keyed by the compiled regex hashed
        # its whole source on every call (``re.Pattern`` does not keep its hash: ~7,000
        # instructions a call, 44 calls a large page, ~0.3 M instructions).
        self._seen: dict[str, re.Match[str] | None] = {}

    def search(self, text: str) -> re.Match[str] | None:
        """The first hit in ``text`` that is not negated, or None."""
        found = self._seen.get(text, _UNSEEN)
        if found is _UNSEEN:
            if len(self._seen) >= MAX_REMEMBERED:
                self._seen.clear()
            found = self._seen[text] = _search_words(self.regex, text)
        return found  # type: ignore[return-value]

    def found_under(self, where: Element) -> list[Element] | None:
        """The elements under ``where`` whose :func:`class_id` :meth:`search` finds, in
        document order, from their class and id values joined and lowercased at once;
        None when that cannot tell (then ask each element).

        Separators ``\\x00`` stand where :func:`class_id` has a space or a string's
        end: neither is a letter or digit, nor in a word or a negation, so a hit (and
        what precedes it) lies in one value, the same as in that element's class_id.
        """
        if not self._joinable:
            return None
        values = _CLASS_ID_VALUES(where)
        if not values:
            return []
        joined = "\x00".join(values)
        low = joined.lower()
        if len(low) != len(joined):  # a letter lowercased to two: positions moved
            return None
        hits = [m.start() for m in self.regex.finditer(low, self._first(low))
                if not low.endswith(NEGATIONS, 0, m.start())]
        if not hits:
            return []
        indexes = sorted({low.count("\x00", 0, position) for position in hits})
        if len(indexes) > MAX_OWNER_LOOKUPS:  # each lookup walks the subtree again
            smart = _CLASS_ID_SMART(where)
            elements = [smart[i].getparent() for i in indexes]
        else:
            elements = [_CLASS_ID_OWNER(where, n=i + 1)[0] for i in indexes]
        found: list[Element] = []
        for el in elements:  # a class and an id of one element: once
            if not found or found[-1] is not el:
                found.append(el)
        return found

    def _first(self, low: str) -> int:
        """Where the regex's search may start in ``low``: the first place one of its words
        is (a hit starts with one), found by ``str.find``, or past the end when none is
        there. The regex tests every character (~60 instructions each; the whole page's
        class and id values for the breadcrumb: ~85,000 instructions, ~10,000 this way);
        a look-behind still sees the text before the start."""
        if self._words is None:
            return 0
        found = [at for at in map(low.find, self._words) if at >= 0]
        return min(found) if found else len(low)


def _search_words(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    for m in regex.finditer(text):
        if not text[: m.start()].endswith(NEGATIONS):
            return m
    return None


def word_pattern(words: Iterable[str]) -> WordPattern:
    """Class/id words: words of 4+ letters match anywhere, shorter ones whole, neither
    when negated ("non-ad", "donotprint", "no-print" name no ad and no print button).

    >>> bool(word_pattern(["reklam", "ad"]).search("sag-reklamalani"))
    True
    >>> bool(word_pattern(["ad"]).search("header-shadow"))
    False
    >>> bool(word_pattern(["ad"]).search("ad-slot top"))
    True
    >>> [bool(word_pattern(["ad", "print"]).search(c)) for c in ("non-ad-col", "donotprint")]
    [False, False]
    """
    parts = []
    unique = set(words)
    ordered = sorted(unique, key=len, reverse=True)
    for word in ordered:
        escaped = re.escape(word.lower())
        if len(word) >= 4:
            parts.append(escaped)
        else:
            parts.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
    if not parts:
        return WordPattern(re.compile(r"(?!x)x"))
    joinable = all(word.isascii() and word.isprintable() and " " not in word for word in unique)
    return WordPattern(re.compile("|".join(parts)), joinable,
                       tuple(word.lower() for word in ordered))


def is_hidden(el: Element) -> bool:
    """Whether the element is hidden by the ``hidden`` attribute or an inline ``display:none``."""
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style) and "display:none" in style.replace(" ", "").lower()


@lru_cache(maxsize=256)
def css_to_xpath(selector: str) -> str:
    """Translate a CSS selector (parsel dialect, ``::text``/``::attr()`` allowed) to XPath."""
    return str(_translator().css_to_xpath(selector))


@lru_cache(maxsize=1)
def _translator() -> Any:
    """parsel's CSS translator, imported when a profile's selector first needs it: parsel
    (with jmespath and w3lib) adds ~10 MB to an extraction worker that has none."""
    from parsel.csstranslator import HTMLTranslator

    return HTMLTranslator()


def css(root: Element, selector: str) -> list[Element]:
    """Elements matching a CSS selector (non-element results are dropped)."""
    try:
        found = root.xpath(css_to_xpath(selector))
    except Exception:  # a bad selector in a profile must not break extraction
        return []
    if not isinstance(found, list):
        return []
    return [el for el in found if isinstance(el, Element)]


def css_texts(root: Element, selector: str) -> list[str]:
    """Collapsed texts of the elements (or attribute/text nodes) a CSS selector matches."""
    try:
        found = root.xpath(css_to_xpath(selector))
    except Exception:  # a bad selector in a profile must not break extraction
        return []
    out: list[str] = []
    for item in found if isinstance(found, list) else []:
        text = text_of(item) if isinstance(item, Element) else collapse(str(item))
        if text:
            out.append(text)
    return out


def ancestors(el: Element) -> Iterator[Element]:
    """Parents of ``el`` from the nearest up to the root."""
    parent = el.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()
