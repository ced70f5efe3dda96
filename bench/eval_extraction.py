"""Extraction quality and speed against trafilatura, on pages no one here wrote.

Scores newscrawler's extraction (the crawler's own pipeline code:
``newscrawler.offline.article_from_html``, with the site's profile when it has one) and
trafilatura (``bare_extraction`` with metadata, comments off, run in the same process on the same
bytes) on two corpora from ``../shared/corpus``:

* ``fundus-tr``: 8 Habertürk / NTV / Anadolu Ajansı pages with gold title, date and body
  paragraphs (``gold.jsonl``). Reports body shingle F1 (P/R) against the gold body (summary,
  subheadlines and paragraphs), titles of the page's "Benzer/İlgili haberler" links leaked
  into the body, title accuracy (equal to the page's first ``<h1>`` or to the gold title) and
  date accuracy (the day the page shows). newscrawler is also run without profiles
  ("generic"), as on a site nobody wrote a profile for.
* ``scrapinghub-aeb``: the ScrapingHub article-extraction benchmark (181 pages and
  ``ground-truth.json``), scored as upstream's ``evaluate.py`` does: 4-gram token
  shingles (``\\w+`` tokens), per-page TP/FP/FN normalised by their sum, precision and
  recall averaged over pages, F1 of the two averages.

Pages per second is the number of pages over the time spent inside each extractor's call
(after one untimed warm-up call each).
Figures vary from run to run: compare the rows of one run. Needs trafilatura
(``pip install -e '.[bench]'``); exits 0 with a message when ``../shared`` is absent
(from a git worktree, point ``NEWSCRAWLER_SHARED`` at it).

    python bench/eval_extraction.py [--corpus fundus-tr|scrapinghub-aeb|all]
                                    [--per-page] [--limit N] [--json results.json]
                                    [--corpus-dir PATH] [--quick]

``--quick``: the first 3 pages of each corpus (for CI; figures mean nothing).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html

from newscrawler.offline import article_from_html
from newscrawler.profiles import SiteProfile, all_profiles
from newscrawler.settings import SPLIT_CREDIT_LINES

#: ``../shared`` beside the checkout, or ``$NEWSCRAWLER_SHARED`` (from a git worktree).
SHARED = Path(os.environ.get("NEWSCRAWLER_SHARED")
              or Path(__file__).resolve().parents[1].parent / "shared")
CORPUS = SHARED / "corpus"
NGRAM = 4
# Headings of the related-stories boxes whose link titles must stay out of a body (folded).
RELATED_HEADINGS = ("benzer haber", "ilgili haber")
# class/id words of such boxes.
RELATED_CLASS = re.compile(r"related|benzer|ilgili-?haber", re.I)
MIN_LEAK_TITLE = 20  # characters of a link title worth looking for in a body
_TOKEN = re.compile(r"\w+", re.UNICODE)
_FOLD = str.maketrans("İIıŞşĞğÜüÖöÇç", "iiissgguuoocc")


# --- scoring (upstream evaluate.py's rules) ---------------------------------------------


def tokens(text: str) -> list[str]:
    """Word tokens as the ScrapingHub benchmark counts them.

    >>> tokens("Vali: 'Yol 2025'te bitecek.'")
    ['Vali', 'Yol', '2025', 'te', 'bitecek']
    """
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = NGRAM) -> Counter[tuple[str, ...]]:
    """Counts of the text's n-token shingles (one short shingle for a text under n tokens)."""
    toks = tokens(text)
    out: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(toks) - n + 1)):
        shingle = tuple(toks[i : i + n])
        if shingle:
            out[shingle] += 1
    return out


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """Shingle TP/FP/FN of a prediction, normalised so that every page weighs the same.

    >>> tp_fp_fn("bir iki üç dört beş", "bir iki üç dört")
    (0.5, 0.0, 0.5)
    """
    t, p = shingles(true), shingles(pred)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    """Upstream's precision: 1 when nothing is wrong, 0 when nothing is right."""
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def recall(tp: float, fp: float, fn: float) -> float:
    """Upstream's recall: 1 when nothing is wrong, 0 when nothing is right."""
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def f1(p: float, r: float) -> float:
    """Harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * p * r / (p + r) if p + r else 0.0


def totals(scores: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    """``(F1, P, R)`` over pages: P and R averaged over pages, F1 of the averages."""
    ps = [precision(*s) for s in scores if s[0] + s[1] > 0]
    rs = [recall(*s) for s in scores if s[0] + s[2] > 0]
    p = statistics.mean(ps) if ps else 0.0
    r = statistics.mean(rs) if rs else 0.0
    return f1(p, r), p, r


# --- page facts the gold does not hold ----------------------------------------------------


def squash(text: str | None) -> str:
    """Whitespace collapsed, for comparing titles and finding titles in bodies."""
    return " ".join((text or "").split())


def fold(text: str) -> str:
    """Lowercase with Turkish letters folded to ASCII, for matching headings."""
    return squash(text).translate(_FOLD).lower()


def first_h1(root: lxml.html.HtmlElement) -> str:
    """The text of the page's first non-empty ``<h1>``."""
    for h1 in root.iter("h1"):
        text = squash(h1.text_content())
        if text:
            return text
    return ""


