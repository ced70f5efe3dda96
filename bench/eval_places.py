"""Place tagging quality on the labelled set of fictional articles (and real pages, if any).

Scores ``newscrawler.places.tagger.tag_places`` against
``tests/fixtures/places/labelled.jsonl`` (the set the rules were tuned on) and
``heldout.jsonl`` (20 articles written afterwards, not tuned on): fictional articles in İHA,
DHA, AA, ANKA, Hibya and local-site styles, with the traps of issue #10: surnames and words that
are district names, shared district names, club names, Ankara as the government.

* primary-province accuracy: the first province tagged is the first labelled one (an
  article labelled with no place counts as right when nothing is tagged);
* province precision and recall over (article, province) pairs;
* district precision and recall over (article, province, district) pairs.

With ``--corpus`` it also runs over the saved pages of ``../shared/corpus`` (no labels
there: it prints how many articles got a place and the most frequent primary provinces),
skipping cleanly when the folder is absent.

    python bench/eval_places.py [--per-article] [--corpus] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newscrawler.places.tagger import tag_places  # noqa: E402

LABELLED = ROOT / "tests" / "fixtures" / "places" / "labelled.jsonl"
#: 20 more articles written after the rules were tuned on LABELLED, and not tuned on since.
HELDOUT = ROOT / "tests" / "fixtures" / "places" / "heldout.jsonl"
# ../shared beside the repository (a worktree sits one level deeper).
CORPUS = next((p / "shared" / "corpus" for p in (ROOT.parent, ROOT.parent.parent)
               if (p / "shared" / "corpus").is_dir()), ROOT.parent / "shared" / "corpus")


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def evaluate(path: Path = LABELLED, *, verbose: bool = False) -> dict[str, Any]:
    """The scores of the tagger on one labelled JSON Lines file."""
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    primary_ok = 0
    p_tp = p_fp = p_fn = d_tp = d_fp = d_fn = 0
    for row in rows:
        got = tag_places(row["title"], row["body"], row.get("credit"), row.get("region"))
        want = [tuple(pair) for pair in row["places"]]
        got_p = {p.province for p in got}
        want_p = {p for p, _ in want}
        got_d = {(p.province, p.district) for p in got if p.district}
        want_d = {(p, d) for p, d in want if d}
        first_got = got[0].province if got else None
        first_want = want[0][0] if want else None
        primary_ok += first_got == first_want
        p_tp += len(got_p & want_p)
        p_fp += len(got_p - want_p)
        p_fn += len(want_p - got_p)
        d_tp += len(got_d & want_d)
        d_fp += len(got_d - want_d)
        d_fn += len(want_d - got_d)
        if verbose and (got_p != want_p or got_d != want_d or first_got != first_want):
            print(f"#{row['id']} {row['title']!r}: got {[p.as_dict() for p in got]}, "
                  f"want {want}")
    return {
        "articles": len(rows),
        "primary_accuracy": _ratio(primary_ok, len(rows)),
        "province_precision": _ratio(p_tp, p_tp + p_fp),
        "province_recall": _ratio(p_tp, p_tp + p_fn),
        "district_precision": _ratio(d_tp, d_tp + d_fp),
        "district_recall": _ratio(d_tp, d_tp + d_fn),
    }


def corpus_report(root: Path = CORPUS, *, show: int = 0) -> str:
    """How many real texts get a place, and their most frequent primary provinces.

    Texts: the TTC-3600 sample's news bodies (``ttc3600-sample/*/*.txt``) and the
    fundus-tr pages (``fundus-tr/html``, extracted as ``newscrawler extract`` does).
    """
    if not root.is_dir():
        return f"{root} is absent: real pages skipped"
    from datetime import UTC, datetime

    from newscrawler.offline import article_from_file
    from newscrawler.settings import SPLIT_CREDIT_LINES

    texts: list[tuple[str, str, str, str | None]] = []
    for file in sorted(root.glob("ttc3600-sample/*/*.txt")):
        texts.append((file.name, "", file.read_text("utf-8-sig"), None))
    for file in sorted((root / "fundus-tr" / "html").glob("*")):
        try:
            item = article_from_file(file, url=None, site="corpus",
                                     fetched_at=datetime.now(UTC), profile=None,
                                     credit_lines=SPLIT_CREDIT_LINES)
        except Exception:  # an unreadable page is not what this measures
            continue
        texts.append((file.name, item.title or "", item.body, item.credit))
    tagged = 0
    primary: Counter[str] = Counter()
    for n, (name, title, body, credit) in enumerate(texts):
        got = tag_places(title, body, credit)
        if got:
            tagged += 1
            primary[got[0].province] += 1
        if n < show:
            print(f"{name}: {[p.as_dict() for p in got]}")
    top = ", ".join(f"{p} {n}" for p, n in primary.most_common(8))
    return f"real texts: {tagged}/{len(texts)} tagged with a place; primary provinces: {top}"


def main() -> None:
    """Print the scores (and the corpus report with --corpus)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-article", action="store_true", help="print every miss")
    parser.add_argument("--corpus", action="store_true", help="also run on ../shared/corpus")
    parser.add_argument("--quick", action="store_true",
                        help="the labelled sets only (they take a second): for CI")
    args = parser.parse_args()
    if args.quick:
        args.corpus = False
    for name, path in (("labelled", LABELLED), ("held-out", HELDOUT)):
        scores = evaluate(path, verbose=args.per_article)
        print(f"{name}: {scores['articles']} articles")
        for key in ("primary_accuracy", "province_precision", "province_recall",
                    "district_precision", "district_recall"):
            print(f"  {key:20} {scores[key]:.3f}")
    if args.corpus:
        print(corpus_report(show=1000 if args.per_article else 0))


if __name__ == "__main__":
    main()
