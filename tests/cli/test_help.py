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
    text = " ".join(CliRunner().invoke(app, ["--help"]).stdout.split())
    for flag in ("--db", "--as", "--version", "--help"):
        assert flag in text
    assert "[env: CASEWORK_DB]" in text and "Usage: " in text
    for name in COMMANDS:
        assert name in text
    if width == "200":
        for name, entry in COMMANDS.items():
            assert f"{name} {entry.help}" in text
