"""``casework --help`` (cli/help.py): the root page drawn without importing any command."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.help import first_paragraph
from cli.main import COMMANDS, app


def test_first_paragraph() -> None:
    assert first_paragraph("One\n  line.\n\nMore.") == "One line."
    assert first_paragraph("") == ""


@pytest.mark.parametrize("width", ["60", "200"])
def test_the_root_page_lists_options_and_commands(
    width: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERMINAL_WIDTH", width)
    # The words as read, across the panel's borders: at 60 columns a help line wraps (the
    # completion options widen the option column).
    page = CliRunner().invoke(app, ["--help"]).stdout.replace("│", " ")
    text = " ".join(page.split())
    for flag in ("--db", "--as", "--version", "--help", "--install-completion"):
        assert flag in text
    assert "[env: CASEWORK_DB]" in text and "Usage: " in text
    for name in COMMANDS:
        assert name in text
    if width == "200":
        for name, entry in COMMANDS.items():
            assert f"{name} {entry.help}" in text


def test_no_help_page_shows_a_flag_as_taking_a_value() -> None:
    """`--json`, `--force`, `--help` take no value: no `<bool>` beside them (issue 17)."""
    from tests.cli.test_errors import every_command

    runner = CliRunner()
    pages = {"": runner.invoke(app, ["--help"]).stdout}
    for path in every_command():
        pages[path] = runner.invoke(app, [*path.split(), "--help"]).stdout
    assert all(page.strip() for page in pages.values())
    assert [path for path, page in pages.items() if "<bool>" in page] == []
    assert "<int>" in pages["demo"]  # a value's type is still shown
