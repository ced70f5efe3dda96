"""Feed and sitemap dates shared by the workers of a run.

The spider keeps the date a feed or sitemap gave an article URL until that article is
fetched (``NewsSpider._dates``); in a distributed run another worker may fetch it, so the
worker extension swaps that dict for :class:`SharedDates`, a Redis hash per site with the
same two operations the spider uses.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import redis

from newscrawler.distributed import keys
from newscrawler.distributed.connection import retrying
from newscrawler.text.dates import DateCandidate


class _Appender:
    """What ``setdefault(url, [])`` returns: ``append`` adds the date in Redis."""

    def __init__(self, owner: SharedDates, url: str) -> None:
        self.owner = owner
        self.url = url

    def append(self, candidate: DateCandidate) -> None:
        key, value = self.owner.key(self.url), json.dumps(asdict(candidate))

        def push() -> None:
            pipe = self.owner.server.pipeline()
            pipe.rpush(key, value)
            pipe.expire(key, 7 * 86400)
            pipe.execute()

        retrying(push, what="Redis (feed dates)")


class SharedDates:
    """``setdefault(url, []).append(candidate)`` and ``pop(url, ())``, kept in Redis."""

    def __init__(self, server: redis.Redis, site: str) -> None:
        self.server = server
        self.site = site

    def key(self, url: str) -> str:
        """One list per article URL."""
        return f"{keys.PREFIX}:{self.site}:dates:{url}"

    def setdefault(self, url: str, _default: Any = None) -> _Appender:
        return _Appender(self, url)

    def pop(self, url: str, default: Any = ()) -> list[DateCandidate] | Any:
        """The dates kept for ``url``. Read, not removed: a retry after a reply lost in a
        Redis restart must find them again; a new run clears them (``runlock.start``)."""
        found = retrying(lambda: self.server.lrange(self.key(url), 0, -1),
                         what="Redis (feed dates)")
        if not found:
            return default
        unique = list(dict.fromkeys(found))  # an append retried after a lost reply
        return [DateCandidate(**json.loads(raw)) for raw in unique]
