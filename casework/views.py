"""The read side: cases, histories and listings as plain dicts ready for JSON or tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.actors import Actor, check_office, may_fire
from casework.time.deadlines import Due, PendingDue, due
from casework.engine import Engine as WorkflowEngine
from casework.errors import InvalidData, NotAllowed, NotFound
from casework.holidays import load_calendar
from casework.domain.identity import mask_id, mask_phone
from casework.legacy_services import EVENT_VIEW_COLUMNS, Context, event_json, event_view
from casework.storage.tables import case_links, cases, documents, events, offices, parties
from casework.time.local import local_date, local_iso
from workflows.spec import EventView, Workflow

REVEAL_ROLES = frozenset({"supervisor", "admin"})


def party_view(row: Any, reveal: bool) -> dict[str, Any]:
    """A party as output: ID number and phone masked unless revealing was allowed and asked."""
    from workflows.spec import PARTY_ROLES

    return {
        "role": row.role,
        "role_label": PARTY_ROLES.get(row.role, row.role),
        "name": row.name,
        "id_number": row.id_number if reveal else mask_id(row.id_number),
        "phone": row.phone if reveal else mask_phone(row.phone),
    }


def allowed_triggers(
    machines: WorkflowEngine, wf: Workflow, state: str, office: str, actor: Actor | None
) -> list[str]:
    """Trigger names this user may fire from the state (guards are checked when fired)."""
    if actor is None:
        return []
    if not actor.city_wide and actor.office_code != office:
        return []
    return [t.name for t in machines.triggers_from(wf, state) if may_fire(actor, t, office) is None]


def data_view(wf: Workflow, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's data with Chinese labels for keys and for chosen values."""
    out = []
    for key, value in data.items():
        spec = wf.field(key)
        label = spec.label if spec else {"origin_case": "来源案件"}.get(key, key)
        value_label = spec.choices.get(str(value)) if spec and spec.choices else None
        out.append({"key": key, "label": label, "value": value, "value_label": value_label})
    return out


def show_case(
    conn: Connection,
    machines: WorkflowEngine,
    case_no: str,
    actor: Actor | None,
    reveal: bool = False,
    as_of: date | None = None,
) -> dict[str, Any]:
    """The whole case: data, parties, documents, links, allowed triggers and history."""
    row = conn.execute(select(cases).where(cases.c.case_no == case_no)).first()
    if row is None:
        raise NotFound(f"unknown case {case_no[:80]!r}")
    if actor is not None:
        check_office(actor, row.office_code, f"case {row.case_no}")
    if reveal and (actor is None or not actor.roles & REVEAL_ROLES):
        who = "no user" if actor is None else f"user {actor.username} ({actor.role})"
        raise NotAllowed(
            f"revealing ID numbers and phones is for supervisors and admins; {who} may not"
        )
    wf = machines.workflow(row.kind)
    office_name = conn.execute(
        select(offices.c.name).where(offices.c.code == row.office_code)
    ).scalar_one()
    party_rows = conn.execute(
        select(parties).where(parties.c.case_id == row.id).order_by(parties.c.ord)
    )
    doc_rows = conn.execute(
        select(documents).where(documents.c.case_id == row.id).order_by(documents.c.id)
    ).all()
    history_rows = conn.execute(
        select(events).where(events.c.case_id == row.id).order_by(events.c.seq)
    ).all()
    link_rows = conn.execute(
        select(case_links.c.kind, cases.c.case_no, cases.c.kind.label("case_kind"), cases.c.state)
        .select_from(case_links.join(cases, case_links.c.other_case_id == cases.c.id))
        .where(case_links.c.case_id == row.id)
        .order_by(case_links.c.id)
    )
    result: dict[str, Any] = {
        "case_no": row.case_no,
        "kind": row.kind,
        "kind_label": wf.label,
        "office": row.office_code,
        "office_name": office_name,
        "title": row.title,
        "state": row.state,
        "state_label": wf.state(row.state).label,
        "terminal": wf.state(row.state).terminal,
        "version": row.version,
        "registered_at": local_iso(row.registered_at),
        "data": row.data or {},
        "data_view": data_view(wf, row.data or {}),
        "parties": [party_view(p, reveal) for p in party_rows],
        "documents": [
            {
                "kind": d.kind,
                "label": wf.documents.get(d.kind, d.kind),
                "file_name": d.file_name,
                "sha256": d.sha256,
                "occurred_at": local_iso(d.occurred_at),
                "actor": d.actor,
                "event_seq": d.event_seq,
            }
            for d in doc_rows
        ],
        "links": [
            {
                "kind": link.kind,
                "case_no": link.case_no,
                "case_kind": link.case_kind,
                "state": link.state,
            }
            for link in link_rows
        ],
        "triggers": allowed_triggers(machines, wf, row.state, row.office_code, actor),
        "due": None,
        "history": [event_json(e, wf) for e in history_rows],
    }
    if as_of is not None:
        views = [event_view(e) for e in history_rows]
        running = due(wf, views, load_calendar(conn), as_of)
        result["due"] = running.as_json() if running else None
    if wf.case_file is not None:
        ctx = Context(conn, row.id, row.case_no, row.state, row.data or {}, {}, row.updated_at)
        result["missing_documents"] = wf.case_file(ctx)
    return result


