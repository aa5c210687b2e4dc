"""Eligibility for 以案定补: each condition of procedures.md section 3 is a named rule.

The rules are pure functions over the :class:`Facts` of one mediation case (gathered for many
cases at once by ``casework.storage.subsidy.facts_for``). An outcome says which rule passed or
failed and why, in Chinese and English. A rule that changed over time (oral agreements count
from a date) carries its effective date, kept as a dated setting.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import NotRequired, TypedDict

from casework.errors import InvalidData
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
    "payee_reached_agreement": "谁调解、补助谁",
    "not_subsidised_before": "未曾申报",
    "dispute_not_subsidised": "同一纠纷只补一次",
    "same_parties_not_subsidised": "同一当事人同类纠纷只补一次",
    "archived_in_quarter": "归档在申报季度内",
    "committee_type_eligible": "调委会类型纳入补贴",
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
    mediator_ok: bool  # the payee is an active registered mediator
    own_claims: Sequence[tuple[str, str]]  # (claim case_no, state), every state
    linked_claims: Sequence[tuple[str, str, str]]  # (mediation case_no, claim case_no, state)
    linked: Sequence[str] = ()  # the mediation cases linked to this one: the same dispute
    # Other cases of the same parties and type accepted within the look-back, and their claims.
    same_party_claims: Sequence[tuple[str, str, str]] = ()
    committee_type: str | None = None
    committee_types: frozenset[str] | None = None  # the types subsidised then (None: all)

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

    def without_claim(self, claim_no: str) -> Facts:
        """These facts as a claim's own re-run of the rules sees them: itself left out."""
        return replace(
            self,
            own_claims=[c for c in self.own_claims if c[0] != claim_no],
            linked_claims=[c for c in self.linked_claims if c[1] != claim_no],
            same_party_claims=[c for c in self.same_party_claims if c[1] != claim_no],
        )

    @property
    def archived_on(self) -> date | None:
        archived = self.last("archive")
        return None if archived is None else archived.occurred_on

    @property
    def payee(self) -> str | None:
        """Who is paid: the mediator who reached the last agreement (its ``agreed_by``, else
        whoever recorded it), else the case's mediator (谁调解、补助谁)."""
        agreed = self.last("agree")
        if agreed is not None:
            named = agreed.data.get("agreed_by") or getattr(agreed, "actor", None)
            if named:
                return str(named)
        mediator = self.data.get("mediator")
        return str(mediator) if mediator else None

    @property
    def mediators(self) -> set[str]:
        """The case's lead mediator and its named co-mediators."""
        out = {str(self.data["mediator"])} if self.data.get("mediator") else set()
        co = self.data.get("co_mediators")
        named: Sequence[object] = co.split(",") if isinstance(co, str) else ()
        if isinstance(co, list | tuple):
            named = co
        out.update(str(c).strip() for c in named)
        return {m for m in out if m}


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
    """An oral agreement (人民调解法 art. 28) counts from the dated rule's day: Guangdong began
    to count them in 2024 (粤司办〔2024〕38号); before, only written agreements were paid."""
    rule, label = "oral_agreement", "口头协议计入日期"
    agreed = f.last("agree")
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
    """The payee is a registered mediator, active (人民调解法 art. 13-14)."""
    rule, label = "mediator_registered", "调解员已登记"
    name = f.payee
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


