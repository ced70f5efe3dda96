"""MinHash signatures of sets of 32-bit hashes, equal value for value to datasketch's.

``archive.stories`` stores LSH bands of each article's signature, so the values must stay
those that ``datasketch.MinHash(num_perm, seed, scheme="affine32", hashfunc=int)`` gave
when the archive was written. That scheme (datasketch 2.0, read from its source):

- each input ``h`` (already a 32-bit hash: ``hashfunc=int``) is pre-mixed once with the
  MurmurHash3 32-bit finalizer (shifts 16, 13, 16; multipliers 0x85EBCA6B, 0xC2B2AE35);
- permutation ``k`` maps it to ``(a_k * h + b_k) mod 2**32`` and the signature keeps each
  permutation's minimum (``2**32 - 1`` for an empty set);
- ``a`` and ``b`` come from ``numpy.random.RandomState(seed)``: first ``num_perm`` values
  ``randint(0, 2**31, dtype=uint32)``, each doubled plus one (odd ``a``), then ``num_perm``
  values ``randint(0, 2**32, dtype=uint32)``. ``RandomState`` is numpy's frozen legacy
  generator, so these draws do not change between numpy versions.

Importing datasketch loads scipy as well (88 MB of a crawl's memory); this module needs
numpy only, and imports it at the first signature.

>>> signature([1, 2, 3]) == signature([3, 2, 1])
True
>>> signature([]) == [EMPTY] * 64
True
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from functools import cache
from typing import Any

__all__ = ["EMPTY", "permutations", "signature"]

#: Each value of the signature of an empty set (datasketch's initial values).
EMPTY = (1 << 32) - 1


@cache
def permutations(num_perm: int, seed: int) -> tuple[Any, Any]:
    """The ``a`` (odd) and ``b`` uint32 arrays of the affine permutations for a seed."""
    import numpy as np  # numpy costs ~15 MB: loaded only once a text is hashed

    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def signature(hashes: Iterable[int], num_perm: int = 64, seed: int = 1) -> list[int]:
    """The ``num_perm`` MinHash values of a set of 32-bit unsigned hashes."""
    import numpy as np

    values = hashes if isinstance(hashes, array) else list(hashes)  # an array: no copy
    if not values:
        return [EMPTY] * num_perm
    a, b = permutations(num_perm, seed)
    h = np.array(values, dtype=np.uint32)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    # one row a permutation, in place: the minimum runs along contiguous memory (~2x
    # cheaper than a column per permutation)
    mixed = np.multiply.outer(a, h)
    mixed += b.reshape(-1, 1)
    signed: list[int] = mixed.min(axis=1).tolist()
    return signed
