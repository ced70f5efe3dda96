"""The article URL pattern of a site, inferred from the URLs its feeds, sitemaps and home
page link to.

Each path segment gets a shape (a year, a two-digit month or day, a slug ending in an id,
a literal word...); the commonest shape among the links that look like articles becomes
a regex on the URL path, in the form ``SiteProfile.article_pattern`` takes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

_WORDS = r"[a-z0-9]+(?:-[a-z0-9]+)*"
#: Segment shapes, tried in order: (name, regex on one segment, regex piece of the pattern).
SHAPES: tuple[tuple[str, str, str], ...] = (
    ("year", r"(?:19|20)\d{2}", r"(?:19|20)\d{2}"),
    ("nn", r"\d{2}", r"\d{2}"),
    ("id", r"\d+", r"\d+"),
    ("slug-hid.html", _WORDS + r"-h\d+\.html?", _WORDS + r"-h\d+\.html?"),
    ("slug-id.html", _WORDS + r"-\d+\.html?", _WORDS + r"-\d+\.html?"),
    ("slug-hid", _WORDS + r"-h\d+", _WORDS + r"-h\d+"),
    ("slug-id", _WORDS + r"-\d+", _WORDS + r"-\d+"),
    ("slug.html", r"[a-z0-9]+(?:-[a-z0-9]+){2,}\.html?", r"[a-z0-9]+(?:-[a-z0-9]+){2,}\.html?"),
    ("slug", r"[a-z0-9]+(?:-[a-z0-9]+){2,}", r"[a-z0-9]+(?:-[a-z0-9]+){2,}"),
)
#: Shapes that name one article (a slug, or an id under a date); a path needs one.
ARTICLE_SHAPES = frozenset({"slug-hid.html", "slug-id.html", "slug-hid", "slug-id",
                            "slug.html", "slug"})
#: A segment that is none of the shapes: a word such as ``haber`` or a category.
WORD = "word"
#: The piece for a position where several words were seen (categories).
ANY_WORD = r"[a-z0-9]+(?:-[a-z0-9]+)*"
#: A second shape joins the pattern when it covers at least this share of the links.
MIN_SHARE = 0.2


def shape(segment: str) -> str:
    """The shape of one path segment.

    >>> [shape(s) for s in ("2025", "11", "kres-acildi-h31400.html", "yeni-kres-acildi",
    ...                     "haber", "kres-acildi-604100")]
    ['year', 'nn', 'slug-hid.html', 'slug', 'word', 'slug-id']
    """
    for name, regex, _piece in SHAPES:
        if re.fullmatch(regex, segment):
            return name
    return WORD


def segments(url: str) -> tuple[str, ...]:
    """The non-empty, lower-cased segments of a URL's path.

    >>> segments("http://x.org/2025/11/yeni-kres/?utm=1")
    ('2025', '11', 'yeni-kres')
    """
    return tuple(s for s in urlsplit(url).path.lower().split("/") if s)


def signature(url: str) -> tuple[str, ...] | None:
    """The shapes of a URL's path, or None when nothing in it names an article.

    >>> signature("https://x.org/haber/belediye-meclisi-toplandi-12345")
    ('word', 'slug-id')
    >>> signature("https://x.org/2025/11/14/belediye-meclisi-toplandi/")
    ('year', 'nn', 'nn', 'slug')
    >>> signature("https://x.org/category/gundem/") is None
    True
    """
    shapes = tuple(shape(s) for s in segments(url))
    if not shapes or not (set(shapes) & ARTICLE_SHAPES) or len(shapes) > 6:
        return None
    return shapes


def _piece(name: str) -> str:
    return next(piece for shape_name, _regex, piece in SHAPES if shape_name == name)


def _regex(sig: tuple[str, ...], urls: list[str]) -> str:
    """The path regex of one signature; a word position keeps its word when all ``urls``
    share it (``haber``), else takes any word (categories)."""
    parts = []
    for i, name in enumerate(sig):
        if name != WORD:
            parts.append(_piece(name))
            continue
        words = {segments(u)[i] for u in urls}
        parts.append(re.escape(words.pop()) if len(words) == 1 else ANY_WORD)
    return "/".join(parts)


@dataclass(frozen=True)
class Inferred:
    """An inferred pattern and how many of the links it was inferred from it matches."""

    pattern: str
    matched: int
    links: int


def infer_pattern(urls: Iterable[str]) -> Inferred | None:
    """The article pattern of the commonest shape(s) among ``urls``; None when no URL
    names an article.

    >>> infer_pattern(["https://x.org/gundem/kres-acildi-h1.html",
    ...                "https://x.org/spor/takim-kuruldu-h2.html"]).pattern
    '^/(?:[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*-h\\\\d+\\\\.html?)/?$'
    >>> p = infer_pattern(["https://x.org/haber/kres-acildi-1", "https://x.org/haber/yol-2",
    ...                    "https://x.org/kunye"]).pattern
    >>> bool(re.search(p, "/haber/yeni-yol-acildi-77")), bool(re.search(p, "/kunye"))
    (True, False)
    """
    by_sig: dict[tuple[str, ...], list[str]] = {}
    unique = list(dict.fromkeys(urls))
    for url in unique:
        sig = signature(url)
        if sig is not None:
            by_sig.setdefault(sig, []).append(url)
    if not by_sig:
        return None
    counts = Counter({sig: len(found) for sig, found in by_sig.items()})
    total = sum(counts.values())
    chosen = [sig for sig, n in counts.most_common()
              if sig == counts.most_common(1)[0][0] or n / total >= MIN_SHARE]
    body = "|".join(_regex(sig, by_sig[sig]) for sig in chosen)
    pattern = f"^/(?:{body})/?$"
    matched = sum(1 for u in unique if re.search(pattern, urlsplit(u).path.lower()))
    return Inferred(pattern, matched, len(unique))
