"""Administrative reconsideration (行政复议, hotline_reconsideration.md 8).

高州市人民政府 decides on the acts of its departments, towns and subdistricts (F23 art. 24); its
body in ``city-justice`` holds the cases. A case pins ``1999`` (行政复议法 2017 text and 实施条例)
or ``2023`` by the day the application was received and cites that text. An application not
decided within 5 working days is deemed accepted: the engine fires ``deem_accept``
(``casework sweep``). The words are in terms.py, the limits in clocks.py, the guards and the
case file in rules.py, the figures in metrics.py.
"""

from __future__ import annotations

from workflows.guards import at_most, before_lapse
from workflows.reconsideration.clocks import (
    ACCEPTED_ON,
    CORRECTING_LIMITS,
    CORRECTION_NOTICE,
    DUTIES,
    LITIGATION_WINDOW,
    RECEIVED_LIMITS,
    REVIEW_LIMIT,
    REVIEWING_LIMITS,
    SUSPENDED_LIMITS,
)
from workflows.reconsideration.metrics import METRICS, REPORT
from workflows.reconsideration.rules import (
    ACCEPT_GUARDS,
    ARCHIVE_GUARDS,
    DAYS_1999,
    DECIDE_GUARDS,
    EXTEND,
    HEARING_AHEAD,
    IS_SIMPLE,
    LATE_WARNING,
    QUALIFIED,
    REGISTER_GUARDS,
    SUSPENSION_LAPSED,
    has_lapsed,
    missing_documents,
)
from workflows.reconsideration.terms import (
    ACT_KINDS,
    APPROVED_BY,
    DECISIONS,
    DOCUMENTS,
    FORMS,
    HEARD_HOW,
    PROCEDURES,
    REFUSAL_GROUNDS,
    SERVICE_METHODS,
    SUSPENSION_GROUNDS,
    TERMINATION_GROUNDS,
    VERSIONS,
    YES_NO,
)
from workflows.spec import (
    ANY_ENDED,
    ENGINE,
    FieldSpec,
    StateSpec,
    TriggerSpec,
    Workflow,
)

SUP = ("supervisor",)  # the head of the reconsideration body (city-justice)
REVIEWER = ("reviewer",)
CLERK_OR_REVIEWER = ("clerk", "reviewer")


def _yes_no(name: str, label: str, default: str = "no") -> FieldSpec:
    return FieldSpec(name, label, "choice", choices=YES_NO, required=False, default=default)


def _event(name: str, label: str, kind: str = "text", **kw: object) -> FieldSpec:
    """A value kept on the step's event only."""
    return FieldSpec(name, label, kind, on_case=False, **kw)  # type: ignore[arg-type]


STATES = (
    StateSpec("received", "已收到申请", limits=RECEIVED_LIMITS),
    StateSpec("correcting", "补正中", limits=CORRECTING_LIMITS),
    StateSpec("reviewing", "审理中", limits=REVIEWING_LIMITS),
    StateSpec("suspended", "中止", limits=SUSPENDED_LIMITS),
    StateSpec("decided", "已作出决定"),
    StateSpec("served", "已送达", limits=(LITIGATION_WINDOW,)),
    StateSpec("not_accepted", "不予受理", terminal=True),
    StateSpec("abandoned", "视为放弃", terminal=True),
    StateSpec("terminated", "终止", terminal=True),
    StateSpec("mediated", "调解结案", terminal=True),
    StateSpec("archived", "已归档", terminal=True),
)

REGISTER_FIELDS = (
    FieldSpec("received_on", "收到申请日期", "date"),
    FieldSpec("form", "申请方式", "choice", choices=FORMS, required=False, default="written"),
    FieldSpec("respondent_organ", "被申请人"),
    FieldSpec("act", "行政行为"),
    FieldSpec("act_date", "行政行为作出日期", "date", required=False),
    FieldSpec("act_kind", "行政行为类别", "choice", choices=ACT_KINDS),
    FieldSpec("learned_on", "知道之日", "date"),
    _yes_no("rights_told", "已告知复议权利", "yes"),
    FieldSpec(
        "window_days", "申请期限(日)", "int", minimum=60, maximum=3650, required=False, default=60
    ),
    FieldSpec("delay_days", "耽误天数", "int", minimum=0, maximum=3650, required=False, default=0),
    FieldSpec("amount", "涉及款额(元)", "int", minimum=0, maximum=10**11, required=False),
    _yes_no("on_the_spot", "当场作出"),
    _yes_no("compensation_claim", "一并请求赔偿"),
    _yes_no("document_review", "一并请求审查规范性文件"),
    _yes_no("real_estate", "涉及不动产"),
)

