"""People's mediation (人民调解): 人民调解法 (2010) articles 17-33."""

from __future__ import annotations

from workflows.guards import within
from workflows.mediation.metrics import METRICS
from workflows.spec import (
    FieldSpec,
    Guard,
    GuardContext,
    LedgerStep,
    StateSpec,
    TimeLimit,
    TriggerSpec,
    Workflow,
)

SOURCES = {
    "application": "当事人申请",
    "initiative": "主动调解",
    "police_referral": "公安移送",
    "court_referral": "法院委派",
    "petition_referral": "信访移交",
    "screening": "排查发现",
}

DISPUTE_TYPES = {
    "marriage_family": "婚姻家庭",
    "neighbour": "邻里",
    "land": "土地山林",
    "labour": "劳动",
    "contract": "合同",
    "damage": "损害赔偿",
    "traffic": "交通事故",
    "medical": "医疗",
    "other": "其他",
}

DECLINE_REASONS = {
    "party_refused": "当事人拒绝调解",
    "out_of_scope": "不属于受理范围",
    "in_litigation": "已进入诉讼等程序",
    "other": "其他",
}

# Local practice: conclude within 30 days of acceptance (a warning, not a violation).
CONCLUDE = TimeLimit("conclude_limit", "调解期限", start="accept", days=30, binds="advice")
# 法释〔2011〕5号 art. 2: apply jointly for judicial confirmation within 30 days of the agreement.
CONFIRM_WINDOW = TimeLimit(
    "confirmation_window", "申请司法确认期限", start="agree", days=30, binds="party"
)

SATISFACTION = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}


def missing_documents(ctx: GuardContext) -> list[str]:
    """The document kinds a complete case file (卷宗) still lacks."""
    needed = ["application", "record", "follow_up"]
    done = {ev.trigger for ev in ctx.events}
    if "agree" in done:
        needed.append("agreement")
    if "fail" in done:
        needed.append("termination")
    have = set(ctx.documents)
    return [kind for kind in needed if kind not in have]


def _followed_up(ctx: GuardContext) -> str | None:
    if any(ev.trigger == "follow_up" for ev in ctx.events):
        return None
    return "尚未回访 (no follow_up is recorded)"


def _file_complete(ctx: GuardContext) -> str | None:
    missing = missing_documents(ctx)
    if missing:
        return "卷宗不全，缺少 (missing)：" + ", ".join(missing)
    return None


RESULT = "调解结果"
PERFORMANCE = "履行情况"
# A mediation ledger (人民调解台账): 结案日期 is the day of the outcome in 调解结果; steps are
# fired by the mediator named in 调解员 where the role allows, else by the importing user.
LEDGER = (
    LedgerStep("accept", "受理日期", {"mediator": "调解员"}, actor="调解员"),
    LedgerStep(
        "decline",
        "结案日期",
        {"reason": "不予受理理由"},
        when=(RESULT, ("decline", "不予受理")),
        actor="调解员",
    ),
    LedgerStep(
        "agree",
        "结案日期",
        {"form": "协议形式"},
        when=(RESULT, ("agree", "成功", "调解成功", "达成协议")),
        actor="调解员",
    ),
    # A ledger records 调解不成 only once the parties were told of their other routes (art. 29).
    LedgerStep(
        "fail",
        "结案日期",
        fixed={"routes_told": "yes"},
        when=(RESULT, ("fail", "不成功", "调解不成", "失败")),
        actor="调解员",
    ),
    LedgerStep("confirm", "司法确认日期", {"court_case_no": "司法确认案号"}),
    LedgerStep("perform", "履行日期", when=(PERFORMANCE, ("perform", "已履行")), actor="调解员"),
    LedgerStep("breach", "履行日期", when=(PERFORMANCE, ("breach", "未履行")), actor="调解员"),
    LedgerStep("follow_up", "回访日期", {"satisfaction": "满意度"}, actor="调解员"),
    LedgerStep("archive", "归档日期"),
)

