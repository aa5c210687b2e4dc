"""The figures of people's mediation that are not a case's course: the committees and mediators
at work on the period's last day (一 组织 of the Ministry's form), and the prevention measures
(防激化, PML art. 25) of the period, from cases and screening entries.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from casework.read.metrics import Item, Parts, PartsOf
from casework.read.scope import Scope
from casework.read.screening import screening_measures
from casework.storage.tables import cases, committee_members, committees, events
from workflows import Registry
from workflows.mediation.metrics import COMMITTEE_TYPES, SUBTYPES
from workflows.mediation.terms import PREVENT_KINDS
from workflows.spec import Workflow

PREVENT = "prevent"
CASES, PEOPLE = "cases", "people"


def committee_source(wf: Workflow, registry: Registry) -> PartsOf:
    """``""``: the committees active on the period's last day (PML art. 8), each on that day at
    its guiding office (PML art. 5); one part per committee type."""

    def parts(conn: Connection, scope: Scope) -> Parts:
        day = scope.end
        stmt = select(
            committees.c.code, committees.c.type, committees.c.subtype, committees.c.office
        ).where(
            committees.c.active_from <= day,
            or_(committees.c.active_to.is_(None), committees.c.active_to >= day),
        )
        if scope.office is not None:
            stmt = stmt.where(committees.c.office == scope.office)
        out: Parts = {"": [], **{kind: [] for kind in COMMITTEE_TYPES}}
        out.update({f"{k}.{sub}": [] for k, subs in SUBTYPES.items() for sub in subs})
        for r in conn.execute(stmt.order_by(committees.c.code)):
            item = Item(r.code, day, r.office, "committee", 1, {"committee_type": r.type})
            out[""].append(item)
            out.setdefault(r.type, []).append(item)
            if r.subtype:
                out.setdefault(f"{r.type}.{r.subtype}", []).append(item)
        return out

    return parts


def mediator_source(wf: Workflow, registry: Registry) -> PartsOf:
    """``""``: the mediators members of an active committee on the period's last day, each at
    the committee's guiding office; ``full_time``: those of them 专职."""

    def parts(conn: Connection, scope: Scope) -> Parts:
        day = scope.end
        stmt = (
            select(
                committee_members.c.username,
                committee_members.c.full_time,
                committees.c.office,
                committees.c.type,
            )
            .join(committees, committees.c.code == committee_members.c.committee)
            .where(
                committee_members.c.from_day <= day,
                or_(committee_members.c.to_day.is_(None), committee_members.c.to_day >= day),
                committees.c.active_from <= day,
                or_(committees.c.active_to.is_(None), committees.c.active_to >= day),
            )
        )
        if scope.office is not None:
            stmt = stmt.where(committees.c.office == scope.office)
        out: Parts = {"": [], "full_time": []}
        seen: set[str] = set()
        for r in conn.execute(stmt.order_by(committee_members.c.username)):
            if r.username in seen:
                continue  # one committee at a time; a same-day move counts once
            seen.add(r.username)
            item = Item(r.username, day, r.office, "mediator", 1, {"committee_type": r.type})
            out[""].append(item)
            if r.full_time:
                out["full_time"].append(item)
        return out

    return parts


def _case_measures(conn: Connection, wf: Workflow, scope: Scope) -> dict[tuple[str, str], Item]:
    """One item per case and kind of its ``prevent`` events in the period, on the first, valued
    by the largest ``people`` (PML art. 25; procedures/mediation.md 2.7)."""
    stmt = (
        select(cases.c.case_no, cases.c.office_code, events.c.occurred_on, events.c.data)
        .join(cases, and_(cases.c.id == events.c.case_id, cases.c.kind == wf.name))
        .where(events.c.trigger == PREVENT, events.c.occurred_on.between(scope.start, scope.end))
    )
    if scope.recorded_by is not None:
        stmt = stmt.where(events.c.recorded_at < scope.recorded_by)
    found: dict[tuple[str, str], Item] = {}
    for r in conn.execute(stmt.order_by(events.c.occurred_on, cases.c.case_no)):
        if scope.office is not None and r.office_code != scope.office:
            continue
        data = r.data or {}
        kind, people = str(data.get("kind")), int(data.get("people") or 0)
        known = found.get((r.case_no, kind))
        if known is None or people > known.value:
            on = r.occurred_on if known is None else known.on
            found[(r.case_no, kind)] = Item(r.case_no, on, r.office_code, wf.name, people)
    return found


def prevention_source(wf: Workflow, registry: Registry) -> PartsOf:
    """``<kind>|cases`` and ``<kind>|people``: the case measures of the period (one 件 per case
    and kind, 人 the largest ``people``) and the screening entries' measures (their 件 and 人)."""

    def parts(conn: Connection, scope: Scope) -> Parts:
        out: Parts = {f"{k}|{p}": [] for k in PREVENT_KINDS for p in (CASES, PEOPLE)}
        for (_, kind), item in _case_measures(conn, wf, scope).items():
            one = Item(item.ref, item.on, item.office, item.kind, 1)
            out.setdefault(f"{kind}|{CASES}", []).append(one)
            out.setdefault(f"{kind}|{PEOPLE}", []).append(item)
        for kind in PREVENT_KINDS:
            for part in (CASES, PEOPLE):
                out[f"{kind}|{part}"] += screening_measures(kind, part)(conn, scope)
        return out

    return parts