reason = _event("reason", "理由")

INTAKE_TRIGGERS = (
    TriggerSpec(
        "accept",
        "受理",
        ("received",),
        "reviewing",
        SUP,
        fields=(FieldSpec("procedure", "审理程序", "choice", choices=PROCEDURES),),
        guards=ACCEPT_GUARDS,
        own_office_only=True,
    ),
    TriggerSpec(
        "deem_accept",
        "视为受理",
        ("received",),
        "reviewing",
        (ENGINE,),
        fields=(
            FieldSpec(
                "procedure",
                "审理程序",
                "choice",
                choices=PROCEDURES,
                default="ordinary",
                required=False,
                internal=True,
            ),
            FieldSpec(ACCEPTED_ON, "视为受理之日", "date", internal=True),
            _event("lapsed", "届满的期限", internal=True),
        ),
        internal=True,
    ),
    TriggerSpec(
        "refuse",
        "不予受理",
        ("received",),
        "not_accepted",
        SUP,
        fields=(
            FieldSpec("ground", "不予受理理由", "choice", choices=REFUSAL_GROUNDS, on_case=False),
            FieldSpec(
                "competent_organ",
                "有管辖权的机关",
                required=False,
                on_case=False,
                required_when=("ground", ("not_competent",)),
            ),
        ),
        guards=(before_lapse("within_review", "受理审查期限内", REVIEW_LIMIT, "不予受理"),),
        own_office_only=True,
    ),
    TriggerSpec(
        "request_correction",
        "通知补正",
        ("received",),
        "correcting",
        ("reviewer", "supervisor"),
        fields=(
            _event("items", "补正事项", max_length=4000),
            _event("days", "补正天数", "int", minimum=1, maximum=60, required=False),
        ),
        guards=(
            before_lapse("correction_notice", "五日内通知补正", CORRECTION_NOTICE, "通知补正"),
            at_most("correct_once", "一次性通知补正", "request_correction", 1),
            DAYS_1999,
        ),
        own_office_only=True,
    ),
    TriggerSpec(
        "supply", "补正", ("correcting",), "received", CLERK_OR_REVIEWER, own_office_only=True
    ),
    TriggerSpec(
        "record_abandonment",
        "视为放弃",
        ("correcting",),
        "abandoned",
        SUP,
        guards=(has_lapsed("window_lapsed", "补正期限届满", CORRECTING_LIMITS, "视为放弃"),),
        own_office_only=True,
    ),
)

REVIEW_TRIGGERS = (
    TriggerSpec(
        "assign",
        "指定承办人",
        ("reviewing",),
        None,
        SUP,
        fields=(FieldSpec("reviewers", "承办人", "users", role="reviewer", minimum=2),),
        guards=(QUALIFIED,),
        own_office_only=True,
    ),
    TriggerSpec(
        "send_copy",
        "发送副本",
        ("reviewing",),
        None,
        REVIEWER,
        fields=(_event("received_on", "被申请人收到日期", "date"),),
        own_office_only=True,
    ),
    TriggerSpec(
        "receive_answer",
        "收到答复",
        ("reviewing",),
        None,
        ("reviewer", "clerk"),
        fields=(
            FieldSpec(
                "answered", "已书面答复", "choice", choices=YES_NO, default="yes", required=False
            ),
        ),
        own_office_only=True,
    ),
    TriggerSpec(
        "hear_views",
        "听取意见",
        ("reviewing",),
        None,
        REVIEWER,
        fields=(_event("how", "听取方式", "choice", choices=HEARD_HOW),),
        own_office_only=True,
    ),
    TriggerSpec(
        "schedule_hearing",
        "安排听证",
        ("reviewing",),
        None,
        REVIEWER,
        fields=(FieldSpec("hearing_date", "听证日期", "date"), _event("place", "听证地点")),
        guards=(HEARING_AHEAD,),
        own_office_only=True,
    ),
    TriggerSpec(
        "hold_hearing",
        "举行听证",
        ("reviewing",),
        None,
        REVIEWER,
        fields=(
            _event("host", "主持人", "user", role="reviewer"),
            _event("officers", "听证人员", "users", role="reviewer", minimum=2),
            _event("applicant_present", "申请人到场", "choice", choices=YES_NO),
        ),
        guards=(QUALIFIED,),
        own_office_only=True,
    ),
    TriggerSpec(
        "switch_to_ordinary",
        "转普通程序",
        ("reviewing",),
        None,
        SUP,
        fields=(reason,),
        guards=(IS_SIMPLE,),
        derive=lambda ctx: {"procedure": "ordinary"},
        own_office_only=True,
    ),
    TriggerSpec(
        "extend",
        "延期",
        ("reviewing", "correcting"),
        None,
        SUP,
        fields=(_event("days", "延长天数", "int", minimum=1, maximum=30), reason),
        guards=(EXTEND,),
        own_office_only=True,
    ),
    TriggerSpec(
        "suspend",
        "中止",
        ("reviewing",),
        "suspended",
        SUP,
        fields=(FieldSpec("ground", "中止理由", "choice", choices=SUSPENSION_GROUNDS),),
        own_office_only=True,
    ),
    TriggerSpec("resume", "恢复审理", ("suspended",), "reviewing", SUP, own_office_only=True),
)

