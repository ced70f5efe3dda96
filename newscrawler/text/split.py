"""The article body apart from the credit line and the trailing list of other headlines.

Turkish regional sites print, under each story, a list of their other stories' titles
(often without a heading). That list is data (``Split.headlines``), never body text.

Rules for blocks (``split_blocks``):

* The body is the ``in_article`` p/h/li blocks. ``in_article=False`` text blocks are never
  body: when the region finder cut an article short we lose its tail rather than mix a
  sidebar into it.
* The trailing list is the first headline-like group of ``links`` blocks after the last
  *substantial* body paragraph (≥ ``SUBSTANTIAL`` chars, or a sentence ≥ ``MIN_SENTENCE``
  chars; see ``is_sentence``), inside or outside the article container. A block with
  ≥ ``MIN_HEADLINES`` links is a group; smaller ones gather the heading-less small blocks
  right after them (a run of one-link paragraphs). The first group with ≥ ``MIN_HEADLINES``
  links wins, else the first group. Groups whose titles average under ``MIN_TITLE`` chars
  are menus, tags or pagination and never win.
* Other link lists (an "İLGİLİ HABER" box mid-body) leave the body; blocks after the list
  are ignored. A known list heading written as its own paragraph right before the list
  ("<p><strong>Son Dakika</strong></p>" then one link per ``<p>``) is the list's, not body.
* With no link list, a final run of ≥ ``MIN_HEADLINES`` short non-sentence body lines is
  the list (titles without URLs), as in plain-text dumps. A block's lines parted by single
  ``<br>``s (``Block.lines``) count one by one; such a line joins the list only when it is
  shaped like a headline (``is_headline_shaped``), and such a line opens the list only
  after a full stop, so a paragraph that wraps its prose with ``<br>``, or lists dates
  after a colon, stays whole. Body lines of one block are joined again by a space.
* The credit is the last body line when it is a credit line (``credit_lines``, compared
  Turkish-aware and ignoring case, spacing and punctuation, or an agency pattern), even
  when a ``<br>`` alone parts it from the last sentence.

``removed`` counts in-article blocks that did not become paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from newscrawler.extract.blocks import Block, Link
from newscrawler.extract.fold import fold_key
from newscrawler.extract.walker import LIST_HEADINGS, is_list_heading
from newscrawler.text.dateline import is_dateline

SUBSTANTIAL = 80  # chars of a paragraph that certainly is article text
MIN_SENTENCE = 40  # chars of a sentence-final paragraph that counts as article text
MIN_HEADLINES = 3  # entries of a trailing list found without links or a credit line
#: Whole lines that head a dump's headline list (``walker.LIST_HEADINGS`` as whole lines).
LIST_TITLES = frozenset(LIST_HEADINGS)
MAX_HEADLINE = 120  # chars of one headline line in a plain-text list
MIN_TITLE = 12  # average chars of link titles in a headline list
MAX_CREDIT = 60  # chars of a credit line
MAX_DATE_LINE = 80  # chars of the date line under a dump's title
MAX_LIST_LABEL = 40  # chars of a heading line right before the trailing list

# Agency credits at the end of a story: "... Haber Ajansı", "(AA)", "DHA", "Kaynak: X".
CREDIT_PATTERNS = (
    r"[\w .'’-]{1,40}\s+haber\s+ajans[ıi]",
    r"\(?(?:aa|dha|iha|anka|hibya|ha|bha|ajans \w+|anadolu ajans[ıi]|demirören haber ajans[ıi]"
    r"|ihlas haber ajans[ıi]|sputnik|reuters|afp|ap)\)?",
    r"kaynak\s*:\s*\S.{0,50}",
    r"(?:[\w.'’-]+\s+){0,3}haber\s+merkezi",
    r"(?:haber|foto(?:ğraf)?|kaynak)\s*:\s*\(?(?:aa|dha|iha|anka)\)?",
)
_CREDIT_RE = re.compile(r"^(?:" + "|".join(CREDIT_PATTERNS) + r")$", re.IGNORECASE)
# A date after a credit line: " - 16.11.2025", " | 16/11/2025 14:32".
_DATED = re.compile(r"\s*[-–—|/,]\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}(?:\s+\d{1,2}[:.]\d{2})?$")
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
MIN_SHAPED_WORDS = 3  # words of a headline split out of a paragraph
_SENTENCE_END = (".", ":", ";")


@dataclass(frozen=True)
class Headline:
    """One entry of the trailing list: its place (from 1), title and URL (None in dumps)."""

    position: int
    title: str
    url: str | None


@dataclass(frozen=True)
class Split:
    """The body paragraphs, the credit line and the trailing headline list of one article."""

    paragraphs: list[str]
    credit: str | None
    headlines: list[Headline]
    removed: int  # blocks moved out of the body


@dataclass(frozen=True)
class TextDump:
    """A plain-text article dump: title line, raw date line and the split rest."""

    title: str
    date_raw: str | None
    split: Split


def is_credit(line: str, credit_lines: Sequence[str] = ()) -> bool:
    """Whether a short line is a credit: one of ``credit_lines`` or an agency credit.

    >>> is_credit("HİBYA HABER AJANSI", ["Hibya Haber Ajansı"]), is_credit("(AA)")
    (True, True)
    >>> is_credit("Kaynak: İzmir Büyükşehir Belediyesi"), is_credit("Toplantı sona erdi.")
    (True, False)
    >>> is_credit("Hibya Haber Ajansı - 16.11.2025 14:32"), is_credit("İzmir Haber Merkezi")
    (True, True)
    """
    text = _DATED.sub("", line.strip())  # "Hibya Haber Ajansı - 16.11.2025"
    if not text or len(text) > MAX_CREDIT:
        return False
    key = fold_key(text)
    if key and any(key == fold_key(c) for c in credit_lines if c):
        return True
    return _CREDIT_RE.match(text.strip(" .–-")) is not None


def is_sentence(line: str) -> bool:
    """Whether a line ends like prose: a full stop, colon or semicolon (closing quotes aside).

    Headlines end in a word, "!", "?" or an ellipsis ("İşte detaylar...").

    >>> is_sentence('Okyay, "Devam edeceğiz" dedi.'), is_sentence('Başkan: "Yol bitecek"')
    (True, False)
    >>> is_sentence("Kayseri'de kış hazırlıkları tamamlandı"), is_sentence("Kim kazandı?")
    (False, False)
    >>> is_sentence("Sahilde görenler şaşırdı..."), is_sentence("Sonuç açıklandı…")
    (False, False)
    """
    text = line.rstrip().rstrip(_CLOSERS).rstrip()
    if text.endswith(("...", "…")):
        return False
    return text.endswith(_SENTENCE_END)


def is_headline_line(line: str) -> bool:
    """Whether a plain line could be a headline: short and not ending like a sentence."""
    return 0 < len(line) < MAX_HEADLINE and not is_sentence(line)


def is_headline_shaped(line: str) -> bool:
    """Whether a line parted from its paragraph by a ``<br>`` reads as a headline: three
    words or more, opening with a capital or a digit (a wrapped sentence goes on in
    lower case).

    >>> is_headline_shaped("Eskipazar’a yeni spor kompleksi yapılacak")
    True
    >>> is_headline_shaped("“Gençliğe Hitabe” sürprizi"), is_headline_shaped("kentte yeni iş")
    (True, False)
    """
    first = line.lstrip(_OPENERS)[:1]
    return (first.isupper() or first.isdigit()) and len(line.split()) >= MIN_SHAPED_WORDS


class _Line(NamedTuple):
    """One line of a body block: the block's index, the text, whether the block has more."""

    block: int
    text: str
    parted: bool


