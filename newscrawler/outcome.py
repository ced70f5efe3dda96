"""What a crawl's stats say happened: one outcome for the run record, the summary and the exit.

The archive pipeline records :func:`crawl_outcome` in ``crawl_runs`` (``status``, ``reason``),
the progress extension prints its last line with it, and ``newscrawler crawl`` prints the
same numbers in its summary and exits with its code. One function, so they always agree.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from newscrawler import exitcodes

#: Close reasons that mean the crawl ran to its end.
DONE_REASONS = ("finished", "closespider_itemcount", "closespider_pagecount",
                "closespider_timeout")
#: Stats key set by the shutdown extension: the name of the signal that stopped the crawl.
SIGNAL_STAT = "shutdown/signal"


@dataclass(frozen=True)
class Outcome:
    """How one site's crawl ended."""

    status: str  # crawl_runs status: finished, failed, blocked, killed
    code: int  # exit code, see newscrawler.exitcodes
    reason: str  # one line saying why


def counts(stats: dict[str, Any]) -> dict[str, int]:
    """The numbers shown by the progress line and the summary alike.

    >>> c = counts({"downloader/response_count": 5, "archive/inserted": 2,
    ...             "item_dropped_count": 1, "fetch/errors": 1, "spider_exceptions/count": 1})
    >>> c["pages"], c["new"], c["dropped"], c["errors"]
    (5, 2, 1, 2)
    """
    get = _getter(stats)
    return {
        "pages": get("downloader/response_count"),
        "new": get("archive/inserted"),
        "updated": get("archive/updated"),
        # an update refused as a cut-down page (``archive.store.cut_short``) left the
        # article unchanged
        "unchanged": get("archive/unchanged") + get("archive/kept"),
        "dropped": get("item_dropped_count"),
        "errors": get("fetch/errors") + get("spider_exceptions/count"),
    }


