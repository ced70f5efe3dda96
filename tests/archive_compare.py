"""Compare what two archives hold, table by table, without fetch times and row ids.

Two crawls of the same pages give their articles other ids (pages arrive in another order),
so every row is keyed by what it is about: an article by its URL, a story by its articles'
URLs, a spelling by its text. Left out: fetch and run times (``*_at`` columns but
``published_at``/``updated_at``/``first_published_at``), ids, ``crawl_runs``' pid and stats,
``spelling_rules.filled_to`` (an article id: compared as "covers every article"), and the
full-text index's own tables, whose segments depend on the batches: the index is compared
by what it answers instead (each article's token counts, and the bm25 hits of the
``--words`` most frequent title words). A table this script does not know is compared
whole, so a new table never passes unseen::

    python tests/archive_compare.py A.db B.db [--words 200]

Prints one line per table (rows, and "same" or the first differences); exits 1 when any
differs. ``archive_rows`` is what ``tests/test_archive_compare.py`` compares.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections import Counter
from pathlib import Path
from typing import Any

#: Kept although they end in ``_at``: dates of the news, not of the crawl.
_NEWS_DATES = ("published_at", "updated_at", "first_published_at")
#: The full-text index's shadow tables (compared through queries).
_FTS_TABLES = ("articles_fts", "articles_fts_config", "articles_fts_data",
               "articles_fts_docsize", "articles_fts_idx")


def _kept(column: str) -> bool:
    """Whether a column is compared (not a crawl time nor an id)."""
    if column in _NEWS_DATES:
        return True
    return not (column.endswith("_at") or column == "id" or column.endswith("_id"))


def _rows(conn: sqlite3.Connection, sql: str,
          params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return sorted(conn.execute(sql, params).fetchall(), key=repr)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info('{table}')")]


def _by_url(conn: sqlite3.Connection, table: str, key: str = "article_id") -> list[tuple[Any, ...]]:
    """A table's rows with ``key`` (an article id) given as the article's URL."""
    cols = [c for c in _columns(conn, table) if _kept(c)]
    picked = ", ".join(f"t.{c}" for c in cols)
    return _rows(conn, f"SELECT a.url{', ' + picked if picked else ''} FROM {table} t "
                       f"LEFT JOIN articles a ON a.id = t.{key}")


def _stories(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Each story: its articles' URLs, its first article's URL and its other columns."""
    members: dict[int, list[str]] = {}
    for story, url in conn.execute("SELECT story_id, url FROM articles"):
        members.setdefault(story, []).append(url)
    cols = [c for c in _columns(conn, "stories") if _kept(c)]
    found = []
    for row in conn.execute(f"SELECT s.id, a.url, {', '.join('s.' + c for c in cols)} "
                            "FROM stories s LEFT JOIN articles a ON a.id = s.first_article_id"):
        found.append((tuple(sorted(members.pop(row[0], []))), *row[1:]))
    found += [(tuple(sorted(urls)), "no story row") for urls in members.values()]
    return sorted(found, key=repr)


def _fts_words(conn: sqlite3.Connection, count: int) -> list[str]:
    """The ``count`` most frequent words of the titles (folded as indexed), for queries."""
    words: Counter[str] = Counter()
    from archive.fold import fold

    for (title,) in conn.execute("SELECT title FROM articles"):
        words.update(w for w in fold(title or "").split() if w.isalnum() and len(w) > 2)
    return [w for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]


