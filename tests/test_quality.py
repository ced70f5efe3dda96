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


def test_installed_package_declares_its_license() -> None:
    """The installed distribution names its license and ships the file that grants it."""
    from importlib.metadata import distribution

    dist = distribution("newscrawler")
    assert dist.metadata["License-Expression"] == "MIT"
    shipped = [f for f in dist.files or () if f.name == "LICENSE"]
    assert shipped, "LICENSE is not in the installed distribution (pip install -e . again)"
    assert "Permission is hereby granted" in shipped[0].read_text()
