"""Site profiles: everything newscrawler knows about one site, kept as data.

A profile is a TOML file in ``newscrawler/sites/`` (or a folder named by the
``NEWSCRAWLER_SITES_DIR`` setting / environment variable). The generic spider reads
it; no site gets code of its own.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

SITES_DIR = Path(__file__).with_name("sites")


class UnknownSiteError(LookupError):
    """Raised for a site name that has no profile."""


@dataclass(frozen=True)
class Selectors:
    """CSS selectors for one site; every one is optional (the generic extractor fills gaps)."""

    title: str | None = None
    date: str | None = None
    body: str | None = None
    headlines: str | None = None
    author: str | None = None
    category: str | None = None
    tags: str | None = None


@dataclass(frozen=True)
class SiteProfile:
    """What the generic spider needs to know about one site."""

    name: str
    title: str
    base_url: str
    article_pattern: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    listing_links: str | None = None
    listing_next: str | None = None
    credit: tuple[str, ...] = ()
    selectors: Selectors = field(default_factory=Selectors)
    language: str = "tr"
    download_delay: float | None = None
    source: str = ""

    @property
    def domain(self) -> str:
        """The host name of ``base_url``, without a leading ``www.``."""
        host = urlsplit(self.base_url).hostname or ""
        return host.removeprefix("www.")

    def absolute(self, url: str) -> str:
        """Resolve ``url`` against the site's base URL."""
        return urljoin(self.base_url, url)

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` looks like one of this site's article pages.

        >>> p = SiteProfile("x", "X", "https://www.hibya.com/", r"^/[a-z0-9-]+-\\d+$")
        >>> p.is_article_url("https://www.hibya.com/izmirde-stk-bulusmasi-123456")
        True
        >>> p.is_article_url("https://www.hibya.com/kategori/gundem")
        False
        """
        parts = urlsplit(url)
        return bool(re.search(self.article_pattern, parts.path))

    def with_base_url(self, base_url: str) -> SiteProfile:
        """The same profile pointed at another host (the demo serves the sample on a free port)."""
        from dataclasses import replace

        return replace(self, base_url=base_url.rstrip("/") + "/")


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


def load_profile(path: Path) -> SiteProfile:
    """Read one profile from a TOML file; errors name the file and the missing key."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    try:
        name = data.get("name", path.stem)
        base_url = data["base_url"].rstrip("/") + "/"
        pattern = data["article_pattern"]
    except KeyError as exc:
        raise ValueError(f"{path}: site profile lacks the key {exc.args[0]!r}") from exc
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{path}: article_pattern is not a valid regex: {exc}") from exc
    sel = data.get("selectors", {})
    unknown = set(sel) - set(Selectors.__dataclass_fields__)
    if unknown:
        raise ValueError(f"{path}: unknown selectors {sorted(unknown)}")
    discovery = data.get("discovery", {})
    return SiteProfile(
        name=name,
        title=data.get("title", name),
        base_url=base_url,
        article_pattern=pattern,
        feeds=_as_tuple(discovery.get("feeds")),
        sitemaps=_as_tuple(discovery.get("sitemaps")),
        listings=_as_tuple(discovery.get("listings")),
        listing_links=discovery.get("listing_links"),
        listing_next=discovery.get("listing_next"),
        credit=_as_tuple(data.get("credit")),
        selectors=Selectors(**sel),
        language=data.get("language", "tr"),
        download_delay=data.get("download_delay"),
        source=str(path),
    )


def sites_dirs(extra: str | os.PathLike[str] | None = None) -> list[Path]:
    """Folders searched for profiles: an extra one (setting or env) first, then the bundled one."""
    dirs: list[Path] = []
    for candidate in (extra, os.environ.get("NEWSCRAWLER_SITES_DIR")):
        if candidate:
            dirs.append(Path(candidate))
    dirs.append(SITES_DIR)
    return dirs


def all_profiles(extra: str | os.PathLike[str] | None = None) -> dict[str, SiteProfile]:
    """Every known profile by name; a profile in an earlier folder wins."""
    found: dict[str, SiteProfile] = {}
    for folder in reversed(sites_dirs(extra)):
        for path in sorted(folder.glob("*.toml")):
            profile = load_profile(path)
            found[profile.name] = profile
    return dict(sorted(found.items()))


def get_profile(name: str, extra: str | os.PathLike[str] | None = None) -> SiteProfile:
    """The profile called ``name``, or an error that lists the known ones."""
    profiles = all_profiles(extra)
    try:
        return profiles[name]
    except KeyError:
        known = ", ".join(profiles) or "none"
        raise UnknownSiteError(
            f"unknown site {name!r}; known sites: {known}. "
            "Run `newscrawler sites` to list them, or add a profile in NEWSCRAWLER_SITES_DIR."
        ) from None
