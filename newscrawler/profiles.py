"""Site profiles: everything newscrawler knows about one site, kept as data.

A profile is a TOML file in ``newscrawler/sites/`` (or a folder named by the
``NEWSCRAWLER_SITES_DIR`` setting / environment variable). The generic spider reads
it; no site gets code of its own.

``article_pattern`` is a regex searched in an article URL's path (``/haber/kres-1``), or,
when it contains an escaped question mark ``\\?``, in its path and query string
(``'^/news\\.php\\?id=\\d+$'`` for ``/news.php?id=101``; ``'^/\\?p=\\d+$'`` for
WordPress without permalinks). The query is matched as the archive keys the URL: tracking
parameters (``utm_*``, ``fbclid``, ``gclid``...; see ``newscrawler.urls``) removed, the
others in the site's order, so ``?id=101&utm_source=x`` is the article ``?id=101``.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from newscrawler.urls import canonical_query

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
    region: str | None = None  # the outlet's home province: weak default place (#10)
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
        >>> q = SiteProfile("x", "X", "http://x.org/", r"^/news\\.php\\?id=\\d+$")
        >>> q.is_article_url("http://x.org/news.php?id=101&utm_source=x")
        True
        >>> q.is_article_url("http://x.org/kategori.php?id=3")
        False
        """
        return bool(re.search(self.article_pattern, article_target(url, self.article_pattern)))

    def with_base_url(self, base_url: str) -> SiteProfile:
        """The same profile pointed at another host (the demo serves the sample on a free port)."""
        from dataclasses import replace

        return replace(self, base_url=base_url.rstrip("/") + "/")


def matches_query(pattern: str) -> bool:
    """Whether an article pattern is meant for the path and query (it has ``\\?``).

    >>> matches_query(r"^/news\\.php\\?id=\\d+$"), matches_query(r"^/[a-z-]+-\\d+/?$")
    (True, False)
    """
    return "\\?" in pattern


def article_target(url: str, pattern: str) -> str:
    """What ``pattern`` is searched in: the URL's path, or for a pattern with ``\\?`` its
    path, ``?`` and query without tracking parameters (nothing after the path when none is
    left).

    >>> article_target("http://x.org/index.php?page=haber&gclid=1&id=77#yorum", r"\\?id=")
    '/index.php?page=haber&id=77'
    >>> article_target("http://x.org/a-1?id=2", r"^/a-\\d+$")
    '/a-1'
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if not matches_query(pattern):
        return path
    query = canonical_query(parts.query)
    return f"{path}?{query}" if query else path


# Keys of the ``[discovery]`` table; every other SiteProfile field (but ``selectors`` and
# ``source``) is a top-level key. A new key is one new field of SiteProfile (or Selectors):
# its annotation says how the TOML value is checked (see _CHECKS).
DISCOVERY_KEYS = ("feeds", "sitemaps", "listings", "listing_links", "listing_next")
_NOT_KEYS = ("selectors", "source")
TOP_KEYS = tuple(k for k in SiteProfile.__dataclass_fields__
                 if k not in DISCOVERY_KEYS and k not in _NOT_KEYS)
SELECTOR_KEYS = tuple(Selectors.__dataclass_fields__)
REQUIRED_KEYS = ("base_url", "article_pattern")
_CSS_KEYS = frozenset({"listing_links", "listing_next"})  # and every key of [selectors]
_SITE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_TOML_AT = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)\s*$")


class ProfileError(ValueError):
    """A profile file that cannot be used: which file, which line, what is wrong."""

    def __init__(self, path: Path, problem: str, *, line: int | None = None,
                 name: str | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        self.name = name or path.stem
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


class _Bad(ValueError):
    """One value of a profile that does not fit its key (the message is the problem)."""


def _text(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{key} must be a string, got {_shown(value)}")
    return value


def _texts(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(f"{key} must be a list of strings, got {_shown(value)}")
    return tuple(value)


def _number(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            0 <= value < float("inf")):
        raise _Bad(f"{key} must be a number ≥ 0, got {_shown(value)}")
    return float(value)


def _flag(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"{key} must be true or false, got {_shown(value)}")
    return value


# How a TOML value is checked, by the annotation of its SiteProfile/Selectors field.
_CHECKS = {
    "str": _text, "str | None": _text,
    "tuple[str, ...]": _texts,
    "float": _number, "float | None": _number,
    "bool": _flag, "bool | None": _flag,
}


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _checked(key: str, annotation: str, value: object, *, css: bool = False) -> object:
    """``value`` checked against its field's type, then against what the key means."""
    checked = _CHECKS[annotation](key, value)
    if key == "name" and not _SITE_NAME.match(str(checked)):
        raise _Bad(f"name must be letters, digits, '-', '_' or '.', got {_shown(value)}")
    if key == "base_url":
        parts = urlsplit(str(checked))
        if parts.scheme not in ("http", "https") or not parts.hostname or " " in str(checked):
            raise _Bad(f"base_url must be an http:// or https:// URL, got {_shown(value)}")
        return str(checked).rstrip("/") + "/"
    if key == "region":  # any case or ASCII spelling, kept as the official name
        from newscrawler.places.gazetteer import resolve_place

        provinces = [p for p, district in resolve_place(str(checked)) if district is None]
        if not provinces:
            raise _Bad(f"region must be a province name (e.g. \"İzmir\", \"izmir\", "
                       f"\"Şanlıurfa\"), got {_shown(value)}")
        return provinces[0]
    if key == "article_pattern":
        if not str(checked).strip():
            raise _Bad("article_pattern is empty: it would take every page of the site for "
                       "an article; write a regex an article URL's path matches, e.g. "
                       "'^/haber/[a-z0-9-]+-\\d+$'")
        try:
            re.compile(str(checked))
        except re.error as exc:
            raise _Bad(f"article_pattern is not a valid regex: {exc}") from None
    if css and checked:
        from newscrawler.extract.dom import css_to_xpath

        try:
            css_to_xpath(str(checked))
        except Exception as exc:  # cssselect raises several kinds of error
            raise _Bad(f"{key} is not a valid CSS selector: {exc}") from None
    return checked


