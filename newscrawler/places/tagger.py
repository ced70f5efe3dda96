"""Tag an article with the provinces and districts it is about, most salient first.

Pure text in, places out (no Scrapy): the ``extract`` and ``import`` commands and the
crawl's ``PlacesPipeline`` all call :func:`tag_places`. Signals, strongest first: the
agency dateline (``KONYA (İHA) –``, ``MUĞLA'NIN Bodrum ilçesinde``), the title, the lead
(first paragraph), the rest of the body. Names are matched on Turkish-lowercased text
(``DİYARBAKIR``, ``IĞDIR``), with suffixes after an apostrophe (``İzmir'de``, ``İzmir’de``)
or without one (``Bornovada``). Precision first: a district name shared by several
provinces needs its province named in the article; names that are also words or
surnames (data/rules.toml) need a sign that they are places; ``Ankara`` as the
government is not a place.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple, overload

from archive.fold import APOSTROPHES, case_fold
from archive.foldmany import encode_cp1254
from newscrawler.places.gazetteer import gazetteer, rules

__all__ = ["SECTIONS", "Place", "place_records", "places_json", "tag_places"]

#: Where a place was found, strongest first (``region``: the site's home province, used
#: only for an article that names none).
SECTIONS = ("dateline", "title", "lead", "body", "region")
_WEIGHTS = {"dateline": 8, "title": 4, "lead": 2, "body": 1}

_DASH = r"\-–—"
_AGENCIES = (r"(?:Hibya(?: Haber Ajansı)?|İHA|İhlas Haber Ajansı|DHA|Demirören Haber Ajansı|"
             r"AA|Anadolu Ajansı|ANKA|Anka|ANKA Haber Ajansı|Haber Merkezi)")
# "Hibya Haber Ajansı - Manisa'nın ...": the agency first, then the place clause.
_AGENCY_FIRST = re.compile(rf"^\s*{_AGENCIES}\s*[{_DASH}]\s*")
# "KONYA (İHA) –", "ANKARA, (DHA) -", "Bodrum/MUĞLA (DHA) -", "İZMİR (Hibya) –".
_PAREN_DATELINE = re.compile(
    rf"^\s*([^()\n{_DASH}]{{2,60}}?)\s*,?\s*\([^()\n]{{2,40}}\)\s*[{_DASH}:]")
# "İZMİR – ...", "BORNOVA/İZMİR - ...": capitals, then a dash.
_CAPS_DATELINE = re.compile(rf"^\s*([A-ZÇĞİÖŞÜÂÎÛ][A-ZÇĞİÖŞÜÂÎÛ0-9 /,.]{{1,50}})\s*[{_DASH}]\s")
# "MUĞLA'NIN Bodrum ilçesinde", "Manisa'nın Akhisar ilçesinde": a province's district.
_OF_DISTRICT = re.compile(
    rf"^\s*(?:\w+[{APOSTROPHES}]\w+\s+)?\w+(?:\s+\w+)?\s+[İi][Ll][Çç][Ee][Ss]\w*")
_WORD = re.compile(r"\w+")
_WORDS_AND_GAPS = re.compile(r"(\w+)")
_MERKEZ = re.compile("merkez")
_MARK = re.compile(b"\x01")
# _window: the candidate's word and seven more; five words kept before the first, looked
# for in the characters just before it.
_AFTER = re.compile(r"\w+(?:\W+\w+){7}")
_BEFORE_WORDS = 5
_BEFORE_CHARS = 160
# In reversed text: the gap, five words and their gaps, then the sixth word (group 1).
_SIXTH_BACK = re.compile(rf"\W*(?:\w+\W+){{{_BEFORE_WORDS}}}(\w+)")
_GENITIVE = frozenset({"nın", "nin", "nun", "nün", "ın", "in", "un", "ün"})
# "ADANA'NIN ...": a province in capitals, an apostrophe and a suffix in capitals.
_CAPS_SUFFIX = re.compile(rf"^\s*([A-ZÇĞİÖŞÜ]{{3,}})[{APOSTROPHES}][A-ZÇĞİÖŞÜ]+\b")


@dataclass(frozen=True)
class Place:
    """One (province, district) an article is about; district None: only the province."""

    province: str
    district: str | None
    found_in: str  # one of SECTIONS

    def as_dict(self) -> dict[str, str | None]:
        """The JSON form: ``{"province": ..., "district": ...}``."""
        return {"province": self.province, "district": self.district}


class _Token(NamedTuple):
    """One word of a section (a tuple: thousands are made per article)."""

    word: str  # Turkish-lowercased
    upper: bool  # first letter is a capital (or a digit) in the text
    suffix: bool  # follows an apostrophe: a suffix of the word before
    start: int
    end: int
    gap: str  # the characters between the previous word and this one


@dataclass
class _Mention:
    pairs: tuple[tuple[str, str | None], ...]
    section: str
    index: int  # token position in its section
    end: int  # token position after the name and its apostrophe suffix
    name: str
    cued: bool
    locative: bool


@cache
def _lists() -> dict[str, frozenset[str]]:
    r = rules()
    words = r["words"]
    return {
        "restricted": frozenset(case_fold(n) for n in words["restricted"]),
        "strict": frozenset(case_fold(n) for n in words["strict"]),
        "teams": frozenset(case_fold(n) for n in words["teams"]),
        "sport": frozenset(words["sport_words"]),
        "district_cues": frozenset(r["cues"]["district"]),
        "province_cues": frozenset(r["cues"]["province"]),
        "locative": frozenset(r["cues"]["locative"]),
        "not_place": frozenset(r["cues"]["not_place"]),
        "not_district": frozenset(r["cues"]["not_place"] + r["cues"]["not_district"]),
        "partners": frozenset(r["government"]["partners"]),
        "gov_words": frozenset(r["government"]["words"]),
        "given_names": frozenset(case_fold(n) for n in r["people"]["given_names"]),
        "titles": frozenset(r["people"]["titles"]),
    }


@cache
def _club_suffix() -> str:
    """The end of a club's word after a place name ("Demirspor")."""
    return str(rules()["cues"]["club_suffix"])


