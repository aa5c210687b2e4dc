"""People's mediation (人民调解, procedures/mediation.md 2.2-2.9): 人民调解法 (2010) arts.
17-33, 人民调解工作若干规定 (司法部令第75号), 法释〔2011〕5号 and 法释〔2016〕14号.

The words are in terms.py, the guards in rules.py, court-commissioned mediation in court.py,
the limits in clocks.py, the case file in casefile.py, the ledger's columns in ledger.py."""

from __future__ import annotations

from datetime import date

from workflows.guards import within
from workflows.mediation import rules as r
from workflows.mediation.casefile import ARCHIVE_GUARDS, FILE_NUMBER, missing_documents
from workflows.mediation.clocks import (
    CONCLUDE,
    CONFIRM_WINDOW,
    COURT_LIMITS,
    DUTIES,
    PERFORMANCE,
)
from workflows.mediation.court import (
    AFTER_OUTCOME,
    COURT_FIELDS,
    COURT_FIELDS_GIVEN,
    COURT_ONLY,
    EXTENSION_CAPPED,
)
from workflows.mediation.documents import PRINTED
from workflows.mediation.ledger import LEDGER
from workflows.mediation.metrics import FORM_SETTINGS, METRICS
from workflows.mediation.terms import (
    BREACH_REASONS,
    CHANNELS,
    COURTS,
    DECLINE_REASONS,
    DISPUTE_TYPE_ALIASES,
    DISPUTE_TYPES,
    DOCUMENTS,
    FORMS,
    ON_THE_SPOT,
    PREVENT_KINDS,
    REPORT_RESULTS,
    REPORTED_TO,
    ROUTES,
    RULINGS,
    SATISFACTION,
    SETTINGS,
    SOURCE_ALIASES,
    SOURCES,
    TERMINATE_REASONS,
    TOLD,
    YES,
    YES_NO,
)
from workflows.mediation.terms import (
    PERFORMANCE as PERFORMANCES,
)
from workflows.spec import (
    ANY_ENDED,
    ANY_OPEN,
    Cascade,
    FieldSpec,
    StateSpec,
    TriggerSpec,
    Workflow,
)

MEDIATOR = ("mediator",)
DESK = ("mediator", "clerk")
LEADS = ("mediator", "supervisor")
OFFICE = ("mediator", "clerk", "supervisor")
AFTER_AGREEMENT = ("agreed", "performed")
OUTCOME_STATES = ("agreed", "performed", "breached", "failed", "terminated")

reason = FieldSpec("reason", "理由", on_case=False)


def _day(name: str, label: str, required: bool = False) -> FieldSpec:
    return FieldSpec(name, label, "date", required=required)


REGISTER_FIELDS = (
    # The committee that accepts the case (mediation.md 2.1-2.2): it sets the case's office
    # (its guiding office, PML art. 5); without one, the office's own committee is recorded.
    FieldSpec("committee", "调委会", "committee", required=False),
    FieldSpec(
        "source", "案件来源", "choice", choices=SOURCES, required=False, aliases=SOURCE_ALIASES
    ),
    FieldSpec("channel", "受理渠道", "choice", choices=CHANNELS, required=False),
    FieldSpec(
        "dispute_type",
        "纠纷类型",
        "choice",
        choices=DISPUTE_TYPES,
        required=False,
        aliases=DISPUTE_TYPE_ALIASES,
    ),
    FieldSpec("people", "涉及人数", "int", minimum=1, maximum=100000, required=False),
    FieldSpec(
        "amount_claimed",
        "涉及金额(元)",
        "int",
        minimum=0,
        maximum=10**11,
        required=False,
        former=("amount",),
    ),
    FieldSpec("pandemic", "涉疫情", "choice", choices=YES_NO, required=False),
    # The screening entry (矛盾纠纷排查) that found the dispute; a case whose source is a
    # screening names it (mediation.md 2.2, 5). Added by the screening work (H4).
    FieldSpec(
        "screening",
        "来源排查",
        "lookup",
        required=False,
        source="screening",
        required_when=("source", ("screening",)),
    ),
    *COURT_FIELDS,
)

