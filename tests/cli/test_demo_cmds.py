"""``casework demo`` (cli/demo_cmds.py), on partial years (``--until``); the whole demo year is
built and checked once, in tests/api/test_demo.py."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from casework.api import Casework
from casework.demo import runner
from casework.demo.realism import Band, RealismRow
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock, dump


@dataclass(frozen=True)
class Built:
    """A partial year built once for this module: its file and what ``--json`` printed."""

    path: Path
    result: Result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """``demo --until 2020-01-05 --json``, once: every demo starts with two months carried
    over from 2019 and a year's plan, seconds of work whatever ``--until`` says; a test that
    needs a built demo database works on a copy of this one."""
    path = tmp_path_factory.mktemp("built") / "demo.db"
    clock = FrozenClock(datetime(2020, 12, 1, 2, 0, tzinfo=UTC))  # the ``clock`` fixture's
    return Built(path, Cli(str(path), clock)("demo", "--until", "2020-01-05", "--json"))


def copy_of(built: Built, path: Path) -> Path:
    """A copy of the built database, through SQLite's backup (a reader may have left a
    write-ahead log beside the file)."""
    source, target = sqlite3.connect(built.path), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return path


def test_a_partial_year_is_built_and_reported(built: Built, clock: FrozenClock) -> None:
    result = built.result
    # A partial year falls short of the report by design, and is not a failure.
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) >= {"database", "year", "seed", "steps", "cases", "events", "figures"}
    # a partial year is not measured for realism (its bands would fail by design)
    assert out["realism"] == [] and out["all_realistic"] is True
    assert out["year"] == 2020 and out["cases"] > 0 and out["events"] >= out["cases"]
    row = out["figures"][0]
    assert set(row) >= {"figure", "metric", "from", "to", "report", "casework", "match"}
    assert "all_match" in out
    listed = Cli(str(built.path), clock)("case", "list", "--limit", "3", "--json")
    assert len(json.loads(listed.stdout)) == 3


def test_a_built_demo_is_rebuilt_only_with_force(
    built: Built, tmp_path: Path, clock: FrozenClock
) -> None:
    cli = Cli(str(copy_of(built, tmp_path / "demo.db")), clock)
    line = error_line(cli("demo", "--until", "2020-01-05"), 1, "--force")
    assert "already holds cases" in line
    # rebuilt, and reported as a table
    again = cli("demo", "--force", "--until", "2020-01-06")
    assert again.exit_code == 0, again.stderr
    assert "高州市2020年" in again.stdout and "cases" in again.stdout


def test_a_database_of_its_own_is_refused(cw: Casework, cli: Cli) -> None:
    before = dump(cw.engine)
    line = error_line(cli("demo", "--force", "--until", "2020-01-05"), 1, "--db")
    assert "not a demo database" in line
    assert dump(cw.engine) == before


def test_demo_refusals_name_their_option(tmp_path: Path, clock: FrozenClock) -> None:
    cli = Cli(str(tmp_path / "demo.db"), clock)
    line = error_line(cli("demo", "--year", "1999"), 1, "--year")
    assert "1999" in line
    error_line(cli("demo", "--until", "2020-02-30"), 1, "--until")
    error_line(cli("demo", "--seed", "many"), 2)
    assert not (tmp_path / "demo.db").exists()


def test_a_year_out_of_band_exits_1_naming_the_check(
    tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check out of its band fails the demo, named on stderr; JSON still on stdout."""
    build = runner.run_demo
    made: list[runner.DemoResult] = []

    def measured(*args: Any, **kwargs: Any) -> runner.DemoResult:
        # The year is built once; the table's run prints what the JSON's build gave (what
        # is checked is how the command reports a check out of band, not the build again).
        result = made[0] if made else build(*args, **kwargs)
        made.append(result)
        # a real measure (the partial year's cases) against a band it cannot meet
        band = Band(low=10**6, unit=" 件")
        value = result["cases"]
        row = RealismRow(check="demo.cases", value=value, band=band.shown(), ok=band.holds(value))
        return {**result, "realism": [row], "all_realistic": False}

    monkeypatch.setattr(runner, "run_demo", measured)
    cli = Cli(str(tmp_path / "demo.db"), clock)
    result = cli("demo", "--until", "2020-01-05", "--json")
    assert result.exit_code == 1
    assert "out of band" in result.stderr and "demo.cases" in result.stderr
    out = json.loads(result.stdout)
    assert out["realism"][0]["ok"] is False
    table = Cli(str(tmp_path / "table.db"), clock)("demo", "--until", "2020-01-05")
    assert table.exit_code == 1 and "demo.cases" in table.stdout


def test_the_demo_prints_a_random_admin_login_that_must_be_changed(
    built: Built, tmp_path: Path, clock: FrozenClock
) -> None:
    login = json.loads(built.result.stdout)["login"]
    assert login["username"] == "admin" and len(login["password"]) >= 16
    cw = Casework(str(copy_of(built, tmp_path / "login.db")), clock=clock)
    try:
        done = cw.login("admin", login["password"])
        assert done["must_change"] is True  # a printed password is changed at the first login
        assert runner.demo_login(cw)["password"] != login["password"]  # random, not a default
    finally:
        cw.close()
