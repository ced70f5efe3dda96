"""The archive schema, as data, and the migrations that build it.

``PRAGMA user_version`` holds the number of migrations applied; ``migrate`` runs the
missing ones in order, in one transaction. Migrations only ever add: tables, columns,
indexes, triggers. Nothing stored is dropped or rewritten, so no archive loses data; the
full-text index, derived data, may be declared again and rebuilt. The one exception,
version 8, drops derived data only: the folded copies of title and body (the index is
rebuilt from ``fold()`` of the originals) and indexes no query needs.

What each column means, its values and when it is null: ``archive.dictionary`` (and
``docs/data-dictionary.md``, generated from it); a test keeps the two in step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from archive.connection import transaction
from archive.errors import ArchiveForeignError, ArchiveVersionError
from archive.fold import fold

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (#11)
if TYPE_CHECKING:  # sqlite-utils is imported by the code that migrates, not by readers
    from typing import NamedTuple

    from sqlite_utils import Database
else:
    from archive.records import NamedTuple

__all__ = [
    "APPLICATION_ID",
    "ARTICLE_RECORD_KEYS",
    "FILTER_INDEX",
    "FTS_DELETE_SQL",
    "FTS_INDEX_SQL",
    "FTS_OPTIMIZE_SQL",
    "FTS_REBUILD_SQL",
    "FTS_TABLE",
    "FTS_TOKENIZE",
    "MIGRATIONS",
    "RUN_STATUSES",
    "SCHEMA_VERSION",
    "STORIES",
    "STORY_BANDS_SQL",
    "TABLES",
    "Index",
    "Table",
    "application_id",
    "check_archive",
    "describe",
    "is_empty",
    "migrate",
    "schema_version",
    "table_names",
]


# NamedTuple, not dataclass: importing dataclasses (inspect, ast, dis) costs a search
# from the command line ~6 ms (issue 11, goal 3).
class Index(NamedTuple):
    """An index on one table."""

    columns: tuple[str, ...]
    unique: bool = False

    def name(self, table: str) -> str:
        """``idx_<table>_<columns>``."""
        return f"idx_{table}_{'_'.join(self.columns)}"


class Table(NamedTuple):
    """One table: columns (name -> Python type), keys and indexes."""

    name: str
    columns: dict[str, type]
    pk: str | tuple[str, ...]
    not_null: tuple[str, ...] = ()
    defaults: dict[str, object] = {}  # read only
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[Index, ...] = ()


ARTICLES = Table(
    "articles",
    {
        "id": int,
        "url": str,  # canonical URL, unique
        "site": str,  # site profile name
        "title": str,
        "body": str,
        "published_at": str,  # YYYY-MM-DD (day precision) or ISO 8601 with Istanbul offset
        "updated_at": str,
        "date_precision": str,  # day / relative / minute / second
        "date_source": str,  # json-ld / meta / time / byline / feed / sitemap / url / text
        "date_raw": str,
        "author": str,
        "credit": str,  # credit line ("Hibya Haber Ajansı")
        "category": str,
        "tags": str,  # JSON list
        "language": str,
        "fetched_at": str,  # last fetch
        "first_seen_at": str,
        "last_seen_at": str,
        "content_hash": str,  # sha1 of normalized title + body
        "fetched_url": str,  # the URL the page came from, when not the canonical one
        "revision": int,  # 1, then +1 per change of title or body
        "flags": str,  # comma-separated marks for researchers ("short"); null: none (v4)
        "story_id": int,  # stories.id: the story this text is a copy of (#10)
    },
    pk="id",
    not_null=("url", "revision"),
    defaults={"revision": 1},
    indexes=(
        Index(("url",), unique=True),
        # (site) alone: dropped in version 8, (site, published_at) serves its queries.
        Index(("published_at",)),
        # (content_hash): dropped in version 11 (see _v11_no_hash_index).
        Index(("fetched_url",)),
        # Search filters by site and dates read these, never the wide rows (~3 µs a row):
        # ids of the articles a filter keeps, and the filter columns of a given id.
        Index(("site", "published_at")),
        Index(("id", "site", "published_at")),
        Index(("story_id", "site")),  # a story's copies, and whether a site has one yet
    ),
)

#: The index search reads the filter columns of a matching article from (see above).
FILTER_INDEX = "idx_articles_id_site_published_at"

HEADLINES = Table(
    "headlines",
    {"article_id": int, "position": int, "title": str, "url": str},
    pk=("article_id", "position"),
    not_null=("title",),
    foreign_keys=(("article_id", "articles", "id"),),
)

REVISIONS = Table(
    "revisions",
    {
        "article_id": int,
        "revision": int,  # the revision number this text had
        "title": str,
        "body": str,
        "content_hash": str,
        "fetched_at": str,  # when this text was last fetched
        "replaced_at": str,  # fetch time of the text that replaced it
    },
    pk=("article_id", "revision"),
    foreign_keys=(("article_id", "articles", "id"),),
)

RAW_PAGES = Table(
    "raw_pages",
    {
        "url": str,  # URL the page was fetched from
        "site": str,
        "fetched_at": str,
        "status": int,
        "content_type": str,
        "encoding": str,
        "body": bytes,  # zlib-compressed HTML bytes, as received
        "article_id": int,  # set when an article was saved from this page
    },
    pk="url",
    foreign_keys=(("article_id", "articles", "id"),),
    indexes=(Index(("article_id",)), Index(("site",))),
)

CRAWL_RUNS = Table(
    "crawl_runs",
    {
        "id": int,
        "site": str,
        "started_at": str,
        "finished_at": str,
        "status": str,  # one of RUN_STATUSES
        "pid": int,
        "stats": str,  # JSON object
        "reason": str,  # one line: why the run ended as it did (schema v3)
    },
    pk="id",
    not_null=("status",),
    indexes=(Index(("status",)),),
)

SITE_TEMPLATES = Table(
    "site_templates",
    {
        "site": str,
        "block_hash": str,  # sha1 of the line's folded words, 16 hex digits
        "text": str,  # the line as first seen
        "pages_seen": int,  # distinct pages of the site the line was seen on
        "site_pages": int,  # pages of the site counted when pages_seen was
        "first_seen_at": str,
        "last_seen_at": str,
    },
    pk=("site", "block_hash"),
    not_null=("pages_seen",),
)

PLACES = Table(
    "places",
    {
        "article_id": int,
        "rank": int,  # 1 = the place the article is most about
        "province": str,  # official province name (newscrawler/places/data/gazetteer.tsv)
        "district": str,  # official district name; null: only the province is known
        "found_in": str,  # dateline / title / lead / body / region
    },
    pk=("article_id", "rank"),
    not_null=("province",),
    foreign_keys=(("article_id", "articles", "id"),),
    indexes=(Index(("province", "district")), Index(("district",))),
)

STORIES = Table(
    "stories",
    {
        "id": int,  # story id (numbered in opening order; `stories --rebuild` renumbers)
        "first_article_id": int,  # the copy published first
        "first_site": str,
        "first_published_at": str,
        "copies": int,  # articles in the story (1: a singleton)
        "sites": int,  # distinct sites among them
    },
    pk="id",
    indexes=(Index(("sites", "copies")),),
)

TABLES: tuple[Table, ...] = (ARTICLES, HEADLINES, REVISIONS, RAW_PAGES, CRAWL_RUNS,
                             SITE_TEMPLATES, PLACES, STORIES)

#: States of a crawl run: ``running`` until it ends; ``finished``; ``failed`` (nothing
#: fetched, only errors, or the archive could not be written); ``blocked`` (the site
#: served block pages or rate-limited us); ``killed`` (interrupted by a signal, or found
#: ``running`` by a later crawl of the same site).
RUN_STATUSES = ("running", "finished", "failed", "blocked", "killed")

#: Keys an article record passed to ``Archive.save_articles`` may have.
ARTICLE_RECORD_KEYS = frozenset(
    {
        "url", "site", "title", "body", "published_at", "updated_at", "date_precision",
        "date_source", "date_raw", "author", "credit", "category", "tags", "language",
        "fetched_at", "headlines", "content_hash", "fetched_url", "flags",
        "places", "story_prints", "spellings",
    }
)  # fmt: skip

# Versions 1-7 stored the folded text in articles (title_fold, body_fold, filled by the
# archive); version 8 drops them. The released migrations build that older layout.
_ARTICLES_V7 = ARTICLES._replace(columns={
    **{k: v for k, v in ARTICLES.columns.items() if k not in ("flags", "story_id")},
    "title_fold": str, "body_fold": str, "flags": str, "story_id": int})
_TABLES_V7 = tuple(_ARTICLES_V7 if t is ARTICLES else t for t in TABLES)

#: "NCRW": marks the file as a newscrawler archive (``PRAGMA application_id``).
APPLICATION_ID = 0x4E435257

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("title_fold", "body_fold")
#: Measured: with folded columns, 30/30 typical Turkish queries right and no false hits.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"

# Version 1's declaration; version 2 declares it again as _FTS_V2_SQL (same index).
_FTS_SQL = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    title_fold, body_fold,
    content='articles', content_rowid='id',
    tokenize='{FTS_TOKENIZE}'
)"""

