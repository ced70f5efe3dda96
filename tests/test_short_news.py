"""Short news is archived and flagged; what is not an article is dropped with its reason (#9).

A loopback site written here (fictional Turkish local news, the sample site's URL shape so
the ``sample`` profile crawls it) holds two short real articles, a long one, a gallery
without text, a listing page, a "page not found" notice and a page without any body.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawler.extract.blocks import Block
from newscrawler.items import ArticleItem
from newscrawler.pipelines.validate import ValidatePipeline, problem, reason_key
from newscrawler.sample_server import serve
from newscrawler.settings import VALIDATE_MIN_BODY_CHARS
from tests.conftest import SHARED, rows, run_cli

LONG = (
    "Karşıyaka Belediyesi, kış aylarında evsiz vatandaşlar için spor salonunu sıcak bir "
    "barınma alanına dönüştürdü. Salonda yatak, battaniye ve sıcak yemek hizmeti veriliyor.",
    "Belediye yetkilileri, hizmetin hava sıcaklığı sıfırın altına düştüğü her gece "
    "sürdürüleceğini ve ihtiyaç sahiplerinin Beyaz Masa'ya başvurabileceğini açıkladı.",
)
FLASH = "Bornova’da bir iş yerinde çıkan yangın itfaiye ekiplerince söndürüldü. Yaralı yok."
NOTICE = "Buca’da yarın 09.00 ile 17.00 saatleri arasında planlı su kesintisi yapılacak."
TEASER = ("Konak’ta düzenlenen etkinlikte yüzlerce kişi bir araya geldi ve kent meydanında "
          "uzun süre konserler izlendi.")

PAGES: dict[str, str] = {}


def page(slug: str, title: str, main: str) -> None:
    PAGES[slug] = (
        '<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8">'
        f"<title>{title} - Körfez Haber</title>"
        f'<link rel="canonical" href="{{{{ORIGIN}}}}/{slug}"></head><body>'
        '<header><a href="/">Körfez Haber</a><nav><a href="/">Ana Sayfa</a> '
        '<a href="/kategori/gundem">Gündem</a></nav></header>'
        f"<main>{main}</main><footer><p>© 2026 Körfez Haber. Tüm hakları saklıdır.</p>"
        "</footer></body></html>"
    )


def article(title: str, *paragraphs: str) -> str:
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<article class="haber"><h1>{title}</h1><div class="meta-bilgi">'
            '<time datetime="2025-11-20T09:30:00+03:00">20.11.2025 09:30</time></div>'
            f'<div class="haber-detay">{ps}<p class="kaynak">Hibya Haber Ajansı</p>'
            '<p><a href="/karsiyakada-kis-barinagi-acildi-300003">Karşıyaka’da kış '
            "barınağı açıldı</a></p></div></article>")


page("bornovada-is-yerinde-yangin-300001", "Bornova’da iş yerinde yangın",
     article("Bornova’da iş yerinde yangın", FLASH))
page("bucada-planli-su-kesintisi-300002", "Buca’da planlı su kesintisi",
     article("Buca’da planlı su kesintisi", NOTICE))
page("karsiyakada-kis-barinagi-acildi-300003", "Karşıyaka’da kış barınağı açıldı",
     article("Karşıyaka’da kış barınağı açıldı", *LONG))
page("foto-galeri-konak-meydani-300004", "Fotoğraflarla Konak Meydanı",
     '<div class="galeri"><h1>Fotoğraflarla Konak Meydanı</h1>'
     + "".join(f'<figure><img src="/g/{i}.png" alt="Konak {i}"><figcaption>{i}/5'
               "</figcaption></figure>" for i in range(1, 6)) + "</div>")
page("son-dakika-haberleri-300005", "Son dakika haberleri",
     '<h1>Son dakika haberleri</h1><div class="haber-listesi">'
     + "".join(f'<div class="item"><h3><a href="/konak-etkinlik-{i}-3100{i}">Konak’ta '
               f"etkinlik haberinin başlığı numara {i}</a></h3><p>{TEASER}</p></div>"
               for i in range(8)) + "</div>")
page("sayfa-bulunamadi-300006", "Sayfa bulunamadı",
     article("Sayfa bulunamadı", "Aradığınız sayfa bulunamadı. Ana sayfaya dönerek diğer "
             "haberlerimize göz atabilirsiniz."))
page("menemende-yeni-park-300007", "Menemen’de yeni park",
     '<article class="haber"><h1>Menemen’de yeni park</h1><div class="haber-detay">'
     "</div></article>")

ARCHIVED_SHORT = ("bornovada-is-yerinde-yangin-300001", "bucada-planli-su-kesintisi-300002")


def write_site(root: Path) -> None:
    root.mkdir()
    for slug, html in PAGES.items():
        (root / f"{slug}.html").write_text(html, encoding="utf-8")
    links = "".join(f'<li><a href="/{slug}">{slug}</a></li>' for slug in PAGES)
    (root / "index.html").write_text(
        '<html lang="tr"><head><meta charset="utf-8"><title>Körfez Haber</title></head><body>'
        f'<ul class="haber-listesi">{links}</ul></body></html>', encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    urls = "".join(f"<url><loc>{{{{ORIGIN}}}}/{slug}</loc></url>" for slug in PAGES)
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        encoding="utf-8")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("short")
    write_site(folder / "site")
    db = folder / "news.db"
    with serve(folder / "site") as origin:
        result = run_cli("crawl", "sample", "--db", str(db), "--base-url", origin,
                         "--set", "PROGRESS_INTERVAL=0")
    return {"db": db, "result": result, "origin": origin}


def test_crawl_archives_short_news_flagged(crawled: dict[str, Any]) -> None:
    assert crawled["result"].returncode == 0, crawled["result"].stderr[-2000:]
    found = {r["url"].rsplit("/", 1)[1]: r for r in rows(
        crawled["db"], "SELECT url, body, flags, published_at FROM articles")}
    assert set(found) == {*ARCHIVED_SHORT, "karsiyakada-kis-barinagi-acildi-300003"}
    assert found["bornovada-is-yerinde-yangin-300001"]["body"] == FLASH
    assert found["bucada-planli-su-kesintisi-300002"]["body"] == NOTICE
    assert {slug: r["flags"] for slug, r in found.items()} == {
        "bornovada-is-yerinde-yangin-300001": "short",
        "bucada-planli-su-kesintisi-300002": "short",
        "karsiyakada-kis-barinagi-acildi-300003": None,
    }


def test_crawl_drops_non_articles_each_with_its_reason(crawled: dict[str, Any]) -> None:
    stats = json.loads(rows(crawled["db"], "SELECT stats FROM crawl_runs")[0]["stats"])
    assert stats["validate/dropped/gallery_without_text"] == 1
    assert stats["validate/dropped/listing_page"] == 1
    assert stats["validate/dropped/notice_page"] == 1
    assert stats["validate/dropped/not_an_article"] == 1  # the page without a body
    assert stats["validate/short"] == 2
    summary = crawled["result"].stderr + crawled["result"].stdout
    for label in ("1 gallery_without_text", "1 listing_page", "1 notice_page"):
        assert label in summary


def test_export_no_short_leaves_short_news_out(crawled: dict[str, Any]) -> None:
    db = str(crawled["db"])
    every = run_cli("export", "--db", db, "--format", "jsonl")
    kept = run_cli("export", "--db", db, "--format", "jsonl", "--no-short")
    assert every.returncode == kept.returncode == 0, every.stderr + kept.stderr
    flags = sorted(json.loads(line)["flags"] for line in every.stdout.splitlines())
    assert flags == ["", "short", "short"]
    assert [json.loads(line)["url"].rsplit("/", 1)[1] for line in kept.stdout.splitlines()
            ] == ["karsiyakada-kis-barinagi-acildi-300003"]
    wrong = run_cli("export", "--db", db, "--table", "runs", "--no-short")
    assert wrong.returncode == 2 and "--no-short" in wrong.stderr


DUMPS = {
    "flash.txt": f"Bornova’da iş yerinde yangın\n20.11.2025 09:30\n{FLASH}\nHibya Haber Ajansı\n",
    "notice.txt": f"Buca’da planlı su kesintisi\nDün 14:00\n{NOTICE}\n",
    "long.txt": f"Karşıyaka’da kış barınağı açıldı\n20.11.2025\n{LONG[0]}\n{LONG[1]}\n",
    "empty.txt": "Menemen’de yeni park\n20.11.2025\n",
    "label.txt": "Foto Galeri\n20.11.2025\nFotoğraflar için tıklayın\n",
    "removed.txt": "Haber\nBu haber yayından kaldırılmıştır, ilginiz için teşekkür ederiz.\n",
}


def test_import_keeps_short_dumps_and_pages_flagged(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    for name, text in DUMPS.items():
        (dumps / name).write_text(text, encoding="utf-8")
    for slug in (ARCHIVED_SHORT[0], "foto-galeri-konak-meydani-300004"):
        (dumps / f"{slug}.html").write_text(
            PAGES[slug].replace("{{ORIGIN}}", "http://127.0.0.1:8765"), encoding="utf-8")
    db = tmp_path / "news.db"
    result = run_cli("import", str(dumps), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "4 new, 0 updated, 0 unchanged, 4 skipped" in result.stdout
    flagged = {r["url"].rsplit("/", 1)[1]: r["flags"] for r in rows(
        db, "SELECT url, flags FROM articles")}
    assert flagged == {"flash.txt": "short", "notice.txt": "short", "long.txt": None,
                       ARCHIVED_SHORT[0]: "short"}
    skipped = result.stderr
    assert "empty.txt: empty body" in skipped
    assert "label.txt: no sentence text" in skipped
    assert "removed.txt: notice page" in skipped
    assert "foto-galeri-konak-meydani-300004.html: not an article (gallery without text)" \
        in skipped


def _item(body: str, **kw: Any) -> ArticleItem:
    return ArticleItem(url="http://127.0.0.1/a-1", site="s", fetched_at="2025-11-20T09:00:00+00:00",
                       **{"title": "Başlık", **kw}, body=body, paragraphs=[body])


@pytest.mark.parametrize(("body", "key"), [
    ("", "empty_body"),
    ("Foto Galeri", "no_sentence_text"),
    ("Haber güncelleniyor.", "no_sentence_text"),
    ("Aradığınız sayfa bulunamadı. Lütfen ana sayfaya dönün ve tekrar deneyin.", "notice_page"),
])
def test_validator_drops_what_is_not_an_article(body: str, key: str) -> None:
    reason = problem(_item(body), min_body_chars=VALIDATE_MIN_BODY_CHARS)
    assert reason is not None and reason_key(reason) == key


@pytest.mark.parametrize(("title", "dropped"), [
    ("Çerez Politikası", True), ("KVKK AYDINLATMA METNİ", True), ("Künye", True),
    ("KVKK'dan yeni karar: veri ihlali cezası", False), ("İletişim hatları kesildi", False),
])
def test_a_sites_own_pages_are_not_articles(title: str, dropped: bool) -> None:
    """A wget mirror holds the site's policy and contact pages beside its news."""
    reason = problem(_item(" ".join(LONG), title=title), min_body_chars=VALIDATE_MIN_BODY_CHARS)
    assert (reason is not None and reason_key(reason) == "site_page") == dropped, reason


