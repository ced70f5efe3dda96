"""Date lines under a dump's title, and year-less dates (issue 9)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newscrawler.offline import article_from_html, article_from_text
from newscrawler.text.dates import ISTANBUL, parse_date, parse_dates
from newscrawler.text.split import split_text_dump

FETCHED = datetime(2025, 11, 16, 12, 0, tzinfo=UTC)  # 15:00 in Istanbul
NOW = FETCHED.astimezone(ISTANBUL)
BODY = ("Bornova Belediyesi, mahallelerde kış öncesi yol bakım çalışmalarına başladı. "
        "Ekipler ay sonuna kadar otuz sokakta asfalt yenileyecek.")


@pytest.mark.parametrize(
    ("line", "published", "updated"),
    [
        ("2 saat önce", "2025-11-16T13:00:00+03:00", None),
        ("Dün 14:00", "2025-11-15T14:00:00+03:00", None),
        ("Az önce", "2025-11-16T15:00:00+03:00", None),
        ("Bugün, 07:30", "2025-11-16T07:30:00+03:00", None),
        ("Sun, 16 Nov 2025 14:32:00 +0300", "2025-11-16T14:32:00+03:00", None),
        ("07 Haz 2024 - 23:59", "2024-06-07T23:59:00+03:00", None),
        ("Güncelleme: 16.11.2025 15:05", "2025-11-16T15:05:00+03:00",
         "2025-11-16T15:05:00+03:00"),
        ("14 Şubat", "2025-02-14", None),
        ("20 Aralık 15:30", "2024-12-20T15:30:00+03:00", None),
        ("16/11/2025", "2025-11-16", None),
    ],
)
def test_dump_line_under_the_title_is_its_date(line: str, published: str,
                                               updated: str | None) -> None:
    text = f"Bornova'da yol bakımı başladı\n{line}\n{BODY}\nHibya Haber Ajansı\n"
    assert split_text_dump(text).date_raw == line
    item = article_from_text(text, "file:///dump.txt", site="imported", fetched_at=FETCHED)
    assert (item.published_at, item.updated_at) == (published, updated)
    assert item.body == BODY
    assert line not in item.body


@pytest.mark.parametrize(
    "line",
    [
        "25 Kasım'da kadına yönelik şiddete karşı yürüyüş yapılacak",
        "Toplantı 16 Kasım 2025 tarihinde yapılacak.",
        "Kent meydanında 14 Şubat Sevgililer Günü konseri",
        "Şimdi ne olacak?",
    ],
)
def test_a_sentence_under_the_title_stays_in_the_body(line: str) -> None:
    text = f"Bornova'da yol bakımı başladı\n{line}\n{BODY}\n"
    assert split_text_dump(text).date_raw is None
    item = article_from_text(text, "file:///dump.txt", site="imported", fetched_at=FETCHED)
    assert item.paragraphs[0] == line


@pytest.mark.parametrize(
    ("raw", "value", "precision"),
    [
        ("14 Şubat", date(2025, 2, 14), "day"),
        ("16 Kasım", date(2025, 11, 16), "day"),  # the fetch day itself
        ("17 Kasım", date(2024, 11, 17), "day"),  # tomorrow: last year's
        ("29 Şubat", date(2024, 2, 29), "day"),  # the latest leap year
        ("Güncelleme: 14 Şubat Cuma", date(2025, 2, 14), "day"),
        ("20 Aralık 15:30", datetime(2024, 12, 20, 15, 30, tzinfo=ISTANBUL), "minute"),
        ("17 Kasım 10:00", datetime(2024, 11, 17, 10, 0, tzinfo=ISTANBUL), "minute"),
    ],
)
def test_yearless_dates_are_the_latest_such_day(raw: str, value: object,
                                                 precision: str) -> None:
    parsed = parse_date(raw, now=NOW)
    assert parsed is not None
    assert (parsed.value, parsed.precision) == (value, precision)


@pytest.mark.parametrize(
    "raw",
    ["25 Kasım'da yürüyüş yapılacak", "Toplantı 25 Kasım günü yapılacak",
     "14 Şubat Sevgililer Günü"],
)
def test_yearless_date_inside_a_sentence_is_no_dateline(raw: str) -> None:
    assert parse_dates(raw, now=NOW) == []


def test_yearless_html_byline_resolves_against_the_fetch_time() -> None:
    html = (
        "<html><body><article><h1>Bornova'da yol bakımı başladı</h1>"
        "<div class='meta'><span class='date'>14 Şubat</span></div>"
        f"<p>{BODY}</p><p>{BODY} Çalışmalar hafta sonu da sürecek.</p></article></body></html>"
    )
    item = article_from_html(html.encode(), "http://127.0.0.1/bornova-yol-1", site="s",
                             fetched_at=datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    assert (item.published_at, item.date_precision) == ("2025-02-14", "day")
