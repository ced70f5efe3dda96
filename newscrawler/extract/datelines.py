"""Date candidates: raw date strings a page offers, with where each came from.

Nothing is parsed here; ``newscrawler.text.dates`` turns candidates into dates. Sources
(``newscrawler.text.dates.SOURCES``): ``json-ld``, ``meta``, ``time``, ``byline`` (the
visible line, labels such as "Güncelleme:" kept so the parser sees the role) and ``url``.
``role`` is "published" or "updated" when the place says so (JSON-LD ``dateModified``,
``article:modified_time``, ``<time class="updated">``), else None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from lxml import etree

from newscrawler.extract.dom import BLOCK_TAGS, Element, class_id, collapse, word_pattern
from newscrawler.extract.metadata import Metadata
from newscrawler.text.dates import DateCandidate

# --- data -------------------------------------------------------------------------------

MONTHS = (
    "ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos", "eylül",
    "ekim", "kasım", "aralık",
    "oca", "şub", "mar", "nis", "may", "haz", "tem", "ağu", "eyl", "eki", "kas", "ara",
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december",
    "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
)
WEEKDAYS = ("pazartesi", "salı", "çarşamba", "perşembe", "cumartesi", "cuma", "pazar")
# Words that may stand beside a date in a byline without making it a sentence.
DATE_LABELS = (
    "yayın", "yayin", "yayınlanma", "yayımlanma", "yayınlama", "güncelleme", "güncellenme",
    "güncellendi", "son", "oluşturulma", "tarihi", "tarih", "giriş", "giris", "saat",
    "eklenme", "haber", "published", "updated", "update", "posted", "modified", "on", "at",
    "tarihinde", "itibarıyla", "önce", "dakika", "gün", "hafta", "ay", "yıl", "ve",
)
# class/id words of elements that hold a visible date.
DATE_CLASS_WORDS = (
    "date", "tarih", "time", "zaman", "yayin", "guncel", "publish", "updated", "posted",
    "datetime", "timestamp",
)
MODIFIED_WORDS = ("modif", "updat", "guncel", "güncel")
PUBLISHED_WORDS = ("published", "publish", "pubdate", "yayin")
PUBLISHED, UPDATED = "published", "updated"  # DateCandidate roles
MAX_BYLINE = 150  # characters of a class-marked date element kept as one candidate
MAX_LOOSE_LINE = 100  # characters of an unmarked line near the title
MAX_LOOSE_WORDS = 3  # words besides date, time and labels in an unmarked line
# Subtrees never searched for the article's own date.
NO_DATE_TAGS = ("a", "time", "aside", "nav", "footer", "form", "select", "button", "figure")
DATE_SKIP_WORDS = (
    "related", "ilgili", "benzer", "diger", "sidebar", "comment", "yorum", "popular",
    "populer", "okunan", "widget", "manset", "slider", "footer",
)

# --- compiled forms ----------------------------------------------------------------------

# Each Turkish letter also matches its ASCII stand-in ("Eylul", "KASIM", "Subat").
_TR_FOLD = str.maketrans({"ı": "[ıIiİ]", "i": "[iİIı]", "ş": "[şŞsS]", "ğ": "[ğĞgG]",
                          "ü": "[üÜuU]", "ö": "[öÖoO]", "ç": "[çÇcC]"})


def _tr_class(word: str) -> str:
    return word.translate(_TR_FOLD)


_MONTH_RE = "|".join(_tr_class(m) for m in sorted(MONTHS, key=len, reverse=True))
_MONTH_FIRST = rf"(?:{_MONTH_RE})\.?\s+\d{{1,2}},?\s+\d{{4}}"  # "Kasım 16, 2025"
_DATE_FORMS = (
    r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?!\d)",
    r"\d{4}[./-]\d{1,2}[./-]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?",
    rf"\d{{1,2}}\.?\s+(?:{_MONTH_RE})\.?(?:\s+\d{{4}})?(?![^\W\d_])",
    _MONTH_FIRST,
    r"\d+\s+(?:dakika|saat|g[üÜuU]n|hafta|ay|y[ıiI]l)\s+[öÖoO]nce",
)
DATE_RE = re.compile(r"(?<!\d)(?:" + "|".join(_DATE_FORMS) + ")", re.IGNORECASE)


def _after_first_digit(form: str) -> str:
    """A form of ``DATE_RE`` that starts with digits, less its first digit."""
    for head, rest in ((r"\d{1,2}", r"\d?"), (r"\d{4}", r"\d{3}"), (r"\d+", r"\d*")):
        if form.startswith(head):
            return rest + form[len(head):]
    raise ValueError(form)


# ``DATE_RE`` without its month-first form, which never starts with a digit, the others'
# first digit taken out in front: a search skips to the next digit in C (the month names
# tried at every character cost ~3,000 instructions a character).
_DIGIT_DATE_RE = re.compile(
    r"\d(?<!\d\d)(?:"
    + "|".join(_after_first_digit(f) for f in _DATE_FORMS if f is not _MONTH_FIRST) + ")",
    re.IGNORECASE)
_TIME_RE = re.compile(r"(?<!\d)\d{1,2}[:.]\d{2}(?::\d{2})?(?!\d)")
_LABEL_RE = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(_tr_class(w) for w in sorted((*DATE_LABELS, *WEEKDAYS), key=len, reverse=True))
    + r")(?![^\W\d_])",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_DIGIT = re.compile(r"\d")
# What follows the month of a date that starts with its month: a space, a day, maybe a
# comma, spaces and a year.
_MONTH_FIRST_TAIL = re.compile(r"\s\d{1,2},?\s+\d{4}")
# A byline that is nothing but a relative day or moment ("Dün 14:00", "Az önce"); in
# running text these words mean no date, so only the whole line counts.
_BARE_RELATIVE = re.compile(
    r"^\W*(?:(?:" + "|".join(_tr_class(w) for w in sorted(DATE_LABELS, key=len, reverse=True))
    + r")\W*)?(?:"
    + "|".join(_tr_class(w) for w in ("az önce", "yarım saat önce", "şimdi", "dün", "bugün"))
    + r")(?:\s*,?\s*\d{1,2}[:.]\d{2})?\W*$",
    re.IGNORECASE,
)
_URL_DATE_RE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}([/-])\d{1,2}\1\d{1,2}(?!\d)"
)
_DATE_CLASS = word_pattern(DATE_CLASS_WORDS)
_MODIFIED = word_pattern(MODIFIED_WORDS)
_PUBLISHED = word_pattern(PUBLISHED_WORDS)
_DATE_SKIP = word_pattern(DATE_SKIP_WORDS)
_PROSE_END = re.compile(r"[^\W\d_]\.\s*$")  # a sentence, not "16.11.2025."
_CLASSED = etree.XPath("descendant::*[@class or @id]")
# The ancestor test first: it rejects the many link texts of menus and related boxes
# before any string is built (the same nodes, ~35% cheaper on a large page).
_SHORT_TEXT = etree.XPath(
    f"descendant::text()[not(ancestor::a[1])][string-length(normalize-space(.)) >= 6]"
    f"[string-length(normalize-space(.)) <= {MAX_LOOSE_LINE}]"
)
_NO_DATE_TAGS = frozenset(NO_DATE_TAGS)


def has_date(text: str) -> bool:
    """Whether the text contains something that reads as a calendar date.

    >>> has_date("Güncelleme: 16 Kasım 2025 - 10:30"), has_date("Saat 10:30")
    (True, False)
    >>> has_date("15 Eylul 2025"), has_date("3 ŞUBAT 2024"), has_date("2 gun once")
    (True, True, True)
    >>> has_date("Dün 14:00"), has_date("Az önce"), has_date("az önce söylediği gibi")
    (True, True, False)
    """
    # A plain str for the cache: a text node's string would keep its whole page alive.
    return _has_date(text if type(text) is str else str(text))


@lru_cache(maxsize=2048)
def _has_date(text: str) -> bool:
    """:func:`has_date`, remembered: a site's pages repeat their short texts (a byline's
    author, a box's title), and a page asks about one text up to three times (~60% of
    the questions on a crawl of distinct large pages)."""
    if _DIGIT.search(text) is not None and _date_in(text):
        return True
    return len(text) <= 40 and _BARE_RELATIVE.match(text) is not None


def _date_in(text: str) -> bool:
    """``DATE_RE.search(text) is not None``, tried first only where a date can start: every
    form but "Kasım 16, 2025" starts with a digit, and that one needs a space, a day and
    a year after its month (a search tries the month names at every character: ~10-40
    µs for a byline or a headline with a number in it).

    >>> [_date_in(t) for t in ("Vali (83)", "1 saat önce", "Kasım 16, 2025", "a12.11.25")]
    [False, True, True, True]
    """
    if _DIGIT_DATE_RE.search(text) is not None:
        return True
    return _MONTH_FIRST_TAIL.search(text) is not None and DATE_RE.search(text) is not None


def looks_like_dateline(text: str, max_words: int = MAX_LOOSE_WORDS) -> bool:
    """Whether a short line is mostly a date: few words besides dates, times and labels.

    >>> looks_like_dateline("16.11.2025 Pazar 14:05 | Güncelleme: 16.11.2025 15:10")
    True
    >>> looks_like_dateline("25 Kasım'da kadına yönelik şiddete karşı yürüyüş yapılacak")
    False
    >>> looks_like_dateline("Toplantı 25 Kasım 2025 tarihinde yapılacak.")
    False
    """
    if len(text) > 2 * MAX_LOOSE_LINE or not has_date(text) or _PROSE_END.search(text):
        return False
    rest = _LABEL_RE.sub(" ", _TIME_RE.sub(" ", _without_dates(text)))
    return len(_WORD_RE.findall(rest)) <= max_words


def _without_dates(text: str) -> str:
    """``DATE_RE.sub(" ", text)``: without the month-first form when no day and year
    follow a space (it cannot match), each date found from a digit (~86,000 instructions
    for "Ali Çelik 4 Ocak 2025 09:03", ~15,000 this way).

    >>> _without_dates("Ali Çelik 4 Ocak 2025 09:03"), _without_dates("Kasım 16, 2025 x")
    ('Ali Çelik   09:03', '  x')
    """
    if _MONTH_FIRST_TAIL.search(text) is not None:
        return DATE_RE.sub(" ", text)
    return _DIGIT_DATE_RE.sub(" ", text)


def url_dates(url: str) -> list[str]:
    """Dates written into a URL path (``/2025/11/16/``, ``2025-11-16``).

    >>> url_dates("https://x.com.tr/2025/11/16/izmirde-stk-bulusmasi/")
    ['2025/11/16']
    """
    out: list[str] = []
    for match in _URL_DATE_RE.finditer(url):
        raw = match.group(0).strip("/")
        if raw not in out:
            out.append(raw)
    return out


def spaced_text(el: Element) -> str:
    """The element's text with a space between text nodes (``<span>`` pieces stay apart).

    >>> from newscrawler.extract.dom import parse_html
    >>> spaced_text(parse_html("<p><b>Güncelleme:</b><i>16.11.2025</i></p>").find(".//p"))
    'Güncelleme: 16.11.2025'
    """
    return collapse(" ".join(el.itertext()))


def _short_spaced_text(el: Element, limit: int) -> str | None:
    """:func:`spaced_text` when it is at most ``limit`` characters long, else None (read
    only until it is longer: the widest boxes around a date line hold whole articles)."""
    words: list[str] = []
    length = -1  # the spaces between words
    for piece in el.itertext():
        more = piece.split()
        if more:
            length += sum(map(len, more)) + len(more)
            if length > limit:
                return None
            words += more
    return " ".join(words)


def _time_role(el: Element) -> str | None:
    """"updated" / "published" when a ``<time>`` says which it is (itemprop or class)."""
    prop = el.get("itemprop", "").lower()
    words = class_id(el)
    if prop == "datemodified" or _MODIFIED.search(words):
        return UPDATED
    if prop in ("datepublished", "datecreated") or _PUBLISHED.search(words):
        return PUBLISHED
    return None


def _loose_line(el: Element | None, scope: Element) -> tuple[Element, str] | None:
    """The widest element from ``el`` up (inside ``scope``) whose text is a short dateline."""
    best: tuple[Element, str] | None = None
    node = el
    while node is not None and isinstance(node.tag, str):
        text = _short_spaced_text(node, MAX_LOOSE_LINE)
        if text is None or not looks_like_dateline(text):
            break
        if best is not None and sum(1 for c in node if has_date(spaced_text(c))) >= 2:
            break  # a line of several dated pieces: keep them apart
        best = (node, text)
        if node is scope:
            break
        node = node.getparent()
    return best


def _line_of(node: str) -> tuple[Element, str] | None:
    """The parent and the text of the line a text node stands on among its siblings: from
    the ``<br>`` or block element before it to the one after it.

    >>> from newscrawler.extract.dom import parse_html
    >>> div = parse_html("<div><h1>Başlık</h1><b>Tarih:</b> 16.11.2025<br><p>Metin</p></div>")
    >>> _line_of(div.xpath("//b/following-sibling::text()")[0])[1]
    'Tarih: 16.11.2025'
    """
    el = node.getparent()  # type: ignore[attr-defined]
    if el is None:
        return None
    after = el if node.is_tail else None  # type: ignore[attr-defined]
    parent = el.getparent() if after is not None else el
    if parent is None:
        return None
    parts: list[str] = [] if after is not None else [parent.text or ""]
    found = after is None
    for child in parent:
        if isinstance(child.tag, str) and (child.tag == "br" or child.tag in BLOCK_TAGS):
            if found:
                break
            parts = []
        elif isinstance(child.tag, str):
            parts.append(spaced_text(child))
        found = found or child is after
        if child.tail:
            parts.append(child.tail)
    return parent, collapse(" ".join(parts))


def _in_foreign_box(el: Element) -> bool:
    """Whether ``el`` sits in a list item with links, a link, a sidebar or a related box."""
    for parent in el.iterancestors():
        tag = parent.tag
        if tag in _NO_DATE_TAGS or (tag == "li" and parent.find(".//a") is not None):
            return True
        words = class_id(parent)
        if words and _DATE_SKIP.search(words):
            return True
    return False


def date_lines(el: Element, limit: int = MAX_BYLINE) -> list[str]:
    """The date lines inside a date-marked element, one per dated child when there are several."""
    text = spaced_text(el)
    if not text or not has_date(text):
        return []
    dated = [child for child in el if isinstance(child.tag, str) and has_date(spaced_text(child))]
    if len(dated) >= 2 or (len(text) > limit and dated):
        return [line for child in dated for line in date_lines(child, limit)]
    return [text] if len(text) <= limit else []


class DateCollector:
    """Collects candidates in order, once each."""

    def __init__(self) -> None:
        self.items: list[DateCandidate] = []
        self._seen: set[tuple[str, str, str | None]] = set()

    def add(self, source: str, raw: str | None, role: str | None = None) -> None:
        """Add one candidate (blank or repeated ones are ignored)."""
        raw = collapse(raw)
        if raw and (source, raw, role) not in self._seen:
            self._seen.add((source, raw, role))
            self.items.append(DateCandidate(source=source, raw=raw, role=role))

    def from_metadata(self, meta: Metadata) -> None:
        """JSON-LD and ``<meta>`` dates."""
        if meta.json_ld is not None:
            self.add("json-ld", meta.json_ld.date_published, PUBLISHED)
            self.add("json-ld", meta.json_ld.date_modified, UPDATED)
        for raw in meta.published:
            self.add("meta", raw, PUBLISHED)
        for raw in meta.modified:
            self.add("meta", raw, UPDATED)

    def from_time_elements(self, elements: Iterable[Element]) -> None:
        """``<time datetime>`` attributes and texts, outside other stories' boxes."""
        for el in elements:
            if _in_foreign_box(el):
                continue
            role = _time_role(el)
            self.add("time", el.get("datetime"), role)
            text = spaced_text(el)
            if text and has_date(text):
                self.add("time", text, role)

    def from_bylines(self, scopes: Iterable[Element]) -> None:
        """Visible date lines in the scopes: date-marked elements, then short loose lines.

        Boxes of other stories (list items with links, links, sidebars, related boxes) are
        not searched. A loose line is the widest element around a dated text node that is
        still a short dateline, so "Güncelleme:" in a sibling ``<span>`` stays with it.
        """
        marked: set[Element] = set()
        for scope in scopes:
            hits = _DATE_CLASS.found_under(scope)
            for el in _CLASSED(scope) if hits is None else hits:
                words = class_id(el)
                if not _DATE_CLASS.search(words) or el.tag in _NO_DATE_TAGS:
                    continue
                if _in_foreign_box(el) or any(a in marked for a in el.iterancestors()):
                    continue
                lines = date_lines(el)
                if lines:
                    marked.add(el)
                    for line in lines:
                        self.add("byline", line)
            for node in _SHORT_TEXT(scope):
                if not has_date(node):
                    continue
                holder = node.getparent()
                if holder is not None and node.is_tail:
                    holder = holder.getparent()
                found = _loose_line(holder, scope)
                if found is None:
                    self._bare_line(node, marked)
                    continue
                el, text = found
                if el in marked or _in_foreign_box(el):
                    continue
                if any(a in marked for a in el.iterancestors()) or any(
                    d in marked for d in el.iterdescendants()
                ):
                    continue
                marked.add(el)
                self.add("byline", text)

    def _bare_line(self, node: str, marked: set[Element]) -> None:
        """A date line that is bare text in a wide box, parted by ``<br>``s or block
        elements from the rest ("<h1>…</h1>16.11.2025 14:32<br>"): the walker drops
        it from the body, so it is a byline."""
        found = _line_of(node)
        if found is None:
            return
        parent, text = found
        if len(text) > MAX_LOOSE_LINE or not looks_like_dateline(text):
            return
        if parent in marked or _in_foreign_box(parent) or parent.tag in _NO_DATE_TAGS or any(
                a in marked for a in parent.iterancestors()):
            return
        self.add("byline", text)

    def from_url(self, url: str) -> None:
        """Dates in the URL."""
        for raw in url_dates(url):
            self.add("url", raw)
