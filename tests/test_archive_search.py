"""Search acceptance: Turkish case and letters, inflections, ranking, snippets, filters."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import Archive, QueryError, count, iter_articles, search
from archive.schema import FILTER_INDEX, FTS_TABLE

# (key, title, body, published_at)
ARTICLES = [
    ("a1", "KADINA ŞİDDETE HAYIR", "İzmir'de yüzlerce kişi yürüdü.", "2025-11-10"),
    (
        "a2",
        "Kadına yönelik şiddetle mücadele paneli",
        "Konak Belediyesinin desteğiyle panel düzenlendi.",
        "2025-11-11",
    ),
    ("a3", "Kadina destek hattı kuruldu", "Vatandaşlar hattı aradı.", "2025-11-12"),
    ("a4", "Kadın kooperatifi açıldı", "Kadınlar üretime katıldı.", "2025-11-13"),
    ("a5", "IŞIK FESTİVALİ BAŞLADI", "Şehri ışıklar süsledi.", "2025-11-14"),
    ("a6", "Işık Mahallesi'nde yangın", "İtfaiye çocuğu kurtardı.", "2025-11-15"),
    ("a7", "Sokakta isik yok", "Mahalle karanlikta kaldi.", "2025-11-16"),
    (
        "a8",
        "Kazada bir kişi öldü",
        "Kaza Karşıyaka-Bornova yolunda meydana geldi. Ilıca yolu kapandı.",
        "2025-11-16T23:30:00+03:00",
    ),
    (
        "a9",
        "Toplantı verimli oldu",
        "Görüşme iyi oldu, karar oldu. Suriye'den heyet geldi.",
        "2025-11-17T00:10:00+03:00",
    ),
    ("a10", "Su kesintisi", "Buca'da su kesintisi yaşanacak. Iğdır'da kar yağdı.", None),
    (
        "a11",
        "İzmir Büyükşehir Belediyesi bütçesi kabul edildi",
        "Meclis toplantısı Şırnak ve Iğdır heyetleriyle yapıldı.",
        "2025-12-01",
    ),
]


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    path = tmp_path_factory.mktemp("search") / "news.db"
    with Archive(path) as archive:
        archive.save_articles(
            {
                "url": f"https://haber.example/{key}",
                "site": "ege" if key == "a11" else "hibya",
                "title": title,
                "body": body,
                "published_at": published,
            }
            for key, title, body, published in ARTICLES
        )
        yield archive


def found(archive: Archive, q: str, **kw: object) -> list[str]:
    return [hit["url"].rsplit("/", 1)[1] for hit in search(archive, q, **kw)]  # type: ignore[arg-type]


# (query, keys of the articles it must find, and no others)
FINDS = [
    ("kadına", {"a1", "a2", "a3"}),
    ("KADINA", {"a1", "a2", "a3"}),
    ("kadina", {"a1", "a2", "a3"}),
    ("Kadına", {"a1", "a2", "a3"}),
    ("ışık", {"a5", "a6", "a7"}),
    ("ISIK", {"a5", "a6", "a7"}),
    ("Işık", {"a5", "a6", "a7"}),
    ("belediye", {"a2", "a11"}),  # Belediyesinin, Belediyesi
    ("çocuk", {"a6"}),  # çocuğu
    ("şehir", {"a5"}),  # Şehri
    ("su", {"a10"}),  # not Suriye'den
    ("ılıca", {"a8"}),  # Ilıca
    ("IĞDIR", {"a10", "a11"}),
    ('"kadına yönelik"', {"a2"}),
    ('"yönelik kadına"', set()),
    ("büyükşeh*", {"a11"}),
    ("kooperatif*", {"a4"}),
    ("Iğdır OR Şırnak", {"a10", "a11"}),
    ("kadına -panel", {"a1", "a3"}),  # paneli is an inflection of panel
    ("kadın kooperatif OR hattı", {"a3", "a4"}),  # Kadina is kadın + a
    ("İzmir'de AND (", {"a1"}),
    ("Karşıyaka-Bornova", {"a8"}),
    ("title:izmir", {"a11"}),
    ("izmir", {"a1", "a11"}),
]


@pytest.mark.parametrize(("q", "keys"), FINDS)
def test_finds_exactly(news: Archive, q: str, keys: set[str]) -> None:
    assert set(found(news, q)) == keys
    assert count(news, q) == len(keys)


def test_expand_false_matches_the_words_as_typed(news: Archive) -> None:
    assert found(news, "belediye", expand=False) == []
    assert set(found(news, "belediyesinin", expand=False)) == {"a2"}


@pytest.mark.parametrize("q", ["", " ", '"', "*", "-", "OR", "((", "ş*", "-kadına", "NEAR(a b)"])
def test_odd_queries_find_nothing_and_never_raise(news: Archive, q: str) -> None:
    assert search(news, q) == []
    assert count(news, q) == 0


def test_exact_letters_rank_first(news: Archive) -> None:
    # bm25 alone prefers a9 ("oldu" three times); typed in ASCII, both match. The typed ö
    # and ü leave a9 out: "oldu" there is a look-alike (archive/lookalike.py).
    assert found(news, "oldu") == ["a9", "a8"]
    assert found(news, "öldü") == ["a8"]
    assert found(news, "ışık")[-1] == "a7"  # isik, typed without Turkish letters
    assert found(news, "kadına")[-1] == "a3"  # Kadina


def test_hit_shape_and_snippet_in_original_letters(news: Archive) -> None:
    assert search(news, "ışık", limit=1) == [
        {
            "id": 5,
            "url": "https://haber.example/a5",
            "title": "IŞIK FESTİVALİ BAŞLADI",
            "published_at": "2025-11-14",
            "site": "hibya",
            "snippet": "Şehri [ışıklar] süsledi.",
            "rank": pytest.approx(search(news, "ışık")[0]["rank"]),
        }
    ]


def test_snippet_markers_and_phrases(news: Archive) -> None:
    hits = search(news, '"Karşıyaka Bornova" ılıca', start="**", end="**")
    assert [h["snippet"] for h in hits] == [
        "Kaza **Karşıyaka-Bornova** yolunda meydana geldi. **Ilıca** yolu kapandı."
    ]


def test_pagination(news: Archive) -> None:
    everything = found(news, "kadına OR ışık")
    assert len(everything) == 6
    pages = [found(news, "kadına OR ışık", limit=2, offset=o) for o in (0, 2, 4, 6)]
    assert [k for page in pages for k in page] == everything
    assert pages[-1] == []
    assert found(news, "kadına", limit=0) == []


def test_site_and_dates(news: Archive) -> None:
    assert set(found(news, "izmir", site="ege")) == {"a11"}
    # until a day includes the whole day, times with offsets too
    assert set(found(news, "öldü OR oldu", until="2025-11-16")) == {"a8"}
    assert set(found(news, "öldü OR oldu", since="2025-11-17")) == {"a9"}
    assert set(found(news, "kadına", since="2025-11-11", until="2025-11-12")) == {"a2", "a3"}
    assert set(found(news, "izmir", since="2025-12")) == {"a11"}
    assert set(found(news, "izmir", until="2025-11")) == {"a1"}
    assert set(found(news, "su", since="2000")) == set()  # no date: left out by filters
    assert count(news, "kadına", until="2025-11-11") == 2


@pytest.mark.parametrize("bad", ["16.11.2025", "dün", "2025-13-01", "2025-11-16x"])
def test_bad_dates_say_the_format(news: Archive, bad: str) -> None:
    with pytest.raises(QueryError) as err:
        search(news, "izmir", until=bad)
    assert str(err.value) == (
        f"until must be a date like 2025-11-16 (or 2025-11, 2025, or an ISO date-time), got {bad!r}"
    )


def test_long_body_snippet_is_a_window(tmp_path: Path) -> None:
    words = [f"kelime{i}" for i in range(200)]
    words[120] = "Belediyesi’nin"
    with Archive(tmp_path / "news.db") as archive:
        archive.save_articles([{"url": "u", "site": "s", "title": "t", "body": " ".join(words)}])
        (hit,) = search(archive, "belediye", words=10)
    assert hit["snippet"] == (
        "… kelime118 kelime119 [Belediyesi’nin] kelime121 kelime122 kelime123 kelime124 "
        "kelime125 kelime126 kelime127 …"
    )


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150)
@given(st.text(max_size=40) | st.sampled_from(["İzmir'de AND (", '"', "*", "-", "title:", ")("]))
def test_search_never_raises(news: Archive, q: str) -> None:
    assert isinstance(search(news, q), list)
    assert count(news, q) >= 0


# --- ranking in slices of CANDIDATES, filters read from the narrow index ------------------


@pytest.fixture
def small_slices(monkeypatch: pytest.MonkeyPatch) -> int:
    """Rank 2 matches at a time, so the tiny archive has several slices."""
    monkeypatch.setattr(sys.modules["archive.search"], "CANDIDATES", 2)
    return 2


QUERIES = ["kadına", "ışık", "kadına OR ışık", "izmir", "öldü OR oldu", "belediye", "su",
           "kadına OR ışık -panel"]


def test_an_exclusion_leaves_the_ranks_of_the_other_articles_as_they_were(
    news: Archive, small_slices: int
) -> None:
    """Excluded phrases add exactly 0 to bm25 in an article that matches: a query with
    exclusions is ranked by its MATCH without them (``_Matches.positive``)."""
    kept = search(news, "kadına OR ışık -panel", limit=100)
    ranks = {hit["id"]: hit["rank"] for hit in search(news, "kadına OR ışık", limit=100)}
    assert kept and len(kept) < len(ranks)
    assert all(hit["rank"] == ranks[hit["id"]] for hit in kept)


@pytest.mark.parametrize(("q", "keys"), FINDS)
def test_slices_find_the_same_articles(
    news: Archive, small_slices: int, q: str, keys: set[str]
) -> None:
    test_finds_exactly(news, q, keys)


def test_slices_rank_the_newest_matches_first(news: Archive, small_slices: int) -> None:
    hits = search(news, "kadına OR ışık")
    ids = [hit["id"] for hit in hits]
    assert sorted(ids) == [1, 2, 3, 5, 6, 7]
    slices = [set(ids[i : i + small_slices]) for i in range(0, len(ids), small_slices)]
    assert slices == [{7, 6}, {5, 3}, {2, 1}]  # newest archived first, bm25 within a slice
    within = search(news, "kadina OR isik", limit=2)  # typed in ASCII: bm25 order alone
    assert within == sorted(within, key=lambda hit: hit["rank"])
    assert [hit["id"] for hit in search(news, "ışık", limit=2)] == [6, 7]  # Işık before isik


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 7])
def test_pages_across_slices_reach_every_match_once(
    news: Archive, small_slices: int, limit: int
) -> None:
    everything = found(news, "kadına OR ışık OR izmir", limit=100)
    assert len(everything) == 7
    pages = [
        found(news, "kadına OR ışık OR izmir", limit=limit, offset=o) for o in range(0, 8, limit)
    ]
    assert [key for page in pages for key in page] == everything


def test_slices_keep_filters_and_exact_letters(news: Archive, small_slices: int) -> None:
    test_site_and_dates(news)
    assert found(news, "öldü") == ["a8"]
    assert set(found(news, "kadına OR ışık", site="hibya", since="2025-11-12")) == {
        "a3",
        "a5",
        "a6",
        "a7",
    }


def test_filters_work_without_the_filter_index(tmp_path: Path) -> None:
    """An archive opened by sqlite-utils alone may predate the index: still searchable."""
    path = tmp_path / "news.db"
    with Archive(path) as archive:
        archive.save_articles(
            {
                "url": f"u{n}",
                "site": "s" if n % 2 else "t",
                "title": "Işık",
                "body": "",
                "published_at": f"2025-11-{n:02d}",
            }
            for n in range(1, 9)
        )
    conn = sqlite3.connect(path)
    conn.execute(f"DROP INDEX {FILTER_INDEX}")
    assert count(conn, "ışık", site="s", since="2025-11-03") == 3
    assert [hit["url"] for hit in search(conn, "ışık", site="t", until="2025-11-04")] in (
        ["u2", "u4"],
        ["u4", "u2"],
    )
    conn.close()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    st.sampled_from(QUERIES),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=8),
    st.sampled_from([None, "hibya", "ege"]),
    st.sampled_from([0, 5000]),
)
def test_any_page_is_a_piece_of_the_whole_list(
    news: Archive, q: str, limit: int, offset: int, site: str | None, kept_list: int
) -> None:
    """Also when the site is applied as a list of ids (KEPT_LIST) and as a join."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys.modules["archive.search"], "CANDIDATES", 2)
        patch.setattr(sys.modules["archive.search"], "KEPT_LIST", kept_list)
        everything = search(news, q, site=site, limit=100)
        page = search(news, q, site=site, limit=limit, offset=offset)
    assert page == everything[offset : offset + limit]