ACCEPT = TriggerSpec(
    "accept",
    "受理",
    ("applied",),
    "mediating",
    LEADS,
    fields=(
        FieldSpec("mediator", "调解员", "user", role="mediator"),
        FieldSpec("co_mediators", "协助调解员", required=False, max_length=200),
        FieldSpec("rights_told", "权利义务告知", "choice", choices=TOLD, required=False),
        FieldSpec("refused", "当事人明确拒绝调解", "choice", choices=YES_NO, required=False),
    ),
    guards=(r.TWO_SIDES, r.MEDIATORS_IN_COMMITTEE, r.NO_PARTY_REFUSED),
)

AGREE = TriggerSpec(
    "agree",
    "达成协议",
    ("mediating",),
    "agreed",
    MEDIATOR,
    fields=(
        FieldSpec("form", "协议形式", "choice", choices=FORMS),
        _day("effective_on", "协议生效日期"),
        FieldSpec("amount", "协议涉及金额(元)", "int", minimum=0, maximum=10**11, required=False),
        FieldSpec("performance", "履行方式", "choice", choices=PERFORMANCES, required=False),
        _day("perform_by", "履行期限"),
        FieldSpec("agreed_by", "达成协议的调解员", "user", role="mediator", required=False),
        FieldSpec("terms", "协议内容", required=False),
    ),
    guards=(r.AGREED_BY_ON_CASE, r.EFFECTIVE_ON, r.PERFORM_BY, r.ORAL_MONEY_REFUSED),
    warnings=(r.ORAL_MONEY_WARNED,),
    derive=r.derive_agreement,
    # 当场履行: agreed and performed at one instant.
    then=(Cascade("perform", same_case=True, when=("performance", ON_THE_SPOT)),),
)

CONFIRMATION = (
    TriggerSpec(
        "apply_confirmation",
        "申请司法确认",
        AFTER_AGREEMENT,
        None,
        DESK,
        fields=(
            FieldSpec("court", "确认法院", "choice", choices=COURTS),
            _day("applied_on", "申请日期"),
            FieldSpec("joint", "双方共同申请", "choice", choices=YES),
        ),
        guards=(
            r.WRITTEN_ONLY,
            r.COURT_LISTED,
            r.ONE_OPEN,
            within(
                "confirmation_window",
                "协议生效之日起30日内申请司法确认",
                CONFIRM_WINDOW,
                "申请司法确认",
                day=lambda ctx: r.day_value(ctx.values.get("applied_on")) or ctx.on,
            ),
        ),
        derive=r.derive_day("applied_on"),
    ),
    TriggerSpec(
        "confirm",
        "司法确认结果",
        ("agreed", "performed", "breached"),
        None,
        ("clerk",),
        fields=(
            FieldSpec("ruling", "裁定结果", "choice", choices=RULINGS),
            FieldSpec("court_case_no", "司法确认案号", required=False, max_length=60),
            _day("ruled_on", "裁定日期"),
        ),
        guards=(r.HAS_OPEN, r.RULED_AFTER, r.CASE_NO),
        derive=r.derive_day("ruled_on"),
    ),
)

COURT_TRIGGERS = (
    TriggerSpec(
        "extend",
        "延长调解期限",
        ("mediating",),
        None,
        ("supervisor",),
        fields=(
            FieldSpec("days", "延长天数", "int", minimum=1, maximum=365, on_case=False),
            FieldSpec("consent", "双方当事人同意", "choice", choices=YES, on_case=False),
        ),
        guards=(COURT_ONLY, EXTENSION_CAPPED),
    ),
    TriggerSpec(
        "report_back",
        "反馈法院",
        OUTCOME_STATES,
        None,
        DESK,
        fields=(
            FieldSpec("result", "反馈内容", "choice", choices=REPORT_RESULTS, on_case=False),
            _day("sent_on", "送交日期"),
        ),
        guards=(COURT_ONLY, AFTER_OUTCOME),
        derive=r.derive_day("sent_on"),
    ),
)

ENDINGS = (
    TriggerSpec(
        "decline",
        "不予受理",
        ("applied",),
        "declined",
        LEADS,
        fields=(FieldSpec("reason", "理由", "choice", choices=DECLINE_REASONS),),
    ),
    TriggerSpec(
        "fail",
        "调解不成",
        ("mediating",),
        "failed",
        MEDIATOR,
        fields=(FieldSpec("routes_told", "已告知其他救济途径", "choice", choices=YES),),
    ),
    TriggerSpec(
        "terminate",
        "终止调解",
        ("mediating",),
        "terminated",
        LEADS,
        fields=(
            FieldSpec("reason", "终止理由", "choice", choices=TERMINATE_REASONS),
            FieldSpec("routes_told", "已告知其他救济途径", "choice", choices=YES, required=False),
        ),
        guards=(r.ROUTES_TOLD,),
    ),
)

