"""12345 work orders (12345工单, hotline_reconsideration.md 7).

The centre (``city-hotline``) takes a call, answers it from its knowledge base or dispatches
it to a handling office (承办单位: a town, or a city department), which signs for it or returns
it, handles it and replies; the centre checks the reply, calls the caller back and closes the
order, or has it redone. Every limit counts working days and is dated configuration [L].
"""

from __future__ import annotations

from datetime import date

from workflows.hotline.clocks import AUDIT, DISPATCH, DUTIES, HANDLE, SIGN
from workflows.hotline.closing import BASIS_HOLDS, CENTRE_OR_LEADER, main_order
from workflows.hotline.ledger import HEADERS, LEDGER
from workflows.hotline.metrics import METRIC_SETTINGS, METRICS, REPORT
from workflows.hotline.rules import (
    AREA_IS_TOWN,
    AT_CENTRE,
    BEFORE_HANDLE_ENDS,
    CALLBACK_VALUES,
    EXTENSION_DAYS,
    HS,
    NOT_RETURNED_BY,
    ONCE_PER_ROUND,
    REDO_DUE,
    REDO_LIMIT,
    REPLY_TEXT,
    REQUEST_PENDING,
    WITHIN_SIGN,
    H,
    assignments,
    dispatched,
    recalled,
    recorded_for,
    returned,
)
from workflows.hotline.terms import (
    ANSWERS,
    BASES,
    CATEGORIES,
    CAUSES,
    CENTRE,
    CHANNELS,
    DOCUMENTS,
    LEVELS,
    RATINGS,
    REACHED,
    RESULTS,
    RETURN_REASONS,
    SETTINGS,
    TOLD,
    URGENCIES,
    YES_NO,
)
from workflows.spec import (
    ANY_OPEN,
    Confidential,
    FieldSpec,
    Shown,
    StateSpec,
    TriggerSpec,
    Workflow,
)

C = ("operator", "supervisor")  # the centre's operator or supervisor
CS = ("supervisor",)  # the centre's supervisor
OP = ("operator",)
HANDLERS = ("clerk", "supervisor", "operator")  # the handling office's, or an operator for it
HEADS = ("supervisor", "operator")


def _note(label: str, required: bool = False) -> FieldSpec:
    return FieldSpec("note", label, required=required, on_case=False)


def _reason(label: str = "理由", required: bool = True) -> FieldSpec:
    return FieldSpec("reason", label, required=required, on_case=False)


STATES = (
    StateSpec("received", "已受理", limit=DISPATCH),
    StateSpec("dispatched", "已派单", limit=SIGN, limits=(HANDLE,)),
    StateSpec("handling", "办理中", limit=HANDLE),
    StateSpec("replied", "待审核", limit=AUDIT),
    StateSpec("callback", "待回访"),
    StateSpec("closed", "已办结", terminal=True),
    StateSpec("merged", "已合并", terminal=True),
)

REGISTER_FIELDS = (
    FieldSpec("channel", "来源渠道", "choice", choices=CHANNELS),
    FieldSpec("category", "诉求类别", "choice", choices=CATEGORIES),
    FieldSpec("urgency", "紧急程度", "choice", choices=URGENCIES, required=False, default="normal"),
    FieldSpec("matter", "诉求内容", max_length=4000),
    FieldSpec("area", "所属镇街", "office", required=False),
    FieldSpec(
        "callback_consent", "同意回访", "choice", choices=YES_NO, required=False, default="yes"
    ),
    FieldSpec("platform_no", "平台工单号", required=False, max_length=60),
    # A confidential (保密) caller is hidden from the handler (hotline_reconsideration.md 7).
    FieldSpec("confidential", "诉求人保密", "choice", choices=YES_NO, required=False, default="no"),
)

RATING = FieldSpec("rating", "评价", "choice", choices=RATINGS, required=False)

CENTRE_TRIGGERS = (
    TriggerSpec(
        "answer_directly",
        "直接办结",
        ("received",),
        "closed",
        OP,
        fields=(FieldSpec("answer", "解答方式", "choice", choices=ANSWERS), RATING),
        own_office_only=True,
    ),
    TriggerSpec(
        "dispatch",
        "派单",
        ("received",),
        "dispatched",
        C,
        fields=(
            FieldSpec("to_office", "承办单位", "office"),
            _note("派单意见"),
            _reason("再派理由", required=False),
        ),
        guards=(NOT_RETURNED_BY,),
        own_office_only=True,
        derive=dispatched,
    ),
    TriggerSpec(
        "recall",
        "撤回派单",
        ("dispatched", "handling"),
        "received",
        C,
        fields=(_reason("撤回理由"),),
        own_office_only=True,
        derive=recalled,
    ),
    TriggerSpec(
        "merge",
        "合并",
        ("received", "dispatched", "handling"),
        "merged",
        C,
        fields=(FieldSpec("into", "并入工单", "case_ref", link=("merged_into", "merged_from")),),
        own_office_only=True,
    ),
)