def test_a_filter_keeping_few_of_a_large_archive_is_a_list_of_ids(news: Archive) -> None:
    """Beyond ``KEPT_LIST`` articles, a filter is applied as a list of their ids when it
    keeps at most one article in ``SPARSE`` of the archive (its highest id), as a join
    with the filter index otherwise; the hits are the same."""
    answers, lists = [], []
    for sparse in (1, 10**9):  # every archive is sparse enough / none is
        statements: list[str] = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys.modules["archive.search"], "CANDIDATES", 1)
            patch.setattr(sys.modules["archive.search"], "KEPT_LIST", 0)
            patch.setattr(sys.modules["archive.search"], "SPARSE", sparse)
            news.conn.set_trace_callback(statements.append)
            try:
                answers.append(search(news, "kadına OR ışık", site="hibya", limit=50))
            finally:
                news.conn.set_trace_callback(None)
        lists.append(any(f"+{FTS_TABLE}.rowid IN (SELECT id FROM articles" in sql
                         for sql in statements if " MATCH " in sql))
    assert lists == [True, False]
    assert answers[0] == answers[1] and len(answers[0]) > 1


@pytest.mark.parametrize("candidates", [1, 1000])
def test_a_list_of_kept_ids_bounds_the_index_walk_by_their_range(
    news: Archive, candidates: int
) -> None:
    """Filters applied as a list of their articles' ids (at most ``KEPT_LIST``) also bound
    FTS5's walk by the range of those ids, whether or not one slice ranks every match (an
    archive filled in crawl order keeps a month's ids together)."""
    statements: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys.modules["archive.search"], "CANDIDATES", candidates)
        news.conn.set_trace_callback(statements.append)
        try:
            hits = search(news, "kadına OR ışık", site="hibya", since="2025-11-12")
        finally:
            news.conn.set_trace_callback(None)
    assert len(hits) > candidates or candidates == 1000
    walks = [detail for sql in statements if " MATCH " in sql and not sql.startswith("EXPLAIN")
             for *_, detail in news.conn.execute("EXPLAIN QUERY PLAN " + sql)
             if detail.startswith(f"SCAN {FTS_TABLE} VIRTUAL TABLE")]
    assert walks
    for detail in walks:  # FTS5's plan: M (the MATCH), > and < (rowid bounds)
        assert ">" in detail.rsplit(":", 1)[1] and "<" in detail.rsplit(":", 1)[1], detail


