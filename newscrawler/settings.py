"""Scrapy settings for newscrawler.

Every newscrawler setting is defined here, once, with what it does; the README's
settings table lists the same names (a test checks that they agree). Override any of
them with ``-s NAME=VALUE`` (``scrapy crawl``) or ``--set NAME=VALUE`` (``newscrawler crawl``).
"""

import os

from scrapy.settings import default_settings as _scrapy_defaults

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["newscrawler.spiders"]
NEWSPIDER_MODULE = "newscrawler.spiders"
# `scrapy crawl` exits with the crawl's outcome (69, 74, 75...), as `newscrawler crawl` does.
COMMANDS_MODULE = "newscrawler.scrapy_commands"

# --- newscrawler settings -------------------------------------------------------------

# Path of the SQLite archive. Default: $NEWSCRAWLER_DB, else news.db in the working folder.
ARCHIVE_DB = os.environ.get("NEWSCRAWLER_DB", "news.db")
# Articles written per transaction (a commit per item is 6-20x slower in SQLite).
ARCHIVE_BATCH_SIZE = 100
# ... and a batch is written early once its raw pages hold this many bytes (0: no limit):
# a batch keeps its pages' HTML until written, and up to two more wait for the writer
# thread, so 100 pages of ~100 KB held ~30 MB. Measured on 3,000 ~97 KB pages: peak 234 ->
# 211 MB (the crawl's process 159 -> 135), the same pages/s in 6 alternating pairs. With
# the writer thread (ARCHIVE_WRITER_THREAD), the raw pages are handed to it at this size to be
# compressed and the batch is still written at ARCHIVE_BATCH_SIZE articles, with them
# (newscrawler/pipelines/rawstage.py): batches of ~20 large pages cost the writer ~0.1 ms more
# CPU a page (transactions, commits, full-text segments); the archive is the same.
ARCHIVE_BATCH_BYTES = 2 * 1024 * 1024
# SQLite's page cache of the crawl's archive connection, in MiB (archive/store.py's CACHE_KIB,
# 16 MiB, elsewhere). A crawl writes its raw pages through it (~2 MB a batch of large pages),
# so it filled within ~1,500 pages: 8 MiB measured 12 MB less at the peak of 8,000 ~97 KB
# pages, CPU a page 7.91 and 6.98 ms against 8.15 and 8.18 ms at 16 MiB in alternating runs
# (bench/crawl_memory.py --large --pages 8000). 0: CACHE_KIB.
ARCHIVE_CACHE_MB = 8
# Seconds after which a partly filled batch is written anyway (bounds loss on a hard kill).
ARCHIVE_FLUSH_SECONDS = 5.0
# Keep the fetched HTML (zlib-compressed) so articles can be re-extracted later.
ARCHIVE_RAW_PAGES = True
# Seconds to wait for a database locked by another process before giving up.
ARCHIVE_TIMEOUT = 30.0
# Write batches on a thread of their own while the crawl goes on (SQLite, zlib and numpy
# release the GIL): at most two batches are held; close and Ctrl-C still wait for every write.
# False: write on the crawl's thread, which waits for each batch. None (the default): a thread
# when extraction runs in worker processes (EXTRACT_WORKERS, by default on two CPUs or more).
# In one process the thread measured slower (the reactor and the writer take turns at the
# GIL: 0.35x vs 0.50x a bare spider's pages/s); with a worker, faster.
ARCHIVE_WRITER_THREAD = None

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
# Drop call-to-action boxes and each site's learned template lines from bodies
# (newscrawler.pipelines.template; learned lines are kept in the archive, site_templates).
TEMPLATE_ENABLED = True
# A line is a site's template once seen on at least this many distinct pages of the site ...
TEMPLATE_MIN_PAGES = 5
# ... and on at least this share of the site's counted pages: a box of the site's template sits
# on nearly every page, while a stock sentence ("Olayla ilgili soruşturma başlatıldı.") or the
# closing line of a series of press releases, seen on a fifth of the pages, stays article text.
TEMPLATE_MIN_SHARE = 0.25
# Articles whose cleaned body is shorter than this many characters are kept only when they
# hold VALIDATE_MIN_SENTENCE_CHARS of sentence text and are no "removed"/"not found"
# notice; they are archived with the flag "short" (articles.flags), so research can filter.
VALIDATE_MIN_BODY_CHARS = 150
# Characters of sentence text (sentences of 3+ words) a short body needs to be an article:
# "son dakika" flashes of one or two sentences are; "Foto Galeri" or "1/6" are not.
VALIDATE_MIN_SENTENCE_CHARS = 40
# Drop a second article with the same text within one crawl (syndicated copies on other
# sites are kept: they are data).
DEDUPE_CONTENT = True
# Processes that decode and extract article pages, and clean, split and tag their text ahead
# of the pipelines, beside the crawl's own, so a crawl uses two cores. "auto" (the default):
# 1 when the crawl's process may use two CPUs or more (its CPU affinity), else 0; a number is
# taken as it is; 0 runs everything in the crawl's process (newscrawler/extract/workercount.py).
# A worker is a fresh interpreter (it imports the extractor, never Scrapy; no multiprocessing
# resource tracker), ignores Ctrl-C/SIGTERM (the crawl finishes the pages in flight, then
# stops it) and ends when the crawl's process is gone; a worker that dies is replaced and its
# page extracted in the crawl's process (stats extract/worker_restarts; extract/workers says
# how many ran). Needs the asyncio reactor (Scrapy's default). Measured on 2 cores
# (bench/crawl_bench.py, nginx): 1 worker gave 1.2-1.7x the pages/s of a CPU-bound crawl; a
# worker peaks at ~54 MB (bench/crawl_memory.py: a 20,000-page crawl peaks at 192 MB with it).
EXTRACT_WORKERS = "auto"
# The pipeline steps extraction workers run ahead of the pipelines (with EXTRACT_WORKERS > 0):
# clean, split, places, template (call-to-action lines, line hashes), block (block-page
# checks), dates, archive (content hash, stories' prints), links (the page's article URLs,
# for the spider), raw (raw page compression: not by default, the archive's writer thread
# compresses without holding the GIL, and on large pages the worker is the busier process).
# The crawl's process keeps the state and takes a result only while the text is the worker's;
# the archive is the same with any list (clean,split,places was the list before #11's third
# round).
EXTRACT_WORKER_STEPS = ["clean", "split", "places", "template", "block", "dates", "archive",
                        "links"]
