"""Ranking the matches among a few kept articles phrase by phrase, with FTS5's own numbers.

When the site and date filters keep at most ``CANDIDATES`` articles, a search ranks every
match among them. FTS5 evaluates an expanded word as an OR of its ~60 forms, and its OR
costs (articles with any form) x (forms): ``şirket`` on one day stepped 66 forms through
70,000 articles to keep 82 (21 ms of 26; issue 11, goal 3b). ``ranked`` instead searches
each phrase of the MATCH on its own among the kept articles, all in one statement whose
list of kept ids is built once, and puts the answers together in Python:

- an article matches when every group has a term with a phrase in it and no excluded term
  has one: what FTS5's AND, OR and NOT compute from the same phrases;
- FTS5's bm25 is ``-(0.0 + x0 + x1 + ...)``, a sum over the MATCH's phrases in their
  order, where ``x_i`` depends on phrase ``i`` alone (how many articles of the whole index
  have it, its instances in the article weighted by column, the article's length; 0 for a
  phrase the article lacks). A phrase searched alone gives ``-x_i``; adding them in the same
  order gives the same double, bit for bit, so the hits, their order and ranks are those
  of the single MATCH (tests/test_phrase_rank.py compares them).

Phrases with letters outside ASCII (a query in another script) keep the single MATCH:
FTS5's tokenizer (Unicode 6.1) and Python may split them differently.
"""

from __future__ import annotations

import sqlite3

from archive.query import Phrases
from archive.schema import FTS_TABLE

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (goal 3a of #11)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["applies", "count", "ranked"]


#: An AND whose rarest group matches fewer articles than this (in the whole index) keeps
#: the single MATCH: FTS5 steps through that group and seeks the others' lists, where
#: phrase by phrase reads every list whole. Measured on 100,000 articles, one day:
#: ``zeytinyağı şirket`` (17 and 70,000 articles) 3.0 ms single, 14.7 phrase by phrase;
#: ``"su kesintisi" şirket`` (1,934) 12.4 against 13.9; ``kadın belediye`` (8,000 and
#: 19,000) 8.4 against 6.2; ``title:belediye şirket`` (4,800) 18.8 against 14.7.
RARE_GROUP = 2000


def applies(conn: sqlite3.Connection, phrases: Phrases) -> bool:
    """Whether ``ranked`` can stand for the MATCH of these phrases, and is worth it."""
    if not phrases.groups or not all(text.isascii() for text in phrases.texts):
        return False
    if len(phrases.groups) == 1:
        return True
    probe = (f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} "
             f"WHERE {FTS_TABLE} MATCH ? LIMIT {RARE_GROUP})")
    for group in phrases.groups:  # the first RARE_GROUP matches of each group, at most
        texts = [phrases.texts[i] for term in group for i in term]
        if any(text.endswith("*") or text.endswith("*)") for text in texts):
            continue  # FTS5 reads a prefix's lists whole to find even one match: not probed
        if conn.execute(probe, [" OR ".join(texts)]).fetchone()[0] < RARE_GROUP:
            return False
    return True


def ranked(
    conn: sqlite3.Connection,
    phrases: Phrases,
    weight: float,
    kept: str,
    kept_params: list[Any],
    low: int,
    high: int,
    rejected: frozenset[int] = frozenset(),
) -> list[tuple[int, float]]:
    """Every article of ``kept`` (ids between ``low`` and ``high``, none of ``rejected``)
    that the phrases' MATCH finds, with its ``bm25(fts, weight, 1.0)``, best first (ties:
    the oldest first)."""
    found, number = _found(conn, phrases, weight, kept, kept_params, low, high, rank=True)
    # Each article's x_i in FTS5's order of the phrases: the same additions, the same double
    # (sum() would not do: it compensates rounding since Python 3.12).
    terms: dict[int, list[float]] = {
        rowid: [] for rowid in _matching(found, number, phrases, rejected)}
    for group in phrases.groups:
        for term in group:
            for i in term:
                for rowid, x in found[number[i]].items():
                    if rowid in terms:
                        terms[rowid].append(x)
    hits = []
    for rowid, xs in terms.items():
        score = 0.0
        for x in xs:
            score += x
        hits.append((-1.0 * score, rowid))
    hits.sort()
    return [(rowid, rank) for rank, rowid in hits]