def crawl_outcome(stats: dict[str, Any], close_reason: str | None = None) -> Outcome:
    """The outcome of a crawl from its stats and Scrapy's close reason.

    >>> crawl_outcome({"downloader/response_count": 9, "archive/inserted": 3}, "finished")
    Outcome(status='finished', code=0, reason='3 new, 0 updated, 0 unchanged')
    >>> crawl_outcome({"archive/inserted": 1, "archive/unchanged": 4},
    ...               "closespider_itemcount").reason.split("; ")[1].split(":")[0]
    '4 of the --max-articles limit went to unchanged articles'
    >>> crawl_outcome({"discovery/skipped_known": 36, "fetch/errors/http_404": 1,
    ...                "fetch/errors": 1}, "finished").reason
    'nothing new to archive: 36 known article URLs skipped (--only-new)'
    >>> crawl_outcome({"archive/error": "cannot write news.db (disk full)"}).code
    74
    >>> crawl_outcome({"shutdown/signal": "SIGTERM"}, "shutdown")
    Outcome(status='killed', code=143, reason='interrupted by SIGTERM')
    >>> crawl_outcome({"downloader/response_count": 3, "robotstxt/forbidden": 4}).reason
    'nothing archived: robots.txt forbids 4 pages (ROBOTSTXT_OBEY)'
    >>> crawl_outcome({"downloader/response_count": 30, "ratelimit/429": 30}).code
    69
    >>> crawl_outcome({"downloader/response_count": 9, "item_dropped_count": 4,
    ...                "validate/dropped/not_article": 4}).reason[:45]
    'nothing archived: every page was dropped (4 n'
    """
    get = _getter(stats)
    reason = close_reason or stats.get("finish_reason") or "finished"
    if stats.get("archive/error"):
        return Outcome("failed", exitcodes.ARCHIVE,
                       f"the archive could not be written: {stats['archive/error']}")
    signame = stats.get(SIGNAL_STAT)
    if signame or reason == "shutdown":
        signum = getattr(signal, str(signame), signal.SIGTERM) if signame else signal.SIGTERM
        return Outcome("killed", exitcodes.for_signal(signum),
                       f"interrupted by {signame}" if signame else "stopped (shutdown)")
    if reason == "blocked":
        return Outcome("blocked", exitcodes.BLOCKED,
                       f"the site served block or captcha pages ({get('block/pages')} pages); "
                       "retry later, or check the site in a browser")
    if reason == "rate_limited":
        return Outcome("blocked", exitcodes.BLOCKED, _rate_limited(stats))
    if reason == "run_locked":
        return Outcome("failed", exitcodes.LOCKED, "another crawl of the site is running")
    c = counts(stats)
    archived = c["new"] + c["updated"] + c["unchanged"]
    if reason not in DONE_REASONS:
        return Outcome("failed", exitcodes.FAILED, f"stopped early ({reason})")
    if archived:
        summary = f"{c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged"
        if c["unchanged"] and (reason == "closespider_itemcount" or get("archive/over_limit")):
            summary += (f"; {c['unchanged']} of the --max-articles limit went to unchanged "
                        "articles: add --only-new to spend it on new ones")
        return Outcome("finished", exitcodes.OK, summary)
    if get("ratelimit/429"):
        return Outcome("blocked", exitcodes.BLOCKED,
                       f"nothing archived: the site rate-limited us ({get('ratelimit/429')} "
                       "answers 429 Too Many Requests); retry later, or slow down with "
                       "DOWNLOAD_DELAY or the profile's download_delay")
    refused = sum(n for _, n in _by_suffix(
        stats, "fetch/errors/", lambda k: k.rsplit("/", 1)[-1] in ("http_401", "http_403")))
    if refused and refused * 2 >= get("downloader/response_count"):
        return Outcome("blocked", exitcodes.BLOCKED,
                       f"nothing archived: the site refused us ({refused} answers 401 or 403 "
                       "Forbidden); retry later, or check the site in a browser")
    known = get("discovery/skipped_known")
    if known:
        # --only-new left every article it found unfetched: the site answered, as a run
        # without it would have said ("N unchanged"), whatever else failed on the way.
        return Outcome("finished", exitcodes.OK, f"nothing new to archive: {known} known "
                       "article URLs skipped (--only-new)")
    why = why_nothing(stats)
    if why:
        return Outcome("failed", exitcodes.FAILED, why)
    if c["dropped"]:
        reasons = drop_reasons(stats)
        shown = ", ".join(f"{n} {label}" for label, n in reasons)
        if [label for label, _ in reasons] == ["notice_page"]:
            return Outcome("failed", exitcodes.FAILED,
                           f"nothing archived: every article page is a notice ({shown}: "
                           "removed or not found); the site took them down, or its feeds "
                           "list pages that are gone")
        return Outcome("failed", exitcodes.FAILED,
                       f"nothing archived: every page was dropped ({shown}); check the "
                       "profile's article_pattern and selectors with `newscrawler extract`")
    if not found_articles(stats):
        return Outcome("failed", exitcodes.FAILED,
                       f"no article URL in the site's feeds, sitemaps and listings "
                       f"({c['pages']} pages read): check the profile's article_pattern "
                       "and discovery (`newscrawler check-site SITE`)")
    return Outcome("finished", exitcodes.OK, "nothing new to archive")


def found_articles(stats: dict[str, Any]) -> int:
    """Article URLs discovery found: to fetch, known already, or older than ``--since``.

    >>> found_articles({"discovery/from_feed": 2, "discovery/skipped_known": 5,
    ...                 "discovery/feed_older_than_since": 1, "discovery/feed_entries": 9})
    8
    """
    return sum(v for k, v in _numbers(stats) if k.startswith("discovery/from_")
               or k.endswith("_older_than_since") or k == "discovery/skipped_known")


#: Stats that explain why nothing was archived, with how the summary says it, in order.
NOTHING_REASONS: tuple[tuple[str, str], ...] = (
    ("robotstxt/forbidden", "robots.txt forbids {n} pages (ROBOTSTXT_OBEY)"),
    ("redirect/offsite", "{n} redirects left the site (dropped)"),
    ("redirect/home", "{n} article URLs redirect to the home page (removed articles?)"),
    ("fetch/not_html", "{n} responses were not HTML"),
    ("fetch/empty", "{n} pages were empty"),
    ("fetch/too_large", "{n} pages larger than DOWNLOAD_MAXSIZE (dropped)"),
    ("discovery/sitemap_too_large", "{n} sitemaps larger than SITEMAP_MAXSIZE (skipped)"),
    ("block/pages", "{n} block or captcha pages"),
    ("redirect/cycle", "{n} redirect loops"),
    ("redirect/too_many", "{n} redirect chains too long (REDIRECT_MAX_TIMES)"),
)


