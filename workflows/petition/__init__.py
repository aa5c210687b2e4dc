"""Petitions (信访事项): 信访工作条例 (2022) and 信访条例 (2005), as petition.md runs them.

A case pins the text in force on its registration day and cites its articles. A town office
decides and tells within 15 days (G arts. 22-23), replies within 60 (G art. 34); the
petitioner's windows run from their receipt of the written opinion; review is decided one level
up and re-review one further (G arts. 35-36); only a re-review concludes (终结) a matter.
"""

from __future__ import annotations

from workflows.guards import at_most, before_lapse, within
from workflows.petition.clocks import (
    DECIDE,
    DUTIES,
    OBJECTION_WINDOW,
    REPLY,
    REREVIEW,
    REREVIEW_WINDOW,
    REVIEW,
    REVIEW_WINDOW,
)
from workflows.petition.documents import PRINTED
from workflows.petition.intake import (
    ACCEPT_GUARDS,
    FLAGS,
    INTAKE_DOCUMENT,
    NO_REPRESENTATIVE,
    REPRESENTATIVES,
    notice_given,
)
from workflows.petition.ledger import LEDGER
from workflows.petition.metrics import METRICS
from workflows.petition.stages import (
    ANSWER,
    ASSIGN,
    DELIVERY,
    EVALUATION,
    FORWARD,
    HEARING_END,
    HEARING_START,
    MAY_CLOSE,
    OUTSIDE_ANSWER,
    OUTSIDE_RETURN,
    RECEIVED,
    REFUSE,
    REPORT,
    REQUEST_REREVIEW,
    REQUEST_REVIEW,
    REREVIEWER_IS_UPPER,
    REVIEWER_IS_UPPER,
    asked_rereviewer,
    asked_reviewer,
    derive_delivery,
    derive_rereviewer,
    derive_reviewer,
    opinion_office,
    rereviewer,
    reviewer,
    sender,
    stage_office,
)
from workflows.petition.terms import (
    CATEGORIES,
    CHANNELS,
    DELIVERY_METHODS,
    DOCUMENTS,
    NOTICE_METHODS,
    ON_ORIGINAL,
    ORGAN_TYPES,
    ORIGINS,
    OUTCOMES,
    RATINGS,
    REASONS,
    ROUTES,
    SETTINGS,
    SUB_REASONS,
    VERSIONS,
    VISITED,
    XF2022,
    YES_NO,
)
from workflows.spec import (
    ANY_ENDED,
    ANY_OPEN,
    ActsFor,
    Cascade,
    FieldSpec,
    Shown,
    Spawn,
    StateSpec,
    TriggerSpec,
    Workflow,
)

S = ("supervisor",)  # the case office's supervisor
C = ("clerk", "supervisor")  # its clerk or supervisor
EITHER = ("clerk", "supervisor")

outcome = FieldSpec("outcome", "处理意见", "choice", choices=OUTCOMES)
notice = FieldSpec(
    "notice_method", "告知方式", "choice", choices=NOTICE_METHODS, required=False, on_case=False
)
organ = FieldSpec("organ", "作出决定的机关", required=False, on_case=False)
doc_no = FieldSpec("doc_no", "文书编号", required=False, on_case=False)
requested = FieldSpec("requested_on", "申请日期", "date", required=False, on_case=False)
reason = FieldSpec("reason", "理由", on_case=False)

# The values a forwarded or assigned case takes from the case that sent it.
COPIED = ("channel", "category", "request", "people", "address_known", "litigation")

REVIEWER = ActsFor(reviewer, "复查机关", S, EITHER, "city", ("organ", "doc_no"))
REREVIEWER = ActsFor(rereviewer, "复核机关", S, EITHER, "city", ("organ", "doc_no"))
STAGE = ActsFor(stage_office, "本阶段办理机关", S, EITHER, "city")
SENDER = ActsFor(sender, "转送交办机关", S, S, "case")
CASE_OFFICE = ActsFor(lambda ctx: ctx.office, "本案所属单位", C, ())


def _requester(office_of: ActsFor) -> tuple[ActsFor, ...]:
    """The petitioner's request is recorded by the case office, the deciding office, or (for
    an outside one) a city office recording its receipt."""
    return (CASE_OFFICE, office_of)


