"""Site templates: lines of text that recur on many pages of one site are not article.

A :class:`TemplateBook` holds, for one site, how many distinct pages each short line
(by the hash of its folded words) was seen on, and how many pages of the site were
counted. A line seen on at least ``min_pages`` pages, and on at least ``min_share`` of the
site's counted pages, is template ("Ege Postası'nı destekleyin, abone olun", a site's own
disclaimer), and :meth:`TemplateBook.strip` drops it from bodies. Pure: the crawl
(``newscrawler.pipelines.template``) and ``newscrawler reextract`` feed it pages, and
``archive.templates`` keeps it in the archive between runs.

Memory: nearly every line of a news site is seen once (the article's own paragraphs), so a
book forgets a line seen on one page once ``FORGET_AFTER`` more pages have been counted
without it (while one page is too few to make a template). A template line recurs on a
share of the pages, so it is seen again long before; a line forgotten and seen again later
counts from 1. A book then holds the lines seen twice or more plus ``FORGET_AFTER`` pages'
worth of new lines, however many pages a crawl counts.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from newscrawler.extract.fold import fold_key

__all__ = ["LineKeys", "TemplateBook", "TemplateLine", "line_hash", "line_keys"]

#: Lines longer than this are never learned as template (real paragraphs are longer).
MAX_CHARS = 400
#: Lines with fewer folded characters than this are not learned ("-", "1").
MIN_CHARS = 3
#: Lines seen on fewer pages than this are not kept in the archive (every paragraph of
#: every article would be).
KEEP_MIN_PAGES = 2
#: A line seen on one page is forgotten after this many more pages counted without it.
FORGET_AFTER = 500


def line_hash(line: str) -> str:
    """A short hash of a line's folded words (case, Turkish letters, punctuation aside).

    >>> line_hash("Ege Postası'nı DESTEKLEYİN!") == line_hash("ege postasi ni destekleyin")
    True
    >>> len(line_hash("Ege Postası"))
    16
    """
    return _folded_and_hashed(line)[1]


#: Each stripped line of a body: (how many folded characters it has, its hash), computed
#: ahead (:func:`line_keys`, in an extraction worker); a line missing is computed here.
LineKeys = Mapping[str, tuple[int, str]]


def line_keys(paragraphs: Iterable[str]) -> dict[str, tuple[int, str]]:
    """:data:`LineKeys` of the paragraphs' lines (the values a book's methods compute).

    >>> line_keys(["Bizi destekleyin.\\n  -"])["Bizi destekleyin."][0]
    16
    """
    keys: dict[str, tuple[int, str]] = {}
    for paragraph in paragraphs:
        for line in paragraph.split("\n"):
            line = line.strip()
            if line and line not in keys:  # not remembered: an extraction worker computes
                folded, key = _fold_and_hash(line)  # each line once (0 of 30,000 hit)
                keys[line] = (len(folded), key)
    return keys


def _keyed(line: str, keys: LineKeys | None) -> tuple[int, str]:
    """(folded length, hash) of a stripped line: from ``keys`` when there."""
    known = keys.get(line) if keys else None
    if known is not None:
        return known
    folded, key = _folded_and_hashed(line)
    return len(folded), key


def _fold_and_hash(line: str) -> tuple[str, str]:
    """A line's folded words and their hash."""
    key = fold_key(line)
    return key, hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


#: Remembered: a crawl asks for both of each body line three times (learning, stripping,
#: remembering the archived article) in a row, when no worker computed them ahead.
_folded_and_hashed = lru_cache(maxsize=1024)(_fold_and_hash)


@dataclass
class TemplateLine:
    """One learned line: its text (as first seen) and the pages it was seen on."""

    text: str
    pages: int


