"""``newscrawler add-site URL``: probe a new site, report how well it extracts, write its
profile into the user's sites folder (``$NEWSCRAWLER_SITES_DIR``, or ``--sites-dir``).

``cli.py`` wires :func:`add_site` with :func:`add_site_options`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from newscrawler import exitcodes

#: Article pages fetched and extracted for the report, unless ``--sample`` says otherwise.
DEFAULT_SAMPLE = 10


class ProbeFailed(click.ClickException):
    """A probe error reaching the user: one line and its own exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.__dict__["exit_code"] = code


def probe_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by add-site and check-site: sample size, delay, HTTP timeout."""
    func = click.option("--http-timeout", type=click.FloatRange(min=0.1, max=600),
                        default=15.0, show_default=True,
                        help="Seconds to wait for each page.")(func)
    func = click.option("--delay", type=click.FloatRange(min=0, max=60), default=None,
                        help="Seconds between requests (default 1, none on 127.0.0.1; "
                        "robots.txt Crawl-delay wins when longer).")(func)
    return click.option("--sample", "sample_size", type=click.IntRange(1, 100),
                        default=DEFAULT_SAMPLE, show_default=True,
                        help="Article pages to fetch and extract.")(func)


def add_site_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The arguments and options of add-site."""
    func = probe_options(func)
    func = click.option("--force", is_flag=True,
                        help="Replace an existing profile of the same name.")(func)
    func = click.option("--sites-dir", type=click.Path(file_okay=False, path_type=Path),
                        default=None, help="Folder to write the profile into (default: "
                        "$NEWSCRAWLER_SITES_DIR, where crawl reads your profiles).")(func)
    func = click.option("--name", help="The profile's name (default: from the host, "
                        "e.g. egemanset for www.egemanset.com.tr).")(func)
    return click.argument("url")(func)


def _target(url: str, name: str | None, sites_dir: Path | None, force: bool) -> tuple[str, Path]:
    """The profile name and file to write, or a one-line usage error (exit 2)."""
    from newscrawler.profiles import _SITE_NAME, scan_profiles
    from newscrawler.sitecheck.profile_toml import default_name

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ProbeFailed(f"{url!r} is not a site address; write it as https://host/",
                          exitcodes.USAGE)
    name = name or default_name(url)
    if not _SITE_NAME.match(name):
        raise ProbeFailed(f"{name!r} cannot name a profile: use letters, digits, '-', '_' "
                          "or '.'", exitcodes.USAGE)
    folder = sites_dir or (Path(os.environ["NEWSCRAWLER_SITES_DIR"])
                           if os.environ.get("NEWSCRAWLER_SITES_DIR") else None)
    if folder is None:
        raise ProbeFailed("no folder for your site profiles: set NEWSCRAWLER_SITES_DIR "
                          "(e.g. export NEWSCRAWLER_SITES_DIR=~/newscrawler-sites; crawl "
                          "reads profiles there) or pass --sites-dir", exitcodes.USAGE)
    path = folder / f"{name}.toml"
    good, broken = scan_profiles(folder)
    existing = good[name].source if name in good else (
        str(broken[name].path) if name in broken else None)
    if path.exists() and existing is None:
        existing = str(path)
    if existing and not force:
        raise ProbeFailed(f"a profile named {name!r} exists ({existing}); pass --force to "
                          "replace it, or --name to choose another name", exitcodes.USAGE)
    if existing and Path(existing).parent.resolve() == folder.resolve():
        path = Path(existing)  # replace that file, never leave two files of one name
    return name, path


def add_site(url: str, name: str | None, sites_dir: Path | None, force: bool,
             sample_size: int, delay: float | None, http_timeout: float) -> None:
    """Probe the site at URL and write its profile.

    Reads robots.txt (its Sitemap lines), the home page's feed links and the usual feed
    and sitemap paths, infers the article URL pattern, fetches a sample of articles
    (robots.txt obeyed, a delay between requests), extracts them and prints a quality
    report, then writes NAME.toml into the sites folder. Exit codes: 0 written, 1 the
    site could not be probed (unreachable, not HTML, no article links, nothing extracts),
    2 bad usage or an existing profile without --force, 69 the site refused us.
    """
    from newscrawler.sitecheck.discover import discover
    from newscrawler.sitecheck.fetch import Fetcher, ProbeError
    from newscrawler.sitecheck.pattern import infer_pattern
    from newscrawler.sitecheck.profile_toml import profile_text, write_profile
    from newscrawler.sitecheck.quality import pick_sample, report_lines, take_sample

    name, path = _target(url, name, sites_dir, force)
    if not urlsplit(url).path:
        url += "/"
    fetcher = Fetcher(origin=url, timeout=http_timeout, delay=delay)
    try:
        found = discover(fetcher, url)
        strong = list(found.entries)
        inferred = infer_pattern(strong if len(strong) >= 3 else strong + found.home_links)
        if inferred is None:
            raise ProbeError(f"no article links found in the feeds, sitemaps or home page of "
                             f"{found.base_url}; is it a news site? Write its profile by hand "
                             "(see the README, 'Site profiles')")
        text = profile_text(name=name, title=found.title, base_url=found.base_url,
                            pattern=inferred.pattern, feeds=list(found.feeds),
                            sitemaps=list(found.sitemaps),
                            delay=fetcher.robots_delay,
                            command=f"newscrawler add-site {url}")
        from newscrawler.profiles import parse_profile

        profile = parse_profile(text, path)
        urls = pick_sample([*found.entries, *found.home_links], profile, sample_size)
        sample = take_sample(fetcher, urls, profile, found.entries)
    except ProbeError as exc:
        raise ProbeFailed(str(exc), exc.code) from None
    lines = [f"site:          {found.title} <{found.base_url}>",
             f"robots.txt:    {len(fetcher.sitemaps_in_robots)} Sitemap line(s)"
             + (f", crawl delay {fetcher.delay:g} s" if fetcher.delay else "")]
    for label, table in (("feed", found.feeds), ("sitemap", found.sitemaps)):
        for found_url, n in table.items():
            lines.append(f"{label + ':':<15}{found_url} ({n} URLs; from "
                         f"{found.found_by[found_url]})")
    if not found.feeds and not found.sitemaps:
        lines.append("no feed or sitemap found: the profile reads the home page only")
    article_links = sum(1 for u in found.home_links if profile.is_article_url(u))
    lines.append(f"article URLs:  {inferred.pattern}")
    lines.append(f"               matches {inferred.matched} of {inferred.links} links "
                 f"looked at; {article_links} article links on the home page")
    lines += report_lines(sample)
    click.echo("\n".join(lines))
    refused = sample.refused()
    if refused:
        raise ProbeFailed(f"{refused}; profile not written", exitcodes.BLOCKED)
    if not sample.count("articles"):
        raise ProbeFailed(f"none of the {len(urls)} sampled pages extracts as an article; "
                          f"profile not written (try `newscrawler extract` on one of them)",
                          exitcodes.FAILED)
    write_profile(text, path)
    click.echo(f"profile:       {path}")
    env = os.environ.get("NEWSCRAWLER_SITES_DIR")
    prefix = "" if env and Path(env).resolve() == path.parent.resolve() else \
        f"NEWSCRAWLER_SITES_DIR={path.parent} "
    click.echo(f"next:          {prefix}newscrawler crawl {name}")
    sys.stdout.flush()
