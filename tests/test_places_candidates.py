"""The tagger's shortcuts give the places of the exhaustive scan (issue 11).

The tagger looks for names only at capitals (and ``merkez``) where a name can start
(``_candidates``) and builds tokens only there (``_Tokens``); looking at every word, as it
did before, must find exactly the same places.
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from archive.fold import case_fold
from newscrawler.places import tagger
from newscrawler.places.gazetteer import gazetteer

SHARED = Path(os.environ.get("NEWSCRAWLER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
LABELLED = Path(__file__).with_name("fixtures") / "places" / "labelled.jsonl"

TRICKY = [
    ("KONYA'DA KAZA", "KONYA (İHA) – KONYA'NIN EREĞLİ İLÇESİNDE kaza oldu."),
    ("19 Mayıs'ta tören", "Samsun'un 19 Mayıs ilçesinde tören yapıldı. 19-Mayıs yolu açıldı."),
    ("Merkez", "merkez ilçede ve Merkez'de su kesintisi. Pazar ve Çayeli ilçelerinde yağmur."),
    ("Ankara'nın tutumu", "Ankara ile Washington görüştü. Ankara'da hava güzel."),
    ("Mehmet Denizli", "Müdür Hatay Aksoy konuştu. Mehmet Denizli geldi. Bodrum/Muğla."),
    ("Maç", "Trabzonspor maçında Rize'de gol. Fenerbahçe ligde Sivas'ı yendi."),
    ("Bornovada", "Bornovada ve Karşıyaka'ya, İzmir'in Bornova ilçesinde. Xyzabc'de."),
    ("İSTANBUL", "İstanbul’da ve ıstanbul, ISTANBUL; Ｋonya; Kelvin \u212aonya; Cafe\u0301."),
    ("Kaza", "Kilis merkez ilçesinde kaza. merkezefendi ilçesinde."),
    ("", ""),
    ("Ağrı", "\n\n  AĞRI (DHA) -  Ağrı'nın Patnos ilçesinde.\n\nDoğubayazıt'ta kar.\n"),
]


def _every_word(text: str, low: str, capitals: list[int] | None = None) -> list[int]:
    """The exhaustive scan: every word of the section is a candidate."""
    return [m.start() for m in re.finditer(r"\w+", low)]


def _texts() -> list[tuple[str, str, str | None]]:
    texts: list[tuple[str, str, str | None]] = [(t, b, None) for t, b in TRICKY]
    for line in LABELLED.read_text("utf-8").splitlines():
        row = json.loads(line)
        texts.append((row.get("title") or "", row.get("body") or "", row.get("credit")))
    return texts


def _compare(texts: list[tuple[str, str, str | None]], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = [tagger.tag_places(t, b, c) for t, b, c in texts]
    with monkeypatch.context() as m:
        m.setattr(tagger, "_candidates", _every_word)
        slow = [tagger.tag_places(t, b, c) for t, b, c in texts]
    assert fast == slow
    assert any(fast)


def test_candidates_find_what_every_word_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    _compare(_texts(), monkeypatch)


def test_candidates_on_the_shared_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("no ../shared/corpus (set NEWSCRAWLER_SHARED)")
    texts: list[tuple[str, str, str | None]] = []
    for path in sorted((corpus / "tr-financial-news" / "raw").glob("*.json"))[:120]:
        row = json.loads(path.read_text("utf-8"))
        texts.append((row.get("title") or "", row.get("content") or "", None))
    for path in sorted((corpus / "ttc3600-sample").rglob("*.txt"))[:120]:
        texts.append(("", path.read_text("utf-8", errors="replace"), None))
    _compare(texts, monkeypatch)


def test_tokens_are_the_words_of_the_section() -> None:
    text = "İZMİR (DHA) – Bornova'da, İzmir’in 19 Mayıs ve Merkez/Muğla'ya...  son"
    low = case_fold(text)
    tokens = tagger._Tokens(text, low)
    spans = [m.span() for m in re.finditer(r"\w+", low)]
    assert len(tokens) == len(spans)
    last = 0
    for k, (start, end) in enumerate(spans):
        tok = tokens[k]
        assert (tok.word, tok.start, tok.end, tok.gap) == (low[start:end], start, end,
                                                           text[last:start])
        assert tok.upper == (text[start].isupper() or text[start].isdigit())
        assert tok.suffix == (start > 0 and text[start - 1] in "'’")
        last = end
    assert [t.word for t in tokens[2:5]] == [t.word for t in (tokens[2], tokens[3], tokens[4])]
    with pytest.raises(IndexError):
        tokens[len(spans)]


def test_no_capital_beyond_the_bmp_starts_a_name() -> None:
    firsts = {name[:1] for name in gazetteer().names}
    astral = [c for c in map(chr, range(0x10000, sys.maxunicode + 1))
              if (c.isupper() or c.isdigit()) and case_fold(c)[:1] in firsts]
    assert astral == []


def _long_paragraphs() -> list[tuple[str, str, str | None]]:
    """Paragraphs with names far from their ends, each sign of a place a few words away."""
    filler = "Vatandaşlar sabah saatlerinden itibaren uzun kuyruklar oluşturdu ve bekledi. "
    signs = ["Washington, Moskova ve Ankara görüştü", "Mehmet Denizli geldi",
             "Müdür Hatay Aksoy konuştu", "Ankara ile Washington",
             "Ankara'nın tutumu", "Bodrum/Muğla", "Manisa'nın Akhisar ilçesinde",
             "Pazar ve Çayeli ilçelerinde", "merkez ilçede", "Trabzonspor maçında Rize'de",
             "19 Mayıs ilçesinde", "İzmir’in Bornova ilçesinde", "Kilis merkez ilçesinde"]
    texts: list[tuple[str, str, str | None]] = []
    for n, sign in enumerate(signs):
        for before, after in ((3, 0), (3, 3), (0, 3), (1, 1)):
            body = "Giriş.\n" + filler * before + sign + ". " + filler * after
            body += "\n" + filler * (n % 3) + signs[(n + 1) % len(signs)] + " " + filler
            texts.append(("", body, None))
    return texts


def test_reading_a_window_finds_what_the_whole_section_gives(
        monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _long_paragraphs() + _texts()
    windowed = [tagger.tag_places(t, b, c) for t, b, c in texts]
    with monkeypatch.context() as m:
        m.setattr(tagger, "_window", lambda low, positions: (0, len(low)))
        whole = [tagger.tag_places(t, b, c) for t, b, c in texts]
    assert windowed == whole
    assert sum(map(bool, windowed)) > len(texts) // 2


def test_window_starts_after_the_sixth_word_before_the_first_candidate() -> None:
    """``_window`` reads the words before the first candidate backwards: the same start
    as the words of the 160 characters before it, read forwards."""
    import random

    def reference(low: str, positions: list[int]) -> int:
        first = positions[0]
        if first <= tagger._BEFORE_CHARS:
            return 0
        before = list(re.finditer(r"\w+", low[first - tagger._BEFORE_CHARS:first]))
        if len(before) < tagger._BEFORE_WORDS + 1:
            return 0
        return first - tagger._BEFORE_CHARS + before[-tagger._BEFORE_WORDS - 1].end()

    rng = random.Random(5)
    alphabet = ["a", "ş", "ı", "1", "_", " ", " ", ",", "'", "’", "\n", "-", "é"]
    for _ in range(3000):
        low = "".join(rng.choices(alphabet, [rng.random() for _ in alphabet],
                                  k=rng.randint(100, 400)))
        positions = sorted(rng.sample(range(len(low)), rng.randint(1, 3)))
        assert tagger._window(low, positions)[0] == reference(low, positions), (low, positions)


def test_cp1254_tables_fold_and_find_capitals_as_the_text_ways() -> None:
    chars = [bytes([b]).decode("cp1254", "ignore") for b in range(256)]
    text = "".join(chars) + "\n" + "".join(reversed(chars)) + " İzmir'de IĞDIR ısı"
    assert tagger._fold_capitals(text) == (
        case_fold(text), [m.start() for m in tagger._capitals().finditer(text)])
    assert tagger._fold_capitals("Kayseri") == ("kayseri", [0])
    assert tagger._fold_capitals("Ｋonya ve Muğla") is None  # not cp1254: the text ways
    # cp1254 text is NFC as it is: no character of it, nor two, changes under NFC
    pairs = [a + b for a in chars for b in chars if a and b]
    assert all(unicodedata.is_normalized("NFC", p) for p in pairs)
