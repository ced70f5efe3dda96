"""Compatibility characters (issue 9): fullwidth forms, ligatures and stray U+FFFD."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from newscrawler.extract.blocks import Block, Link
from newscrawler.items import ArticleItem
from newscrawler.pipelines.clean import CleanTextPipeline
from newscrawler.text.clean import clean_text, normalize_chars
from newscrawler.text.compat import COMPAT_CHARS, fold_compat


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ＩＺＭＩＲ’de yağmur", "IZMIR’de yağmur"),
        ("Ｋａｒşıyaka ２０２５", "Karşıyaka 2025"),
        ("ﬁyat ﬂaş ﬀ ﬃ ﬄ ﬅ ﬆ", "fiyat flaş ff ffi ffl st st"),
        ("Ｓ\u0327ehir Ｉ\u0307zmir", "Şehir İzmir"),  # a combining mark composes after the fold
        ("Belediye\ufffd açıklama \ufffd yaptı", "Belediye açıklama yaptı"),
        ("％５０ indirim！", "%50 indirim!"),
    ],
)
def test_clean_text_folds_compatibility_characters(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    assert clean_text(clean) == clean


@pytest.mark.parametrize("kept", ["m² ve m³", "½ ekmek", "H₂O", "™ ©", "①", "ｶﾀｶﾅ", "№ 5", "…"])
def test_other_compatibility_characters_are_kept(kept: str) -> None:
    """Only the fullwidth and ligature ranges are folded, not all of NFKC."""
    assert clean_text(kept) == kept
    assert normalize_chars(kept) == kept


def test_every_folded_character_leaves_the_fast_path() -> None:
    """Fullwidth digits and signs are N/S/P characters the fast path would otherwise pass."""
    for ch in COMPAT_CHARS:
        assert clean_text(f"a {ch} b") == " ".join(f"a {fold_compat(ch)} b".split())


def test_clean_pipeline_counts_replacement_chars() -> None:
    item = ArticleItem(
        url="http://127.0.0.1/a-1", site="sample", fetched_at="2025-11-17T09:00:00+00:00",
        title="Kar\ufffdıyaka'da toplantı",
        blocks=[Block("p", "Toplantıya \ufffd\ufffd yüzlerce kişi katıldı."),
                Block("links", "", (Link("Buca\ufffd", "http://127.0.0.1/b-2"),), False)],
    )
    crawler = get_crawler(settings_dict={})
    CleanTextPipeline.from_crawler(crawler).process_item(item)
    assert item.title == "Karıyaka'da toplantı"
    assert item.blocks[0].text == "Toplantıya yüzlerce kişi katıldı."
    assert crawler.stats.get_value("clean/replacement_chars") == 4