def count(
    conn: sqlite3.Connection,
    phrases: Phrases,
    kept: str,
    kept_params: list[Any],
    low: int,
    high: int,
    rejected: frozenset[int] = frozenset(),
) -> int:
    """How many articles ``ranked`` finds (no bm25: each phrase's list is only read)."""
    found, number = _found(conn, phrases, 1.0, kept, kept_params, low, high, rank=False)
    return len(_matching(found, number, phrases, rejected))


def _found(
    conn: sqlite3.Connection,
    phrases: Phrases,
    weight: float,
    kept: str,
    kept_params: list[Any],
    low: int,
    high: int,
    *,
    rank: bool,
) -> tuple[list[dict[int, float]], list[int]]:
    """For each distinct phrase, the kept articles having it with the phrase's ``x_i``
    (0.0 when not ``rank``); and each phrase's number among the distinct ones."""
    distinct: dict[str, int] = {}
    number = [distinct.setdefault(text, len(distinct)) for text in phrases.texts]
    # Excluded phrases are only looked for: bm25 would first count each one's articles
    # over the whole index (``-şirket``: 66 forms in 70,000 articles).
    ranks = {number[i] for group in phrases.groups for term in group for i in term} if rank \
        else set()
    values = ", ".join("(?, ?, ?)" for _ in distinct)
    head = (
        f"WITH k(id) AS MATERIALIZED ({kept}), p(i, phrase, ranked) AS (VALUES {values}) "
        f"SELECT p.i, {FTS_TABLE}.rowid, "
        f"CASE WHEN p.ranked THEN bm25({FTS_TABLE}, {weight}, 1.0) END FROM p CROSS JOIN "
    )
    params = [*kept_params]
    for text, i in distinct.items():
        params += [i, text, i in ranks]
    params += [low, high]
    where = f"WHERE {FTS_TABLE} MATCH p.phrase AND {FTS_TABLE}.rowid BETWEEN ? AND ?"
    for lookup in (f"CROSS JOIN k ON k.id = {FTS_TABLE}.rowid {where}",
                   f"{where} AND EXISTS (SELECT 1 FROM k WHERE k.id = {FTS_TABLE}.rowid)",
                   f"{where} AND +{FTS_TABLE}.rowid IN k"):
        sql = f"{head}{FTS_TABLE} {lookup}"
        if not _reads_whole(conn, sql, params, "k"):
            break
    found: list[dict[int, float]] = [{} for _ in distinct]
    for i, rowid, x in conn.execute(sql, params):
        found[i][rowid] = -x if x is not None else 0.0  # bm25 of x_i alone: -(0.0 + x_i)
    return found, number


def _reads_whole(conn: sqlite3.Connection, sql: str, params: list[Any], table: str) -> bool:
    """Whether SQLite's plan for ``sql`` reads ``table`` whole for each match.

    Each match is looked up among the kept ids. A join is fastest when SQLite indexes
    them for the statement (its automatic index), which it does only when it expects more
    than a few. Without ``ANALYZE`` statistics (an archive never optimized) it expects ~1
    article of a site in a month and reads the list whole for each match: ``şirket`` on
    one site and a month of 100,000 articles took 3.2 s, on one site and 3 days of
    1,000,000 articles 31 s. ``_found`` then tries ``EXISTS``, which SQLite indexes there
    (32 ms on the month), and last ``+rowid IN``, always indexed (~50% slower than the
    join where SQLite indexes it)."""
    plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    lists = {node for node, _, _, detail in plan if detail.startswith("LIST SUBQUERY")}
    return any(detail == f"SCAN {table}" and parent not in lists  # a list is read once
               for _, parent, _, detail in plan)


def _matching(
    found: list[dict[int, float]], number: list[int], phrases: Phrases, rejected: frozenset[int]
) -> set[int]:
    """The articles every group has a phrase in and no excluded term has, less ``rejected``."""
    matching: set[int] | None = None
    for group in phrases.groups:
        ids = {rowid for term in group for i in term for rowid in found[number[i]]}
        matching = ids if matching is None else matching & ids
    if matching is None:
        return set()
    for term in phrases.excluded:
        for i in term:
            matching.difference_update(found[number[i]])
    matching.difference_update(rejected)
    return matching
