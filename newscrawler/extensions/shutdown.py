"""ShutdownExtension: SIGINT, SIGTERM and SIGHUP stop a crawl without losing what it fetched.

Scrapy's own handlers stop gracefully on the first signal but, on a second one, stop the
reactor at once: the batch held in memory is lost and the run stays ``running``; SIGHUP
is not handled at all (the process dies without writing). This extension replaces them,
for ``newscrawler crawl`` and ``scrapy crawl`` alike, once the reactor runs:

- first signal: the signal's name goes to the stats (``shutdown/signal``) and every crawl
  in the process stops gracefully (close reason ``shutdown``): in-flight pages are
  finished, the last batch is written, the run is recorded ``killed``;
- second signal: every crawl is stopped at once, but first the
  :data:`newscrawler.signals.force_stop` signal lets the archive write what it holds and
  record the run ``killed`` (``shutdown/forced`` in the stats); a third signal has the
  system's default effect.

SIGHUP counts as SIGTERM (a closed terminal or ``systemctl reload``/``kill -HUP``).
"""

from __future__ import annotations

import logging
import signal
from types import FrameType
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawler.outcome import SIGNAL_STAT
from newscrawler.signals import force_stop

logger = logging.getLogger(__name__)

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: The extensions of the crawls running in this process (one handler serves them all).
_ACTIVE: list[ShutdownExtension] = []
_received: list[int] = []


class ShutdownExtension:
    """Own the shutdown signals while a crawl runs (``SHUTDOWN_SIGNALS`` False: Scrapy's)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ShutdownExtension:
        if not crawler.settings.getbool("SHUTDOWN_SIGNALS", True):
            raise NotConfigured("SHUTDOWN_SIGNALS is off")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        from twisted.internet import reactor

        # After the reactor's startup triggers, where Scrapy installs its own handlers.
        reactor.callWhenRunning(_install_soon)
        return ext

    def spider_opened(self, spider: Any) -> None:
        if self not in _ACTIVE:
            _ACTIVE.append(self)

    def spider_closed(self, spider: Any) -> None:
        if self in _ACTIVE:
            _ACTIVE.remove(self)

    def mark(self, signum: int, *, forced: bool = False) -> None:
        """Note in the stats which signal stopped the crawl."""
        stats = self.crawler.stats
        if stats is None:
            return
        if stats.get_value(SIGNAL_STAT) is None:
            stats.set_value(SIGNAL_STAT, signal_name(signum))
        if forced:
            stats.set_value("shutdown/forced", True)


def signal_name(signum: int) -> str:
    """The name a signal is reported by; SIGHUP is reported as SIGTERM.

    >>> signal_name(signal.SIGINT), signal_name(signal.SIGHUP)
    ('SIGINT', 'SIGTERM')
    """
    return "SIGINT" if signum == signal.SIGINT else "SIGTERM"


def _install_soon() -> None:
    from twisted.internet import reactor

    clock: Any = reactor  # the installed reactor; its module stub lacks the interfaces
    clock.callLater(0, install)


def install() -> None:
    """Install :func:`handle` for SIGINT, SIGTERM and SIGHUP."""
    for signum in HANDLED:
        signal.signal(signum, handle)


def received() -> int | None:
    """The first shutdown signal this process received, if any."""
    return _received[0] if _received else None


def handle(signum: int, _frame: FrameType | None) -> None:
    """The signal handler: hand the work to the reactor thread (no I/O in a handler)."""
    from twisted.internet import reactor

    _received.append(signum)
    if len(_received) == 1:
        reactor.callFromThread(_graceful, signum)
    else:
        for other in HANDLED:
            signal.signal(other, signal.SIG_DFL)
        reactor.callFromThread(_forced, signum)


def _graceful(signum: int) -> None:
    from scrapy.utils.defer import deferred_from_coro

    logger.warning("received %s: stopping after the pages in flight (send it again to stop "
                   "at once)", signal.Signals(signum).name)
    for ext in list(_ACTIVE):
        ext.mark(signum)
        deferred_from_coro(ext.crawler.stop_async())


def _forced(signum: int) -> None:
    from twisted.internet import reactor

    logger.warning("received %s again: writing what is held and stopping now",
                   signal.Signals(signum).name)
    for ext in list(_ACTIVE):
        ext.mark(signum, forced=True)
        ext.crawler.signals.send_catch_log(signal=force_stop, reason="shutdown")
    _ACTIVE.clear()
    try:
        clock: Any = reactor
        clock.stop()
    except RuntimeError:  # already stopping
        pass
