"""Quarterly claims: draft from the eligible cases, check, approve and pay in bulk, and count.

Every bulk step runs in one transaction through the same services a single step uses, so each
claim gets the same checks and events as if a person had fired it by hand.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.engine import Connection

from casework.actors import load_actor, office_scope
from casework.errors import InvalidData
from casework.time.periods import Quarter
from casework.legacy_services import CaseService, Progress, Registration, Step
from casework.storage.db import reading, run_write
from casework.storage.tables import cases, events
from casework.subsidy.rules import CLAIM_KIND, archived_in, evaluate, gather, oral_agreements_from


def claim_ref(mediation_case: str, quarter: Quarter) -> str:
    """A claim's idempotency key: one claim per mediation case and quarter, however often
    the quarter is drafted."""
    return f"{mediation_case}@{quarter}"


def draft(
    service: CaseService,
    username: str | None,
    quarter: Quarter,
    office: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Create one claim per eligible mediation case archived in the quarter; report the rest.

    Running it again adds nothing: a case already drafted for the quarter is listed under
    ``existing``. Linked cases of one dispute yield one claim: once the first is drafted, the
    others fail ``dispute_not_subsidised``.
    """
    wf = service.machines.workflow(CLAIM_KIND)
    registry = service.machines.registry
    now = service.clock()

    def work(conn: Connection) -> dict[str, Any]:
        actor = load_actor(conn, username)
        scope = office_scope(conn, actor, office, "that office's claims")
        candidates = archived_in(conn, quarter, scope, None)
        oral_from = oral_agreements_from(conn)
        drafted, existing, ineligible = [], [], []
        for n, case_no in enumerate(candidates, start=1):
            ref = claim_ref(case_no, quarter)
            row = conn.execute(
                select(cases.c.case_no, cases.c.office_code).where(cases.c.case_no == case_no)
            ).one()
            done = conn.execute(
                select(cases.c.case_no).where(
                    cases.c.kind == CLAIM_KIND,
                    cases.c.office_code == row.office_code,
                    cases.c.ref == ref,
                )
            ).first()
            if done is not None:
                existing.append(done.case_no)
            else:
                facts = gather(conn, registry, case_no)
                failed = [o.rule for o in evaluate(facts, quarter, oral_from) if not o.passed]
                if failed:
                    ineligible.append({"case_no": case_no, "failed": failed})
                else:
                    item = Registration(
                        office=row.office_code,
                        title=f"以案定补 {quarter} {case_no}",
                        values={
                            "mediation_case": case_no,
                            "quarter": str(quarter),
                            "mediator": str(facts.data.get("mediator", "")),
                        },
                        link=case_no,
                        ref=ref,
                    )
                    result = service.register_in(conn, actor, wf, item, now, internal=True)
                    drafted.append(result["case_no"])
            if progress is not None:
                progress(n)
        return {
            "quarter": str(quarter),
            "office": scope,
            "candidates": len(candidates),
            "drafted": drafted,
            "existing": existing,
            "ineligible": ineligible,
        }

    return run_write(service.db, work)


def claims_in(
    conn: Connection, quarter: Quarter, states: tuple[str, ...], office: str | None
) -> list[Any]:
    """The quarter's claims in the given states, by case number."""
    query = (
        select(cases.c.id, cases.c.case_no, cases.c.office_code, cases.c.state, cases.c.data)
        .where(
            cases.c.kind == CLAIM_KIND, cases.c.state.in_(states), cases.c.ref.like(f"%@{quarter}")
        )
        .order_by(cases.c.case_no)
    )
    if office is not None:
        query = query.where(cases.c.office_code == office)
    return list(conn.execute(query))


def advance_quarter(
    service: CaseService,
    username: str | None,
    quarter: Quarter,
    trigger: str,
    from_state: str,
    values: dict[str, str],
    office: str | None = None,
    progress: Progress | None = None,
    on_total: Any = None,
) -> dict[str, Any]:
    """Fire one trigger on every claim of the quarter in ``from_state``, in one transaction."""
    with reading(service.db) as conn:
        actor = load_actor(conn, username)
        scope = office_scope(conn, actor, office, "that office's claims")
        targets = [r.case_no for r in claims_in(conn, quarter, (from_state,), scope)]
    if on_total is not None:
        on_total(len(targets))
    steps = [Step(case_no, trigger, values) for case_no in targets]
    results = service.advance_many(username, steps, progress) if steps else []
    return {
        "quarter": str(quarter),
        "office": scope,
        "trigger": trigger,
        "claims": [r["case_no"] for r in results],
        "amount": sum(int(r["event"]["data"].get("amount") or 0) for r in results),
    }


def figures(
    conn: Connection, start: date, end: date, recorded_by: datetime | None = None
) -> dict[str, Any]:
    """``subsidy.cases`` and ``subsidy.amount``: mediation cases whose claim was approved for a
    quarter inside the period, and the sum of those claims' amounts, with the claims behind."""
    rows = conn.execute(
        select(
            cases.c.case_no,
            cases.c.data,
            events.c.seq,
            events.c.occurred_on,
            events.c.data.label("event_data"),
        )
        .join(events, events.c.case_id == cases.c.id)
        .where(
            cases.c.kind == CLAIM_KIND,
            events.c.trigger == "approve",
            events.c.recorded_at < recorded_by if recorded_by is not None else true(),
        )
        .order_by(cases.c.case_no, events.c.seq)
    )
    items: dict[str, dict[str, Any]] = {}
    for r in rows:
        data = r.data or {}
        try:
            quarter = Quarter.parse(str(data.get("quarter", "")))
        except InvalidData:
            continue
        if quarter.first_day < start or quarter.last_day > end or r.case_no in items:
            continue
        items[r.case_no] = {
            "case_no": r.case_no,
            "mediation_case": data.get("mediation_case"),
            "quarter": str(quarter),
            "date": r.occurred_on.isoformat(),
            "amount": int((r.event_data or {}).get("amount") or 0),
        }
    claims = sorted(items.values(), key=lambda i: i["case_no"])
    mediation_cases = {i["mediation_case"] for i in claims}
    return {
        "subsidy.cases": len(mediation_cases),
        "subsidy.amount": sum(i["amount"] for i in claims),
        "items": claims,
    }