@pytest.mark.parametrize(
    "filters",
    [{"site": "hibya"}, {"since": "2025-11-12"}, {"site": "ege", "until": "2025-12"}, {}],
)
def test_the_full_text_index_drives_every_query(news: Archive, filters: dict[str, str]) -> None:
    """Driven from the site or date index, SQLite runs the whole MATCH once per article of
    the site: a minute on 100,000 articles. Every statement with MATCH must scan the index
    first (search, count and export alike)."""
    statements: list[str] = []
    news.conn.set_trace_callback(statements.append)
    try:
        search(news, "kadına OR ışık", **filters)
        count(news, "kadına OR ışık", **filters)
        list(iter_articles(news, query="kadına OR ışık", **filters))
    finally:
        news.conn.set_trace_callback(None)
    matching = [s for s in statements if " MATCH " in s and not s.startswith("EXPLAIN")]
    assert len(matching) >= 3
    for sql in matching:
        plan = news.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
        # the first table read (a subquery's rows are read after the tables feeding it, a
        # materialized list of kept ids before; archive.phraserank scans the index once
        # per phrase of its constant list)
        aside = {row[0] for row in plan if row[3].startswith("MATERIALIZE ")}
        for row in plan:
            if row[1] in aside:
                aside.add(row[0])
        reads = [row[3] for row in plan
                 if row[3].startswith(("SCAN ", "SEARCH ")) and "(subquery" not in row[3]
                 and row[0] not in aside and not row[3].endswith(" CONSTANT ROWS")
                 and row[3] != "SCAN p"]
        assert reads[0].startswith("SCAN articles_fts VIRTUAL TABLE"), (sql, plan)
        # once, not once per article the filters keep (``rowid=`` handed to the index)
        assert "=" not in reads[0].partition(" INDEX ")[2], (sql, plan)


