"""以案定补 claims: drafted per quarter from the eligible cases, checked by the town office,
approved by the city justice bureau with a tier, paid in a named batch (人民调解法 art. 16).

Every claim is registered and moved by the domain's one step, in one unit of work per
quarter's action, so each gets the same checks and events as if a person fired it by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypedDict

from casework.domain.model import Actor
from casework.domain.policy import check_roles
from casework.domain.steps import Registration, Step
from casework.domain.subsidy import CLAIM_KIND, Facts, claim_ref, failed
from casework.errors import InvalidData
from casework.services.cases import Progress, register_one, take_many
from casework.storage.uow import UnitOfWork
from casework.time.periods import Quarter
from workflows.spec import Workflow


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
                claim = _claim(uow, actor, quarter, seen, offices[case_no], refs[case_no])
                drafted[case_no] = claim
                result["drafted"].append(claim)
        if progress is not None:
            progress(n)
    return result


def _claim(
    uow: UnitOfWork, actor: Actor, quarter: Quarter, facts: Facts, office: str, ref: str
) -> str:
    """Register one claim for an eligible case, linked to it both ways; its number."""
    item = Registration(
        office=office,
        title=f"以案定补 {quarter} {facts.case_no}",
        values={
            "mediation_case": facts.case_no,
            "quarter": str(quarter),
            "mediator": str(facts.data.get("mediator", "")),
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
    targets = [r.case_no for r in uow.claims.in_states(quarter, (source,), office)]
    if on_total is not None:
        on_total(len(targets))
    steps = [Step(case_no, trigger, dict(values)) for case_no in targets]
    done = take_many(uow, actor, steps, progress) if steps else []
    return BulkResult(
        quarter=str(quarter),
        office=office,
        trigger=trigger,
        claims=[d.case.case_no for d in done],
        amount=sum(int(str(d.event.data.get("amount") or 0)) for d in done),
    )