def _lines_of(blocks: Sequence[Block]) -> list[_Line]:
    """The lines of the blocks in order, each with its block's index."""
    return [_Line(i, line, bool(b.lines)) for i, b in enumerate(blocks) for line in b.text_lines()]


def _rejoined(lines: Sequence[_Line]) -> list[str]:
    """Paragraphs of body lines: the lines of one block joined again by a space.

    >>> _rejoined([_Line(0, "Bir", True), _Line(0, "iki.", True), _Line(1, "Üç.", False)])
    ['Bir iki.', 'Üç.']
    """
    out: list[str] = []
    for k, line in enumerate(lines):
        if k and lines[k - 1].block == line.block:
            out[-1] += " " + line.text
        else:
            out.append(line.text)
    return out


def _listed(line: _Line) -> bool:
    """Whether a body line could be an entry of a plain trailing list."""
    return is_headline_line(line.text) and (not line.parted or is_headline_shaped(line.text))


def ends_full_stop(line: str) -> bool:
    """Whether a line ends with a full stop (closing quotes aside), not a colon or "...".

    >>> ends_full_stop('“Devam edeceğiz” dedi.”'), ends_full_stop("Tur tarihleri:")
    (True, False)
    """
    text = line.rstrip().rstrip(_CLOSERS).rstrip()
    return text.endswith(".") and not text.endswith("...")