def case_history(
    conn: Connection, machines: WorkflowEngine, case_no: str, actor: Actor | None
) -> list[dict[str, Any]]:
    """A case's events in order."""
    row = conn.execute(
        select(cases.c.id, cases.c.kind, cases.c.office_code, cases.c.case_no).where(
            cases.c.case_no == case_no
        )
    ).first()
    if row is None:
        raise NotFound(f"unknown case {case_no[:80]!r}")
    if actor is not None:
        check_office(actor, row.office_code, f"case {row.case_no}")
    wf = machines.workflow(row.kind)
    rows = conn.execute(select(events).where(events.c.case_id == row.id).order_by(events.c.seq))
    return [event_json(e, wf) for e in rows]


def list_cases(
    conn: Connection,
    machines: WorkflowEngine,
    actor: Actor | None,
    kind: str | None = None,
    state: str | None = None,
    office: str | None = None,
    limit: int | None = None,
    overdue_on: date | None = None,
) -> list[dict[str, Any]]:
    """Cases, newest first; a town user sees only their own office's.

    With ``overdue_on``, only the cases past an office deadline (超期) on that day.
    """
    query = select(
        cases.c.case_no,
        cases.c.kind,
        cases.c.office_code,
        cases.c.state,
        cases.c.title,
        cases.c.registered_at,
    )
    if kind is not None:
        wf = machines.workflow(kind)
        query = query.where(cases.c.kind == kind)
        if state is not None and state not in wf.state_names:
            raise InvalidData(
                f"{kind} has no state {state[:40]!r}; states: {', '.join(wf.state_names)}"
            )
    if state is not None:
        query = query.where(cases.c.state == state)
    if office is not None:
        if conn.execute(select(offices.c.code).where(offices.c.code == office)).first() is None:
            raise NotFound(f"unknown office {office[:40]!r}")
        query = query.where(cases.c.office_code == office)
    if actor is not None and not actor.city_wide:
        query = query.where(cases.c.office_code == actor.office_code)
    if limit is not None and limit < 1:
        raise InvalidData("--limit must be at least 1")
    late: dict[str, Due | PendingDue] | None = None
    if overdue_on is not None:
        late = {
            case_no: d
            for case_no, _, d in _dues(conn, machines, overdue_on, kind, office, actor)
            if d.overdue
        }
        query = query.where(cases.c.case_no.in_(list(late)))
    if limit is not None:
        query = query.limit(limit)
    query = query.order_by(cases.c.registered_at.desc(), cases.c.id.desc())
    out = []
    for r in conn.execute(query):
        wf_r = machines.registry.get(r.kind)
        out.append(
            {
                "case_no": r.case_no,
                "kind": r.kind,
                "office": r.office_code,
                "state": r.state,
                "state_label": wf_r.state(r.state).label if wf_r else r.state,
                "title": r.title,
                "registered_at": local_iso(r.registered_at),
                "registered_on": local_date(r.registered_at).isoformat(),
            }
        )
        if late is not None:
            out[-1]["due"] = late[r.case_no].as_json()
    return out


