"""newscrawler's own Scrapy signals (sent with ``crawler.signals.send_catch_log``)."""

from __future__ import annotations

#: The crawl is being stopped at once (a second SIGINT/SIGTERM): components write what they
#: hold and record the run now, because ``spider_closed`` will not come. Argument: ``reason``.
force_stop = object()
