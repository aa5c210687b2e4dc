"""以案定补 claims: a mediator's allowance per successfully mediated case (人民调解法 art. 16).

Claims are drafted per quarter by `casework subsidy draft`, checked by the town judicial office,
sent back for correction (and resubmitted) or rejected, spot-checked by the city justice bureau
and approved with a tier, then paid in a named batch (procedures/mediation.md section 3).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows.settings import SettingSpec
from workflows.spec import (
    Computed,
    FieldSpec,
    Guard,
    GuardContext,
    MetricSpec,
    Refusal,
    StateSpec,
    TimeLimit,
    TriggerSpec,
    Workflow,
)

# The city justice bureau's office code in the shipped office list.
JUSTICE_BUREAU = "city-justice"

REJECT_REASONS: Mapping[str, str] = {
    "ineligible": "不符合条件",
    "false_record": "虚假记录",
    "duplicate": "重复申报",
    "spot_check_failed": "回访不属实",
    "not_corrected": "逾期未补正",
    "other": "其他",
}
SPOT_METHODS: Mapping[str, str] = {"phone": "电话回访", "visit": "上门回访", "file": "查阅卷宗"}
SPOT_RESULTS: Mapping[str, str] = {"pass": "属实", "fail": "不属实"}

# [cfg] Local practice (mediation.md 3, "Open questions"): shipped example values.
RESUBMIT_DAYS = "subsidy.resubmit_days"
SAME_PARTIES_DAYS = "subsidy.same_parties_days"
COMMITTEE_TYPES = "subsidy.committee_types"
SPOT_CHECK_SHARE = "subsidy.spot_check_share"
TIER_RULES = "subsidy.tier_rules"
CAP = "subsidy.cap"

# The spec's example tier rules, tried in order; the first whose conditions hold (any of them;
# none listed: always) gives the proposed tier.
EXAMPLE_TIER_RULES: list[dict[str, Any]] = [
    {"tier": "major", "any": [{"amount_gte": 500000}, {"people_gte": 30}, {"prevention": True}]},
    {
        "tier": "complex",
        "any": [
            {"amount_gte": 50000},
            {"people_gte": 10},
            {"days_gt": 30},
            {"dispute_type_in": ["land", "land_requisition", "medical", "environment"]},
        ],
    },
    {"tier": "ordinary", "any": [{"amount_gte": 5000}, {"people_gte": 3}, {"days_gt": 7}]},
    {"tier": "simple", "any": []},
]

SETTINGS = (
    SettingSpec(
        RESUBMIT_DAYS,
        "退回补正后重新提交期限（工作日）",
        "int",
        10,
        minimum=1,
        maximum=60,
        note="mediation.md 3: resubmit in 10 working days (advice)",
    ),
    SettingSpec(
        SAME_PARTIES_DAYS,
        "同一当事人纠纷回溯天数",
        "int",
        365,
        minimum=0,
        maximum=3650,
        note="mediation.md 3: same_parties_not_subsidised",
    ),
    SettingSpec(
        COMMITTEE_TYPES,
        "纳入以案定补的调委会类型（none：全部）",
        "codes",
        None,
        none_allowed=True,
        note="mediation.md 3: committee_type_eligible; default all types",
    ),
    SettingSpec(
        SPOT_CHECK_SHARE,
        "回访抽查比例（%）",
        "int",
        10,
        minimum=0,
        maximum=100,
        note="mediation.md 3: example 10%, at least one per office",
    ),
    SettingSpec(
        TIER_RULES,
        "建议档次规则（JSON，subsidy tiers set）",
        "text",
        json.dumps(EXAMPLE_TIER_RULES, ensure_ascii=False),
        note="mediation.md 3: ordered tier rules (example)",
    ),
    SettingSpec(
        CAP,
        "补贴封顶（元/quarter 或 元/year；none：不封顶）",
        "text",
        None,
        none_allowed=True,
        note="mediation.md 3: optional cap (subsidy cap set)",
    ),
)

# The figures of the metric catalogue: claims approved for a quarter inside the period; a
# mediation case counts once however many claims it had (one dispute, one subsidy). The amount
# is what is payable after the cap, and no figure at all while a counted claim is priced from
# the example scale (mediation.md: a null subsidy.amount is left out of the report).
METRICS = (
    MetricSpec(
        "subsidy.cases",
        "纳入以案定补件数",
        Computed("approved_claims"),
        order=90,
        distinct_by="mediation_case",
    ),
    MetricSpec(
        "subsidy.amount",
        "以案定补金额（元）",
        Computed("claim_figures", "payable"),
        kind="sum",
        order=100,
        null_if="subsidy.example_priced",
    ),
    MetricSpec(
        "subsidy.example_priced",
        "按示例标准计价的申报",
        Computed("claim_figures", "example"),
        order=101,
        hidden=True,
    ),
    MetricSpec("subsidy.returned", "退回补正", Computed("claim_figures", "returned"), order=102),
    MetricSpec("subsidy.rejected", "未通过", Computed("claim_figures", "rejected"), order=103),
    MetricSpec(
        "subsidy.spot_checked", "回访抽查", Computed("claim_figures", "spot_checked"), order=104
    ),
    MetricSpec(
        "subsidy.spot_check_failed",
        "回访不属实",
        Computed("claim_figures", "spot_check_failed"),
        order=105,
    ),
)


def _checker(ctx: GuardContext) -> str | None:
    """Who took the claim's last town check (司法所初审)."""
    for ev in reversed(ctx.events):
        if ev.trigger == "check":
            return str(getattr(ev, "actor", "")) or None
    return None


