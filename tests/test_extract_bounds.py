"""Hostile pages and files: deep or huge JSON-LD and floods of <meta> tags cost bounded time
and keep the article; gzip bombs and binary files are refused; import memory stays bounded."""

from __future__ import annotations

import gzip
import logging
import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newscrawler.extract.metadata import (
    MAX_JSON_LD_CHARS,
    MAX_META_VALUES,
    extract_metadata,
    split_keywords,
)
from newscrawler.extract.page import extract_page
from newscrawler.offline import (
    MAX_FILE_BYTES,
    UnreadableFileError,
    article_from_file,
    binary_kind,
    read_bytes,
)

TITLE = "Bornova'da yeni kütüphane açıldı"
ARTICLE = (
    f"<article><h1>{TITLE}</h1>"
    + "".join(f"<p>Bornova Belediyesi'nin yaptırdığı kütüphane, {i}. kat için yüzlerce kitap "
              "ve çalışma salonuyla öğrencilerin hizmetine girdi; açılışa çok kişi katıldı.</p>"
              for i in range(1, 6))
    + "</article>"
)


def page(head: str = "", body: str = ARTICLE) -> str:
    return f"<html lang='tr'><head>{head}</head><body>{body}</body></html>"


def ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


def test_json_ld_nested_20000_deep_loses_nothing(caplog: pytest.LogCaptureFixture) -> None:
    deep = '{"@type": "NewsArticle", "headline": "X", "a": ' + "[" * 20_000 + "]" * 20_000 + "}"
    with caplog.at_level(logging.WARNING):
        ex = extract_page(page(ld(deep)), "https://x.com.tr/kutuphane-1")
    assert ex.is_article and ex.title == TITLE and len(ex.blocks) >= 5
    assert "nested deeper than 50" in caplog.text
    assert extract_metadata(page(ld(deep))).json_ld_skipped == 1


def test_json_ld_deep_in_objects_and_a_good_block_after_it() -> None:
    deep = '{"a": ' * 5_000 + "1" + "}" * 5_000
    good = '{"@type": "NewsArticle", "headline": "Kütüphane", "datePublished": "2025-11-16"}'
    meta = extract_metadata(page(ld(deep) + ld(good)))
    assert meta.json_ld_skipped == 1
    assert meta.json_ld is not None and meta.json_ld.headline == "Kütüphane"


def test_json_ld_over_the_size_cap_is_skipped() -> None:
    big = '{"@type": "NewsArticle", "headline": "X", "articleBody": "' + "a" * (
        MAX_JSON_LD_CHARS + 1) + '"}'
    ex = extract_page(page(ld(big)), "https://x.com.tr/kutuphane-1")
    assert ex.is_article and ex.title == TITLE
    assert ex.json_ld_body is None
    assert extract_metadata(page(ld(big))).json_ld_skipped == 1


def test_json_ld_brackets_inside_strings_are_not_nesting() -> None:
    text = '{"@type": "NewsArticle", "headline": "' + "[{" * 100 + '"}'
    meta = extract_metadata(page(ld(text)))
    assert meta.json_ld_skipped == 0
    assert meta.json_ld is not None and meta.json_ld.headline == "[{" * 100


@pytest.mark.parametrize("key", ["article:tag", "article:published_time", "article:author",
                                 "og:title", "x-unknown"])
def test_100k_meta_tags_extract_in_bounded_time(key: str) -> None:
    metas = "".join(f'<meta property="{key}" content="değer {i}">' for i in range(100_000))
    started = time.monotonic()
    ex = extract_page(page(metas), "https://x.com.tr/kutuphane-1")
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"{elapsed:.1f}s for 100k <meta {key}>"  # 100 s before the fix
    assert ex.is_article and ex.title in (TITLE, "değer 0")


def test_repeated_meta_values_keep_order_without_duplicates_up_to_a_cap() -> None:
    metas = "".join(f'<meta property="article:tag" content="etiket {i % 300}">'
                    for i in range(3_000))
    meta = extract_metadata(page(metas))
    assert meta.tags == [f"etiket {i}" for i in range(MAX_META_VALUES)]


def test_huge_keyword_list_is_linear() -> None:
    started = time.monotonic()
    words = split_keywords(", ".join(f"kelime{i}" for i in range(200_000)))
    assert time.monotonic() - started < 5
    assert words[:2] == ["kelime0", "kelime1"] and len(words) == MAX_META_VALUES


def test_20000_deep_html_does_not_crash() -> None:
    ex = extract_page(page(body="<div>" * 20_000 + ARTICLE + "</div>" * 20_000),
                      "https://x.com.tr/kutuphane-1")
    assert ex.url == "https://x.com.tr/kutuphane-1"


# --- saved files: bounded decompression, binary refused, import memory ---------------------

