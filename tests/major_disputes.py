"""Major disputes (领导包案) taken through their procedure (major_dispute.md), for tests.

A case is proposed by a city office with its 包案情况表, approved by a supervisor of
``city-petition`` (the default approvers) other than the proposer with its 包案审批表, planned
by the named leader with the plan on file, resolved by that leader and verified on acceptance
material filed after the resolution. These helpers take those steps through the API so that
tests about something else get a major dispute where they need it in one line; the procedure's
own tests take the steps one by one.
"""

from __future__ import annotations

from casework.api import Casework

# tests/helpers.py STAFF: a city clerk proposes, the petition bureau's supervisor approves.
PROPOSER, APPROVER, LEADER, VERIFIER = "clerk_city", "sup_city", "leader1", "sup_city"


def doc(cw: Casework, user: str, case_no: str, kind: str, at: str | None) -> None:
    cw.acting(user).add_document(case_no, kind, at=at)


def register(
    cw: Casework,
    at: str,
    office: str = "panzhou",
    user: str = PROPOSER,
    link: str | None = None,
    parties: tuple[str, ...] = (),
    **values: str,
) -> str:
    """A major dispute entered on the ledger (identified), from ``link`` when given; its number."""
    done = cw.acting(user).register(
        "major_dispute", office, "征地补偿纠纷", list(parties), values, at=at, link=link
    )
    return done["case_no"]


def propose(
    cw: Casework,
    case_no: str,
    at: str | None = None,
    leader: str = LEADER,
    due_days: int | None = None,
    user: str = PROPOSER,
) -> None:
    """The 包案情况表 on file, then 报批包案 for ``leader`` (the default term when none)."""
    doc(cw, user, case_no, "assignment_form", at)
    values = {"leader": leader, "unit": "责任单位"}
    if due_days is not None:
        values["due_days"] = str(due_days)
    cw.acting(user).advance(case_no, "propose", values, at=at)


def assign(cw: Casework, case_no: str, at: str | None = None, user: str = APPROVER) -> None:
    """The 包案审批表 on file, then 审批包案 by an approver."""
    doc(cw, user, case_no, "approval", at)
    cw.acting(user).advance(case_no, "assign", at=at)


def plan(cw: Casework, case_no: str, at: str | None = None, user: str = LEADER) -> None:
    doc(cw, user, case_no, "plan", at)
    cw.acting(user).advance(case_no, "plan", {"plan": "化解方案"}, at=at)


def resolve(
    cw: Casework,
    case_no: str,
    at: str | None = None,
    outcome: str = "solved",
    user: str = LEADER,
) -> None:
    cw.acting(user).advance(case_no, "resolve", {"outcome": outcome}, at=at)


def verify(cw: Casework, case_no: str, at: str | None = None, user: str = VERIFIER) -> None:
    """The acceptance material on file after the resolution, then 验收销号."""
    doc(cw, user, case_no, "acceptance", at)
    cw.acting(user).advance(case_no, "verify", at=at)


def assigned(
    cw: Casework,
    case_no: str,
    proposed_at: str | None = None,
    assigned_at: str | None = None,
    due_days: int | None = None,
) -> None:
    """Proposed and approved: in the named leader's charge, the term running."""
    propose(cw, case_no, proposed_at, due_days=due_days)
    assign(cw, case_no, assigned_at or proposed_at)


def resolved(
    cw: Casework,
    case_no: str,
    assigned_at: str | None = None,
    planned_at: str | None = None,
    resolved_at: str | None = None,
) -> None:
    """Assigned, planned and resolved (outcome solved)."""
    assigned(cw, case_no, assigned_at)
    plan(cw, case_no, planned_at or assigned_at)
    resolve(cw, case_no, resolved_at or planned_at or assigned_at)


def extend(
    cw: Casework, case_no: str, at: str, days: int = 30, user: str = APPROVER
) -> dict[str, object]:
    """延期 by an approver, before the term lapses."""
    values = {"days": str(days), "reason": "涉及多部门协调"}
    return dict(cw.acting(user).advance(case_no, "extend", values, at=at))


def reopen(
    cw: Casework, case_no: str, at: str, due_days: int | None = None, user: str = VERIFIER
) -> None:
    """反弹重启 with a new term from the reopening (the default of the day when none)."""
    values = {"reason": "当事人再次上访"}
    if due_days is not None:
        values["due_days"] = str(due_days)
    cw.acting(user).advance(case_no, "reopen", values, at=at)
