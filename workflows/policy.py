"""Who may do what, whatever the procedure: the roles, the role an admin also acts in, who only
reads, who may see personal data unmasked and who keeps the screening ledger.

A procedure's own triggers name the roles that may fire them (workflows/spec.py); this module
holds the rules that hold across procedures, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from workflows.attributes import AttributeSpec

ROLES: Mapping[str, str] = {
    "clerk": "登记员",
    "mediator": "调解员",
    "supervisor": "负责人",
    "leader": "包案领导",
    "admin": "管理员",
    "viewer": "统计员",
    "operator": "话务员",
    "reviewer": "复议人员",
}

# Roles whose users see and act on the cases of these procedures only, whatever their office's
# level (procedure-scoped roles, hotline_reconsideration.md 9.11): a shift operator (话务员) at
# the city's 12345 centre needs its work orders, not the petitions' personal data a city-level
# clerk would see; a reconsideration's designated handlers (行政复议法 art. 36) sit in a
# city-level office, yet need no other procedure's cases.
ROLE_PROCEDURES: Mapping[str, frozenset[str]] = {
    "operator": frozenset({"hotline"}),
    "reviewer": frozenset({"reconsideration"}),
}

# The case value naming the office a case is assigned to now (a 12345 order's handling office,
# 承办单位, set by its dispatch): that office's users see the case while it is assigned to them,
# though another office owns it.
HANDLER_KEY = "handling_office"

# The attributes a user may carry (hotline_reconsideration.md 9.11), set by an admin and read by
# guards. 行政复议法 (2023) art. 6 para 2: who first takes up reconsideration work must hold the
# legal professional qualification (法律职业资格); whether a reviewer is new to it is told by the
# day they began it.
YES_NO: Mapping[str, str] = {"yes": "是", "no": "否"}
USER_ATTRIBUTES: Mapping[str, AttributeSpec] = {
    spec.name: spec
    for spec in (
        AttributeSpec("legal_qualification", "法律职业资格", "choice", YES_NO),
        AttributeSpec("reviewer_since", "从事复议工作起始日期", "date"),
    )
}

# An admin may do whatever a supervisor may, in every office (procedures.md, Roles).
COVERS: Mapping[str, frozenset[str]] = {"admin": frozenset({"supervisor"})}

# A viewer (统计员) reads cases and statistics only.
READ_ONLY_ROLES = frozenset({"viewer"})

# ID numbers and phones are shown unmasked only to these roles, and only when asked.
REVEAL_ROLES = frozenset({"supervisor", "admin"})

# Who records a dispute screening (矛盾纠纷排查) of an office.
SCREENING_ROLES = frozenset({"clerk", "supervisor", "mediator", "admin"})
# Who opens a special screening campaign (专项排查).
CAMPAIGN_ROLES = frozenset({"supervisor", "admin"})

# Who publishes a period's figures (公布数, issue 17 point 8): the statistician (统计员, who
# otherwise only reads), an office head and an admin, of a city-level office only, since the
# figures published are the whole city's.
PUBLISH_ROLES = frozenset({"viewer", "supervisor", "admin"})

# Who may act for others when importing a ledger: the steps its rows name are fired by the users
# they name (casework import).
DELEGATING_ROLES = frozenset({"supervisor"})


@cache
def covered_roles(role: str) -> frozenset[str]:
    """The roles a user of ``role`` acts in."""
    return frozenset({role}) | COVERS.get(role, frozenset())


def role_label(role: str) -> str:
    """``负责人 supervisor``: a role as shown beside its Chinese name."""
    return f"{ROLES.get(role, role)} {role}"
