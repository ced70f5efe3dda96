"""Scrapy settings for newscrawler.

Every newscrawler setting is defined here, once, with what it does; the README's
settings table lists the same names (a test checks that they agree). Override any of
them with ``-s NAME=VALUE`` (``scrapy crawl``) or ``--set NAME=VALUE`` (``newscrawler crawl``).
"""

import os

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["newscrawler.spiders"]
NEWSPIDER_MODULE = "newscrawler.spiders"

# --- newscrawler settings -------------------------------------------------------------

# Path of the SQLite archive. Default: $NEWSCRAWLER_DB, else news.db in the working folder.
ARCHIVE_DB = os.environ.get("NEWSCRAWLER_DB", "news.db")
# Articles written per transaction (a commit per item is 6-20x slower in SQLite).
ARCHIVE_BATCH_SIZE = 100
# Seconds after which a partly filled batch is written anyway (bounds loss on a hard kill).
ARCHIVE_FLUSH_SECONDS = 5.0
# Keep the fetched HTML (zlib-compressed) so articles can be re-extracted later.
ARCHIVE_RAW_PAGES = True
# Seconds to wait for a database locked by another process before giving up.
ARCHIVE_TIMEOUT = 30.0

# Extra folder with site profiles (*.toml); bundled profiles are always available.
NEWSCRAWLER_SITES_DIR = os.environ.get("NEWSCRAWLER_SITES_DIR", "")
# Stop after this many articles reached the archive (0: no limit).
NEWSCRAWLER_MAX_ARTICLES = 0
# Only articles published on or after this day (YYYY-MM-DD); feed and sitemap entries
# dated earlier are not even fetched; undated articles are kept. Empty: no limit.
NEWSCRAWLER_SINCE = ""
# Do not re-fetch article URLs that the archive already holds (feeds are still read).
NEWSCRAWLER_ONLY_NEW = False
# Follow article links found on article pages (trailing headline lists).
NEWSCRAWLER_FOLLOW_ARTICLE_LINKS = True
# How many pages of one listing to follow through its "next" links.
NEWSCRAWLER_MAX_LISTING_PAGES = 20
# Credit lines recognised for every site, besides each profile's own.
SPLIT_CREDIT_LINES = [
    "Hibya Haber Ajansı", "Anadolu Ajansı", "İhlas Haber Ajansı", "DHA", "İHA", "AA",
]
# Articles whose cleaned body is shorter than this many characters are dropped.
VALIDATE_MIN_BODY_CHARS = 150
# Drop a second article with the same text within one crawl (syndicated copies on other
# sites are kept: they are data).
DEDUPE_CONTENT = True
# Seconds between progress lines on stderr (0: no progress lines).
PROGRESS_INTERVAL = 5.0

ITEM_PIPELINES = {
    "newscrawler.pipelines.clean.CleanTextPipeline": 100,
    "newscrawler.pipelines.split.SplitHeadlinesPipeline": 200,
    "newscrawler.pipelines.dates.DatesPipeline": 300,
    "newscrawler.pipelines.validate.ValidatePipeline": 400,
    "newscrawler.pipelines.dedupe.DedupePipeline": 500,
    "newscrawler.pipelines.archive.ArchivePipeline": 600,
}
EXTENSIONS = {
    "newscrawler.extensions.progress.ProgressExtension": 500,
    "newscrawler.extensions.shutdown.ShutdownExtension": 510,
}
# SIGINT, SIGTERM and SIGHUP stop a crawl with its last batch written and the run recorded
# `killed`, even on a second signal (False: Scrapy's own handlers).
SHUTDOWN_SIGNALS = True

# --- Scrapy settings chosen for news sites ----------------------------------------------

USER_AGENT = "newscrawler/0.1 (+https://github.com/newscrawler/newscrawler; research archive)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# Scrapy's default of 8 per domain caps a one-site crawl; news sites are one domain.
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0.0
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
AUTOTHROTTLE_ENABLED = False
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