def related_titles(root: lxml.html.HtmlElement) -> list[str]:
    """Link titles of the page's related-stories boxes: those headed "Benzer/İlgili haberler"
    and those whose class/id names related news."""
    boxes: list[lxml.html.HtmlElement] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        own = fold(el.text or "")
        if own.startswith(RELATED_HEADINGS) and len(own) < 40:
            box = el
            for _ in range(4):
                parent = box.getparent()
                if parent is None:
                    break
                box = parent
                if box.find(".//a[@href]") is not None:
                    break
            boxes.append(box)
        elif RELATED_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            boxes.append(el)
    titles: list[str] = []
    for box in boxes:
        for node in box.iter("a", "h2", "h3", "h4", "h5"):
            text = squash(node.text_content())
            if len(text) >= MIN_LEAK_TITLE and text not in titles:
                titles.append(text)
    return titles


def leaks(body: str, titles: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """Titles found in the body, except those the gold body or the headline holds too.

    >>> leaks("Vali konuştu. Başka bir haberin başlığı burada", ["Başka bir haberin başlığı",
    ...       "Vali konuştu ve gitti"], ["Vali konuştu."])
    ['Başka bir haberin başlığı']
    """
    flat = squash(body)
    ok = [squash(a) for a in allowed]
    return [t for t in titles if t in flat and not any(t in a for a in ok)]


# --- extractors ---------------------------------------------------------------------------


@dataclass
class Output:
    """What one extractor gave for one page, and how long it took."""

    body: str
    title: str | None
    date: str | None
    seconds: float
    headlines: int = 0


Extractor = Callable[[bytes, str, datetime], Output]


def profile_for(url: str, profiles: dict[str, SiteProfile]) -> SiteProfile | None:
    """The bundled profile whose domain the URL is on (the crawler's choice for that site)."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for profile in profiles.values():
        if profile.domain and (host == profile.domain or host.endswith("." + profile.domain)):
            return profile
    return None


def newscrawler_extractor(profiles: dict[str, SiteProfile], *,
                          saved_file: bool = False) -> Extractor:
    """Our pipeline (decode, extract, clean, split, date) with the site's profile, if any;
    ``saved_file``: as ``newscrawler extract page.html`` reads it (a ``file:`` URL, the
    page's canonical link then stands for it)."""

    def run(body: bytes, url: str, fetched_at: datetime) -> Output:
        profile = profile_for(url, profiles)
        site = profile.name if profile else (urlsplit(url).hostname or "page")
        page_url = f"file:///corpus/{urlsplit(url).path.strip('/').replace('/', '_')}.html"
        t0 = time.perf_counter()
        item = article_from_html(body, page_url if saved_file else url, site=site,
                                 fetched_at=fetched_at,
                                 profile=profile, credit_lines=SPLIT_CREDIT_LINES)
        seconds = time.perf_counter() - t0
        return Output(item.body, item.title, item.published_at, seconds, len(item.headlines))

    return run


def trafilatura_extractor(*, fast: bool = False) -> Extractor:
    """trafilatura's main function with metadata, comments left out of the text
    (``fast``: without its fallback extractors)."""
    import trafilatura

    def run(body: bytes, url: str, fetched_at: datetime) -> Output:
        t0 = time.perf_counter()
        doc = trafilatura.bare_extraction(body, url=url, with_metadata=True,
                                          include_comments=False, fast=fast)
        seconds = time.perf_counter() - t0
        if not isinstance(doc, trafilatura.settings.Document):
            return Output("", None, None, seconds)
        return Output(doc.text or "", doc.title, doc.date, seconds)

    return run


# --- corpora --------------------------------------------------------------------------------


@dataclass
class PageResult:
    """One page scored for one extractor."""

    page: str
    f1: float
    precision: float
    recall: float
    score: tuple[float, float, float]
    leaked: list[str] | None = None  # None where the corpus has no related-story links
    title_ok: bool | None = None
    date_ok: bool | None = None
    title: str | None = None
    date: str | None = None
    headlines: int = 0


@dataclass
class Run:
    """One extractor over one corpus."""

    name: str
    pages: list[PageResult] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, result: PageResult, seconds: float) -> None:
        self.pages.append(result)
        self.seconds += seconds

    def summary(self) -> dict[str, Any]:
        """Totals: F1/P/R, leaks, title and date accuracy, pages per second."""
        f, p, r = totals([x.score for x in self.pages])
        checked = [x.leaked for x in self.pages if x.leaked is not None]
        titled = [x.title_ok for x in self.pages if x.title_ok is not None]
        dated = [x.date_ok for x in self.pages if x.date_ok is not None]
        return {
            "name": self.name, "pages": len(self.pages), "f1": f, "precision": p, "recall": r,
            "leaked": sum(len(x) for x in checked) if checked else "-",
            "pages_leaking": sum(1 for x in checked if x) if checked else "-",
            "title": f"{sum(titled)}/{len(titled)}" if titled else "-",
            "date": f"{sum(dated)}/{len(dated)}" if dated else "-",
            "pages_per_s": len(self.pages) / self.seconds if self.seconds else 0.0,
        }


def score_page(page: str, gold: str, out: Output, **extra: Any) -> PageResult:
    """A page result from the gold body and one extractor's output."""
    s = tp_fp_fn(gold, out.body)
    p, r = precision(*s), recall(*s)
    return PageResult(page, f1(p, r), p, r, s, title=out.title, date=out.date,
                      headlines=out.headlines, **extra)


def warm_up(extractors: dict[str, Extractor], body: bytes, url: str) -> None:
    """Run every extractor once, untimed, so lazy imports and caches do not count."""
    for extract in extractors.values():
        extract(body, url, datetime.now(UTC))


def read_gz(path: Path) -> bytes:
    """The bytes of a gzipped page."""
    return gzip.decompress(path.read_bytes())


def fundus_gold_date(row: dict[str, Any]) -> str:
    """The day the page shows (the gold's, or the corrected one where the gold swapped it)."""
    return str(row.get("publishing_date_page_visible") or row["publishing_date"])[:10]


def eval_fundus(extractors: dict[str, Extractor], limit: int | None) -> list[Run]:
    """Score every extractor on fundus-tr."""
    folder = CORPUS / "fundus-tr"
    rows = [json.loads(line) for line in (folder / "gold.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    runs = {name: Run(name) for name in extractors}
    warm_up(extractors, read_gz(folder / rows[0]["file"]), rows[0]["url"])
    for row in rows[:limit]:
        body = read_gz(folder / row["file"])
        root = lxml.html.document_fromstring(body)
        h1 = first_h1(root)
        related = related_titles(root)
        gold_title = squash(row["title"])
        gold_date = fundus_gold_date(row)
        fetched = datetime.fromisoformat(row["crawl_date"]).replace(tzinfo=UTC)
        page = Path(row["file"]).name.removesuffix(".html.gz")
        for name, extract in extractors.items():
            out = extract(body, row["url"], fetched)
            title = squash(out.title)
            runs[name].add(score_page(
                page, row["body_text"], out,
                leaked=leaks(out.body, related, [row["body_text"], h1, gold_title]),
                title_ok=bool(title) and title in (h1, gold_title),
                date_ok=(out.date or "")[:10] == gold_date,
            ), out.seconds)
    return list(runs.values())


def eval_scrapinghub(extractors: dict[str, Extractor], limit: int | None) -> list[Run]:
    """Score every extractor on the ScrapingHub benchmark."""
    folder = CORPUS / "scrapinghub-aeb"
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    runs = {name: Run(name) for name in extractors}
    fetched = datetime(2019, 12, 1, tzinfo=UTC)
    keys = sorted(truth)[:limit]
    warm_up(extractors, read_gz(folder / "html" / f"{keys[0]}.html.gz"), truth[keys[0]]["url"])
    for key in keys:
        body = read_gz(folder / "html" / f"{key}.html.gz")
        gold = truth[key].get("articleBody", "")
        for name, extract in extractors.items():
            out = extract(body, truth[key]["url"], fetched)
            runs[name].add(score_page(key[:12], gold, out), out.seconds)
    return list(runs.values())


# --- report ---------------------------------------------------------------------------------


def print_pages(runs: Sequence[Run]) -> None:
    """One line per page and extractor."""
    for i, first in enumerate(runs[0].pages):
        print(f"  {first.page}")
        for run in runs:
            x = run.pages[i]
            extra = ""
            if x.title_ok is not None:
                extra = (f" title={'ok' if x.title_ok else 'NO'} date={'ok' if x.date_ok else 'NO'}"
                         f" ({x.date}) headlines={x.headlines}")
            leaked = f" LEAKED {x.leaked}" if x.leaked else ""
            print(f"    {run.name:<22} F1={x.f1:.3f} P={x.precision:.3f} R={x.recall:.3f}"
                  f"{extra}{leaked}")


def print_summary(corpus: str, runs: Sequence[Run]) -> None:
    """The totals of every extractor on one corpus."""
    print(f"== {corpus}: {len(runs[0].pages)} pages")
    for run in runs:
        s = run.summary()
        print(f"  {s['name']:<25} F1={s['f1']:.3f} P={s['precision']:.3f} R={s['recall']:.3f}"
              f"  leaked={s['leaked']} (pages {s['pages_leaking']})"
              f"  title={s['title']} date={s['date']}  {s['pages_per_s']:.1f} pages/s")
    rates = {run.name: run.summary()["pages_per_s"] for run in runs}
    if rates.get("trafilatura (fast)"):
        print(f"  speed: newscrawler {rates['newscrawler'] / rates['trafilatura (fast)']:.2f}x "
              f"trafilatura (fast) in this process (goal of issue 11: >= 2x)")


def main(argv: Sequence[str] | None = None) -> int:
    global CORPUS
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", choices=["fundus-tr", "scrapinghub-aeb", "all"],
                        default="all")
    parser.add_argument("--per-page", action="store_true", help="print every page's scores")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each corpus")
    parser.add_argument("--json", type=Path, help="write per-page results to this file")
    parser.add_argument("--corpus-dir", type=Path, default=CORPUS,
                        help="the folder holding fundus-tr/ and scrapinghub-aeb/ "
                        "(default: $NEWSCRAWLER_SHARED/corpus or ../shared/corpus)")
    parser.add_argument("--quick", action="store_true", help="3 pages of each corpus")
    args = parser.parse_args(argv)
    CORPUS = args.corpus_dir
    if args.quick:
        args.limit = 3

    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is not here (the evaluation corpora live in ../shared)")
        return 0
    try:
        import trafilatura
    except ImportError:
        print("trafilatura is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2

    profiles = all_profiles()
    ours = newscrawler_extractor(profiles)
    generic = newscrawler_extractor({})
    traf = trafilatura_extractor()
    fast = trafilatura_extractor(fast=True)
    saved = newscrawler_extractor(profiles, saved_file=True)
    print(f"trafilatura {trafilatura.__version__}")
    results: dict[str, list[dict[str, Any]]] = {}
    jobs: list[tuple[str, Callable[..., list[Run]], dict[str, Extractor]]] = [
        ("fundus-tr", eval_fundus,
         {"newscrawler": ours, "newscrawler (generic)": generic, "trafilatura": traf}),
        ("scrapinghub-aeb", eval_scrapinghub,
         {"newscrawler": ours, "newscrawler (saved file)": saved, "trafilatura": traf,
          "trafilatura (fast)": fast}),
    ]
    for corpus, evaluate, extractors in jobs:
        if args.corpus not in ("all", corpus):
            continue
        if not (CORPUS / corpus).is_dir():
            print(f"skipped {corpus}: {CORPUS / corpus} is not here")
            continue
        runs = evaluate(extractors, args.limit)
        if args.per_page:
            print(f"== {corpus}: per page")
            print_pages(runs)
        print_summary(corpus, runs)
        results[corpus] = [
            {**run.summary(), "per_page": [asdict(x) for x in run.pages]} for run in runs
        ]
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
