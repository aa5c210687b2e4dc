"""The subsidy's figures beyond ``subsidy.cases`` (mediation.md, statistics): what approved
claims are payable after the cap, which of them were priced from the example scale, and the
claims sent back, rejected and spot-checked in the period (each event counts)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain.subsidy import CLAIM_KIND
from casework.read.metrics import Item, Parts, PartsOf, claim_items, holds_a_quarter
from casework.read.scope import Scope
from casework.read.subsidy import approved, payable_of
from casework.storage.tables import cases, events
from workflows import Registry
from workflows.spec import Workflow

# A part per trigger: the events of the period that count (a spot check that failed: 不属实).
EVENT_PARTS = {
    "returned": "send_back",
    "rejected": "reject",
    "spot_checked": "spot_check",
    "spot_check_failed": "spot_check",
}


def claim_events(conn: Connection, scope: Scope, wf: Workflow) -> Parts:
    """The claims' send-backs, rejections and spot checks dated in the period."""
    query = (
        select(cases.c.case_no, cases.c.office_code, events.c.trigger, events.c.occurred_on)
        .add_columns(events.c.data)
        .join(cases, cases.c.id == events.c.case_id)
        .where(
            cases.c.kind == CLAIM_KIND,
            events.c.trigger.in_(sorted(set(EVENT_PARTS.values()))),
            events.c.occurred_on.between(scope.start, scope.end),
        )
    )
    if scope.recorded_by is not None:
        query = query.where(events.c.recorded_at < scope.recorded_by)
    if scope.office is not None:
        query = query.where(cases.c.office_code == scope.office)
    out: Parts = {part: [] for part in EVENT_PARTS}
    for r in conn.execute(query):
        item = Item(r.case_no, r.occurred_on, r.office_code, wf.name)
        for part, trigger in EVENT_PARTS.items():
            failed = (r.data or {}).get("result") == "fail"
            if trigger == r.trigger and (part != "spot_check_failed" or failed):
                out[part].append(item)
    return out


def claim_figures(wf: Workflow, registry: Registry) -> PartsOf:
    """The ``claim_figures`` source: parts ``payable`` (approved claims valued by what they
    are payable), ``example`` (those priced from the example scale) and the event parts."""
    approved_items = claim_items(wf)

    def parts(conn: Connection, scope: Scope) -> Parts:
        out = claim_events(conn, scope, wf)
        if not holds_a_quarter(scope.start, scope.end):
            # Claims count for a quarter inside the period: a month holds none.
            return {**out, "payable": [], "example": []}
        items = approved_items(conn, scope)
        claims = {c.case_no: c for c in approved(conn, scope.start, scope.end, scope.recorded_by)}
        paid = payable_of(conn, list(claims.values()))
        out["payable"] = [replace(i, value=paid.get(str(i.ref), i.value)) for i in items]
        out["example"] = [i for i in items if claims[str(i.ref)].example]
        return out

    return parts