def _line_of(text: str, table: str | None, key: str) -> int | None:
    r"""The line where ``key`` is set in ``table`` (None: top level) of TOML ``text``.

    >>> _line_of('name = "x"\n[discovery]\nsitemap = []\n', "discovery", "sitemap")
    3
    """
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1).strip('"')
            if table is None and current == key:
                return number
            continue
        if current == table and re.match(rf"^[\"']?{re.escape(key)}[\"']?\s*=", stripped):
            return number
    return None


def _fields(cls: Any, table: str | None, got: dict[str, object], known: tuple[str, ...],
            text: str) -> dict[str, object]:
    """The checked values of one TOML table for the dataclass ``cls``."""
    where = f"[{table}]" if table else "top-level"
    out: dict[str, object] = {}
    for key, value in got.items():
        if key not in known:
            raise _Bad(f"unknown {where} key {key!r}; known keys: {', '.join(known)}",
                       _line_of(text, table, key))
        try:
            out[key] = _checked(key, str(cls.__dataclass_fields__[key].type), value,
                                css=cls is Selectors or key in _CSS_KEYS)
        except _Bad as exc:
            raise _Bad(str(exc), _line_of(text, table, key)) from None
    return out


def _table(data: dict[str, object], name: str, text: str) -> dict[str, object]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise _Bad(f"{name} must be a table ([{name}]), got {_shown(value)}",
                   _line_of(text, None, name))
    return value


def parse_profile(text: str, path: Path) -> SiteProfile:
    """A profile from TOML ``text``; every key checked; ProfileError says where and why."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))
        line = int(at.group(1)) if at and at.group(1) else len(text.splitlines()) or 1
        raise ProfileError(path, f"not valid TOML: {_TOML_AT.sub('', str(exc))}",
                           line=line) from None
    name = data.get("name") if isinstance(data.get("name"), str) else None
    try:
        discovery = _table(data, "discovery", text)
        selectors = _table(data, "selectors", text)
        top = {k: v for k, v in data.items() if k not in ("discovery", "selectors")}
        values = _fields(SiteProfile, None, top, (*TOP_KEYS, "discovery", "selectors"), text)
        values.update(_fields(SiteProfile, "discovery", discovery, DISCOVERY_KEYS, text))
        sel = _fields(Selectors, "selectors", selectors, SELECTOR_KEYS, text)
        for key in REQUIRED_KEYS:
            if key not in values:
                raise _Bad(f"site profile lacks the key {key!r}")
    except _Bad as exc:
        at_line = exc.args[1] if len(exc.args) > 1 else None
        raise ProfileError(path, str(exc.args[0]), line=at_line, name=name) from None
    values.setdefault("name", path.stem)
    values.setdefault("title", values["name"])
    return SiteProfile(**values, selectors=Selectors(**sel),  # type: ignore[arg-type]
                       source=str(path))


def load_profile(path: Path) -> SiteProfile:
    """Read one profile from a TOML file; ProfileError names the file, the line and the
    problem (bad TOML, a missing or unknown key, a value of the wrong type)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ProfileError(path, "not UTF-8 text; save the profile as UTF-8") from None
    except OSError as exc:
        raise ProfileError(path, f"cannot read it ({exc.strerror or exc})") from None
    return parse_profile(text, path)


