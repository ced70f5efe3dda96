"""The systemd units in contrib/: what systemd hands the command is what we mean."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[1] / "contrib" / "systemd"


def systemd_expands(line: str, instance: str, env: dict[str, str]) -> str:
    """An ExecStart= value as systemd passes it on: specifiers (``%i``, ``%%``), then
    ``$$`` as ``$`` and ``$NAME``/``${NAME}`` as the variable (empty when unset), inside
    quotes too (systemd.service(5), "Command lines")."""
    line = re.sub(r"%([%i])", lambda m: "%" if m[1] == "%" else instance, line)

    def variable(m: re.Match[str]) -> str:
        if m[0] == "$$":
            return "$"
        return env.get(m[1] or m[2] or "", "")

    return re.sub(r"\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", variable, line)


def test_the_worker_unit_runs_the_site_of_its_instance(tmp_path: Path) -> None:
    unit = (UNITS / "newscrawler-worker@.service").read_text("utf-8")
    (exec_start,) = re.findall(r"^ExecStart=(.*)$", unit, re.M)
    command = systemd_expands(exec_start, "hibya-2", {"NEWSCRAWLER_REDIS": "redis://r:6379/0"})
    # The shell runs it with a stand-in newscrawler that prints its arguments.
    fake = tmp_path / "newscrawler"
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    fake.chmod(0o755)
    command = command.replace("/srv/news/venv/bin/newscrawler", str(fake))
    argv = command.split(" ", 2)
    assert argv[:2] == ["/bin/sh", "-c"]
    script, instance = argv[2].rsplit(" ", 1)
    assert script[0] == script[-1] == "'"
    out = subprocess.run(["/bin/sh", "-c", script[1:-1], instance], capture_output=True,
                         text=True, check=True, env={"NEWSCRAWLER_REDIS": "redis://r:6379/0"})
    assert out.stdout.splitlines() == ["crawl", "hibya", "--redis", "redis://r:6379/0",
                                       "--join", "--wait", "60"]


@pytest.mark.parametrize("unit", sorted(p.name for p in UNITS.glob("*.service")))
def test_every_variable_in_a_unit_is_one_systemd_can_fill(unit: str) -> None:
    text = (UNITS / unit).read_text("utf-8")
    for line in re.findall(r"^Exec\w+=(.*)$", text, re.M):
        for name in re.findall(r"(?<!\$)\$\{([^}]*)\}|(?<!\$)\$(?!\$)([A-Za-z_]\w*)", line):
            assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", "".join(name)), (unit, line)