def _lookalike_archive(tmp_path):
    from archive import Archive

    texts = {
        "su": ("Su kesintisi", "Mahallede suyu kesildi, suyla ilgili açıklama yapılacak."),
        "şu": ("Açıklama", "Belediye şu an çalışıyor, şu sokakta yol yapılıyor."),
        "çin": ("Çin'de büyüme", "Çin ekonomisi bu ay büyüdü."),
        "cin": ("Röportaj", "Ahmet Cin konuştu, cin fikirli bir öğrenciymiş."),
        "isim": ("İsim listesi", "Yeni isimler açıklandı, ismi geçen kişiler çağrıldı."),
        "işim": ("Söyleşi", "Benim işim çok yoğun, işimi seviyorum diye anlattı."),
        "ascii": ("Sehir", "Su an Cin ile gorusuldu, isim verilmedi."),
        "suriye": ("Suriye", "Suriye sınırında gelişmeler yaşandı."),
    }
    archive = Archive(tmp_path / "look.db")
    archive.save_articles(
        [{"url": f"https://ornek.test/{k}", "site": "ornek", "title": t, "body": b}
         for k, (t, b) in texts.items()]
    )
    return archive


def _found(archive, q):
    from archive import count, search

    urls = {h["url"].rsplit("/", 1)[1] for h in search(archive, q, limit=50)}
    assert count(archive, q) == len(urls)
    return urls