# The index is filled in bulk by Archive.save_articles (FTS_INDEX_SQL after each batch):
# measured 1.5-1.7x faster than an AFTER INSERT trigger, which costs a statement
# savepoint per row. Deleting rows by hand (sqlite3 shell) still keeps the index right;
# after editing folded columns by hand, run Archive.rebuild_index().
_TRIGGERS_SQL = f"""
CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_fold, body_fold)
    VALUES ('delete', old.id, old.title_fold, old.body_fold);
END;
"""

#: Index one article's folded text: (rowid, fold(title), fold(body)) (``archive.textindex``).
FTS_INDEX_SQL = f"INSERT INTO {FTS_TABLE}(rowid, title_fold, body_fold) VALUES (?, ?, ?)"
#: Remove one article's old folded text from the index: (rowid, title_fold, body_fold).
FTS_DELETE_SQL = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_fold, body_fold) VALUES ('delete', ?, ?, ?)"
)
#: Merge the index's segments into one (faster queries after many batches).
FTS_OPTIMIZE_SQL = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"
#: Rebuild the whole index from the articles table: versions 1-7 only (the folded columns
#: exist no more since version 8: ``archive.textindex.reindex``).
FTS_REBUILD_SQL = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"


def _ensure_table(db: Database, table: Table) -> None:
    if not db[table.name].exists():
        db.create_table(
            table.name,
            dict(table.columns),
            pk=table.pk,
            not_null=table.not_null,
            defaults=dict(table.defaults),
            foreign_keys=list(table.foreign_keys),
        )
    else:
        # An older or prototype table: add what is missing, keep everything it has.
        existing = {name.lower() for name in db[table.name].columns_dict}
        for name, col_type in table.columns.items():
            if name.lower() not in existing:
                db[table.name].add_column(name, col_type)  # type: ignore[union-attr]
    _create_indexes(db, table)


