"""The extraction worker's cheaper steps give what the plain ones gave, value for value.

Issue 11: a large page's CPU in the worker was cut without changing any output. Each
rewritten step is checked here against the straightforward form it replaced (the
whole worker's answer on many pages: ``bench/worker_bench.py --dump`` / ``--compare``).
"""

from __future__ import annotations

import hashlib
import random
import re
from array import array
from pathlib import Path
from zlib import crc32

import pytest
from lxml import etree

from archive import minhash, stories
from archive.fold import fold
from newscrawler.extract import datelines, region
from newscrawler.extract.dom import parse_html, strip_invisible

FIXTURES = Path(__file__).parent / "fixtures"
_WORD_RE = re.compile(r"[^\W_]+")


def _plain_shingles(body_fold: str, k: int = stories.SHINGLE_WORDS) -> frozenset[int]:
    """The shingles as first written: regex words, one join and encode a shingle."""
    found: set[int] = set()
    for paragraph in body_fold.split("\n"):
        words = _WORD_RE.findall(paragraph)
        if not words:
            continue
        if len(words) <= k:
            found.add(crc32(" ".join(words).encode()))
            continue
        for i in range(len(words) - k + 1):
            found.add(crc32(" ".join(words[i : i + k]).encode()))
    return frozenset(found)


def _plain_band_keys(sig: list[int]) -> list[int]:
    """The band keys as first written: each value's bytes one by one."""
    keys = []
    for band in range(stories.BANDS):
        values = sig[band * stories.ROWS : (band + 1) * stories.ROWS]
        data = band.to_bytes(2, "big") + b"".join(v.to_bytes(4, "big") for v in values)
        keys.append(int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big",
                                   signed=True))
    return keys


_PIECES = ["bir", "iki", "uc", "dort", "bes", "12", "2025", "a_b", "_x_", "ışık", "çiğ",
           "жи", "x\u0301", "'", ",", ".", "-", " ", "  ", "\t", "\u00a0", "\n", "\n\n",
           "K", "ǅ", "١٢", "e\u200b"]


def _texts(n: int, seed: int = 7) -> list[str]:
    """Random texts of words, digits, underscores, punctuation and odd letters."""
    rng = random.Random(seed)
    texts = ["", "\n", "bir", "bir iki uc dort", "bir iki uc dort bes\n\nalti yedi"]
    for _ in range(n):
        texts.append("".join(rng.choice(_PIECES) + rng.choice(" ,.\n")
                             for _ in range(rng.randint(1, 80))))
    return texts


def test_shingles_are_the_plain_ones_in_the_same_order() -> None:
    for text in _texts(400):
        for body in (text, fold(text)):
            # the same set, built in the same order: the stored array keeps its order
            assert list(stories.shingles(body)) == list(_plain_shingles(body)), body


def test_prints_are_the_plain_ones() -> None:
    for text in _texts(150, seed=11):
        body = fold(text) * 3
        found, keys = stories.prints(body)
        plain = _plain_shingles(body)
        assert list(found) == list(array("I", plain))
        sig = minhash.signature(list(plain), stories.NUM_PERM, stories.SEED)
        assert minhash.signature(found, stories.NUM_PERM, stories.SEED) == sig
        assert keys == (tuple(_plain_band_keys(sig)) if len(plain) >= stories.MIN_SHINGLES
                        else ())


def test_band_keys_of_short_and_full_signatures() -> None:
    rng = random.Random(3)
    for length in (0, 1, 2, 63, 64):
        sig = [rng.randrange(1 << 32) for _ in range(length)]
        assert stories.band_keys(sig) == _plain_band_keys(sig)


def _pages() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.htm*") if p.is_file())


#: The XPath expressions as they were before their tests were reordered.
_OLD_SHORT_TEXT = etree.XPath(
    f".//text()[string-length(normalize-space(.)) >= 6]"
    f"[string-length(normalize-space(.)) <= {datelines.MAX_LOOSE_LINE}][not(ancestor::a)]")
_OLD_BARE_TEXT = etree.XPath(
    f".//text()[string-length(.) >= {region.MIN_PARAGRAPH}][not(ancestor::p or ancestor::a)]"
    f"[string-length(normalize-space(.)) >= {region.MIN_PARAGRAPH}]")


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_reordered_xpath_filters_find_the_same_nodes(page: Path) -> None:
    root = parse_html(page.read_bytes().decode("utf-8", "replace"))
    strip_invisible(root)
    for el in [root, *root.iter("body", "main", "article", "div")][:40]:
        assert datelines._SHORT_TEXT(el) == _OLD_SHORT_TEXT(el)
        assert region._BARE_TEXT(el) == _OLD_BARE_TEXT(el)


def test_a_worker_warms_up_before_its_first_page() -> None:
    """A worker builds what its first page needs (numpy for the stories' prints, the
    pattern caches) while the crawl starts, without being sent a page."""
    import time

    from newscrawler.extract.pool import ExtractionPool, Steps, imported
    from newscrawler.profiles import get_profile

    pool = ExtractionPool(1, get_profile("sample"), Steps(
        clean=True, split=True, places=True, template=True, archive=True, stories=True))
    try:
        pool.start()
        deadline = time.monotonic() + 30
        while not pool.call(imported, "numpy")[0]:
            assert time.monotonic() < deadline, "the worker never imported numpy"
            time.sleep(0.05)
    finally:
        pool.close()