def test_gzip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb") as fh:
        for _ in range(MAX_FILE_BYTES // 2**20 + 2):
            fh.write(b"a" * 2**20)
    with pytest.raises(UnreadableFileError, match="inflates to more than 32 MiB"):
        read_bytes(bomb)
    small = tmp_path / "page.html.gz"
    small.write_bytes(gzip.compress(b"<p>x</p>"))
    assert read_bytes(small) == b"<p>x</p>"
    assert read_bytes(small, limit=8) == b"<p>x</p>"
    with pytest.raises(UnreadableFileError, match="inflates to more than"):
        read_bytes(small, limit=7)


def test_a_plain_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>" + b"a" * 100)
    with pytest.raises(UnreadableFileError, match="larger than"):
        read_bytes(page, limit=50)


@pytest.mark.parametrize("data, kind", [
    (b"%PDF-1.4\n1 0 obj", "a PDF document"),
    (b"PK\x03\x04\x14\x00", "a ZIP archive (or an Office document)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"<html>\x00</html>", "NUL bytes"),
    (bytes(range(1, 9)) * 10 + b"<p>metin</p>", "87% control bytes"),
    ("<html><p>Çiğ köfte, ılık su</p>".encode("cp1254"), None),
    ("<html><p>Çiğ köfte, ılık su</p>".encode(), None),
    ("\ufeff<html><p>Çiğ köfte</p>".encode("utf-16-le"), None),
    ("<html><p>Çiğ köfte</p>".encode("utf-32"), None),
    ("\ufeff<html><p>Çiğ köfte</p>".encode("utf-32-be"), None),
    (b"\xff\xfe" + b"\x01\x00\x00\x00" * 20, "NUL bytes"),  # a BOM, then binary
    (b"Ba\xfel\xfdk\r\n\r\n\tMetin\x0c\x1b[0m", None),
])
def test_binary_kind(data: bytes, kind: str | None) -> None:
    assert binary_kind(data) == kind


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be", "utf-16"])
@pytest.mark.parametrize("name", ["haber.txt", "haber.html"])
def test_a_utf32_or_utf16_file_with_a_bom_is_read_as_text(tmp_path: Path, codec: str,
                                                         name: str) -> None:
    title = "İzmir'de toplumsal cinsiyet eşitliği için STK buluşması"
    body = ("Konak'ta düzenlenen toplantıya kırktan fazla sivil toplum kuruluşu katıldı ve "
            "kadınların çalışma hayatındaki yeri konuşuldu. ") * 3
    text = (f"{title}\n16.11.2025 14:32\n\n{body}\n" if name.endswith(".txt") else
            f"<html lang='tr'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{body}</p></article></body></html>")
    data = text.encode(codec)
    if codec == "utf-32-be":
        data = b"\x00\x00\xfe\xff" + data
    page = tmp_path / name
    page.write_bytes(data)
    item = article_from_file(page, url=None, site="x", fetched_at=datetime.now(UTC))
    assert item.title == title
    assert "\x00" not in item.body and "sivil toplum" in item.body


def test_random_bytes_named_txt_are_refused(tmp_path: Path) -> None:
    dump = tmp_path / "haber.txt"
    dump.write_bytes(random.Random(1).randbytes(3_000))
    with pytest.raises(UnreadableFileError, match="binary content"):
        article_from_file(dump, url=None, site="x", fetched_at=datetime.now(UTC))


def test_import_memory_is_bounded_by_what_it_skips(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Raw pages of skipped files are written in batches by count and bytes, not kept."""
    import newscrawler.cli as cli
    from archive import Archive

    folder = tmp_path / "pages"
    folder.mkdir()
    for n in range(40):  # not articles (no body), 200 kB of markup each
        (folder / f"p{n:02}.html").write_text(
            f"<html><body><p>kısa {n}</p><!-- {'x' * 200_000} --></body></html>")
    batches: list[list[dict[str, Any]]] = []
    real = Archive.save_raw_pages

    def recording(self: Archive, pages: Any) -> int:
        pages = list(pages)
        batches.append(pages)
        return real(self, pages)

    monkeypatch.setattr(Archive, "save_raw_pages", recording)
    monkeypatch.setattr(cli, "IMPORT_BATCH_BYTES", 1_000_000)
    result = CliRunner().invoke(cli.main, ["import", str(folder), "--db",
                                           str(tmp_path / "news.db")])
    assert result.exit_code == 1  # nothing imported
    assert "0 new, 0 updated, 0 unchanged, 40 skipped" in result.output
    assert sum(len(b) for b in batches) == 40
    assert len(batches) >= 8  # before: one batch of all 40 pages at the end
    assert max(sum(len(p["body"]) for p in b) for b in batches) < 1_300_000
    assert all(p["article"] is False for b in batches for p in b)
