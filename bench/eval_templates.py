"""Boilerplate that leaks into bodies: call-to-action boxes and sites' own recurring boxes.

Runs ``newscrawler.offline.article_from_html`` on the pages of ``tests/fixtures/templates``
(three invented sites, six articles each; two call-to-action boxes a page, 42 lines in 36
wordings, and each site's own box that no phrase list knows), site by site in
page order, and counts, against ``truth.json``:

* ``cta leaked``: call-to-action box lines found in a body;
* ``template leaked``: the site's own box lines found in a body;
* ``article lost``: article paragraphs missing from a body (must stay 0).

Three passes: ``crawl`` (templates learned page by page, as a crawl does: the first pages
of a site still hold its own box), ``reextract`` (the same pages again with what the whole
site taught, as ``newscrawler reextract`` does). On code without site templates (the
``before`` figure: run it with ``PYTHONPATH`` pointing at an older checkout) only one pass.

    python bench/eval_templates.py [--min-pages N] [--quick]
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawler.extract.fold import fold_key
from newscrawler.offline import article_from_html

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "templates"
FETCHED = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)


def count(truth: list[dict[str, Any]], bodies: dict[str, str]) -> dict[str, int]:
    """Leaked box lines and lost article paragraphs over all pages."""
    totals = {"pages": 0, "cta lines": 0, "cta leaked": 0, "template lines": 0,
              "template leaked": 0, "article paragraphs": 0, "article lost": 0}
    for page in truth:
        body = f" {fold_key(bodies[page['file']])} "
        totals["pages"] += 1
        for key, lines in (("cta", page["cta"]), ("template", page["template"])):
            totals[f"{key} lines"] += len(lines)
            totals[f"{key} leaked"] += sum(f" {fold_key(line)} " in body for line in lines)
        totals["article paragraphs"] += len(page["article"])
        totals["article lost"] += sum(f" {fold_key(p)} " not in body for p in page["article"])
    return totals


def run(truth: list[dict[str, Any]], books: dict[str, Any] | None,
        learn: bool) -> dict[str, str]:
    bodies = {}
    for page in truth:
        data = (PAGES / page["file"]).read_bytes()
        kwargs: dict[str, Any] = {}
        if books is not None:
            kwargs = {"templates": books[page["site"]], "learn": learn}
        item = article_from_html(data, page["url"], site=page["site"], fetched_at=FETCHED,
                                 **kwargs)
        bodies[page["file"]] = item.body
    return bodies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--min-pages", type=int, default=5,
                        help="TEMPLATE_MIN_PAGES for the learning passes (default 5)")
    parser.add_argument("--quick", action="store_true",
                        help="the same run (it takes seconds): for CI")
    args = parser.parse_args(argv)
    truth = json.loads((PAGES / "truth.json").read_text(encoding="utf-8"))
    try:
        from newscrawler.text.templates import TemplateBook
    except ImportError:  # code from before site templates
        print("before (no site templates):", count(truth, run(truth, None, False)))
        return 0
    books = {p["site"]: TemplateBook(min_pages=args.min_pages) for p in truth}
    print("crawl (learning as it goes):", count(truth, run(truth, books, True)))
    print("reextract (learned):        ", count(truth, run(truth, books, False)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