def sites_dirs(extra: str | os.PathLike[str] | None = None) -> list[Path]:
    """Folders searched for profiles: an extra one (setting or env) first, then the bundled one."""
    dirs: list[Path] = []
    for candidate in (extra, os.environ.get("NEWSCRAWLER_SITES_DIR")):
        if candidate:
            dirs.append(Path(candidate))
    dirs.append(SITES_DIR)
    return dirs


def missing_sites_dir() -> str | None:
    """What is wrong with ``$NEWSCRAWLER_SITES_DIR`` (set, but not a folder), or None."""
    value = os.environ.get("NEWSCRAWLER_SITES_DIR")
    if not value or Path(value).is_dir():
        return None
    what = "is not a folder" if Path(value).exists() else "does not exist"
    return (f"NEWSCRAWLER_SITES_DIR is {value}, which {what}: its profiles are not read; "
            "fix the path (or unset it)")


def scan_profiles(extra: str | os.PathLike[str] | None = None
                  ) -> tuple[dict[str, SiteProfile], dict[str, ProfileError]]:
    """Every profile by name, and every broken one by name (its ``name``, else its file's).

    A profile in an earlier folder wins over one of the same name in a later folder (a user
    folder overrides a bundled profile), broken or not. Two files with the same name in one
    folder are an error naming both; one broken file never hides the other sites.
    """
    good: dict[str, SiteProfile] = {}
    broken: dict[str, ProfileError] = {}
    for folder in reversed(sites_dirs(extra)):
        here: dict[str, SiteProfile] = {}
        here_broken: dict[str, ProfileError] = {}
        for path in sorted(folder.glob("*.toml")):
            try:
                profile = load_profile(path)
            except ProfileError as exc:
                here_broken.setdefault(exc.name, exc)
                continue
            first = here.pop(profile.name, None)
            if first is not None or profile.name in here_broken:
                other = first.source if first is not None else str(here_broken[profile.name].path)
                text = path.read_text(encoding="utf-8")
                here_broken[profile.name] = ProfileError(
                    path, f"two profiles are named {profile.name!r}: {other} and {path}; "
                    "rename one or remove it", line=_line_of(text, None, "name"),
                    name=profile.name)
            else:
                here[profile.name] = profile
        for name, profile in here.items():
            good[name] = profile
            broken.pop(name, None)
        for name, error in here_broken.items():
            broken[name] = error
            good.pop(name, None)
    return dict(sorted(good.items())), dict(sorted(broken.items()))


def all_profiles(extra: str | os.PathLike[str] | None = None) -> dict[str, SiteProfile]:
    """Every usable profile by name; a profile in an earlier folder wins; broken ones are
    left out (see ``profile_problems``)."""
    return scan_profiles(extra)[0]


def profile_problems(extra: str | os.PathLike[str] | None = None) -> list[ProfileError]:
    """The broken profiles: file, line and problem of each, by site name."""
    return list(scan_profiles(extra)[1].values())


def get_profile(name: str, extra: str | os.PathLike[str] | None = None) -> SiteProfile:
    """The profile called ``name``; ProfileError when its file is broken, else an error
    that lists the known ones."""
    profiles, broken = scan_profiles(extra)
    if name in profiles:
        return profiles[name]
    if name in broken:
        raise broken[name]
    known = ", ".join(profiles) or "none"
    missing = missing_sites_dir()
    raise UnknownSiteError(
        f"unknown site {name!r}; known sites: {known}. "
        + (f"{missing}." if missing else
           "Run `newscrawler sites` to list them, or add a profile in NEWSCRAWLER_SITES_DIR.")
    )