# Bytes of pages an extraction worker may hold (sent, not answered) before a page's places,
# block checks and date choice are left to the crawl's process (stats extract/light): on
# large pages the worker is the busier process, on small ones the crawl's. Measured on
# bench/crawl_bench.py's pages, alternating pairs of crawls: 1,200 ~97 KB pages +9% pages/s
# (faster in 7 of 8 pairs; ~1,190 pages went light), same peak memory; ~7 KB pages unchanged
# (~270 of 1,500 went light, in bursts). Leaving the stories' prints instead gained +6% but
# loaded numpy into the crawl's process (+15 MB); counting pages instead of bytes cost small
# pages 10%. 0: every page gets every step in the worker. The archive is the same either way.
EXTRACT_WORKER_BACKLOG = 262144
# Recycle an extraction worker (a fresh one takes over; stats extract/worker_recycled) after
# this many pages (0: never) or once its resident memory passes this many MB (0: never; read
# every 20 pages). The worn worker finishes the pages it was given and ends before its
# successor starts, so the two never hold memory at once; no page is lost and the archive is
# the same. A worker's memory levels off (bench/crawl_memory.py: ~55 MB on ~1.3 KB pages,
# ~60-67 MB on ~97 KB ones, its caches full by a few thousand pages); the bound only catches
# growth past that (a page far larger than usual leaves the heap that large). A restart
# costs ~0.4 s of CPU (imports, first page), so a bound that recycles often slows a crawl.
EXTRACT_WORKER_MAX_PAGES = 0
EXTRACT_WORKER_MAX_MB = 120
# Linux: run the crawl's process and its extraction workers under the SCHED_BATCH scheduling
# policy (newscrawler/schedpolicy.py): a CPU-bound batch job, whose threads do not preempt
# a running one when they wake up. The crawl's I/O threads otherwise interrupted the worker
# ~6 times a page and left a core idle meanwhile. Measured on 2 cores, ~97 KB pages
# (bench/crawl_bench.py --compare SCHED_BATCH=False, eleven interleaved runs): 0-15% more
# pages/s (median +5%), 0.3-0.7 ms less CPU a page in the crawl's process; ~7 KB pages the
# same within noise.
# Nice values are unchanged.
# False: the system's default policy; where there is no such policy, nothing changes.
SCHED_BATCH = True
# glibc's malloc: bytes from which a block gets a mapping of its own, returned to the system
# when freed, in the crawl's process and its workers (newscrawler/malloc.py). 0: glibc's own
# threshold, which rises to the largest block freed, after which a large page's blocks
# fragment the heap. 65536 measured ~7 MB lower peaks in the worker and ~5-8 in the crawl's
# process on ~97 KB pages, but ~10% more CPU a large page (page faults), so it is off.
MALLOC_MMAP_THRESHOLD = 0
# Python's cycle collector in the crawl's process, while a spider is open
# (newscrawler/extensions/gctune.py): a collection every this many allocations (Python's
# 700 took ~8% of the crawl's process on ~97 KB pages, finding little), start-up objects
# frozen (not scanned again). 0: Python's defaults. Workers keep them.
GC_THRESHOLD = 10000
# Tag each article with the provinces and districts it is about (the places table).
PLACES_TAGGING = True
# Seconds between progress lines on stderr (0: no progress lines).
PROGRESS_INTERVAL = 5.0
# Stop the crawl (close reason "blocked") when at least this many of the last 20 article
# pages were block, captcha or challenge pages (0: never stop; such pages are always dropped)...
BLOCK_CLOSE_PAGES = 5
# ... and they were at least this share of those pages.
BLOCK_CLOSE_RATIO = 0.8
# Longest Retry-After (seconds) honoured on a 429 or 503: the site's slot waits that long,
# then the request is retried. A longer one stops the crawl at once ("rate_limited").
RETRY_AFTER_MAX = 120
# Pause (seconds) after a 429 without a usable Retry-After, doubled for each further one of
# the site; past RETRY_AFTER_MAX the crawl stops ("rate_limited").
RETRY_AFTER_DEFAULT = 10.0
# Bytes a sitemap may take once inflated (the sitemap protocol's own limit is 50 MB); a
# larger one, compressed or not, is skipped and counted (discovery/sitemap_too_large).
SITEMAP_MAXSIZE = 50 * 1024 * 1024
# Distributed crawls (`crawl --redis`, docs/scale.md). Seconds between a worker's heartbeats
# (in-flight records cleaned, run lock refreshed, dead workers' requests requeued) ...
NEWSCRAWLER_HEARTBEAT = 1.0
# ... seconds without a heartbeat after which a worker counts as dead and its in-flight
# requests go back on the shared queue ...
NEWSCRAWLER_HEARTBEAT_TTL = 10.0
# ... and seconds the run's frontier must stay empty (nothing queued, nothing in flight on
# any worker) before a worker ends (exit 0).
NEWSCRAWLER_DRAIN_GRACE = 2.0
# Seconds a worker or the writer keeps retrying (with backoff) while Redis is unreachable.
REDIS_RETRY_SECONDS = 120.0