@pytest.mark.parametrize(("reason", "key"), [
    ("gallery without text", "gallery_without_text"),
    ("region is a list of teasers (a listing page?)", "listing_page"),
    ("no article body", "not_an_article"),
])
def test_extractor_verdicts_keep_distinct_keys(reason: str, key: str) -> None:
    item = _item(FLASH, is_article=False, reason=reason)
    found = problem(item, min_body_chars=VALIDATE_MIN_BODY_CHARS)
    assert found is not None and reason_key(found) == key


def test_validate_pipeline_flags_a_two_sentence_article() -> None:
    crawler = get_crawler(settings_dict={})
    pipe = ValidatePipeline.from_crawler(crawler)
    item = pipe.process_item(_item(FLASH, blocks=[Block("p", FLASH)]))
    assert item.flags == ["short"] and item.record()["flags"] == ["short"]
    long_item = pipe.process_item(_item(" ".join(LONG)))
    assert long_item.flags == []
    with pytest.raises(DropItem, match="no sentence text"):
        pipe.process_item(_item("Son dakika!"))
    assert crawler.stats.get_value("validate/short") == 1


def test_short_real_items_of_the_shared_corpus_are_imported(tmp_path: Path) -> None:
    """Real short news (under VALIDATE_MIN_BODY_CHARS) from ../shared, as .txt dumps."""
    raw = SHARED / "corpus" / "tr-financial-news" / "raw"
    if not raw.is_dir():
        pytest.skip("../shared/corpus/tr-financial-news is not here")
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    short = 0
    for path in sorted(raw.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        content = " ".join(str(data.get("content") or "").split())
        if 40 <= len(content) < VALIDATE_MIN_BODY_CHARS and data.get("title"):
            short += 1
            (dumps / f"{path.stem}.txt").write_text(f"{data['title']}\n{content}\n", "utf-8")
    if not short:
        pytest.skip("no short items in the shared corpus")
    db = tmp_path / "news.db"
    result = run_cli("import", str(dumps), "--db", str(db))
    assert result.returncode == 0, result.stderr
    flags = [r["flags"] for r in rows(db, "SELECT flags FROM articles")]
    assert flags == ["short"] * short, result.stderr


def test_extract_says_what_import_would_do(tmp_path: Path) -> None:
    verdicts = {}
    for name in ("flash.txt", "long.txt", "removed.txt"):
        dump = tmp_path / name
        dump.write_text(DUMPS[name], encoding="utf-8")
        result = run_cli("extract", str(dump))
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout)
        verdicts[name] = ((out["skip_reason"] or "").split(" (")[0], out["flags"])
    assert verdicts == {"flash.txt": ("", ["short"]), "long.txt": ("", []),
                        "removed.txt": ("notice page", [])}