def _create_indexes(db: Database, table: Table) -> None:
    """Create the table's declared indexes that do not exist yet."""
    for index in table.indexes:
        db[table.name].create_index(  # type: ignore[union-attr]
            list(index.columns),
            index_name=index.name(table.name),
            unique=index.unique,
            if_not_exists=True,
        )


def _fill_derived(conn: sqlite3.Connection) -> None:
    """Fill what rows from an older schema lack: folds, content hash, revision 1."""
    from archive.hashing import content_hash  # (hashlib: not imported for a search)

    rows = conn.execute(
        "SELECT id, title, body FROM articles WHERE title_fold IS NULL OR body_fold IS NULL"
    ).fetchall()
    conn.executemany(
        "UPDATE articles SET title_fold = ?, body_fold = ? WHERE id = ?",
        [(fold(title or ""), fold(body or ""), rowid) for rowid, title, body in rows],
    )
    rows = conn.execute(
        "SELECT id, title, body FROM articles WHERE content_hash IS NULL"
    ).fetchall()
    conn.executemany(
        "UPDATE articles SET content_hash = ? WHERE id = ?",
        [(content_hash(title or "", body or ""), rowid) for rowid, title, body in rows],
    )
    conn.execute("UPDATE articles SET revision = 1 WHERE revision IS NULL")


