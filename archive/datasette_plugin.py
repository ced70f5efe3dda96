"""The archive in Datasette: Turkish search in the ``articles`` table, metadata, canned queries.

Registered as a ``datasette`` entry point, so plain ``datasette news.db`` loads it when
newscrawler is installed; ``newscrawler serve`` runs it through :func:`serve_archive`.
Only this module imports Datasette. What it does, for every database that is a
newscrawler archive (``PRAGMA application_id``), and nothing for other databases:

- ``?_search=`` and the search box of ``articles`` go through our query language,
  folding and inflection (``kadına`` = ``KADINA`` = ``kadina``, ``belediye`` finds
  ``belediyesinin``): the same articles and count as ``newscrawler search``. Datasette's
  own full-text filter, which would send the raw words to the folded index, is taken out
  for this table. The table page lists the matches newest first; the ``search`` canned
  query lists them in our ranking (bm25, then exact Turkish letters).
- The SQL functions ``newscrawler_match(q)`` (the FTS5 MATCH string of a query) and
  ``newscrawler_search(q)`` (the ids of the best 1,000 matches, ranked, as JSON) on
  every connection, for SQL of your own.
- Title, description, source, table and column descriptions, facets, newest-first
  sort, canned queries.
- Read-only: an authorizer refuses every write to an archive on Datasette's connections.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sqlite3
from collections.abc import Callable, Generator, Iterable
from functools import lru_cache
from typing import Any

from datasette import hookimpl

from archive import dictionary, lookalike, sqlquery
from archive.errors import QueryError
from archive.query import parse_query
from archive.schema import APPLICATION_ID, FTS_TABLE
from archive.search import search

__all__ = [
    "RANKED_LIMIT",
    "SEARCH_TABLE",
    "database_metadata",
    "is_loopback",
    "match_expression",
    "ranked_ids",
    "serve_archive",
]

#: The table whose search box and ``?_search=`` use our search.
SEARCH_TABLE = "articles"
#: ``newscrawler_search(q)`` ranks at most this many matches (Datasette shows 1,000 rows).
RANKED_LIMIT = 1000

_TITLE = "newscrawler archive"
_DESCRIPTION = (
    "Turkish regional news crawled by newscrawler: articles with their headline lists, "
    "text revisions, raw pages and crawl runs. Search finds any case and spelling "
    "(kadına = kadina = KADINA) and inflected forms (belediye finds belediyesinin)."
)
_SOURCE = "newscrawler"
_SOURCE_URL = "https://github.com/newscrawler/newscrawler"

_SEARCH_HELP = (
    "<p>The search box uses newscrawler's search: any case and Turkish spelling "
    "(<code>kadına</code> = <code>kadina</code> = <code>KADINA</code>), inflected forms "
    "(<code>belediye</code> finds <code>belediyesinin</code>), <code>\"exact phrase\"</code>, "
    "<code>prefix*</code>, <code>OR</code>, <code>-word</code>, <code>title:word</code>. "
    "It finds the same articles as <code>newscrawler search</code>; this page lists them "
    "newest first, the <a href=\"{search_url}\">search</a> query in newscrawler's ranking.</p>"
)

#: Canned queries: name -> (title, SQL, description).
CANNED_QUERIES: dict[str, tuple[str, str, str]] = {
    "search": (
        "Search, best matches first",
        "select a.id, a.published_at, a.site, a.title, a.url\n"
        "from json_each(newscrawler_search(:q)) as hit\n"
        "join articles as a on a.id = hit.value\n"
        "order by hit.key",
        "The articles newscrawler search finds for q, in its ranking (bm25, then exact "
        "Turkish letters); the best 1,000.",
    ),
    "articles_per_site_per_day": (
        "Articles per site per day",
        "select site, substr(published_at, 1, 10) as day, count(*) as articles\n"
        "from articles\n"
        "where published_at is not null and (:site = '' or site = :site)\n"
        "group by site, day\n"
        "order by day desc, site",
        "How many articles each site published each day (leave site empty for all). "
        "Articles without a date are not counted.",
    ),
    "article_headlines": (
        "Headline list of an article",
        "select h.position, h.title, h.url\n"
        "from headlines as h\n"
        "where h.article_id = :id\n"
        "order by h.position",
        "The list of other headlines printed under the article with this id, in page order.",
    ),
    "crawl_runs": (
        "Crawl runs and their outcomes",
        "select id, site, status, reason, started_at, finished_at\n"
        "from crawl_runs\n"
        "order by id desc",
        "Every crawl, newest first: its status (finished, failed, blocked, killed, "
        "running) and one line saying why it ended so.",
    ),
}


# --- search ----------------------------------------------------------------------------------


def match_expression(q: str) -> str | None:
    """The FTS5 MATCH string ``newscrawler search`` runs for ``q`` (None: nothing to find).

    >>> match_expression('"Kadına" "IŞIK" -"spor"')
    '("kadina" AND "isik") NOT ("spor")'
    >>> match_expression("-spor") is None
    True
    """
    return sqlquery.match_expression(q)


def ranked_ids(conn: sqlite3.Connection, q: str | None, limit: int = RANKED_LIMIT) -> str:
    """The ids of the best ``limit`` matches of ``q``, in our ranking, as a JSON list."""
    if not q or not q.strip():
        return "[]"
    return json.dumps([hit["id"] for hit in search(conn, q, limit=limit, words=1)])


def _match_function(q: str | None) -> str | None:
    """``newscrawler_match(q)``: a query that matches nothing gives a MATCH that finds nothing."""
    if q is None:
        return None
    return match_expression(q)


@lru_cache(maxsize=64)
def _lookalike_checks(q: str) -> tuple[lookalike.Check, ...]:
    """The look-alike checks of query ``q`` (``archive.lookalike``), parsed once per query."""
    return tuple(lookalike.checks(parse_query(q)))


def _agrees_function(q: str | None, title: str | None, body: str | None) -> int:
    """``newscrawler_agrees(q, title, body)``: 0 when the article matched ``q`` only through
    a look-alike that folding creates (``su`` in an article that has only ``şu``), else 1."""
    found = list(_lookalike_checks(q or ""))
    return 0 if found and lookalike.rejects([(0, title, body)], found) else 1


_WRITES = frozenset(
    getattr(sqlite3, name)
    for name in (
        "SQLITE_INSERT", "SQLITE_UPDATE", "SQLITE_DELETE", "SQLITE_CREATE_TABLE",
        "SQLITE_CREATE_INDEX", "SQLITE_CREATE_TRIGGER", "SQLITE_CREATE_VIEW",
        "SQLITE_DROP_TABLE", "SQLITE_DROP_INDEX", "SQLITE_DROP_TRIGGER", "SQLITE_DROP_VIEW",
        "SQLITE_ALTER_TABLE", "SQLITE_REINDEX", "SQLITE_ANALYZE", "SQLITE_CREATE_VTABLE",
        "SQLITE_DROP_VTABLE",
    )
)  # fmt: skip


def _read_only(action: int, arg1: str | None, _arg2: str | None, db_name: str | None,
               _trigger: str | None) -> int:
    """SQLite authorizer: deny any change to the archive (``main``); reads and temp allowed.

    SQLite's own bookkeeping is let through: loading the full-text index's declaration
    is authorized as an ``UPDATE sqlite_master`` (user SQL cannot write that table).
    """
    if action in _WRITES and db_name in (None, "main") and not (arg1 or "").startswith("sqlite_"):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@lru_cache(maxsize=64)
def _is_archive_file(path: str, _mtime_ns: int) -> bool:
    from archive.connection import on_read_only_storage, read_only_uri

    uri = read_only_uri(path) if on_read_only_storage(path) else f"file:{path}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute("PRAGMA application_id").fetchone()
        return bool(row) and row[0] == APPLICATION_ID
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def is_archive(datasette: Any, database: str | None) -> bool:
    """Whether Datasette's database ``database`` is a newscrawler archive file."""
    db = datasette.databases.get(database) if database else None
    path = getattr(db, "path", None)
    if not path or getattr(db, "is_memory", False):
        return False
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return False
    return _is_archive_file(str(path), mtime)


