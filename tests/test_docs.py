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


def test_readme_opens_with_two_setup_commands_then_serve() -> None:
    commands = _readme_commands()
    # the two set-up commands, then the demo database served to a browser (issue 14)
    assert len(commands) == 3
    assert "casework" in commands[0] and "pytest" in commands[1]
    assert commands[2] == ".venv/bin/casework serve"


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert _readme_commands()[1] in ci


def test_every_command_is_documented() -> None:
    doc = (ROOT / "docs" / "cli.md").read_text("utf-8")
    names: list[str] = []

    def walk(prefix: str, cmd: object) -> None:
        sub = getattr(cmd, "commands", None)
        if not sub:
            names.append(prefix)
        for child, inner in (sub or {}).items():
            walk(f"{prefix} {child}".strip(), inner)
        if sub and getattr(cmd, "invoke_without_command", False):
            names.append(prefix)

    walk("", get_command(app))
    for name in names:
        assert f"casework {name}" in doc, name
