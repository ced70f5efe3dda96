"""``archive.hashing.nfc`` remembers its last answer by identity, never by equality alone."""

from __future__ import annotations

import unicodedata

from archive import stories
from archive.hashing import content_hash, nfc


def test_nfc_is_normalize_for_each_text_in_turn() -> None:
    texts = ["Ka\u0301", "K\u00e1", "Ka\u0301", "İzmir", "", "e\u0301" * 3, "e\u0301" * 3]
    for text in texts + texts[::-1]:
        assert nfc(text) == unicodedata.normalize("NFC", text)
    decomposed = "Vali a\u0301c\u0327\u0131kladı"
    assert content_hash("t", decomposed) == content_hash("t", unicodedata.normalize(
        "NFC", decomposed))
    assert stories.body_prints(decomposed) == stories.prints(stories.fold(
        unicodedata.normalize("NFC", decomposed)))
