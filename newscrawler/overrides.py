"""``--set NAME=VALUE``: settings checked by name and by the type of their default.

A value is read as the type of the setting's default in ``newscrawler.settings`` or, for
Scrapy's own settings, ``scrapy.settings.default_settings``: int, float (finite), bool
(true/false, 1/0, yes/no, on/off), list (JSON or comma-separated), dict (JSON). A name
that is neither is refused: a typo in a scheduled job would otherwise be ignored silently.
"""

from __future__ import annotations

import difflib
import json
import math
from typing import Any

#: Settings where 0 makes no sense: at least one request, item or article at a time, and
#: time to do it. Every other number must not be negative, except priorities.
POSITIVE = frozenset({
    "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "CONCURRENT_ITEMS",
    "ARCHIVE_BATCH_SIZE", "ARCHIVE_FLUSH_SECONDS", "DOWNLOAD_TIMEOUT",
})
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class OverrideError(ValueError):
    """A ``--set`` override names an unknown setting or has a value of the wrong type."""


def known_settings() -> dict[str, Any]:
    """Every setting name with its default: newscrawler's over Scrapy's."""
    from scrapy.settings import default_settings

    from newscrawler import settings

    known = {k: getattr(default_settings, k) for k in dir(default_settings) if k.isupper()}
    known.update({k: getattr(settings, k) for k in dir(settings) if k.isupper()})
    return known


def parse_override(text: str, known: dict[str, Any] | None = None) -> tuple[str, Any]:
    """``NAME=VALUE`` as ``(name, typed value)``, or :class:`OverrideError` saying why.

    >>> parse_override("DOWNLOAD_DELAY=0.5")
    ('DOWNLOAD_DELAY', 0.5)
    >>> parse_override("ROBOTSTXT_OBEY=no")
    ('ROBOTSTXT_OBEY', False)
    >>> try:
    ...     parse_override("DOWNLOAD_DELAY=abc")
    ... except OverrideError as exc:
    ...     print(exc)
    DOWNLOAD_DELAY=abc: DOWNLOAD_DELAY takes a number (default 0.0)
    >>> try:
    ...     parse_override("DOWNLOAD_MAXSIZE=-1")
    ... except OverrideError as exc:
    ...     print(exc)
    DOWNLOAD_MAXSIZE=-1: DOWNLOAD_MAXSIZE must not be negative (default 16777216)
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise OverrideError(f"{text!r}: write it as NAME=VALUE")
    known = known_settings() if known is None else known
    if name not in known:
        close = difflib.get_close_matches(name, list(known), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise OverrideError(f"{name} is not a newscrawler or Scrapy setting{hint} "
                            "(see the README's settings table)")
    default = known[name]
    try:
        typed = convert(value, default)
    except ValueError as exc:
        raise OverrideError(f"{name}={value}: {name} takes {exc} (default {default!r})") from None
    if isinstance(typed, int | float) and not isinstance(typed, bool):
        if name in POSITIVE and typed <= 0:
            raise OverrideError(f"{name}={value}: {name} must be above 0 (default {default!r})")
        if typed < 0 and "PRIORITY" not in name:
            raise OverrideError(f"{name}={value}: {name} must not be negative "
                                f"(default {default!r})")
    return name, typed


def convert(value: str, default: Any) -> Any:
    """``value`` as the type of ``default``; ``ValueError`` names the type wanted.

    >>> convert("3", 16), convert("2.5", 1.0), convert("[1, 2]", []), convert("a,b", [])
    (3, 2.5, [1, 2], ['a', 'b'])
    >>> convert("Auto", "auto"), convert("0", "auto")
    ('auto', 0)
    """
    text = value.strip()
    if default == "auto":  # EXTRACT_WORKERS: auto or a number
        if text.lower() == "auto":
            return "auto"
        try:
            return int(text)
        except ValueError:
            raise ValueError("auto or a whole number") from None
    if isinstance(default, bool):
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError("true or false")
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError:
            pass  # Scrapy reads an int setting with int(float): 7.5 is a fine timeout
    if isinstance(default, int | float):
        try:
            number = float(text)
        except ValueError:
            raise ValueError("a number") from None
        if not math.isfinite(number):
            raise ValueError("a finite number")
        return number
    if isinstance(default, list | tuple):
        if text.startswith("["):
            parsed = _json(text, "a JSON list")
            if not isinstance(parsed, list):
                raise ValueError("a JSON list")
            return parsed
        return [part.strip() for part in text.split(",") if part.strip()]
    if isinstance(default, dict):
        parsed = _json(text or "{}", "a JSON object")
        if not isinstance(parsed, dict):
            raise ValueError("a JSON object")
        return parsed
    return value


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ValueError(what) from None
