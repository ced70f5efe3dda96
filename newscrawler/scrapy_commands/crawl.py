"""``scrapy crawl SITE``: Scrapy's own command, exiting with the crawl's real outcome.

Scrapy's ``crawl`` exits 0 whatever happened once the spider started. This one exits as
``newscrawler crawl`` does (``newscrawler.exitcodes``): 69 blocked, 74 archive error, 75
another crawl of the site is running, 130/143 interrupted, 1 failed, 0 success; Scrapyd and
cron jobs that call ``scrapy crawl`` read the same codes.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawler.outcome import crawl_outcome


class Command(ScrapyCrawlCommand):
    """Scrapy's ``crawl``; the exit code says how the crawl ended."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("run one spider: scrapy crawl SITE" if args else None)
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        self.exitcode = crawl_outcome(stats, stats.get("finish_reason")).code