def drop_reasons(stats: dict[str, Any]) -> list[tuple[str, int]]:
    """Dropped items by reason, most first; what no counter explains is ``other``.

    >>> drop_reasons({"item_dropped_count": 5, "validate/dropped/too_short": 3,
    ...               "dedupe/dropped_url": 1})
    [('too_short', 3), ('duplicate', 1), ('other', 1)]
    """
    get = lambda key: int(stats.get(key, 0) or 0)  # noqa: E731
    found: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("validate/dropped/") and isinstance(value, int):
            found[key.split("/", 2)[2]] = value
    for label, keys in (("duplicate", ("dedupe/dropped_url", "dedupe/dropped_content")),
                        ("over the --max-articles limit", ("archive/over_limit",)),
                        ("not written (archive error)", ("archive/not_written",)),
                        ("block page", ("block/pages",))):
        n = sum(get(k) for k in keys)
        if n:
            found[label] = n
    other = get("item_dropped_count") - sum(found.values())
    if other > 0:
        found["other"] = other
    return sorted(found.items(), key=lambda kv: -kv[1])


def why_nothing(stats: dict[str, Any]) -> str:
    """Why a crawl archived nothing, from its stats ("" when nothing went wrong).

    >>> why_nothing({"downloader/response_count": 2, "redirect/offsite": 3,
    ...              "fetch/not_html": 1})
    'nothing archived: 3 redirects left the site (dropped); 1 responses were not HTML'
    >>> why_nothing({"downloader/exception_type_count/builtins.OSError": 2})[:19]
    'nothing was fetched'
    """
    get = _getter(stats)
    parts = [text.format(n=get(key)) for key, text in NOTHING_REASONS if get(key)]
    ignored = sum(v for k, v in _numbers(stats) if k.startswith("fetch/errors/")
                  and k.endswith("/IgnoreRequest")) - get("robotstxt/forbidden")
    if ignored > 0:
        parts.append(f"{ignored} requests given up (redirect loops: max redirections reached)")
    http = _by_suffix(stats, "fetch/errors/", lambda k: k.rsplit("/", 1)[-1].startswith("http_"))
    if http:
        parts.append("HTTP errors: " + ", ".join(
            f"{n} × {code.removeprefix('http_')}" for code, n in http))
    if get("retry/max_reached"):
        parts.append(f"{get('retry/max_reached')} requests failed after retries")
    # A download cancelled past DOWNLOAD_MAXSIZE is ours, counted as too large above.
    cancelled_by_us = get("fetch/too_large") > 0
    network = _by_suffix(stats, "downloader/exception_type_count/",
                         lambda k: not k.endswith("IgnoreRequest") and not (
                             cancelled_by_us and k.endswith("DownloadCancelledError")))
    if network:
        kinds = ", ".join(f"{n} {name.rsplit('.', 1)[-1]}" for name, n in network)
        parts.append(f"network errors ({kinds}): check the network and the site's base URL "
                     "(`newscrawler sites`)")
    if get("downloader/response_count") == 0:
        head = "nothing was fetched"
        if not parts:
            parts.append("check the site's base URL (`newscrawler sites`) and rerun with -v")
    elif not parts:
        return ""
    else:
        head = "nothing archived"
    return f"{head}: " + "; ".join(parts)


def _rate_limited(stats: dict[str, Any]) -> str:
    wait = int(stats.get("ratelimit/stopped_retry_after", 0) or 0)
    text = "the site rate-limited us"
    if wait:
        text += f" (Retry-After {wait} s, beyond RETRY_AFTER_MAX)"
        end = stats.get("finish_time") or datetime.now(UTC)
        if isinstance(end, datetime):
            at = (end + timedelta(seconds=wait)).astimezone()
            text += f"; retry after {at:%Y-%m-%d %H:%M}"
    return text


def _numbers(stats: dict[str, Any]) -> list[tuple[str, int]]:
    return [(k, int(v)) for k, v in stats.items()
            if isinstance(v, int | float) and not isinstance(v, bool)]


def _by_suffix(stats: dict[str, Any], prefix: str, keep: Any) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for key, value in _numbers(stats):
        if key.startswith(prefix) and keep(key):
            name = key.rsplit("/", 1)[-1]
            totals[name] = totals.get(name, 0) + value
    return sorted(totals.items(), key=lambda kv: -kv[1])


def _getter(stats: dict[str, Any]) -> Any:
    def get(key: str) -> int:
        try:
            return int(stats.get(key, 0) or 0)
        except (TypeError, ValueError):
            return 0
    return get
