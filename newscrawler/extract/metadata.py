"""Page metadata: JSON-LD, OpenGraph, ``article:*`` and plain ``<meta>`` tags, canonical, lang."""

from __future__ import annotations

import html as htmllib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newscrawler.extract.dom import Element, collapse, parse_html, text_content

logger = logging.getLogger(__name__)

# schema.org types that describe an article page.
ARTICLE_TYPES = frozenset(
    {
        "newsarticle",
        "article",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "report",
    }
)
PUBLISHER_TYPES = frozenset({"organization", "newsmediaorganization", "corporation"})

# <meta name|property> keys that carry a publication / modification date.
PUBLISHED_META = frozenset(
    {
        "article:published_time",
        "og:article:published_time",
        "og:published_time",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "dcterms.date",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "datepublished",
    }
)
MODIFIED_META = frozenset(
    {
        "article:modified_time",
        "og:article:modified_time",
        "og:updated_time",
        "article:updated_time",
        "dcterms.modified",
        "last-modified",
        "datemodified",
    }
)

#: Values kept per repeated ``<meta>`` key (dates, tags, authors); the rest are ignored.
MAX_META_VALUES = 200
#: A JSON-LD script longer than this (characters) is skipped, not parsed.
MAX_JSON_LD_CHARS = 1_000_000
#: A JSON-LD script nested deeper than this (objects and arrays) is skipped, not parsed.
MAX_JSON_LD_DEPTH = 50

# A JSON string (skipped whole) or one bracket: enough to measure nesting in one pass.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPED_JSON = re.compile(r"\s*[\[{]\s*&quot;")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_WRAPPER = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
_FIELD_RE = {
    key: re.compile(rf'"{key}"\s*:\s*"((?:[^"\\]|\\.)*)"')
    for key in ("headline", "datePublished", "dateModified", "articleBody", "articleSection")
}


@dataclass
class JsonLdArticle:
    """The fields newscrawler reads from a JSON-LD article object (strings unescaped)."""

    type: str = ""
    headline: str | None = None
    description: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    keywords: list[str] = field(default_factory=list)
    body: str | None = None
    url: str | None = None
    publisher: str | None = None
    language: str | None = None


@dataclass
class Metadata:
    """Everything the page says about itself outside its visible text."""

    title: str | None = None
    description: str | None = None
    og_title: str | None = None
    og_type: str | None = None
    og_url: str | None = None
    og_site_name: str | None = None
    og_description: str | None = None
    og_locale: str | None = None
    published: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    article_authors: list[str] = field(default_factory=list)
    author: str | None = None
    keywords: list[str] = field(default_factory=list)
    news_keywords: list[str] = field(default_factory=list)
    canonical: str | None = None
    language: str | None = None
    json_ld: JsonLdArticle | None = None
    json_ld_site_name: str | None = None
    breadcrumbs: list[str] = field(default_factory=list)
    json_ld_skipped: int = 0  # JSON-LD scripts too large or too deeply nested to parse


def split_keywords(value: str | None) -> list[str]:
    """Split a comma/semicolon separated keyword string, dropping empties and duplicates.

    >>> split_keywords("İzmir, belediye ;İzmir,, kadın")
    ['İzmir', 'belediye', 'kadın']
    """
    out: list[str] = []
    add = _Unique(out)
    for part in re.split(r"[,;]", value or ""):
        word = collapse(part)
        if word:
            add(word)
    return out


def json_depth(text: str, limit: int = MAX_JSON_LD_DEPTH) -> int:
    """How deeply objects and arrays nest in JSON ``text`` (strings ignored), in one pass;
    counting stops just past ``limit``.

    >>> json_depth('{"a": [1, {"b": "]]]"}]}')
    3
    >>> json_depth("[" * 10_000, limit=50)
    51
    """
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        char = match.group()[0]
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif char in "]}":
            depth -= 1
    return deepest


def json_ld_problem(text: str) -> str | None:
    """Why a JSON-LD script is not parsed (too large, nested too deeply), or None.

    >>> json_ld_problem('{"@type": "NewsArticle"}') is None
    True
    >>> json_ld_problem("[" * 60)
    'nested deeper than 50'
    """
    if len(text) > MAX_JSON_LD_CHARS:
        return f"{len(text)} characters, over {MAX_JSON_LD_CHARS}"
    # Nesting needs an opening bracket a level: few of them in all, no need to count.
    if text.count("[") + text.count("{") > MAX_JSON_LD_DEPTH and json_depth(
            text) > MAX_JSON_LD_DEPTH:
        return f"nested deeper than {MAX_JSON_LD_DEPTH}"
    return None