STATES = (
    StateSpec("registered", "已登记", limits=(OBJECTION_WINDOW,)),
    StateSpec("objected", "异议待核"),
    StateSpec("assigned_down", "已交办"),
    StateSpec("handling", "办理中", limit=REPLY),
    StateSpec("replied", "已答复", limit=REVIEW_WINDOW),
    StateSpec("reviewing", "复查中", limit=REVIEW),
    StateSpec("reviewed", "已复查", limit=REREVIEW_WINDOW),
    StateSpec("rereviewing", "复核中", limit=REREVIEW),
    StateSpec("closed", "已办结", terminal=True),
    StateSpec("concluded", "已终结", terminal=True),
    StateSpec("not_accepted", "不予受理", terminal=True),
    StateSpec("forwarded", "已转送", terminal=True),
    StateSpec("reported", "已报结", terminal=True),
    StateSpec("diverted", "已导入法定途径", terminal=True),
    StateSpec("returned", "已退回", terminal=True),
)

REGISTER_FIELDS = (
    FieldSpec("channel", "信访形式", "choice", choices=CHANNELS, required=False),
    FieldSpec("category", "信访类别", "choice", choices=CATEGORIES, required=False),
    FieldSpec("request", "请求、事实和理由", required=False, max_length=4000),
    FieldSpec("people", "人数", "int", minimum=1, maximum=100_000, required=False, default=1),
    FieldSpec(
        "address_known", "姓名住址清楚", "choice", choices=YES_NO, required=False, default="yes"
    ),
    FieldSpec("litigation", "涉法涉诉", "choice", choices=YES_NO, required=False, default="no"),
    FieldSpec("visited_level", "来访层级", "choice", choices=VISITED, required=False),
    FieldSpec("origin", "来源", "choice", choices=ORIGINS, required=False),
    FieldSpec("from_organ", "转送交办机关", required=False),
    FieldSpec("report_days", "报告期限(日)", "int", minimum=1, maximum=365, required=False),
    FieldSpec("parent_case", "转送交办来源案件", required=False, internal=True),
    FieldSpec("from_office", "转送交办单位", "office", required=False, internal=True),
)

ROUTING_TRIGGERS = (
    TriggerSpec(
        "accept",
        "受理",
        ("registered",),
        "handling",
        S,
        fields=(notice,),
        guards=(*ACCEPT_GUARDS, notice_given("acceptance_notice")),
        own_office_only=True,
        files=("letter", "intake_record", "acceptance_notice"),
    ),
    TriggerSpec(
        "refuse",
        "不予受理",
        ("registered",),
        "not_accepted",
        S,
        fields=(
            FieldSpec("reason", "不予受理理由", "choice", choices=REASONS),
            FieldSpec("sub_reason", "细分理由", "choice", choices=SUB_REASONS, required=False),
            FieldSpec("reason_text", "理由说明", required=False),
            notice,
        ),
        guards=(INTAKE_DOCUMENT, *REFUSE, notice_given("non_acceptance_notice")),
        own_office_only=True,
        files=("letter", "intake_record", "non_acceptance_notice"),
    ),
    TriggerSpec(
        "forward",
        "转送",
        ("registered",),
        "forwarded",
        C,
        fields=(
            FieldSpec("to_office", "转送单位", "office", required=False),
            FieldSpec("to_organ", "转送机关", required=False),
            FieldSpec("organ_type", "机关类别", "choice", choices=ORGAN_TYPES, required=False),
            notice,
        ),
        guards=(INTAKE_DOCUMENT, *FORWARD, notice_given("forwarding_notice", True)),
        needs=(("forwarding_letter",),),
        files=("letter", "intake_record", "forwarding_notice"),
        own_office_only=True,
        spawns=Spawn("forwarded", copy=COPIED),
    ),
    TriggerSpec(
        "assign_down",
        "交办",
        ("registered",),
        "assigned_down",
        S,
        fields=(
            FieldSpec("to_office", "交办单位", "office"),
            FieldSpec("report_days", "报告期限(日)", "int", minimum=1, maximum=365),
            notice,
        ),
        guards=(INTAKE_DOCUMENT, *ASSIGN, notice_given("forwarding_notice", True)),
        needs=(("forwarding_letter",),),
        files=("letter", "intake_record", "forwarding_notice"),
        own_office_only=True,
        city_only=True,
        spawns=Spawn("assigned", copy=COPIED, carry=("report_days",)),
    ),
    TriggerSpec(
        "divert",
        "导入法定途径",
        ("registered", "handling"),
        "diverted",
        S,
        fields=(FieldSpec("route", "法定途径", "choice", choices=ROUTES), notice),
        # G art. 19 para 1: the letter or intake record is on file before any routing step.
        guards=(INTAKE_DOCUMENT, notice_given("route_notice")),
        own_office_only=True,
        rules=(XF2022,),
        files=("route_notice",),
    ),
)

