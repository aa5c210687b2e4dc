"""以案定补 claims: drafted per quarter from the eligible cases, checked by the town office,
approved by the city justice bureau with a tier, paid in a named batch (人民调解法 art. 16).

Every claim is registered and moved by the domain's one step, in one unit of work per
quarter's action, so each gets the same checks and events as if a person fired it by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypedDict

from casework.domain.model import Actor
from casework.domain.steps import Registration, Step
from casework.errors import InvalidData
from casework.services.cases import Progress, advance_many, register_one
from casework.storage.claims import CLAIM_KIND, claim_ref
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
    from casework.subsidy.rules import evaluate

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
    for n, case_no in enumerate(candidates, start=1):
        case = uow.cases.get(case_no)
        ref = claim_ref(case_no, quarter)
        done = uow.cases.with_ref(CLAIM_KIND, case.office, ref)
        if done is not None:
            result["existing"].append(done.case_no)
        else:
            facts = uow.claims.facts_for([case_no])[case_no]
            failed = [o.rule for o in evaluate(facts, quarter, oral_from) if not o.passed]
            if failed:
                result["ineligible"].append(Ineligible(case_no=case_no, failed=failed))
            else:
                item = Registration(
                    office=case.office,
                    title=f"以案定补 {quarter} {case_no}",
                    values={
                        "mediation_case": case_no,
                        "quarter": str(quarter),
                        "mediator": str(facts.data.get("mediator", "")),
                    },
                    link=case_no,
                    ref=ref,
                )
                registered = register_one(uow, actor, CLAIM_KIND, item, internal=True)
                result["drafted"].append(registered["case_no"])
                uow.flush()  # interim: the next candidates' facts read this claim
        if progress is not None:
            progress(n)
    return result


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
    source = bulk_source(uow.machines.workflow(CLAIM_KIND), trigger)
    targets = [r.case_no for r in uow.claims.in_states(quarter, (source,), office)]
    if on_total is not None:
        on_total(len(targets))
    steps = [Step(case_no, trigger, dict(values)) for case_no in targets]
    results = advance_many(uow, actor, steps, progress) if steps else []
    return BulkResult(
        quarter=str(quarter),
        office=office,
        trigger=trigger,
        claims=[r["case_no"] for r in results],
        amount=sum(int(str(r["event"]["data"].get("amount") or 0)) for r in results),
    )
