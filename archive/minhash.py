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

#: ``permutations(64, 1)`` (``archive.stories``' parameters), drawn once from
#: ``RandomState(1)`` as the module says and written out: drawing them imports
#: ``numpy.random`` (~7 MB of an extraction worker's memory) for 128 numbers.
#: ``tests/test_minhash_drawn.py`` checks them against ``RandomState``.
_DRAWN: dict[tuple[int, int], tuple[tuple[int, ...], tuple[int, ...]]] = {(64, 1): ((
    3582191691, 4270784983, 1892572953, 3715639441, 982527, 1100580627, 2597016983,
    4286725387, 1260623519, 2027988865, 793182497, 3406602499, 1599963033, 3332127887,
    2968344027, 1458107385, 3408206605, 3741252147, 333433189, 2974788137, 3600853501,
    2690998987, 1591023397, 210867113, 1756231447, 3809231353, 3248004053, 1972053305,
    235257659, 295613213, 1464304741, 3555906697, 3584620975, 3927359407, 504141779,
    3699672547, 1205914607, 3772079037, 1701678785, 2391345325, 2583376155, 1855172563,
    4022336275, 2600667151, 2692293247, 797152891, 1652038701, 155929203, 3233158147,
    3135500033, 3389645433, 2827350435, 730524177, 2831271345, 335478043, 2345481447,
    1458832223, 508895189, 3248219379, 1464824721, 844792893, 799426703, 3617286919,
    1474497421,
), (
    4114104213, 1768615473, 2289927481, 848474627, 2971589572, 1243949848, 1355129329,
    610401323, 2948499020, 3364310042, 3584689972, 1771840848, 78547565, 146764659,
    3221845289, 2680188370, 4247126031, 2837408832, 3213347012, 1282027545, 1204497775,
    1916133090, 3389928919, 954017671, 443352346, 315096729, 1923688040, 2015364118,
    3902387977, 413056707, 1261063143, 3879945342, 1235985687, 513207677, 558468452,
    2253996187, 83180453, 359158073, 2915576403, 3937889446, 908935816, 3910346016,
    1140514210, 1283895050, 2111290647, 2509932175, 229190383, 2430573655, 2465816345,
    2636844999, 630194419, 4108289372, 2531048010, 1120896190, 3005439278, 992203680,
    439523032, 2291143831, 1778356919, 4079953217, 2982425969, 2117674829, 1778886403,
    2321861504,
))}


@cache
def permutations(num_perm: int, seed: int) -> tuple[Any, Any]:
    """The ``a`` (odd) and ``b`` uint32 arrays of the affine permutations for a seed."""
    import numpy as np  # numpy costs ~15 MB: loaded only once a text is hashed

    drawn = _DRAWN.get((num_perm, seed))
    if drawn is not None:
        return np.array(drawn[0], dtype=np.uint32), np.array(drawn[1], dtype=np.uint32)
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
