"""The full-text index's contents: folded text computed here, never stored in ``articles``.

Since schema version 8 ``articles_fts`` indexes ``fold(title)`` and ``fold(body)`` fed
from Python (declared ``content="articles"`` so that Datasette and ``sqlite-utils search``
find it; the folded columns it names exist only in the index). Storing the folds in
``articles`` had doubled the bytes written per article (issue 11).

FTS5 removes a document only when given the exact text it indexed, so every change of an
article's title or body goes through ``search_changes``: triggers copy the old title and
body of any row updated or deleted (by the archive or by hand, in the sqlite3 shell or
Datasette), and the next write of the archive (:class:`IndexQueue`: ``save_articles``,
``reclean_articles``; a crawl writes every batch) removes ``fold(old text)`` from the index
and indexes the current text. Until then a hand-deleted article may still be counted by a
search (never shown: hits are read from ``articles``), and a hand-edited one found by its
old words. Opening an archive does not apply them: a search must not wait for a crawl's
write lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from archive.fold import fold
from archive.schema import FTS_DELETE_SQL, FTS_INDEX_SQL, FTS_TABLE

__all__ = [
    "CHANGES_TABLE", "IndexQueue", "check", "create_changes", "pending_changes", "reindex",
    "unindexed_ids",
]

#: Old texts of articles whose title or body changed or which were deleted, not yet
#: taken out of the index.
CHANGES_TABLE = "search_changes"

_CHANGES_SQL = (
    f"CREATE TABLE IF NOT EXISTS {CHANGES_TABLE} (id INTEGER PRIMARY KEY, "
    "article_id INTEGER NOT NULL, title TEXT, body TEXT)"
)
_TRIGGERS_SQL = (
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN "
    f"INSERT INTO {CHANGES_TABLE} (article_id, title, body) "
    "VALUES (old.id, old.title, old.body); END",
    f"CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, body "
    f"ON articles BEGIN INSERT INTO {CHANGES_TABLE} (article_id, title, body) "
    "VALUES (old.id, old.title, old.body); END",
)
_CHUNK = 500


def create_changes(conn: sqlite3.Connection) -> None:
    """The ``search_changes`` table and the triggers that fill it."""
    conn.execute(_CHANGES_SQL)
    for statement in _TRIGGERS_SQL:
        conn.execute(statement)


def pending_changes(conn: sqlite3.Connection) -> bool:
    """Whether rows were updated or deleted since the index last saw them."""
    try:
        return conn.execute(f"SELECT 1 FROM {CHANGES_TABLE} LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # no such table: an archive being created
        return False


def _indexed(conn: sqlite3.Connection, article_id: int) -> bool:
    """Whether the index holds a document for this id (its token counts are stored)."""
    row = conn.execute(f"SELECT 1 FROM {FTS_TABLE}_docsize WHERE id = ?", (article_id,))
    return row.fetchone() is not None


class IndexQueue:
    """Index changes of one write transaction, applied in bulk.

    One ``executemany`` per 500 articles, after the rows are written: FTS5 writes its
    pending data out at every statement savepoint, so interleaving index writes with
    other statements cost 0.4 ms a statement. Creating the queue first applies the
    changes other tools left in ``search_changes`` (so an id they freed and this
    transaction reuses is clean).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        #: Folded (title, body) to index at the next flush, by article id.
        self.pending: dict[int, tuple[str, str]] = {}
        #: Ids inserted since the last flush: nothing of theirs is in the index yet.
        self.new: set[int] = set()
        from archive import spellings  # writes only: a search does not load it

        #: The exact-spelling table (``archive.spellings``), kept in step with the index.
        self.spellings = spellings.Queue(conn)
        self._apply_changes()

    def add(self, article_id: int, title_fold: str, body_fold: str, *, new: bool,
            title: str = "", body: str = "", spellings: frozenset[str] | None = None) -> None:
        """Index this text of the article at the next flush (``new``: a new row;
        ``title`` and ``body`` as written, for ``archive.spellings``; ``spellings``: their
        ``spellings_of``, when computed before)."""
        self.pending[article_id] = (title_fold, body_fold)
        self.spellings.add(article_id, title, body, title_fold, body_fold, new=new,
                           ahead=spellings)
        if new:
            self.new.add(article_id)
        if len(self.pending) >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        """Take the changed articles' old text out of the index, then index the pending."""
        self._apply_changes()
        rows = [(article_id, *text) for article_id, text in self.pending.items()]
        self.pending.clear()
        self.new.clear()
        if rows:
            self.conn.executemany(FTS_INDEX_SQL, rows)
        self.spellings.flush()

    def _apply_changes(self) -> None:
        """Remove the old text of every article in ``search_changes`` (the first one
        recorded is what the index holds) and queue the current text of those not
        already pending."""
        rows = self.conn.execute(
            f"SELECT id, article_id, title, body FROM {CHANGES_TABLE} ORDER BY id"
        ).fetchall()
        if not rows:
            return
        removals: dict[int, tuple[str, str]] = {}
        for _, article_id, title, body in rows:
            if article_id in removals or article_id in self.new:
                continue  # a later change, or text that was never indexed
            if _indexed(self.conn, article_id):
                removals[article_id] = (fold(title or ""), fold(body or ""))
        self.conn.execute(f"DELETE FROM {CHANGES_TABLE} WHERE id <= ?", (rows[-1][0],))
        respell = self.spellings.changed(row[1] for row in rows)
        self.conn.executemany(FTS_DELETE_SQL, [(i, *text) for i, text in removals.items()])
        stale = [i for i in removals if i not in self.pending]
        for start in range(0, len(stale), _CHUNK):
            chunk = stale[start : start + _CHUNK]
            for article_id, title, body in self.conn.execute(
                f"SELECT id, title, body FROM articles WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                self.pending[article_id] = (fold(title or ""), fold(body or ""))
                self.spellings.add(article_id, title or "", body or "",
                                   *self.pending[article_id], new=False)
        respell = [i for i in respell if i not in self.spellings.pending]
        for start in range(0, len(respell), _CHUNK):
            chunk = respell[start : start + _CHUNK]
            for article_id, title, body in self.conn.execute(
                f"SELECT id, title, body FROM articles WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):  # changed by hand but not in the index (never indexed): spellings only
                self.spellings.add(article_id, title or "", body or "", fold(title or ""),
                                   fold(body or ""), new=False)


def reindex(
    conn: sqlite3.Connection, progress: Callable[[int, int], None] | None = None
) -> int:
    """Empty the index and index every article's folded title and body; how many.

    Runs in the caller's transaction (``progress(done, total)`` every 10,000).
    """
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    conn.execute(f"DELETE FROM {CHANGES_TABLE}")
    from archive import spellings

    if spellings.exists(conn):
        spellings.rebuild(conn)
    total = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    done, last = 0, -(2**63)
    while True:
        rows = conn.execute(
            "SELECT id, title, body FROM articles WHERE id > ? ORDER BY id LIMIT ?",
            (last, _CHUNK),
        ).fetchall()
        if not rows:
            break
        conn.executemany(
            FTS_INDEX_SQL, [(i, fold(title or ""), fold(body or "")) for i, title, body in rows]
        )
        last = rows[-1][0]
        before, done = done, done + len(rows)
        if progress is not None and done // 10_000 > before // 10_000:
            progress(done, total)
    return done


def unindexed_ids(conn: sqlite3.Connection) -> tuple[int, int]:
    """(articles missing from the index, index documents without an article), leaving
    out those ``search_changes`` accounts for."""
    missing = conn.execute(
        f"SELECT count(*) FROM articles a WHERE NOT EXISTS "
        f"(SELECT 1 FROM {FTS_TABLE}_docsize d WHERE d.id = a.id) AND a.id NOT IN "
        f"(SELECT article_id FROM {CHANGES_TABLE})"
    ).fetchone()[0]
    orphans = conn.execute(
        f"SELECT count(*) FROM {FTS_TABLE}_docsize d WHERE NOT EXISTS "
        f"(SELECT 1 FROM articles a WHERE a.id = d.id) AND d.id NOT IN "
        f"(SELECT article_id FROM {CHANGES_TABLE})"
    ).fetchone()[0]
    return int(missing), int(orphans)


#: ``check`` compares every document's terms up to this many articles, token counts of a
#: sample of ``CHECK_SAMPLE`` above (a full comparison re-indexes everything: ~0.4 ms an
#: article).
CHECK_FULL = 20_000
CHECK_SAMPLE = 2_000


def _varints(blob: bytes) -> list[int]:
    """The varints of an FTS5 ``docsize`` blob (tokens per column)."""
    values, value, shift = [], 0, 0
    for byte in blob:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            values.append(value)
            value, shift = 0, 0
    return values


def check(conn: sqlite3.Connection) -> str | None:
    """What is wrong with the index against ``fold()`` of the articles, or None.

    Structure (FTS5 ``integrity-check`` without content), then ids (an article missing
    from the index, a document without its article, changes waiting aside), then the
    terms of every document (``CHECK_FULL`` articles or fewer) or the token counts of
    a sample. Writes only to the ``temp`` schema.
    """
    conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 0)")
    missing, orphans = unindexed_ids(conn)
    if missing or orphans:
        return f"{missing} article(s) not in the index, {orphans} deleted one(s) still in it"
    tokenize = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = ?", (FTS_TABLE,)
    ).fetchone()[0].partition("tokenize=")[2].strip().rstrip(")").strip()
    total = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    pending = {row[0] for row in conn.execute(f"SELECT article_id FROM {CHANGES_TABLE}")}
    where = "" if total <= CHECK_FULL else f"ORDER BY random() LIMIT {CHECK_SAMPLE}"
    conn.execute("DROP TABLE IF EXISTS temp.fts_check")
    conn.execute(f"CREATE VIRTUAL TABLE temp.fts_check USING fts5(title_fold, body_fold, "
                 f"content='', tokenize={tokenize})")
    try:
        rows = conn.execute(f"SELECT id, title, body FROM articles {where}").fetchall()
        conn.executemany(
            "INSERT INTO temp.fts_check(rowid, title_fold, body_fold) VALUES (?, ?, ?)",
            [(i, fold(t or ""), fold(b or "")) for i, t, b in rows if i not in pending],
        )
        wrong = conn.execute(
            f"SELECT count(*) FROM temp.fts_check_docsize c JOIN main.{FTS_TABLE}_docsize d "
            "ON d.id = c.id WHERE d.sz IS NOT c.sz"
        ).fetchone()[0]
        if wrong:
            return f"{wrong} article(s) indexed with other text than they have"
        if total <= CHECK_FULL and not pending:
            for vocab, schema, table in (("v_main", "main", FTS_TABLE),
                                         ("v_check", "temp", "fts_check")):
                conn.execute(f"DROP TABLE IF EXISTS temp.{vocab}")
                conn.execute(f"CREATE VIRTUAL TABLE temp.{vocab} USING "
                             f"fts5vocab({schema}, {table}, row)")
            differ = conn.execute(
                "SELECT (SELECT count(*) FROM (SELECT * FROM temp.v_main EXCEPT "
                "SELECT * FROM temp.v_check)) + (SELECT count(*) FROM (SELECT * FROM "
                "temp.v_check EXCEPT SELECT * FROM temp.v_main))"
            ).fetchone()[0]
            if differ:
                return f"{differ} term(s) indexed differently from the articles' text"
    finally:
        for name in ("v_main", "v_check", "fts_check"):
            conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    return None
