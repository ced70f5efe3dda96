"""Documentation stays in step with the code: settings table, command help, README."""

from __future__ import annotations

import re
from pathlib import Path

import click
from click.testing import CliRunner

from newscrawler import settings
from newscrawler.cli import main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text("utf-8")


def own_settings() -> list[str]:
    """The newscrawler settings: those defined above the Scrapy section of settings.py."""
    source = (REPO / "newscrawler" / "settings.py").read_text("utf-8")
    ours = source.split("# --- Scrapy settings")[0].split("# --- newscrawler settings")[1]
    return re.findall(r"^([A-Z][A-Z_]+) =", ours, flags=re.M)


def test_every_setting_is_in_the_readme_table() -> None:
    names = own_settings()
    assert "ARCHIVE_DB" in names and len(names) > 8
    missing = [n for n in names if f"| `{n}` |" not in README]
    assert missing == []
    for name in names:
        assert hasattr(settings, name)


def test_every_command_has_help_and_is_in_the_readme() -> None:
    runner = CliRunner()
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None and command.help, name
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert f"newscrawler {name}" in README, name


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    assert "newscrawler demo" in blocks[0]
    command = re.search(r"python -m pytest.*", blocks[1])
    assert command is not None
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert command.group() in ci.splitlines()  # CI runs exactly the README's command


def test_the_python_examples_of_the_docs_print_what_they_say() -> None:
    import doctest

    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    examples = 0
    for page in pages:
        blocks = re.findall(r"```python\n(.*?)```", page.read_text("utf-8"), re.S)
        for n, block in enumerate(blocks):
            test = doctest.DocTestParser().get_doctest(block, {}, f"{page.name}[{n}]",
                                                       str(page), 0)
            examples += len(test.examples)
            runner.run(test)
    assert examples >= 5
    assert runner.summarize(verbose=False).failed == 0