def loads_lenient(text: str) -> list[Any]:
    """Parse JSON-LD that may be broken: control chars, trailing commas, several objects.

    >>> loads_lenient('{"a": "x\\ny",}')
    [{'a': 'x y'}]
    >>> loads_lenient('{"a": 1} {"b": 2}')
    [{'a': 1}, {'b': 2}]
    """
    text = _WRAPPER.sub("", text.strip()).strip().rstrip(";")
    if not text:
        return []
    try:
        return [json.loads(text)]
    except ValueError:
        pass
    if _ESCAPED_JSON.match(text):  # the whole script was HTML-escaped by the CMS
        text = htmllib.unescape(text)
    fixed = _TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", text))
    decoder = json.JSONDecoder(strict=False)
    out: list[Any] = []
    pos = 0
    while pos < len(fixed):
        while pos < len(fixed) and fixed[pos] in " \t\r\n,;":
            pos += 1
        if pos >= len(fixed):
            break
        try:
            value, pos = decoder.raw_decode(fixed, pos)
        except ValueError:
            break
        out.append(value)
    return out


def _unescape(value: Any) -> str | None:
    """A JSON-LD value as clean text: HTML entities decoded, whitespace collapsed."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("@id")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, (dict, list)):
        return None
    text = collapse(htmllib.unescape(str(value)))
    return text or None


def _names(value: Any) -> list[str]:
    """Names from a JSON-LD author/person value (string, object or list)."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        name = _unescape(item.get("name") if isinstance(item, dict) else item)
        if name and not name.startswith("http") and name not in out:
            out.append(name)
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type", "")
    items = raw if isinstance(raw, list) else [raw]
    return {str(t).lower().rsplit("/", 1)[-1] for t in items}


def _objects(value: Any, depth: int = 0) -> list[dict[str, Any]]:
    """Every JSON-LD object in a parsed value, flattening lists and ``@graph``."""
    if depth > 6:
        return []
    if isinstance(value, list):
        return [obj for item in value for obj in _objects(item, depth + 1)]
    if not isinstance(value, dict):
        return []
    found = [value]
    if "@graph" in value:
        found.extend(_objects(value["@graph"], depth + 1))
    main = value.get("mainEntity")
    if isinstance(main, (dict, list)):
        found.extend(_objects(main, depth + 1))
    return found


def _article_from(obj: dict[str, Any], kind: str) -> JsonLdArticle:
    keywords = obj.get("keywords")
    if isinstance(keywords, list):  # an entry may itself be a list ("HABER, son dakika")
        kw: list[str] = []
        add = _Unique(kw)
        for entry in keywords:
            for word in split_keywords(_unescape(entry)):
                add(word)
    else:
        kw = split_keywords(_unescape(keywords))
    section = obj.get("articleSection")
    body = obj.get("articleBody")
    main = obj.get("mainEntityOfPage")
    url = obj.get("url") or (main.get("@id") if isinstance(main, dict) else main)
    return JsonLdArticle(
        type=kind,
        headline=_unescape(obj.get("headline") or obj.get("name")),
        description=_unescape(obj.get("description")),
        date_published=_unescape(obj.get("datePublished") or obj.get("dateCreated")),
        date_modified=_unescape(obj.get("dateModified")),
        authors=_names(obj.get("author") or obj.get("creator")),
        section=_unescape(section),
        keywords=kw,
        body=(htmllib.unescape(body).strip() or None) if isinstance(body, str) else None,
        url=_unescape(url),
        publisher=_unescape(obj.get("publisher")),
        language=_unescape(obj.get("inLanguage")),
    )


def _regex_article(text: str) -> JsonLdArticle | None:
    """Last resort for JSON-LD no parser accepts: pick the key fields out with regexes."""
    got: dict[str, str] = {}
    for key, pattern in _FIELD_RE.items():
        match = pattern.search(text)
        if match:
            try:
                got[key] = json.loads(f'"{match.group(1)}"', strict=False)
            except ValueError:
                got[key] = match.group(1)
    if "headline" not in got and "datePublished" not in got:
        return None
    return _article_from(got, "article")


def read_json_ld(scripts: Iterable[Element], meta: Metadata) -> None:
    """Fill ``meta.json_ld``, ``json_ld_site_name`` and ``breadcrumbs`` from the page's
    ``<script type>`` elements (the JSON-LD ones)."""
    for script in scripts:
        if "ld+json" not in script.get("type", "").lower():
            continue
        text = script.text or ""
        problem = json_ld_problem(text)
        if problem is not None:
            meta.json_ld_skipped += 1
            logger.warning("skipped a JSON-LD script: %s", problem)
            continue
        try:
            values = loads_lenient(text)
        except RecursionError:  # nesting the depth check did not see (defensive)
            meta.json_ld_skipped += 1
            logger.warning("skipped a JSON-LD script: nested too deeply to parse")
            continue
        objects = _objects(values)
        if not objects and meta.json_ld is None:
            meta.json_ld = _regex_article(text)
        for obj in objects:
            types = _types(obj)
            if meta.json_ld is None and types & ARTICLE_TYPES:
                meta.json_ld = _article_from(obj, sorted(types & ARTICLE_TYPES)[0])
            elif "breadcrumblist" in types and not meta.breadcrumbs:
                items = obj.get("itemListElement") or []
                for item in items if isinstance(items, list) else []:
                    if isinstance(item, dict):
                        name = _unescape(item.get("name") or item.get("item"))
                        if name and not name.startswith("http"):
                            meta.breadcrumbs.append(name)
            elif types & PUBLISHER_TYPES or "website" in types:
                if meta.json_ld_site_name is None:
                    meta.json_ld_site_name = _unescape(obj.get("name"))


