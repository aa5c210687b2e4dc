"""``casework demo`` (cli/demo_cmds.py), on partial years (``--until``); the whole demo year is
built and checked once, in tests/api/test_demo.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from casework.api import Casework
from casework.demo import runner
from casework.demo.realism import Band, RealismRow
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock, dump


def test_a_partial_year_is_built_and_reported(tmp_path: Path, clock: FrozenClock) -> None:
    cli = Cli(str(tmp_path / "demo.db"), clock)
    result = cli("demo", "--until", "2020-01-10", "--json")
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
    listed = json.loads(cli("case", "list", "--limit", "3", "--json").stdout)
    assert len(listed) == 3
    again = Cli(str(tmp_path / "table.db"), clock)("demo", "--until", "2020-01-05")
    assert again.exit_code == 0, again.stderr
    assert "高州市2020年" in again.stdout and "cases" in again.stdout


def test_a_built_demo_is_rebuilt_only_with_force(tmp_path: Path, clock: FrozenClock) -> None:
    cli = Cli(str(tmp_path / "demo.db"), clock)
    assert cli("demo", "--until", "2020-01-05").exit_code == 0
    line = error_line(cli("demo", "--until", "2020-01-05"), 1, "--force")
    assert "already holds cases" in line
    assert cli("demo", "--force", "--until", "2020-01-06").exit_code == 0


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
    built = runner.run_demo

    def measured(*args: Any, **kwargs: Any) -> runner.DemoResult:
        result = built(*args, **kwargs)
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
