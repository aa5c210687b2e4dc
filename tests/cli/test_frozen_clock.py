"""CASEWORK_NOW is not an input on a real database (issue 15 point 5): it is honoured on the
test suite's and the demo's databases and on those without real accounts, and refused with
one line, nothing written, on one with a user who has a password."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from casework.api import Casework
from cli.main import app
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock, add_staff, dump

PW = "Panzhou#2020"
REGISTER = ("case", "register", "petition", "--office", "panzhou", "--title")


def unmarked(db_url: str, clock: FrozenClock) -> Casework:
    """A database as a city's `init` makes it: no test mark."""
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    add_staff(cw)
    return cw


def test_refused_with_one_line_on_a_database_with_real_accounts(
    db_url: str, clock: FrozenClock
) -> None:
    cw = unmarked(db_url, clock)
    cli = Cli(db_url, clock)
    honoured = cli(*REGISTER, "甲")
    assert honoured.exit_code == 0, honoured.stderr  # no password yet: a CLI-only install
    cw.acting("admin").set_password("clerk_pz", PW)
    before = dump(cw.engine)
    for args in (
        (*REGISTER, "乙"),
        ("case", "list"),
        ("init",),
    ):
        line = error_line(cli(*args), 1)
        assert "CASEWORK_NOW" in line and "real accounts" in line
    assert dump(cw.engine) == before
    real_clock = CliRunner().invoke(
        app,
        ["--as", "clerk_pz", *REGISTER, "丙"],
        env={"CASEWORK_DB": db_url, "CASEWORK_NOW": None, "CASEWORK_USER": None},
    )
    assert real_clock.exit_code == 0, real_clock.stderr
    cw.close()


def test_honoured_on_the_suites_own_databases(cli: Cli, cw: Casework) -> None:
    cw.acting("admin").set_password("clerk_pz", PW)
    done = cli(*REGISTER, "甲", "--json")
    assert done.exit_code == 0, done.stderr
    assert cli.clock.now.isoformat()[:10] in done.stdout


def test_init_of_a_new_database_takes_it(tmp_path: Path, clock: FrozenClock) -> None:
    made = Cli(str(tmp_path / "new.db"), clock)("init", user="")
    assert made.exit_code == 0, made.stderr