def _is_core_search(result: Any) -> bool:
    """Whether ``result`` is what Datasette's own ``?_search=`` filter returned."""
    return getattr(result, "__module__", None) == "datasette.filters" and str(
        getattr(result, "__qualname__", "")
    ).startswith("search_filters.")


def _search_filter(request: Any, datasette: Any, database: str) -> Callable[[], Any]:
    """Our ``?_search=`` filter for ``articles``: a MATCH on the folded index."""
    from datasette.filters import FilterArguments
    from datasette.utils.asgi import BadRequest

    async def inner() -> Any:
        columns = [key for key in request.args if key.startswith("_search_")]
        if columns:
            raise BadRequest(
                f"{columns[0]} is not supported here: search the title with "
                "?_search=title:word, or the whole article with ?_search=words")
        q = request.args.get("_search") or ""
        context = {"supports_search": True, "search": q}
        if not q.strip():
            return FilterArguments([], extra_context=context)
        try:
            match = match_expression(q)
        except QueryError as exc:
            raise BadRequest(str(exc)) from None
        described = f'search matches "{q}" (any case and Turkish spelling, inflected forms)'
        if match is None:
            return FilterArguments(["0"], {}, [described], context)
        where = (f"id in (select rowid from {FTS_TABLE} "
                 f"where {FTS_TABLE} match :newscrawler_match)")
        params = {"newscrawler_match": match}
        if _lookalike_checks(q):  # as the CLI does: `su` does not find an article with only `şu`
            where += " and newscrawler_agrees(:newscrawler_q, title, body)"
            params["newscrawler_q"] = q
        return FilterArguments([where], params, [described], context)

    return inner


