"""Petitions (信访事项): 信访工作条例 (2022) articles 17-40."""

from __future__ import annotations

from workflows.guards import at_most, within
from workflows.spec import (
    ANY_OPEN,
    Computed,
    FieldSpec,
    FirstEvent,
    LedgerStep,
    LinkedCase,
    LinkRule,
    MetricSpec,
    Registered,
    StateSpec,
    TimeLimit,
    TriggerSpec,
    Workflow,
)

OUTCOMES = {"support": "支持", "explain": "解释说明", "not_support": "不予支持"}

ROUTES = {
    "litigation": "诉讼",
    "arbitration": "仲裁",
    "reconsideration": "行政复议",
    "party_appeal": "党员申诉",
    "administrative": "行政程序",
}

CHANNELS = {"letter": "来信", "visit": "来访", "phone": "来电", "fax": "传真", "online": "网上"}

CATEGORIES = {
    "suggestion": "建议意见类",
    "accusation": "检举控告类",
    "complaint": "申诉求决类",
}

outcome = FieldSpec("outcome", "处理意见", "choice", choices=OUTCOMES)

# 信访工作条例 art. 24: decide within 15 days whether to accept; art. 32: reply within 60 days of
# acceptance, extendable once by at most 30; art. 35: review and re-review within 30 days.
DECIDE = TimeLimit("decide_limit", "受理期限", start="register", days=15)
REPLY = TimeLimit("reply_limit", "办理期限", start="accept", days=60, extended_by=("extend",))
REVIEW_WINDOW = TimeLimit("review_window", "申请复查期限", start="reply", days=30, binds="party")
REVIEW = TimeLimit("review_limit", "复查期限", start="request_review", days=30)
REREVIEW_WINDOW = TimeLimit(
    "rereview_window", "申请复核期限", start="review", days=30, binds="party"
)
# Hearing days (听证) do not count towards the re-review limit; casework does not yet record
# hearings, so the limit runs on calendar days.
REREVIEW = TimeLimit("rereview_limit", "复核期限", start="request_rereview", days=30)

# A petition ledger (信访台账): one row per matter, a date column per step taken. Steps are fired
# by the user named in 承办人 when their role allows it, else by the importing user.
LEDGER = (
    LedgerStep("accept", "受理日期", actor="承办人"),
    LedgerStep("refuse", "不予受理日期", {"reason": "不予受理理由"}, actor="承办人"),
    LedgerStep("forward", "转送日期", {"to_organ": "转送机关"}, actor="承办人"),
    LedgerStep("extend", "延期日期", {"days": "延长天数", "reason": "延期理由"}, actor="承办人"),
    LedgerStep("reply", "答复日期", {"outcome": "处理意见"}, actor="承办人"),
    LedgerStep("close", "办结日期", actor="承办人"),
)


def _not_concluded(other: LinkedCase) -> str | None:
    """信访工作条例 art. 35: a matter concluded on re-review (终结) is not accepted again on the
    same facts and reasons; local practice refuses it rather than merging it silently."""
    if other.kind == "petition" and other.state == "concluded":
        return (
            f"同一事项已在案件 {other.case_no} 中终结（已终结 concluded），不再受理"
            "（信访工作条例第三十五条）"
        )
    return None


LINK_RULES = (LinkRule("not_concluded", "已终结事项不再受理", _not_concluded),)

# The figures of the metric catalogue (statistics.md): each case once, on the local date of its
# first event named; on-time replies are judged against the limit running at the reply.
METRICS = (
    MetricSpec("petition.registered", "信访登记件数", Registered(), order=10),
    MetricSpec("petition.accepted", "受理件数", FirstEvent(triggers=("accept",)), order=20),
    MetricSpec("petition.replied", "答复件数", FirstEvent(triggers=("reply",)), order=30),
    MetricSpec("petition.replied_on_time", "按期答复件数", Computed("replied_on_time"), order=40),
    MetricSpec(
        "petition.closed", "办结件数", FirstEvent(to_states=("closed", "concluded")), order=50
    ),
)

