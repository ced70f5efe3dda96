"""A narrow filter's matches ranked phrase by phrase (``archive.phraserank``) are exactly
those of the single FTS5 MATCH: the same articles, the same bm25 doubles, the same order
(issue 11, goal 3b)."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from archive import Archive, count, inflect, phraserank, search
from archive.query import fts_phrases, parse_query, to_fts
from archive.schema import FTS_TABLE

search_module = sys.modules["archive.search"]

WORDS = ["belediye", "şirket", "kadın", "çocuk", "şehir", "ışık", "piyasa", "göl", "su",
         "öldü", "oldu", "kesinti", "zeytinyağı", "bel", "belge", "belirtti"]
FILLER = ("ve bir bu için ile yeni büyük toplantı karar proje yol okul hastane haber "
          "İzmir'de Buca'nın Karşıyaka-Bornova yapıldı açıkladı şu gün").split()
SITES = ["ege", "hibya", "yeni"]
ASCII = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")


def _forms(word: str) -> list[str]:
    """Inflected forms of ``word`` that start with one of its stems (as a writer types)."""
    roots = inflect.stems(word)
    return [f for f in inflect.inflections(word) if any(f.startswith(r) for r in roots)]


def _articles(n: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    forms = {word: _forms(word) or [word] for word in WORDS}
    for i in range(n):
        chosen = rng.sample(WORDS, rng.randint(1, 5))
        words = [rng.choice(FILLER) for _ in range(rng.randint(10, 60))]
        for word in chosen:
            for _ in range(rng.randint(1, 4)):
                words.insert(rng.randrange(len(words) + 1), rng.choice(forms[word]))
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words)), "su kesintisi")
        title = " ".join(rng.choice([*FILLER, *(rng.choice(forms[w]) for w in chosen)])
                         for _ in range(rng.randint(2, 6)))
        body = " ".join(words)
        if rng.random() < 0.2:
            title = title.upper()
        if rng.random() < 0.1:  # typed without Turkish letters
            title, body = title.translate(ASCII), body.translate(ASCII)
        day = rng.randrange(1, 29)
        yield {
            "url": f"https://haber.example/{seed}/{i}",
            "site": SITES[i % 3],
            "title": title,
            "body": body,
            "published_at": None if rng.random() < 0.05 else f"2025-02-{day:02d}T10:00:00",
            "author": rng.choice(["Ayşe Yılmaz", "Mehmet Öz", None]),
            "category": rng.choice(["gündem", "ekonomi"]),
        }


@pytest.fixture(scope="module", params=[1, 2])
def news(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Archive]:
    path = tmp_path_factory.mktemp("phraserank") / "news.db"
    with Archive(path) as archive:
        records = list(_articles(600, request.param))
        for start in range(0, len(records), 100):
            archive.save_articles(records[start : start + 100])
        if request.param == 2:
            archive.optimize()  # one index segment, as bench/search_bench.py --optimize
        yield archive


QUERIES = [
    "şirket", "sirket", "kadın", "Işık", "isik", "çocuk", "şehir", "belediyesinin",
    '"su kesintisi"', "su", "göl", "öldü", "bel*", "belediye*", "title:belediye",
    "başlık:şirket", "şirket piyasa", "kadın belediye", "kadın OR çocuk", "şirket -piyasa",
    "kadın OR çocuk -şirket", "şirket şirket", "şirket OR şirket", "İzmir'de", "buca",
    "Karşıyaka-Bornova", "zeytinyağı", "şirket -title:piyasa", '-"su kesintisi" göl',
    "bel* -belediye", "piyasa AND su", "yok-böyle-bir-şey", "şirket -şirket",
]
FILTERS: list[dict[str, Any]] = [
    {"since": "2025-02-03", "until": "2025-02-03"},
    {"site": "ege", "since": "2025-02-10", "until": "2025-02-12"},
    {"site": "hibya", "since": "2025-02"},
    {"since": "2025-02-01", "until": "2025-02-14", "author": "ayse yilmaz"},
    {"site": "yeni", "until": "2025-02-20", "category": "EKONOMİ"},
    {"since": "2025-02-05", "until": "2025-02-09", "expand": False},
]


@pytest.fixture(autouse=True)
def _small_rare_group(monkeypatch: pytest.MonkeyPatch) -> None:
    """ANDs of words in a few of these 600 articles are ranked phrase by phrase too (on
    100,000 articles a group is rare under ``RARE_GROUP`` = 2,000 matches)."""
    monkeypatch.setattr(phraserank, "RARE_GROUP", 3)


def _old_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make searches rank with the single MATCH, as before ``archive.phraserank``."""
    monkeypatch.setattr(phraserank, "applies", lambda conn, phrases: False)


def _kept(archive: Archive, filters: dict[str, Any]) -> tuple[str, list[Any]]:
    wanted = {k: v for k, v in filters.items() if k != "expand"}
    sql, params = search_module._filters(
        wanted.get("site"), wanted.get("since"), wanted.get("until"), wanted.get("author"),
        wanted.get("category"))
    return f"SELECT id FROM articles AS a WHERE 1{sql}", params


