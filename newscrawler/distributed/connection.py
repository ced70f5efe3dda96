"""Connecting to Redis, and riding out a Redis restart with backoff (tenacity)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import redis
from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_delay,
    wait_exponential,
)

logger = logging.getLogger(__name__)
R = TypeVar("R")

#: What a Redis restart looks like to the client.
TRANSIENT = (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError)


class RedisUnavailable(RuntimeError):
    """Redis could not be reached for longer than the retry window."""


def connect(url: str) -> redis.Redis:
    """A client for ``url`` (``redis://HOST:PORT/DB``); raises ValueError on a bad URL."""
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=5,
                                health_check_interval=10)


#: Seconds :func:`retrying` keeps trying by default (``REDIS_RETRY_SECONDS``).
RETRY_SECONDS = [120.0]


def configure(seconds: float) -> None:
    """Set the default retry window of this process."""
    RETRY_SECONDS[0] = seconds


def retrying(work: Callable[[], R], *, seconds: float | None = None, what: str = "Redis") -> R:
    """Run ``work``; while Redis is unreachable retry with exponential backoff up to ``seconds``
    (default ``REDIS_RETRY_SECONDS``)."""
    seconds = RETRY_SECONDS[0] if seconds is None else seconds

    def warn(state: object) -> None:
        attempt = int(getattr(state, "attempt_number", 1))
        if attempt == 1 or attempt % 20 == 0:  # said once, then about every 40 s
            logger.warning("%s unreachable, retrying for up to %g s (attempt %d)", what,
                           seconds, attempt)

    try:
        for attempt in Retrying(retry=retry_if_exception_type(TRANSIENT),
                                wait=wait_exponential(multiplier=0.1, max=2.0),
                                stop=stop_after_delay(seconds), before_sleep=warn,
                                reraise=True):
            with attempt:
                return work()
    except TRANSIENT as exc:
        raise RedisUnavailable(f"{what} unreachable for {seconds:g} s ({exc}); start it or "
                               "check the --redis URL") from None
    raise AssertionError("unreachable")  # pragma: no cover