def _v1_initial(db: Database) -> None:
    """Tables, indexes, the folded full-text index and its triggers."""
    for table in _TABLES_V7:
        _ensure_table(db, table)
    conn = db.conn
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    _fill_derived(conn)
    conn.execute(_FTS_SQL)
    conn.execute(FTS_REBUILD_SQL)
    # One statement at a time: executescript() would COMMIT the migration transaction.
    for statement in _TRIGGERS_SQL.split("END;"):
        if statement.strip():
            conn.execute(statement + "END;")


# Version 2 declares the same index with content="articles" in double quotes: that is what
# sqlite-utils (``sqlite-utils search news.db articles kadina``) and Datasette (the search
# box of the articles table) look for to know that the table has a full-text index.
_FTS_V2_SQL = f"""
CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
    title_fold, body_fold,
    content="articles", content_rowid='id',
    tokenize='{FTS_TOKENIZE}'
)"""


def _v2_search(db: Database) -> None:
    """Search that other tools find, and the narrow indexes its filters read.

    The full-text index is declared again (``_FTS_V2_SQL``) and rebuilt from the folded
    columns: nothing stored is lost, the index is derived data (the rebuild took 36-48 s
    for 100,000 articles, once). The (site, published_at) and (id, site, published_at)
    indexes: a word in 70% of 100,000 articles with ``--since`` took 0.3-0.6 s reading
    each candidate's wide row, 40 ms reading the index.
    """
    conn = db.conn
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (FTS_TABLE,)).fetchone()
    if row is None or 'content="articles"' not in row[0]:
        conn.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        conn.execute(_FTS_V2_SQL)
        conn.execute(FTS_REBUILD_SQL)
    for table in TABLES:
        _create_indexes(db, table)


def _v3_run_reason(db: Database) -> None:
    """``crawl_runs.reason``: one line saying why a run ended as it did."""
    _ensure_table(db, CRAWL_RUNS)


def _v4_templates(db: Database) -> None:
    """``site_templates``: lines learned as a site's template (``archive.templates``)."""
    _ensure_table(db, SITE_TEMPLATES)


def _v5_short(db: Database) -> None:
    """``articles.flags``: marks such as ``short`` (a short real article, kept since #9).

    Older archives dropped every body under 150 characters: their rows get no flag (null).
    """
    _ensure_table(db, _ARTICLES_V7)


#: LSH band buckets of the articles' MinHash signatures (``archive.stories``): one row per
#: band of an article, looked up by bucket when a new article is archived.
STORY_BANDS_SQL = """
CREATE TABLE IF NOT EXISTS story_bands (
    bucket INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (bucket, article_id)
) WITHOUT ROWID"""


def _v7_stories(db: Database) -> None:
    """Stories: ``articles.story_id``, the ``stories`` table and the ``story_bands`` index,
    filled for the articles already archived (``archive.stories.rebuild``: 92 s for
    100,000 articles, once; bench/stories_bench.py)."""
    from archive.stories import rebuild

    _ensure_table(db, _ARTICLES_V7)
    _ensure_table(db, STORIES)
    db.conn.execute(STORY_BANDS_SQL)
    rebuild(db.conn)


#: Migration functions, applied in order; ``user_version`` counts the applied ones.
#: Append new ones; never edit or remove a released one.
def _v6_places(db: Database) -> None:
    """``places``: the provinces and districts each article is about (#10)."""
    _ensure_table(db, PLACES)


