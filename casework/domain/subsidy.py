"""Eligibility for 以案定补: each condition of procedures.md section 3 is a named rule.

The rules are pure functions over the :class:`Facts` of one mediation case (gathered for many
cases at once by ``casework.storage.subsidy.facts_for``). An outcome says which rule passed or
failed and why, in Chinese and English. A rule that changed over time (oral agreements count
from a date) carries its effective date, kept as a dated setting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import NotRequired, TypedDict

from casework.time.periods import Quarter
from workflows.spec import EventView

CLAIM_KIND = "subsidy_claim"


def claim_ref(mediation_case: str, quarter: Quarter) -> str:
    """A claim's idempotency key: one claim per mediation case and quarter, however often the
    quarter is drafted."""
    return f"{mediation_case}@{quarter}"


# The rules in the order of the spec, with the labels ``subsidy rules`` lists them by.
RULE_LABELS: Mapping[str, str] = {
    "archived": "已归档",
    "agreement_performed": "达成协议并履行",
    "oral_agreement": "口头协议自生效日起计入",
    "case_file_complete": "卷宗齐全",
    "mediator_registered": "调解员已登记",
    "not_subsidised_before": "未曾申报",
    "dispute_not_subsidised": "同一纠纷只补一次",
    "archived_in_quarter": "归档在申报季度内",
}


class OutcomeJSON(TypedDict):
    rule: str
    label: str
    passed: bool
    message: str
    message_zh: str
    message_en: str
    effective_from: NotRequired[str]


@dataclass(frozen=True)
class Outcome:
    """One rule's verdict on one case."""

    rule: str
    label: str
    passed: bool
    message: str  # Chinese
    message_en: str
    effective_from: date | None = None

    def as_json(self) -> OutcomeJSON:
        out = OutcomeJSON(
            rule=self.rule,
            label=self.label,
            passed=self.passed,
            message=f"{self.message} — {self.message_en}",
            message_zh=self.message,
            message_en=self.message_en,
        )
        if self.effective_from is not None:
            out["effective_from"] = self.effective_from.isoformat()
        return out


@dataclass(frozen=True)
class Facts:
    """What the rules look at for one mediation case."""

    case_no: str
    case_id: int
    state: str
    data: Mapping[str, object]
    events: Sequence[EventView]
    missing_documents: Sequence[str]
    mediator_ok: bool
    own_claims: Sequence[tuple[str, str]]  # (claim case_no, state), rejected ones left out
    linked_claims: Sequence[tuple[str, str, str]]  # (mediation case_no, claim case_no, state)
    linked: Sequence[str] = ()  # the mediation cases linked to this one: the same dispute

    def first(self, trigger: str) -> EventView | None:
        return next((e for e in self.events if e.trigger == trigger), None)

    def last(self, trigger: str) -> EventView | None:
        return next((e for e in reversed(self.events) if e.trigger == trigger), None)

    def with_drafted(self, drafted: Mapping[str, str]) -> Facts:
        """These facts with the claims drafted since they were read (``drafted``: mediation
        case -> claim number), as a quarter's draft sees the claims it made before."""
        own = [*self.own_claims]
        if self.case_no in drafted:
            own.append((drafted[self.case_no], "drafted"))
        linked = [*self.linked_claims]
        linked += [(no, drafted[no], "drafted") for no in self.linked if no in drafted]
        return replace(self, own_claims=own, linked_claims=linked)

    @property
    def archived_on(self) -> date | None:
        archived = self.last("archive")
        return None if archived is None else archived.occurred_on


Rule = Callable[[Facts, Quarter | None, date], Outcome]


