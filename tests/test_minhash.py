"""archive.minhash gives datasketch's MinHash values, so stored story bands stay valid."""

from __future__ import annotations

import random

import pytest

from archive import minhash, stories
from archive.fold import fold


def _texts(n: int, seed: int = 7) -> list[str]:
    """``n`` random multi-paragraph texts over a small vocabulary (shared shingles)."""
    rng = random.Random(seed)
    words = ["".join(rng.choices("abcçdefgğhıijklmnoöprsştuüvyz", k=rng.randint(2, 9)))
             for _ in range(3000)]
    return ["\n".join(" ".join(rng.choices(words, k=rng.randint(1, 60)))
                      for _ in range(rng.randint(1, 8))) for _ in range(n)]


def test_signature_of_fixed_hashes() -> None:
    """Pinned values (from datasketch 2.0) hold even where datasketch is not installed."""
    sig = minhash.signature([0, 1, 2**32 - 1, 123456789])
    assert len(sig) == 64
    assert sig[:8] == [720010568, 463434119, 1094027466, 848474627,
                       641221901, 851999571, 1355129329, 610401323]


def test_signature_of_nothing_is_datasketchs_empty() -> None:
    assert minhash.signature([]) == [2**32 - 1] * 64


def test_signature_rejects_hashes_wider_than_32_bits() -> None:
    with pytest.raises(OverflowError):
        minhash.signature([2**32])


@pytest.mark.parametrize("seed", [1, 42])
def test_signature_equals_datasketch_on_random_texts(seed: int) -> None:
    datasketch = pytest.importorskip("datasketch")
    for text in _texts(300, seed):
        found = stories.shingles(fold(text))
        reference = datasketch.MinHash(num_perm=64, seed=seed, scheme="affine32", hashfunc=int)
        reference.update_batch(list(found))
        assert minhash.signature(found, 64, seed) == [int(v) for v in reference.hashvalues]


def test_stories_signature_is_seed_1_with_64_values() -> None:
    found = stories.shingles(fold(_texts(1)[0]))
    assert stories.signature(found) == minhash.signature(found, 64, 1)