AFTERWARDS = (
    TriggerSpec(
        "perform",
        "履行",
        ("agreed",),
        "performed",
        DESK,
        fields=(_day("performed_on", "履行日期"),),
        derive=r.derive_day("performed_on"),
    ),
    TriggerSpec(
        "breach",
        "未履行",
        ("agreed",),
        "breached",
        DESK,
        # Ledgers from before the reasons named none.
        fields=(
            FieldSpec("reason", "未履行原因", "choice", choices=BREACH_REASONS, required=False),
        ),
        guards=(r.OVERDUE_AFTER_TERM,),
    ),
    TriggerSpec(
        "remediate",
        "重新调解",
        ("breached", "agreed", "performed"),
        "mediating",
        LEADS,
        fields=(reason,),
        guards=(r.REMEDIABLE,),
    ),
    TriggerSpec(
        "refer",
        "告知其他途径",
        ("breached", "failed", "terminated"),
        None,
        DESK,
        fields=(FieldSpec("route", "其他途径", "choice", choices=ROUTES, on_case=False),),
    ),
    TriggerSpec(
        "prevent",
        "防激化",
        (ANY_OPEN,),
        None,
        OFFICE,
        fields=(
            FieldSpec("kind", "防激化类型", "choice", choices=PREVENT_KINDS, on_case=False),
            FieldSpec("people", "涉及人数", "int", minimum=1, maximum=100000, on_case=False),
            FieldSpec("reported_to", "报告", "choice", choices=REPORTED_TO, on_case=False),
        ),
    ),
    TriggerSpec(
        "distinct_dispute",
        "确认非同一纠纷",
        (ANY_OPEN, ANY_ENDED),
        None,
        ("supervisor",),
        fields=(reason,),
        record_only=True,
    ),
    TriggerSpec(
        "follow_up",
        "回访",
        OUTCOME_STATES,
        None,
        DESK,
        fields=(FieldSpec("satisfaction", "满意度", "choice", choices=SATISFACTION),),
    ),
    TriggerSpec(
        "archive",
        "归档",
        ("performed", "breached", "failed", "terminated"),
        "archived",
        ("supervisor",),
        guards=ARCHIVE_GUARDS,
        numbered=FILE_NUMBER,
    ),
)

WORKFLOW = Workflow(
    name="mediation",
    label="人民调解",
    prefix="TJ",
    metrics=METRICS,
    description="A people's mediation case under 人民调解法, from application to archive.",
    states=(
        StateSpec("applied", "已申请", limits=COURT_LIMITS),
        StateSpec("mediating", "调解中", limit=CONCLUDE, limits=COURT_LIMITS),
        StateSpec("agreed", "已达成协议", limit=PERFORMANCE),
        StateSpec("performed", "已履行"),
        StateSpec("breached", "未履行"),
        StateSpec("failed", "调解不成"),
        StateSpec("terminated", "已终止调解"),
        StateSpec("declined", "不予受理", terminal=True),
        StateSpec("archived", "已归档", terminal=True),
    ),
    initial="applied",
    ledger=LEDGER,
    register_roles=("clerk", "mediator", "supervisor"),
    register_fields=REGISTER_FIELDS,
    register_guards=(COURT_FIELDS_GIVEN,),
    party_roles=("applicant", "respondent", "representative", "agent"),
    documents=DOCUMENTS,
    printed=PRINTED,
    case_file=missing_documents,
    triggers=(ACCEPT, AGREE, *ENDINGS, *AFTERWARDS, *CONFIRMATION, *COURT_TRIGGERS),
    duties=DUTIES,
    settings=(*SETTINGS, *FORM_SETTINGS),
    # 人民调解法 art. 35: in force from 2011-01-01; the procedure runs its articles, so a
    # mediation of an earlier day (under the 1989 regulations) is not entered as one of its cases.
    supported_from=date(2011, 1, 1),
)
