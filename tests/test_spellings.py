"""The exact-spelling table (``archive.spellings``) answers the look-alike check exactly
as ``lookalike.agrees`` does, and stays right through saves, updates, deletes, hand
edits, new word lists and migration."""

from __future__ import annotations

import random
import sqlite3
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from archive import Archive, count, inflect, lookalike, search, spellings
from archive.check import check_file
from archive.fold import fold
from archive.lookalike import Check
from archive.query import parse_query
from archive.schema import FTS_TABLE, MIGRATIONS

#: Query words with a check: listed look-alikes typed both ways, short words typed with
#: Turkish letters, words that soften (taç -> tacı) or drop a vowel (isim -> ismi).
QUERIES = [
    "su", "şu", "SU", "Şu", "cin", "çin", "ÇİN", "is", "iş", "isim", "işim", "ısım", "un",
    "ün", "kürt", "KÜRT", "öldü", "oldü", "başın", "basın", "sürat", "göl", "GÖL", "köy",
    "üç", "uç", "taç", "öç", "ıç", "ö", "gün", "çok", "düş", "ağ", "ışı", "şiş", "güç",
]
_TWINS = {"c": "ç", "g": "ğ", "i": "ı", "o": "ö", "s": "ş", "u": "ü", "a": "â"}
_FILLER = [
    "belediye", "bir", "ve", "için", "şehir", "Kürtaj", "kürtaj", "oldukça", "öldürdü",
    "İstanbul", "IŞIK", "Suriye", "suriye", "ismail", "işte", "Çinli", "ünlü", "sürekli",
    "gölet", "köylü", "onu", "önü", "bunu", "şunu", "Basın", "BAŞINDA", "surat", "kurtarma",
    "kürtler", "olduğu", "öldüğü",
]
_GLUE = [" ", " ", " ", " ", "\n", ", ", ". ", "'", "’", "-", " (", ") ", '"', " 3", "2024'te ",
         "²", "\u00ad", " 😀 ", "\u0307", "_", "½", "\t"]


def _respell(word: str, rng: random.Random) -> str:
    """The word with letters randomly swapped for their Turkish or ASCII twins, and in
    some case."""
    letters = []
    for ch in word:
        if rng.random() < 0.2:
            twin = _TWINS.get(ch) or next((a for a, t in _TWINS.items() if t == ch), ch)
            ch = twin
        letters.append(ch)
    out = "".join(letters)
    return rng.choice([out, out, out, out.upper(), out.capitalize(), fold(out)])


def _vocabulary() -> list[str]:
    words = list(_FILLER)
    for query in QUERIES:
        words += inflect.inflections(query)[:25]
    return words


def _text(rng: random.Random, words: list[str], length: int) -> str:
    parts = []
    for _ in range(length):
        parts.append(_respell(rng.choice(words), rng) if rng.random() < 0.7
                     else rng.choice(words))
        parts.append(rng.choice(_GLUE))
    text = "".join(parts)
    return text if rng.random() < 0.9 else unicodedata.normalize("NFC", text)


