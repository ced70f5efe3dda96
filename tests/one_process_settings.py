"""The crawl settings of most tests: newscrawler's, with extraction in the crawl's process.

``tests/conftest.py`` names this module in ``SCRAPY_SETTINGS_MODULE`` for every crawl a test
starts: a worker process would cost each small test crawl its start-up (~0.25 s of CPU).
The tests of the workers set ``EXTRACT_WORKERS`` themselves, and the end-to-end crawl of the
sample site (``crawled_sample``) runs with newscrawler's own settings (``DEFAULT_SETTINGS``).
"""

from newscrawler.settings import *  # noqa: F403

EXTRACT_WORKERS = 0
