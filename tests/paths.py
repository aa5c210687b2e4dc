"""Every path of each shipped procedure, as data, run through the API and through the CLI.

A path registers a case and takes steps; each step names the acting user, what it does and the
state the case must be in afterwards. Times are local (China Standard Time) and move forward.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    user: str
    action: str  # a trigger name, or "doc:<kind>"
    expect: str
    at: str
    values: dict[str, str] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True)
class Path:
    name: str
    kind: str
    office: str
    registrar: str
    registered_at: str
    steps: tuple[Step, ...]
    parties: tuple[str, ...] = ()
    register_values: dict[str, str] = field(default_factory=dict)


PETITIONER = "petitioner:陈某:110101199003074514:13800138000"
POST = {"notice_method": "post"}

# The clock a test runs the paths under: after every step of every path, the latest a path
# under 信访工作条例 (in force 2022-05-01), the others under 信访条例 (2005).
NOW = "2023-12-01T10:00"


def doc(user: str, kind: str, at: str, expect: str) -> Step:
    """A document of the case file (卷宗) recorded by ``user``."""
    return Step(user, f"doc:{kind}", expect, at)


PATHS: tuple[Path, ...] = (
    Path(
        # A town petition of 2020 (信访条例 2005) to the end: accepted with its notice,
        # supervised and answered, extended before its limit, replied and delivered, reviewed
        # by the town's parent (city-justice, X art. 34) and re-reviewed by Maoming's justice
        # bureau (outside casework, recorded by the city office, X art. 35): 终结.
        "petition_full_rereview",
        "petition",
        "panzhou",
        "clerk_pz",
        "2020-03-02T09:30",
        (
            doc("clerk_pz", "intake_record", "2020-03-02T09:40", "registered"),
            doc("clerk_pz", "acceptance_notice", "2020-03-05", "registered"),
            Step("sup_pz", "accept", "handling", "2020-03-05", POST),
            doc("sup_city", "supervision_letter", "2020-03-20", "handling"),
            Step("sup_city", "supervise", "handling", "2020-03-20", note="加快办理"),
            doc("sup_pz", "supervision_answer", "2020-03-25", "handling"),
            Step("sup_pz", "answer_supervision", "handling", "2020-03-25"),
            doc("clerk_pz", "extension_notice", "2020-04-20", "handling"),
            Step(
                "sup_pz",
                "extend",
                "handling",
                "2020-04-20",
                {"days": "30", "reason": "案情复杂", **POST},
            ),
            doc("clerk_pz", "reply", "2020-06-01", "handling"),
            Step("sup_pz", "reply", "replied", "2020-06-01", {"outcome": "not_support"}),
            doc("clerk_pz", "delivery_proof", "2020-06-03", "replied"),
            Step("clerk_pz", "deliver", "replied", "2020-06-03", {"method": "post"}),
            doc("clerk_pz", "review_request", "2020-06-20", "replied"),
            Step("clerk_pz", "request_review", "reviewing", "2020-06-20"),
            doc("sup_justice", "review_opinion", "2020-07-10", "reviewing"),
            Step(
                "sup_justice",
                "review",
                "reviewed",
                "2020-07-10",
                {"outcome": "explain", "on_original": "uphold"},
            ),
            doc("clerk_justice", "delivery_proof", "2020-07-12", "reviewed"),
            Step("clerk_justice", "deliver", "reviewed", "2020-07-12", {"method": "post"}),
            doc("clerk_pz", "rereview_request", "2020-08-01", "reviewed"),
            Step("clerk_pz", "request_rereview", "rereviewing", "2020-08-01"),
            doc("sup_justice", "rereview_opinion", "2020-08-25", "rereviewing"),
            Step(
                "sup_justice",
                "rereview",
                "concluded",
                "2020-08-25",
                {"outcome": "not_support", "organ": "茂名市司法局", "doc_no": "茂司复〔2020〕1号"},
            ),
        ),
        parties=(PETITIONER,),
        register_values={"channel": "visit", "category": "complaint"},
    ),
    Path(
        "petition_refused",
        "petition",
        "panzhou",
        "clerk_pz",
        "2020-03-02",
        (
            doc("clerk_pz", "letter", "2020-03-02T10:00", "registered"),
            doc("clerk_pz", "non_acceptance_notice", "2020-03-06", "registered"),
            Step(
                "sup_pz",
                "refuse",
                "not_accepted",
                "2020-03-06",
                {"reason": "outside_remit", **POST},
            ),
        ),
    ),
    Path(
        "petition_forwarded",
        "petition",
        "shanmei",
        "clerk_sm",
        "2020-04-01",
        (
            doc("clerk_sm", "letter", "2020-04-01T10:00", "registered"),
            doc("clerk_sm", "forwarding_letter", "2020-04-02", "registered"),
            doc("clerk_sm", "forwarding_notice", "2020-04-02T09:00", "registered"),
            Step(
                "clerk_sm",
                "forward",
                "forwarded",
                "2020-04-03",
                {"to_organ": "高州市自然资源局", "organ_type": "ordinary", **POST},
            ),
        ),
    ),
    Path(
        # 导入法定途径 exists from 信访工作条例 (G art. 31): a 2023 petition.
        "petition_diverted",
        "petition",
        "panzhou",
        "clerk_pz",
        "2023-05-11",
        (
            doc("clerk_pz", "letter", "2023-05-11T10:00", "registered"),
            doc("clerk_pz", "acceptance_notice", "2023-05-12", "registered"),
            Step("sup_pz", "accept", "handling", "2023-05-12", POST),
            doc("clerk_pz", "route_notice", "2023-05-20", "handling"),
            Step("sup_pz", "divert", "diverted", "2023-05-20", {"route": "litigation", **POST}),
        ),
    ),
    Path(
        # Closed once the review window opened by the delivery lapsed without a request.
        "petition_replied_closed",
        "petition",
        "panzhou",
        "clerk_pz",
        "2020-06-01",
        (
            doc("clerk_pz", "letter", "2020-06-01T10:00", "registered"),
            doc("clerk_pz", "acceptance_notice", "2020-06-02", "registered"),
            Step("sup_pz", "accept", "handling", "2020-06-02", POST),
            doc("clerk_pz", "reply", "2020-07-01", "handling"),
            Step("sup_pz", "reply", "replied", "2020-07-01", {"outcome": "support"}),
            doc("clerk_pz", "delivery_proof", "2020-07-02", "replied"),
            Step("clerk_pz", "deliver", "replied", "2020-07-02", {"method": "in_person"}),
            Step("clerk_pz", "close", "closed", "2020-08-05"),
        ),
    ),
    Path(
        # Reviewed at the city, the review delivered and rated 基本满意: closed before the
        # re-review window lapses (petition.md 1.7 (b)).
        "petition_reviewed_closed",
        "petition",
        "panzhou",
        "clerk_pz",
        "2020-06-01",
        (
            doc("clerk_pz", "letter", "2020-06-01T10:00", "registered"),
            doc("clerk_pz", "acceptance_notice", "2020-06-02", "registered"),
            Step("sup_pz", "accept", "handling", "2020-06-02", POST),
            doc("clerk_pz", "reply", "2020-07-01", "handling"),
            Step("sup_pz", "reply", "replied", "2020-07-01", {"outcome": "explain"}),
            doc("clerk_pz", "delivery_proof", "2020-07-01T15:00", "replied"),
            Step("clerk_pz", "deliver", "replied", "2020-07-01T15:00", {"method": "in_person"}),
            doc("sup_pz", "review_request", "2020-07-15", "replied"),
            Step("sup_pz", "request_review", "reviewing", "2020-07-15"),
            doc("sup_justice", "review_opinion", "2020-08-01", "reviewing"),
            Step(
                "sup_justice",
                "review",
                "reviewed",
                "2020-08-01",
                {"outcome": "support", "on_original": "change"},
            ),
            doc("clerk_justice", "delivery_proof", "2020-08-01T15:00", "reviewed"),
            Step("clerk_justice", "deliver", "reviewed", "2020-08-01T15:00", {"method": "post"}),
            Step(
                "clerk_pz",
                "evaluate",
                "reviewed",
                "2020-08-03",
                {"rating": "basic", "method": "phone"},
            ),
            Step("sup_pz", "close", "closed", "2020-08-05"),
        ),
    ),
    Path(
        "mediation_archived_written",
        "mediation",
        "panzhou",
        "clerk_pz",
        "2020-01-10T10:00",
        (
            Step("clerk_pz", "doc:application", "applied", "2020-01-10T10:05"),
            Step("clerk_pz", "doc:rights_notice", "applied", "2020-01-10T10:06"),
            Step("med_pz", "accept", "mediating", "2020-01-11", {"mediator": "med_pz"}),
            Step("med_pz", "doc:record", "mediating", "2020-01-15"),
            Step("med_pz", "agree", "agreed", "2020-01-15T16:00", {"form": "written"}),
            Step("med_pz", "doc:agreement", "agreed", "2020-01-15T16:10"),
            Step(
                "clerk_pz",
                "apply_confirmation",
                "agreed",
                "2020-01-20",
                {"court": "gzfy", "joint": "yes"},
            ),
            Step(
                "clerk_pz",
                "confirm",
                "agreed",
                "2020-01-22",
                {"ruling": "confirmed", "court_case_no": "(2020)粤0981民特1号"},
            ),
            Step("clerk_pz", "doc:confirmation", "agreed", "2020-01-22T10:00"),
            Step("clerk_pz", "perform", "performed", "2020-02-10"),
            Step("med_pz", "follow_up", "performed", "2020-02-20", {"satisfaction": "satisfied"}),
            Step("clerk_pz", "doc:follow_up", "performed", "2020-02-20T10:00"),
            Step("sup_pz", "archive", "archived", "2020-02-25"),
        ),
        parties=("applicant:黄某", "respondent:李某::13912345678"),
        register_values={"source": "application", "dispute_type": "neighbour", "people": "2"},
    ),
    Path(
        "mediation_declined",
        "mediation",
        "shanmei",
        "med_sm",
        "2020-02-01",
        (Step("med_sm", "decline", "declined", "2020-02-02", {"reason": "party_refused"}),),
        parties=("applicant:钟某",),
    ),
    Path(
        "mediation_failed_archived",
        "mediation",
        "panzhou",
        "clerk_pz",
        "2020-03-01",
        (
            Step("clerk_pz", "doc:rights_notice", "applied", "2020-03-02"),
            Step("sup_pz", "accept", "mediating", "2020-03-02", {"mediator": "med2_pz"}),
            Step("med2_pz", "fail", "failed", "2020-03-20", {"routes_told": "yes"}),
            Step("med2_pz", "follow_up", "failed", "2020-03-30", {"satisfaction": "unsatisfied"}),
            Step("clerk_pz", "doc:application", "failed", "2020-03-30T09:00"),
            Step("clerk_pz", "doc:record", "failed", "2020-03-30T09:01"),
            Step("clerk_pz", "doc:termination", "failed", "2020-03-30T09:02"),
            Step("clerk_pz", "doc:follow_up", "failed", "2020-03-30T09:03"),
            Step("sup_pz", "archive", "archived", "2020-04-02"),
        ),
        # ``amount`` is the former name of amount_claimed, still taken
        register_values={"source": "police_referral", "dispute_type": "damage", "amount": "12000"},
        parties=("applicant:陈某", "respondent:何某"),
    ),
    Path(
        "mediation_breached_archived",
        "mediation",
        "panzhou",
        "med_pz",
        "2020-05-01",
        (
            Step("med_pz", "doc:rights_notice", "applied", "2020-05-01T09:50"),
            Step("med_pz", "accept", "mediating", "2020-05-01T10:00", {"mediator": "med_pz"}),
            Step("med_pz", "agree", "agreed", "2020-05-03", {"form": "oral"}),
            Step("clerk_pz", "breach", "breached", "2020-06-03"),
            Step("clerk_pz", "follow_up", "breached", "2020-06-10", {"satisfaction": "basic"}),
            Step("clerk_pz", "doc:application", "breached", "2020-06-10T09:00"),
            Step("clerk_pz", "doc:record", "breached", "2020-06-10T09:01"),
            Step("clerk_pz", "doc:agreement", "breached", "2020-06-10T09:02"),
            Step("clerk_pz", "doc:follow_up", "breached", "2020-06-10T09:03"),
            Step("clerk_pz", "refer", "breached", "2020-06-11", {"route": "litigation"}),
            Step("sup_pz", "archive", "archived", "2020-06-12"),
        ),
        parties=("applicant:林某", "respondent:吴某"),
    ),
    Path(
        # Proposed by a city clerk, approved by the petition bureau's supervisor, planned and
        # resolved by the named leader, extended once before its limit, verified on its
        # acceptance material, reopened with a new term and verified again.
        "major_dispute_reopened",
        "major_dispute",
        "panzhou",
        "sup_pz",
        "2020-02-01",
        (
            doc("clerk_city", "assignment_form", "2020-02-02", "identified"),
            Step(
                "clerk_city",
                "propose",
                "proposed",
                "2020-02-02",
                {"leader": "leader1", "unit": "潘州街道办事处", "due_days": "60"},
            ),
            doc("sup_city", "approval", "2020-02-03", "proposed"),
            Step("sup_city", "assign", "assigned", "2020-02-03"),
            doc("leader1", "plan", "2020-02-10", "assigned"),
            Step("leader1", "plan", "resolving", "2020-02-10", {"plan": "联合调处，分期支付"}),
            Step("sup_city", "extend", "resolving", "2020-03-30", {"days": "30", "reason": "疫情"}),
            Step("leader1", "resolve", "resolved", "2020-04-20", {"outcome": "settled"}),
            doc("sup_city", "acceptance", "2020-05-01", "resolved"),
            Step("sup_city", "verify", "closed", "2020-05-01"),
            Step(
                "sup_city",
                "reopen",
                "resolving",
                "2020-07-01",
                {"reason": "当事人再次上访", "due_days": "45"},
            ),
            Step("leader1", "resolve", "resolved", "2020-08-01", {"outcome": "solved"}),
            doc("sup_city", "acceptance", "2020-08-10", "resolved"),
            Step("sup_city", "verify", "closed", "2020-08-10"),
        ),
    ),
    Path(
        "major_dispute_reopened_before_verify",
        "major_dispute",
        "shanmei",
        "clerk_sm",
        "2020-02-01",
        (
            doc("clerk_city", "assignment_form", "2020-02-02", "identified"),
            Step(
                "clerk_city",
                "propose",
                "proposed",
                "2020-02-02",
                {"leader": "leader1", "unit": "山美街道"},
            ),
            doc("sup_city", "approval", "2020-02-03", "proposed"),
            Step("sup_city", "assign", "assigned", "2020-02-03"),
            doc("leader1", "plan", "2020-02-10", "assigned"),
            Step("leader1", "plan", "resolving", "2020-02-10", {"plan": "上门走访"}),
            Step("leader1", "resolve", "resolved", "2020-03-01", {"outcome": "helped"}),
            Step("sup_city", "reopen", "resolving", "2020-03-05", {"reason": "验收未通过"}),
            Step("leader1", "resolve", "resolved", "2020-04-01", {"outcome": "dealt_with"}),
            doc("sup_city", "acceptance", "2020-04-05", "resolved"),
            Step("sup_city", "verify", "closed", "2020-04-05"),
        ),
    ),
)
