"""``user add|change --attr KEY=VALUE`` and ``user list`` showing the attributes (9.11)."""

from __future__ import annotations

import json

import pytest

from casework.api import Casework
from tests.helpers import Cli, FrozenClock, dump
from tests.reconsiderations import add_reviewers, register

ADD = ("user", "add", "rev4", "--name", "王五", "--role", "reviewer", "--office", "city-justice")


def _attributes(cli: Cli, username: str) -> dict[str, str]:
    listed = cli("user", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    return next(u["attributes"] for u in json.loads(listed.stdout) if u["username"] == username)


def test_attributes_are_added_changed_removed_and_listed(cli: Cli, cw: Casework) -> None:
    added = cli(*ADD, "--attr", "legal_qualification=yes", "--attr", "reviewer_since=2024-03-01")
    assert added.exit_code == 0, added.stderr
    assert "legal_qualification=yes" in added.stdout
    assert _attributes(cli, "rev4") == {
        "legal_qualification": "yes",
        "reviewer_since": "2024-03-01",
    }
    changed = cli("user", "change", "rev4", "--attr", "reviewer_since=", "--json")
    assert changed.exit_code == 0, changed.stderr
    assert json.loads(changed.stdout)["attributes"] == {"legal_qualification": "yes"}
    assert _attributes(cli, "rev4") == {"legal_qualification": "yes"}
    entry = cw.acting("admin").admin_log()[-1]
    assert (entry["action"], entry["channel"]) == ("user.change", "cli")


@pytest.mark.parametrize(
    "args,said",
    [
        ((*ADD, "--attr", "qualified=yes"), "(--attr qualified=...)"),
        ((*ADD, "--attr", "legal_qualification=maybe"), "(--attr legal_qualification=...)"),
        (("user", "change", "clerk_pz", "--attr", "reviewer_since=soon"), "reviewer_since"),
        ((*ADD, "--attr", "legal_qualification"), "(--attr)"),
    ],
)
def test_a_bad_attribute_is_one_line_naming_it_and_nothing_is_written(
    cli: Cli, cw: Casework, args: tuple[str, ...], said: str
) -> None:
    before = dump(cw.engine)
    done = cli(*args)
    assert done.exit_code != 0
    assert said in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert dump(cw.engine) == before


def test_a_reviewer_given_the_qualification_on_the_cli_may_be_designated(
    cli: Cli, cw: Casework, clock: FrozenClock
) -> None:
    """The 2023 guard (行政复议法 art. 6) reads what ``user add|change --attr`` set."""
    add_reviewers(cw)
    assert cli(*ADD, "--attr", "reviewer_since=2024-03-01").exit_code == 0
    clock.set("2024-12-01T09:00")
    case_no = str(register(cw, "2024-09-20")["case_no"])
    cw.acting("sup_justice").advance(case_no, "accept", {"procedure": "ordinary"})
    assign = ("case", "advance", case_no, "assign", "--set", "reviewers=rev1,rev4")
    refused = cli(*assign, user="sup_justice")
    assert refused.exit_code == 1
    line = refused.stderr.strip()
    assert len(line.splitlines()) == 1 and "rev4" in line and "legal_qualification" in line
    assert line.endswith("(--set reviewers=...)"), line
    assert cli("user", "change", "rev4", "--attr", "legal_qualification=yes").exit_code == 0
    done = cli(*assign, user="sup_justice")
    assert done.exit_code == 0, done.stderr