RECEIVING_TRIGGERS = (
    TriggerSpec(
        "object",
        "提出异议",
        ("registered",),
        "objected",
        S,
        fields=(reason,),
        guards=(
            RECEIVED,
            within("objection_window", "收到后5个工作日内提出异议", OBJECTION_WINDOW, "提出异议"),
        ),
        needs=(("objection",),),
        own_office_only=True,
        rules=(XF2022,),
    ),
    TriggerSpec(
        "uphold_objection",
        "同意异议",
        ("objected",),
        "returned",
        S,
        fields=(reason,),
        guards=(OUTSIDE_ANSWER,),
        acts=(SENDER,),
        files=("objection_answer",),
        then=(Cascade("take_back"),),
    ),
    TriggerSpec(
        "reject_objection",
        "不同意异议",
        ("objected",),
        "registered",
        S,
        fields=(reason,),
        guards=(OUTSIDE_ANSWER,),
        acts=(SENDER,),
        files=("objection_answer",),
    ),
    TriggerSpec(
        "take_back",
        "收回重新分流",
        ("forwarded", "assigned_down"),
        "registered",
        S,
        guards=(OUTSIDE_RETURN,),
        own_office_only=True,
        files=("objection",),
    ),
    TriggerSpec(
        "mark_reported",
        "报结",
        ("assigned_down",),
        "reported",
        S,
        internal=True,
    ),
)

HANDLING_TRIGGERS = (
    TriggerSpec(
        "extend",
        "延期",
        ("handling",),
        None,
        S,
        fields=(
            FieldSpec("days", "延长天数", "int", minimum=1, maximum=30, on_case=False),
            FieldSpec("reason", "延期理由", on_case=False),
            notice,
        ),
        guards=(
            at_most("extend_once", "只可延期一次", "extend", 1),
            before_lapse("before_lapse", "期限届满前延期", REPLY, "延期"),
            notice_given("extension_notice"),
        ),
        own_office_only=True,
        files=("extension_notice",),
    ),
    TriggerSpec(
        "hearing_start",
        "听证开始",
        ("handling", "reviewing", "rereviewing"),
        None,
        EITHER,
        guards=HEARING_START,
        acts=(STAGE,),
    ),
    TriggerSpec(
        "hearing_end",
        "听证结束",
        ("handling", "reviewing", "rereviewing"),
        None,
        EITHER,
        guards=HEARING_END,
        acts=(STAGE,),
        needs=(("hearing_record",),),
    ),
    TriggerSpec(
        "reply",
        "出具处理意见",
        ("handling",),
        "replied",
        S,
        fields=(outcome,),
        needs=(("reply",),),
        own_office_only=True,
    ),
    TriggerSpec(
        "deliver",
        "送达",
        ("replied", "reviewed"),
        None,
        EITHER,
        fields=(
            FieldSpec("method", "送达方式", "choice", choices=DELIVERY_METHODS, on_case=False),
        ),
        guards=DELIVERY,
        acts=(ActsFor(opinion_office, "出具意见的机关", EITHER, EITHER, "city"),),
        needs=(("delivery_proof",),),
        derive=derive_delivery,
        record_only=True,
    ),
    TriggerSpec(
        "evaluate",
        "满意度评价",
        ("replied", "reviewed"),
        None,
        C,
        fields=(
            FieldSpec("rating", "评价结果", "choice", choices=RATINGS, on_case=False),
            FieldSpec("method", "评价方式", "choice", choices=NOTICE_METHODS, on_case=False),
        ),
        guards=EVALUATION,
        own_office_only=True,
        record_only=True,
    ),
)