def not_checker(ctx: GuardContext) -> str | None:
    """Two people see a claim: whoever approves or spot-checks it did not check it, admins
    included (mediation.md 3: "actor ≠ checker binds admins too")."""
    checker = _checker(ctx)
    if ctx.actor is not None and checker is not None and ctx.actor.username == checker:
        return f"拒绝：{checker} 已初审本申报，不能再由其核定或抽查 (not_checker)"
    return None


def spot_check_passed(ctx: GuardContext) -> str | None:
    """A claim drawn for a spot check since its last town check is approved only after a
    passed one."""
    sampled, result = False, None
    for ev in reversed(ctx.events):
        if ev.trigger == "check":
            break
        if ev.trigger == "spot_check" and result is None:
            result = str(ev.data.get("result"))
        if ev.trigger == "sample":
            sampled = True
    if sampled and result != "pass":
        why = "回访抽查不属实" if result == "fail" else "尚未回访抽查"
        return f"拒绝：本申报已被抽中回访，{why} (spot_check_passed)"
    return None


def tier_reason_given(ctx: GuardContext) -> str | None:
    """A tier other than the proposed one needs its reason (mediation.md 3)."""
    proposed = ctx.data.get("proposed_tier")
    tier = ctx.values.get("tier")
    if proposed and tier and tier != proposed and not ctx.values.get("tier_reason"):
        return Refusal(
            f"拒绝：核定档次 {tier} 不同于建议档次 {proposed}，需填写「改档理由 tier_reason」"
            " (tier_reason_given)",
            "value.tier_reason",
        )
    return None


def tier_given(ctx: GuardContext) -> str | None:
    """The tier defaults to the proposed one (``subsidy approve`` fills it in)."""
    if not ctx.values.get("tier"):
        proposed = ctx.data.get("proposed_tier") or "（无）"
        return Refusal(
            f"拒绝：请填写「补贴档次 tier」（建议 {proposed}），或用 subsidy approve (tier_given)",
            "value.tier",
        )
    return None


def send_back_by(ctx: GuardContext) -> str | None:
    """The town office sends back a claim it has not passed on; the justice bureau one the
    town passed (mediation.md 3)."""
    actor = ctx.actor
    if actor is None or actor.role == "admin" or actor.office == ctx.office:
        return None
    if actor.office == JUSTICE_BUREAU and ctx.state == "town_checked":
        return None
    return f"拒绝：{actor.username} 只能退回已初审的申报，或由 {ctx.office} 退回 (send_back_by)"


