"""``casework init``, ``office`` and ``user`` (cli/admin_cmds.py)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import NOBODY, Cli, FrozenClock, dump


def test_init_creates_the_schema_offices_and_admin(
    tmp_path: os.PathLike[str], clock: FrozenClock
) -> None:
    path = os.path.join(str(tmp_path), "new.db")
    cli = Cli(path, clock)
    first = cli("init", "--offices", "gaozhou", "--json")
    assert first.exit_code == 0, first.stderr
    out = json.loads(first.stdout)
    assert set(out) >= {"database", "revision", "offices_added", "admin_created"}
    assert len(out["offices_added"]) == 32 and out["admin_created"] == "admin"
    again = json.loads(cli("init", "--offices", "gaozhou", "--json").stdout)
    assert again["offices_added"] == [] and again["admin_created"] is None
    offices = json.loads(cli("office", "list", "--json").stdout)
    assert {o["code"] for o in offices} >= {"panzhou", "changpo", "city-justice", "city-hotline"}
    assert sum(o["level"] == "town" for o in offices) == 28
    table = cli("init")
    assert table.exit_code == 0 and "database" in table.stdout and path in table.stdout


def test_init_refusals_name_their_option(tmp_path: os.PathLike[str], clock: FrozenClock) -> None:
    cli = Cli(os.path.join(str(tmp_path), "new.db"), clock)
    line = error_line(cli("init", "--offices", "atlantis"), 1, "--offices")
    assert "'atlantis'" in line and "gaozhou" in line
    error_line(cli("init", "--admin", "1 bad name"), 1, "--admin")
    error_line(Cli("mysql+nothing://x", clock)("init"), 1, "--db")


def test_office_and_user_management(cli: Cli) -> None:
    added = cli(
        "office",
        "add",
        "xinan",
        "--name",
        "新安镇司法所",
        "--level",
        "town",
        "--json",
        user="admin",
    )
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["code"] == "xinan"
    user = cli(
        "user",
        "add",
        "li_ming",
        "--name",
        "李明",
        "--role",
        "clerk",
        "--office",
        "xinan",
        "--json",
        user="admin",
    )
    assert user.exit_code == 0, user.stderr
    users = json.loads(cli("user", "list", "--json").stdout)
    assert {"username": "li_ming", "office": "xinan", "role": "clerk"}.items() <= next(
        u for u in users if u["username"] == "li_ming"
    ).items()
    registered = cli(
        "case",
        "register",
        "petition",
        "--office",
        "xinan",
        "--title",
        "t",
        "--json",
        user="li_ming",
    )
    assert json.loads(registered.stdout)["case_no"] == "XF-2020-xinan-00001"
    table = cli("user", "list")
    assert "li_ming" in table.stdout and "登记员" in table.stdout
    assert "新安镇司法所" in cli("office", "list").stdout
    shown = cli("office", "add", "xibei", "--name", "西北", "--level", "town", user="admin")
    assert shown.exit_code == 0 and "xibei" in shown.stdout


OFFICE = ["office", "add", "newtown", "--name", "新镇", "--level", "town"]
USER = ["user", "add", "x1", "--name", "X", "--role", "clerk", "--office", "panzhou"]

# (name, user, args, words, the option the line ends with)
REFUSALS: list[tuple[str, str | None, list[str], list[str], str]] = [
    ("user_add_not_admin", "sup_pz", USER, ["admin", "sup_pz"], "--as"),
    ("user_add_no_user", NOBODY, USER, ["acting user"], "--as"),
    ("user_bad_role", "admin", [*USER[:5], "--role", "king", *USER[7:]], ["'king'"], "--role"),
    ("user_bad_username", "admin", ["user", "add", "9x", *USER[3:]], ["'9x'"], "USERNAME"),
    ("user_exists", "admin", ["user", "add", "clerk_pz", *USER[3:]], ["clerk_pz"], "USERNAME"),
    (
        "user_unknown_office",
        "admin",
        [*USER[:7], "--office", "atlantis"],
        ["'atlantis'"],
        "--office",
    ),
    ("user_needs_office", "admin", USER[:7], ["clerk", "office"], "--office"),
    ("user_empty_name", "admin", [*USER[:3], "--name", " ", *USER[5:]], ["name"], "--name"),
    ("office_add_not_admin", "sup_pz", OFFICE, ["admin"], "--as"),
    (
        "office_add_bad_level",
        "admin",
        [*OFFICE[:5], "--level", "village"],
        ["'village'"],
        "--level",
    ),
    ("office_bad_code", "admin", ["office", "add", "X", *OFFICE[3:]], ["'X'"], "CODE"),
    ("office_exists", "admin", ["office", "add", "panzhou", *OFFICE[3:]], ["'panzhou'"], "CODE"),
    ("office_bad_kind", "admin", [*OFFICE, "--kind", "x" * 30], ["kind"], "--kind"),
]


@pytest.mark.parametrize("name,user,args,words,hint", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusal(
    cw: Casework,
    cli: Cli,
    name: str,
    user: str | None,
    args: list[str],
    words: list[str],
    hint: str,
) -> None:
    before = dump(cw.engine)
    line = error_line(cli(*args, user=user), 1, hint)
    for word in words:
        assert word in line, line
    assert dump(cw.engine) == before


def test_missing_database_is_refused_and_not_created(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(str(tmp_path), "absent.db")
    result = Cli(path, FrozenClock(datetime(2020, 1, 1, tzinfo=UTC)))("case", "list")
    line = error_line(result, 1, "--db")
    assert "casework init" in line and path in line
    assert not os.path.exists(path)


def test_office_add_with_a_parent_and_office_list_shows_it(cli: Cli) -> None:
    """An office's parent (上级机关) decides its petitions' reviews (petition.md, People and
    places): an office code, or ``ext:NAME`` for an organ outside casework."""
    inside = ("office", "add", "xinan", "--name", "新安镇司法所", "--level", "town")
    added = cli(*inside, "--parent", "city-petition", "--json", user="admin")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["parent"] == "city-petition"
    outside = ("office", "add", "city-land", "--name", "高州市自然资源局", "--level", "city")
    line = cli(*outside, "--parent", "ext:茂名市自然资源局", user="admin")
    assert line.exit_code == 0 and "ext:茂名市自然资源局" in line.stdout
    default = cli(
        "office", "add", "xinan2", "--name", "新安二", "--level", "town", "--json", user="admin"
    )
    assert json.loads(default.stdout)["parent"] == "city-justice"  # a town's by default
    parents = {o["code"]: o["parent"] for o in json.loads(cli("office", "list", "--json").stdout)}
    assert parents["xinan"] == "city-petition" and parents["city-land"] == "ext:茂名市自然资源局"
    assert parents["panzhou"] == "city-justice" and parents["city-justice"] == "ext:茂名市司法局"
    table = " ".join(cli("office", "list").stdout.split())
    assert "上级机关 parent" in table and "ext:茂名市自然资源局" in table


@pytest.mark.parametrize(
    "parent,words",
    [("atlantis", ["'atlantis'", "ext:"]), ("ext:", ["ext:"])],
    ids=["unknown_office", "empty_organ"],
)
def test_office_add_refuses_a_parent_it_cannot_find(
    cw: Casework, cli: Cli, parent: str, words: list[str]
) -> None:
    before = dump(cw.engine)
    args = ("office", "add", "xinan", "--name", "新安镇司法所", "--level", "town")
    line = error_line(cli(*args, "--parent", parent, user="admin"), 1, "--parent")
    for word in words:
        assert word in line, line
    assert dump(cw.engine) == before


@pytest.mark.parametrize(
    "level,parent",
    [("city", "panzhou"), ("town", "shanmei")],
    ids=["city_under_a_town", "town_under_a_town"],
)
def test_office_add_refuses_a_parent_not_above_it(
    cw: Casework, cli: Cli, level: str, parent: str
) -> None:
    """A review goes one level up (G arts. 35-36): a parent below or beside an office would let
    an office of the same level review it, so it is refused and nothing is written."""
    before = dump(cw.engine)
    args = ("office", "add", "xinan", "--name", "新安单位", "--level", level)
    line = error_line(cli(*args, "--parent", parent, user="admin"), 1, "--parent")
    assert "层级" in line and parent in line, line
    assert dump(cw.engine) == before
    moved = cli(
        "config", "set", "office.parent.panzhou", "shanmei", "--from", "2024-01-01", user="admin"
    )
    assert moved.exit_code == 1 and "层级" in moved.stderr
