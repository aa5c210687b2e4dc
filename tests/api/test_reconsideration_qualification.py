"""行政复议法 (2023) art. 6 para 2: a reviewer new to reconsideration work holds the legal
professional qualification; the guard reads the named users' attributes (9.11). The 1999 law
has no such rule."""

from __future__ import annotations

import pytest

from casework.api import Casework
from casework.errors import GuardFailed
from tests.helpers import FrozenClock
from tests.reconsiderations import add_reviewers, register

SUP = "sup_justice"
# username: attributes (rev1 and rev2 of the helper hold the qualification)
STAFF = {
    "new_rev": {},  # no start recorded: taken as new
    "late_rev": {"reviewer_since": "2024-01-01", "legal_qualification": "no"},
    "old_rev": {"reviewer_since": "2023-12-31"},  # began under the 1999 law
}


@pytest.fixture
def rc(cw: Casework, clock: FrozenClock) -> Casework:
    add_reviewers(cw)
    admin = cw.acting("admin")
    for username, attributes in STAFF.items():
        admin.add_user(username, username, "reviewer", "city-justice", attributes)
    clock.set("2024-12-01T09:00")
    return cw


def _accepted(cw: Casework, received: str) -> str:
    case_no = str(register(cw, received)["case_no"])
    cw.acting(SUP).advance(case_no, "accept", {"procedure": "ordinary"}, at=received)
    return case_no


@pytest.mark.parametrize("username", ["new_rev", "late_rev"])
def test_2023_refuses_a_new_reviewer_without_the_qualification(rc: Casework, username: str) -> None:
    case_no = _accepted(rc, "2024-09-20")
    with pytest.raises(GuardFailed) as refused:
        rc.acting(SUP).advance(case_no, "assign", {"reviewers": f"rev1,{username}"})
    assert refused.value.rule == "legal_qualification"
    assert refused.value.field == "value.reviewers"
    assert username in refused.value.reason and "第六条" in refused.value.reason
    assert rc.show(case_no)["history"][-1]["trigger"] == "accept"  # nothing written


def test_2023_allows_the_qualified_and_those_who_began_before_2024(rc: Casework) -> None:
    case_no = _accepted(rc, "2024-09-20")
    sup = rc.acting(SUP)
    sup.advance(case_no, "assign", {"reviewers": "rev1,old_rev"})
    # once the admin records the qualification, the same reviewer may be designated
    rc.acting("admin").change_user("new_rev", attributes={"legal_qualification": "yes"})
    sup.advance(case_no, "assign", {"reviewers": "rev2,new_rev"})
    assert [e["trigger"] for e in rc.show(case_no)["history"]][-2:] == ["assign", "assign"]


def test_2023_a_hearings_host_and_officers_are_checked(rc: Casework) -> None:
    case_no = _accepted(rc, "2024-09-20")
    rev = rc.acting("rev1")
    hearing = {"host": "new_rev", "officers": "rev1,rev2", "applicant_present": "yes"}
    with pytest.raises(GuardFailed, match="new_rev") as host:
        rev.advance(case_no, "hold_hearing", hearing)
    assert host.value.field == "value.host"
    with pytest.raises(GuardFailed, match="late_rev") as officers:
        rev.advance(
            case_no, "hold_hearing", {**hearing, "host": "rev1", "officers": "rev2,late_rev"}
        )
    assert officers.value.field == "value.officers"
    rev.advance(case_no, "hold_hearing", {**hearing, "host": "old_rev"})


def test_1999_does_not_check_the_qualification(rc: Casework) -> None:
    case_no = _accepted(rc, "2020-09-28")
    rc.acting(SUP).advance(case_no, "assign", {"reviewers": "new_rev,late_rev"}, at="2020-09-29")
    hearing = {"host": "new_rev", "officers": "late_rev,rev1", "applicant_present": "no"}
    rc.acting("rev1").advance(case_no, "hold_hearing", hearing, at="2020-09-30")
    assert [e["trigger"] for e in rc.show(case_no)["history"]][-2:] == ["assign", "hold_hearing"]
