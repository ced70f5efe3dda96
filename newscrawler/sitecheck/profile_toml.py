"""A new site profile as TOML text, in the layout of ``newscrawler/sites/*.toml``, checked by
``newscrawler.profiles.parse_profile`` before it is written."""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from newscrawler.profiles import SiteProfile, parse_profile


def toml_string(value: str) -> str:
    """``value`` as a TOML string: literal (single quotes) when it can be, else basic.

    >>> toml_string(r"^/\\d+$"), toml_string("Ege'nin sesi")
    ("'^/\\\\d+$'", '"Ege\\'nin sesi"')
    """
    if "'" not in value and "\n" not in value and "\\" in value:
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


def toml_list(values: list[str]) -> str:
    """A TOML array of strings on one line."""
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def relative(url: str, base_url: str) -> str:
    """``url`` as a path when it is on ``base_url``'s origin, else as it is.

    >>> relative("http://x.org/feed/", "http://x.org/"), relative("http://y.org/a", "http://x.org/")
    ('/feed/', 'http://y.org/a')
    """
    a, b = urlsplit(url), urlsplit(base_url)
    if (a.scheme, a.netloc) == (b.scheme, b.netloc):
        return a.path + (f"?{a.query}" if a.query else "")
    return url


def default_name(base_url: str) -> str:
    """A profile name from a site's host: its first label, or the host for an IP address.

    >>> default_name("https://www.egemanset.com.tr/"), default_name("http://127.0.0.1:8123/")
    ('egemanset', '127-0-0-1-8123')
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or "site").removeprefix("www.")
    if re.fullmatch(r"[\d.]+|[0-9a-f:]+", host):
        return re.sub(r"[^0-9a-z]+", "-", f"{host}-{parts.port or ''}").strip("-")
    return host.split(".")[0]


def profile_text(*, name: str, title: str, base_url: str, pattern: str, feeds: list[str],
                 sitemaps: list[str], delay: float | None, command: str) -> str:
    """The TOML of a new profile."""
    lines = [
        f"# {title}: written by `{command}` on "
        f"{datetime.now(UTC).date().isoformat()}.",
        "# Check it with `newscrawler check-site " + name + "`; edit freely (see the README).",
        f"name = {toml_string(name)}",
        f"title = {toml_string(title)}",
        f"base_url = {toml_string(base_url)}",
        f"article_pattern = {toml_string(pattern)}",
        'language = "tr"',
    ]
    if delay:
        lines.append(f"download_delay = {delay:g}")
    lines += ["", "[discovery]",
              f"feeds = {toml_list([relative(f, base_url) for f in feeds])}",
              f"sitemaps = {toml_list([relative(s, base_url) for s in sitemaps])}",
              'listings = ["/"]', "", "[selectors]", ""]
    return "\n".join(lines)


def write_profile(text: str, path: Path) -> SiteProfile:
    """Check ``text`` as a profile, then write it to ``path`` atomically (temp file, rename)."""
    profile = parse_profile(text, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp makes it 0600: a profile is read by whoever crawls (a cron user), as a
        # file written by an editor would be (0666 less the umask)
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return profile