ITEM_PIPELINES = {
    "newscrawler.pipelines.clean.CleanTextPipeline": 100,
    "newscrawler.pipelines.split.SplitHeadlinesPipeline": 200,
    "newscrawler.pipelines.template.TemplatePipeline": 250,
    "newscrawler.pipelines.dates.DatesPipeline": 300,
    "newscrawler.pipelines.block.BlockPagePipeline": 350,
    "newscrawler.pipelines.validate.ValidatePipeline": 400,
    "newscrawler.pipelines.dedupe.DedupePipeline": 500,
    "newscrawler.pipelines.places.PlacesPipeline": 550,
    "newscrawler.pipelines.archive.ArchivePipeline": 600,
}
DOWNLOADER_MIDDLEWARES = {
    # Sees a 3xx before Scrapy's RedirectMiddleware (600) follows it.
    "newscrawler.middlewares.redirects.RedirectGuardMiddleware": 610,
    # Sees a 429/503 before Scrapy's RetryMiddleware (550) retries it at once.
    "newscrawler.middlewares.retryafter.RetryAfterMiddleware": 560,
    # Replaces Scrapy's robots.txt middleware: every request obeys it; Crawl-delay applied.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newscrawler.middlewares.robots.RobotsMiddleware": 100,
}
EXTENSIONS = {
    "newscrawler.extensions.progress.ProgressExtension": 500,
    "newscrawler.extensions.shutdown.ShutdownExtension": 510,
    "newscrawler.extensions.gctune.GcTuning": 520,
}
# SIGINT, SIGTERM and SIGHUP stop a crawl with its last batch written and the run recorded
# `killed`, even on a second signal (False: Scrapy's own handlers).
SHUTDOWN_SIGNALS = True

# --- Scrapy settings chosen for news sites ----------------------------------------------

