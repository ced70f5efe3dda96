"""``newscrawler reextract``: run the current extractor over the archive's saved pages.

``cli.py`` wires :func:`reextract` with the shared ``--db``/``--timeout`` options. Two
passes over the saved pages (table ``raw_pages``) of the articles asked for: the first
learns each site's template (lines that recur on its pages, ``newscrawler.text.templates``)
and saves it in ``site_templates``; the second extracts every page again with it and saves
the article through the archive's update path: a changed title or body becomes a new
revision (the previous text goes to ``revisions``), the same text leaves the row as it is.
A second run changes nothing.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import click

from newscrawler import exitcodes

#: Articles saved per transaction.
BATCH = 100
#: Seconds between progress lines on stderr.
PROGRESS_SECONDS = 2.0
#: Failed pages listed one by one (the rest are counted by reason).
MAX_LISTED = 20


def _fetched(value: str | None) -> datetime:
    try:
        parsed = datetime.fromisoformat(value or "")
    except ValueError:
        return datetime.now(UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _pages(store: Any, site: str | None, since: str | None) -> list[tuple[str, str, int]]:
    """(url, site, article id) of the saved pages that gave an article, oldest first."""
    where = ["r.article_id IS NOT NULL", "(r.status IS NULL OR r.status BETWEEN 200 AND 299)"]
    params: list[Any] = []
    if site:
        where.append("a.site = ?")
        params.append(site)
    if since:
        where.append("r.fetched_at >= ?")
        params.append(since)
    rows = store.conn.execute(
        "SELECT r.url, a.site, a.id FROM raw_pages r JOIN articles a ON a.id = r.article_id "
        f"WHERE {' AND '.join(where)} ORDER BY r.rowid", params).fetchall()
    return [(row[0], row[1], row[2]) for row in rows]


def reextract(db_path: str, timeout: float, site: str | None, since: str | None) -> None:
    """Extract the archived articles again from their saved pages, with each site's
    learned template; a changed title or body is saved as a new revision.

    Prints progress on stderr and a summary (updated / unchanged / failed, with reasons).
    Exits 0 when done, 1 when there is no archive, no saved page matches or every page
    failed, 74 when the archive is locked or damaged, 75 when a crawl of a site is running.
    """
    from newscrawler.cli import open_archive, resolve_sites
    from newscrawler.profiles import scan_profiles
    from newscrawler.runlock import RunLock, RunLockedError, RunLockError

    with open_archive(db_path, timeout=timeout) as store:
        pages = _pages(store, site, since)
        if not pages:
            sites = [r[0] for r in store.conn.execute(
                "SELECT DISTINCT a.site FROM raw_pages r JOIN articles a ON a.id = r.article_id "
                "ORDER BY a.site")]
            scope = "".join((f" of site {site!r}" if site else "",
                             f" fetched since {since}" if since else ""))
            known = f"; sites with saved pages: {', '.join(sites)}" if sites else (
                "; crawls keep them (ARCHIVE_RAW_PAGES), `newscrawler import` too")
            click.echo(f"Error: no saved article pages{scope} in {db_path}{known}", err=True)
            sys.exit(exitcodes.FAILED)
        known_profiles, broken = scan_profiles()
        names = sorted({s for _, s, _ in pages})
        profiles = {n: resolve_sites([n])[0] for n in names if n in known_profiles or n in broken}
        locks = []
        try:
            for name in names:
                locks.append(RunLock(db_path, name, advice="wait for it to finish, then run "
                                     "reextract again").acquire())
        except RunLockError as exc:
            for lock in locks:
                lock.release()
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exitcodes.LOCKED if isinstance(exc, RunLockedError) else exitcodes.ARCHIVE)
        try:
            counts, failures, learned = _run(store, pages, profiles)
        finally:
            for lock in locks:
                lock.release()
    for url, reason in failures[:MAX_LISTED]:
        click.echo(f"failed {url}: {reason}", err=True)
    if len(failures) > MAX_LISTED:
        click.echo(f"... and {len(failures) - MAX_LISTED} more failed", err=True)
    reasons = Counter(reason for _, reason in failures)
    why = "; ".join(f"{n} {r}" for r, n in reasons.most_common())
    click.echo(f"re-extracted {len(pages)} pages of {db_path}: {counts['updated']} updated, "
               f"{counts['unchanged']} unchanged, {len(failures)} failed"
               + (f" ({why})" if why else "")
               + f"; {learned} template lines known for {len(names)} site(s)")
    if len(failures) == len(pages):
        sys.exit(exitcodes.FAILED)


def _run(store: Any, pages: list[tuple[str, str, int]], profiles: dict[str, Any],
         ) -> tuple[Counter[str], list[tuple[str, str]], int]:
    """Learn each site's template from its pages, then extract and save every page, with
    the crawl's settings (templates, validation, flags, places)."""
    from archive.templates import load_site_templates, save_site_templates
    from newscrawler.offline import article_from_html
    from newscrawler.pipelines.validate import article_flags, problem
    from newscrawler.places.tagger import place_records
    from newscrawler.settings import (
        SPLIT_CREDIT_LINES,
        TEMPLATE_MIN_PAGES,
        TEMPLATE_MIN_SHARE,
        VALIDATE_MIN_BODY_CHARS,
        VALIDATE_MIN_SENTENCE_CHARS,
    )
    from newscrawler.text.templates import TemplateBook

    books: dict[str, Any] = {}
    total = 2 * len(pages)
    done = 0
    last = time.monotonic()

    def progress(step: str) -> None:
        nonlocal done, last
        done += 1
        now = time.monotonic()
        if now - last >= PROGRESS_SECONDS:
            last = now
            click.echo(f"reextract: {step} {done}/{total} pages", err=True)

    for url, site, _ in pages:  # pass 1: learn from the saved pages
        book = books.setdefault(site, TemplateBook(min_pages=TEMPLATE_MIN_PAGES,
                                                   min_share=TEMPLATE_MIN_SHARE))
        raw = store.raw_page(url)
        try:
            article_from_html(raw["body"], url, site=site,
                              fetched_at=_fetched(raw["fetched_at"]), profile=profiles.get(site),
                              credit_lines=SPLIT_CREDIT_LINES, templates=book, learn=True)
        except Exception:  # pass 2 reports this page's failure
            pass
        progress("learning")
    learned = 0
    for site, book in books.items():
        save_site_templates(store, site, book.site_pages, book.rows())
        pages_seen, lines = load_site_templates(store, site)
        books[site] = TemplateBook.from_rows(pages_seen, lines, min_pages=TEMPLATE_MIN_PAGES,
                                             min_share=TEMPLATE_MIN_SHARE)
        learned += len(books[site].templates())

    counts: Counter[str] = Counter()
    failures: list[tuple[str, str]] = []
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        # the archived pages themselves, extracted again: a shorter text is the better
        # extraction, not a cut-down page (``Archive.save_articles``'s ``keep_longer``)
        for status in store.save_articles(batch, keep_longer=False):
            counts[status] += 1
        batch.clear()

    for url, site, article_id in pages:  # pass 2: extract again and save
        raw = store.raw_page(url)
        row = store.conn.execute("SELECT url, fetched_at FROM articles WHERE id = ?",
                                 (article_id,)).fetchone()
        try:
            item = article_from_html(raw["body"], url, site=site,
                                     fetched_at=_fetched(raw["fetched_at"]),
                                     profile=profiles.get(site),
                                     credit_lines=SPLIT_CREDIT_LINES, templates=books[site])
        except Exception as exc:  # a page the extractor cannot read
            failures.append((url, f"extraction failed ({type(exc).__name__}: {exc})"))
            progress("extracting")
            continue
        reason = problem(item, min_body_chars=VALIDATE_MIN_BODY_CHARS,
                         min_sentence_chars=VALIDATE_MIN_SENTENCE_CHARS)
        if reason:
            failures.append((url, f"{reason}; the archived text is kept"))
        else:
            item.flags = article_flags(item, min_body_chars=VALIDATE_MIN_BODY_CHARS)
            profile = profiles.get(site)
            item.places = place_records(item.title, item.body, item.credit,
                                        profile.region if profile else None)
            record = item.record()
            record.update(url=row[0], site=site, fetched_at=row[1] or record["fetched_at"],
                          fetched_url=url if url != row[0] else None)
            batch.append(record)
            if len(batch) >= BATCH:
                flush()
        progress("extracting")
    flush()
    return counts, failures, learned