def _may_open(lines: Sequence[_Line], start: int) -> bool:
    """Whether a plain list may start at ``lines[start]``: a line parted from its
    paragraph by a ``<br>`` only after a full stop (after "…dates:" the lines go on the
    paragraph's own list)."""
    return not lines[start].parted or ends_full_stop(lines[start - 1].text)


def _line_run(lines: Sequence[_Line]) -> int:
    """Index where the final run of headline-like lines starts (``len(lines)`` if none)."""
    start = len(lines)
    while start > 0 and _listed(lines[start - 1]):
        start -= 1
    while 0 < start < len(lines) and not _may_open(lines, start):
        start += 1
    if len(lines) - start < MIN_HEADLINES or start == 0:
        return len(lines)
    return start


def _split_block_lines(
    lines: Sequence[_Line], credit_lines: Sequence[str]
) -> tuple[list[str], str | None, list[str]]:
    """Body paragraphs, credit line and headline titles of the final body lines."""
    texts = [line.text for line in lines]
    credit_at = _credit_index(texts, credit_lines, strict=True)
    if credit_at is not None:
        return _rejoined(lines[:credit_at]), texts[credit_at], texts[credit_at + 1 :]
    cut = _line_run(lines)
    return _rejoined(lines[:cut]), None, texts[cut:]


def _is_substantial(block: Block) -> bool:
    text = block.text
    return block.kind in ("p", "li") and (
        len(text) >= SUBSTANTIAL or (len(text) >= MIN_SENTENCE and is_sentence(text))
    )


def _headline_run(lines: Sequence[str]) -> int:
    """Index where the final run of headline-like lines starts (``len(lines)`` if too short)."""
    start = len(lines)
    while start > 0 and is_headline_line(lines[start - 1]):
        start -= 1
    if len(lines) - start < MIN_HEADLINES or start == 0:
        return len(lines)
    return start


def _groups(blocks: Sequence[Block], start: int) -> list[tuple[int, int]]:
    """``(first, end)`` index ranges of link groups in ``blocks[start:]``.

    A block with ``MIN_HEADLINES`` links is a group of its own; a smaller one gathers the
    heading-less small ``links`` blocks right after it (one-link paragraphs in a row).
    """
    groups: list[tuple[int, int]] = []
    i = start
    while i < len(blocks):
        if blocks[i].kind != "links":
            i += 1
            continue
        j = i + 1
        if len(blocks[i].links) < MIN_HEADLINES:
            while (
                j < len(blocks)
                and blocks[j].kind == "links"
                and not blocks[j].text
                and len(blocks[j].links) < MIN_HEADLINES
            ):
                j += 1
        groups.append((i, j))
        i = j
    return groups


def _links_of(blocks: Sequence[Block]) -> list[Link]:
    seen: set[str | None] = set()
    out: list[Link] = []
    for block in blocks:
        for link in block.links:
            key = link.url or link.title
            if link.title and key not in seen:
                seen.add(key)
                out.append(link)
    return out


def _headlines(links: Sequence[Link]) -> list[Headline]:
    return [Headline(i, link.title, link.url) for i, link in enumerate(links, 1)]


