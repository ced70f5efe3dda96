"""Issue 3 end to end: a Turkish site with every text problem, crawled and searched.

``tests/fixtures/turkish_site/`` is a small fictional site (Körfez Postası) whose pages
carry the problems one by one: windows-1254 bytes declared latin-1 or not at all, a BOM,
a wrong ``<meta charset>``, a header and a ``<meta>`` that disagree, mojibake stored by
the CMS, double-escaped entities, invisible characters inside words, boilerplate lines,
and dates in the formats Turkish sites print. ``_manifest.json`` says what the archive
must hold for each page. The real server serves it, the real CLI crawls it in a
subprocess, and ``newscrawler search`` must find every page by words typed any way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newscrawler.offline import article_from_html
from newscrawler.sample_server import serve
from newscrawler.text.dates import ISTANBUL, format_date
from tests.conftest import FIXTURES, rows, run_cli

SITE_ROOT = FIXTURES / "turkish_site"
MANIFEST: dict[str, Any] = json.loads((SITE_ROOT / "_manifest.json").read_text("utf-8"))
HEADERS: dict[str, str] = json.loads((SITE_ROOT / "_headers.json").read_text("utf-8"))
PAGES: dict[str, dict[str, Any]] = {page["path"]: page for page in MANIFEST["pages"]}
SITE = MANIFEST["profile"]["name"]
#: The fetch time given to ``newscrawler extract`` (after every date on the site).
FETCHED_AT = "2025-11-18T15:00:00+03:00"

#: What must be in each page's bytes, decoded the way they really are: the fixture
#: really has the problem the manifest names.
RAW_PROBLEMS: dict[str, list[str]] = {
    "/haber/karsiyaka-iskelesi-yenilendi-7004": ['<meta charset="windows-1254">'],
    "/haber/bornovada-trafik-duzenlemesi-7005": ["charset=windows-1254"],
    "/haber/menemende-zeytin-hasadi-7006": ["Ä°zmirâ€™in", "Ýzmir'de þiddetli", "hasadÄ±",
                                            "2098-11-16T10:00:00+03:00"],
    "/haber/konakta-kitap-fuari-7007": ["&amp;#304;zmir", "&amp;ccedil;", "Fua\u00adrı",
                                        "Bele\u200bdiye", "300’den\u00a0fazla", "\u200e",
                                        "Google News’te takip edin", "7 Kas 2025"],
    "/haber/gaziemirde-fidan-dikimi-7008": ["Dün 14:00"],
    "/haber/torbalida-pazar-yeri-7009": ["Torbal&amp;#305;&amp;#8217;da", "Guncelleme: 17 Kasim"],
}
#: Characters that must never reach the archive.
NEVER = ["\ufffd", "\u00ad", "\u200b", "\u200e", "\u00a0", "\u2009", "\ufeff", "Ã", "Ä", "Å",
         "Ý", "ý", "þ", "ð", "&#", "&amp;", "i\u0307"]


def page_file(path: str) -> Path:
    return SITE_ROOT / (path.lstrip("/") + ".html")


def profile_toml() -> str:
    """The site profile, as a user would write it for this site."""
    p = MANIFEST["profile"]
    return "\n".join([
        f'name = "{p["name"]}"',
        'title = "Körfez Postası (test sitesi)"',
        'base_url = "http://127.0.0.1:8765/"',
        f"article_pattern = '{p['article_pattern']}'",
        'language = "tr"',
        "",
        "[discovery]",
        f"feeds = {json.dumps(p['feeds'])}",
        f"listings = {json.dumps(p['listings'])}",
        "",
    ])


def expected_published(gold: dict[str, Any], fetched_at: str) -> str:
    """The manifest's published_at, relative ones resolved against ``fetched_at``."""
    value = gold["published_at"]
    if isinstance(value, str):
        return value
    fetched = datetime.fromisoformat(fetched_at).astimezone(ISTANBUL)
    if "hours_before_fetch" in value:
        moment = fetched - timedelta(hours=value["hours_before_fetch"])
        return format_date(moment.replace(second=0, microsecond=0))
    day = fetched.date() - timedelta(days=1)
    return format_date(datetime.combine(day, time.fromisoformat(value["yesterday_at"]), ISTANBUL))


