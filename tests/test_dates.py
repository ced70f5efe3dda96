"""Turkish date parsing and choosing, with the clock pinned."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.text.clean import turkish_upper
from newscrawler.text.dates import (
    ISTANBUL,
    DateCandidate,
    ParsedDate,
    choose_dates,
    format_date,
    parse_date,
    parse_dates,
    parse_turkish_date,
)

#: The fetch time every relative date in these tests resolves against.
NOW = datetime(2025, 11, 16, 15, 0, tzinfo=ISTANBUL)

MONTHS_TR = [
    "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran",
    "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık",
]  # fmt: skip
ABBREVIATIONS = ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"]


CASES: list[tuple[str, str]] = [
    # numeric, always day-first
    ("16/11/2025", "2025-11-16"),
    ("16.11.2025", "2025-11-16"),
    ("16-11-2025", "2025-11-16"),
    ("6.11.2025", "2025-11-06"),
    ("02/01/2025", "2025-01-02"),
    ("05.04.2025", "2025-04-05"),
    ("12.01.2025", "2025-01-12"),
    ("16.11.25", "2025-11-16"),
    ("16.11.98", "1998-11-16"),
    ("29.02.2024", "2024-02-29"),
    ("16.11.2025 14:32", "2025-11-16T14:32:00+03:00"),
    ("16.11.2025 - 14:32", "2025-11-16T14:32:00+03:00"),
    ("16.11.2025, 14:32", "2025-11-16T14:32:00+03:00"),
    ("16.11.2025 | 14:32", "2025-11-16T14:32:00+03:00"),
    ("16.11.2025 saat 14:32", "2025-11-16T14:32:00+03:00"),
    ("16.11.2025 14.32", "2025-11-16T14:32:00+03:00"),
    ("16.11.2025 14:32:07", "2025-11-16T14:32:07+03:00"),
    ("14:32 - 16/11/2025", "2025-11-16T14:32:00+03:00"),
    ("14:32, 16.11.2025", "2025-11-16T14:32:00+03:00"),
    ("16.11.2025 Pazar 14:32", "2025-11-16T14:32:00+03:00"),
    # month names, any case, with or without Turkish letters
    ("16 Kasım 2025", "2025-11-16"),
    ("16 Kasım 2025 Pazar", "2025-11-16"),
    ("16 KASIM 2025", "2025-11-16"),
    ("16 kasım 2025", "2025-11-16"),
    ("16 Kasim 2025", "2025-11-16"),
    ("16 KASIM 2025 PAZAR", "2025-11-16"),
    ("16 Kas 2025", "2025-11-16"),
    ("16 Kas. 2025", "2025-11-16"),
    ("3 ŞUBAT 2025", "2025-02-03"),
    ("3 Subat 2025", "2025-02-03"),
    ("1 Ağustos 2025", "2025-08-01"),
    ("1 AĞUSTOS 2025", "2025-08-01"),
    ("1 Agustos 2025", "2025-08-01"),
    ("1 Agu 2025", "2025-08-01"),
    ("9 Eyl 2025", "2025-09-09"),
    ("9 EYLÜL 2025", "2025-09-09"),
    ("9 Eylul 2025", "2025-09-09"),
    ("31 Aralık 2024 Salı", "2024-12-31"),
    ("31 ARALIK 2024", "2024-12-31"),
    ("19 Mayıs 2025", "2025-05-19"),
    ("19 MAYIS 2025", "2025-05-19"),
    ("Pazar, 16 Kasım 2025 14:32", "2025-11-16T14:32:00+03:00"),
    ("Çarşamba, 12 Kasım 2025 09:10", "2025-11-12T09:10:00+03:00"),
    ("CUMARTESİ, 15 KASIM 2025", "2025-11-15"),
    ("16 Kasım 2025, 14:32", "2025-11-16T14:32:00+03:00"),
    ("16 Kasım 2025 - 14:32", "2025-11-16T14:32:00+03:00"),
    ("16 Kasım 2025 Pazar 14:32", "2025-11-16T14:32:00+03:00"),
    ("16 Kasım 14:32", "2025-11-16T14:32:00+03:00"),
    ("20 Aralık 14:00", "2024-12-20T14:00:00+03:00"),  # not yet this year: last year
    ("Kasım 16, 2025", "2025-11-16"),
    ("November 16, 2025", "2025-11-16"),
    ("Nov 16, 2025 2:32 PM", "2025-11-16T14:32:00+03:00"),
    ("İzmir'de 16 Kasım 2025 tarihinde", "2025-11-16"),
    # Istanbul's offset at that moment: +02:00 in winter before 2016-09-07
    ("15 Ocak 2015 10:00", "2015-01-15T10:00:00+02:00"),
    ("15 Temmuz 2015 10:00", "2015-07-15T10:00:00+03:00"),
    ("28.03.2015 10:00", "2015-03-28T10:00:00+02:00"),
    ("30.03.2015 10:00", "2015-03-30T10:00:00+03:00"),
    ("10.11.2015 10:00", "2015-11-10T10:00:00+02:00"),
    ("15.01.2016 10:00", "2016-01-15T10:00:00+02:00"),
    ("15.01.2017 10:00", "2017-01-15T10:00:00+03:00"),
    # labels
    ("Güncelleme: 16.11.2025 14:32", "2025-11-16T14:32:00+03:00"),
    ("Son Güncelleme: 16.11.2025 14:32", "2025-11-16T14:32:00+03:00"),
    ("Yayınlanma: 12.11.2025 09:10", "2025-11-12T09:10:00+03:00"),
    ("Yayın Tarihi: 16.11.2025", "2025-11-16"),
    ("Eklenme: 16.11.2025 10:00", "2025-11-16T10:00:00+03:00"),
    ("Oluşturulma 16.11.2025", "2025-11-16"),
    ("Haber Merkezi | 16 Kasım 2025, 14:32", "2025-11-16T14:32:00+03:00"),
    ("Yayınlanma: 12.11.2025 09:10 | Güncelleme: 12.11.2025 11:45", "2025-11-12T09:10:00+03:00"),
    ("Güncelleme: 12.11.2025 11:45 | Yayınlanma: 12.11.2025 09:10", "2025-11-12T09:10:00+03:00"),
    # relative, against NOW (2025-11-16 15:00)
    ("2 saat önce", "2025-11-16T13:00:00+03:00"),
    ("15 dakika önce", "2025-11-16T14:45:00+03:00"),
    ("15 dk önce", "2025-11-16T14:45:00+03:00"),
    ("yarım saat önce", "2025-11-16T14:30:00+03:00"),
    ("bir saat önce", "2025-11-16T14:00:00+03:00"),
    ("3 gün önce", "2025-11-13"),
    ("1 hafta önce", "2025-11-09"),
    ("Az önce", "2025-11-16T15:00:00+03:00"),
    ("AZ ÖNCE", "2025-11-16T15:00:00+03:00"),
    ("Şimdi", "2025-11-16T15:00:00+03:00"),
    ("Dün 14:00", "2025-11-15T14:00:00+03:00"),
    ("Dün, 23:59", "2025-11-15T23:59:00+03:00"),
    ("DÜN", "2025-11-15"),
    ("Bugün 09:15", "2025-11-16T09:15:00+03:00"),
    ("Güncelleme: 2 saat önce", "2025-11-16T13:00:00+03:00"),
    # ISO 8601 (metadata)
    ("2025-11-16T14:32:00+03:00", "2025-11-16T14:32:00+03:00"),
    ("2025-11-16T11:32:00Z", "2025-11-16T14:32:00+03:00"),
    ("2025-11-16T11:32:00.123456Z", "2025-11-16T14:32:00+03:00"),
    ("2025-11-16T14:32:00.123+03:00", "2025-11-16T14:32:00+03:00"),
    ("2025-11-15T22:30:00Z", "2025-11-16T01:30:00+03:00"),  # the Istanbul day, not the UTC one
    ("2025-11-16 14:32:00", "2025-11-16T14:32:00+03:00"),
    ("2025-11-16T14:32", "2025-11-16T14:32:00+03:00"),
    ("2025-11-16", "2025-11-16"),
    (" 2025-11-16T14:32:00+0300 ", "2025-11-16T14:32:00+03:00"),
    ("2015-01-15T10:00:00", "2015-01-15T10:00:00+02:00"),
    # RFC 822 feeds, English and Turkish abbreviations
    ("Sun, 16 Nov 2025 14:32:00 GMT", "2025-11-16T17:32:00+03:00"),
    ("Sun, 16 Nov 2025 11:32:00 +0000", "2025-11-16T14:32:00+03:00"),
    ("Paz, 16 Kas 2025 14:32:00 +0300", "2025-11-16T14:32:00+03:00"),
    ("Pzt, 17 Kas 2025 08:00:00 +0300", "2025-11-17T08:00:00+03:00"),
    ("Mon, 3 Mar 2014 08:00:00 +0000", "2014-03-03T10:00:00+02:00"),
    ("Wed, 02 Oct 2002 08:00:00 EST", "2002-10-02T16:00:00+03:00"),
    ("16 Kas 2025 14:32 TSİ", "2025-11-16T14:32:00+03:00"),
    # URL dates
    ("https://www.hibya.com/2025/11/16/izmir-haberi", "2025-11-16"),
    ("/haber/2025/1/5/", "2025-01-05"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_parse_date_table(raw: str, expected: str) -> None:
    parsed = parse_date(raw, now=NOW)
    assert parsed is not None, raw
    assert format_date(parsed.value) == expected


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(("month", "name"), list(enumerate(MONTHS_TR, 1)))
@pytest.mark.parametrize("style", ["as-is", "upper", "ascii", "abbreviation"])
def test_every_month_in_every_spelling(month: int, name: str, style: str) -> None:
    ascii_name = name.translate(str.maketrans("çğıöşü", "cgiosu"))
    word = {
        "as-is": name,
        "upper": turkish_upper(name),
        "ascii": ascii_name,
        "abbreviation": ABBREVIATIONS[month - 1],
    }[style]
    parsed = parse_date(f"7 {word} 2025", now=NOW)
    assert parsed is not None
    assert parsed.value == date(2025, month, 7)


@pytest.mark.parametrize(
    "raw",
    [
        "31.02.2025",
        "29.02.2025",
        "31 Nisan 2025",
        "2025-13-01",
        "2025-02-30T10:00:00Z",
        "32.01.2025",
        "16.13.2025",
        "16.11.0025",
        "Sürüm 1.2.10",
        "© 2010-2025 Hibya Haber Ajansı",
        "16 Kasım'da toplantı yapılacak",
        "Şimdi ne olacak?",
        "Olay dün akşam yaşandı",
        "Haber",
        "",
        "   ",
        "0232 123 45 67",
        "192.168.1.1",
        "Fiyat 1.250.000 TL",
    ],
)
def test_no_date(raw: str) -> None:
    assert parse_dates(raw, now=NOW) == []


@pytest.mark.parametrize(
    ("raw", "precision"),
    [
        ("16.11.2025", "day"),
        ("16 Kasım 2025", "day"),
        ("2025-11-16", "day"),
        ("16.11.2025 14:32", "minute"),
        ("2025-11-16T14:32", "minute"),
        ("2025-11-16T14:32:00+03:00", "second"),
        ("Sun, 16 Nov 2025 14:32:00 GMT", "second"),
        ("2 saat önce", "relative"),
        ("Dün 14:00", "relative"),
        ("3 gün önce", "relative"),
    ],
)
def test_precision(raw: str, precision: str) -> None:
    parsed = parse_date(raw, now=NOW)
    assert parsed is not None
    assert parsed.precision == precision


def test_day_only_values_are_dates_and_times_are_aware_istanbul() -> None:
    day = parse_date("16.11.2025", now=NOW)
    moment = parse_date("Sun, 16 Nov 2025 11:32:00 GMT", now=NOW)
    assert day is not None and moment is not None
    assert type(day.value) is date
    assert isinstance(moment.value, datetime)
    assert moment.value.tzinfo is ISTANBUL
    assert moment.value == datetime(2025, 11, 16, 14, 32, tzinfo=ISTANBUL)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Yayınlanma: 12.11.2025 09:10 | Güncelleme: 12.11.2025 11:45",
            [
                ("2025-11-12T09:10:00+03:00", "published", "Yayınlanma: 12.11.2025 09:10"),
                ("2025-11-12T11:45:00+03:00", "updated", "Güncelleme: 12.11.2025 11:45"),
            ],
        ),
        (
            "Yayın Tarihi: 12 Kasım 2025 - Güncellenme Tarihi: 13 Kasım 2025 10:00",
            [
                ("2025-11-12", "published", "Yayın Tarihi: 12 Kasım 2025"),
                ("2025-11-13T10:00:00+03:00", "updated", "Güncellenme Tarihi: 13 Kasım 2025 10:00"),
            ],
        ),
        (
            "Oluşturulma: 10.11.2025 | Son Güncelleme: 2 saat önce",
            [
                ("2025-11-10", "published", "Oluşturulma: 10.11.2025"),
                ("2025-11-16T13:00:00+03:00", "updated", "Son Güncelleme: 2 saat önce"),
            ],
        ),
        ("Güncel | 16.11.2025", [("2025-11-16", "published", "16.11.2025")]),
        (
            "dateModified 2025-11-16T14:32:00+03:00",
            [("2025-11-16T14:32:00+03:00", "updated", "dateModified 2025-11-16T14:32:00+03:00")],
        ),
    ],
)
def test_roles_from_labels(raw: str, expected: list[tuple[str, str, str]]) -> None:
    found = parse_dates(raw, now=NOW, source="byline")
    assert [(format_date(d.value), d.role, d.raw) for d in found] == expected
    assert {d.source for d in found} == {"byline"}


def test_parse_date_prefers_the_published_one() -> None:
    parsed = parse_date("Güncelleme: 13.11.2025 | Yayın: 12.11.2025", now=NOW)
    assert parsed is not None
    assert (parsed.value, parsed.role) == (date(2025, 11, 12), "published")


def test_parse_date_keeps_raw_and_source() -> None:
    assert parse_date("  16 Kasım 2025  ", now=NOW, source="time") == ParsedDate(
        date(2025, 11, 16), "day", "time", "16 Kasım 2025"
    )


def test_naive_now_is_istanbul_time() -> None:
    parsed = parse_date("2 saat önce", now=datetime(2025, 11, 16, 15, 0))
    assert parsed is not None
    assert format_date(parsed.value) == "2025-11-16T13:00:00+03:00"


def test_utc_now_is_converted_before_resolving() -> None:
    parsed = parse_date("Dün", now=datetime(2025, 11, 15, 22, 30, tzinfo=UTC))
    assert parsed is not None
    assert parsed.value == date(2025, 11, 15)  # 01:30 on the 16th in Istanbul


def test_parse_turkish_date_is_parse_date() -> None:
    assert parse_turkish_date("16 Kasım 2025", now=NOW) == parse_date("16 Kasım 2025", now=NOW)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2025, 11, 16), "2025-11-16"),
        (datetime(2025, 11, 16, 14, 32, tzinfo=ISTANBUL), "2025-11-16T14:32:00+03:00"),
        (datetime(2025, 11, 16, 11, 32, tzinfo=UTC), "2025-11-16T14:32:00+03:00"),
        (datetime(2015, 1, 15, 10, 0), "2015-01-15T10:00:00+02:00"),
        (ParsedDate(date(2025, 1, 2), "day", "url", "/2025/01/02/"), "2025-01-02"),
    ],
)
def test_format_date(value: datetime | date | ParsedDate, text: str) -> None:
    assert format_date(value) == text


# --- choose_dates -------------------------------------------------------------------------


def test_choose_rejects_a_date_after_the_fetch() -> None:
    choice = choose_dates(
        [DateCandidate("json-ld", "2025-05-04"), DateCandidate("byline", "05.04.2025")],
        fetched_at=datetime(2025, 4, 10, 12, 0, tzinfo=ISTANBUL),
    )
    assert choice.published is not None
    assert choice.published.value == date(2025, 4, 5)
    assert [(d.raw, why) for d, why in choice.rejected] == [("2025-05-04", "after the fetch day")]


def test_choose_allows_a_little_clock_skew_and_the_fetch_day() -> None:
    choice = choose_dates(
        [
            DateCandidate("meta", "2025-11-16T15:04:00+03:00"),
            DateCandidate("json-ld", "2025-11-16T15:30:00+03:00"),
            DateCandidate("url", "/2025/11/16/"),
            DateCandidate("sitemap", "2025-11-17"),
        ],
        fetched_at=NOW,
    )
    assert choice.published is not None
    assert format_date(choice.published) == "2025-11-16T15:04:00+03:00"
    assert sorted(why for _, why in choice.rejected) == [
        "after the fetch day",
        "after the fetch time",
    ]


def test_choose_rejects_dates_before_1990() -> None:
    choice = choose_dates(
        [DateCandidate("text", "12.05.1985"), DateCandidate("text", "12.05.2020")], fetched_at=NOW
    )
    assert choice.published is not None
    assert choice.published.value == date(2020, 5, 12)
    assert [why for _, why in choice.rejected] == ["before 1990"]


def test_choose_prefers_the_reliable_source() -> None:
    choice = choose_dates(
        [
            DateCandidate("text", "10.11.2025 08:00"),
            DateCandidate("url", "/2025/11/12/"),
            DateCandidate("json-ld", "2025-11-14T09:00:00+03:00"),
        ],
        fetched_at=NOW,
    )
    assert choice.published is not None
    assert (choice.published.source, format_date(choice.published)) == (
        "json-ld",
        "2025-11-14T09:00:00+03:00",
    )
    assert choice.disagreement_days == pytest.approx(4 + 1 / 24)
    assert choice.disagreement


def test_choose_takes_a_more_precise_value_that_agrees_on_the_day() -> None:
    choice = choose_dates(
        [
            DateCandidate("json-ld", "2025-11-16"),
            DateCandidate("byline", "16 Kasım 2025 14:32"),
            DateCandidate("url", "/2025/11/16/"),
        ],
        fetched_at=NOW,
    )
    assert choice.published is not None
    assert (choice.published.source, format_date(choice.published)) == (
        "byline",
        "2025-11-16T14:32:00+03:00",
    )
    assert choice.disagreement_days == 0.0
    assert not choice.disagreement


def test_choose_updated_from_labels_and_roles() -> None:
    choice = choose_dates(
        [
            DateCandidate("json-ld", "2025-11-12T09:10:00+03:00"),
            DateCandidate("json-ld", "2025-11-12T11:45:00+03:00", role="updated"),
            DateCandidate("byline", "Yayınlanma: 12.11.2025 09:10 | Güncelleme: 12.11.2025 11:45"),
        ],
        fetched_at=NOW,
    )
    assert choice.published is not None and choice.updated is not None
    assert format_date(choice.published) == "2025-11-12T09:10:00+03:00"
    assert (choice.updated.source, format_date(choice.updated)) == (
        "json-ld",
        "2025-11-12T11:45:00+03:00",
    )
    assert choice.rejected == []


def test_choose_rejects_an_update_before_the_publication() -> None:
    choice = choose_dates(
        [
            DateCandidate("meta", "2025-11-12T09:10:00+03:00"),
            DateCandidate("meta", "2025-11-11T08:00:00+03:00", role="updated"),
        ],
        fetched_at=NOW,
    )
    assert choice.updated is None
    assert [why for _, why in choice.rejected] == ["updated before published"]


def test_choose_resolves_relative_dates_against_the_fetch_time() -> None:
    choice = choose_dates([DateCandidate("byline", "3 saat önce")], fetched_at=NOW)
    assert choice.published is not None
    assert format_date(choice.published) == "2025-11-16T12:00:00+03:00"
    assert choice.published.precision == "relative"
    assert choice.disagreement_days is None


def test_choose_with_nothing() -> None:
    choice = choose_dates([DateCandidate("text", "tarih yok")], fetched_at=NOW)
    assert (choice.published, choice.updated, choice.disagreement_days, choice.rejected) == (
        None,
        None,
        None,
        [],
    )


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(
    st.text(max_size=80),
    st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2098, 12, 31)),
)
def test_parser_never_raises(raw: str, now: datetime) -> None:
    for parsed in parse_dates(raw, now=now):
        assert isinstance(parsed.value, date)
    choose_dates([DateCandidate("text", raw)], fetched_at=now)


DATE_PIECES = [
    *"0123456789 .:/-,|+",
    "Kasım",
    "KASIM",
    "Şub",
    "dün",
    "önce",
    "saat",
    "2025",
    "Güncelleme:",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(DATE_PIECES), max_size=15).map("".join))
def test_parser_never_raises_on_date_like_strings(raw: str) -> None:
    for parsed in parse_dates(raw, now=NOW):
        assert parsed.role in ("published", "updated")
        assert parsed.precision in ("day", "minute", "second", "relative")


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(["{d}.{m:02d}.{y}", "{d:02d}/{m:02d}/{y}", "{d} {name} {y}", "{d} {upper} {y}",
                     "{d} {abbr} {y}", "{y}-{m:02d}-{d:02d}"]),
)  # fmt: skip
def test_written_dates_round_trip(day: date, pattern: str) -> None:
    name = MONTHS_TR[day.month - 1]
    raw = pattern.format(
        d=day.day, m=day.month, y=day.year, name=name, upper=turkish_upper(name),
        abbr=ABBREVIATIONS[day.month - 1],
    )  # fmt: skip
    parsed = parse_date(raw, now=NOW)
    assert parsed is not None
    assert parsed.value == day


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 12, 31)))
def test_local_times_get_the_offset_of_their_moment(moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0)
    parsed = parse_date(moment.strftime("%d.%m.%Y %H:%M"), now=NOW)
    assert parsed is not None
    expected = moment.replace(tzinfo=ISTANBUL)
    assert parsed.value == expected
    assert parsed.value.utcoffset() in (timedelta(hours=2), timedelta(hours=3))


@pytest.mark.parametrize("feed_raw", [
    "Tue, 04 Nov 2025 14:25:00 +0300",  # RSS pubDate
    "2025-11-04T14:25:00+03:00",  # sitemap lastmod
])
def test_a_feed_date_saying_no_more_than_the_byline_does_not_replace_it(feed_raw: str) -> None:
    """The chosen date must not depend on whether the feed was read before the page."""
    fetched = datetime(2025, 11, 5, 9, 0, tzinfo=ISTANBUL)
    page = [DateCandidate("byline", "04.11.2025 - 14:25")]
    alone = choose_dates(page, fetched_at=fetched).published
    with_feed = choose_dates([*page, DateCandidate("feed", feed_raw)], fetched_at=fetched).published
    assert alone is not None and with_feed is not None
    assert (with_feed.source, with_feed.precision, with_feed.raw) == (
        alone.source, alone.precision, alone.raw) == ("byline", "minute", "04.11.2025 - 14:25")


def test_a_feed_date_with_seconds_still_adds_them() -> None:
    fetched = datetime(2025, 11, 5, 9, 0, tzinfo=ISTANBUL)
    choice = choose_dates([DateCandidate("byline", "04.11.2025 - 14:25"),
                           DateCandidate("feed", "Tue, 04 Nov 2025 14:25:37 +0300")],
                          fetched_at=fetched)
    assert choice.published is not None
    assert (choice.published.source, choice.published.precision) == ("feed", "second")