def archived(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    ok = f.state == "archived"
    return Outcome(
        "archived",
        "已归档",
        ok,
        "已归档" if ok else f"未归档（当前状态 {f.state}）",
        "archived" if ok else f"not archived (the case is '{f.state}')",
    )


def performed(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    rule, label = "agreement_performed", "达成协议并履行"
    agreed, done = f.first("agree"), f.first("perform")
    if agreed and done:
        return Outcome(rule, label, True, "已达成协议并履行", "agreement reached and performed")
    if not agreed:
        return Outcome(rule, label, False, "未达成调解协议", "no agreement was reached")
    return Outcome(rule, label, False, "调解协议未履行", "the agreement was not performed")


def oral(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    rule, label = "oral_agreement", "口头协议计入日期"
    agreed = f.first("agree")
    if agreed is None or agreed.data.get("form") != "oral":
        return Outcome(rule, label, True, "非口头协议", "not an oral agreement", oral_from)
    on = agreed.occurred_on
    if on >= oral_from:
        return Outcome(
            rule,
            label,
            True,
            f"口头协议（{on}）在{oral_from}之后，计入",
            f"oral agreement of {on} counts from {oral_from}",
            oral_from,
        )
    return Outcome(
        rule,
        label,
        False,
        f"口头协议（{on}）早于{oral_from}，不计入",
        f"oral agreement of {on} is before {oral_from}, when oral agreements began to count",
        oral_from,
    )


def case_file(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    if not f.missing_documents:
        return Outcome("case_file_complete", "卷宗齐全", True, "卷宗齐全", "case file complete")
    missing = ", ".join(f.missing_documents)
    return Outcome(
        "case_file_complete",
        "卷宗齐全",
        False,
        f"卷宗不全，缺少：{missing}",
        f"case file incomplete, missing: {missing}",
    )


def mediator(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    rule, label = "mediator_registered", "调解员已登记"
    name = f.data.get("mediator")
    if f.mediator_ok:
        return Outcome(
            rule, label, True, f"调解员 {name} 已登记", f"mediator {name} is a registered mediator"
        )
    return Outcome(
        rule,
        label,
        False,
        f"调解员 {name or '（未记录）'} 不是已登记的调解员",
        f"mediator {name or '(none recorded)'} is not a registered mediator",
    )


def not_before(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    rule, label = "not_subsidised_before", "未曾申报"
    if not f.own_claims:
        return Outcome(rule, label, True, "未曾申报补贴", "not claimed before")
    claim_no, state = f.own_claims[0]
    return Outcome(
        rule,
        label,
        False,
        f"已申报过补贴：{claim_no}（{state}）",
        f"already claimed in {claim_no} ({state})",
    )


def dispute_once(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    rule, label = "dispute_not_subsidised", "同一纠纷只补一次"
    if not f.linked_claims:
        return Outcome(
            rule,
            label,
            True,
            "同一纠纷的关联案件未申报",
            "no linked case of the same dispute was claimed",
        )
    other, claim_no, state = f.linked_claims[0]
    return Outcome(
        rule,
        label,
        False,
        f"同一纠纷的关联案件 {other} 已申报：{claim_no}（{state}）",
        f"linked case {other} of the same dispute was claimed in {claim_no} ({state})",
    )


def in_quarter(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    rule, label = "archived_in_quarter", "归档在申报季度内"
    on = f.archived_on
    if on is None:  # the rule "archived" refuses such a case; this one does not apply
        return Outcome(
            rule, label, True, "未归档，不适用", "not archived, so no archive date to judge"
        )
    quarter = q or Quarter.of(on)
    if on in quarter:
        return Outcome(
            rule,
            label,
            True,
            f"归档日期 {on} 在 {quarter} 内",
            f"archived on {on}, inside {quarter}",
        )
    return Outcome(
        rule,
        label,
        False,
        f"归档日期 {on} 不在 {quarter} 内",
        f"archived on {on}, outside {quarter} ({quarter.first_day}..{quarter.last_day})",
    )


RULES: tuple[Rule, ...] = (
    archived,
    performed,
    oral,
    case_file,
    mediator,
    not_before,
    dispute_once,
    in_quarter,
)


def evaluate(facts: Facts, quarter: Quarter | None, oral_from: date) -> list[Outcome]:
    """Every rule's outcome for one case, in the order of the spec."""
    return [rule(facts, quarter, oral_from) for rule in RULES]


def failed(facts: Facts, quarter: Quarter | None, oral_from: date) -> list[str]:
    """The names of the rules the case fails (none: it is eligible)."""
    return [o.rule for o in evaluate(facts, quarter, oral_from) if not o.passed]