@dataclass
class TemplateBook:
    """What one site's pages have in common, learned page by page."""

    min_pages: int = 5
    min_share: float = 0.25
    site_pages: int = 0
    lines: dict[str, TemplateLine] = field(default_factory=dict)
    #: Hashes of the pages counted (a page counts once), as a dict's keys: ~1.3 MB at
    #: 20,000 pages where a set of the same ints took ~2.8 MB.
    _counted: dict[int, None] = field(default_factory=dict, repr=False)
    #: (site page number, line hash) of each line when first seen, oldest first.
    _new: deque[tuple[int, str]] = field(default_factory=deque, repr=False)

    def observe(self, page: str, paragraphs: Iterable[str], keys: LineKeys | None = None) -> None:
        """Count the short lines of one page (a page counts once, however often seen);
        ``keys``: the lines' :func:`line_keys`, computed ahead."""
        page_key = hash(page)
        if page_key in self._counted:
            return
        self._counted[page_key] = None
        self.site_pages += 1
        self._forget()
        seen: set[str] = set()
        for paragraph in paragraphs:
            # A paragraph of one line (most) is not split (~2 K instructions less, callgrind).
            for line in paragraph.split("\n") if "\n" in paragraph else (paragraph,):
                line = line.strip()
                if not MIN_CHARS <= len(line) <= MAX_CHARS:
                    continue
                folded_chars, key = _keyed(line, keys)
                if folded_chars < MIN_CHARS:
                    continue
                if key in seen:
                    continue
                seen.add(key)
                known = self.lines.get(key)
                if known is None:
                    self.lines[key] = TemplateLine(line, 1)
                    self._new.append((self.site_pages, key))
                else:
                    known.pages += 1

    def _forget(self) -> None:
        """Drop the lines seen on one page only, ``FORGET_AFTER`` pages ago or earlier
        (none while one page could still make a line template)."""
        if self.min_pages <= 1 and self.min_share * self.site_pages <= 1:
            return
        new, lines, oldest = self._new, self.lines, self.site_pages - FORGET_AFTER
        while new and new[0][0] <= oldest:
            _, key = new.popleft()
            known = lines.get(key)
            if known is not None and known.pages == 1:
                del lines[key]

    def is_template(self, line: str, keys: LineKeys | None = None) -> bool:
        """Whether the line recurs on enough of the site's pages to be template.

        >>> book = TemplateBook(min_pages=2)
        >>> for n in range(3):
        ...     book.observe(f"/haber/{n}", [f"Haber {n} metni.", "Bizi destekleyin."])
        >>> book.is_template("Bizi destekleyin."), book.is_template("Haber 1 metni.")
        (True, False)
        """
        if len(line) > MAX_CHARS:
            return False
        known = self.lines.get(_keyed(line, keys)[1] if keys else line_hash(line))
        return known is not None and self._recurs(known)

    def _recurs(self, known: TemplateLine) -> bool:
        """Whether a line of the book was seen on enough of the site's pages."""
        return (known.pages >= self.min_pages
                and known.pages >= self.min_share * self.site_pages)

    def templates(self) -> list[TemplateLine]:
        """The lines that are template now, most frequent first (read from the book:
        each is kept under its own hash, which ``is_template`` would compute again)."""
        return sorted((t for t in self.lines.values()
                       if len(t.text) <= MAX_CHARS and self._recurs(t)),
                      key=lambda t: -t.pages)

    def strip(self, paragraphs: Sequence[str],
              keys: LineKeys | None = None) -> tuple[list[str], int]:
        """The paragraphs without template lines, and how many lines were dropped
        (``keys``: as for :meth:`observe`).

        A body made only of template lines is returned as it is (the validator judges it).
        """
        kept: list[str] = []
        dropped = 0
        for paragraph in paragraphs:
            if "\n" not in paragraph:  # one line (most paragraphs): no split, count or join
                # (~9 K instructions a paragraph less on the ~97 KB bench pages, callgrind)
                if self.is_template(paragraph.strip(), keys):
                    dropped += 1
                else:
                    kept.append(paragraph)
                continue
            lines = [line for line in paragraph.split("\n")
                     if not self.is_template(line.strip(), keys)]
            dropped += paragraph.count("\n") + 1 - len(lines)
            if lines:
                kept.append("\n".join(lines))
        if not kept and paragraphs:
            return list(paragraphs), 0
        return kept, dropped

    @classmethod
    def from_rows(cls, site_pages: int, lines: dict[str, tuple[str, int]], *,
                  min_pages: int = 5, min_share: float = 0.25) -> TemplateBook:
        """A book from what the archive kept (``archive.templates.load_site_templates``)."""
        return cls(min_pages=min_pages, min_share=min_share, site_pages=site_pages,
                   lines={k: TemplateLine(text, pages) for k, (text, pages) in lines.items()})

    def rows(self) -> dict[str, tuple[str, int]]:
        """The lines worth keeping, as ``archive.templates.save_site_templates`` takes them."""
        return {k: (v.text, v.pages) for k, v in self.kept_lines().items()}

    def kept_lines(self) -> dict[str, TemplateLine]:
        """The lines worth keeping in the archive (seen on ``KEEP_MIN_PAGES`` or more)."""
        return {k: v for k, v in self.lines.items() if v.pages >= KEEP_MIN_PAGES}
