"""Call-to-action boxes: "Haberlerimizi Google'da Takip Edin", "WhatsApp kanalımıza katılın".

Sites put such boxes between the lead and the first paragraph, and often inside the JSON-LD
``articleBody`` too. The wordings are families of phrases kept as data
(``data/cta_phrases.txt``), matched on folded words; a line is a box only when it is made
WHOLLY of them, so a real sentence that talks about WhatsApp stays. They catch the common
boxes on a site's very first pages, before ``newscrawler.text.templates`` has learned the
site's own.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from newscrawler.extract.fold import fold_key

__all__ = ["CTA_MAX_CHARS", "MIN_CUT_WORDS", "cut_cta", "is_cta"]

#: Lines longer than this are never a call-to-action box (a box of three lines is ~140).
CTA_MAX_CHARS = 240
#: A box glued to the next sentence (a JSON-LD ``articleBody`` without line breaks) is cut
#: only when it has at least this many words: "Reklam Verenler Derneği ..." stays.
MIN_CUT_WORDS = 3
_MACRO = re.compile(r"^@(\w+)\s*=\s*(.+)$")
_USE = re.compile(r"\{(\w+)\}")
_HEADING_SEPARATOR = re.compile(r"\s*(?:[:»›>|–—]|\s-\s)\s*")
# A character every separator holds: a line without one is not split (the separator's
# search, tried at every position, cost ~2,000 instructions a character).
_SEPARATOR_HINT = re.compile(r"[-:»›>|–—]")
_SENTENCE_END = (".", "!", "?", "…", ":", '"', "”")


def _expand(pattern: str, macros: dict[str, str]) -> str:
    return _USE.sub(lambda m: macros[m.group(1)], pattern)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The run of whole families (one after another) and the heading families."""
    text = (files("newscrawler.text") / "data" / "cta_phrases.txt").read_text(encoding="utf-8")
    macros: dict[str, str] = {}
    whole: list[str] = []
    heading: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        macro = _MACRO.match(line)
        if macro:
            macros[macro.group(1)] = _expand(macro.group(2).strip(), macros)
        elif line.startswith("^ "):
            heading.append(_expand(line[2:].strip(), macros))
        else:
            whole.append(_expand(line, macros))
    one = "(?:" + "|".join(f"(?:{p})" for p in whole) + ")"
    run = re.compile(f"{one}(?: {one})*")
    return run, re.compile("(?:" + "|".join(f"(?:{p})" for p in heading) + ")")


def is_cta(line: str) -> bool:
    """Whether a whole line is a call-to-action box (follow, join, subscribe, ads, related).

    >>> is_cta("Haberlerimizi Google'da Takip Edin")
    True
    >>> is_cta("Gelişmelerden anında haberdar olun Google'da tercih edilen kaynak olarak ekleyin")
    True
    >>> is_cta("📲 WhatsApp kanalımıza KATILIN!"), is_cta("İLGİLİ HABER: Vali köprüyü açtı")
    (True, True)
    >>> is_cta("Belediye, WhatsApp kanalına katılan vatandaşlara duyuru gönderdi.")
    False
    """
    if len(line) > CTA_MAX_CHARS:
        return False
    key = fold_key(line)
    if not key:
        return False
    run, heading = _patterns()
    if run.fullmatch(key):
        return True
    if _SEPARATOR_HINT.search(line) is None:
        return False  # one part: no heading
    parts = _HEADING_SEPARATOR.split(line.strip(" \t•·*-"), maxsplit=1)
    return (len(parts) == 2 and bool(parts[1].strip())
            and heading.fullmatch(fold_key(parts[0])) is not None)


def _cut_line(line: str) -> str:
    """The line minus runs of call-to-action words that start a sentence and end where
    the next sentence starts (a capital letter) or at the line's end."""
    words = line.split()
    run, _ = _patterns()
    out: list[str] = []
    i = 0
    while i < len(words):
        starts = i == 0 or words[i - 1].endswith(_SENTENCE_END)
        cut = 0
        if starts and not run.match(" ".join(filter(None, map(fold_key, words[i:i + 40])))):
            starts = False  # no family starts here: spare the 40 whole-run tries
        if starts:
            keys: list[str] = []
            for j in range(i, min(len(words), i + 40)):
                key = fold_key(words[j])
                if key:
                    keys.append(key)
                end = j + 1
                follows = words[end] if end < len(words) else ""
                if (end - i >= MIN_CUT_WORDS and (not follows or follows[:1].isupper())
                        and run.fullmatch(" ".join(keys))):
                    cut = end - i  # the longest run wins
        if cut:
            i += cut
            continue
        out.append(words[i])
        i += 1
    return " ".join(out)


def cut_cta(text: str) -> str:
    """Text (a JSON-LD ``articleBody``) without call-to-action lines and glued boxes.

    >>> cut_cta("Vali köprüyü açtı. Haberlerimizi Google'da Takip Edin Tören sürdü.")
    'Vali köprüyü açtı. Tören sürdü.'
    >>> cut_cta("Giriş.\\nWhatsApp kanalımıza katılın\\nSon.")
    'Giriş.\\nSon.'
    >>> cut_cta("Reklam Verenler Derneği toplandı.")
    'Reklam Verenler Derneği toplandı.'
    """
    lines = []
    for line in text.split("\n"):
        if line.strip() and is_cta(line):
            continue
        cut = _cut_line(line) if line.strip() else line
        lines.append(cut if cut != " ".join(line.split()) else line)
    return "\n".join(lines)
