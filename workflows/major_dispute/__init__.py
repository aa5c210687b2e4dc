"""Leader-assigned major disputes (领导包案), as major_dispute.md runs them.

One issue, one leader, one team, one plan, one deadline. A city office proposes a dispute for a
named leader's charge with its term (包案情况表); an approver, never the proposer, approves it
(包案审批表); only that leader plans and resolves it; a city supervisor strikes it off the ledger
(验收销号) on acceptance material filed after the resolution. Leaders take charge of serious,
widely felt problems under 信访工作条例第十八条第二款; the rest is local practice, so every
number is a dated setting.
"""

from __future__ import annotations

from workflows.guards import at_most, before_lapse
from workflows.major_dispute.metrics import METRICS
from workflows.major_dispute.rules import (
    ACCEPTANCE,
    APPROVER,
    DUE_DAYS_WITHIN,
    EXTENSION_WITHIN,
    NEW_LEADER,
    NOT_PROPOSER,
    PROPOSED_FIRST,
    RESOLVE,
    SOURCE_KIND,
    UNDERTAKING,
    assigned_leader,
    derive_approval,
    derive_proposal,
    derive_reopening,
)
from workflows.major_dispute.terms import (
    DOCUMENTS,
    EXTENSIONS_MAX,
    OUTCOMES,
    SETTINGS,
    TERM_CAP,
    VERSIONS,
)
from workflows.spec import FieldSpec, StateSpec, TriggerSpec, Workflow

CITY = ("supervisor",)  # a supervisor at a city office (an admin stands in: no person named)
CITY_DESK = ("clerk", "supervisor")
# An approver is a supervisor of an office major_dispute.approvers lists (guard ``approver``);
# an admin passes the role check but not the guard.
APPROVERS = ("supervisor",)
LEADER = ("leader",)

leader = FieldSpec("leader", "包案领导", "user", role="leader")
reason = FieldSpec("reason", "理由", on_case=False)
# The term in days; left out, the default of the day (major_dispute.due_days_default, or
# major_dispute.reopen_days_default at a reopening) is recorded.
due_days = FieldSpec("due_days", "化解期限(日)", "int", minimum=1, maximum=TERM_CAP, required=False)

STATES = (
    StateSpec("identified", "已梳理"),
    StateSpec("proposed", "已报批"),
    StateSpec("assigned", "已包案", limit=RESOLVE),
    StateSpec("resolving", "化解中", limit=RESOLVE),
    StateSpec("resolved", "已化解"),
    StateSpec("closed", "已销号", terminal=True),
)

TRIGGERS = (
    TriggerSpec(
        "propose",
        "报批包案",
        ("identified",),
        "proposed",
        CITY_DESK,
        fields=(leader, FieldSpec("unit", "责任单位"), due_days),
        guards=(DUE_DAYS_WITHIN,),
        needs=(("assignment_form",),),
        city_only=True,
        derive=derive_proposal,
    ),
    TriggerSpec(
        "assign",
        "审批包案",
        ("proposed",),
        "assigned",
        APPROVERS,
        guards=(PROPOSED_FIRST, APPROVER, NOT_PROPOSER),
        needs=(("approval",),),
        derive=derive_approval,
    ),
    TriggerSpec(
        "send_back",
        "退回",
        ("proposed",),
        "identified",
        APPROVERS,
        fields=(FieldSpec("reason", "退回理由", on_case=False),),
        guards=(APPROVER,),
    ),
    TriggerSpec(
        "plan",
        "制定化解方案",
        ("assigned",),
        "resolving",
        LEADER,
        fields=(FieldSpec("plan", "化解方案"),),
        guards=(assigned_leader("制定化解方案"),),
        needs=(("plan",),),
    ),
    TriggerSpec(
        "resolve",
        "化解",
        ("resolving",),
        "resolved",
        LEADER,
        fields=(FieldSpec("outcome", "化解结果", "choice", choices=OUTCOMES),),
        guards=(assigned_leader("化解"),),
    ),
    TriggerSpec(
        "verify",
        "验收销号",
        ("resolved",),
        "closed",
        CITY,
        guards=(ACCEPTANCE, UNDERTAKING),
        files=("acceptance", "undertaking"),
        city_only=True,
    ),
    TriggerSpec(
        "reopen",
        "反弹重启",
        ("resolved", "closed"),
        "resolving",
        CITY,
        fields=(FieldSpec("reason", "重启原因", on_case=False), due_days),
        guards=(DUE_DAYS_WITHIN,),
        city_only=True,
        derive=derive_reopening,
    ),
    TriggerSpec(
        "extend",
        "延期",
        ("assigned", "resolving"),
        None,
        APPROVERS,
        fields=(
            FieldSpec("days", "延长天数", "int", minimum=1, maximum=TERM_CAP, on_case=False),
            FieldSpec("reason", "延期理由", on_case=False),
        ),
        guards=(
            APPROVER,
            EXTENSION_WITHIN,
            at_most("extensions_max", "延期次数不超过上限", "extend", EXTENSIONS_MAX),
            before_lapse("before_lapse", "期限届满前延期", RESOLVE, "延期"),
        ),
    ),
    TriggerSpec(
        "reassign",
        "调整包案领导",
        ("assigned", "resolving"),
        None,
        APPROVERS,
        fields=(leader, FieldSpec("reason", "调整理由", on_case=False)),
        guards=(APPROVER, NEW_LEADER),
    ),
)

WORKFLOW = Workflow(
    name="major_dispute",
    label="领导包案",
    prefix="BA",
    metrics=METRICS,
    description=(
        "A serious dispute or prominent petition problem put in a named city leader's charge, "
        "proposed and approved by two people, resolved and verified against a dated term."
    ),
    states=STATES,
    initial="identified",
    register_roles=("clerk", "supervisor"),
    # The source: a linked petition or mediation case (the link, kept as origin_case) or the
    # screening (矛盾纠纷排查) that found it, by the number ``screening list`` shows.
    register_fields=(
        FieldSpec("screening", "来源排查", "lookup", required=False, source="screening"),
    ),
    link_rules=(SOURCE_KIND,),
    documents=DOCUMENTS,
    triggers=TRIGGERS,
    versions=VERSIONS,
    settings=SETTINGS,
)

__all__ = ["RESOLVE", "WORKFLOW"]
