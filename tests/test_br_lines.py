"""Lines parted by a single ``<br>``: the trailing list and the credit line among them,
words kept apart in titles, bylines and links, and a bare date line under the headline.

The pages are invented text in the shapes of old regional sites (and of the seed dump).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newscrawler.items import ArticleItem
from newscrawler.offline import article_from_html

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
