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

PATHS: tuple[Path, ...] = (
    Path(
        "petition_full_rereview",
        "petition",
        "panzhou",
        "clerk_pz",
        "2020-03-02T09:30",
        (
            Step("sup_pz", "accept", "handling", "2020-03-05"),
            Step("sup_city", "supervise", "handling", "2020-03-20", note="加快办理"),
            Step(
                "sup_pz", "extend", "handling", "2020-04-20", {"days": "30", "reason": "案情复杂"}
            ),
            Step("sup_pz", "reply", "replied", "2020-06-01", {"outcome": "not_support"}),
            Step("clerk_pz", "request_review", "reviewing", "2020-06-20"),
            Step("sup_pz", "review", "reviewed", "2020-07-10", {"outcome": "explain"}),
            Step("clerk_pz", "request_rereview", "rereviewing", "2020-08-01"),
            Step("sup_pz", "rereview", "concluded", "2020-08-25", {"outcome": "not_support"}),
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
        (Step("sup_pz", "refuse", "not_accepted", "2020-03-06", {"reason": "不属于本机关职权"}),),
    ),
    Path(
        "petition_forwarded",
        "petition",
        "shanmei",
        "clerk_sm",
        "2020-04-01",
        (Step("clerk_sm", "forward", "forwarded", "2020-04-03", {"to_organ": "高州市自然资源局"}),),
    ),
    Path(
        "petition_diverted",
        "petition",
        "panzhou",
        "clerk_pz",
        "2020-05-11",
        (
            Step("sup_pz", "accept", "handling", "2020-05-12"),
            Step("sup_pz", "divert", "diverted", "2020-05-20", {"route": "litigation"}),
        ),
    ),
    Path(
        "petition_replied_closed",
        "petition",
        "panzhou",
        "clerk_pz",
        "2020-06-01",
        (
            Step("sup_pz", "accept", "handling", "2020-06-02"),
            Step("sup_pz", "reply", "replied", "2020-07-01", {"outcome": "support"}),
            Step("clerk_pz", "close", "closed", "2020-08-05"),
        ),
    ),
    Path(
        "petition_reviewed_closed",
        "petition",
        "panzhou",
        "clerk_pz",
        "2020-06-01",
        (
            Step("sup_pz", "accept", "handling", "2020-06-02"),
            Step("sup_pz", "reply", "replied", "2020-07-01", {"outcome": "explain"}),
            Step("sup_pz", "request_review", "reviewing", "2020-07-15"),
            Step("sup_pz", "review", "reviewed", "2020-08-01", {"outcome": "support"}),
            Step("sup_pz", "close", "closed", "2020-09-10"),
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
            Step("med_pz", "accept", "mediating", "2020-01-11", {"mediator": "med_pz"}),
            Step("med_pz", "doc:record", "mediating", "2020-01-15"),
            Step("med_pz", "agree", "agreed", "2020-01-15T16:00", {"form": "written"}),
            Step("med_pz", "doc:agreement", "agreed", "2020-01-15T16:10"),
            Step(
                "clerk_pz",
                "confirm",
                "agreed",
                "2020-01-20",
                {"court_case_no": "(2020)粤0981民特1号"},
            ),
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
            Step("sup_pz", "accept", "mediating", "2020-03-02", {"mediator": "med2_pz"}),
            Step("med2_pz", "fail", "failed", "2020-03-20", {"routes_told": "yes"}),
            Step("med2_pz", "follow_up", "failed", "2020-03-30", {"satisfaction": "unsatisfied"}),
            Step("clerk_pz", "doc:application", "failed", "2020-03-30T09:00"),
            Step("clerk_pz", "doc:record", "failed", "2020-03-30T09:01"),
            Step("clerk_pz", "doc:termination", "failed", "2020-03-30T09:02"),
            Step("clerk_pz", "doc:follow_up", "failed", "2020-03-30T09:03"),
            Step("sup_pz", "archive", "archived", "2020-04-02"),
        ),
        register_values={"source": "police_referral", "dispute_type": "damage", "amount": "12000"},
    ),
    Path(
        "mediation_breached_archived",
        "mediation",
        "panzhou",
        "med_pz",
        "2020-05-01",
        (
            Step("med_pz", "accept", "mediating", "2020-05-01T10:00", {"mediator": "med_pz"}),
            Step("med_pz", "agree", "agreed", "2020-05-03", {"form": "oral"}),
            Step("clerk_pz", "breach", "breached", "2020-06-03"),
            Step("clerk_pz", "follow_up", "breached", "2020-06-10", {"satisfaction": "basic"}),
            Step("clerk_pz", "doc:application", "breached", "2020-06-10T09:00"),
            Step("clerk_pz", "doc:record", "breached", "2020-06-10T09:01"),
            Step("clerk_pz", "doc:agreement", "breached", "2020-06-10T09:02"),
            Step("clerk_pz", "doc:follow_up", "breached", "2020-06-10T09:03"),
            Step("sup_pz", "archive", "archived", "2020-06-12"),
        ),
    ),
    Path(
        "major_dispute_reopened",
        "major_dispute",
        "panzhou",
        "sup_pz",
        "2020-02-01",
        (
            Step(
                "sup_city",
                "assign",
                "assigned",
                "2020-02-03",
                {"leader": "leader1", "unit": "潘州街道办事处", "due_days": "60"},
            ),
            Step("leader1", "plan", "resolving", "2020-02-10", {"plan": "联合调处，分期支付"}),
            Step("admin", "extend", "resolving", "2020-03-30", {"days": "30", "reason": "疫情"}),
            Step("leader1", "resolve", "resolved", "2020-04-20", {"outcome": "息诉罢访"}),
            Step("sup_city", "verify", "closed", "2020-05-01"),
            Step("sup_city", "reopen", "resolving", "2020-07-01", {"reason": "当事人再次上访"}),
            Step("leader1", "resolve", "resolved", "2020-08-01", {"outcome": "达成和解"}),
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
            Step(
                "admin",
                "assign",
                "assigned",
                "2020-02-03",
                {"leader": "leader1", "unit": "山美街道"},
            ),
            Step("leader1", "plan", "resolving", "2020-02-10", {"plan": "上门走访"}),
            Step("leader1", "resolve", "resolved", "2020-03-01", {"outcome": "息诉罢访"}),
            Step("sup_city", "reopen", "resolving", "2020-03-05", {"reason": "验收未通过"}),
            Step("leader1", "resolve", "resolved", "2020-04-01", {"outcome": "息诉罢访"}),
            Step("sup_city", "verify", "closed", "2020-04-05"),
        ),
    ),
)
