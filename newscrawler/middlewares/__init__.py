"""Downloader middlewares: politeness (Retry-After, robots.txt Crawl-delay) and redirects."""