@pytest.mark.parametrize("filters", FILTERS)
def test_ranked_gives_every_match_of_the_single_match_with_the_same_bm25(
    news: Archive, filters: dict[str, Any]
) -> None:
    kept, params = _kept(news, filters)
    expander = inflect.expand if filters.get("expand", True) else None
    tried = 0
    for q in QUERIES:
        query = parse_query(q)
        match = to_fts(query, expander)
        phrases = fts_phrases(query, expander)
        reference = [
            (int(r), float(s)) for r, s in news.conn.execute(
                f"SELECT rowid, bm25({FTS_TABLE}, 3.0, 1.0) AS rank FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH ? AND +rowid IN ({kept}) ORDER BY rank, rowid",
                [match, *params])
        ]
        got = phraserank.ranked(news.conn, phrases, 3.0, kept, params, -(2**63), 2**63 - 1)
        assert got == reference, q  # floats compared exactly
        tried += bool(reference)
    assert tried >= len(QUERIES) // 2  # most queries find something under every filter


@pytest.mark.parametrize("filters", FILTERS)
def test_search_and_count_are_the_same_as_with_the_single_match(
    news: Archive, filters: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = [{"limit": 20}, {"limit": 3, "offset": 2}]
    new = [(search(news, q, **filters, **page), count(news, q, **filters))
           for q in QUERIES for page in pages]
    _old_path(monkeypatch)
    old = [(search(news, q, **filters, **page), count(news, q, **filters))
           for q in QUERIES for page in pages]
    assert new == old
    assert sum(len(hits) for hits, _ in new) > 100


def test_random_queries_under_narrow_filters_find_the_same(
    news: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(11)
    vocabulary = [*WORDS, *(f"{w[:4]}*" for w in WORDS), "İzmir'de", '"su kesintisi"']
    cases = []
    for _ in range(150):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(1, 4))]
        q = ""
        for word in words:
            q += rng.choice(["", "", " OR ", " -", " title:", " AND "]) + word + " "
        day = rng.randrange(1, 27)
        filters: dict[str, Any] = {"since": f"2025-02-{day:02d}",
                                   "until": f"2025-02-{day + rng.randrange(3):02d}"}
        if rng.random() < 0.5:
            filters["site"] = rng.choice(SITES)
        cases.append((q, filters))
    new = [search(news, q, **f) for q, f in cases]
    _old_path(monkeypatch)
    old = [search(news, q, **f) for q, f in cases]
    assert [c for c, a, b in zip(cases, new, old, strict=True) if a != b] == []
    assert sum(map(bool, new)) > 50


def test_a_narrow_filter_ranks_phrase_by_phrase_and_a_wide_one_does_not(
    news: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    ranked, counted = phraserank.ranked, phraserank.count
    monkeypatch.setattr(phraserank, "ranked",
                        lambda *a, **k: calls.append("ranked") or ranked(*a, **k))
    monkeypatch.setattr(phraserank, "count",
                        lambda *a, **k: calls.append("count") or counted(*a, **k))
    assert search(news, "şirket", since="2025-02-03", until="2025-02-03")
    assert count(news, "şirket", since="2025-02-03", until="2025-02-03")
    assert calls == ["ranked", "count"]
    calls.clear()
    assert search(news, "şirket") and count(news, "şirket")  # every article: the single MATCH
    assert not calls


def test_phrases_outside_ascii_keep_the_single_match(news: Archive) -> None:
    assert not phraserank.applies(news.conn, fts_phrases(parse_query("москва")))
    assert phraserank.applies(news.conn,
                              fts_phrases(parse_query("İzmir'de ŞİRKET"), inflect.expand))


def test_an_and_with_a_rare_group_keeps_the_single_match(
    news: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    def applies(q: str) -> bool:
        return phraserank.applies(news.conn, fts_phrases(parse_query(q), inflect.expand))

    assert applies("kadın") and applies("şirket OR zeytinyağı") and applies("şirket -su")
    assert applies("şirket kadın") and applies("zeytinyağı şirket")
    rare = count(news, "zeytinyağı")
    monkeypatch.setattr(phraserank, "RARE_GROUP", rare + 1)
    assert not applies("zeytinyağı şirket")  # FTS5 steps through the rare word's matches
    assert applies("(şirket OR kadın OR çocuk) (belediye OR piyasa OR ışık)")
    assert applies("zeytinyağı OR şirket")
    assert applies("zeytin* (şirket OR kadın OR çocuk)")  # a prefix is not probed


def test_the_kept_ids_are_looked_up_not_read_whole_without_statistics(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``ANALYZE`` statistics (an archive never optimized) SQLite expects ~1 article
    of a site on a day and read the kept list whole for each match (31 s for ``şirket`` on
    one site and 3 days of 1,000,000 articles): the statement must look them up, and find
    what the single MATCH finds."""
    with Archive(tmp_path / "news.db") as archive:
        archive.save_articles(list(_articles(900, 3)))
        archive.conn.execute("DROP TABLE IF EXISTS sqlite_stat1")
        statements: list[str] = []
        archive.conn.set_trace_callback(statements.append)
        filters = {"site": "ege", "since": "2025-02-03", "until": "2025-02-07"}
        queries = ["şirket", "kadın OR çocuk -şirket", "belediye*", "şirket piyasa"]
        new = [(search(archive, q, **filters), count(archive, q, **filters)) for q in queries]
        archive.conn.set_trace_callback(None)
        ranking = [s for s in statements if s.startswith("WITH k(id)")]
        assert len(ranking) >= len(queries)
        for sql in ranking:  # the statements as run, their parameters inlined by SQLite
            plan = [row[-1] for row in archive.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            assert "SCAN k" not in plan or "LIST SUBQUERY" in " ".join(plan), plan
        _old_path(monkeypatch)
        old = [(search(archive, q, **filters), count(archive, q, **filters)) for q in queries]
        assert new == old and sum(n for _, n in new) > 10
