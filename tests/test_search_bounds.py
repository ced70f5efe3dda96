"""Search stays fast whatever is typed: queries are bounded, the highlighter is cheap (#7)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from archive import Archive, QueryError, count, iter_articles, search
from archive.query import MAX_QUERY_CHARS, parse_query
from tests.conftest import run_cli

LONG_WORD = "a" * 100_000


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    path = tmp_path_factory.mktemp("bounds") / "news.db"
    store = Archive(path)
    store.save_articles([
        {"url": "https://x/1", "site": "s", "title": "Ağaçlar",
         "body": "Belediye ağaç dikti. " * 50 + "a" * 5000 + " " + "ş" * 900},
        {"url": "https://x/2", "site": "s", "title": "Kadına şiddete hayır",
         "body": "Kadına yönelik şiddetle mücadele konuşuldu."},
    ])
    return store


def test_a_100k_character_word_is_refused_at_once(archive: Archive) -> None:
    started = time.monotonic()
    for call in (search, count):
        with pytest.raises(QueryError) as err:
            call(archive, LONG_WORD)
        assert str(err.value) == (
            "the query is 100,000 characters long; the limit is 1,000: search for a few "
            "words or a short phrase"
        )
    with pytest.raises(QueryError):
        list(iter_articles(archive, query=LONG_WORD))
    assert time.monotonic() - started < 5  # a guard against hanging (it took 45 s), not a bench


@pytest.mark.parametrize(
    "q",
    [
        "a" * MAX_QUERY_CHARS,
        "ş" * MAX_QUERY_CHARS,
        ("ağaçlarımızdakilerden " * 50)[:MAX_QUERY_CHARS],
        ("şü* " * 250)[:MAX_QUERY_CHARS],
        ('"' + "ab " * 330 + '"')[:MAX_QUERY_CHARS],
        (" OR ".join(["ağaç"] * 200))[:MAX_QUERY_CHARS],
    ],
)
def test_queries_at_the_limit_are_answered_quickly(archive: Archive, q: str) -> None:
    started = time.monotonic()
    assert isinstance(search(archive, q), list)
    assert count(archive, q) >= 0
    assert time.monotonic() - started < 5  # measured 1-50 ms; a guard, not a benchmark


def test_the_limit_keeps_ordinary_queries(archive: Archive) -> None:
    assert [h["url"] for h in search(archive, "kadına")] == ["https://x/2"]
    assert not parse_query("x" * MAX_QUERY_CHARS).empty
    with pytest.raises(QueryError):
        parse_query("x" * (MAX_QUERY_CHARS + 1))


def test_cli_refuses_a_long_query_with_exit_2(archive: Archive) -> None:
    db = Path(str(archive.path))
    started = time.monotonic()
    result = run_cli("search", LONG_WORD[:20_000], "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Error: the query is 20,000 characters long; the limit is 1,000: search for a few "
        "words or a short phrase"
    )
    assert time.monotonic() - started < 30


def test_the_highlighter_costs_no_more_than_reading_the_text() -> None:
    """The old highlighter compiled the query's forms into one regex, whose compile time
    grew with the square of the word (2,000 letters 0.07 s, 20,000 1.9 s, 100,000 45 s);
    the word-by-word highlighter only hashes the word."""
    from archive.search import _Highlighter

    highlight = _Highlighter([((LONG_WORD,), False), (("d",), True)])
    text = ("b" * 300_000 + " ") * 3 + LONG_WORD + "'da"
    started = time.monotonic()
    spans = [(m.start(), m.end()) for m in highlight.finditer(text)]
    assert spans == [(len(text) - 3 - len(LONG_WORD), len(text) - 3), (len(text) - 2,
                                                                       len(text))]
    assert time.monotonic() - started < 5  # a guard against hanging, not a benchmark


def test_the_highlighter_marks_words_phrases_and_prefixes() -> None:
    from archive.search import _highlighter

    highlight = _highlighter(parse_query('belediye* "su kesintisi" izmir'), None)
    assert highlight is not None
    text = "izmirli belediyesi: izmir'de su kesintisi, su_kesintisi; xizmir"
    got = [text[m.start():m.end()] for m in highlight.finditer(text)]
    assert got == ["belediyesi", "izmir", "su kesintisi", "su_kesintisi"]
    assert [text[m.start():m.end()] for m in highlight.finditer(text, 2, 30)] == ["belediyesi",
                                                                                 "izmir"]