def _dues(
    conn: Connection,
    machines: WorkflowEngine,
    as_of: date,
    kind: str | None,
    office: str | None,
    actor: Actor | None,
) -> Iterator[tuple[str, Any, Due | PendingDue]]:
    """Every case with a limit running on ``as_of``: (case_no, case row, due)."""
    kinds = [
        wf.name
        for wf in machines.registry
        if any(s.limit is not None for s in wf.states) and (kind is None or wf.name == kind)
    ]
    if not kinds:
        return
    query = select(
        cases.c.id,
        cases.c.case_no,
        cases.c.kind,
        cases.c.office_code,
        cases.c.state,
        cases.c.title,
    ).where(cases.c.kind.in_(kinds), cases.c.registered_on <= as_of)
    if office is not None:
        query = query.where(cases.c.office_code == office)
    if actor is not None and not actor.city_wide:
        query = query.where(cases.c.office_code == actor.office_code)
    rows = {r.id: r for r in conn.execute(query)}
    if not rows:
        return
    calendar = load_calendar(conn)
    history = (
        select(events.c.case_id, *EVENT_VIEW_COLUMNS)
        .where(events.c.case_id.in_(list(rows)), events.c.occurred_on <= as_of)
        .order_by(events.c.case_id, events.c.seq)
    )
    current: int | None = None
    batch: list[EventView] = []

    def flush() -> Iterator[tuple[str, Any, Due | PendingDue]]:
        if current is None or not batch:
            return
        row = rows[current]
        wf = machines.registry.get(row.kind)
        if wf is None:
            return
        d = due(wf, batch, calendar, as_of)
        if d is not None:
            yield row.case_no, row, d

    for ev in conn.execute(history):
        if ev.case_id != current:
            yield from flush()
            current, batch = ev.case_id, []
        batch.append(event_view(ev))
    yield from flush()


def due_list(
    conn: Connection,
    machines: WorkflowEngine,
    actor: Actor | None,
    as_of: date,
    within: int,
    office: str | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    """What falls due within ``within`` days (临期) and what is late (超期), most urgent first.

    Office deadlines and advisory limits are listed; petitioners' windows are not duties.
    """
    if within < 0:
        raise InvalidData("--within must be 0 or more days")
    if (
        office is not None
        and conn.execute(select(offices.c.code).where(offices.c.code == office)).first() is None
    ):
        raise NotFound(f"unknown office {office[:40]!r}")
    if kind is not None:
        machines.workflow(kind)
    out = []
    for case_no, row, d in _dues(conn, machines, as_of, kind, office, actor):
        if d.limit.binds == "party" or (d.days_left is not None and d.days_left > within):
            continue
        wf = machines.registry.get(row.kind)
        out.append(
            {
                "case_no": case_no,
                "kind": row.kind,
                "office": row.office_code,
                "state": d.state,
                "state_label": wf.state(d.state).label if wf else d.state,
                "title": row.title,
                **d.as_json(),
                "status": "calendar_missing"
                if d.days_left is None
                else "overdue"
                if d.overdue
                else ("warning" if d.lapsed else "due_soon"),
            }
        )
    # Limits whose last day awaits a holiday arrangement come last.
    out.sort(key=lambda r: (r["days_left"] is None, r["days_left"] or 0, r["case_no"]))
    return out
