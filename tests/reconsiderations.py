"""Reconsideration cases for tests: reviewers at city-justice and a registration helper."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from casework.api import Casework

# username, name (reviewers 复议人员 of the city's reconsideration body, city-justice), each
# holding the legal qualification a reviewer new to the work needs under the 2023 law (art. 6)
REVIEWERS = (("rev1", "复议人员一"), ("rev2", "复议人员二"), ("rev3", "复议人员三"))
QUALIFIED = {"legal_qualification": "yes"}
PARTIES = ("applicant:张三", "respondent:高州市某局")


def add_reviewers(cw: Casework) -> None:
    admin = cw.acting("admin")
    for username, name in REVIEWERS:
        admin.add_user(username, name, "reviewer", "city-justice", QUALIFIED)


def application(received_on: str, **extra: str) -> dict[str, str]:
    """The registration values of an application received on a day."""
    values = {
        "received_on": received_on,
        "respondent_organ": "高州市某局",
        "act": "罚款决定",
        "act_kind": "penalty",
        "learned_on": received_on,
    }
    values.update(extra)
    return values


def register(
    cw: Casework, received_on: str, at: str | None = None, **extra: str
) -> Mapping[str, Any]:
    """An application registered by the justice bureau's clerk (on its day of receipt)."""
    clerk = cw.acting("clerk_justice")
    return clerk.register(
        "reconsideration",
        "city-justice",
        "不服罚款决定",
        parties=list(PARTIES),
        data=application(received_on, **extra),
        at=at or received_on,
    )


def limits(cw: Casework, case_no: str, as_of: str) -> dict[str, str | None]:
    """The last day of each limit running for the case on a day, by name."""
    return {d["limit"]: d["date"] for d in cw.show(case_no, as_of=as_of)["limits"]}