def payee_agreed(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    """谁调解、补助谁: the allowance (人民调解法 art. 16) goes to the mediator who reached the
    agreement, who must be the case's lead or a named co-mediator."""
    rule, label = "payee_reached_agreement", "谁调解、补助谁"
    payee = f.payee
    if f.last("agree") is None:
        return Outcome(rule, label, True, "无调解协议，不适用", "no agreement, no payee to judge")
    if payee in f.mediators:
        return Outcome(
            rule, label, True, f"补助 {payee}（达成协议的调解员）", f"payee {payee} reached it"
        )
    return Outcome(
        rule,
        label,
        False,
        f"达成协议的 {payee} 不是本案调解员",
        f"{payee}, who reached the agreement, is not a mediator of the case",
    )


def not_before(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    rule, label = "not_subsidised_before", "未曾申报"
    if not f.own_claims:
        return Outcome(rule, label, True, "未曾申报补贴", "not claimed before")
    returned = next((no for no, state in f.own_claims if state == "returned"), None)
    if returned is not None:
        return Outcome(
            rule,
            label,
            False,
            f"申报 {returned} 已退回补正，请重新提交 (subsidy resubmit {returned})",
            f"claim {returned} was returned: resubmit it (subsidy resubmit {returned})",
        )
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


def same_parties(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    """One dispute is paid once even when mediated as two unlinked cases: another case of the
    same parties (an ID number on each side) and type, claimed, counts, unless a supervisor
    recorded that it is a distinct dispute (``distinct_dispute``)."""
    rule, label = "same_parties_not_subsidised", "同一当事人同类纠纷只补一次"
    if not f.same_party_claims:
        return Outcome(
            rule, label, True, "无同一当事人同类纠纷的申报", "no claim for the same parties"
        )
    cleared = f.last("distinct_dispute")
    other, claim_no, state = f.same_party_claims[0]
    if cleared is not None:
        return Outcome(
            rule,
            label,
            True,
            f"已确认与 {other} 非同一纠纷",
            f"recorded as a dispute distinct from {other}",
        )
    return Outcome(
        rule,
        label,
        False,
        f"同一当事人同类纠纷 {other} 已申报：{claim_no}（{state}）；如非同一纠纷，请由负责人确认"
        " (distinct_dispute)",
        f"case {other} of the same parties and type was claimed in {claim_no} ({state}); a "
        "supervisor's distinct_dispute clears it",
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


def committee_type(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    """Which kinds of committee are subsidised is local and dated (industry committees, paid
    by their sponsors, may be left out): the list in force on the archive day."""
    rule, label = "committee_type_eligible", "调委会类型纳入补贴"
    kind = f.committee_type
    if f.committee_types is None or kind is None:
        shown = kind or "未记录"
        return Outcome(rule, label, True, f"调委会类型 {shown}：全部纳入", f"{shown}: all count")
    if kind in f.committee_types:
        return Outcome(rule, label, True, f"调委会类型 {kind} 纳入", f"type {kind} counts")
    listed = ", ".join(sorted(f.committee_types))
    return Outcome(
        rule,
        label,
        False,
        f"调委会类型 {kind} 不在纳入范围（{listed}）",
        f"committee type {kind} is not subsidised (only {listed})",
    )


RULES: tuple[Rule, ...] = (
    archived,
    performed,
    oral,
    case_file,
    mediator,
    payee_agreed,
    not_before,
    dispute_once,
    same_parties,
    in_quarter,
    committee_type,
)


def evaluate(facts: Facts, quarter: Quarter | None, oral_from: date) -> list[Outcome]:
    """Every rule's outcome for one case, in the order of the spec."""
    return [rule(facts, quarter, oral_from) for rule in RULES]


def failed(facts: Facts, quarter: Quarter | None, oral_from: date) -> list[str]:
    """The names of the rules the case fails (none: it is eligible)."""
    return [o.rule for o in evaluate(facts, quarter, oral_from) if not o.passed]


# -- the proposed tier ---------------------------------------------------------------------

CONDITIONS = ("amount_gte", "people_gte", "days_gt", "dispute_type_in", "prevention")


@dataclass(frozen=True)
class TierInputs:
    """What the tier rules look at: the agreement's amount (else the amount claimed), the
    people involved, the dispute type, the days from acceptance to agreement, and whether a
    prevention measure (防激化, 人民调解法 art. 25) was taken."""

    amount: int
    people: int
    dispute_type: str
    days: int
    prevention: bool

    def as_text(self) -> str:
        return (
            f"amount={self.amount}; people={self.people}; dispute_type={self.dispute_type}; "
            f"days={self.days}; prevention={'yes' if self.prevention else 'no'}"
        )


def _whole(value: object) -> int:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() else 0


def tier_inputs(f: Facts) -> TierInputs:
    """The tier's inputs from a mediation case's history and data."""
    agreed, accepted = f.last("agree"), f.first("accept")
    amount = agreed.data.get("amount") if agreed is not None else None
    if amount is None:
        amount = f.data.get("amount_claimed", f.data.get("amount"))
    days = (agreed.occurred_on - accepted.occurred_on).days if agreed and accepted else 0
    return TierInputs(
        amount=_whole(amount),
        people=_whole(f.data.get("people")),
        dispute_type=str(f.data.get("dispute_type") or ""),
        days=max(days, 0),
        prevention=f.first("prevent") is not None,
    )


def _holds(condition: Mapping[str, object], inputs: TierInputs) -> bool:
    (name, bound), *_ = condition.items()
    if name == "amount_gte":
        return inputs.amount >= _whole(bound)
    if name == "people_gte":
        return inputs.people >= _whole(bound)
    if name == "days_gt":
        return inputs.days > _whole(bound)
    if name == "dispute_type_in":
        return isinstance(bound, list) and inputs.dispute_type in bound
    return bool(bound) and inputs.prevention  # prevention


def propose_tier(rules: Sequence[Mapping[str, object]], inputs: TierInputs) -> tuple[str, str]:
    """The first rule whose conditions hold (any of them; none listed: always), and the
    basis of the proposal as text."""
    for rule in rules:
        conditions = rule.get("any") or []
        assert isinstance(conditions, list)
        hit = next((c for c in conditions if _holds(c, inputs)), None)
        if not conditions or hit is not None:
            why = "" if hit is None else f"{next(iter(hit))}={next(iter(hit.values()))} ← "
            return str(rule["tier"]), why + inputs.as_text()
    return "", inputs.as_text()


def parse_tier_rules(text: str, tiers: Sequence[str]) -> list[dict[str, object]]:
    """Ordered tier rules from JSON, checked: each names a tier of the scale and conditions
    from ``CONDITIONS``; refused with the reason otherwise."""
    try:
        rules = json.loads(text)
    except ValueError as exc:
        raise InvalidData(f"档次规则不是有效的 JSON：{exc}", field="rules") from None
    if not isinstance(rules, list) or not rules:
        raise InvalidData("档次规则应为非空的 JSON 列表 (a list of rules)", field="rules")
    for n, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or rule.get("tier") not in tiers:
            known = "、".join(tiers)
            raise InvalidData(
                f"第 {n} 条规则的 tier 应为标准中的档次（{known}） (tier_unknown)", field="rules"
            )
        conditions = rule.get("any", [])
        if not isinstance(conditions, list) or any(
            not isinstance(c, dict) or len(c) != 1 or next(iter(c)) not in CONDITIONS
            for c in conditions
        ):
            raise InvalidData(
                f"第 {n} 条规则的 any 应为条件列表，每项一个：{'、'.join(CONDITIONS)}",
                field="rules",
            )
    return rules


# -- the cap ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cap:
    """A ceiling on what one payee is paid per quarter or per year (local practice)."""

    yuan: int
    per: str  # quarter | year

    def dump(self) -> str:
        return f"{self.yuan}/{self.per}"

    @classmethod
    def load(cls, text: object) -> Cap | None:
        if not isinstance(text, str) or "/" not in text:
            return None
        yuan, per = text.split("/", 1)
        return cls(int(yuan), per) if yuan.isdigit() and per in ("quarter", "year") else None


def payable(
    claims: Sequence[tuple[str, str, int]], cap: Cap | None, paid_before: Mapping[str, int]
) -> dict[str, tuple[int, bool]]:
    """Each claim's payable amount and whether the cap cut it: ``claims`` are (number, payee,
    amount); in number order a payee's claims fill the cap (less what ``paid_before`` already
    used of it), the crossing claim cut to the remainder, later ones 0."""
    out: dict[str, tuple[int, bool]] = {}
    used = dict(paid_before)
    for claim_no, payee, amount in sorted(claims):
        if cap is None:
            out[claim_no] = (amount, False)
            continue
        left = max(cap.yuan - used.get(payee, 0), 0)
        pay = min(amount, left)
        used[payee] = used.get(payee, 0) + pay
        out[claim_no] = (pay, pay < amount)
    return out


# -- the spot check's sample -----------------------------------------------------------------


def draw(by_office: Mapping[str, Sequence[str]], share: float, seed: int) -> list[str]:
    """The claims drawn for a spot check: ``share`` of each office's (at least one), chosen
    by a generator seeded with ``seed`` and the office, so the same seed draws the same."""
    drawn: list[str] = []
    for office in sorted(by_office):
        claims = sorted(by_office[office])
        if not claims:
            continue
        n = min(len(claims), max(1, round(len(claims) * share)))
        drawn += sorted(random.Random(f"{seed}:{office}").sample(claims, n))
    return drawn