REVIEW_TRIGGERS = (
    TriggerSpec(
        "request_review",
        "申请复查",
        ("replied", "closed"),
        "reviewing",
        EITHER,
        fields=(organ, requested),
        guards=REQUEST_REVIEW,
        acts=_requester(ActsFor(asked_reviewer, "复查机关", EITHER, EITHER, "city")),
        needs=(("review_request",),),
        derive=derive_reviewer,
    ),
    TriggerSpec(
        "review",
        "复查",
        ("reviewing",),
        "reviewed",
        EITHER,
        fields=(
            outcome,
            FieldSpec("on_original", "对原意见", "choice", choices=ON_ORIGINAL, on_case=False),
            organ,
            doc_no,
        ),
        guards=(REVIEWER_IS_UPPER,),
        acts=(REVIEWER,),
        needs=(("review_opinion",),),
    ),
    TriggerSpec(
        "request_rereview",
        "申请复核",
        ("reviewed", "closed"),
        "rereviewing",
        EITHER,
        fields=(organ, requested),
        guards=REQUEST_REREVIEW,
        acts=_requester(ActsFor(asked_rereviewer, "复核机关", EITHER, EITHER, "city")),
        needs=(("rereview_request",),),
        derive=derive_rereviewer,
    ),
    TriggerSpec(
        "rereview",
        "复核",
        ("rereviewing",),
        "concluded",
        EITHER,
        fields=(outcome, organ, doc_no),
        guards=(REREVIEWER_IS_UPPER,),
        acts=(REREVIEWER,),
        needs=(("rereview_opinion",),),
    ),
    TriggerSpec(
        "close",
        "办结",
        ("replied", "reviewed"),
        "closed",
        C,
        guards=(MAY_CLOSE,),
        own_office_only=True,
    ),
)

OVERSIGHT_TRIGGERS = (
    TriggerSpec(
        "report",
        "报送办结报告",
        ("replied", "reviewed", ANY_ENDED),
        None,
        S,
        guards=REPORT,
        needs=(("completion_report",),),
        own_office_only=True,
        record_only=True,
        then=(Cascade("mark_reported"),),
    ),
    TriggerSpec(
        "supervise",
        "督办",
        (ANY_OPEN,),
        None,
        S,
        fields=(FieldSpec("note", "督办意见", on_case=False),),
        needs=(("supervision_letter",),),
        city_only=True,
    ),
    TriggerSpec(
        "answer_supervision",
        "督办反馈",
        (ANY_OPEN, ANY_ENDED),
        None,
        S,
        guards=ANSWER,
        needs=(("supervision_answer",),),
        own_office_only=True,
        record_only=True,
    ),
)

WORKFLOW = Workflow(
    name="petition",
    label="信访事项",
    prefix="XF",
    metrics=METRICS,
    description=(
        "A petition by letter, visit, phone, fax or online, handled under 信访条例 (2005) or "
        "信访工作条例 (2022), whichever was in force on its registration day."
    ),
    states=STATES,
    initial="registered",
    ledger=LEDGER,
    register_roles=("clerk", "supervisor"),
    register_fields=REGISTER_FIELDS,
    register_guards=(REPRESENTATIVES,),
    register_warnings=(NO_REPRESENTATIVE,),
    party_roles=("petitioner", "representative", "respondent"),
    documents=DOCUMENTS,
    printed=PRINTED,
    triggers=(
        *ROUTING_TRIGGERS,
        *RECEIVING_TRIGGERS,
        *HANDLING_TRIGGERS,
        *REVIEW_TRIGGERS,
        *OVERSIGHT_TRIGGERS,
    ),
    versions=VERSIONS,
    duties=DUTIES,
    settings=SETTINGS,
    flags=FLAGS,
    shown=(Shown("reviewer", "复查机关", reviewer), Shown("rereviewer", "复核机关", rereviewer)),
)

__all__ = ["DECIDE", "REVIEW_WINDOW", "WORKFLOW"]