# --- the fixture itself ----------------------------------------------------------------------


@pytest.mark.parametrize("path", list(PAGES))
def test_fixture_pages_have_their_problems(path: str) -> None:
    gold = PAGES[path]
    data = page_file(path).read_bytes()
    if gold["bytes"] == "cp1254":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        text = data.decode("cp1254")
    else:
        assert data.startswith(b"\xef\xbb\xbf") is (gold["bytes"] == "utf-8-bom")
        text = data.decode("utf-8-sig")
    for snippet in RAW_PROBLEMS.get(path, []):
        assert snippet in text, snippet
    assert HEADERS.get(path, "text/html; charset=utf-8") == gold["header"]  # what is served


# --- one crawl of the site -------------------------------------------------------------------


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The site crawled once by ``newscrawler crawl`` with a profile from a sites folder."""
    base = tmp_path_factory.mktemp("turkish_e2e")
    sites = base / "sites"
    sites.mkdir()
    (sites / f"{SITE}.toml").write_text(profile_toml(), "utf-8")
    db = base / "news.db"
    with serve(SITE_ROOT) as origin:
        result = run_cli("crawl", SITE, "--db", str(db), "--base-url", origin,
                         "--set", "PROGRESS_INTERVAL=0",
                         env={"NEWSCRAWLER_SITES_DIR": str(sites)})
    yield {"db": db, "origin": origin, "result": result}


@pytest.fixture(scope="module")
def archived(crawled: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {urlsplit(r["url"]).path: r for r in rows(crawled["db"], "select * from articles")}


def test_crawl_succeeds_and_archives_every_page_once(crawled: dict[str, Any],
                                                      archived: dict[str, Any]) -> None:
    result = crawled["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{SITE}: finished" in result.stdout
    assert f"{len(PAGES)} new" in result.stdout
    assert set(archived) == set(PAGES)


@pytest.mark.parametrize("path", list(PAGES))
def test_archived_text_is_exact_turkish(archived: dict[str, Any], path: str) -> None:
    gold, row = PAGES[path], archived[path]
    assert row["title"] == gold["title"]
    assert row["body"] == "\n\n".join(gold["paragraphs"])
    for text in (row["title"], row["body"]):
        for char in NEVER:
            assert char not in text, (path, char)
    for line in gold.get("boilerplate", []):
        assert line not in row["body"]


@pytest.mark.parametrize("path", list(PAGES))
def test_archived_dates(archived: dict[str, Any], path: str) -> None:
    gold, row = PAGES[path], archived[path]
    got = {key: row[key] for key in ("published_at", "updated_at", "date_precision",
                                     "date_source", "date_raw")}
    assert got == {
        "published_at": expected_published(gold, row["fetched_at"]),
        "updated_at": gold["updated_at"],
        "date_precision": gold["date_precision"],
        "date_source": gold["date_source"],
        "date_raw": gold["date_raw"],
    }


def test_no_archived_date_is_after_its_fetch(archived: dict[str, Any]) -> None:
    for path, row in archived.items():
        fetched = datetime.fromisoformat(row["fetched_at"])
        for value in (row["published_at"], row["updated_at"]):
            if value and len(value) > 10:
                assert datetime.fromisoformat(value) <= fetched, path
            elif value:
                assert value <= fetched.astimezone(ISTANBUL).date().isoformat(), path


def test_raw_pages_keep_the_header_and_the_codec_chosen(crawled: dict[str, Any]) -> None:
    got = {urlsplit(r["url"]).path: (r["content_type"], r["encoding"])
           for r in rows(crawled["db"], "select url, content_type, encoding from raw_pages")}
    for path, gold in PAGES.items():
        assert got[path] == (gold["header"], gold["encoding"])


def test_crawl_stats_count_rejected_dates_and_disagreements(crawled: dict[str, Any]) -> None:
    [run] = rows(crawled["db"], "select stats from crawl_runs")
    stats = json.loads(run["stats"])
    assert stats["dates/rejected"] == 1  # the 2098 <meta> time of the Menemen page
    assert stats["dates/disagreements"] == 1  # JSON-LD 10 Nov vs byline 7 Kas, Konak page
    assert stats["clean/items"] == len(PAGES)


SEARCHES = [(path, query) for path, gold in PAGES.items() for query in gold["queries"]]


@pytest.mark.parametrize(("path", "query"), SEARCHES)
def test_search_finds_the_page(crawled: dict[str, Any], path: str, query: str) -> None:
    result = run_cli("search", query, "--db", str(crawled["db"]), "--format", "json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert path in {urlsplit(hit["url"]).path for hit in hits}
    for hit in hits:
        assert "\ufffd" not in hit["title"] + hit["snippet"]


@pytest.mark.parametrize("byline", ["Bugün 09:15", "yarım saat önce", "Az önce"])
def test_other_bare_relative_bylines_reach_the_parser(byline: str) -> None:
    html = (f"<html lang='tr'><body><article><h1>Bayraklı’da yeni park açıldı</h1>"
            f"<div class='tarih'>{byline}</div><p>{'Bayraklı’da yeni park açıldı. ' * 8}</p>"
            f"</article></body></html>").encode()
    fetched = datetime(2025, 11, 16, 15, 0, tzinfo=ISTANBUL)
    item = article_from_html(html, "http://127.0.0.1/haber/park-1", site="t", fetched_at=fetched)
    assert item.date_raw == byline


# --- newscrawler extract on saved pages -----------------------------------------------------

EXTRACTED = [
    "/haber/kadina-siddete-hayir-yuruyusu-7001",  # cp1254, no header to go by
    "/haber/ciglide-sokak-festivali-7003",  # BOM; "2 saat önce" against --fetched-at
    "/haber/karsiyaka-iskelesi-yenilendi-7004",  # UTF-8 under a windows-1254 <meta>
    "/haber/menemende-zeytin-hasadi-7006",  # mojibake; a 2098 date rejected
    "/haber/konakta-kitap-fuari-7007",  # entities, invisible characters, boilerplate
    "/haber/gaziemirde-fidan-dikimi-7008",  # "Dün 14:00" against --fetched-at
]


@pytest.mark.parametrize("path", EXTRACTED)
def test_extract_command_on_saved_pages(path: str) -> None:
    gold = PAGES[path]
    url = f"http://127.0.0.1:8765{path}"
    result = run_cli("extract", str(page_file(path)), "--url", url, "--fetched-at", FETCHED_AT)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert {key: out[key] for key in ("url", "title", "body", "encoding", "is_article")} == {
        "url": url,
        "title": gold["title"],
        "body": "\n\n".join(gold["paragraphs"]),
        "encoding": gold["encoding"],
        "is_article": True,
    }
    assert {key: out[key] for key in ("published_at", "updated_at", "date_precision",
                                      "date_source", "date_raw")} == {
        "published_at": expected_published(gold, FETCHED_AT),
        "updated_at": gold["updated_at"],
        "date_precision": gold["date_precision"],
        "date_source": gold["date_source"],
        "date_raw": gold["date_raw"],
    }


def test_extract_resolves_relative_dates_against_fetched_at() -> None:
    path = "/haber/ciglide-sokak-festivali-7003"
    dates = {}
    for fetched_at in ("2025-11-18T15:00:00+03:00", "2015-01-15T00:30:00Z"):
        result = run_cli("extract", str(page_file(path)), "--url", f"http://x{path}",
                         "--fetched-at", fetched_at)
        assert result.returncode == 0, result.stderr
        dates[fetched_at] = json.loads(result.stdout)["published_at"]
    assert dates == {
        "2025-11-18T15:00:00+03:00": "2025-11-18T13:00:00+03:00",
        "2015-01-15T00:30:00Z": "2015-01-15T00:30:00+02:00",  # 02:30 in Istanbul's winter
    }
