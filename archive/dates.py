"""Publication dates as every export writes them: the day, the time when known, and UTC.

Its own module, importing only ``datetime``: ``newscrawler search --format csv`` writes
its dates with it without importing the export package (goal 3a of #11).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["date_columns", "parse_time", "utc", "with_date_columns"]


def parse_time(value: str) -> datetime | None:
    """An ISO 8601 date or time, or None when it is not one."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def utc(value: str | None) -> str:
    """An ISO 8601 time with an offset as UTC ending in ``Z``; ``""`` without a known time.

    >>> utc("2025-11-16T10:05:00+03:00")
    '2025-11-16T07:05:00Z'
    >>> utc("2025-11-16"), utc(None), utc("dün")
    ('', '', '')
    """
    moment = parse_time(value) if value and len(value) > 10 else None
    if moment is None or moment.tzinfo is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def date_columns(prefix: str, value: str | None) -> dict[str, str]:
    """``<prefix>_date`` (the day, whenever known), ``<prefix>_at`` (ISO 8601 with its
    offset, only when the time is known) and ``<prefix>_at_utc`` (the same time in UTC).

    >>> date_columns("published", "2025-11-16T10:05:30.5+03:00")
    {'published_date': '2025-11-16', 'published_at': '2025-11-16T10:05:30+03:00', \
'published_at_utc': '2025-11-16T07:05:30Z'}
    >>> date_columns("published", "2025-11-16")
    {'published_date': '2025-11-16', 'published_at': '', 'published_at_utc': ''}
    """
    day = at = ""
    if value:
        try:
            day = date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            day = ""
        moment = parse_time(value) if len(value) > 10 else None
        if moment is not None and moment.tzinfo is not None:
            day, at = moment.date().isoformat(), moment.isoformat(timespec="seconds")
    return {f"{prefix}_date": day, f"{prefix}_at": at, f"{prefix}_at_utc": utc(value)}


def with_date_columns(record: dict[str, Any], key: str = "published_at") -> dict[str, Any]:
    """``record`` with its ``<prefix>_at`` value ``key`` replaced, in place, by the three
    columns of :func:`date_columns` (``search`` and ``stories`` write dates as ``export``).

    >>> with_date_columns({"url": "u", "published_at": "2025-11-16", "site": "s"})
    {'url': 'u', 'published_date': '2025-11-16', 'published_at': '', 'published_at_utc': '', \
'site': 's'}
    """
    out: dict[str, Any] = {}
    for name, value in record.items():
        if name == key:
            out.update(date_columns(key.removesuffix("_at"), value))
        else:
            out[name] = value
    return out
