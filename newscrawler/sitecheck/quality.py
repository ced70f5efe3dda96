"""The extraction quality of a site: measured on a sample of its article pages, printed as a
report, and compared with the site's articles in the archive (a template change shows as a
fall)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from newscrawler.items import ArticleItem
from newscrawler.offline import article_from_html
from newscrawler.pipelines.block import html_block_reason
from newscrawler.pipelines.dates import date_item
from newscrawler.pipelines.validate import problem
from newscrawler.profiles import SiteProfile
from newscrawler.settings import SPLIT_CREDIT_LINES, VALIDATE_MIN_BODY_CHARS
from newscrawler.sitecheck.fetch import Fetcher
from newscrawler.text.dates import DateCandidate
from newscrawler.urls import canonical_url, same_site

#: A share (with a title, date, author, headline list; pages that are articles) has fallen
#: when the sample's is lower than the archive's by more than this.
SHARE_DROP = 0.25
#: The median body length has fallen when the sample's is below this part of the archive's.
BODY_RATIO = 0.6
#: Archived articles of the site needed before the sample is compared with them.
MIN_HISTORY = 5
#: The measures compared with the archive: (key, label).
SHARES = (("articles", "pages that are articles"), ("with_title", "with a title"),
          ("with_date", "with a date"), ("with_author", "with an author"),
          ("with_headlines", "with a headline list"))


@dataclass
class Sample:
    """What the sampled pages gave: one extracted item per page, and failures."""

    items: list[ArticleItem] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, why)
    forbidden: int = 0
    blocked: int = 0  # block or captcha pages answered in place of articles

    def refused(self) -> str | None:
        """Why the site refused us, when at least half the sampled pages were block pages."""
        tried = self.blocked + len(self.items) + len(self.failures)
        if self.blocked and self.blocked * 2 >= tried:
            return (f"{self.blocked} of the {tried} sampled article pages are block or captcha "
                    "pages: the site refuses us; retry later, or from another network")
        return None

    @property
    def pages(self) -> int:
        """Pages fetched and extracted."""
        return len(self.items)

    def count(self, key: str) -> int:
        """How many pages have ``key`` (one of SHARES)."""
        test = {
            "articles": lambda i: problem(i, min_body_chars=VALIDATE_MIN_BODY_CHARS) is None,
            "with_title": lambda i: bool(i.title),
            "with_date": lambda i: bool(i.published_at),
            "with_author": lambda i: bool(i.author and i.author.strip()),
            "with_headlines": lambda i: bool(i.headlines),
        }[key]
        return sum(1 for item in self.items if test(item))

    def share(self, key: str) -> float | None:
        """The share (0-1) of pages with ``key``; None without pages."""
        return self.count(key) / self.pages if self.pages else None

    def lengths(self) -> list[int]:
        """Body lengths in characters, one per page (0 for none)."""
        return sorted(len(item.body) for item in self.items)

    def median_body(self) -> int | None:
        """The median body length; None without pages."""
        return int(statistics.median(self.lengths())) if self.items else None


def take_sample(fetcher: Fetcher, urls: list[str], profile: SiteProfile,
                dates: Mapping[str, tuple[str | None, str]] | None = None) -> Sample:
    """Fetch ``urls`` (robots.txt obeyed) and extract each with the project's extractor;
    ``dates`` (URL -> raw date and "feed" or "sitemap") join the page's date candidates,
    as they do in a crawl."""
    by_url = {canonical_url(u): v for u, v in (dates or {}).items() if v[0]}
    sample = Sample()
    for url in urls:
        page = fetcher.get(url)
        if page is None:
            sample.forbidden += 1
            continue
        if page.status != 200:
            sample.failures.append((url, f"HTTP {page.status}"))
            continue
        if not page.is_html:
            sample.failures.append((url, f"not HTML ({page.content_type or 'no type'})"))
            continue
        if html_block_reason(page.body):
            sample.blocked += 1
            continue
        item = article_from_html(
            page.body, page.url, site=profile.name, fetched_at=datetime.now(UTC),
            profile=profile, credit_lines=SPLIT_CREDIT_LINES)
        raw, source = by_url.get(canonical_url(url), (None, ""))
        if raw:
            item.date_candidates.append(DateCandidate(source=source, raw=raw.strip()))
            date_item(item)
        sample.items.append(item)
    return sample


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} {part / whole:4.0%}" if whole else "0/0"


def quantiles(values: list[int]) -> dict[str, int]:
    """min, p25, median, p75 and max of ``values`` (sorted or not).

    >>> quantiles([100, 200, 300, 400, 500])
    {'min': 100, 'p25': 200, 'median': 300, 'p75': 400, 'max': 500}
    """
    ordered = sorted(values)
    if len(ordered) == 1:
        ordered = ordered * 2
    q = statistics.quantiles(ordered, n=4, method="inclusive")
    return {"min": ordered[0], "p25": int(q[0]), "median": int(q[1]), "p75": int(q[2]),
            "max": ordered[-1]}


def report_lines(sample: Sample) -> list[str]:
    """The quality report of a sample, one measure a line."""
    n = sample.pages
    lines = [f"sample:        {n} page(s) fetched and extracted"
             + (f", {sample.forbidden} forbidden by robots.txt" if sample.forbidden else "")
             + (f", {len(sample.failures)} failed" if sample.failures else "")
             + (f", {sample.blocked} block or captcha pages" if sample.blocked else "")]
    for key, label in SHARES:
        lines.append(f"  {label:<24}{_pct(sample.count(key), n)}")
    listed = [len(i.headlines) for i in sample.items if i.headlines]
    if listed:
        lines[-1] += f"  ({statistics.mean(listed):.1f} headlines each)"
    if n:
        q = quantiles(sample.lengths())
        short = sum(1 for length in sample.lengths() if length < VALIDATE_MIN_BODY_CHARS)
        lines.append("  body characters         " + "  ".join(f"{k} {v}" for k, v in q.items())
                     + f"; {short} under {VALIDATE_MIN_BODY_CHARS}")
    for url, why in sample.failures[:5]:
        lines.append(f"  failed: {url} ({why})")
    dropped = [(item.url, reason) for item in sample.items
               if (reason := problem(item, min_body_chars=VALIDATE_MIN_BODY_CHARS))]
    for url, reason in dropped[:3]:
        lines.append(f"  not archived: {url} ({reason})")
    if len(dropped) > 3:
        lines.append(f"  not archived: {len(dropped) - 3} more")
    return lines


def compare(sample: Sample, history: dict[str, Any]) -> list[str]:
    """What fell in the sample against the archive's figures of the site (``archive.stats``
    per-site row: ``articles``, ``median_body_chars``, ``with_date``...); [] when nothing did.

    >>> s = Sample()
    >>> compare(s, {"articles": 40, "median_body_chars": 900, "with_date": 1.0})
    ['no page of the sample could be fetched and extracted']
    """
    if not sample.pages:
        return ["no page of the sample could be fetched and extracted"]
    archived = {**history, "articles": 1.0, "with_title": 1.0}
    fell = []
    for key, label in SHARES:
        before, now = archived.get(key), sample.share(key)
        if before is not None and now is not None and now < before - SHARE_DROP:
            fell.append(f"share {label} {now:.0%}, archive {before:.0%}")
    before_body, now_body = history.get("median_body_chars"), sample.median_body()
    if before_body and now_body is not None and now_body < BODY_RATIO * before_body:
        fell.append(f"median body {now_body} characters, archive {before_body}")
    return fell


def history_lines(sample: Sample, history: dict[str, Any]) -> list[str]:
    """The sample's measures beside the archive's, one a line."""
    lines = [f"archive:       {history['articles']} article(s) of the site "
             f"({history.get('first') or '?'} to {history.get('last') or '?'})"]
    archived = {**history, "articles": 1.0, "with_title": 1.0}
    for key, label in SHARES:
        now = sample.share(key)
        before = archived.get(key)
        lines.append(f"  {label:<24}sample {_fmt(now):>5}  archive {_fmt(before):>5}")
    lines.append(f"  {'median body characters':<24}sample {sample.median_body() or 0:>5}  "
                 f"archive {history.get('median_body_chars') or 0:>5}")
    return lines


def _fmt(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def pick_sample(urls: list[str], profile: SiteProfile, size: int) -> list[str]:
    """The first ``size`` distinct article URLs of the site among ``urls`` (feeds first:
    they list the newest articles).

    >>> p = SiteProfile("x", "X", "http://x.org/", r"^/[a-z-]+-\\d+$")
    >>> pick_sample(["http://x.org/a-1", "http://x.org/kunye", "http://y.org/b-2",
    ...              "http://x.org/a-1/", "http://x.org/c-3"], p, 5)
    ['http://x.org/a-1', 'http://x.org/c-3']
    """
    out: dict[str, None] = {}
    for url in urls:
        key = canonical_url(url)
        if same_site(key, profile.base_url) and profile.is_article_url(key):
            out.setdefault(key, None)
        if len(out) >= size:
            break
    return list(out)