def _v8_folds_once(db: Database) -> None:
    """The folded text lives only in the full-text index: ``articles.title_fold`` and
    ``body_fold`` are dropped and the index is rebuilt from ``fold(title)`` and
    ``fold(body)`` (``archive.textindex``); ``search_changes`` and its triggers keep the
    index right when rows are updated or deleted by hand. The file keeps its size until
    ``VACUUM`` (new articles reuse the freed pages).
    """
    from archive.textindex import create_changes, reindex

    conn = db.conn
    conn.execute("DROP TRIGGER IF EXISTS articles_fts_delete")
    conn.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    for index in _DROPPED_V8:
        conn.execute(f"DROP INDEX IF EXISTS {index}")
    _create_indexes(db, ARTICLES)
    columns = {name.lower() for name in db["articles"].columns_dict}
    for column in ("title_fold", "body_fold"):
        if column in columns:
            conn.execute(f"ALTER TABLE articles DROP COLUMN {column}")
    conn.execute(_FTS_V2_SQL)
    create_changes(conn)
    reindex(conn)


def _v9_exact_spellings(db: Database) -> None:
    """``spellings`` and ``article_spellings``: the exact spellings the look-alike check
    of searches reads instead of the articles' text (``archive.spellings``), filled for
    the articles already archived (about 1 s per 10,000 articles, once)."""
    from archive.spellings import rebuild

    rebuild(db.conn)


#: Indexes version 8 drops: (site) is the prefix of (site, published_at), which serves its
#: queries (EXPLAIN QUERY PLAN of the stats, export and search queries; every other
#: index is some query's only way to avoid reading every row).
_DROPPED_V8 = ("idx_articles_site",)


def _v10_recent_bands(db: Database) -> None:
    """``story_bands_recent``: the newest articles' bands, merged into ``story_bands`` in
    key order every ~5,000 articles (``archive.stories.settle``) instead of 32 random
    inserts an article into the big table (the COMMIT of a batch wrote most of its pages).
    Starts empty: the bands already stored stay where they are."""
    from archive.stories import RECENT_BANDS_SQL

    db.conn.execute(RECENT_BANDS_SQL)


def _v11_no_hash_index(db: Database) -> None:
    """Drop ``idx_articles_content_hash``: no query of the archive or the crawl reads it
    (``Archive.has_hash`` reads the rows instead), and its random keys made every batch
    dirty ~one more page an article once the archive outgrew the page cache: at 100,000
    articles it was half of the growth in bytes written an article, first to last 10,000
    (bench/archive_bench.py, #11). The file keeps its size until ``VACUUM``."""
    db.conn.execute("DROP INDEX IF EXISTS idx_articles_content_hash")


#: FTS5's ``automerge`` (its default: 4): how many segments of one level are merged into
#: the next. Each level rewrites every indexed word once, so the merging an article costs
#: grows with the number of levels, ``log(batches) / log(automerge)`` (#11).
FTS_AUTOMERGE = 8


def _v12_fts_automerge(db: Database) -> None:
    """The full-text index merges ``FTS_AUTOMERGE`` segments of a level at a time instead
    of 4: fewer levels, so fewer rewrites of each word as the archive grows (the index
    holds the same words; ``Archive.optimize`` still merges it into one segment)."""
    db.conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) "
                    f"VALUES ('automerge', {FTS_AUTOMERGE})")


def _v13_story_firsts(db: Database) -> None:
    """Find the first copy again of every story with a copy dated by its day alone: that
    day counted as its midnight, so it came before copies with a time on the same day
    (``archive.stories.sort_key`` now counts it as the day's last moment)."""
    from archive.stories import refresh

    conn = db.conn
    stories = [row[0] for row in conn.execute(
        "SELECT DISTINCT story_id FROM articles WHERE story_id IS NOT NULL "
        "AND length(published_at) = 10")]
    for story in stories:
        refresh(conn, story)


