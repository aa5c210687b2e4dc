"""以案定补 claims: drafted per quarter from the eligible cases, checked by the town office,
approved by the city justice bureau with a tier, paid in a named batch (人民调解法 art. 16).

Every claim is registered and moved by the domain's one step, in one unit of work per
quarter's action, so each gets the same checks and events as if a person fired it by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TypedDict

from casework.domain.model import Actor
from casework.domain.policy import check_admin, check_roles
from casework.domain.results import AdvanceResult
from casework.domain.steps import Registration, Step
from casework.domain.subsidy import (
    CLAIM_KIND,
    Cap,
    Facts,
    claim_ref,
    draw,
    failed,
    parse_tier_rules,
    propose_tier,
    tier_inputs,
)
from casework.errors import GuardFailed, InvalidData, NotFound
from casework.services.cases import Progress, advance_many, register_one, take_many
from casework.storage.config import Entry
from casework.storage.uow import UnitOfWork
from casework.time.periods import Quarter
from workflows.spec import Workflow
from workflows.subsidy_claim import CAP, JUSTICE_BUREAU, SPOT_CHECK_SHARE, TIER_RULES

# The steps after which a claim's case must still pass every rule (mediation.md 3: the town
# check, a resubmission and the approval re-run them).
RERUN = ("check", "resubmit", "approve")


class Ineligible(TypedDict):
    case_no: str
    failed: list[str]


class DraftResult(TypedDict):
    quarter: str
    office: str | None
    candidates: int
    drafted: list[str]
    existing: list[str]
    ineligible: list[Ineligible]


class ClaimRow(TypedDict):
    case_no: str
    office: str
    state: str
    mediation_case: str
    proposed_tier: str


class SampleResult(TypedDict):
    quarter: str
    share: float
    seed: int
    candidates: int
    sampled: list[str]


class BulkResult(TypedDict):
    quarter: str
    office: str | None
    trigger: str
    claims: list[str]
    amount: int


def draft(
    uow: UnitOfWork,
    actor: Actor,
    quarter: Quarter,
    office: str | None,
    progress: Progress | None = None,
) -> DraftResult:
    """One claim per eligible mediation case archived in the quarter; the rest reported.

    Running it again adds nothing: a case already drafted for the quarter is listed under
    ``existing``. Linked cases of one dispute yield one claim: once the first is drafted, the
    others fail ``dispute_not_subsidised``.
    """
    candidates = uow.claims.archived_in(quarter, office)
    oral_from = uow.settings.oral_agreements_from()
    result = DraftResult(
        quarter=str(quarter),
        office=office,
        candidates=len(candidates),
        drafted=[],
        existing=[],
        ineligible=[],
    )
    uow.cases.load(candidates)
    facts = uow.claims.facts_for(candidates)
    refs = {no: claim_ref(no, quarter) for no in candidates}
    offices = {no: uow.cases.get(no).office for no in candidates}
    for office_code in sorted(set(offices.values())):
        keys = [(o, refs[no]) for no, o in offices.items() if o == office_code]
        uow.cases.known_refs(CLAIM_KIND, keys)
    drafted: dict[str, str] = {}  # mediation case -> its claim, drafted in this run
    # One quarter, one day: the same tier rules for every claim, read when the first needs them.
    rules: list[dict[str, object]] | None = None
    for n, case_no in enumerate(candidates, start=1):
        done = uow.cases.with_ref(CLAIM_KIND, offices[case_no], refs[case_no])
        if done is not None:
            result["existing"].append(done.case_no)
        else:
            seen = facts[case_no].with_drafted(drafted)
            missing = failed(seen, quarter, oral_from)
            if missing:
                result["ineligible"].append(Ineligible(case_no=case_no, failed=missing))
            else:
                rules = tier_rules(uow, quarter) if rules is None else rules
                where = (offices[case_no], refs[case_no])
                claim = _claim(uow, actor, (quarter, rules), seen, where)
                drafted[case_no] = claim
                result["drafted"].append(claim)
        if progress is not None:
            progress(n)
    return result


def tier_rules(uow: UnitOfWork, quarter: Quarter) -> list[dict[str, object]]:
    """The ordered tier rules in force on the quarter's last day."""
    text = uow.setting(TIER_RULES, quarter.last_day)
    tiers = list(uow.settings.scale_on(quarter.last_day))
    return parse_tier_rules(str(text), tiers)