ENDING_TRIGGERS = (
    TriggerSpec(
        "mediate",
        "调解结案",
        ("reviewing", "suspended"),
        "mediated",
        SUP,
        needs=(("mediation_document",),),
        # A mediated case ended by agreement (调解和解): the mediation rate counts it.
        derive=lambda ctx: {"settled": "yes"},
        own_office_only=True,
    ),
    TriggerSpec(
        "withdraw",
        "撤回",
        ("reviewing", "suspended"),
        "terminated",
        SUP,
        fields=(_yes_no("settled", "和解"),),
        own_office_only=True,
    ),
    TriggerSpec(
        "terminate",
        "终止",
        ("reviewing", "suspended"),
        "terminated",
        SUP,
        fields=(_event("ground", "终止理由", "choice", choices=TERMINATION_GROUNDS),),
        guards=(SUSPENSION_LAPSED,),
        own_office_only=True,
    ),
    TriggerSpec(
        "decide",
        "作出决定",
        ("reviewing",),
        "decided",
        SUP,
        fields=(
            FieldSpec("decision", "复议决定", "choice", choices=DECISIONS),
            _yes_no("redo_ordered", "责令重新作出"),
            FieldSpec(
                "compensation", "赔偿金额(元)", "int", minimum=0, maximum=10**11, required=False
            ),
            _event("approved_by", "批准方式", "choice", choices=APPROVED_BY),
        ),
        guards=DECIDE_GUARDS,
        own_office_only=True,
    ),
    TriggerSpec(
        "serve",
        "送达",
        ("decided",),
        "served",
        CLERK_OR_REVIEWER,
        fields=(
            FieldSpec("served_on", "送达日期", "date"),
            _event("method", "送达方式", "choice", choices=SERVICE_METHODS),
        ),
        own_office_only=True,
    ),
    TriggerSpec(
        "archive",
        "归档",
        ("served",),
        "archived",
        SUP,
        guards=ARCHIVE_GUARDS,
        files=tuple(DOCUMENTS),
        own_office_only=True,
    ),
    # An addendum: the applicant's suit (行政诉讼法 art. 45) is recorded whenever it is learned
    # of, on a served case or one that ended, and changes no state.
    TriggerSpec(
        "record_suit",
        "记录起诉",
        ("served", ANY_ENDED),
        None,
        ("clerk",),
        fields=(
            _event("court_case_no", "法院案号"),
            _event("filed_on", "起诉日期", "date"),
            _event("judgment", "裁判结果", required=False),
        ),
        record_only=True,
        own_office_only=True,
        # How the case stood when sued (reconsideration.sued, by how it ended).
        derive=lambda ctx: {"ended_as": ctx.state},
    ),
)

WORKFLOW = Workflow(
    name="reconsideration",
    label="行政复议",
    prefix="FY",
    description=(
        "An application for administrative reconsideration to 高州市人民政府, handled by its body "
        "in city-justice under 行政复议法 (1999/2017 with 实施条例) or its 2023 revision, "
        "whichever was in force on the day the application was received."
    ),
    states=STATES,
    initial="received",
    register_roles=("clerk", "supervisor", "reviewer"),
    register_fields=REGISTER_FIELDS,
    register_guards=REGISTER_GUARDS,
    register_warnings=(LATE_WARNING,),
    party_roles=("applicant", "respondent", "representative", "agent", "third_party"),
    documents=DOCUMENTS,
    triggers=(*INTAKE_TRIGGERS, *REVIEW_TRIGGERS, *ENDING_TRIGGERS),
    case_file=missing_documents,
    versions=VERSIONS,
    version_field="received_on",
    duties=DUTIES,
    metrics=METRICS,
    report=REPORT,
)

__all__ = ["WORKFLOW"]