MIGRATIONS: list[Callable[[Database], None]] = [
    _v1_initial, _v2_search, _v3_run_reason, _v4_templates, _v5_short, _v6_places, _v7_stories,
    _v8_folds_once, _v9_exact_spellings, _v10_recent_bands, _v11_no_hash_index,
    _v12_fts_automerge, _v13_story_firsts,
]

#: The schema version this code writes.
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The ``PRAGMA user_version`` of the database."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def application_id(conn: sqlite3.Connection) -> int:
    """The ``PRAGMA application_id`` of the database."""
    return int(conn.execute("PRAGMA application_id").fetchone()[0])


def table_names(conn: sqlite3.Connection) -> list[str]:
    """The database's tables, sorted (``sqlite_*`` and FTS shadow tables included)."""
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [row[0] for row in rows]


def describe(conn: sqlite3.Connection) -> str:
    """What a database that is not ours looks like, for the message that refuses it.

    >>> conn = sqlite3.connect(":memory:")
    >>> for name in ("users", "articles", "orders", "tags", "likes", "posts"):
    ...     _ = conn.execute(f"CREATE TABLE {name} (x)")
    >>> describe(conn).partition(" (")[2]
    'application_id 0x0, tables: articles, likes, orders, posts, tags, ...)'
    """
    parts = [f"application_id {application_id(conn):#x}"]
    version = schema_version(conn)
    if version:
        parts.append(f"user_version {version}")
    tables = table_names(conn)
    shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
    parts.append(f"tables: {shown}" if tables else "no tables")
    return f"a SQLite database of another application ({', '.join(parts)})"


def is_empty(conn: sqlite3.Connection) -> bool:
    """A new file: no tables, no application id, no user version (0 bytes counts)."""
    return _header(conn) == _EMPTY


#: The application id, schema version and number of schema entries, read at once.
_HEADER_SQL = ("SELECT (SELECT application_id FROM pragma_application_id), "
               "(SELECT user_version FROM pragma_user_version), "
               "(SELECT count(*) FROM sqlite_master)")
#: ``_header`` of a new file.
_EMPTY = (0, 0, 0)


def _header(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(application id, schema version, schema entries) in one statement, so one snapshot:
    read one by one, a file another process was creating could look empty, then carry
    tables an instant later."""
    app_id, version, entries = conn.execute(_HEADER_SQL).fetchone()
    return int(app_id), int(version), int(entries)


def check_archive(conn: sqlite3.Connection, name: str = "the archive") -> int:
    """Read-only checks before anything is written; returns the schema version.

    A file is ours when it carries ``APPLICATION_ID`` (every archive since schema
    version 1 does), or when it is empty (a new file). Anything else is refused before
    the first write: no migration, no journal-mode change.

    :raises ArchiveForeignError: the file is some other application's database
    :raises ArchiveVersionError: the file comes from a newer newscrawler
    """
    header = _header(conn)
    app_id, version, _entries = header
    if app_id != APPLICATION_ID and header != _EMPTY:
        raise ArchiveForeignError(
            f"{name} is not a newscrawler archive: {describe(conn)}; "
            "pass the path of a new file or of an existing archive"
        )
    if version > SCHEMA_VERSION:
        raise ArchiveVersionError(
            f"{name} has schema version {version} but this newscrawler knows only "
            f"{SCHEMA_VERSION}; upgrade newscrawler (pip install -U newscrawler)"
        )
    return version


def migrate(db: Database, *, name: str = "the archive") -> list[int]:
    """Apply the missing migrations in one transaction; return the versions applied.

    An up-to-date database is only read, never written. A database from a newer
    newscrawler, or another application's database, raises instead of being touched.
    """
    conn = db.conn
    if check_archive(conn, name) == SCHEMA_VERSION:
        return []
    applied: list[int] = []
    with transaction(conn):
        # Another process may have migrated meanwhile (or, unlikely, written another
        # application's tables): check again under the write lock.
        version = check_archive(conn, name)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[number - 1](db)
            applied.append(number)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return applied
