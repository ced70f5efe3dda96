"""``newscrawler check-site SITE``: rerun add-site's quality report for an existing profile
and compare it with the site's articles in the archive, so a cron job notices a template
change (exit 65, ``exitcodes.DEGRADED``).

``cli.py`` wires :func:`check_site` with the shared ``--db``/``--timeout`` options.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import click

from newscrawler import exitcodes
from newscrawler.commands.addsite import ProbeFailed, probe_options


def check_site_options(func: Any) -> Any:
    """The arguments and options of check-site (besides ``--db``/``--timeout``)."""
    return click.argument("site")(probe_options(func))


def _history(db_path: str, timeout: float, site: str) -> dict[str, Any] | None:
    """The archive's per-site figures of ``site`` (``archive.stats``), None when it has none."""
    from archive.errors import QueryError
    from archive.stats import archive_stats
    from newscrawler.cli import open_archive

    with open_archive(db_path, timeout=timeout) as store:
        try:
            rows = archive_stats(store, site=site, runs=0)["sites"]
        except QueryError:
            return None
    return rows[0] if rows else None


def check_site(site: str, db_path: str, timeout: float, sample_size: int,
               delay: float | None, http_timeout: float) -> None:
    """Rerun the quality report of SITE and compare it with its archived articles.

    Fetches the profile's feeds, sitemaps and listings, extracts a sample of articles
    (robots.txt obeyed) and prints the report beside the archive's figures for the site.
    Exit codes: 0 fine (or no history to compare with), 65 quality fell (a share with a
    date, author, headline list or body fell by more than 25 points, the median body
    below 60% of the archive's, or no article URL found: the template or the addresses
    changed), 1 the site or the archive could not be read, 2 unknown site, 69 refused.
    """
    from newscrawler.cli import resolve_sites
    from newscrawler.sitecheck.discover import Discovery, Prober, fetch_home, parse_html
    from newscrawler.sitecheck.fetch import Fetcher, ProbeError
    from newscrawler.sitecheck.quality import (
        MIN_HISTORY,
        compare,
        history_lines,
        pick_sample,
        report_lines,
        take_sample,
    )

    profile = resolve_sites([site])[0]
    history = _history(db_path, timeout, profile.name)
    fetcher = Fetcher(origin=profile.base_url, timeout=http_timeout, delay=delay)
    found = Discovery(base_url=profile.base_url, title=profile.title)
    try:
        fetcher.read_robots()
        fetch_home(fetcher, profile.base_url)  # refused or forbidden: said as add-site says it
        prober = Prober(fetcher, found)
        for feed in profile.feeds:
            prober.feed(profile.absolute(feed), "profile")
        for sitemap in profile.sitemaps:
            prober.sitemap(profile.absolute(sitemap), "profile")
        listed: list[str] = []
        for listing in profile.listings:
            page = fetcher.get(profile.absolute(listing))
            doc = parse_html(page) if page is not None and page.status == 200 else None
            if doc is not None and page is not None:
                listed += [urljoin(page.url, h) for h in doc.xpath("//a/@href")]
        urls = pick_sample([*found.entries, *listed], profile, sample_size)
        if not urls:
            raise ProbeFailed(
                f"no article URL of {profile.name} found in its feeds, sitemaps and listings "
                f"(pattern {profile.article_pattern}); its addresses changed? Run `newscrawler "
                f"add-site {profile.base_url} --name {profile.name} --force` to probe it again",
                exitcodes.DEGRADED)
        sample = take_sample(fetcher, urls, profile, found.entries)
    except ProbeError as exc:
        raise ProbeFailed(str(exc), exc.code) from None
    refused = sample.refused()
    if refused:
        raise ProbeFailed(refused, exitcodes.BLOCKED)
    lines = [f"site:          {profile.title} <{profile.base_url}> ({profile.source})",
             f"discovery:     {len(found.feeds)} feed(s), {len(found.sitemaps)} sitemap(s), "
             f"{len(profile.listings)} listing(s); {len(urls)} article URL(s) sampled"]
    lines += report_lines(sample)
    if history is None or history["articles"] < MIN_HISTORY:
        held = history["articles"] if history else 0
        lines.append(f"archive:       {held} article(s) of {profile.name} in {db_path}; "
                     f"at least {MIN_HISTORY} are needed to compare: nothing compared")
        click.echo("\n".join(lines))
        return
    lines += history_lines(sample, history)
    fell = compare(sample, history)
    click.echo("\n".join(lines))
    if fell:
        raise ProbeFailed(f"{profile.name}: extraction quality fell against the archive: "
                          + "; ".join(fell) + ". Has the site's template changed? Try "
                          "`newscrawler extract` on one of its pages and adjust the "
                          "profile's [selectors]", exitcodes.DEGRADED)
    click.echo(f"verdict:       fine: nothing fell against the archive's {history['articles']}"
               " articles")