def _is_headline_list(links: Sequence[Link]) -> bool:
    return bool(links) and sum(len(x.title) for x in links) >= MIN_TITLE * len(links)


def _is_list_label(block: Block) -> bool:
    """Whether a text block is a short known list heading ("Son Dakika", "Diğer Haberler").

    >>> _is_list_label(Block("p", "SON DAKİKA")), _is_list_label(Block("p", "Vali konuştu."))
    (True, False)
    """
    return (block.kind in ("p", "h") and len(block.text) <= MAX_LIST_LABEL
            and is_list_heading(block.text))


def _take_credit(
    paragraphs: list[str], credit_lines: Sequence[str], last: Block | None = None
) -> tuple[list[str], str | None]:
    """The paragraphs less a final credit line, and that line: the last paragraph, or the
    last line of ``last`` (the block of the last paragraph) that a ``<br>`` parts from it.

    >>> _take_credit(["Bitti."], [], Block("p", "Bitti. (AA)", lines=("Bitti.", "(AA)")))
    (['Bitti.'], '(AA)')
    """
    if paragraphs and is_credit(paragraphs[-1], credit_lines):
        return paragraphs[:-1], paragraphs[-1].strip()
    if paragraphs and last is not None and last.lines and is_credit(last.lines[-1], credit_lines):
        return [*paragraphs[:-1], " ".join(last.lines[:-1])], last.lines[-1].strip()
    return paragraphs, None


def split_blocks(blocks: Sequence[Block], credit_lines: Sequence[str] = ()) -> Split:
    """Split extracted blocks into body paragraphs, credit line and trailing headlines."""
    in_article = [b.in_article for b in blocks]
    text_kinds = ("p", "h", "li")
    last_body = max(
        (i for i, b in enumerate(blocks) if b.in_article and _is_substantial(b)), default=-1
    )
    trailing: tuple[int, int] | None = None
    links: list[Link] = []
    fallback: tuple[tuple[int, int], list[Link]] | None = None
    for first, end in _groups(blocks, last_body + 1):
        group_links = _links_of(blocks[first:end])
        if not _is_headline_list(group_links):
            continue
        if len(group_links) >= MIN_HEADLINES:
            trailing, links = (first, end), group_links
            break
        if fallback is None:
            fallback = ((first, end), group_links)
    if trailing is None and fallback is not None:
        trailing, links = fallback

    stop = trailing[0] if trailing is not None else len(blocks)
    if trailing is not None and stop > 0 and _is_list_label(blocks[stop - 1]):
        stop -= 1  # "<p><strong>Son Dakika</strong></p>" heads the list, it is no body text
    body = [blocks[i] for i in range(stop) if in_article[i] and blocks[i].kind in text_kinds]
    paragraphs = [b.text for b in body]
    if trailing is not None:
        paragraphs, credit = _take_credit(paragraphs, credit_lines, body[-1] if body else None)
        headlines = _headlines(links)
    else:
        tail = len(body)
        while tail > 0 and body[tail - 1].kind == "p":
            tail -= 1
        head, credit, titles = _split_block_lines(_lines_of(body[tail:]), credit_lines)
        paragraphs = paragraphs[:tail] + head
        if credit is None and not titles:
            paragraphs, credit = _take_credit(paragraphs, credit_lines)
        headlines = _headlines([Link(t, None) for t in titles])
    removed = sum(in_article) - len(paragraphs)
    return Split(paragraphs=paragraphs, credit=credit, headlines=headlines, removed=removed)


def _split_lines(
    lines: Sequence[str], credit_lines: Sequence[str], strict: bool = False
) -> tuple[list[str], str | None, list[str]]:
    """Body lines, credit line and headline titles of a run of plain lines.

    After a credit line every line is a headline (with ``strict``, only when they all look
    like headlines); without one, the final run of ≥ ``MIN_HEADLINES`` headline-like lines
    after the last prose line is the list.
    """
    credit_at = _credit_index(lines, credit_lines, strict)
    if credit_at is not None:
        return list(lines[:credit_at]), lines[credit_at], list(lines[credit_at + 1 :])
    cut = _headline_run(lines)
    return list(lines[:cut]), None, list(lines[cut:])


