"""Call-to-action boxes and sites' learned templates stay out of article bodies (#9)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from archive import Archive
from archive.templates import load_site_templates, save_site_templates
from newscrawler.extract.page import extract_page
from newscrawler.items import ArticleItem
from newscrawler.offline import article_from_html
from newscrawler.pipelines.template import TemplatePipeline
from newscrawler.text.cta import cut_cta, is_cta
from newscrawler.text.templates import TemplateBook

PAGES = Path(__file__).with_name("fixtures") / "templates"
TRUTH = json.loads((PAGES / "truth.json").read_text(encoding="utf-8"))
FETCHED = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("line", sorted({line for page in TRUTH for line in page["cta"]}))
def test_every_fixture_wording_is_a_box(line: str) -> None:
    assert is_cta(line)


@pytest.mark.parametrize("line", [
    "Belediye, proje hakkındaki soruları WhatsApp hattı üzerinden yanıtlayacak.",
    "Vatandaşlar Google'da en çok hava durumunu aradı.",
    "Reklam Verenler Derneği yeni başkanını seçti.",
    "Telegram kanalına katılan öğrenciler ders notlarını paylaştı.",
    "İlgili haberde belirtilen rakamlar yanlış çıktı.",
    "Kaynak: İHA",
    # about WhatsApp, phone numbers, follow verbs and notifications, but article text
    "Dolandırıcılar, WhatsApp üzerinden kendilerini banka görevlisi olarak tanıtıyor.",
    "Emniyet, WhatsApp'tan gelen ve 0532 ile başlayan numaralara itibar edilmemesini istedi.",
    "İhbar için 155'i arayın.",
    "Telefon: 0232 123 45 67",
    "Vali, 'Bizi takip edin, sizi bilgilendireceğiz' diyerek açıklamasını sürdürdü.",
    "Takipte kalın diyen Başkan, yeni projeleri de duyuracaklarını söyledi.",
    "Uygulamayı indiren vatandaşlar bildirimleri açarak deprem uyarılarını alabilecek.",
    "Bakanlık, bildirimleri açık tutan öğrencilerin dikkatinin dağıldığını açıkladı.",
    "Sponsorlu bağlantılar üzerinden yapılan dolandırıcılıklar arttı.",
    "Yazının devamında yazar, kentin tarihine değindi.",
    "Kaymakamlık, X'ten yaptığı paylaşımla yolların kapalı olduğunu duyurdu.",
    "Sponsor firma yetkilileri törene katıldı.",
])
def test_real_sentences_are_not_boxes(line: str) -> None:
    assert not is_cta(line)


@pytest.mark.parametrize("line", [
    # wordings of the same families that no fixture page holds
    "Bizi Telegram'dan takip edin",
    "Resmi Instagram hesabımızı takip edin",
    "Son dakika gelişmeleri için YouTube kanalımıza abone olunuz",
    "Haberlerimizi Bluesky'dan izleyebilirsiniz",
    "Yazının devamı reklamdan sonra",
    "Makalenin devamını okumak için tıklayın",
    "Uygulamamızı Google Play'den indirin",
    "Bildirim zilini aktif edin",
    "Son dakika gelişmelerini kaçırmayın",
    "Sponsorlu Haberler",
    "Haberleriniz için bize WhatsApp'tan ulaşın: 0532 123 45 67",
    "Haber ve görüntüleriniz için WhatsApp hattımız: 0 (533) 765 43 21",
])
def test_family_variants_are_boxes(line: str) -> None:
    assert is_cta(line)


def test_box_glued_inside_jsonld_article_body_is_cut() -> None:
    body = ("Ödemiş Belediyesi yeni salonu açtı. Haberlerimizi Google'da Takip Edin "
            "Gelişmelerden anında haberdar olun Google'da tercih edilen kaynak olarak ekleyin "
            "Törende konuşan Başkan teşekkür etti.")
    assert cut_cta(body) == ("Ödemiş Belediyesi yeni salonu açtı. "
                             "Törende konuşan Başkan teşekkür etti.")


def test_jsonld_only_page_loses_its_box() -> None:
    """A body the page renders by script: the articleBody becomes the blocks, box cut."""
    text = " ".join(TRUTH[0]["article"][:1] + TRUTH[0]["cta"] + TRUTH[0]["article"][1:])
    data = {"@type": "NewsArticle", "headline": "Başlık", "articleBody": text}
    html = ('<html><head><script type="application/ld+json">' + json.dumps(data)
            + '</script></head><body><h1>Başlık</h1><div id="app"></div></body></html>')
    ex = extract_page(html, "https://x.example/haber/1")
    joined = " ".join(b.text for b in ex.blocks)
    assert TRUTH[0]["article"][-1] in joined
    assert "Takip Edin" not in joined and "tercih edilen" not in (ex.json_ld_body or "")


def test_fixture_pages_lose_call_to_action_boxes_from_the_first_page() -> None:
    for page in TRUTH:
        item = article_from_html((PAGES / page["file"]).read_bytes(), page["url"],
                                 site=page["site"], fetched_at=FETCHED)
        for line in page["cta"]:
            assert line not in item.body, (page["file"], line)
        for paragraph in page["article"]:
            assert paragraph in item.body, (page["file"], paragraph)


def test_site_box_is_learned_after_min_pages_and_dropped() -> None:
    book = TemplateBook(min_pages=3)
    pages = [p for p in TRUTH if p["site"] == "egepostasi"]
    bodies = []
    for page in pages:
        item = article_from_html((PAGES / page["file"]).read_bytes(), page["url"],
                                 site=page["site"], fetched_at=FETCHED, templates=book,
                                 learn=True)
        bodies.append(item.body)
    box = pages[0]["template"][0]
    assert [box in body for body in bodies] == [True, True, False, False, False, False]
    assert all(p in bodies[-1] for p in pages[-1]["article"])
    assert {t.text for t in book.templates()} == set(pages[0]["template"])


def test_share_threshold_keeps_a_stock_sentence_of_a_big_site() -> None:
    book = TemplateBook(min_pages=5, min_share=0.05)
    for n in range(200):
        stock = ["Olayla ilgili soruşturma başlatıldı."] if n % 25 == 0 else []
        book.observe(f"/haber/{n}", [f"Haber {n} metni burada.", *stock, "Bizi destekleyin."])
    assert book.is_template("Bizi destekleyin.")
    assert not book.is_template("Olayla ilgili soruşturma başlatıldı.")  # 8 of 200 pages


def test_a_sentence_on_a_fifth_of_a_small_sites_pages_stays_article_text() -> None:
    book = TemplateBook()  # the defaults, as a crawl uses them
    for n in range(30):
        closing = f"Çalışmaların {n % 5 + 2} hafta boyunca süreceği bildirildi."
        book.observe(f"/haber/{n}", [f"Haber {n} metni burada.", closing, "Bizi destekleyin."])
    assert book.is_template("Bizi destekleyin.")
    assert not book.is_template("Çalışmaların 2 hafta boyunca süreceği bildirildi.")  # 6 of 30


def test_templates_round_trip_through_the_archive(tmp_path: Path) -> None:
    book = TemplateBook(min_pages=2)
    for n in range(3):
        book.observe(f"/h/{n}", [f"Metin {n}.", "Bizi destekleyin."])
    with Archive(tmp_path / "news.db") as store:
        save_site_templates(store, "ege", book.site_pages, book.rows())
        pages, lines = load_site_templates(store, "ege")
    again = TemplateBook.from_rows(pages, lines, min_pages=2)
    assert pages == 3 and again.is_template("Bizi destekleyin.")
    assert not again.is_template("Metin 1.")


def test_pipeline_learns_during_a_crawl_and_keeps_it_in_the_archive(tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    Archive(db).close()
    settings = {"ARCHIVE_DB": db, "TEMPLATE_MIN_PAGES": 2}
    crawler = get_crawler(settings_dict=settings)
    pipeline = TemplatePipeline.from_crawler(crawler)

    def item(n: int) -> ArticleItem:
        paras = [f"Haber {n} metni, uzun ve tek.", "Ege Postası'nı destekleyin",
                 "WhatsApp kanalımıza katılın"]
        return ArticleItem(url=f"https://e.example/{n}", site="ege", fetched_at="x",
                           paragraphs=paras, body="\n\n".join(paras))

    bodies = [pipeline.process_item(item(n)).body for n in range(3)]
    assert "WhatsApp" not in "".join(bodies)
    assert ["destekleyin" in b for b in bodies] == [True, False, False]
    pipeline.close_spider()
    assert crawler.stats.get_value("template/learned") == 1
    with Archive(db) as store:
        pages, lines = load_site_templates(store, "ege")
    assert pages == 3 and ("Ege Postası'nı destekleyin", 3) in lines.values()
    # a new crawl starts with what the last one learned
    fresh = TemplatePipeline.from_crawler(get_crawler(settings_dict=settings))
    assert "destekleyin" not in fresh.process_item(item(9)).body


def test_reclean_rewrites_in_place_without_a_revision(tmp_path: Path) -> None:
    box = "Ege Postası'nı destekleyin"
    first = {"url": "https://e.example/1", "site": "ege", "title": "Köprü açıldı",
             "body": f"Vali köprüyü açtı.\n\n{box}\n\nTören sürdü."}
    edited = {"url": "https://e.example/2", "site": "ege", "title": "Yol",
              "body": "Yol yapıldı.\n\nAsfalt döküldü."}
    with Archive(tmp_path / "news.db") as store:
        store.save_articles([first, edited])
        store.save_articles([{**edited, "body": f"Yol yapıldı.\n\n{box}\n\nAsfalt bitti."}])
        n = store.reclean_articles(
            [first["url"], edited["url"], "https://e.example/none"],
            lambda body: "\n\n".join(p for p in body.split("\n\n") if p != box))
        assert n == 2
        got = {r[0]: r[1:] for r in store.conn.execute(
            "SELECT url, body, revision FROM articles")}
        assert got == {first["url"]: ("Vali köprüyü açtı.\n\nTören sürdü.", 1),
                       edited["url"]: ("Yol yapıldı.\n\nAsfalt bitti.", 2)}
        assert store.conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 1
        # the cleaned text is what a recrawl that knows the box saves: unchanged
        again = store.save_articles([{**first, "body": "Vali köprüyü açtı.\n\nTören sürdü."}])
        assert again == ["unchanged"]
        hits = store.conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'destekleyin'")
        assert hits.fetchone()[0] == 0
        hits = store.conn.execute(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'toren'")
        assert hits.fetchone()[0] == 1


@pytest.mark.parametrize("clean", [
    lambda body: body.replace("köprüyü", "yolu"),  # words changed, not lines removed
    lambda body: "",  # nothing left
    lambda body: "Tören sürdü.\n\nVali köprüyü açtı.",  # reordered
])
def test_reclean_refuses_anything_but_removing_lines(tmp_path: Path, clean) -> None:
    body = "Vali köprüyü açtı.\n\nTören sürdü."
    with Archive(tmp_path / "news.db") as store:
        store.save_articles([{"url": "u", "site": "ege", "title": "T", "body": body}])
        assert store.reclean_articles(["u"], clean) == 0
        assert store.conn.execute("SELECT body FROM articles").fetchone()[0] == body


def test_the_books_templates_are_the_lines_it_calls_template() -> None:
    rng = random.Random(3)
    stock = [f"Ortak satır {n}: bizi takip edin." for n in range(40)]
    book = TemplateBook(min_pages=3, min_share=0.1)
    for page in range(120):
        lines = [*rng.sample(stock, rng.randint(0, 12)), f"Haber {page} metni burada."]
        book.observe(f"/haber/{page}", ["\n".join(lines)])
        expected = sorted((t for t in book.lines.values() if book.is_template(t.text)),
                          key=lambda t: -t.pages)
        assert book.templates() == expected
    assert 0 < len(book.templates()) < len(book.lines)


def test_strip_matches_reading_every_line() -> None:
    """``strip`` takes a paragraph of one line whole: the same paragraphs and count as
    splitting every paragraph into lines (padded, blank, template and long lines)."""
    rng = random.Random(11)
    stock = ["Bizi takip edin.", "  Abone olun!  ", "Reklam"]
    book = TemplateBook(min_pages=2, min_share=0.1)
    for page in range(6):
        book.observe(f"/haber/{page}", [*stock, f"Haber {page}."])

    def reference(paragraphs: list[str]) -> tuple[list[str], int]:
        kept, dropped = [], 0
        for paragraph in paragraphs:
            lines = [line for line in paragraph.split("\n")
                     if not book.is_template(line.strip())]
            dropped += paragraph.count("\n") + 1 - len(lines)
            if lines:
                kept.append("\n".join(lines))
        return (list(paragraphs), 0) if not kept and paragraphs else (kept, dropped)

    pieces = [*stock, "", " ", "Haber metni burada.", "x" * 450, " Bizi takip edin. "]
    for _ in range(500):
        paragraphs = ["\n".join(rng.choices(pieces, k=rng.randint(1, 3)))
                      for _ in range(rng.randint(0, 4))]
        assert book.strip(paragraphs) == reference(paragraphs), paragraphs
