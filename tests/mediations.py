"""People's mediation cases taken through their procedure (procedures/mediation.md), for tests.

A case is accepted only with two opposed sides (guard ``two_sides``) by a mediator of its
committee, and archived only on a complete file (application, rights notice, record, follow-up
and the outcome's papers). These helpers take those steps through the API so that tests about
something else get a mediation case where they need it in one line; tests about the procedure
itself (tests/api/test_mediation_law.py) take the steps one by one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from casework.api import Casework

# The town's users of tests/helpers.py STAFF (med_pz and med2_pz sit on panzhou-tj).
CLERK, SUP, MED, MED2 = "clerk_pz", "sup_pz", "med_pz", "med2_pz"
# Two opposed sides, as a mediation needs (人民调解法 art. 2).
SIDES: tuple[str, ...] = ("applicant:甲某", "respondent:乙某")
WRITTEN: Mapping[str, str] = {"form": "written", "amount": "0"}


def doc(cw: Casework, user: str, case_no: str, kind: str, at: str | None) -> None:
    cw.acting(user).add_document(case_no, kind, at=at)


def register(
    cw: Casework,
    at: str | None = None,
    title: str = "邻里纠纷",
    parties: Sequence[str] = SIDES,
    values: Mapping[str, str] | None = None,
    office: str = "panzhou",
    link: str | None = None,
    user: str = CLERK,
) -> str:
    """A case registered with two sides and its application on file."""
    found = cw.acting(user).register(
        "mediation", office, title, list(parties), dict(values or {}), at=at, link=link
    )
    case_no = str(found["case_no"])
    doc(cw, user, case_no, "application", at)
    return case_no


def accept(
    cw: Casework,
    case_no: str,
    at: str | None = None,
    mediator: str = MED,
    values: Mapping[str, str] | None = None,
    clerk: str = CLERK,
) -> None:
    """The rights notice on file, then 受理 by the mediator, who leads the case."""
    doc(cw, clerk, case_no, "rights_notice", at)
    given = {"mediator": mediator, "rights_told": "written", **(values or {})}
    cw.acting(mediator).advance(case_no, "accept", given, at=at)


def agree(
    cw: Casework,
    case_no: str,
    at: str | None = None,
    values: Mapping[str, str] | None = None,
    mediator: str = MED,
    clerk: str = CLERK,
) -> None:
    """The record and the agreement on file, then 达成协议 (written, 0 yuan unless given)."""
    doc(cw, clerk, case_no, "record", at)
    doc(cw, clerk, case_no, "agreement", at)
    cw.acting(mediator).advance(case_no, "agree", {**WRITTEN, **(values or {})}, at=at)


def fail(
    cw: Casework, case_no: str, at: str | None = None, mediator: str = MED, clerk: str = CLERK
) -> None:
    """The record and the termination notice on file, then 调解不成 (routes told)."""
    doc(cw, clerk, case_no, "record", at)
    doc(cw, clerk, case_no, "termination", at)
    cw.acting(mediator).advance(case_no, "fail", {"routes_told": "yes"}, at=at)


def follow_up(cw: Casework, case_no: str, at: str | None = None, clerk: str = CLERK) -> None:
    """The follow-up record on file, then 回访."""
    doc(cw, clerk, case_no, "follow_up", at)
    cw.acting(clerk).advance(case_no, "follow_up", {"satisfaction": "satisfied"}, at=at)


def accepted(cw: Casework, at: str | None = None, **register_kw: object) -> str:
    """A case registered and accepted on the same day."""
    case_no = register(cw, at, **register_kw)  # type: ignore[arg-type]
    accept(cw, case_no, at)
    return case_no


def performed(cw: Casework, accept_at: str, agree_at: str, perform_at: str) -> str:
    """A case accepted, agreed in writing and performed."""
    case_no = accepted(cw, accept_at)
    agree(cw, case_no, agree_at, {"performance": "lump_sum", "perform_by": perform_at[:10]})
    cw.acting(CLERK).advance(case_no, "perform", at=perform_at)
    return case_no


def archived(cw: Casework, accept_at: str, agree_at: str, done_at: str) -> str:
    """A case accepted, agreed, performed, followed up and archived, its file complete."""
    case_no = performed(cw, accept_at, agree_at, done_at)
    follow_up(cw, case_no, done_at)
    cw.acting(SUP).advance(case_no, "archive", at=done_at)
    return case_no
