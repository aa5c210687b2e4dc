"""Leader-assigned major disputes (领导包案).

One issue, one leader, one team, one plan, one deadline.
"""

from __future__ import annotations

from workflows.spec import (
    FieldSpec,
    FirstEvent,
    MetricSpec,
    Rate,
    Registered,
    StateSpec,
    TimeLimit,
    TriggerSpec,
    Workflow,
)

CITY_DECIDERS = ("supervisor",)  # admin acts wherever a supervisor may

# Resolve by the deadline set at assignment (default 90 days), extendable with approval; a
# reopened case runs against the same deadline.
RESOLVE = TimeLimit(
    "resolve_limit",
    "化解期限",
    start="assign",
    days=90,
    days_field="due_days",
    extended_by=("extend",),
)

# The figures of the metric catalogue (statistics.md).
METRICS = (
    MetricSpec("major_dispute.identified", "梳理重大矛盾纠纷件数", Registered(), order=110),
    MetricSpec("major_dispute.resolved", "化解件数", FirstEvent(triggers=("resolve",)), order=120),
    MetricSpec(
        "major_dispute.resolution_rate",
        "化解率",
        Rate("major_dispute.resolved", "major_dispute.identified"),
        order=130,
    ),
)

WORKFLOW = Workflow(
    name="major_dispute",
    label="领导包案",
    prefix="BA",
    metrics=METRICS,
    description="A serious dispute or prominent petition problem put in a city leader's charge.",
    states=(
        StateSpec("identified", "已梳理"),
        StateSpec("assigned", "已包案", limit=RESOLVE),
        StateSpec("resolving", "化解中", limit=RESOLVE),
        StateSpec("resolved", "已化解"),
        StateSpec("closed", "已销号", terminal=True),
    ),
    initial="identified",
    register_roles=("clerk", "supervisor"),
    register_fields=(FieldSpec("screening", "来源排查", "int", minimum=1, required=False),),
    documents={
        "ledger": "台账登记表",
        "plan": "化解方案",
        "minutes": "会议纪要",
        "evidence": "证据材料",
        "acceptance": "验收材料",
    },
    triggers=(
        TriggerSpec(
            "assign",
            "包案",
            ("identified",),
            "assigned",
            CITY_DECIDERS,
            fields=(
                FieldSpec("leader", "包案领导", "user", role="leader"),
                FieldSpec("unit", "责任单位"),
                FieldSpec(
                    "due_days",
                    "化解期限(日)",
                    "int",
                    minimum=1,
                    maximum=366,
                    required=False,
                    default=90,
                ),
            ),
            city_only=True,
        ),
        TriggerSpec(
            "plan",
            "制定化解方案",
            ("assigned",),
            "resolving",
            ("leader",),
            fields=(FieldSpec("plan", "化解方案"),),
        ),
        TriggerSpec(
            "resolve",
            "化解",
            ("resolving",),
            "resolved",
            ("leader",),
            fields=(FieldSpec("outcome", "化解结果"),),
        ),
        TriggerSpec("verify", "验收销号", ("resolved",), "closed", CITY_DECIDERS, city_only=True),
        TriggerSpec(
            "reopen",
            "反弹重启",
            ("resolved", "closed"),
            "resolving",
            CITY_DECIDERS,
            fields=(FieldSpec("reason", "重启原因", on_case=False),),
            city_only=True,
        ),
        TriggerSpec(
            "extend",
            "延期",
            ("assigned", "resolving"),
            None,
            CITY_DECIDERS,
            fields=(
                FieldSpec("days", "延长天数", "int", minimum=1, maximum=366, on_case=False),
                FieldSpec("reason", "延期理由", on_case=False),
            ),
            city_only=True,
        ),
    ),
)
