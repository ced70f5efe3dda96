"""The data dictionary: what every table and column of the archive means, in one place.

``TABLES`` describes each table of ``archive.schema`` and its full-text index; ``EXPORTS``
the columns that only exports add. ``docs/data-dictionary.md`` is generated from them
(``python -m archive.dictionary > docs/data-dictionary.md``), the Datasette metadata reads
them, and a test fails when a column of the schema is undocumented or a documented one
does not exist.

>>> TABLES["articles"].columns["date_precision"].null_when
'no date was found on the page'
>>> markdown().splitlines()[0]
'# Data dictionary'
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from archive.schema import FTS_TABLE, RUN_STATUSES

__all__ = [
    "DATE_PRECISIONS", "DATE_SOURCES", "EXPORTS", "EXPORT_SOURCES", "TABLES", "ColumnDoc",
    "TableDoc", "markdown",
]

#: ``articles.date_precision`` values, least informative first (``newscrawler.text.dates``).
DATE_PRECISIONS = ("day", "relative", "minute", "second")
#: ``articles.date_source`` values, most reliable first (``newscrawler.text.dates.SOURCES``).
DATE_SOURCES = ("json-ld", "meta", "time", "byline", "feed", "sitemap", "url", "text")

_NEVER = "never"
#: Columns newscrawler always fills, but that the schema does not declare NOT NULL.
_BY_HAND = "only in rows inserted by hand (newscrawler always sets it)"


@dataclass(frozen=True)
class ColumnDoc:
    """One column: SQLite type, what it means, an example value and when it is null."""

    type: str
    meaning: str
    example: str
    null_when: str = _NEVER


@dataclass(frozen=True)
class TableDoc:
    """One table: what a row is, and its columns in order."""

    description: str
    columns: dict[str, ColumnDoc]


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"`{value}`" for value in values)


_ARTICLES = TableDoc(
    "One row per article, under its canonical URL. A refetch that changes the title or body "
    "updates the row and keeps the previous text in `revisions`. A refetch whose body keeps "
    "less than half of an archived body of 500 characters or more (a teaser, a paywall, a "
    "cut page) changes nothing but `fetched_at` and `last_seen_at`, nor the page saved in "
    "`raw_pages`: the run counts it `archive/kept` (shown as unchanged, and on a `kept` line "
    "of the crawl's summary).",
    {
        "id": ColumnDoc("INTEGER", "Row id; `headlines`, `revisions` and `raw_pages` refer to it.",
                        "1842"),
        "url": ColumnDoc("TEXT", "Canonical URL of the article (the page's `<link rel=canonical>` "
                         "or `og:url`, else the fetched URL); unique.",
                         "https://www.hibya.com/izmir-de-kadina-siddete-hayir-yuruyusu-123456"),
        "site": ColumnDoc("TEXT", "Name of the site profile that crawled it "
                          "(`newscrawler sites` lists them).", "hibya",
                          _BY_HAND),
        "title": ColumnDoc("TEXT", "Headline of the article, Unicode NFC.",
                           "İzmir'de kadına şiddete hayır yürüyüşü", _BY_HAND),
        "body": ColumnDoc("TEXT", "Text of the article: paragraphs separated by a blank line, "
                          "without menus, share buttons or the lists of other headlines.",
                          "Bornova'da toplanan kadınlar ...", _BY_HAND),
        "published_at": ColumnDoc(
            "TEXT",
            "Publication date in Istanbul time: `YYYY-MM-DD` when only the day is known "
            "(`date_precision` = `day`), else ISO 8601 with the offset of that moment "
            "(`+03:00`; `+02:00`/`+03:00` before 2016). Mixed lengths: exports add "
            "`published_date` and `published_at_utc` for tools that want one format.",
            "2025-11-16T14:32:00+03:00",
            "no date was found on the page, or every date found was in the future or "
            "before 1990",
        ),
        "updated_at": ColumnDoc("TEXT", "Last-modified date the page states, same format as "
                                "`published_at`.", "2025-11-16T18:05:00+03:00",
                                "the page states no update date"),
        "date_precision": ColumnDoc(
            "TEXT",
            f"How much of `published_at` the page gave: one of {_quoted(DATE_PRECISIONS)}. "
            "`relative` means the page said \"2 saat önce\" or \"dün 14:30\" and the date was "
            "counted back from `fetched_at`.",
            "minute",
            "no date was found on the page",
        ),
        "date_source": ColumnDoc(
            "TEXT",
            f"Where `published_at` was found: one of {_quoted(DATE_SOURCES)} (JSON-LD "
            "`datePublished`, a `<meta>` tag, a `<time>` element, the byline, the RSS/Atom "
            "feed entry, the sitemap's `lastmod`, the URL path, the article text).",
            "json-ld",
            "no date was found on the page",
        ),
        "date_raw": ColumnDoc("TEXT", "The date text as found, before parsing.",
                              "16 Kasım 2025 Pazar 14:32", "no date was found on the page"),
        "author": ColumnDoc("TEXT", "Author named on the page (byline, metadata or profile "
                            "selector).", "Ayşe Yılmaz", "the page names no author"),
        "credit": ColumnDoc("TEXT", "Credit line naming the agency or source of the text.",
                            "Hibya Haber Ajansı", "the page gives no credit line"),
        "category": ColumnDoc("TEXT", "Section of the site the article is filed under.",
                              "Gündem", "the page names no section"),
        "tags": ColumnDoc("TEXT", "JSON list of the page's keywords/tags (`[]` when it has "
                          "none); CSV exports join them with `; `.",
                          '["İzmir", "kadına şiddet"]',
                          "only for rows saved without a tags list (never by a crawl)"),
        "language": ColumnDoc("TEXT", "Primary language subtag (`<html lang>`, `og:locale`, "
                              "JSON-LD, else the site profile).", "tr",
                              "neither the page nor the profile says"),
        "fetched_at": ColumnDoc("TEXT", "When the page was last fetched, UTC, ISO 8601.",
                                "2025-11-16T11:40:03+00:00"),
        "first_seen_at": ColumnDoc("TEXT", "When the article was first saved, UTC.",
                                   "2025-11-16T11:40:03+00:00",
                                   "rows from an archive older than schema version 1"),
        "last_seen_at": ColumnDoc("TEXT", "When the article was last saved (changed or not), "
                                  "UTC.", "2025-11-17T08:00:12+00:00",
                                  "rows from an archive older than schema version 1"),
        "content_hash": ColumnDoc("TEXT", "SHA-1 (hex) of the normalized title and body: equal "
                                  "hashes mean the same text (copies across sites). Not "
                                  "indexed (it slowed every write of a large archive): for "
                                  "many lookups by hash, run `CREATE INDEX articles_hash ON "
                                  "articles(content_hash)` on your copy.",
                                  "63b20c41ec532b96b1ebf7a9cce92d9c095cea98"),
        "fetched_url": ColumnDoc("TEXT", "URL the page was fetched from, when it differs from "
                                 "`url` (redirects, tracking parameters, mobile pages).",
                                 "https://www.hibya.com/haber/123456?utm_source=rss",
                                 "the page was fetched from its canonical URL"),
        "revision": ColumnDoc("INTEGER", "1 for the first text; +1 each time a refetch changed "
                              "the title or body.", "1"),
        "flags": ColumnDoc("TEXT", "Marks for research, comma-separated, sorted: `short` = "
                           "a real article whose body is shorter than "
                           "`VALIDATE_MIN_BODY_CHARS` (150) characters (a \"son dakika\" "
                           "flash, a short notice); filter with `export --no-short` or "
                           "`flags IS NULL`. Null: no marks (and every article archived by "
                           "a version without this column).", "short"),
        "story_id": ColumnDoc("INTEGER", "The story this text belongs to (`stories.id`): "
                              "articles with one story id are copies of one text (an agency "
                              "story reprinted with a new title, a local intro, a cut "
                              "ending...); an article with no copy is a story of its own.",
                              "311", "only in rows inserted by hand (saving an article sets "
                              "it)"),
    },
)

_HEADLINES = TableDoc(
    "The list of other headlines printed below an article (\"Diğer Haberler\"), split off "
    "its body: one row per headline.",
    {
        "article_id": ColumnDoc("INTEGER", "The article (`articles.id`) the list was under.",
                                "1842"),
        "position": ColumnDoc("INTEGER", "Place in the list, from 1.", "1"),
        "title": ColumnDoc("TEXT", "Headline text.", "Karşıyaka'da trafik kazası: 2 yaralı"),
        "url": ColumnDoc("TEXT", "Link of the headline.",
                         "https://www.hibya.com/karsiyaka-da-trafik-kazasi-123450",
                         "the headline had no link"),
    },
)

_PLACES = TableDoc(
    "The provinces and districts each article is about (newscrawler/places, issue #10), "
    "most salient first: one row per (province, district) pair. Replaced whenever the "
    "article is saved with places. An article about two districts of one province has "
    "two rows naming it: count articles per province with `count(DISTINCT article_id)`. "
    "`--place` keeps articles, so `export --table places --place izmir` also gives their "
    "rows for other provinces.",
    {
        "article_id": ColumnDoc("INTEGER", "The article (`articles.id`).", "1842"),
        "rank": ColumnDoc("INTEGER", "1 for the place the article is most about, then 2, 3 ...",
                          "1"),
        "province": ColumnDoc("TEXT", "Official province name (81, as in "
                              "newscrawler/places/data/gazetteer.tsv).", "İzmir"),
        "district": ColumnDoc("TEXT", "Official district name.", "Bornova",
                              "only the province is known"),
        "found_in": ColumnDoc("TEXT", "Where the place was found, strongest first: `dateline`, "
                              "`title`, `lead`, `body`, or `region` (no place named: the "
                              "site profile's home province). A district's row gives the "
                              "stronger of where the district and its province were found "
                              "(`İZMİR (Hibya) – Buca Belediyesi...`: `dateline`).", "dateline",
                              "never (older rows may lack it)"),
    },
)

_REVISIONS = TableDoc(
    "Earlier texts of an article: when a refetch changes its title or body, the text it "
    "replaces is kept here.",
    {
        "article_id": ColumnDoc("INTEGER", "The article (`articles.id`).", "1842"),
        "revision": ColumnDoc("INTEGER", "The revision number this text had in `articles`.",
                              "1"),
        "title": ColumnDoc("TEXT", "Title of that revision.", "İzmir'de yürüyüş"),
        "body": ColumnDoc("TEXT", "Body of that revision.", "Bornova'da toplanan ..."),
        "content_hash": ColumnDoc("TEXT", "`content_hash` of that revision.",
                                  "0a4d55a8d778e5022fab701977c5d840bbc486d0"),
        "fetched_at": ColumnDoc("TEXT", "When this text was last fetched, UTC.",
                                "2025-11-16T11:40:03+00:00"),
        "replaced_at": ColumnDoc("TEXT", "Fetch time of the text that replaced it, UTC.",
                                 "2025-11-16T15:10:44+00:00"),
    },
)

_RAW_PAGES = TableDoc(
    "The HTML of fetched pages, as received, to extract again later "
    "(`newscrawler reextract`): one row per fetched URL, the last good fetch.",
    {
        "url": ColumnDoc("TEXT", "URL the page was fetched from.",
                         "https://www.hibya.com/haber/123456"),
        "site": ColumnDoc("TEXT", "Site profile name.", "hibya",
                          "the page was saved without a site"),
        "fetched_at": ColumnDoc("TEXT", "When it was fetched, UTC.",
                                "2025-11-16T11:40:03+00:00"),
        "status": ColumnDoc("INTEGER", "HTTP status. An error response never replaces a good "
                            "page.", "200", "the status was not recorded"),
        "content_type": ColumnDoc("TEXT", "Content-Type header.", "text/html; charset=utf-8",
                                  "the server sent none"),
        "encoding": ColumnDoc("TEXT", "Encoding the page was decoded with.", "utf-8",
                              "not recorded"),
        "body": ColumnDoc("BLOB", "zlib-compressed HTML bytes, as received "
                          "(`zlib.decompress(body)`).", "x^..."),
        "article_id": ColumnDoc("INTEGER", "The article saved from this page (`articles.id`).",
                                "1842", "no article came from the page (a listing, a block "
                                "page, an error), or not yet"),
    },
)

_CRAWL_RUNS = TableDoc(
    "One row per crawl of one site: when it ran, how it ended and why.",
    {
        "id": ColumnDoc("INTEGER", "Run id.", "57"),
        "site": ColumnDoc("TEXT", "Site profile name.", "hibya"),
        "started_at": ColumnDoc("TEXT", "Start time, UTC.", "2025-11-16T11:40:00+00:00"),
        "finished_at": ColumnDoc("TEXT", "End time, UTC. For a run killed so hard it could "
                                 "not record its end (marked `killed` by the next crawl of the "
                                 "site): the fetch time of the last article it archived, so "
                                 "the run lasted at least until then.",
                                 "2025-11-16T11:52:31+00:00",
                                 "the run is still `running`, or it was killed hard before it "
                                 "archived anything (its end is unknown)"),
        "status": ColumnDoc(
            "TEXT",
            f"One of {_quoted(RUN_STATUSES)}: `running` until it ends; `finished`; `failed` "
            "(nothing fetched, only errors, or the archive could not be written); `blocked` "
            "(the site served block pages or rate-limited us); `killed` (interrupted by a "
            "signal, or found `running` by a later crawl of the same site).",
            "finished",
        ),
        "pid": ColumnDoc("INTEGER", "Process id of the crawl.", "4121", "not recorded"),
        "stats": ColumnDoc("TEXT", "JSON object of the crawler's counters (`item_scraped_count`, "
                           "`dates/missing`, `dedupe/dropped`, ...). A run killed so hard it "
                           "could not record its end has only what the archive holds of it, "
                           "counted by the next crawl of the site: `archive/inserted`, "
                           "`archive/updated`, `archive/unchanged` (kept ones included), and "
                           "`archive/recounted: true`.",
                           '{"item_scraped_count": 42, "dates/missing": 1}',
                           "only for runs written by hand"),
        "reason": ColumnDoc("TEXT", "One line: why the run ended as it did.",
                            "site blocked us: 12 of 14 pages were block pages",
                            "the run is still `running`, or it ended before schema version 3"),
    },
)

_SITE_TEMPLATES = TableDoc(
    "Lines of text learned as a site's template (boxes, disclaimers, calls to action that "
    "recur on many of its pages): dropped from bodies by crawls and `newscrawler reextract` "
    "when seen on `TEMPLATE_MIN_PAGES` pages and `TEMPLATE_MIN_SHARE` of the site's pages.",
    {
        "site": ColumnDoc("TEXT", "Site profile name.", "hibya"),
        "block_hash": ColumnDoc("TEXT", "sha1 of the line's folded words, first 16 hex digits.",
                                "3f1c0a9be27d5e41"),
        "text": ColumnDoc("TEXT", "The line as first seen.", "Ege Postası'nı destekleyin"),
        "pages_seen": ColumnDoc("INTEGER", "Distinct pages of the site the line was seen on.",
                                "212"),
        "site_pages": ColumnDoc("INTEGER", "Pages of the site counted when `pages_seen` was.",
                                "240", "only in rows inserted by hand"),
        "first_seen_at": ColumnDoc("TEXT", "When the line was first saved, UTC.",
                                   "2025-11-16T11:40:03+00:00", _BY_HAND),
        "last_seen_at": ColumnDoc("TEXT", "When its count was last saved, UTC.",
                                  "2025-11-16T15:10:44+00:00", _BY_HAND),
    },
)

_STORIES = TableDoc(
    "One row per story: the articles that are copies of one text (`articles.story_id`), "
    "found when they are archived (`newscrawler stories --rebuild` finds them again, "
    "renumbering the stories). A story with one copy is an article nobody else printed.",
    {
        "id": ColumnDoc("INTEGER", "Story id, numbered as stories open.", "311"),
        "first_article_id": ColumnDoc("INTEGER", "The copy published first (`articles.id`; "
                                      "unknown dates count as last, a day without a time "
                                      "as that day's last moment).", "1842", _BY_HAND),
        "first_site": ColumnDoc("TEXT", "That copy's site.", "hibya", _BY_HAND),
        "first_published_at": ColumnDoc("TEXT", "That copy's `published_at`.",
                                        "2025-11-16T09:10:00+03:00",
                                        "the first copy has no date"),
        "copies": ColumnDoc("INTEGER", "Articles in the story (1: no copy).", "4", _BY_HAND),
        "sites": ColumnDoc("INTEGER", "Distinct sites among them.", "3", _BY_HAND),
    },
)

_STORY_BANDS = TableDoc(
    "The stories' search index (`archive.stories`): one row per band of an article's "
    "MinHash signature (32 per article with enough text). A new article's bands find the "
    "articles that may be its copies in constant time; derived data, rebuilt by "
    "`newscrawler stories --rebuild`.",
    {
        "bucket": ColumnDoc("INTEGER", "Hash of the band's number and its signature values.",
                            "-4811530229735184433"),
        "article_id": ColumnDoc("INTEGER", "The article (`articles.id`).", "1842"),
    },
)

_STORY_BANDS_RECENT = TableDoc(
    "The newest articles' rows of `story_bands` (same columns), moved into it in key order "
    "every ~5,000 articles (`archive.stories.settle`): writing into a small table keeps "
    "each batch's COMMIT small. A new article's bands are looked up in both.",
    {
        "bucket": ColumnDoc("INTEGER", "Hash of the band's number and its signature values.",
                            "-4811530229735184433"),
        "article_id": ColumnDoc("INTEGER", "The article (`articles.id`).", "1842"),
    },
)

_FTS = TableDoc(
    "Full-text index (SQLite FTS5, declared with `content=\"articles\"` so that Datasette "
    "and `sqlite-utils search` find it) over the folded title and body, which only the index "
    "holds (schema version 8; `archive.textindex`); `rowid` is `articles.id`. Query it "
    "through `newscrawler search` (or `search --sql`), which folds and inflects Turkish "
    "words the same way: a raw `MATCH 'kadına'` finds nothing. Its columns can be matched "
    "(`title_fold : izmir`) but not read back, and `'rebuild'` does not work: use "
    "`Archive.rebuild_index()`.",
    {
        "title_fold": ColumnDoc("TEXT", "`fold(title)`: the title folded for search (lower "
                                "case, Turkish letters to ASCII, apostrophes to spaces).",
                                "izmir de kadina siddete hayir yuruyusu"),
        "body_fold": ColumnDoc("TEXT", "`fold(body)`, the same way.",
                               "bornova da toplanan kadinlar ..."),
    },
)

_SEARCH_CHANGES = TableDoc(
    "Old title and body of articles updated or deleted since the full-text index last saw "
    "them, written by triggers (by hand in the sqlite3 shell too): the next write of the "
    "archive takes their folded text out of the index and indexes the current text, then "
    "empties the table. Usually empty.",
    {
        "id": ColumnDoc("INTEGER", "Order of the changes.", "1"),
        "article_id": ColumnDoc("INTEGER", "The article (`articles.id`; may be deleted).",
                                "1842"),
        "title": ColumnDoc("TEXT", "Its title before the change.", "İzmir'de kadına şiddete "
                           "hayır yürüyüşü", "the title was null"),
        "body": ColumnDoc("TEXT", "Its body before the change.", "Bornova'da toplanan "
                          "kadınlar ...", "the body was null"),
    },
)

_SPELLINGS = TableDoc(
    "Each spelling `article_spellings` refers to, once (`archive.spellings`): a word in "
    "lower case with `ı` as `i` (`gölde`, `suyu`), a space and the letters of a long stem "
    "(` kürt`: a space then `kürt` somewhere in the text), or the empty string (the text "
    "has no Turkish letters). Derived data.",
    {
        "id": ColumnDoc("INTEGER", "The spelling's number.", "17"),
        "spelling": ColumnDoc("TEXT", "The spelling.", "gölde"),
    },
)

_ARTICLE_SPELLINGS = TableDoc(
    "The exact spellings the look-alike check of searches reads instead of the text "
    "(`archive.spellings`, schema version 9): one row per article and distinct word that "
    "agrees with some checked query word (`su` written `suyu`, `göl` written `gölde`), "
    "per long stem seen after a space, and one when the text has no Turkish letters. "
    "Recorded up to `spelling_rules.filled_to` at the end of a finished crawl or import and "
    "by `newscrawler optimize` (in a crawl with an extraction worker, as each new article "
    "is saved), kept in step by later writes; emptied and recorded again "
    "when the word lists or the code change, and by `Archive.rebuild_index()`.",
    {
        "article_id": ColumnDoc("INTEGER", "The article (`articles.id`).", "1842"),
        "spelling_id": ColumnDoc("INTEGER", "The spelling (`spellings.id`).", "17"),
    },
)

_SPELLING_RULES = TableDoc(
    "One row: the version of the word lists and code the exact spellings were recorded "
    "under, and how far. Searches read the text instead while it differs from the running "
    "code's.",
    {
        "version": ColumnDoc("TEXT", "`archive.spellings.RULES` and a CRC-32 of "
                             "`archive/data/search_words.toml` and of the modules that "
                             "expand and check words.", "1-5be0a1c3"),
        "filled_to": ColumnDoc("INTEGER", "The highest `articles.id` whose spellings are "
                               "recorded: articles above it (archived since the end of the "
                               "last crawl or `newscrawler optimize`) are checked from their "
                               "text.", "52000"),
    },
)

#: Every table of the archive (``archive.schema.TABLES`` and the full-text index).
TABLES: dict[str, TableDoc] = {
    "articles": _ARTICLES,
    "headlines": _HEADLINES,
    "revisions": _REVISIONS,
    "raw_pages": _RAW_PAGES,
    "crawl_runs": _CRAWL_RUNS,
    "site_templates": _SITE_TEMPLATES,
    "places": _PLACES,
    "stories": _STORIES,
    "story_bands": _STORY_BANDS,
    "story_bands_recent": _STORY_BANDS_RECENT,
    "search_changes": _SEARCH_CHANGES,
    "spellings": _SPELLINGS,
    "article_spellings": _ARTICLE_SPELLINGS,
    "spelling_rules": _SPELLING_RULES,
    FTS_TABLE: _FTS,
}

_EMPTY = "`\"\"` (empty) when "
_DAY_AT_UTC = {
    "{p}_date": ("TEXT", "{P} day, `YYYY-MM-DD`, Istanbul time, whenever the day is known.",
                 "2025-11-16", "no {p} date was found"),
    "{p}_at": ("TEXT", "{P} moment, ISO 8601 with its offset, only when the time is known "
               "(unlike the archive column, never a bare day).", "2025-11-16T14:32:00+03:00",
               "only the day is known, or no date was found"),
    "{p}_at_utc": ("TEXT", "The same moment in UTC, ending in `Z`.", "2025-11-16T11:32:00Z",
                   "only the day is known, or no date was found"),
}


def _dates(prefix: str, label: str) -> dict[str, ColumnDoc]:
    """``<prefix>_date``, ``<prefix>_at``, ``<prefix>_at_utc`` of an export."""
    return {
        name.format(p=prefix): ColumnDoc(kind, meaning.format(P=label), example,
                                         _EMPTY + when.format(p=prefix))
        for name, (kind, meaning, example, when) in _DAY_AT_UTC.items()
    }


_EXPORT_RULES = (
    "Text is never null in an export: `\"\"` (empty) where the archive has null. Times of "
    "fetching and crawling are UTC ending in `Z`. The other columns are those of the archive "
    "table described above."
)

#: Columns of ``newscrawler export --table NAME`` that are not, or not quite, the archive's
#: (the other exported columns are described in ``TABLES``: ``EXPORT_SOURCES`` says which).
EXPORTS: dict[str, TableDoc] = {
    "articles": TableDoc(
        "One row per article (the folded search columns left out). " + _EXPORT_RULES,
        {
            **_dates("published", "Publication"),
            **_dates("updated", "Last-modified"),
            "headline_count": ColumnDoc("INTEGER", "Number of headlines listed under the "
                                        "article.", "8"),
            "headlines": ColumnDoc("TEXT", "The headline list: a JSON array of `{position, "
                                   "title, url}` in JSON Lines, the same as JSON text in CSV "
                                   "and xlsx cells (one row each in `--table headlines`).",
                                   '[{"position": 1, "title": "...", "url": "..."}]',
                                   "never (`[]` when there is none)"),
            "provinces": ColumnDoc("TEXT", "The provinces the article is about, most salient "
                                   "first: a JSON array (JSON text in CSV and xlsx cells; "
                                   "districts in `--table places`).", '["İzmir", "Manisa"]',
                                   "never (`[]` when none is known)"),
        },
    ),
    "headlines": TableDoc(
        "One row per headline, with its article's id, URL, site and date. " + _EXPORT_RULES,
        {
            "article_url": ColumnDoc("TEXT", "The article's `url`.",
                                     "https://www.hibya.com/izmir-de-kadina-siddete-123456"),
            "site": ColumnDoc("TEXT", "The article's `site`.", "hibya"),
            **_dates("published", "The article's publication"),
            "story_id": ColumnDoc("INTEGER", "The article's `story_id`.", "311",
                                  "the article has none (inserted by hand)"),
        },
    ),
    "places": TableDoc(
        "One row per place of an article, with its article's id, URL, site and date. "
        + _EXPORT_RULES,
        {
            "article_url": ColumnDoc("TEXT", "The article's `url`.",
                                     "https://www.hibya.com/bornova-da-park-123456"),
            "site": ColumnDoc("TEXT", "The article's `site`.", "hibya"),
            **_dates("published", "The article's publication"),
        },
    ),
    "runs": TableDoc(
        "One row per crawl run, its counters taken out of `stats` (0 when not counted). "
        + _EXPORT_RULES,
        {
            "duration_seconds": ColumnDoc("FLOAT", "How long the run took (a run killed hard: "
                                          "until the last article it archived).", "751.3",
                                          "the run is still `running`, or its times are "
                                          "unknown"),
            "requests": ColumnDoc("INTEGER", "Requests sent (`downloader/request_count`).",
                                  "160"),
            "responses": ColumnDoc("INTEGER", "Responses received "
                                   "(`downloader/response_count`).", "158"),
            "bytes_received": ColumnDoc("INTEGER", "Bytes received "
                                        "(`downloader/response_bytes`).", "9481230"),
            "articles_new": ColumnDoc("INTEGER", "Articles added (`archive/inserted`).", "42"),
            "articles_updated": ColumnDoc("INTEGER", "Articles whose text changed "
                                          "(`archive/updated`).", "3"),
            "articles_unchanged": ColumnDoc("INTEGER", "Articles fetched again unchanged "
                                            "(`archive/unchanged`).", "97"),
            "items_dropped": ColumnDoc("INTEGER", "Pages dropped, each with a reason "
                                       "(`item_dropped_count`).", "12"),
            "fetch_errors": ColumnDoc("INTEGER", "Pages that could not be fetched "
                                      "(`fetch/errors`).", "1"),
        },
    ),
    "stories": TableDoc(
        "One row per story (singletons too), with its first copy's title and URL. "
        + _EXPORT_RULES,
        {
            **_dates("first_published", "The first copy's publication"),
            "last_delay_minutes": ColumnDoc("INTEGER", "Minutes from the first copy's "
                                            "publication to the last copy's: how long the "
                                            "story kept spreading.", "240",
                                            "a copy's time is unknown"),
            "title": ColumnDoc("TEXT", "The first copy's title.",
                               "Karşıyaka sahil parkı yenileniyor"),
            "url": ColumnDoc("TEXT", "The first copy's URL.",
                             "https://www.hibya.com/karsiyaka-sahil-parki-123456"),
        },
    ),
}

#: The archive table each export's other columns come from.
EXPORT_SOURCES = {"articles": "articles", "headlines": "headlines", "runs": "crawl_runs",
                  "places": "places",
"stories": "stories"}


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _table_markdown(name: str, table: TableDoc) -> list[str]:
    lines = [f"## `{name}`", "", table.description, "",
             "| column | type | meaning | example | null when |", "|---|---|---|---|---|"]
    for column, doc in table.columns.items():
        cells = (f"`{column}`", doc.type, doc.meaning, f"`{doc.example}`", doc.null_when)
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return [*lines, ""]


def markdown() -> str:
    """``docs/data-dictionary.md``: every table, then the export-only columns."""
    lines = [
        "# Data dictionary",
        "",
        "Every table and column of a newscrawler archive (a SQLite file). Generated from "
        "`archive/dictionary.py` by `python -m archive.dictionary > docs/data-dictionary.md`; "
        "do not edit by hand. Times are ISO 8601; `fetched_at`, `first_seen_at` and the other "
        "bookkeeping times are UTC, publication dates Istanbul time.",
        "",
    ]
    for name, table in TABLES.items():
        lines += _table_markdown(name, table)
    lines += ["# Exports", "",
              "What `newscrawler export --table NAME` writes differently from the archive, "
              "so that pandas, R and Excel read it with their defaults.", ""]
    for name, table in EXPORTS.items():
        lines += _table_markdown(f"export --table {name}", table)
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