def _claim(
    uow: UnitOfWork,
    actor: Actor,
    rules: tuple[Quarter, list[dict[str, object]]],
    facts: Facts,
    where: tuple[str, str],
) -> str:
    """Register one claim for an eligible case, linked to it both ways, with its payee and
    proposed tier (by the quarter's tier ``rules``); its number. ``where``: office, ref."""
    quarter, tiers = rules
    office, ref = where
    tier, basis = propose_tier(tiers, tier_inputs(facts))
    item = Registration(
        office=office,
        title=f"以案定补 {quarter} {facts.case_no}",
        values={
            "mediation_case": facts.case_no,
            "quarter": str(quarter),
            "mediator": facts.payee or "",
            "proposed_tier": tier,
            "tier_basis": basis,
        },
        link=facts.case_no,
        ref=ref,
    )
    return register_one(uow, actor, CLAIM_KIND, item, internal=True, related=False)["case_no"]


def bulk_source(wf: Workflow, trigger: str) -> str:
    """The one state a bulk step of a quarter's claims is taken from."""
    trig = wf.trigger(trigger)
    if trig is None or trigger not in wf.bulk_triggers:
        listed = "、".join(f"{t.label} {t.name}" for t in wf.triggers if t.name in wf.bulk_triggers)
        raise InvalidData(
            f"可批量进行的操作为 {listed}，不是 {trigger[:20]!r}", field="trigger", value=trigger
        )
    return trig.sources[0]


def advance_quarter(
    uow: UnitOfWork,
    actor: Actor,
    quarter: Quarter,
    trigger: str,
    values: Mapping[str, str],
    office: str | None,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
) -> BulkResult:
    """Fire one trigger on every claim of the quarter in its source state."""
    wf = uow.machines.workflow(CLAIM_KIND)
    source = bulk_source(wf, trigger)
    trig = wf.trigger(trigger)
    assert trig is not None
    # Who may take the step at all is known before any claim is read: a quarter with nothing
    # left to do is refused too, not "done" for anyone.
    check_roles(actor, trig.roles, f"批量{trig.shown}")
    claims = uow.claims.in_states(quarter, (source,), office)
    if on_total is not None:
        on_total(len(claims))
    if trigger in RERUN:
        rerun(uow, [(c.case_no, c.data) for c in claims])
    steps = [Step(c.case_no, trigger, with_tier(trigger, values, c.data)) for c in claims]
    done = take_many(uow, actor, steps, progress) if steps else []
    return BulkResult(
        quarter=str(quarter),
        office=office,
        trigger=trigger,
        claims=[d.case.case_no for d in done],
        amount=sum(int(str(d.event.data.get("amount") or 0)) for d in done),
    )


def with_tier(
    trigger: str, values: Mapping[str, str], data: Mapping[str, object]
) -> dict[str, str]:
    """An approval's values: the tier defaults to the claim's proposed one."""
    out = dict(values)
    if trigger == "approve" and not out.get("tier") and data.get("proposed_tier"):
        out["tier"] = str(data["proposed_tier"])
    return out


def rerun(uow: UnitOfWork, claims: Sequence[tuple[str, Mapping[str, object]]]) -> None:
    """Refuse when a claim's mediation case no longer passes every rule for its quarter (the
    claim itself aside), naming the claim and the rules."""
    cases = {str(data.get("mediation_case", "")) for _, data in claims}
    facts = uow.claims.facts_for(sorted(cases))
    oral_from = uow.settings.oral_agreements_from()
    for claim_no, data in claims:
        case_no = str(data.get("mediation_case", ""))
        found = facts.get(case_no)
        quarter = Quarter.parse(str(data.get("quarter", "")))
        missing = (
            ["archived"]
            if found is None
            else failed(found.without_claim(claim_no), quarter, oral_from)
        )
        if missing:
            raise GuardFailed(
                f"拒绝：申报 {claim_no} 的调解案件 {case_no} 已不符合条件："
                f"{'、'.join(missing)} (rules_rerun)",
                rule="rules_rerun",
            )