@pytest.mark.parametrize("typing", ["su", "SU", "Su"])
def test_su_finds_water_not_the_pronoun_su_nor_suriye(tmp_path, typing) -> None:
    with _lookalike_archive(tmp_path) as archive:
        assert _found(archive, typing) == {"su", "ascii"}


@pytest.mark.parametrize("typing", ["Çin", "ÇİN", "cin", "CIN"])
def test_cin_finds_china_not_the_genie_or_the_surname(tmp_path, typing) -> None:
    with _lookalike_archive(tmp_path) as archive:
        assert _found(archive, typing) == {"çin", "ascii"}


@pytest.mark.parametrize("typing", ["isim", "İSİM"])
def test_isim_does_not_find_isim_my_work(tmp_path, typing) -> None:
    with _lookalike_archive(tmp_path) as archive:
        assert _found(archive, typing) == {"isim", "ascii"}


def test_typed_turkish_letters_find_the_lookalike_itself(tmp_path) -> None:
    with _lookalike_archive(tmp_path) as archive:
        assert _found(archive, "şu") == {"şu", "ascii"}
        assert _found(archive, "işim") == {"işim", "ascii"}


@pytest.mark.parametrize("q", ["su", "şu", "Çin", "CIN", "isim", "işim", "şu OR çin"])
def test_export_keeps_what_search_finds(tmp_path, q) -> None:
    """An export of a query holds the articles its search lists: not the look-alikes."""
    from archive.export.cells import iter_article_cells
    from archive.export.rows import iter_articles

    with _lookalike_archive(tmp_path) as archive:
        searched = _found(archive, q)
        rows = {a["url"].rsplit("/", 1)[1] for a in iter_articles(archive, query=q)}
        cells = {url.rsplit("/", 1)[1]
                 for (url,) in iter_article_cells(archive, ("url",), query=q)}
    assert rows == cells == searched