WORKFLOW = Workflow(
    name="mediation",
    label="人民调解",
    prefix="TJ",
    metrics=METRICS,
    description="A people's mediation case under 人民调解法, from application to archive.",
    states=(
        StateSpec("applied", "已申请"),
        StateSpec("mediating", "调解中", limit=CONCLUDE),
        StateSpec("agreed", "已达成协议", limit=CONFIRM_WINDOW),
        StateSpec("performed", "已履行", limit=CONFIRM_WINDOW),
        StateSpec("breached", "未履行"),
        StateSpec("failed", "调解不成"),
        StateSpec("declined", "不予受理", terminal=True),
        StateSpec("archived", "已归档", terminal=True),
    ),
    initial="applied",
    ledger=LEDGER,
    register_roles=("clerk", "mediator", "supervisor"),
    register_fields=(
        FieldSpec("source", "案件来源", "choice", choices=SOURCES, required=False),
        FieldSpec("dispute_type", "纠纷类型", "choice", choices=DISPUTE_TYPES, required=False),
        FieldSpec("amount", "涉及金额(元)", "int", minimum=0, maximum=10**11, required=False),
        FieldSpec("people", "涉及人数", "int", minimum=1, maximum=100000, required=False),
    ),
    party_roles=("applicant", "respondent", "representative"),
    documents={
        "application": "申请书或受理登记表",
        "record": "调解笔录",
        "agreement": "调解协议书",
        "termination": "终止调解告知书",
        "follow_up": "回访记录",
        "id_copy": "身份证明",
        "evidence": "证据材料",
        "confirmation": "司法确认裁定书",
    },
    case_file=missing_documents,
    triggers=(
        TriggerSpec(
            "accept",
            "受理",
            ("applied",),
            "mediating",
            ("mediator", "supervisor"),
            fields=(FieldSpec("mediator", "调解员", "user", role="mediator"),),
        ),
        TriggerSpec(
            "decline",
            "不予受理",
            ("applied",),
            "declined",
            ("mediator", "supervisor"),
            fields=(FieldSpec("reason", "理由", "choice", choices=DECLINE_REASONS),),
        ),
        TriggerSpec(
            "agree",
            "达成协议",
            ("mediating",),
            "agreed",
            ("mediator",),
            fields=(
                FieldSpec(
                    "form", "协议形式", "choice", choices={"written": "书面", "oral": "口头"}
                ),
            ),
        ),
        TriggerSpec(
            "fail",
            "调解不成",
            ("mediating",),
            "failed",
            ("mediator",),
            fields=(
                FieldSpec("routes_told", "已告知其他救济途径", "choice", choices={"yes": "已告知"}),
            ),
        ),
        TriggerSpec("perform", "履行", ("agreed",), "performed", ("mediator", "clerk")),
        TriggerSpec("breach", "未履行", ("agreed",), "breached", ("mediator", "clerk")),
        TriggerSpec(
            "confirm",
            "司法确认",
            ("agreed", "performed"),
            None,
            ("clerk",),
            fields=(FieldSpec("court_case_no", "司法确认案号"),),
            guards=(
                within(
                    "confirmation_window",
                    "协议生效后30日内申请司法确认",
                    CONFIRM_WINDOW,
                    "申请司法确认",
                ),
            ),
        ),
        TriggerSpec(
            "follow_up",
            "回访",
            ("agreed", "performed", "breached", "failed"),
            None,
            ("mediator", "clerk"),
            fields=(FieldSpec("satisfaction", "满意度", "choice", choices=SATISFACTION),),
        ),
        TriggerSpec(
            "archive",
            "归档",
            ("performed", "breached", "failed"),
            "archived",
            ("supervisor",),
            guards=(
                Guard("followed_up", "已回访", _followed_up),
                Guard("case_file_complete", "卷宗齐全", _file_complete),
            ),
        ),
    ),
)
