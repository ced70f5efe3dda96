"""The linters configured in pyproject.toml pass on the whole tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool, args", [
    ("ruff", ["check", "."]),
    ("mypy", []),
])
def test_linter_passes(tool: str, args: list[str]) -> None:
    if shutil.which(tool) is None and not (Path(sys.executable).parent / tool).exists():
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]')")
    result = subprocess.run([sys.executable, "-m", tool, *args], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
