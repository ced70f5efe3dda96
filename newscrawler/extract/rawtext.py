"""Script and style bodies left out of a page before libxml2 parses it.

A large news page is mostly JavaScript and CSS: on the generated ~97 KB pages about
half the bytes, and ~20% of the instructions a worker spends on the page go to libxml2
scanning them. The extractor drops every ``<script>`` and ``<style>`` element right
after reading the metadata (only JSON-LD scripts are read), so their text can be left
out of the parse (:func:`without_bodies`). Line numbers after a cut body change, so a
caller that reads ``sourceline`` (the walker, for a profile's headline boxes) must not
ask for it.

Exact by construction, or not used. The bytes are cut only where libxml2 2.14's
tokenizer provably reads a script or style body, and the parse of the cut document is
checked (:func:`parse_without_bodies`); anything unusual sends the page the plain way:

- each ``<script``/``<style`` start tag must have plain attributes (names of letters,
  digits and ``-_:.``; values quoted, or unquoted up to a space or ``>``; no ``<`` in
  them, nor quotes, ``=`` or backticks unquoted), so libxml2 ends it at the ``>``
  found here and no other such tag hides in it;
- a body ends at the first ``</script`` (``</style``) followed by a space, ``/`` or
  ``>``, as libxml2 ends it, unless a script body holds ``<!--`` (the escaped states
  may run past it): then the page goes the plain way;
- a tag that mentions ``json`` or an entity keeps its body (JSON-LD is read), and a
  kept body must not look like holding another such tag;
- the cut document's tree must hold exactly as many ``<script>`` and ``<style>``
  elements as tags were cut at: a ``<script`` inside a comment, an attribute or a
  ``<title>`` makes fewer, and the page is parsed whole.

The first cut tag sits after bytes both documents share, so libxml2 reads it as a tag in
both; its body ends at the same place in both; the same holds for the next, and so on.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree
from lxml.html import HtmlElement as Element

#: The libxml2 whose HTML tokenizer the rules above follow (2.14 rewrote it).
CHECKED_LIBXML = (2, 14)
#: Larger documents are parsed whole (libxml2 limits one text node to 10,000,000 bytes).
MAX_DOCUMENT = 4_000_000
#: Smaller ones too: finding the tags costs ~9 instructions a byte of markup, and a small
#: page has little script to save (~7 KB generated pages: +1% instructions when cut).
MIN_DOCUMENT = 32_768

# Each search starts with a literal ``<``, which the regular expression engine skips to
# in C (~1/3 of the instructions of a case-insensitive pattern, which tries every byte).
_OPEN = re.compile(rb"<(?i:script|style)(?=[\t\n\f\r />])")
_SPACE = rb"[\t\n\f\r ]"
_ATTRIBUTE = (rb"%s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:%s*=%s*"
              rb"""(?:"[^"<]*"|'[^'<]*'|[^\t\n\f\r >"'<=`]+))?"""
              % (_SPACE, _SPACE, _SPACE))
_START_TAG = re.compile(rb"<(?:script|style)(?:%s)*%s*>" % (_ATTRIBUTE, _SPACE),
                        re.IGNORECASE)
# A script body's end, or a comment opening inside it (then the page is parsed whole).
_SCRIPT_END = re.compile(rb"<(?:!--|/(?i:script)(?=[\t\n\f\r />]))")
_STYLE_END = re.compile(rb"</(?i:style)(?=[\t\n\f\r />])")
_KEEP = re.compile(rb"json|&", re.IGNORECASE)
#: The bytes that end a tag's name (libxml2's HTML white space, ``/``, ``>``).
_NAME_ENDS = frozenset(b"\t\n\f\r />")
#: ``<`` of a body read one by one before the rest is left to a regular expression.
MAX_STEPS = 32


def active() -> bool:
    """Whether this lxml's libxml2 is the one the cutting rules were checked against."""
    return etree.LIBXML_VERSION[:2] == CHECKED_LIBXML


def _body_end(data: bytes, start: int, script: bool) -> int:
    """Where the body from ``start`` ends: its first ``</script`` (``</style``), any case,
    followed by a space, ``/`` or ``>``; -1 when there is none, or when ``<!--`` comes
    first in a script. A body holds few ``<`` (median 9 a page's scripts in the
    corpus): they are found with ``memchr``, ~30x cheaper a byte than a regular
    expression's scan."""
    name = b"script" if script else b"style"
    after = len(name) + 2
    at = data.find(b"<", start)
    for _ in range(MAX_STEPS):
        if at < 0:
            return -1
        mark = data[at + 1 : at + 2]
        if mark == b"/":
            if (data[at + 2 : at + after].lower() == name and at + after < len(data)
                    and data[at + after] in _NAME_ENDS):
                return at
        elif mark == b"!" and script and data.startswith(b"!--", at + 1):
            return -1
        at = data.find(b"<", at + 1)
    if at < 0:
        return -1
    end = (_SCRIPT_END if script else _STYLE_END).search(data, at)
    return -1 if end is None or data[end.start() + 1] == 0x21 else end.start()


def without_bodies(data: bytes, minimum: int | None = None) -> tuple[bytes, int] | None:
    """``data`` with its script and style bodies cut out, and how many tags were cut at
    or kept (see the module's rules); None when nothing is cut or a rule says to parse
    the page whole (``minimum``: bytes below which a page is not looked at, by default
    ``MIN_DOCUMENT``).

    >>> without_bodies(b'<p>a</p><script src="x.js">\\nvar a = 1;\\n</script><p>b</p>', 0)
    (b'<p>a</p><script src="x.js"></script><p>b</p>', 1)
    >>> without_bodies(b"<script>a = '<!--';</script>", 0) is None
    True
    """
    if not (MIN_DOCUMENT if minimum is None else minimum) <= len(data) <= MAX_DOCUMENT:
        return None
    pieces: list[bytes] = []
    done = 0  # bytes of ``data`` already in ``pieces``
    tags = pos = 0
    while (found := _OPEN.search(data, pos)) is not None:
        tag = _START_TAG.match(data, found.start())
        if tag is None:
            return None
        script = found.end() - found.start() == 7
        body_start = tag.end()
        body_end = _body_end(data, body_start, script)
        if body_end < 0:
            return None
        tags += 1
        pos = body_end
        if body_end == body_start:
            continue
        if _KEEP.search(tag.group()) is not None:  # JSON-LD, or an entity in the tag
            if _OPEN.search(data, body_start, body_end) is not None:
                return None
            continue
        pieces.append(data[done:body_start])
        done = body_end
    if not pieces:
        return None
    pieces.append(data[done:])
    return b"".join(pieces), tags


def parse_without_bodies(data: bytes, parse: Callable[[bytes], Element],
                         minimum: int | None = None) -> Element | None:
    """``parse(data)`` with the script and style bodies cut (:func:`without_bodies`),
    checked: None when nothing was cut, the rules say no, or the cut document's tree
    does not hold one ``<script>``/``<style>`` element for each tag seen (then only
    ``parse(data)`` itself gives the page's tree)."""
    if not active():
        return None
    cut = without_bodies(data, minimum)
    if cut is None:
        return None
    doc, tags = cut
    try:
        root = parse(doc)
    except (etree.ParserError, ValueError):  # e.g. "Document is empty": a comment ate it
        return None
    if sum(1 for _ in root.iter("script", "style")) != tags:
        return None
    return root
