"""Sentence text: how much of a short body reads as sentences, not labels or captions.

A short news item ("son dakika" flashes, municipal notices) is one or two real
sentences; a page that is not an article has none ("Foto Galeri", "1/6", "Paylaş").
``sentence_chars`` measures the first, and ``MIN_SENTENCE_CHARS`` of it make an article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["MIN_SENTENCE_CHARS", "MIN_SENTENCE_WORDS", "sentence_chars"]

#: Characters of sentence text a body needs to be an article however short it is.
MIN_SENTENCE_CHARS = 40
#: Words a sentence has at least ("Yaralı yok." is one only inside a longer text).
MIN_SENTENCE_WORDS = 3
#: Words of a final run without a full stop that still counts as a sentence.
MIN_OPEN_SENTENCE_WORDS = 6
# A sentence: text up to a full stop, question or exclamation mark or ellipsis, and any
# closing quotes or brackets after it.
_SENTENCE_RE = re.compile(r"[^.!?…]+(?:[.!?…]+[\"'”’»)\]]*|$)")
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_CLOSERS = ".!?…\"'”’»)]"


def sentence_chars(paragraphs: Iterable[str]) -> int:
    """Characters of the paragraphs' text that is in sentences of a few words.

    >>> sentence_chars(["Bornova’da çıkan yangın kontrol altına alındı. Yaralı yok."])
    57
    >>> sentence_chars(["Foto Galeri", "1/6 · Kordon", "Hibya Haber Ajansı"])
    0
    >>> sentence_chars(["SON DAKİKA: Buca’da elektrik kesintisi yaşanıyor."])
    49
    """
    total = 0
    for paragraph in paragraphs:
        found = [m.group().strip() for m in _SENTENCE_RE.finditer(paragraph)]
        found = [s for s in found if s]
        words = [len(_WORD_RE.findall(s)) for s in found]
        if sum(words) < MIN_SENTENCE_WORDS:
            continue
        for sentence, n in zip(found, words, strict=True):
            if sentence[-1] in _CLOSERS or n >= MIN_OPEN_SENTENCE_WORDS:
                total += len(sentence)
    return total
