"""The query language: parsed by us, folded, quoted; any input builds a valid MATCH."""

from __future__ import annotations

import sqlite3
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.inflect import expand
from archive.query import MAX_QUERY_CHARS, MAX_TERMS, Query, Term, parse_query, to_fts


def term(*words: str, folded: tuple[str, ...] | None = None, **kw: object) -> Term:
    from archive.fold import fold

    return Term(tuple(words), folded or tuple(fold(w) for w in words), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("q", "query"),
    [
        ("kadın şiddet", Query(((term("kadın"),), (term("şiddet"),)))),
        ("kadın AND şiddet", Query(((term("kadın"),), (term("şiddet"),)))),
        ("İzmir OR Manisa", Query(((term("İzmir"), term("Manisa")),))),
        ("kadın -spor", Query(((term("kadın"),),), (term("spor"),))),
        ('"kadına yönelik"', Query(((term("kadına", "yönelik", quoted=True),),))),
        ('"belediye"', Query(((term("belediye", quoted=True),),))),
        ("belediye*", Query(((term("belediye", prefix=True),),))),
        ("ka*", Query(((term("ka"),),))),  # short prefix: a plain word
        ("İzmir'de AND (", Query(((term("İzmir", "de"),),))),
        ("Karşıyaka-Bornova", Query(((term("Karşıyaka", "Bornova"),),))),
        ("title:İzmir", Query(((term("İzmir", column="title_fold"),),))),
        ("başlık:İzmir", Query(((term("İzmir", column="title_fold"),),))),
        ("foo:bar", Query(((term("foo"),), (term("bar"),)))),
        ('-"süper lig" gol', Query(((term("gol"),),), (term("süper", "lig", quoted=True),))),
        ("OR kadın OR", Query(((term("kadın"),),))),
        # a stray quote separates words (docs/search.md): no phrase to the end of the query
        ('"kadına şiddet', Query(((term("kadına"),), (term("şiddet"),)))),
        ('"belediye', Query(((term("belediye"),),))),
        ('kadın"', Query(((term("kadın"),),))),
        ('"su baskını" "izmir', Query(((term("su", "baskını", quoted=True),), (term("izmir"),)))),
        # "İ".lower() is i + U+0307: read as i, so the word is inflected as izmir is
        ("İzmir Kadın".lower(), Query(((term("izmir"),), (term("kadın"),)))),
    ],
)
def test_parse_query(q: str, query: Query) -> None:
    assert parse_query(q) == query


@pytest.mark.parametrize(
    ("q", "fts"),
    [
        ("IŞIK", '("isik")'),
        ("KADINA ŞİDDETE", '("kadina" AND "siddete")'),
        ("İzmir OR Iğdır -spor", '(("izmir" OR "igdir")) NOT ("spor")'),
        ('"kadına yönelik"', '("kadina yonelik")'),
        ("büyükşehir*", '("buyuksehir"*)'),
        ("İzmir'de AND (", '("izmir de")'),
        ("Karşıyaka-Bornova", '("karsiyaka bornova")'),
        ("title:izmir", '(title_fold : ("izmir"))'),
        ('NEAR(a b) "x" OR', '("near" AND "a" AND "b" AND "x")'),
        ('ab"cd', '("ab" AND "cd")'),
    ],
)
def test_to_fts(q: str, fts: str) -> None:
    assert to_fts(parse_query(q)) == fts


@pytest.mark.parametrize(
    "q", ["", "   ", '"', '""', "*", "-", "OR", "AND", "()", "-izmir", "-- ''"]
)
def test_nothing_to_search(q: str) -> None:
    assert to_fts(parse_query(q)) is None
    assert to_fts(parse_query(q), expand) is None


def test_expanded_word_is_an_or_of_quoted_forms() -> None:
    fts = to_fts(parse_query("şehir"), expand)
    assert fts is not None
    assert fts.startswith('(("sehir" OR "sehirde" OR ')
    assert '"sehri"' in fts and '"sehrinde"' in fts


def test_quoted_and_prefixed_words_are_not_expanded() -> None:
    assert to_fts(parse_query('"şehir"'), expand) == '("sehir")'
    assert to_fts(parse_query("şehir*"), expand) == '("sehir"*)'


def test_terms_beyond_the_limit_are_ignored() -> None:
    query = parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS + 10)))
    assert len(list(query.terms())) == MAX_TERMS
    assert query.truncated
    exact = parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS)) + " OR ) *")
    assert len(list(exact.terms())) == MAX_TERMS and not exact.truncated  # nothing lost
    assert not parse_query("kadın şiddet").truncated


@cache
def _fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(title_fold, body_fold, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO t VALUES ('izmir de kadina', 'karsiyaka bornova su')")
    return conn


ODD = st.lists(
    st.sampled_from(
        [
            "OR",
            "AND",
            "NOT",
            "NEAR",
            '"',
            "(",
            ")",
            "*",
            "-",
            ":",
            "title:",
            "body_fold:",
            "^",
            "+",
            "{",
            "}",
            "İzmir'de",
            "ka*",
            "ş*",
            "Karşıyaka-Bornova",
            "\u00ad",
            "''",
            "ı",
            "I",
            "\\",
            "NEAR(a b)",
            "col:",
            '-"',
            ",",
            ".",
        ]
    )
    | st.text(max_size=6),
    max_size=12,
).map(" ".join)


@given(st.one_of(st.text(max_size=MAX_QUERY_CHARS), ODD))
def test_any_text_builds_a_valid_match(q: str) -> None:
    for expander in (None, expand):
        fts = to_fts(parse_query(q), expander)
        if fts is not None:
            _fts().execute("SELECT count(*) FROM t WHERE t MATCH ?", (fts,)).fetchone()