def _fts(conn: sqlite3.Connection, words: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """What the full-text index answers: token counts an article, and the ranked hits."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts'").fetchone():
        return {}
    found = {"articles_fts_docsize": _rows(
        conn, "SELECT a.url, d.sz FROM articles_fts_docsize d "
              "LEFT JOIN articles a ON a.id = d.id"),
        "articles_fts_config": _rows(conn, "SELECT k, v FROM articles_fts_config")}
    for word in words:
        found[f"articles_fts MATCH {word!r}"] = conn.execute(
            "SELECT a.url, bm25(articles_fts) FROM articles_fts "
            "JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ? "
            "ORDER BY bm25(articles_fts), a.url", (f'"{word}"',)).fetchall()
    return found


def archive_rows(path: Path | str, words: list[str] | None = None, *,
                 word_count: int = 200) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the archive at ``path`` as comparable rows (see the module);
    ``words``: the full-text queries (default: its ``word_count`` most frequent title
    words)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        found: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables:
            if table in _FTS_TABLES:
                continue
            if table == "articles":
                cols = [c for c in _columns(conn, table) if _kept(c)]
                found[table] = _rows(conn, f"SELECT {', '.join(cols)} FROM articles")
            elif table == "stories":
                found[table] = _stories(conn)
            elif table in ("story_bands", "story_bands_recent"):
                continue  # below, together: when rows move between them depends on ids
            elif table == "raw_pages":
                found[table] = _by_url(conn, table)
            elif table == "article_spellings":
                found[table] = _rows(conn, "SELECT a.url, s.spelling FROM article_spellings x "
                                           "LEFT JOIN articles a ON a.id = x.article_id "
                                           "LEFT JOIN spellings s ON s.id = x.spelling_id")
            elif table == "spellings":
                found[table] = _rows(conn, "SELECT spelling FROM spellings")
            elif table == "spelling_rules":
                found[table] = _rows(conn, "SELECT version, filled_to >= (SELECT coalesce("
                                           "max(id), -1) FROM articles) FROM spelling_rules")
            elif table == "crawl_runs":
                found[table] = _rows(conn, "SELECT site, status, reason FROM crawl_runs")
            elif "article_id" in _columns(conn, table):
                found[table] = _by_url(conn, table)
            else:
                cols = [c for c in _columns(conn, table) if _kept(c)] or ["*"]
                found[table] = _rows(conn, f"SELECT {', '.join(cols)} FROM {table}")
        if "story_bands" in tables:
            union = " UNION ALL SELECT * FROM story_bands_recent" if (
                "story_bands_recent" in tables) else ""
            found["story_bands"] = _rows(
                conn, f"SELECT a.url, b.bucket FROM (SELECT * FROM story_bands{union}) b "
                      "LEFT JOIN articles a ON a.id = b.article_id")
        found.update(_fts(conn, _fts_words(conn, word_count) if words is None else words))
        return found
    finally:
        conn.close()


def differences(a: dict[str, list[tuple[Any, ...]]], b: dict[str, list[tuple[Any, ...]]],
                show: int = 3) -> dict[str, str]:
    """For each table that differs, a short description of how."""
    found: dict[str, str] = {}
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b:
            found[table] = "only in " + ("the second" if table not in a else "the first")
            continue
        if a[table] == b[table]:
            continue
        only_a = [r for r in a[table] if r not in b[table]][:show]
        only_b = [r for r in b[table] if r not in a[table]][:show]
        found[table] = (f"{len(a[table])} vs {len(b[table])} rows; first only in A: "
                        f"{[repr(r)[:200] for r in only_a]}; first only in B: "
                        f"{[repr(r)[:200] for r in only_b]}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--words", type=int, default=200,
                        help="full-text queries: the most frequent title words of A")
    args = parser.parse_args()
    first = archive_rows(args.a, word_count=args.words)
    words = [k.split("'")[1] for k in first if k.startswith("articles_fts MATCH")]
    second = archive_rows(args.b, words)
    diff = differences(first, second)
    for table in sorted(set(first) | set(second)):
        if table.startswith("articles_fts MATCH"):
            continue
        rows = len(first.get(table, []))
        print(f"{table:<22} {rows:>7} rows: {diff.get(table, 'same')}")
    queries = [k for k in first if k.startswith("articles_fts MATCH")]
    differ = [k for k in queries if k in diff]
    hits = sum(len(first[k]) for k in queries)
    print(f"full-text queries      {len(queries):>7} ({hits} hits): "
          + ("same" if not differ else f"{len(differ)} differ, e.g. {diff[differ[0]]}"))
    print("archives hold the same" if not diff else f"DIFFERENT: {len(diff)} table(s)/queries")
    sys.exit(1 if diff else 0)


if __name__ == "__main__":
    main()
