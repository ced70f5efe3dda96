"""The article URL pattern of a site, inferred from the URLs its feeds, sitemaps and home
page link to.

Each path segment gets a shape (a year, a two-digit month or day, a slug ending in an id,
a literal word...); the commonest shape among the links that look like articles becomes
a regex on the URL path, in the form ``SiteProfile.article_pattern`` takes.

Links whose path names no article (``/news.php?id=101``, ``/index.php?page=haber&id=77``,
WordPress's ``/?p=123``) are shaped by their query instead: the path and every parameter
whose value is a word stay literal (``page=haber``), a number becomes ``\\d+``, tracking
parameters (``utm_*``, ``fbclid``...) are left out; such a pattern has ``\\?`` and is
matched against path and query (see ``newscrawler.profiles``). Scripts whose name or
literal values say listing (``kategori.php?id=3``, ``?page=kategori&id=3``), or whose
number is a listing's (``?cat=3``, ``?page_id=5``), are never articles.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from newscrawler.profiles import article_target, matches_query
from newscrawler.urls import canonical_url, is_tracking

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
#: A slug of two or more words: the last segment under a date (``/2025/11/yangin-cikti/``)
#: names an article even when short; elsewhere a two-word segment may be a category.
DATED_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)+"
#: Marks a query signature (``/news.php?id=101``) apart from a path signature.
QUERY = "?"
#: Words of a script name or a literal query value that say "not an article": category,
#: tag, author, search, static and print pages, feeds.
LISTING_WORDS = frozenset({
    "kategori", "kat", "category", "cat", "etiket", "tag", "tags", "yazar", "yazarlar",
    "author", "arama", "ara", "search", "sayfa", "page", "rss", "feed", "yazdir", "print",
    "arsiv", "archive", "uye", "login", "iletisim", "kunye", "yorum", "yorumlar", "comment",
})


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
    parts = segments(url)
    shapes = [shape(s) for s in parts]
    if shapes and shapes[-1] == WORD and "year" in shapes[:-1]:
        last = parts[-1]
        if re.fullmatch(DATED_SLUG + r"\.html?", last):
            shapes[-1] = "slug.html"
        elif re.fullmatch(DATED_SLUG, last):
            shapes[-1] = "slug"
    if not shapes or not (set(shapes) & ARTICLE_SHAPES) or len(shapes) > 6:
        return None
    return tuple(shapes)


def _words(text: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", text.lower())) - {""}


def query_signature(url: str) -> tuple[str, ...] | None:
    """The regex pieces of a URL named by its query: ``QUERY``, the path, one piece a
    parameter (a number ``\\d+``, a slug its shape, anything else literal); None when no
    parameter names an article, or the script, a value or a number's key says listing.

    >>> query_signature("https://x.org/index.php?page=haber&id=77&utm_source=x")
    ('?', 'index\\\\.php', 'page=haber', 'id=\\\\d+')
    >>> [query_signature(f"https://x.org/{u}") for u in ("kategori.php?id=3", "?cat=3")]
    [None, None]
    >>> query_signature("https://x.org/?p=123")
    ('?', '', 'p=\\\\d+')
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    script = path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if _words(script) & LISTING_WORDS:
        return None
    pieces: list[str] = []
    named = False
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if is_tracking(key):
            continue
        if re.fullmatch(r"\d+", value):
            if _words(key) & LISTING_WORDS:  # ?cat=3, ?page_id=5, ?page=2
                return None
            piece, named = r"\d+", True
        elif (kind := shape(value)) in ARTICLE_SHAPES:
            piece, named = _piece(kind), True
        elif _words(value) & LISTING_WORDS:
            return None
        else:
            piece = re.escape(value)
        pieces.append(f"{re.escape(key)}={piece}")
    if not named or len(pieces) > 4:
        return None
    return (QUERY, re.escape(path[1:]), *pieces)


def _piece(name: str) -> str:
    return next(piece for shape_name, _regex, piece in SHAPES if shape_name == name)


def _regex(sig: tuple[str, ...], urls: list[str]) -> str:
    """The regex of one signature (after the leading ``/``); in a path, a word position
    keeps its word when all ``urls`` share it (``haber``), else takes any word
    (categories), and a slug under a date may have two words."""
    if sig[0] == QUERY:
        return sig[1] + r"\?" + "&".join(sig[2:])
    parts = []
    for i, name in enumerate(sig):
        if name in ("slug", "slug.html") and "year" in sig[:i]:
            parts.append(DATED_SLUG + (r"\.html?" if name == "slug.html" else ""))
            continue
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
    unique = list(dict.fromkeys(canonical_url(u) for u in urls))  # one page, one link
    for url in unique:
        sig = signature(url) or query_signature(url)
        if sig is not None:
            by_sig.setdefault(sig, []).append(url)
    if not by_sig:
        return None
    counts = Counter({sig: len(found) for sig, found in by_sig.items()})
    total = sum(counts.values())
    top = counts.most_common(1)[0][0]
    # The commonest says path or query; others of its kind join (WordPress ?p= shortlinks
    # beside its permalinks do not).
    chosen = [sig for sig, n in counts.most_common() if sig == top or (
        n / total >= MIN_SHARE and (sig[0] == QUERY) == (top[0] == QUERY))]
    body = "|".join(_regex(sig, by_sig[sig]) for sig in chosen)
    pattern = f"^/(?:{body})$" if top[0] == QUERY else f"^/(?:{body})/?$"
    matched = sum(1 for u in unique if re.search(pattern, _target(u, pattern)))
    return Inferred(pattern, matched, len(unique))


def _target(url: str, pattern: str) -> str:
    """What ``pattern`` is searched in, as ``SiteProfile.is_article_url`` does (a path
    lower-cased, as its shapes were)."""
    target = article_target(url, pattern)
    return target if matches_query(pattern) else target.lower()