@hookimpl(hookwrapper=True)
def filters_from_request(
    request: Any, database: str, table: str, datasette: Any
) -> Generator[None, Any, None]:
    """For an archive's ``articles``: replace Datasette's ``?_search=`` filter with ours."""
    outcome = yield
    if table != SEARCH_TABLE or not is_archive(datasette, database):
        return
    results = [r for r in outcome.get_result() if not _is_core_search(r)]
    results.append(_search_filter(request, datasette, database))
    outcome.force_result(results)


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Our SQL functions on every connection; an archive's connections also refuse writes."""
    conn.create_function("newscrawler_match", 1, _match_function, deterministic=True)
    conn.create_function("newscrawler_agrees", 3, _agrees_function, deterministic=True)
    conn.create_function("newscrawler_search", 1, lambda q: ranked_ids(conn, q))
    if is_archive(datasette, database):
        conn.set_authorizer(_read_only)


# --- metadata ------------------------------------------------------------------------------


def _column_description(column: dictionary.ColumnDoc) -> str:
    """One column's line of the data dictionary, as Datasette shows it under the header."""
    text = f"{column.meaning} ({column.type}; e.g. {column.example})"
    if column.null_when != "never":
        text += f" Null when {column.null_when}."
    return text


def _dictionary() -> dict[str, dict[str, Any]]:
    """Table and column descriptions from the data dictionary (``archive.dictionary``)."""
    return {
        name: {
            "description": table.description,
            "columns": {col: _column_description(doc) for col, doc in table.columns.items()},
        }
        for name, table in dictionary.TABLES.items()
    }


