"""The outcome of a crawl that archived nothing says why, and never blames the wrong thing."""

from __future__ import annotations

from newscrawler.outcome import crawl_outcome


def test_no_article_url_found_is_a_failure_naming_the_profile() -> None:
    stats = {"downloader/response_count": 4, "discovery/feed_entries": 0}
    outcome = crawl_outcome(stats, "finished")
    assert outcome.code == 1 and outcome.status == "failed"
    assert outcome.reason.startswith("no article URL in the site's feeds, sitemaps and "
                                     "listings (4 pages read)")


def test_known_or_old_articles_are_nothing_new() -> None:
    old = crawl_outcome({"downloader/response_count": 3, "discovery/feed_older_than_since": 3},
                        "finished")
    assert (old.code, old.reason) == (0, "nothing new to archive")
    # --only-new: a dead link among the new URLs does not fail a run whose articles were
    # all known (without --only-new the same run says "20 unchanged", exit 0)
    known = crawl_outcome({"downloader/response_count": 3, "discovery/skipped_known": 20,
                           "fetch/errors": 1, "fetch/errors/http_404": 1}, "finished")
    assert (known.code, known.reason) == (
        0, "nothing new to archive: 20 known article URLs skipped (--only-new)")


def test_pages_too_large_are_not_blamed_on_the_network() -> None:
    stats = {"downloader/response_count": 3, "discovery/from_feed": 5, "fetch/too_large": 5,
             "downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError": 5}
    outcome = crawl_outcome(stats, "finished")
    assert outcome.code == 1
    assert outcome.reason == ("nothing archived: 5 pages larger than DOWNLOAD_MAXSIZE "
                              "(dropped)")


def test_a_site_refusing_every_page_is_blocked_not_failed() -> None:
    stats = {"downloader/response_count": 6, "discovery/from_feed": 5,
             "fetch/errors/article/http_403": 5, "fetch/errors/feed/http_403": 1}
    outcome = crawl_outcome(stats, "finished")
    assert (outcome.status, outcome.code) == ("blocked", 69)
    assert outcome.reason.startswith("nothing archived: the site refused us (6 answers 401")
    some = {**stats, "downloader/response_count": 20, "fetch/errors/article/http_403": 2,
            "fetch/errors/article/http_500": 15}
    assert crawl_outcome(some, "finished").code == 1  # mostly other errors: failed
