"""The block checks' challenge screen searches by stringzilla (SIMD): Python's answers."""

from __future__ import annotations

import random

from realistic_site import page_html

from newscrawler.pipelines.block import (
    HEAD_BYTES,
    block_reason,
    holds,
    lowered_head,
    phrases,
    screens,
)

MARKERS = phrases()["challenge"]


def python_challenge(html: bytes) -> bool:
    """The challenge screen as Python's ``bytes.lower`` and ``in`` read it."""
    lowered = html[:HEAD_BYTES].lower()
    return any((screen is None or screen in lowered) and any(m in lowered for m in group)
               for screen, group in screens(MARKERS))


def test_the_lowered_head_is_bytes_lower_for_every_byte_and_length():
    rng = random.Random(5)
    every = bytes(range(256)) * 300
    assert lowered_head(every) == every[:HEAD_BYTES].lower()
    for size in (0, 1, 2, 255, HEAD_BYTES - 1, HEAD_BYTES, HEAD_BYTES + 1, 100_000):
        data = rng.randbytes(size)
        assert lowered_head(data) == data[:HEAD_BYTES].lower()
        assert type(lowered_head(data)) is bytes


def test_holds_is_in_for_random_haystacks_and_needles():
    rng = random.Random(7)
    for _ in range(3000):
        alphabet = rng.choice([b"ab", b"abc-_", bytes(range(256))])
        haystack = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 300)))
        if haystack and rng.random() < 0.5:  # a needle that is there, at any place
            start = rng.randrange(len(haystack))
            needle = haystack[start:start + rng.randrange(1, 40)]
        else:
            needle = bytes(rng.choice(alphabet) for _ in range(rng.randrange(1, 12)))
        assert holds(haystack, needle) is (needle in haystack), (haystack, needle)
    big = bytes(70_000)
    assert holds(big + b"x", b"\x00x") and not holds(big, b"\x00x")


def test_the_challenge_screen_answers_as_python_on_pages_and_markers_anywhere():
    rng = random.Random(11)
    pages = [page_html(i, 40, size=rng.choice(["small", "large"])).encode() for i in range(1, 41)]
    for page in pages:
        assert (block_reason(None, "x" * 5000, page) == "challenge") is python_challenge(page)
        for marker in MARKERS:
            cased = "".join(c.upper() if rng.random() < 0.5 else c for c in marker).encode()
            for at in (0, len(page) // 2, HEAD_BYTES - len(cased), HEAD_BYTES - 3, HEAD_BYTES,
                       len(page)):
                html = page[:at] + cased + page[at:]
                want = python_challenge(html)
                assert (block_reason(None, "x" * 5000, html) == "challenge") is want
                assert want is (min(at, len(page)) + len(cased) <= HEAD_BYTES
                                or python_challenge(page))