def advance_claim(
    uow: UnitOfWork, actor: Actor, claim_no: str, trigger: str, values: Mapping[str, str]
) -> AdvanceResult:
    """One step on one claim; the town check, a resubmission and the approval re-run the
    rules, and an approval's tier defaults to the proposed one."""
    claim = uow.cases.get(claim_no)
    if claim.kind != CLAIM_KIND:
        raise NotFound(
            f"{claim_no} 不是以案定补申报 (not a subsidy claim)", field="claim", value=claim_no
        )
    trig = uow.machines.workflow(CLAIM_KIND).trigger(trigger)
    if trigger in RERUN and trig is not None and claim.state in trig.sources:
        rerun(uow, [(claim_no, claim.data)])
    step = Step(claim_no, trigger, with_tier(trigger, values, claim.data))
    return advance_many(uow, actor, [step])[0]


def spot_check_share(uow: UnitOfWork, quarter: Quarter, share: float | None) -> float:
    """The share to draw: the one given (0..1), else the dated setting (a percentage)."""
    if share is None:
        value = uow.setting(SPOT_CHECK_SHARE, quarter.last_day)
        return (int(value) if isinstance(value, int) else 10) / 100
    if not 0 < share <= 1:
        raise InvalidData(
            f"抽查比例「share」应在 0 和 1 之间（如 0.10），不是 {share}",
            field="share",
            value=share,
        )
    return share


def sample(
    uow: UnitOfWork, actor: Actor, quarter: Quarter, share: float | None, seed: int
) -> SampleResult:
    """Draw the quarter's town-checked claims for a spot check (at least one per office),
    reproducibly: the same seed draws the same claims, and drawing again records nothing
    twice (each ``sample`` event carries the seed as its ref)."""
    check_roles(actor, ("clerk", "supervisor"), "抽中回访 sample")
    if actor.role != "admin" and actor.office != JUSTICE_BUREAU:
        raise GuardFailed(
            f"拒绝：抽查由 {JUSTICE_BUREAU} 进行，不是 {actor.office} (sample_by)", rule="sample_by"
        )
    used = spot_check_share(uow, quarter, share)
    claims = uow.claims.in_states(quarter, ("town_checked",), None)
    by_office: dict[str, list[str]] = {}
    for c in claims:
        by_office.setdefault(c.office, []).append(c.case_no)
    drawn = draw(by_office, used, seed)
    values = {"seed": str(seed), "share": f"{used:g}"}
    steps = [Step(no, "sample", values, ref=f"sample:{quarter}:{seed}") for no in drawn]
    if steps:
        take_many(uow, actor, steps)
    return SampleResult(
        quarter=str(quarter), share=used, seed=seed, candidates=len(claims), sampled=drawn
    )


def set_tier_rules(
    uow: UnitOfWork, actor: Actor, text: str, since: date
) -> list[dict[str, object]]:
    """Ordered tier rules from a day (admin only), checked against the scale then in force."""
    check_admin(actor, "设置以案定补建议档次规则")
    rules = parse_tier_rules(text, list(uow.settings.scale_on(since)))
    dumped = json.dumps(rules, ensure_ascii=False, separators=(",", ":"))
    uow.config.add(Entry(TIER_RULES, since, dumped, actor.username, uow.now(), None))
    return rules


def set_cap(uow: UnitOfWork, actor: Actor, cap: Cap | None, since: date) -> str:
    """A cap on each payee's subsidy per quarter or year from a day, or none (admin only)."""
    check_admin(actor, "设置以案定补封顶")
    text = "none" if cap is None else cap.dump()
    uow.config.add(Entry(CAP, since, text, actor.username, uow.now(), None))
    return text
