"""The root group (cli/app_core.py): commands built on first use, refusals said with their
option, usage errors exit 2, anything unexpected one ``internal error`` line (or a traceback
with CASEWORK_DEBUG=1)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.core import TyperCommand, TyperGroup
from typer.testing import CliRunner

from cli.app_core import command
from cli.main import COMMANDS, app
from cli.state import Settings
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock


def test_each_command_is_a_typer_command_with_its_refusals_hinted() -> None:
    for name, entry in COMMANDS.items():
        cmd = entry.load(name)
        assert isinstance(cmd, TyperCommand | TyperGroup)
        leaves = [cmd] if isinstance(cmd, TyperCommand) else []
        if isinstance(cmd, TyperGroup):
            leaves = [command(cmd.commands[n]) for n in cmd.commands]
        for leaf in leaves:
            if isinstance(leaf, TyperCommand):
                assert isinstance(leaf.callback, functools.partial) is False
                assert getattr(leaf.callback, "__wrapped__", None) is not None, (name, leaf.name)


def test_a_group_builds_only_the_command_that_runs() -> None:
    group = COMMANDS["case"].load("case")
    assert isinstance(group, TyperGroup)
    commands = group.commands
    assert list(commands) == [
        *("register", "advance", "doc", "print", "template", "link", "correct", "show", "list"),
        "history",
    ]
    show = commands["show"]
    assert show.name == "show"
    assert commands.built() == ["show"]


def _boom(self: Settings) -> None:
    raise RuntimeError("boom\nsecond line")


def test_an_unexpected_error_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(Settings, "open", _boom)
    env = {"CASEWORK_DB": str(tmp_path / "x.db"), "CASEWORK_DEBUG": None}
    result = CliRunner().invoke(app, ["--as", "admin", "case", "list"], env=env)
    line = error_line(result, 1)
    assert "internal error (RuntimeError): boom;" in line and "CASEWORK_DEBUG=1" in line
    debug = CliRunner().invoke(
        app, ["--as", "admin", "case", "list"], env={**env, "CASEWORK_DEBUG": "1"}
    )
    assert isinstance(debug.exception, RuntimeError)


def test_the_cli_helper_fails_a_test_on_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(Settings, "open", _boom)
    cli = Cli(str(tmp_path / "x.db"), FrozenClock(datetime(2020, 1, 1, tzinfo=UTC)))
    with pytest.raises(pytest.fail.Exception, match="internal error"):
        cli("case", "list")


def test_an_abort_is_one_line_and_an_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def aborted(self: Settings) -> None:
        raise typer.Abort

    monkeypatch.setattr(Settings, "open", aborted)
    assert "aborted" in error_line(CliRunner().invoke(app, ["--as", "admin", "case", "list"]), 1)

    def interrupted(self: Settings) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Settings, "open", interrupted)
    result = CliRunner().invoke(app, ["--as", "admin", "case", "list"])
    assert result.exit_code == 130 and "Traceback" not in result.stderr
    assert result.stderr.strip() == "Error: 已中断 interrupted: nothing was written"


def test_a_bad_frozen_clock_names_the_variable(tmp_path: Path) -> None:
    env = {"CASEWORK_DB": str(tmp_path / "x.db"), "CASEWORK_NOW": "yesterday"}
    line = error_line(CliRunner().invoke(app, ["--as", "admin", "case", "list"], env=env), 1)
    assert "CASEWORK_NOW 'yesterday'" in line


def test_casework_now_freezes_the_clock(cli: Cli, clock: FrozenClock) -> None:
    registered = cli(
        "case",
        "register",
        "petition",
        "--office",
        "panzhou",
        "--title",
        "t",
        "--json",
        user="clerk_pz",
    )
    assert registered.exit_code == 0, registered.stderr
    assert '"registered_at": "2020-12-01T10:00:00+08:00"' in registered.stdout