def reject_by(ctx: GuardContext) -> str | None:
    """The town office rejects only a claim not yet checked; the justice bureau any."""
    actor = ctx.actor
    if actor is None or actor.role == "admin" or actor.office == JUSTICE_BUREAU:
        return None
    if actor.office == ctx.office and ctx.state == "drafted":
        return None
    return f"拒绝：{actor.username} 只能对待初审的本单位申报作出不予补贴 (reject_by)"


NOT_CHECKER = Guard("not_checker", "核定人不是初审人", not_checker)

RESUBMIT = TimeLimit(
    "resubmit_limit",
    "重新提交期限",
    start="send_back",
    days=10,
    unit="working_days",
    binds="advice",
    days_setting=RESUBMIT_DAYS,
)

WORKFLOW = Workflow(
    name="subsidy_claim",
    label="以案定补申报",
    prefix="BZ",
    metrics=METRICS,
    settings=SETTINGS,
    description="A per-case subsidy claim for a mediated case, with a two-level check.",
    registered_by="以案定补起草 subsidy draft",
    # A claim of 2020Q3 is a 2020 claim, whenever it is drafted: BZ-2020-{office}-{seq}.
    number_year="quarter",
    # The town check, the city approval and the payment are taken for a quarter's claims at once.
    bulk_triggers=("check", "approve", "pay"),
    states=(
        StateSpec("drafted", "待初审"),
        StateSpec("returned", "已退回", limit=RESUBMIT),
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
        FieldSpec("proposed_tier", "建议档次", required=False),
        FieldSpec("tier_basis", "档次依据", required=False),
    ),
    party_roles=(),
    # A claim pays for a mediation case, which the mediation procedure takes from 2011-01-01.
    supported_from=date(2011, 1, 1),
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
            "send_back",
            "退回补正",
            ("drafted", "town_checked"),
            "returned",
            ("supervisor",),
            fields=(FieldSpec("reason", "退回理由"), FieldSpec("to_fix", "需补正内容")),
            guards=(Guard("send_back_by", "退回人", send_back_by),),
        ),
        TriggerSpec(
            "resubmit",
            "重新提交",
            ("returned",),
            "drafted",
            ("clerk", "supervisor"),
            fields=(FieldSpec("note", "补正说明", required=False, on_case=False),),
            own_office_only=True,
        ),
        TriggerSpec(
            "sample",
            "抽中回访",
            ("town_checked",),
            None,
            ("clerk", "supervisor"),
            fields=(
                FieldSpec("seed", "随机种子", "int", on_case=False),
                FieldSpec("share", "抽查比例", on_case=False),
            ),
            offices=(JUSTICE_BUREAU,),
        ),
        TriggerSpec(
            "spot_check",
            "回访抽查",
            ("town_checked",),
            None,
            ("clerk", "supervisor"),
            fields=(
                FieldSpec("method", "抽查方式", "choice", choices=SPOT_METHODS, on_case=False),
                FieldSpec("result", "抽查结果", "choice", choices=SPOT_RESULTS, on_case=False),
            ),
            guards=(NOT_CHECKER,),
            offices=(JUSTICE_BUREAU,),
        ),
        TriggerSpec(
            "approve",
            "司法局核定",
            ("town_checked",),
            "approved",
            ("supervisor", "admin"),
            fields=(
                FieldSpec(
                    "tier",
                    "补贴档次",
                    "lookup",
                    source="subsidy_tier",
                    required=False,
                    default_from="proposed_tier",
                ),
                FieldSpec("tier_reason", "改档理由", required=False),
            ),
            guards=(
                Guard("tier_given", "补贴档次", tier_given),
                NOT_CHECKER,
                Guard("spot_check_passed", "抽查属实", spot_check_passed),
                Guard("tier_reason_given", "改档理由", tier_reason_given),
            ),
            offices=(JUSTICE_BUREAU,),
        ),
        TriggerSpec(
            "reject",
            "不予补贴",
            ("drafted", "returned", "town_checked"),
            "rejected",
            ("supervisor",),
            fields=(
                FieldSpec("reason", "不予补贴理由", "choice", choices=REJECT_REASONS),
                FieldSpec("note", "说明", required=False, on_case=False),
            ),
            guards=(Guard("reject_by", "不予补贴人", reject_by),),
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