HANDLING_TRIGGERS = (
    TriggerSpec("sign", "签收", ("dispatched",), "handling", HANDLERS, acts=H, derive=recorded_for),
    TriggerSpec(
        "return_order",
        "退单",
        ("dispatched",),
        "received",
        HANDLERS,
        fields=(
            FieldSpec("reason", "退单理由", "choice", choices=RETURN_REASONS, on_case=False),
            FieldSpec("suggest_office", "建议承办单位", "office", required=False, on_case=False),
        ),
        guards=(WITHIN_SIGN,),
        acts=H,
        derive=returned,
    ),
    TriggerSpec(
        "request_extension",
        "申请延期",
        ("handling",),
        None,
        HEADS,
        fields=(
            FieldSpec("days", "延期天数", "int", minimum=1, maximum=30, on_case=False),
            _reason("延期理由"),
        ),
        guards=(BEFORE_HANDLE_ENDS, ONCE_PER_ROUND, EXTENSION_DAYS),
        acts=HS,
        derive=recorded_for,
    ),
    TriggerSpec(
        "decide_extension",
        "审批延期",
        ("handling",),
        None,
        CS,
        fields=(
            FieldSpec("approved", "是否批准", "choice", choices=YES_NO, on_case=False),
            FieldSpec(
                "days", "批准天数", "int", minimum=1, maximum=30, required=False, on_case=False
            ),
        ),
        guards=(REQUEST_PENDING,),
        own_office_only=True,
    ),
    TriggerSpec(
        "reply",
        "回复",
        ("handling",),
        "replied",
        HEADS,
        fields=(
            FieldSpec("result", "办理结果", "choice", choices=RESULTS),
            FieldSpec("reply_text", "答复内容", required=False, max_length=4000),
            FieldSpec("told_caller", "告知诉求人方式", "choice", choices=TOLD),
        ),
        acts=HS,
        derive=recorded_for,
    ),
)

REVIEW_TRIGGERS = (
    TriggerSpec(
        "approve_reply",
        "审核通过",
        ("replied",),
        "callback",
        C,
        guards=(REPLY_TEXT,),
        own_office_only=True,
    ),
    TriggerSpec(
        "reject_reply",
        "审核退回",
        ("replied",),
        "handling",
        C,
        fields=(_reason("退回理由"),),
        own_office_only=True,
    ),
    TriggerSpec(
        "callback",
        "回访",
        ("callback",),
        None,
        OP,
        fields=(
            FieldSpec("reached", "是否接通", "choice", choices=REACHED),
            FieldSpec(
                "rating",
                "评价",
                "choice",
                choices=RATINGS,
                required=False,
                required_when=("reached", ("yes",)),
            ),
            FieldSpec(
                "cause",
                "不满意原因",
                "choice",
                choices=CAUSES,
                required=False,
                required_when=("rating", ("unsatisfied",)),
            ),
        ),
        guards=(CALLBACK_VALUES,),
        own_office_only=True,
    ),
    TriggerSpec(
        "redo",
        "重办",
        ("callback",),
        "handling",
        CS,
        fields=(
            _reason("重办理由"),
            FieldSpec("days", "重办时限(工作日)", "int", minimum=1, maximum=60, required=False),
        ),
        guards=(REDO_DUE, REDO_LIMIT),
        own_office_only=True,
    ),
    TriggerSpec(
        "close",
        "办结",
        ("callback",),
        "closed",
        C,
        fields=(FieldSpec("basis", "办结依据", "choice", choices=BASES),),
        guards=(BASIS_HOLDS,),
        own_office_only=True,
    ),
)

OVERSIGHT_TRIGGERS = (
    TriggerSpec(
        "urge",
        "催办",
        ("dispatched", "handling"),
        None,
        C,
        fields=(_note("催办意见", required=True),),
        own_office_only=True,
    ),
    TriggerSpec(
        "supervise",
        "督办",
        (ANY_OPEN,),
        None,
        ("supervisor", "leader"),
        fields=(
            FieldSpec("level", "督办层级", "choice", choices=LEVELS, on_case=False),
            _note("督办意见", required=True),
        ),
        guards=(CENTRE_OR_LEADER,),
        city_only=True,
    ),
)

WORKFLOW = Workflow(
    name="hotline",
    label="12345工单",
    prefix="RX",
    description=(
        "A 12345 hotline work order: taken by the centre, answered directly or dispatched to a "
        "handling office, replied, checked, called back and closed (or redone)."
    ),
    states=STATES,
    initial="received",
    register_roles=C,
    register_fields=REGISTER_FIELDS,
    register_guards=(AT_CENTRE, AREA_IS_TOWN),
    party_roles=("caller",),
    confidential=Confidential("confidential", ("caller",)),
    documents=DOCUMENTS,
    triggers=(*CENTRE_TRIGGERS, *HANDLING_TRIGGERS, *REVIEW_TRIGGERS, *OVERSIGHT_TRIGGERS),
    duties=DUTIES,
    settings=(*SETTINGS, *METRIC_SETTINGS),
    metrics=METRICS,
    ledger=LEDGER,
    ledger_headers=HEADERS,
    ledger_office=CENTRE,
    report=REPORT,
    # No national text dates the 12345 rules (they are local settings); every limit counts
    # working days, which the shipped holiday calendar knows from 2004 on.
    supported_from=date(2004, 1, 1),
    shown=(
        Shown("main_order", "主工单", main_order),
        Shown("assignments", "派单记录", assignments),
    ),
)

__all__ = ["HANDLE", "WORKFLOW"]