def _texts(n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    words = _vocabulary()
    return [(_text(rng, words, rng.randint(1, 4)), _text(rng, words, rng.randint(0, 25)))
            for _ in range(n)]


def _checks() -> list[Check]:
    found: dict[Check, None] = {}
    for query in QUERIES:
        for one in lookalike.checks(parse_query(query)):
            found[one] = None
    return list(found)


def _table_agrees(held: set[str], check: Check) -> bool:
    """What ``spellings.rejected`` decides for an article holding ``held``."""
    return any(
        spelling == "" or spelling in check.on_sight
        or (spelling.startswith(check.stems) and fold(spelling) in check.forms)
        for spelling in held
    )


def test_every_query_check_is_answered_by_the_table() -> None:
    found = _checks()
    assert len(found) >= 30
    assert [c.stems for c in found if not spellings.covered(c)] == []


def test_table_agrees_exactly_with_the_text_check() -> None:
    found = _checks()
    disagreements = []
    for title, body in _texts(1500, seed=11):
        held = spellings.spellings_of(title, body)
        text = f"{title}\n{body}"
        for check in found:
            if lookalike.agrees(text, check) != _table_agrees(held, check):
                disagreements.append((title, body, check.stems))
    assert disagreements[:3] == []


def test_both_decisions_occur() -> None:
    """The generated texts exercise acceptance and rejection, each rule at least once."""
    found = _checks()
    verdicts = set()
    for title, body in _texts(300, seed=5):
        text = f"{title}\n{body}"
        for check in found:
            verdicts.add(lookalike.agrees(text, check))
    assert verdicts == {True, False}
    assert any(s.startswith(" ") for t, b in _texts(300, seed=5)
               for s in spellings.spellings_of(t, b))
    assert spellings.spellings_of("Su", "var") >= {""}


def _records(texts: list[tuple[str, str]], prefix: str = "a") -> list[dict[str, str]]:
    return [{"url": f"https://ornek.test/{prefix}{i}", "site": "ornek", "title": t or "Haber",
             "body": b or "Boş."} for i, (t, b) in enumerate(texts)]


def _both(archive: Archive, query: str) -> tuple[list[int], list[int]]:
    """Ids the table rejects and ids the text check rejects, among the query's matches."""
    conn = archive.conn
    found = lookalike.checks(parse_query(query))
    terms = " OR ".join(f'"{form}"' for c in found for form in sorted(c.forms))
    tables, where, params = FTS_TABLE, f"{FTS_TABLE} MATCH ?", [terms]
    rowid = f"{FTS_TABLE}.rowid"
    new = spellings.rejected_ids(conn, tables, where, params, found, rowid)
    old = sorted(lookalike.read_rejected(conn, tables, where, params, found, rowid))
    return new, old


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_answers_as_the_text_check_in_an_archive(tmp_path: Path, seed: int) -> None:
    texts = [(unicodedata.normalize("NFC", t), unicodedata.normalize("NFC", b))
             for t, b in _texts(250, seed)]
    with Archive(tmp_path / "a.db") as archive:
        archive.save_articles(_records(texts))
        assert archive.fill_spellings() == len(texts)
        assert spellings.current(archive.conn)
        rejected_some = False
        for query in QUERIES:
            new, old = _both(archive, query)
            assert new == old, query
            rejected_some |= bool(old)
        assert rejected_some


def test_search_results_are_the_same_with_and_without_the_table(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.save_articles(_records(_texts(200, seed=3)))
        archive.fill_spellings()
        for query in ("su", "göl", "öldü", "çin", "kürt"):
            with_table = (count(archive, query), [h["id"] for h in search(archive, query)])
            searching = sys.modules["archive.search"]
            spellings.USE_TABLE = False
            try:
                searching._LAST_REJECTED.clear()
                without = (count(archive, query), [h["id"] for h in search(archive, query)])
            finally:
                spellings.USE_TABLE = True
                searching._LAST_REJECTED.clear()
            assert with_table == without, query


def _held(conn: sqlite3.Connection) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for article_id, spelling in conn.execute(
        "SELECT a.article_id, p.spelling FROM article_spellings a JOIN spellings p "
        "ON p.id = a.spelling_id"
    ):
        found.setdefault(article_id, set()).add(spelling)
    return found


def _expected(conn: sqlite3.Connection) -> dict[int, set[str]]:
    found = {}
    for article_id, title, body in conn.execute("SELECT id, title, body FROM articles"):
        held = spellings.spellings_of(title or "", body or "")
        if held:
            found[article_id] = held
    return found


def test_table_follows_saves_updates_and_hand_edits(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.save_articles(_records([("Göl", "Gölde su yok."), ("Şu", "Şu an su var.")]))
        conn = archive.conn
        assert _held(conn) == {}  # a write does not record new articles
        archive.fill_spellings()
        assert _held(conn) == _expected(conn)
        archive.save_articles(_records([("Göl", "Golde şu an kimse yok.")]))  # updated
        assert _held(conn) == _expected(conn)
        conn.execute("UPDATE articles SET body = 'Suyu kesildi.' WHERE url LIKE '%a0'")
        conn.execute("DELETE FROM headlines WHERE article_id = 2")
        conn.execute("DELETE FROM articles WHERE url LIKE '%a1'")
        conn.commit()
        # Until the next write the edited articles are checked from their text.
        for query in ("su", "şu", "göl"):
            assert _both(archive, query)[0] == _both(archive, query)[1]
        assert spellings.check(conn) is None  # edited rows are waiting: not a fault
        archive.save_articles(_records([("Köy", "Köyde göl var."), ("Göl", "Su.")], prefix="b"))
        assert not spellings.current(conn)  # b0 takes a1's freed id 2, b1 is checked from
        assert 3 not in _held(conn)  # its text until the table is filled
        assert _both(archive, "göl")[0] == _both(archive, "göl")[1]
        assert spellings.check(conn) is None
        archive.fill_spellings()
        assert _held(conn) == _expected(conn)
        assert spellings.check(conn) is None
        archive.reclean_articles(["https://ornek.test/b0"], lambda body: body)
        assert _held(conn) == _expected(conn)


def test_hand_edit_is_checked_from_the_text_before_the_next_write(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.save_articles(_records([("Haber", "Şu an suyu kesildi.")]))
        archive.fill_spellings()
        assert count(archive, "su") == 1
        archive.conn.execute("UPDATE articles SET body = 'Şu an kesildi, şunu gör.'")
        archive.conn.commit()
        assert count(archive, "su") == 0  # the index still has "suyu"; the text says no


def test_other_rules_fall_back_until_the_table_is_filled_again(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.save_articles(_records([("Haber", "Şu an kesildi."), ("Su", "Suyu kesildi.")]))
        archive.fill_spellings()
        conn = archive.conn
        conn.execute("UPDATE spelling_rules SET version = 'old'")
        conn.execute("DELETE FROM article_spellings")  # what older rules held: unknown
        conn.commit()
        assert spellings.filled_to(conn) is None
        assert "newscrawler optimize" in (spellings.check(conn) or "")
        assert count(archive, "su") == 1  # the text check, not the emptied table
        archive.save_articles(_records([("Göl", "Gölde.")], prefix="c"))
        assert count(archive, "su") == 1
        archive.optimize()
        assert spellings.current(conn)
        assert _held(conn) == _expected(conn)


def test_rules_version_follows_the_word_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = spellings.rules_version()
    words = tmp_path / "search_words.toml"
    words.write_bytes(Path(inflect.WORDS_FILE).read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(inflect, "WORDS_FILE", words)
    spellings.rules_version.cache_clear()
    try:
        assert spellings.rules_version() != before
    finally:
        spellings.rules_version.cache_clear()


def test_migration_fills_the_table_of_an_existing_archive(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Archive(path) as archive:
        archive.save_articles(_records([("Göl", "Gölde su yok."), ("Şu", "Şu an.")]))
        conn = archive.conn
        for table in ("article_spellings", "spellings", "spelling_rules"):
            conn.execute(f"DROP TABLE {table}")
        before = next(i for i, m in enumerate(MIGRATIONS)
                      if m.__name__.endswith("_exact_spellings"))
        conn.execute(f"PRAGMA user_version = {before}")
        conn.commit()
    with Archive(path) as archive:
        assert archive.migrated == list(range(before + 1, len(MIGRATIONS) + 1))
        assert _held(archive.conn) == _expected(archive.conn)
        assert spellings.current(archive.conn)


def test_check_reports_a_table_out_of_step(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.save_articles(_records([("Göl", "Gölde su yok.")]))
        archive.fill_spellings()
    assert check_file(path).healthy
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM article_spellings")
    conn.commit()
    conn.close()
    report = check_file(path)
    assert not report.healthy
    assert any("spelling" in problem for problem in report.problems)


def test_a_check_the_table_cannot_answer_reads_the_text(tmp_path: Path) -> None:
    odd = Check(frozenset({"sx"}), ("şx" + "x" * 9,))
    assert not spellings.covered(odd)
    with Archive(tmp_path / "a.db") as archive:
        archive.save_articles(_records([("Haber", "Şu an.")]))
        ids, rest, _ = spellings.rejected(archive.conn, "articles", "1", [], [odd],
                                          "articles.id")
        assert (ids, rest) == (set(), [odd])


def test_archive_without_the_table_is_read_the_old_way(tmp_path: Path) -> None:
    conn = sqlite3.connect(":memory:")
    assert not spellings.current(conn)
    Database(conn)  # no tables: the check reads the text
    assert spellings.check(conn) is None


def test_count_then_search_share_the_table_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = spellings.rejected

    def counting(*args: object) -> object:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(spellings, "rejected", counting)
    sys.modules["archive.search"]._LAST_REJECTED.clear()
    with Archive(tmp_path / "a.db") as archive:
        archive.save_articles(_records([("Haber", "Suyu kesildi."), ("Haber", "Şu an.")]))
        archive.fill_spellings()
        assert count(archive, "su") == 1
        assert len(search(archive, "su")) == 1
        assert calls == [1]


def test_forms_continue_their_stems_with_suffix_letters_only() -> None:
    """``keep`` skips the stems after which a word's rest is no suffix: every form of a
    check, after any of its stems, has only ``_TAIL_LETTERS``, at most ``_TAIL_LENGTH``."""
    rng = random.Random(7)
    letters = "abcçdefgğhıijklmnoöprsştuüvyzâîû"
    words = set(QUERIES) | {a + b for a in letters for b in "aeıioöuü"}
    words |= {"".join(rng.choice(letters) for _ in range(3)) for _ in range(600)}
    for word in inflect.LOOKALIKES:
        words |= spellings._bases_of(word)
    for word in sorted(words):
        for one in lookalike.checks(parse_query(word)):
            for stem in one.stems:
                for form in one.forms:
                    if form.startswith(fold(stem)):
                        tail = form[len(stem):]
                        assert len(tail) <= spellings._TAIL_LENGTH, (word, form)
                        assert not tail.strip(spellings._TAIL_LETTERS), (word, form)


def test_filling_goes_a_chunk_a_transaction_and_answers_below_its_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Archive(tmp_path / "a.db") as archive:
        texts = [("Haber", "Şu an kesildi."), ("Su", "Suyu kesildi."), ("Göl", "Gölde su.")]
        archive.save_articles(_records(texts * 2))
        conn = archive.conn
        monkeypatch.setattr(spellings, "CATCH_UP_CHUNK", 4)
        assert spellings.Queue(conn).catch_up() == 4
        conn.commit()
        assert spellings.filled_to(conn) == 4 and not spellings.current(conn)
        assert _held(conn) == {i: s for i, s in _expected(conn).items() if i <= 4}
        for query in ("su", "şu", "göl"):  # 1-4 from the table, 5-6 from their text
            assert _both(archive, query)[0] == _both(archive, query)[1]
        assert count(archive, "su") == 4
        assert archive.fill_spellings() == 2
        assert spellings.current(conn)
        assert _held(conn) == _expected(conn)
        assert _both(archive, "su")[0] == _both(archive, "su")[1]


def test_a_freed_id_used_again_is_recorded_at_once(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.save_articles(_records([("Haber", "Şu an kesildi."), ("Su", "Suyu kesildi.")]))
        archive.fill_spellings()
        conn = archive.conn
        conn.execute("DELETE FROM headlines WHERE article_id = 2")
        conn.execute("DELETE FROM articles WHERE id = 2")
        conn.commit()
        archive.save_articles(_records([("Göl", "Su gölde.")], prefix="z"))
        assert conn.execute("SELECT id FROM articles WHERE url LIKE '%z0'").fetchone()[0] == 2
        assert spellings.current(conn)
        assert _held(conn) == _expected(conn)
        assert count(archive, "su") == 1


def _ahead(records: list[dict[str, Any]], skip: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    """The records with their spellings computed ahead, as a crawl's worker sends them."""
    return [r if i in skip else {**r, "spellings": frozenset(spellings.spellings_of(
        unicodedata.normalize("NFC", r["title"]), unicodedata.normalize("NFC", r["body"])))}
            for i, r in enumerate(records)]


def test_spellings_computed_ahead_are_recorded_as_the_articles_are_saved(
        tmp_path: Path) -> None:
    texts = _texts(60, seed=5)
    with Archive(tmp_path / "a.db") as archive:
        conn = archive.conn
        archive.save_articles(_ahead(_records(texts[:30])))
        assert spellings.current(conn) and spellings.filled_to(conn) == 30
        archive.save_articles(_ahead(_records(texts[30:], prefix="b")))
        assert spellings.current(conn)
        assert _held(conn) == _expected(conn)
        assert archive.fill_spellings() == 0  # nothing left for the end of a crawl
        for query in QUERIES:
            assert _both(archive, query)[0] == _both(archive, query)[1], query


def test_an_article_saved_without_them_stops_the_mark_until_filled(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        conn = archive.conn
        texts = [("Haber", "Şu an kesildi."), ("Su", "Suyu kesildi."), ("Göl", "Gölde su.")]
        archive.save_articles(_ahead(_records(texts), skip=(1,)))
        assert spellings.filled_to(conn) == 1  # 3 lies above 2, which nobody recorded
        assert _held(conn) == {i: s for i, s in _expected(conn).items() if i == 1}
        for query in ("su", "şu", "göl"):  # 1 from the table, 2-3 from their text
            assert _both(archive, query)[0] == _both(archive, query)[1]
        archive.save_articles(_ahead(_records([("Kürt", "Kürtaj.")], prefix="z")))
        assert spellings.filled_to(conn) == 1
        assert archive.fill_spellings() == 3
        assert spellings.current(conn) and _held(conn) == _expected(conn)


def test_spellings_from_a_file_are_not_trusted(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        records = _records([("Su", "Suyu kesildi.")])
        archive.save_articles([{**records[0], "spellings": ["su", "yanlış"]}])
        assert spellings.filled_to(archive.conn) == spellings._NOTHING
        assert archive.fill_spellings() == 1
        assert _held(archive.conn) == _expected(archive.conn)


def test_one_encoding_gives_the_words_and_folds_of_encoding_each(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``spellings_of`` encodes title and body once, for the words and both folds: the same
    as folding each text on its own, for cp1254 text and text that is not (in the title,
    the body or both), ASCII text and characters cp1254 holds but the fold table does not."""
    folds: list[tuple[str, str]] = []
    sights = spellings._sights
    monkeypatch.setattr(spellings, "_sights", lambda t, b, tf, bf: (
        folds.append((tf, bf)), sights(t, b, tf, bf))[1])
    rng = random.Random(7)
    pool = [*"aışğüöçİIĞŞÜÖÇ ", " ", "'", "’", "₺", "€", "ß", "ǅ", "é", "\u0307", "ﬁ", "x", "2"]
    for _ in range(2000):
        title = "".join(rng.choices(pool, k=rng.randint(0, 12)))
        body = "".join(rng.choices(pool, k=rng.randint(0, 60)))
        text = f"{title}\n{body}"
        assert list(spellings._words(text, spellings._cp1254(text))) == list(
            spellings._words(text))
        assert spellings.spellings_of(title, body) == spellings.spellings_of(
            title, body, fold(title), fold(body))
        assert folds[-2] == folds[-1] == (fold(title), fold(body))
        encoded = spellings._cp1254(body)
        assert spellings._fold_encoded(body, encoded) == fold(body)
