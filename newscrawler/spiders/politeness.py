"""Politeness settings a site profile decides: its delay, and AutoThrottle off on loopback."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES

from newscrawler.profiles import SiteProfile


def apply_politeness(settings: Any, profile: SiteProfile) -> None:
    """The profile's delay as DOWNLOAD_DELAY; no AutoThrottle for a loopback origin.

    Settings given on the command line (``--set``, ``-s``) win over both.
    """
    project = SETTINGS_PRIORITIES["project"]
    if profile.download_delay is not None and (
            settings.getpriority("DOWNLOAD_DELAY") or 0) <= project:
        settings.set("DOWNLOAD_DELAY", profile.download_delay, priority="spider")
    if is_loopback(profile.base_url) and (
            settings.getpriority("AUTOTHROTTLE_ENABLED") or 0) <= project:
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")


def is_loopback(url: str) -> bool:
    """Whether ``url`` points at this machine (the sample site, test servers).

    >>> is_loopback("http://127.0.0.1:8765/"), is_loopback("http://localhost/")
    (True, True)
    >>> is_loopback("https://www.hibya.com/"), is_loopback("http://[::1]:80/")
    (False, True)
    """
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