@cache
def _suffixes() -> tuple[str, ...]:
    return tuple(rules()["cues"]["suffixes"])


@cache
def _suffix_ranks() -> tuple[tuple[int, dict[str, int]], ...]:
    """The suffixes by length, longest first: (length, {suffix: its rank in the rules})."""
    by_length: dict[int, dict[str, int]] = {}
    for rank, suffix in enumerate(_suffixes()):
        by_length.setdefault(len(suffix), {}).setdefault(suffix, rank)
    return tuple(sorted(by_length.items(), reverse=True))


#: ``_Token(...)`` without the named tuple's ``__new__`` in Python (what it calls): ~2 K
#: instructions less a token (callgrind).
_new_token = tuple.__new__


class _Tokens:
    """The words of a section, Turkish-lowercased, each made a :class:`_Token` when first read.

    One ``split`` in C cuts the Turkish-lowercased text ``low`` into gaps and words; a
    :class:`_Token` is built only for the words a name can start at and their neighbours
    (building one for every word was most of the tagger's cost).
    """

    __slots__ = ("_made", "_text", "bounds", "words")

    def __init__(self, text: str, low: str) -> None:
        self._text = text
        parts = _WORDS_AND_GAPS.split(low)
        #: Turkish-lowercased words, in order.
        self.words: list[str] = parts[1::2]
        #: ``bounds[2k]``: where word k starts; ``bounds[2k + 1]``: where it ends.
        self.bounds = list(itertools.accumulate(map(len, parts)))
        self._made: dict[int, _Token] = {}

    def __len__(self) -> int:
        return len(self.words)

    @overload
    def __getitem__(self, k: int) -> _Token: ...

    @overload
    def __getitem__(self, k: slice) -> list[_Token]: ...

    def __getitem__(self, k: int | slice) -> _Token | list[_Token]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self.words)))]
        made = self._made.get(k)
        if made is None:
            if not 0 <= k < len(self.words):
                raise IndexError(k)
            text, start, end = self._text, self.bounds[2 * k], self.bounds[2 * k + 1]
            first = text[start]
            made = self._made[k] = _new_token(_Token, (
                self.words[k], first.isupper() or first.isdigit(),
                start > 0 and text[start - 1] in APOSTROPHES, start, end,
                text[self.bounds[2 * k - 1] if k else 0:start]))
        return made

    def at(self, positions: list[int]) -> list[int]:
        """The words starting at character ``positions`` (word starts, in order)."""
        bounds = self.bounds
        return [bisect.bisect_left(bounds, p) // 2 for p in positions]


def _trie(words: list[str]) -> str:
    """A regular expression matching any of ``words``, as a tree of their letters (one
    alternation of a thousand names would be tried name by name at every word)."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def branch(node: dict[str, dict]) -> str:
        alternatives = [(r"\W" if ch == " " else re.escape(ch)) + branch(node[ch])
                        for ch in sorted(node) if ch]
        if not alternatives:
            return ""
        group = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
        if "" in node:
            return f"(?:{group})?"
        return group

    return branch(tree)


@cache
def _name_at() -> re.Pattern[str]:
    """Where a word (Turkish-lowercased) is a name, a name and one of the rules' suffixes,
    or the first of a two-word name: every word :func:`_match` can find a name at, and
    a few more (it checks them)."""
    names = sorted(gazetteer().names)
    suffixes = "|".join(re.escape(s) for s in sorted(set(_suffixes())))
    return re.compile(rf"\b(?=(?:{_trie(names)})(?:{suffixes})?\b)")


@cache
def _capitals() -> re.Pattern[str]:
    """A capital (or digit) Turkish-lowercased to the first letter of a name."""
    firsts = {name[:1] for name in gazetteer().names}
    # Beyond the BMP no capital lowercases to a name's first letter (a test checks).
    found = [c for c in map(chr, range(0x10000))
             if (c.isupper() or c.isdigit()) and case_fold(c)[:1] in firsts]
    return re.compile(f"[{re.escape(''.join(found))}]")


@cache
def _cp1254_tables() -> tuple[bytes, bytes]:
    """``bytes.translate`` tables for cp1254-encoded text: (each byte's :func:`case_fold`,
    1 for a byte :func:`_capitals` matches and 0 for the rest)."""
    case, marks = bytearray(b"\x81" * 256), bytearray(256)  # 0x81: undefined in cp1254
    for byte in range(256):
        try:
            char = bytes([byte]).decode("cp1254")
        except UnicodeDecodeError:
            continue  # encoding never produces it
        low = case_fold(char)
        encoded = low.encode("cp1254", "replace")
        if len(low) == 1 and encoded.decode("cp1254") == low:
            case[byte] = encoded[0]
        marks[byte] = _capitals().fullmatch(char) is not None
    return bytes(case), bytes(marks)


def _fold_capitals(text: str) -> tuple[str, list[int]] | None:
    """(:func:`case_fold` of ``text``, where :func:`_capitals` matches in it) for ASCII
    or cp1254 text (NFC as it is: no two cp1254 characters compose), else None.

    One cp1254 encoding and two byte tables: ~2.5x cheaper than lowercasing the text
    and searching it for capitals (``str.lower`` looks up each letter's full case
    mapping; the capitals are a big charset, ~50 instructions a character).
    """
    try:
        encoded = text.encode("ascii") if text.isascii() else encode_cp1254(text)
    except UnicodeEncodeError:
        return None
    case, marks = _cp1254_tables()
    folded = encoded.translate(case)
    if b"\x81" in folded:
        return None
    low = folded.decode("ascii" if folded.isascii() else "cp1254")
    return low, [m.start() for m in _MARK.finditer(encoded.translate(marks))]


def _candidates(text: str, low: str, capitals: list[int] | None = None) -> list[int]:
    """Where in ``text`` (``low``: Turkish-lowercased) a word may start a name that
    :func:`_match` takes: a capital or ``merkez`` where :func:`_name_at` matches
    (``capitals``: where :func:`_capitals` matches in ``text``, when known).

    Finding the capitals first is several times cheaper than looking for names at
    every word. When lowercasing changed the text's length (a letter lowercased to two),
    every word is looked at.
    """
    name_at = _name_at()
    if len(low) != len(text):
        return [m.start() for m in name_at.finditer(low)]
    starts = capitals if capitals is not None else [
        m.start() for m in _capitals().finditer(text)]
    if "merkez" in low:
        starts = sorted(set(starts).union(m.start() for m in _MERKEZ.finditer(low)))
    return [p for p in starts if name_at.match(low, p)]


@cache
def _capital() -> str:
    """The capital's name, Turkish-lowercased (as the government, it is no place)."""
    return case_fold(rules()["government"]["capital"])


@cache
def _provinces_of(name: str) -> frozenset[str]:
    """The provinces a gazetteer name can be in."""
    return frozenset(p for p, _ in gazetteer().names[name])


@cache
def _provinces_named(name: str) -> frozenset[str]:
    """The provinces a gazetteer name is the name of (not one of their districts)."""
    return frozenset(p for p, d in gazetteer().names[name] if d is None)


@lru_cache(maxsize=8192)
def _cue(word: str, prefixes: frozenset[str]) -> bool:
    return any(word == p or (len(p) > 2 and word.startswith(p)) for p in prefixes)


def _match(tokens: list[_Token] | _Tokens, i: int) -> tuple[str, int, str] | None:
    """The gazetteer name at token ``i``: (name, tokens used, suffix), or None.

    A suffix after an apostrophe comes with it (``'da``); one without (``Bornovada``)
    comes bare (``da``).
    """
    names = gazetteer().names
    tok = tokens[i]
    if tok.suffix or not (tok.upper or tok.word == "merkez"):
        return None
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and not nxt.suffix and nxt.start == tok.end + 1:
        two = f"{tok.word} {nxt.word}"
        if two in names:
            after = tokens[i + 2] if i + 2 < len(tokens) else None
            return two, 2, f"'{after.word}" if after is not None and after.suffix else ""
    if tok.word in names:
        return tok.word, 1, f"'{nxt.word}" if nxt is not None and nxt.suffix else ""
    if nxt is not None and nxt.suffix:
        return None  # "Karşıyaka'ya" is matched whole above; "Xyz'de" is no place
    # The first suffix of the rules' order whose stem is a name (looked up by length).
    word = tok.word
    best: tuple[int, str] | None = None
    for length, ranks in _suffix_ranks():
        if len(word) - length < 3:
            continue
        rank = ranks.get(word[-length:])
        if rank is not None and word[:-length] in names and (best is None or rank < best[0]):
            best = (rank, word[-length:])
    return (word[: -len(best[1])], 1, best[1]) if best is not None else None


def _government(tokens: _Tokens, i: int, used: int) -> bool:
    """Whether the capital at token ``i`` is the government ("Ankara'nın tutumu")."""
    lists = _lists()
    after = [t.word for t in tokens[i + used: i + used + 3]]
    before = [t.word for t in tokens[max(0, i - 3): i]]
    if any(w in lists["partners"] for w in after + before):
        return True
    return any(_cue(w, lists["gov_words"]) for w in after[:2])


def _section_candidates(sections: list[tuple[str, str]]) -> list[tuple[str, str, str, list[int]]]:
    """(section, NFC text, its Turkish lowercase, :func:`_candidates` in it) for each
    section with a candidate.

    The sections are lowercased and searched joined by newlines, once an article, not
    once a section: most sections hold no candidate (3.3 of 11 on the ~97 KB bench pages).
    A newline neither composes nor changes a neighbour's case, so each section's slice is
    its own lowercase; a name matched across a newline is only an extra candidate, which
    :func:`_match` rejects.
    """
    texts = [t for _, t in sections]
    joined = "\n".join(texts)
    fast = _fold_capitals(joined)  # ASCII or cp1254 text: NFC already
    capitals = None
    if fast is None:
        texts = [unicodedata.normalize("NFC", t) for t in texts]
        joined = "\n".join(texts)
        low = case_fold(joined)
    else:
        low, capitals = fast
    if len(low) != len(joined):  # case_fold keeps the length: never, but stay exact
        lows = [case_fold(t) for t in texts]
        return [(s, t, lt, found) for (s, _), t, lt in zip(sections, texts, lows, strict=True)
                if (found := _candidates(t, lt))]
    out: list[tuple[str, str, str, list[int]]] = []
    k, start, end = -1, 0, -1
    local: list[int] = []
    for p in _candidates(joined, low, capitals):
        if p >= end:
            if local:
                out.append((sections[k][0], texts[k], low[start:end], local))
            while p >= end:  # the section holding p
                k += 1
                start = end + 1
                end = start + len(texts[k])
            local = []
        local.append(p - start)
    if local:
        out.append((sections[k][0], texts[k], low[start:end], local))
    return out


def _window(low: str, positions: list[int]) -> tuple[int, int]:
    """The part of a section :func:`_mentions` reads around its candidates ``positions``:
    from the end of the sixth word before the first (the five words before it, their
    gaps and the suffix check read there) to the end of the seventh word after the last
    (names read up to five words after their first), or the section's ends.

    The tokens' places in the part differ from those in the section by a constant, and a
    candidate in a part cut at its start is its fifth word or later, never the first:
    every test of ``_mentions`` gives the same answer. ~28% of the characters of the
    sections with a candidate on the ~97 KB bench pages (splitting them whole was ~20% of
    the tagger).
    """
    first, last = positions[0], positions[-1]
    start = 0
    if first > _BEFORE_CHARS:
        # The sixth word back, read in the reversed characters: one match where the words
        # of the 160 characters as match objects took ~40 K instructions (callgrind).
        back = _SIXTH_BACK.match(low[first - 1:first - _BEFORE_CHARS - 1:-1])
        if back is not None:
            start = first - back.start(1)
    after = _AFTER.match(low, last)
    return start, after.end() if after is not None else len(low)


def _mentions(text: str, low: str, positions: list[int], section: str,
              sport: Callable[[], bool]) -> list[_Mention]:
    """Every place name in one section of the article (``text``, NFC; ``low``, its Turkish
    lowercase; ``positions``, its :func:`_candidates`), with what marks it as a place
    (``sport()``: whether the article is about sport, asked only for a team's name)."""
    lists = _lists()
    names = gazetteer().names
    capital = _capital()
    if len(text) == len(low):
        start, end = _window(low, positions)
        if start or end < len(low):
            text, low = text[start:end], low[start:end]
            positions = [p - start for p in positions]
    tokens = _Tokens(text, low)
    found: list[_Mention] = []
    i = 0  # the first word not yet read: a name's words are not read again
    for c in tokens.at(positions):
        if c < i:
            continue
        i = c
        tok = tokens[i]
        if tok.suffix or not (tok.upper or tok.word == "merkez"):  # _match's first test
            continue
        hit = _match(tokens, i)
        if hit is None:
            continue
        name, used, suffix = hit
        pairs = names[name]
        j = i + used + (1 if suffix and i + used < len(tokens) and tokens[i + used].suffix else 0)
        nxt = tokens[j].word if j < len(tokens) else ""
        provincial = bool(_provinces_named(name))
        if _cue(nxt, lists["not_place"] if provincial else lists["not_district"]) or (
                not suffix and len(nxt) > len(_club_suffix()) and nxt.endswith(_club_suffix())):
            i += used  # "Çankaya Mahallesi", "Gaziosmanpaşa Üniversitesi", "Adana Demirspor"
            continue
        cues = lists["province_cues"] if provincial else lists["district_cues"]
        cued = section == "dateline" or _cue(nxt, cues)
        if name == capital and section != "dateline" and _government(tokens, i, used):
            i += used
            continue
        locative = (suffix.startswith("'") and suffix[1:] in lists["locative"]
                    and name not in lists["strict"])
        if not suffix and not cued and _person(tokens, i, used):
            i += used
            continue
        found.append(_Mention(pairs, section, i, j, name, cued, locative))
        i += used
    # "Pazar ve Çayeli ilçelerinde": a cue after the last name of a list covers them all.
    for m, after in reversed(list(itertools.pairwise(found))):
        between = tokens.words[m.end: after.index]
        if after.cued and not m.cued and between in ([], ["ve"], ["ile"]):
            m.cued = True
    restricted, teams = lists["restricted"], lists["teams"]
    # sport() matters only for a team's name: a team's name is restricted in sport news.
    return [m for m in found
            if (m.name not in restricted and not (m.name in teams and sport())) or m.cued
            or _next_to_province(m, found, tokens)
            or (m.locative and not (m.name in teams and sport()))]


def _person(tokens: _Tokens, i: int, used: int) -> bool:
    """Whether the bare name at token ``i`` is part of a person's name: right after a
    given name ("Mehmet Denizli"), or after a title and before a capitalised word
    ("Müdür Hatay Aksoy")."""
    lists = _lists()
    if i == 0 or tokens[i].gap.strip():
        return False
    before = tokens[i - 1]
    if before.upper and before.word in lists["given_names"]:
        return True
    after = tokens[i + used] if i + used < len(tokens) else None
    return (before.word in lists["titles"] and after is not None and after.upper
            and not after.suffix and not tokens[i + used].gap.strip())


def _next_to_province(m: _Mention, found: list[_Mention], tokens: _Tokens) -> bool:
    """``Manisa'nın Akhisar``, ``Bodrum/Muğla``: the name next to one of its provinces."""
    mine = _provinces_of(m.name)
    for o in found:
        if mine.isdisjoint(_provinces_named(o.name)):
            continue
        if o.end == m.index and o.end > o.index + 1 and tokens[o.index + 1].word in _GENITIVE:
            return True
        if (m.end == o.index and "/" in tokens[o.index].gap) or (
                o.end == m.index and "/" in tokens[m.index].gap):
            return True
    return False


def _dateline(first: str) -> tuple[str, str]:
    """Split the first paragraph into (dateline, rest); the dateline may be ""."""
    m = _AGENCY_FIRST.match(first)
    start = m.end() if m else 0
    rest = first[start:]
    # _PAREN_DATELINE needs a "(": its lazy name part took ~45 K instructions to fail on
    # a first paragraph without one (callgrind).
    for pattern in ((_PAREN_DATELINE, _CAPS_DATELINE) if "(" in rest else (_CAPS_DATELINE,)):
        d = pattern.match(rest)
        if d:
            end = d.end()
            of = _OF_DISTRICT.match(rest[end:])
            if of:
                end += of.end()
            return first[: start + end], first[start + end:]
    of = _OF_DISTRICT.match(rest)
    if of and (m or rest.lstrip()[:3].isupper()):
        return first[: start + of.end()], first[start + of.end():]
    caps = _CAPS_SUFFIX.match(rest)
    if caps:
        return first[: start + caps.end()], first[start + caps.end():]
    return "", first


def _sections(title: str, body: str, credit: str | None) -> list[tuple[str, str]]:
    paragraphs = [p for p in (line.strip() for line in body.splitlines()) if p]
    first = paragraphs[0] if paragraphs else ""
    dateline, lead = _dateline(first)
    parts = [("dateline", dateline), ("dateline", credit or ""), ("title", title),
             ("lead", lead)]
    parts += [("body", p) for p in paragraphs[1:]]
    return [(s, t) for s, t in parts if t]


def tag_places(title: str, body: str, credit: str | None = None,
               region: str | None = None) -> list[Place]:
    """The places an article is about, most salient first, each (province, district) once.

    >>> [p.as_dict() for p in tag_places("Bornova'da yeni park", "İZMİR (Hibya) – "
    ...  "Bornova Belediyesi parkı açtı.")]
    [{'province': 'İzmir', 'district': 'Bornova'}]
    >>> [(p.province, p.district, p.found_in) for p in tag_places(
    ...  "Kaza", "MUĞLA'NIN Bodrum ilçesinde kaza oldu.")]
    [('Muğla', 'Bodrum', 'dateline')]
    >>> tag_places("Ankara'nın tutumu değişmedi", "Ankara ile Washington görüştü.")
    []
    >>> [p.province for p in tag_places("Yenişehir'de su kesintisi", "Planlı kesinti.")]
    []
    >>> tag_places("Konser", "Belediye konser verdi.", region="İzmir")
    [Place(province='İzmir', district=None, found_in='region')]
    """
    lists = _lists()

    @cache
    def sport() -> bool:
        """Whether the article is about sport (asked only when a team's name is found)."""
        return bool(set(_WORD.findall(case_fold(f"{title} {body}"))) & lists["sport"])

    mentions: list[_Mention] = []
    for section, text, low, positions in _section_candidates(_sections(title, body, credit)):
        mentions += _mentions(text, low, positions, section, sport)
    named = {p for m in mentions for p, d in m.pairs if d is None}
    province_score: dict[str, int] = {}
    district_score: dict[tuple[str, str], int] = {}
    best: dict[tuple[str, str | None], str] = {}
    order: dict[str, int] = {}
    for n, m in enumerate(mentions):
        pairs = [pair for pair in m.pairs if pair[1] is None] or list(m.pairs)
        if len(pairs) > 1:
            pairs = [pair for pair in pairs if pair[0] in named]
        if len(pairs) != 1:
            continue
        province, district = pairs[0]
        weight = _WEIGHTS[m.section]
        province_score[province] = province_score.get(province, 0) + weight
        order.setdefault(province, n)
        key = (province, district)
        if district is not None:
            district_score[(province, district)] = district_score.get((province, district),
                                                                     0) + weight
        if key not in best or SECTIONS.index(m.section) < SECTIONS.index(best[key]):
            best[key] = m.section
    if not province_score:
        return [Place(region, None, "region")] if region else []
    out: list[Place] = []
    for province in sorted(province_score, key=lambda p: (-province_score[p], order[p])):
        mine = sorted((d for p, d in district_score if p == province),
                      key=lambda d: -district_score[(province, d)])
        if not mine:
            out.append(Place(province, None, best[(province, None)]))
        for district in mine:
            # The row stands for the pair: its strongest evidence, the district's or its
            # province's ("İZMİR (Hibya) – Buca Belediyesi ...": dateline).
            found_in = min(best[(province, district)], best.get((province, None), "region"),
                           key=SECTIONS.index)
            out.append(Place(province, district, found_in))
    return out


def places_json(places: list[Place]) -> list[dict[str, str | None]]:
    """The ``places`` list of ``newscrawler extract``'s JSON."""
    return [p.as_dict() for p in places]


def place_records(title: str | None, body: str, credit: str | None = None,
                  region: str | None = None) -> list[dict[str, str | None]]:
    """An article record's ``places``: ``{"province", "district", "found_in"}``, in rank order."""
    return [{**p.as_dict(), "found_in": p.found_in}
            for p in tag_places(title or "", body, credit, region)]