def database_metadata(name: str, base_url: str = "/") -> dict[str, Any]:
    """Datasette metadata for the archive served as database ``name``."""
    tables: dict[str, dict[str, Any]] = {}
    for table, described in _dictionary().items():
        entry: dict[str, Any] = {}
        if described.get("description"):
            entry["description"] = described["description"]
        if described.get("columns"):
            entry["columns"] = dict(described["columns"])
        tables[table] = entry
    articles = tables.setdefault(SEARCH_TABLE, {})
    search_url = f"{base_url}{name}/search"
    articles["description_html"] = (
        (f"<p>{_escape(articles['description'])}</p>" if articles.get("description") else "")
        + _SEARCH_HELP.format(search_url=search_url))
    articles.update({
        "facets": ["site", "category", "author"],
        "sort_desc": "published_at",
        "label_column": "title",
    })
    return {
        "title": _TITLE,
        "description": _DESCRIPTION,
        "source": _SOURCE,
        "source_url": _SOURCE_URL,
        "tables": tables,
        "queries": {
            key: {"title": title, "sql": sql, "description": description}
            for key, (title, sql, description) in CANNED_QUERIES.items()
        },
    }


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


@hookimpl
def get_metadata(datasette: Any, key: str | None, database: str | None,
                 table: str | None) -> dict[str, Any]:
    """Metadata for every archive Datasette serves (local metadata still wins)."""
    names = [name for name in datasette.databases if is_archive(datasette, name)]
    if not names:
        return {}
    base_url = datasette.setting("base_url") or "/"
    return {
        "title": _TITLE,
        "description": _DESCRIPTION,
        "source": _SOURCE,
        "source_url": _SOURCE_URL,
        "databases": {name: database_metadata(name, base_url) for name in names},
    }


# --- serving -------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine.

    >>> [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1")]
    [True, True, True, True]
    >>> [is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.5", "example.org")]
    [False, False, False, False]
    """
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def resolve(host: str, port: int) -> tuple[int, Any]:
    """The socket family and address to listen on; ``socket.gaierror`` for an unknown host."""
    family, _, _, _, address = socket.getaddrinfo(host.strip("[]"), port,
                                                  type=socket.SOCK_STREAM)[0]
    return family, address


def bind(family: int, address: Any) -> socket.socket:
    """A listening TCP socket on ``address`` (port 0: a free port); OSError when it cannot be."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def register() -> None:
    """Register this plugin with Datasette unless its entry point already did."""
    import sys

    from datasette.plugins import pm

    module = sys.modules[__name__]
    if not pm.is_registered(module):
        pm.register(module, name="newscrawler")


def make_datasette(paths: Iterable[str], **settings: Any) -> Any:
    """A ``Datasette`` over the archive files, read-only, with this plugin (a file on
    read-only storage as immutable: SQLite could not make its ``-shm`` there)."""
    from datasette.app import Datasette

    from archive.connection import on_read_only_storage

    register()
    defaults = {"truncate_cells_html": 300}
    paths = list(paths)
    fixed = [p for p in paths if on_read_only_storage(p)]
    return Datasette([p for p in paths if p not in fixed], immutables=fixed,
                     settings={**defaults, **settings})


def serve_archive(path: str, sock: socket.socket,
                  ready: Callable[[str], None] | None = None) -> None:
    """Serve the archive at ``path`` on the bound ``sock`` until interrupted.

    ``ready`` is called with the ``articles`` table's URL once the server listens.
    """
    import asyncio

    import uvicorn

    datasette = make_datasette([path])
    asyncio.run(datasette.invoke_startup())
    name = next(name for name, db in datasette.databases.items()
                if db.path and os.path.samefile(db.path, path))
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}{datasette.urls.table(name, SEARCH_TABLE)}"
    config = uvicorn.Config(datasette.app(), log_level="warning", lifespan="on")

    class Announcing(uvicorn.Server):
        """uvicorn's server, calling ``ready`` once it listens and Ctrl-C stops it cleanly
        (announced before, a Ctrl-C could land before uvicorn took the signal over)."""

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if ready is not None and self.started:
                ready(url)

    Announcing(config).run(sockets=[sock])
