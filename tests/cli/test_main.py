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


@pytest.mark.parametrize("how", ["argument", "SHELL"])
def test_show_completion_prints_a_script_for_casework(how: str) -> None:
    """Typer's own ``--show-completion`` (issue 17 point 6), for the shell named or $SHELL."""
    args = ["--show-completion", "bash"] if how == "argument" else ["--show-completion"]
    env = {"SHELL": "/bin/bash", "PATH": "/usr/bin:/bin"}
    probe = "import sys; sys.argv = ['casework', *sys.argv[1:]]; from cli.main import run; run()"
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "complete -o default -F _casework_completion casework" in done.stdout
    assert "_CASEWORK_COMPLETE=complete_bash" in done.stdout


def test_completion_offers_the_lazy_commands_and_their_options() -> None:
    """What bash asks of the script it installed: the words that may follow."""
    probe = "import sys; sys.argv = ['casework']; from cli.main import run; run()"

    def complete(words: str) -> list[str]:
        env = {
            "PATH": "/usr/bin:/bin",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
            "_CASEWORK_COMPLETE": "complete_bash",
        }
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert "case" in complete("casework ca")
    assert complete("casework case reg") == ["register"]
    assert "--force" in complete("casework export cases --fo")