def _credit_index(lines: Sequence[str], credit_lines: Sequence[str], strict: bool) -> int | None:
    """Index of the credit line: a known credit after the first line, else an agency
    credit followed only by headline-like lines."""
    keys = {fold_key(c) for c in credit_lines if c and fold_key(c)}
    for i, line in enumerate(lines):
        if i > 0 and len(line) <= MAX_CREDIT and fold_key(line) in keys:
            if not strict or all(is_headline_line(x) for x in lines[i + 1 :]):
                return i
    for i, line in enumerate(lines):
        if i > 0 and is_credit(line) and all(is_headline_line(x) for x in lines[i + 1 :]):
            return i
    return None


def _looks_like_date_line(line: str) -> bool:
    return len(line) <= MAX_DATE_LINE and is_dateline(line)


def split_text_dump(text: str, credit_lines: Sequence[str] = ()) -> TextDump:
    """Split a plain-text dump: title, optional date line, body, credit line, headlines.

    >>> d = split_text_dump("Başlık\\n16/11/2025\\nGövde metni burada bitti.\\nHibya Haber Ajansı"
    ...                     "\\nBir\\nİki", ["Hibya Haber Ajansı"])
    >>> d.title, d.date_raw, d.split.paragraphs, d.split.credit
    ('Başlık', '16/11/2025', ['Gövde metni burada bitti.'], 'Hibya Haber Ajansı')
    >>> [(h.position, h.title) for h in d.split.headlines]
    [(1, 'Bir'), (2, 'İki')]
    """
    every = [" ".join(line.split()) for line in text.replace("\ufeff", "").splitlines()]
    lines = [line for line in every if line]
    if not lines:
        return TextDump("", None, Split([], None, [], 0))
    title, rest = lines[0], lines[1:]
    date_raw: str | None = None
    if rest and _looks_like_date_line(rest[0]):
        date_raw, rest = rest[0], rest[1:]

    body, credit, titles = _split_lines(rest, credit_lines)
    if credit is None:
        last = _last_paragraph(every)
        if _is_list(last) and len(last) < len(rest):
            # The dump's last paragraph (after its last blank line) is the list: the lines
            # before it stay in the body, however headline-like ("Okyay, "Başaracağız"").
            body, titles = rest[: len(rest) - len(last)], last
    if titles and titles[0] != credit and _is_list_title(titles[0]):
        titles = titles[1:]  # "DİĞER HABERLER" heads the list: no headline
    headlines = _headlines([Link(t, None) for t in titles])
    removed = len(rest) - len(body)
    return TextDump(title, date_raw, Split(body, credit, headlines, removed))


def _last_paragraph(lines: Sequence[str]) -> list[str]:
    """The non-empty lines after the last blank line of ``lines`` (none without one).

    >>> _last_paragraph(["Başlık", "Metin.", "", "Bir", "İki", ""]), _last_paragraph(["a", "b"])
    (['Bir', 'İki'], [])
    """
    end = len(lines)
    while end and not lines[end - 1]:
        end -= 1
    start = end
    while start and lines[start - 1]:
        start -= 1
    return list(lines[start:end]) if start else []


def _is_list(lines: Sequence[str]) -> bool:
    """Whether plain lines are a headline list: ``MIN_HEADLINES`` or more, each headline-like
    (a heading line such as "DİĞER HABERLER" may open it)."""
    entries = list(lines[1:]) if lines and _is_list_title(lines[0]) else list(lines)
    return len(entries) >= MIN_HEADLINES and all(map(is_headline_line, entries))


def _is_list_title(line: str) -> bool:
    """Whether a whole line is a list's heading ("DİĞER HABERLER", "İlgili haberler:").

    >>> _is_list_title("DİĞER HABERLER"), _is_list_title("Diğer ilçelerde kar yağışı")
    (True, False)
    """
    return fold_key(line.rstrip(" :")) in LIST_TITLES