WORKFLOW = Workflow(
    name="petition",
    label="信访事项",
    prefix="XF",
    metrics=METRICS,
    description="A petition by letter, visit, phone, fax or online, handled under 信访工作条例.",
    states=(
        StateSpec("registered", "已登记", limit=DECIDE),
        StateSpec("handling", "办理中", limit=REPLY),
        StateSpec("replied", "已答复", limit=REVIEW_WINDOW),
        StateSpec("reviewing", "复查中", limit=REVIEW),
        StateSpec("reviewed", "已复查", limit=REREVIEW_WINDOW),
        StateSpec("rereviewing", "复核中", limit=REREVIEW),
        StateSpec("closed", "已办结", terminal=True),
        StateSpec("concluded", "已终结", terminal=True),
        StateSpec("not_accepted", "不予受理", terminal=True),
        StateSpec("forwarded", "已转送", terminal=True),
        StateSpec("diverted", "已导入法定途径", terminal=True),
    ),
    initial="registered",
    ledger=LEDGER,
    link_rules=LINK_RULES,
    register_roles=("clerk", "supervisor"),
    register_fields=(
        FieldSpec("channel", "信访形式", "choice", choices=CHANNELS, required=False),
        FieldSpec("category", "信访类别", "choice", choices=CATEGORIES, required=False),
    ),
    party_roles=("petitioner", "representative", "respondent"),
    documents={
        "letter": "信访件",
        "visit_record": "来访登记表",
        "acceptance_notice": "受理告知书",
        "reply": "处理意见书",
        "review_opinion": "复查意见书",
        "rereview_opinion": "复核意见书",
        "id_copy": "身份证明",
        "evidence": "证据材料",
    },
    triggers=(
        TriggerSpec("accept", "受理", ("registered",), "handling", ("supervisor",)),
        TriggerSpec(
            "refuse",
            "不予受理",
            ("registered",),
            "not_accepted",
            ("supervisor",),
            fields=(FieldSpec("reason", "理由"),),
        ),
        TriggerSpec(
            "forward",
            "转送",
            ("registered",),
            "forwarded",
            ("clerk", "supervisor"),
            fields=(FieldSpec("to_organ", "转送机关"),),
        ),
        TriggerSpec(
            "divert",
            "导入法定途径",
            ("handling",),
            "diverted",
            ("supervisor",),
            fields=(FieldSpec("route", "法定途径", "choice", choices=ROUTES),),
        ),
        TriggerSpec(
            "extend",
            "延期",
            ("handling",),
            None,
            ("supervisor",),
            fields=(
                FieldSpec("days", "延长天数", "int", minimum=1, maximum=30, on_case=False),
                FieldSpec("reason", "延期理由", on_case=False),
            ),
            guards=(at_most("extend_once", "只可延期一次", "extend", 1),),
        ),
        TriggerSpec(
            "reply", "出具处理意见", ("handling",), "replied", ("supervisor",), fields=(outcome,)
        ),
        TriggerSpec(
            "request_review",
            "申请复查",
            ("replied",),
            "reviewing",
            ("clerk", "supervisor"),
            guards=(within("review_window", "答复后30日内申请复查", REVIEW_WINDOW, "申请复查"),),
        ),
        TriggerSpec(
            "review", "复查", ("reviewing",), "reviewed", ("supervisor",), fields=(outcome,)
        ),
        TriggerSpec(
            "request_rereview",
            "申请复核",
            ("reviewed",),
            "rereviewing",
            ("clerk", "supervisor"),
            guards=(
                within("rereview_window", "复查后30日内申请复核", REREVIEW_WINDOW, "申请复核"),
            ),
        ),
        TriggerSpec(
            "rereview", "复核", ("rereviewing",), "concluded", ("supervisor",), fields=(outcome,)
        ),
        TriggerSpec("close", "办结", ("replied", "reviewed"), "closed", ("clerk", "supervisor")),
        TriggerSpec(
            "supervise",
            "督办",
            (ANY_OPEN,),
            None,
            ("supervisor",),
            fields=(FieldSpec("note", "督办意见", on_case=False),),
            city_only=True,
        ),
    ),
)
