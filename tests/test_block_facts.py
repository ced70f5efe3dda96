"""The block checks a worker runs ahead (#11): the page's text folded once for both."""

from __future__ import annotations

import pytest

from archive.fold import fold
from newscrawler.items import ArticleItem
from newscrawler.pipelines import block
from newscrawler.pipelines.block import block_facts, block_reason, short_text_key

CASES = [("Erişim engellendi", "Güvenlik nedeniyle erişiminiz engellenmiştir.", b""),
         ("Haber", "Lütfen robot olmadığınızı doğrulayın.", b""),
         ("Haber", "Kısa bir haber.", b'<div class="g-recaptcha"></div>'),
         ("Just a moment...", "x" * 5000, b'<form class="cf-challenge">'),
         ("Belediye", "Bornova Belediyesi parkı açtı. " * 80, b"<p>...</p>"),
         ("Boş", "   ", b"")]


@pytest.mark.parametrize(("title", "body", "html"), CASES)
def test_block_facts_fold_the_text_once(monkeypatch: pytest.MonkeyPatch, title: str,
                                        body: str, html: bytes) -> None:
    expected = (body if body.strip() else "", block_reason(title, body if body.strip() else "",
                                                          html),
                short_text_key(body if body.strip() else ""))
    folded: list[str] = []

    def counted(text: str) -> str:
        folded.append(text)
        return fold(text)

    monkeypatch.setattr(block, "fold", counted)
    item = ArticleItem(url="http://x.org/a-1", site="x", fetched_at="2025-11-20T09:00:00",
                       title=title, body=body, raw_html=html)
    facts = block_facts(item)
    assert facts[1:] == expected[1:]
    texts = [t for t in folded if t == facts[0]]
    assert len(texts) <= 1  # the title is folded besides, for the title check


def test_every_challenge_marker_still_marks_a_long_page_in_any_case() -> None:
    markers = block.phrases()["challenge"]
    groups = block.screens(markers)
    assert sorted(m for _, group in groups for m in group) == sorted(m.encode() for m in markers)
    assert any(screen is not None for screen, _ in groups)  # one search covers several
    text = "Uzun bir haber metni. " * 200
    for marker in markers:
        for written in (marker, marker.upper(), marker.title()):
            html = f"<html><body><div class='{written}'>x</div></body></html>".encode()
            assert block_reason("Haber", text, html) == "challenge", written
    html = b"<html><body><p>challenge accepted: cf-chl</p></body></html>"
    assert block_reason("Haber", text, html) is None