def _first(current: str | None, value: str) -> str | None:
    return current if current else (value or None)


class _Unique:
    """Appends to a metadata list once per value, in constant time, up to a cap.

    A page may repeat a ``<meta>`` tag a hundred thousand times: a list membership
    test per tag made reading such a page quadratic (100 s for 100k tags).

    >>> values: list[str] = []
    >>> add = _Unique(values, cap=2)
    >>> for v in ["a", "b", "a", "c"]:
    ...     add(v)
    >>> values
    ['a', 'b']
    """

    def __init__(self, values: list[str], cap: int = MAX_META_VALUES) -> None:
        self.values = values
        self.seen = set(values)
        self.cap = cap

    def __call__(self, value: str) -> None:
        if value not in self.seen and len(self.values) < self.cap:
            self.seen.add(value)
            self.values.append(value)


def read_meta_tags(tags: Iterable[Element], meta: Metadata) -> None:
    """Fill the OpenGraph / ``article:*`` / name= fields from the page's ``<meta>`` elements.

    Linear in the number of tags; each list keeps at most ``MAX_META_VALUES`` values.
    """
    add_published = _Unique(meta.published)
    add_modified = _Unique(meta.modified)
    add_tag = _Unique(meta.tags)
    add_author = _Unique(meta.article_authors)
    for el in tags:
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if not key:
            continue
        value = collapse(el.get("content"))
        if not value:
            continue
        if key == "og:title":
            meta.og_title = _first(meta.og_title, htmllib.unescape(value))
        elif key == "og:type":
            meta.og_type = _first(meta.og_type, value.lower())
        elif key == "og:url":
            meta.og_url = _first(meta.og_url, value)
        elif key == "og:site_name":
            meta.og_site_name = _first(meta.og_site_name, value)
        elif key == "og:description":
            meta.og_description = _first(meta.og_description, value)
        elif key == "og:locale":
            meta.og_locale = _first(meta.og_locale, value)
        elif key == "description":
            meta.description = _first(meta.description, value)
        elif key in PUBLISHED_META:
            add_published(value)
        elif key in MODIFIED_META:
            add_modified(value)
        elif key == "article:section":
            meta.section = _first(meta.section, value)
        elif key == "article:tag":
            for tag in split_keywords(value):
                add_tag(tag)
        elif key == "article:author":
            add_author(value)
        elif key == "author":
            meta.author = _first(meta.author, value)
        elif key == "keywords":
            meta.keywords = meta.keywords or split_keywords(value)
        elif key == "news_keywords":
            meta.news_keywords = meta.news_keywords or split_keywords(value)


def extract_metadata(doc: str | Element) -> Metadata:
    """Read a page's metadata from HTML text or an already parsed tree.

    >>> m = extract_metadata('<html lang="tr-TR"><head><meta property="og:type" content="article">'
    ...     '<link rel="canonical" href="https://x.com.tr/a-1"></head></html>')
    >>> (m.og_type, m.canonical, m.language)
    ('article', 'https://x.com.tr/a-1', 'tr-TR')
    """
    root = parse_html(doc) if isinstance(doc, str) else doc
    meta = Metadata()
    found = _head_elements(root)
    read_meta_tags(found["meta"], meta)
    read_json_ld(found["script"], meta)
    title = found["title"][0] if found["title"] else None
    if title is not None:
        meta.title = collapse(text_content(title)) or None
    for link in found["link"]:
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            meta.canonical = link.get("href", "").strip() or None
            break
    lang = root.get("lang") or root.get("xml:lang")
    meta.language = collapse(lang) or None
    return meta


def _head_elements(root: Element) -> dict[str, list[Element]]:
    """The elements :func:`extract_metadata` reads, by tag, in one walk of the tree (four
    walks of a large page cost ~2.5x as much): every ``<meta>`` and ``<link>`` (``root``
    too, as ``iter`` gives it), the ``<script>`` elements with a ``type`` below ``root``
    (``.//script[@type]``) and the first ``<title>`` below it (``.//title``)."""
    found: dict[str, list[Element]] = {"meta": [], "link": [], "script": [], "title": []}
    for el in root.iter("meta", "link", "script", "title"):
        tag = el.tag
        if tag == "script":
            if el is not root and el.get("type") is not None:
                found["script"].append(el)
        elif tag == "title":
            if el is not root and not found["title"]:
                found["title"].append(el)
        else:
            found[tag].append(el)
    return found
