"""Lines parted by a single ``<br>``: the trailing list and the credit line among them,
words kept apart in titles, bylines and links, and a bare date line under the headline.

The pages are invented text in the shapes of old regional sites (and of the seed dump).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path

import pytest

from newscrawler.extract.blocks import Block
from newscrawler.extract.page import extract_page
from newscrawler.items import ArticleItem
from newscrawler.offline import article_from_html
from newscrawler.text.split import split_blocks, split_text_dump

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
CREDIT = "Hibya Haber Ajansı"
URL = "https://www.egehaber.com.tr/haber/izmirde-stk-bulusmasi-1"
FETCHED = datetime(2025, 11, 17, 9, 0, tzinfo=UTC)
P1 = ("İzmir Büyükşehir Belediyesi, kent genelinde kadın ve çocuk alanında çalışan otuz "
      "sivil toplum kuruluşunun katılımıyla bir toplantı düzenledi.")
P2 = ("Toplantıda mevcut politikalar, süren uygulamalar ve yapılması gerekenler ayrıntılı "
      "olarak değerlendirildi.")
HEADS = [
    "Osmangazi’de kadınlar şiddete karşı bilinçlendirildi",
    "Eskipazar’a yeni spor kompleksi yapılacak",
    "Kayseri'de kış öncesi hazırlıklar tamamlandı",
    "Kepez’de okullarda göz sağlığı taraması yapıldı",
]


def page(inner: str) -> bytes:
    return (f'<html lang="tr"><head><meta charset="utf-8"><title>STK buluşması</title></head>'
            f'<body><div class="haber-detay"><h1>İzmir\'de STK buluşması</h1>{inner}</div>'
            f'</body></html>').encode()


def article(inner: str, credit_lines: tuple[str, ...] = (CREDIT,)) -> ArticleItem:
    return article_from_html(page(inner), URL, site="egehaber", fetched_at=FETCHED,
                             credit_lines=credit_lines)


def br(lines: list[str]) -> str:
    return "<br>".join(lines)


@pytest.mark.parametrize("inner", [
    f"<p>{P1}</p><p>{P2}</p><p>{CREDIT}</p><p>{br(HEADS)}</p>",
    f"{P1}<br><br>{P2}<br>{CREDIT}<br><br>{br(HEADS)}",
    f"<p>{P1}</p><p>{P2}<br>{CREDIT}<br>{br(HEADS)}</p>",
], ids=["p-then-br-list", "br-only", "one-paragraph"])
def test_credit_and_br_headlines_leave_the_body(inner: str) -> None:
    item = article(inner)
    assert item.paragraphs == [P1, P2]
    assert item.credit == CREDIT
    assert item.headlines == [
        {"position": i, "title": t, "url": None} for i, t in enumerate(HEADS, 1)]


def test_br_headlines_without_a_credit_line() -> None:
    item = article(f"<p>{P1}</p><p>{P2}</p><p>{br(HEADS)}</p>", credit_lines=())
    assert item.paragraphs == [P1, P2] and item.credit is None
    assert [h["title"] for h in item.headlines] == HEADS


def test_credit_parted_by_br_before_a_link_list() -> None:
    links = "".join(f'<li><a href="/h-{i}">{t}</a></li>' for i, t in enumerate(HEADS))
    item = article(f"<p>{P1}</p><p>{P2}<br>{CREDIT}</p><ul>{links}</ul>")
    assert item.paragraphs == [P1, P2] and item.credit == CREDIT
    assert [h["title"] for h in item.headlines] == HEADS


def test_prose_wrapped_with_br_stays_one_paragraph() -> None:
    wrapped = ("Vali Ali Yılmaz, bugün yaptığı<br>açıklamada kentte yeni<br>yatırımların "
               "başlayacağını<br>ve işsizliğin azalacağını söyledi.")
    item = article(f"<p>{P1}</p><p>{P2}</p><p>{wrapped}</p>", credit_lines=())
    assert item.paragraphs[-1] == (
        "Vali Ali Yılmaz, bugün yaptığı açıklamada kentte yeni yatırımların başlayacağını "
        "ve işsizliğin azalacağını söyledi.")
    assert item.headlines == [] and item.credit is None


def test_dates_listed_after_a_colon_stay_in_the_paragraph() -> None:
    tour = ["Turne takvimi şöyle:", "Haziran 9 -- Kültürpark Açıkhava, İzmir",
            "Haziran 14 -- Harbiye Açıkhava, İstanbul", "Haziran 20 -- Congresium, Ankara"]
    item = article(f"<p>{P1}</p><p>{P2}</p><p>{br(tour)}</p>", credit_lines=())
    assert item.paragraphs == [P1, P2, " ".join(tour)] and item.headlines == []


def test_blocks_keep_their_br_lines() -> None:
    ex = extract_page(page(f"<p>{P1}<br>{CREDIT}</p><p>kısa<br>REKLAM<br>satır</p>"), URL)
    body = [b for b in ex.blocks if b.in_article]
    assert body[0] == Block("p", f"{P1} {CREDIT}", lines=(P1, CREDIT))
    assert body[1] == Block("p", "kısa satır", lines=("kısa", "satır"))


def test_split_blocks_reads_block_lines() -> None:
    blocks = [Block("p", P1), Block("p", f"{P2} {CREDIT} " + " ".join(HEADS),
                                    lines=(P2, CREDIT, *HEADS))]
    split = split_blocks(blocks, [CREDIT])
    assert split.paragraphs == [P1, P2] and split.credit == CREDIT
    assert [(h.position, h.title) for h in split.headlines] == list(enumerate(HEADS, 1))


def test_br_inside_title_author_and_links_parts_words() -> None:
    links = "".join(f'<li><a href="/h-{i}">{t.replace(" ", "<br>", 1)}</a></li>'
                    for i, t in enumerate(HEADS))
    html = ("<html><body><div class='haber'><h1>Akhisar'da zeytin<br>hasadı başladı</h1>"
            f"<div class='yazar'>Ayşe<br>Yılmaz</div><p>{P1}</p><p>{P2}</p></div>"
            f"<ul class='diger'>{links}</ul></body></html>")
    item = article_from_html(html.encode(), URL, site="x", fetched_at=FETCHED)
    assert item.title == "Akhisar'da zeytin hasadı başladı"
    assert item.author == "Ayşe Yılmaz"
    assert [h["title"] for h in item.headlines] == HEADS


@pytest.mark.parametrize("line", ["16.11.2025 14:32", "<b>Tarih:</b> 16.11.2025 14:32"])
def test_bare_date_line_under_the_headline_is_the_date(line: str) -> None:
    item = article(f"{line}<br><p>{P1}</p><p>{P2}</p>")
    assert item.published_at == "2025-11-16T14:32:00+03:00"
    assert "16.11.2025" not in item.body


def test_bare_date_line_parted_by_double_br() -> None:
    item = article(f"16.11.2025 14:32<br><br>{P1}<br><br>{P2}")
    assert item.published_at == "2025-11-16T14:32:00+03:00"
    assert item.paragraphs == [P1, P2]


def test_seed_as_br_page_splits_as_its_dump() -> None:
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(f"no seed dump in {SEEDS}")
    text = files[0].read_text("utf-8")
    dump = split_text_dump(text, [CREDIT])
    title, date = (escape(x) for x in text.splitlines()[:2])
    body = "<br><br>".join(escape(p) for p in dump.split.paragraphs)
    heads = "<br>".join(escape(h.title) for h in dump.split.headlines)
    html = (f'<html lang="tr"><body><div class="haber-detay"><h1>{title}</h1>{date}<br><br>'
            f"{body}<br>{CREDIT}<br><br>{heads}</div></body></html>")
    item = article_from_html(html.encode(), URL, site="hibya", fetched_at=FETCHED)
    assert item.paragraphs == dump.split.paragraphs
    assert item.credit == dump.split.credit == CREDIT
    assert [(h["position"], h["title"]) for h in item.headlines] == [
        (h.position, h.title) for h in dump.split.headlines]
    assert len(item.headlines) == 19
    assert item.published_at is not None and item.published_at.startswith("2025-11-16")