def _typed_letters_archive(tmp_path):
    from archive import Archive

    texts = {
        "şiş": ("Kebap", "Şişi ateşe koydu, şiş kebap hazırlandı."),
        "sis": ("Hava durumu", "İstanbul'da sis etkili oldu, sisli hava sürüyor."),
        "ön": ("Okul", "Okulun önünde eylem yapıldı, öne çıkan talepler okundu."),
        "onu": ("Açıklama", "Bakan onun sözlerini yanlış buldu, onu eleştirdi."),
        "aş": ("Aşevi", "Belediye aşı dağıttı, aş evinde yemek verildi."),
        "as": ("Basketbol", "Takımın as oyuncusu sakatlandı, maçta yer almadı."),
        "için": ("Toplantı", "Belediye için önemli bir gün, proje için adım atıldı."),
        "iç": ("Ekonomi", "İç piyasada talep arttı, evin içi boyandı."),
        "karisik": ("Sokakta isik yok", "Mahalle karanlıkta kaldı."),
        "kurt": ("Orman", "Köyde kurt görüldü."),
        "ünlü": ("Konser", "Ünlü sanatçı sahneye çıktı."),
        "un": ("Fırın", "Un fiyatları arttı, unlu mamuller pahalandı."),
        "ascii": ("Sis ve sis", "Sis var, onu ve onun sozlerini, as oyuncu."),
    }
    archive = Archive(tmp_path / "typed.db")
    archive.save_articles(
        [{"url": f"https://ornek.test/{k}", "site": "ornek", "title": t, "body": b}
         for k, (t, b) in texts.items()]
    )
    return archive


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # "ascii" has no Turkish letters: nothing tells its words apart, it matches.
        ("şiş", {"şiş", "ascii"}),  # not sis: the typed ş tells them apart
        ("ŞİŞ", {"şiş", "ascii"}),
        ("sis", {"şiş", "sis", "ascii"}),  # typed in ASCII: both
        ("ön", {"ön", "ascii"}),  # önü/önün fold like onu/onun
        ("ÖN", {"ön", "ascii"}),
        ("aş", {"aş", "ascii"}),  # not "as oyuncusu"
        ("iç", {"iç"}),  # için is not a form of iç
        ("ic", {"iç"}),
        # 4 letters: not checked (ranked by exact letters only); "isik" is ışık typed in ASCII
        ("ışık", {"karisik"}),
        ("kürt", set()),  # kurt is listed: "kurt" in an article with Turkish letters is the wolf
        ("un", {"un"}),  # flour, not ünlü (inflect.LOOKALIKES)
        ("ün", {"ünlü"}),
    ],
)
def test_typed_turkish_letters_tell_short_words_apart(tmp_path, q, expected) -> None:
    with _typed_letters_archive(tmp_path) as archive:
        assert _found(archive, q) == expected


def test_longer_words_are_not_checked(tmp_path) -> None:
    """Above TYPED_CHECK_LENGTH folded letters only the ranking uses the typed letters."""
    from archive import Archive
    from archive.lookalike import TYPED_CHECK_LENGTH

    with Archive(tmp_path / "long.db") as archive:
        archive.save_articles([
            {"url": "https://ornek.test/1", "site": "ornek", "title": "Ogrenci",
             "body": "Ogrenciler okula döndü."},
        ])
        assert TYPED_CHECK_LENGTH < len("ogrenci") and TYPED_CHECK_LENGTH < len("cocuk")
        assert _found(archive, "öğrenci") == {"1"}


def test_lookalike_check_reads_articles_without_a_title(tmp_path) -> None:
    """An untitled article is checked like any other (SQL NULL does not let it through)."""
    from archive import Archive

    with Archive(tmp_path / "untitled.db") as archive:
        archive.save_articles([
            {"url": "https://ornek.test/oldu", "site": "ornek", "title": "",
             "body": "Toplantı verimli oldu, görüşme iyi geçti."},
            {"url": "https://ornek.test/öldü", "site": "ornek", "title": "",
             "body": "Kazada bir kişi öldü, iki kişi yaralandı."},
        ])
        archive.conn.execute("UPDATE articles SET title = NULL")
        untitled = "SELECT count(*) FROM articles WHERE title IS NULL"
        assert archive.conn.execute(untitled).fetchone()[0] == 2
        assert _found(archive, "öldü") == {"öldü"}


def test_a_moment_bound_in_any_offset_is_that_moment() -> None:
    from datetime import UTC, datetime

    with Archive(":memory:") as archive:
        archive.save_articles([
            {"url": "https://ege.example/a-1", "site": "ege", "title": "Bodrum'da yangın",
             "body": "Bodrum'da makilik alanda yangın çıktı.",
             "published_at": "2025-08-14T23:45:00+03:00"},
            {"url": "https://ege.example/b-2", "site": "ege", "title": "Bodrum'da yangın sürüyor",
             "body": "Bodrum'da makilik alanda yangın sürüyor.",
             "published_at": "2025-08-14T23:55:00+03:00"},
        ])

        def urls(**bounds: Any) -> list[str]:
            return sorted(h["url"][-3:] for h in search(archive, "yangın", **bounds))

        # 20:50 UTC is 23:50 in Istanbul: between the two articles
        for moment in ("2025-08-14T20:50:00Z", "2025-08-14T20:50Z", "2025-08-14T23:50:00+03:00",
                       "2025-08-14T23:50", datetime(2025, 8, 14, 20, 50, tzinfo=UTC)):
            assert urls(until=moment) == ["a-1"], moment
            assert urls(since=moment) == ["b-2"], moment
