"""Pairwise precision and recall of story detection on the labelled set (issue 10).

    python bench/eval_stories.py            # the figures, in crawl order and in rebuild order
    python bench/eval_stories.py --sweep    # the same for other thresholds (why this one)
    python bench/eval_stories.py --quick    # no sweep (what CI runs)

The labelled set (``tests/fixtures/stories/labelled.json``, see its README) holds agency
originals, their edited copies on other sites and look-alike distractors. Every article is
archived into an in-memory archive (as a crawl would: in a shuffled order, so copies often
arrive before their original), then ``archive.stories.rebuild`` runs over the same archive
(publication order). A pair of articles is right when both or neither of the gold and the
found assignment put them in one story.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import Archive, stories  # noqa: E402
from archive.connection import transaction  # noqa: E402
from archive.fold import fold  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "stories" / "labelled.json"


@dataclass(frozen=True)
class Labelled:
    """One article of the labelled set and its gold story."""

    url: str
    site: str
    title: str
    body: str
    published_at: str
    gold: str
    kind: str  # original, copy, topic, boilerplate, followup


def articles(path: Path = FIXTURE) -> list[Labelled]:
    """The labelled set as articles: originals, copies made by their edits, distractors."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: list[Labelled] = []
    for story in data["stories"]:
        paragraphs = list(story["paragraphs"])
        dated = [story["dateline"] + paragraphs[0], *paragraphs[1:]]
        out.append(Labelled(f"https://{story['site']}.example/{story['id']}", story["site"],
                            story["title"], "\n\n".join(dated), story["published_at"],
                            story["id"], "original"))
        start = datetime.fromisoformat(story["published_at"])
        for n, copy in enumerate(story["copies"], 1):
            source = dated if copy.get("dateline") else paragraphs
            kept = [source[i] for i in copy["keep"]]
            if copy.get("intro"):
                kept.insert(0, copy["intro"])
            body = "\n\n".join(kept)
            for old, new in copy.get("replace", []):
                body = body.replace(old, new)
            when = (start + timedelta(minutes=copy["delay"])).isoformat()
            out.append(Labelled(f"https://{copy['site']}.example/{story['id']}-{n}",
                                copy["site"], copy["title"], body, when, story["id"], "copy"))
    for d in data["distractors"]:
        out.append(Labelled(f"https://{d['site']}.example/{d['id']}", d["site"], d["title"],
                            "\n\n".join(d["paragraphs"]), d["published_at"], d["id"],
                            d["kind"]))
    return out


@dataclass(frozen=True)
class Result:
    """Pairwise figures of one assignment."""

    precision: float
    recall: float
    true_pairs: int
    found_pairs: int
    false_pairs: list[tuple[str, str]]
    missed_pairs: list[tuple[str, str]]


def pairwise(items: list[Labelled], found: dict[str, int]) -> Result:
    """Pairwise precision and recall of ``found`` (url -> story id) against the gold."""
    tp = fp = fn = 0
    false, missed = [], []
    for a, b in itertools.combinations(items, 2):
        gold = a.gold == b.gold
        same = found[a.url] == found[b.url]
        if gold and same:
            tp += 1
        elif same:
            fp += 1
            false.append((a.url, b.url))
        elif gold:
            fn += 1
            missed.append((a.url, b.url))
    return Result(tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0,
                  tp + fn, tp + fp, false, missed)


def run(items: list[Labelled], seed: int = 10) -> tuple[Result, Result]:
    """Archive the set in a shuffled (crawl) order, then rebuild; both results."""
    order = list(items)
    random.Random(seed).shuffle(order)
    with Archive(":memory:") as archive:
        for item in order:  # one batch per article, as pages come in
            archive.save_articles([{"url": item.url, "site": item.site, "title": item.title,
                                    "body": item.body, "published_at": item.published_at}])
        crawl = _found(archive)
        with transaction(archive.conn):
            stories.rebuild(archive.conn)
        rebuilt = _found(archive)
    return pairwise(items, crawl), pairwise(items, rebuilt)


def _found(archive: Archive) -> dict[str, int]:
    return {url: sid for url, sid in archive.conn.execute("SELECT url, story_id FROM articles")}


def score_margins(items: list[Labelled]) -> dict[str, Any]:
    """The lowest containment of a copy with its original, the highest of a distractor with
    any article of the story it looks like (what the threshold must separate)."""
    shingled = {i.url: stories.shingles(fold(i.body)) for i in items}
    originals = {i.gold: i for i in items if i.kind == "original"}
    copies = [stories.score(shingled[i.url], shingled[originals[i.gold].url])
              for i in items if i.kind == "copy"]
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    like = {d["id"]: d["like"] for d in data["distractors"]}
    traps: dict[str, list[stories.Score]] = {}
    for d in items:
        if d.gold in like:
            traps.setdefault(d.kind, []).extend(
                stories.score(shingled[d.url], shingled[i.url])
                for i in items if i.gold == like[d.gold])
    return {
        "copy containment, lowest": min(s.containment for s in copies),
        "copy coverage, lowest": min(s.coverage for s in copies),
        **{f"{kind} containment, highest": max(s.containment for s in scores)
           for kind, scores in sorted(traps.items())},
        **{f"{kind} coverage, highest": max(s.coverage for s in scores)
           for kind, scores in sorted(traps.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweep", action="store_true", help="also try other thresholds")
    parser.add_argument("--quick", action="store_true", help="no sweep (for CI)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sweep = False
    items = articles()
    kinds = Counter(i.kind for i in items)
    print(f"labelled set: {len(items)} articles, {kinds['original']} stories with "
          f"{kinds['copy']} copies, distractors: "
          + ", ".join(f"{kinds[k]} {k}" for k in ("topic", "boilerplate", "followup")))
    print(f"thresholds: containment >= {stories.CONTAINMENT}, coverage >= {stories.COVERAGE}, "
          f"{stories.SHINGLE_WORDS}-word shingles, {stories.BANDS} bands x {stories.ROWS} rows")
    for name, value in score_margins(items).items():
        print(f"  {name}: {value:.3f}")
    crawl, rebuilt = run(items)
    for label, result in (("crawl order", crawl), ("rebuild", rebuilt)):
        print(f"{label:>12}: pairwise precision {result.precision:.3f}, recall "
              f"{result.recall:.3f} ({result.true_pairs} true pairs, {result.found_pairs} found)")
        for a, b in result.false_pairs[:5]:
            print(f"    false: {a} ~ {b}")
        for a, b in result.missed_pairs[:5]:
            print(f"    missed: {a} ~ {b}")
    if args.sweep:
        saved = stories.CONTAINMENT, stories.COVERAGE
        for containment, coverage in itertools.product(
                (0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.85), (0.0, 0.2, 0.4)):
            stories.CONTAINMENT, stories.COVERAGE = containment, coverage
            c, r = run(items)
            print(f"  containment {containment:.2f} coverage {coverage:.1f}: "
                  f"crawl P {c.precision:.3f} R {c.recall:.3f} | "
                  f"rebuild P {r.precision:.3f} R {r.recall:.3f}")
        stories.CONTAINMENT, stories.COVERAGE = saved
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
