"""The README's two set-up commands, CI and the docs stay in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from cli.main import app

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    head = text.split("## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", head)


def test_readme_opens_with_exactly_two_setup_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    assert "casework" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert _readme_commands()[1] in ci


def test_every_command_is_documented() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text("utf-8")
    root = get_command(app)
    names: list[str] = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        if sub:
            names += [f"{name} {s}" for s in sub]
        else:
            names.append(name)
    for name in names:
        assert f"casework {name}" in doc, name
