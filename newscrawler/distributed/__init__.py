"""Crawling on many workers through Redis, with one process writing the archive.

``newscrawler crawl SITE --redis URL`` starts a run (run lock, seeded discovery) and works
on it; ``--join`` adds a worker to the run in progress. Workers share scrapy-redis's
priority queue and duplicate filter (:mod:`.scheduler`), record what they hold in flight
(:mod:`.inflight`) and send items to a Redis Stream (:mod:`.outbox`); ``newscrawler
writer`` (:mod:`.writer`) is the one process that writes the SQLite archive. Key names:
:mod:`.keys`. Deployment and the reasons behind each choice: ``docs/scale.md``.
"""
