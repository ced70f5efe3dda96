"""Grid columns: which box stands beside the article (a sidebar) rather than under it.

CSS frameworks name a column's width in its class: Bootstrap ``col-md-8`` (of 12 columns),
Tailwind ``lg:w-1/3``, ``md:col-span-4``. The width that counts is the one at the widest
breakpoint named, as a desktop reader sees the page. A narrow column next to a wide one
that holds the article is a sidebar, whatever its class words say.
"""

from __future__ import annotations

import re

from newscrawler.extract.dom import Element

# Breakpoint prefixes from narrow to wide ("" = all widths).
BREAKPOINTS = ("", "xs", "sm", "md", "lg", "xl", "xxl", "2xl")
MAX_SIDE = 0.34  # a column at most this share of the row is a side column ...
MIN_MAIN = 0.5  # ... when the column holding the article takes at least this share
MAX_SIDE_PX = 400  # a fixed-width column (``w-[300px]``, a ``300px`` grid track) this narrow
# Class words that name a pair of columns: the article's and the one beside it.
COLUMN_PAIRS = (("left", "right"), ("sol", "sag"), ("main", "side"), ("primary", "secondary"),
                ("content", "sidebar"))

_BOOTSTRAP = re.compile(r"(?<![\w-])col-(?:(xs|sm|md|lg|xl|xxl)-)?(\d{1,2})(?![\w-])")
_TW_FRACTION = re.compile(
    r"(?<![\w:-])(?:(sm|md|lg|xl|2xl):)?(?:w|basis)-(\d{1,2})/(\d{1,2})(?!\S)")
_TW_FIXED = re.compile(r"(?<![\w:-])(?:(?:sm|md|lg|xl|2xl):)?w-\[(\d+)px\](?!\S)")
_TW_TRACKS = re.compile(r"grid-cols-\[([^\]\s]+)\]")
_TW_SPAN = re.compile(r"(?<![\w:-])(?:(sm|md|lg|xl|2xl):)?col-span-(\d{1,2})(?!\S)")


def column_width(classes: str) -> float | None:
    """The share of the row a column takes at the widest breakpoint its classes name.

    >>> column_width("col-xl-2 col-lg-2 col-md-12 col-sm-12")
    0.16666666666666666
    >>> column_width("w-full md:w-8/12 lg:w-9/12"), column_width("lg:col-span-4")
    (0.75, 0.3333333333333333)
    >>> column_width("row detay container") is None
    True
    """
    found: dict[int, float] = {}
    for m in _BOOTSTRAP.finditer(classes):
        width = int(m.group(2))
        if 0 < width <= 12:
            found[BREAKPOINTS.index(m.group(1) or "")] = width / 12
    for m in _TW_FRACTION.finditer(classes):
        num, den = int(m.group(2)), int(m.group(3))
        if 0 < num <= den:
            found[BREAKPOINTS.index(m.group(1) or "")] = num / den
    for m in _TW_SPAN.finditer(classes):
        width = int(m.group(2))
        if 0 < width <= 12:
            found[BREAKPOINTS.index(m.group(1) or "")] = width / 12
    if not found:
        return None
    return found[max(found)]


def paired_name(main: str, other: str) -> bool:
    """Whether two class strings name a pair of columns ("detail-left" / "detail-right").

    >>> paired_name("category-detail-left", "category-detail-right")
    True
    >>> paired_name("haber-detay", "haber-detay-alt"), paired_name("text-left", "box")
    (False, False)
    """
    tokens = set(other.split())
    for token in main.split():
        for a, b in COLUMN_PAIRS:
            if a in token and token.replace(a, b) in tokens:
                return True
    return False


def _track_px(el: Element, main: Element) -> int | None:
    """The fixed width of ``el``'s track in its parent's arbitrary grid template
    (``grid-cols-[1fr_300px]``), when ``main`` takes a flexible one."""
    parent = el.getparent()
    if parent is None:
        return None
    m = _TW_TRACKS.search(parent.get("class") or "")
    if m is None:
        return None
    tracks = m.group(1).split("_")
    children = [c for c in parent if isinstance(c.tag, str)]
    if len(children) > len(tracks) or el not in children or main not in children:
        return None
    mine, theirs = tracks[children.index(el)], tracks[children.index(main)]
    if mine.endswith("px") and mine[:-2].isdigit() and not theirs.endswith("px"):
        return int(mine[:-2])
    return None


def is_side_column(el: Element, main: Element) -> bool:
    """Whether ``el``, a later sibling of ``main`` (the column holding the article), is a
    column beside it: narrow by its grid classes, fixed and narrow, or named as its pair."""
    classes = el.get("class") or ""
    main_classes = main.get("class") or ""
    if classes and main_classes and paired_name(main_classes, classes):
        return True
    fixed = _TW_FIXED.search(classes)
    px = int(fixed.group(1)) if fixed else _track_px(el, main)
    if px is not None:
        return px <= MAX_SIDE_PX
    side = column_width(classes)
    if side is None or side > MAX_SIDE:
        return False
    width = column_width(main_classes)
    return width is not None and width >= MIN_MAIN and width + side <= 1.0
