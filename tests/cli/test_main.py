"""The root command (cli/main.py): its global options, every command's help, the entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casework import __version__
from cli.main import COMMANDS, app
from tests.cli.test_errors import every_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["", *every_command(), *COMMANDS])
def test_every_command_has_help(path: str) -> None:
    result = CliRunner().invoke(app, [*path.split(), "--help"])
    assert result.exit_code == 0, (path, result.stderr)
    assert "Usage" in result.stdout and result.stderr == ""


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"casework {__version__}"


@pytest.mark.parametrize(
    "args", [[], ["case"], ["subsidy", "scale"]], ids=["root", "case", "scale"]
)
def test_a_group_without_a_command_shows_its_help(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "Usage" in result.stdout and result.stderr == ""


def test_the_console_script_runs_and_exits_with_the_commands_code(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "CASEWORK_DB": str(tmp_path / "absent.db")}
    probe = "import sys; sys.argv = ['casework', *sys.argv[1:]]; from cli.main import run; run()"
    done = subprocess.run(
        [sys.executable, "-c", probe, "--as", "admin", "case", "list"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ") and done.stderr.strip().endswith("(--db)")
    assert done.stdout == ""
