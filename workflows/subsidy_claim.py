"""以案定补 claims: a mediator's allowance per successfully mediated case (人民调解法 art. 16).

Claims are drafted per quarter by `casework subsidy draft`, checked by the town judicial office,
approved with a tier by the city justice bureau, and paid in a named batch.
"""

from __future__ import annotations

from workflows.spec import Computed, FieldSpec, MetricSpec, StateSpec, TriggerSpec, Workflow

# The city justice bureau's office code in the shipped office list.
JUSTICE_BUREAU = "city-justice"

# The figures of the metric catalogue (statistics.md): claims approved for a quarter inside the
# period; a mediation case counts once however many claims it had (one dispute, one subsidy).
METRICS = (
    MetricSpec(
        "subsidy.cases",
        "纳入以案定补件数",
        Computed("approved_claims"),
        order=90,
        distinct_by="mediation_case",
    ),
    MetricSpec(
        "subsidy.amount", "以案定补金额（元）", Computed("approved_claims"), kind="sum", order=100
    ),
)

WORKFLOW = Workflow(
    name="subsidy_claim",
    label="以案定补申报",
    prefix="BZ",
    metrics=METRICS,
    description="A per-case subsidy claim for a mediated case, with a two-level check.",
    registered_by="以案定补起草 subsidy draft",
    # The town check, the city approval and the payment are taken for a quarter's claims at once.
    bulk_triggers=("check", "approve", "pay"),
    states=(
        StateSpec("drafted", "待初审"),
        StateSpec("town_checked", "已初审"),
        StateSpec("approved", "已核定"),
        StateSpec("rejected", "未通过", terminal=True),
        StateSpec("paid", "已发放", terminal=True),
    ),
    initial="drafted",
    register_roles=("clerk", "supervisor"),
    register_fields=(
        FieldSpec("mediation_case", "调解案件"),
        FieldSpec("quarter", "申报季度"),
        FieldSpec("mediator", "调解员", required=False),
    ),
    party_roles=(),
    triggers=(
        TriggerSpec(
            "check",
            "司法所初审",
            ("drafted",),
            "town_checked",
            ("supervisor",),
            own_office_only=True,
        ),
        TriggerSpec(
            "approve",
            "司法局核定",
            ("town_checked",),
            "approved",
            ("supervisor",),
            fields=(FieldSpec("tier", "补贴档次", "lookup", source="subsidy_tier"),),
            offices=(JUSTICE_BUREAU,),
        ),
        TriggerSpec(
            "reject",
            "退回",
            ("drafted", "town_checked"),
            "rejected",
            ("supervisor",),
            fields=(FieldSpec("reason", "退回理由"),),
        ),
        TriggerSpec(
            "pay",
            "发放",
            ("approved",),
            "paid",
            ("admin",),
            fields=(FieldSpec("batch", "发放批次"),),
        ),
    ),
)