USER_AGENT = "newscrawler/0.1 (+https://github.com/newscrawler/newscrawler; research archive)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# A response yields one article item: Scrapy's default of 100 made it start ~100 asyncio tasks
# per response to process its output (15% of a crawl's CPU); 1 measured x1.2-1.4 pages/s
# (bench/crawl_bench.py). The pipelines are synchronous: nothing ran in parallel anyway.
CONCURRENT_ITEMS = 1
# Bytes of fetched pages Scrapy lets wait for their callbacks before it starts no new download
# (Scrapy's default 5,000,000). With an extraction worker, pages wait for it there: ~40 pages
# of ~97 KB at 4 MB. Below that the downloads stop and start again too often to keep the
# worker fed: 1,200 ~97 KB pages (bench/crawl_bench.py, 3 rounds interleaved) 330 pages/s at
# 2 MB, 349 at 3 MB, 364 at 4 MB, 360 at 5 MB; the peak of 20,000 such pages
# (bench/crawl_memory.py --large) 192 MB at 2 MB, 193 MB at 4 MB.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 4_000_000
# Scrapy's default of 8 per domain caps a one-site crawl; news sites are one domain.
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0.0
# Requests wait in the scheduler pickled (~180 bytes each, not ~1.7 KB live): a 20,000-entry
# sitemap's requests take 4 MB instead of 34 MB (newscrawler/scheduler_queue.py).
# Scrapy's scheduler, except that a JOBDIR left by a crawl killed before it could save its queue
# (SIGKILL: its URLs are all "seen", its queue lost) is emptied and the crawl runs in full,
# counted in jobdir/queue_lost (newscrawler/jobdir.py).
SCHEDULER = "newscrawler.jobdir.JobdirScheduler"
SCHEDULER_MEMORY_QUEUE = "newscrawler.scheduler_queue.CompactLifoQueue"
# Requests seen are kept as 8-byte keys, not 20-byte fingerprints in a set: ~1.3 MB instead of
# ~3 MB at 20,000 requests; with a JOBDIR, Scrapy's own filter and file (newscrawler/dupefilter.py).
DUPEFILTER_CLASS = "newscrawler.dupefilter.CompactDupeFilter"
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
# A news page is 50-500 kB of HTML; 16 MB leaves room for pages with inline images and
# bounds what one response (or one gzip-encoded bomb, inflated) may take: Scrapy's 1 GB
# default let four concurrent bombs reach 4 GB. Warn from 4 MB up.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# AutoThrottle adapts the delay to the site's latency: on for real sites; the spider turns
# it off for a loopback base URL (the sample site, test servers) unless set explicitly.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control (an HTTP server on localhost running the Python code it is sent)
# stays off like the telnet console...
REMOTE_CONTROL_ENABLED = False
# ... and Scrapy's components that a crawl does not use are not even imported: Scrapy imports
# every class named in DOWNLOADER_MIDDLEWARES or EXTENSIONS, even one set to None, so they are
# left out of the _BASE lists instead. The remote control's module loads aiohttp and the
# cookies middleware's tldextract and requests (~30 MB of every crawl's memory together,
# bench/crawl_memory.py); cookies still work with COOKIES_ENABLED (newscrawler/middlewares/
# cookies.py imports Scrapy's middleware then).
EXTENSIONS_BASE = {
    name: order for name, order in _scrapy_defaults.EXTENSIONS_BASE.items()
    if name != "scrapy.extensions.remote_control.RemoteControl"
}
# Meta refresh: Scrapy's middleware, reading only the page's head where Scrapy decoded the
# whole page for it (newscrawler/middlewares/metarefresh.py: same redirects).
_STAND_INS = {
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware":
        "newscrawler.middlewares.cookies.LazyCookiesMiddleware",
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware":
        "newscrawler.middlewares.metarefresh.HeadMetaRefreshMiddleware",
}
DOWNLOADER_MIDDLEWARES_BASE = {
    _STAND_INS.get(name, name): order
    for name, order in _scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE.items()
}
# HTTP(S): Scrapy's handler, reading a response's header lines without copying the rest of
# the buffer for each (newscrawler/httphandler.py: same responses).
DOWNLOAD_HANDLERS_BASE = {
    scheme: ("newscrawler.httphandler.LeanHTTP11DownloadHandler"
             if path == "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler" else path)
    for scheme, path in _scrapy_defaults.DOWNLOAD_HANDLERS_BASE.items()
}
LOG_LEVEL = "INFO"
# Scrapy's MemoryStatsCollector without the attribute shim that made each stats call ~20x
# slower since Scrapy 2.13 (newscrawler/crawlstats.py): same stats, less work per response.
STATS_CLASS = "newscrawler.crawlstats.CrawlStats"
# Scrapy's per-page and per-item DEBUG messages are not even built when LOG_LEVEL hides them
# (newscrawler/logformatter.py): the log is unchanged.
LOG_FORMATTER = "newscrawler.logformatter.LogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
