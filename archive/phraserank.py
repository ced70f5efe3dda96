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

__all__ = ["applies", "ranked"]


def applies(phrases: Phrases) -> bool:
    """Whether ``ranked`` can stand for the MATCH of these phrases."""
    return bool(phrases.groups) and all(text.isascii() for text in phrases.texts)


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
    distinct: dict[str, int] = {}
    number = [distinct.setdefault(text, len(distinct)) for text in phrases.texts]
    # Excluded phrases are only looked for: bm25 would first count each one's articles
    # over the whole index (``-şirket``: 66 forms in 70,000 articles).
    ranks = {number[i] for group in phrases.groups for term in group for i in term}
    values = ", ".join("(?, ?, ?)" for _ in distinct)
    sql = (
        f"WITH k(id) AS MATERIALIZED ({kept}), p(i, phrase, ranked) AS (VALUES {values}) "
        f"SELECT p.i, {FTS_TABLE}.rowid, "
        f"CASE WHEN p.ranked THEN bm25({FTS_TABLE}, {weight}, 1.0) END "
        f"FROM p CROSS JOIN {FTS_TABLE} CROSS JOIN k ON k.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH p.phrase AND {FTS_TABLE}.rowid BETWEEN ? AND ?"
    )
    params = [*kept_params]
    for text, i in distinct.items():
        params += [i, text, i in ranks]
    found: list[dict[int, float]] = [{} for _ in distinct]
    for i, rowid, rank in conn.execute(sql, [*params, low, high]):
        found[i][rowid] = -rank if rank is not None else 0.0  # bm25 of x_i alone: -(0.0 + x_i)
    kept_ids: set[int] | None = None
    for group in phrases.groups:  # an article matches when every group has a phrase in it
        ids = {rowid for term in group for i in term for rowid in found[number[i]]}
        kept_ids = ids if kept_ids is None else kept_ids & ids
    for term in phrases.excluded:
        for i in term:
            kept_ids.difference_update(found[number[i]])  # type: ignore[union-attr]
    kept_ids.difference_update(rejected)  # type: ignore[union-attr]
    # Each article's x_i in FTS5's order of the phrases: the same additions, the same double
    # (sum() would not do: it compensates rounding since Python 3.12).
    terms: dict[int, list[float]] = {rowid: [] for rowid in kept_ids or ()}
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
