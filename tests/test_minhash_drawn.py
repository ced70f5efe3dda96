"""The stories' MinHash permutations are written out, not drawn: a worker hashing texts never
imports ``numpy.random`` (~7 MB of an extraction worker's memory, #11 goal 6)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from archive import minhash
from archive.stories import NUM_PERM, SEED


def test_the_written_permutations_are_randomstates_draws() -> None:
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    written_a, written_b = minhash.permutations(NUM_PERM, SEED)
    assert written_a.dtype == written_b.dtype == np.uint32
    assert written_a.tolist() == a.tolist() and written_b.tolist() == b.tolist()
    assert (NUM_PERM, SEED) in minhash._DRAWN  # not drawn at run time


def test_other_parameters_are_still_drawn() -> None:
    a, b = minhash.permutations(8, 3)
    gen = np.random.RandomState(3)
    assert a.tolist() == (gen.randint(0, 1 << 31, 8, dtype=np.uint32) * np.uint32(2)
                          + np.uint32(1)).tolist()
    assert b.tolist() == gen.randint(0, 1 << 32, 8, dtype=np.uint32).tolist()


def test_a_story_print_does_not_import_numpy_random() -> None:
    code = ("import sys\nfrom archive.stories import body_prints\n"
            "found, keys = body_prints('Belediye meclisi bugün toplandı ve yeni bütçe "
            "görüşüldü. ' * 20)\n"
            "assert len(keys) > 0, keys\n"
            "print('numpy' in sys.modules, 'numpy.random' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "False"]
