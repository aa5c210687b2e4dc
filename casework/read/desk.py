"""工作台 the desk: the queues of what waits for a user on a day.

- ``mine``: open cases standing in a state from which the user's role may take a step
  (the policy's role and office rules; a guard may still refuse when the step is tried);
- ``due_soon`` (临期) and ``overdue`` (超期): the office deadlines of ``due``;
- ``returned`` (退回): cases or claims sent back (a 退回 trigger, or a non-final state named
  ``returned``) that the user may take up again.

Which (procedure, state) pairs each queue takes is worked out from the procedures, so the
cases are read by one query over the open cases in the user's scope, never case by case.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NotRequired, TypedDict

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from casework.domain.model import Actor
from casework.domain.policy import may_fire
from casework.engine import Engine as Machines
from casework.read.damage import NO_DAMAGE, DamageReport, undamaged
from casework.read.due import due_list
from casework.read.scope import visible_to
from casework.read.shapes import DueRow
from casework.storage.tables import calendar_days, cases, config_values, events
from casework.time.local import local_iso
from workflows import Registry
from workflows.policy import HANDLER_KEY
from workflows.spec import TriggerSpec, Workflow

QUEUES = {
    "mine": "待我办理",
    "due_soon": "临期",
    "overdue": "超期",
    "returned": "退回",
}
RETURN_WORD = "退回"
# An open case as the desk reads it: number, procedure, office, state, title, registration and
# the office it is assigned to now (``HANDLER_KEY``, None when not dispatched).
OpenRow = tuple[str, str, str, str, str, object, str | None]


class DeskRow(TypedDict):
    case_no: str
    kind: str
    kind_label: str
    office: str
    state: str
    state_label: str
    title: str
    registered_at: str
    date: NotRequired[str | None]
    days_left: NotRequired[int | None]
    rule: NotRequired[str | None]
    limit_label: NotRequired[str]
    triggers: NotRequired[list[str]]


class QueueJSON(TypedDict):
    name: str
    label: str
    count: int
    rows: list[DeskRow]


class DeskJSON(TypedDict):
    """``GET /api/v1/desk``: each queue's count and its first ``limit`` rows."""

    as_of: str
    within: int
    queues: list[QueueJSON]
    warnings: NotRequired[list[str]]  # damaged cases left out (casework.read.damage)


def steps_from(wf: Workflow, state: str) -> list[TriggerSpec]:
    """The steps a person may take from a state (not the engine's own, not the record-only
    notes that every state allows)."""
    return [
        t for t in wf.triggers if not t.internal and not t.record_only and state in wf.sources_of(t)
    ]


def returned_states(wf: Workflow) -> set[str]:
    """The open states a case reaches when it is sent back (退回)."""
    ended = {s.name for s in wf.states if s.terminal}
    found = {t.dest for t in wf.triggers if t.dest and RETURN_WORD in t.label}
    found |= {s.name for s in wf.states if s.name == "returned"}
    return {s for s in found if s not in ended}


def open_pairs(registry: Registry) -> list[tuple[str, str]]:
    return [(wf.name, s.name) for wf in registry for s in wf.states if not s.terminal]


def open_cases(
    conn: Connection,
    actor: Actor,
    pairs: Iterable[tuple[str, str]],
    damage: DamageReport = NO_DAMAGE,
) -> list[OpenRow]:
    """The open cases in the user's scope standing in one of ``pairs``, newest first."""
    by_kind: dict[str, list[str]] = {}
    for kind, state in pairs:
        by_kind.setdefault(kind, []).append(state)
    # One clause per procedure: building and compiling one per (procedure, state) pair cost
    # more than the query itself.
    wanted = [and_(cases.c.kind == k, cases.c.state.in_(s)) for k, s in by_kind.items()]
    if not wanted:
        return []
    query = select(
        cases.c.case_no,
        cases.c.kind,
        cases.c.office_code,
        cases.c.state,
        cases.c.title,
        cases.c.registered_at,
        cases.c.data[HANDLER_KEY].as_string(),
    ).where(or_(*wanted), *visible_to(actor))
    query = query.order_by(cases.c.registered_at.desc(), cases.c.id.desc())
    return [tuple(r) for r in conn.execute(undamaged(query, damage))]


def row_of(registry: Registry, r: OpenRow) -> DeskRow:
    case_no, kind, office, state, title, registered, _ = r
    wf = registry.get(kind)
    return DeskRow(
        case_no=case_no,
        kind=kind,
        kind_label=wf.label if wf else kind,
        office=office,
        state=state,
        state_label=wf.state(state).label if wf else state,
        title=title,
        registered_at=local_iso(registered),
    )


def may_take(
    registry: Registry,
    actor: Actor,
    rows: list[OpenRow],
) -> list[DeskRow]:
    """The rows on which the user may take at least one step, each with those steps."""
    out: list[DeskRow] = []
    steps: dict[tuple[str, str, str, str | None], list[str]] = {}
    for r in rows:
        key = (r[1], r[3], r[2], r[6])
        if key not in steps:
            wf = registry.get(r[1])
            found = steps_from(wf, r[3]) if wf else []
            handler = {HANDLER_KEY: r[6]}  # the office it is assigned to now, if any
            steps[key] = [t.name for t in found if may_fire(actor, t, r[2], r[1], handler)]
        if steps[key]:
            row = row_of(registry, r)
            row["triggers"] = steps[key]
            out.append(row)
    return out


def due_rows(registry: Registry, rows: list[DueRow]) -> list[DeskRow]:
    out: list[DeskRow] = []
    for d in rows:
        wf = registry.get(d["kind"])
        out.append(
            DeskRow(
                case_no=d["case_no"],
                kind=d["kind"],
                kind_label=wf.label if wf else d["kind"],
                office=d["office"],
                state=d["state"],
                state_label=d["state_label"],
                title=d["title"],
                registered_at="",
                date=d.get("date"),
                days_left=d.get("days_left"),
                rule=d.get("rule"),
            )
        )
    return out


def queue(name: str, rows: list[DeskRow], limit: int) -> QueueJSON:
    return QueueJSON(name=name, label=QUEUES[name], count=len(rows), rows=rows[:limit])


def changes(conn: Connection) -> tuple[int, int, int]:
    """What the deadlines of a day are computed from, as a mark that moves with any change:
    the last event, the added holiday days and the dated settings' values."""
    marks = select(
        select(func.max(events.c.id)).scalar_subquery(),
        select(func.count()).select_from(calendar_days).scalar_subquery(),
        select(func.count()).select_from(config_values).scalar_subquery(),
    )
    row = conn.execute(marks).one()
    return (row[0] or 0, row[1] or 0, row[2] or 0)


def due_queues(
    conn: Connection,
    machines: Machines,
    actor: Actor,
    as_of: date,
    within: int,
    damage: DamageReport = NO_DAMAGE,
) -> tuple[list[DeskRow], list[DeskRow]]:
    """The user's deadlines within ``within`` days, and the overdue ones."""
    due = due_list(conn, machines, actor, as_of, within, damage=damage)
    late = [d for d in due if d["status"] == "overdue"]
    soon = [d for d in due if d["status"] != "overdue"]
    return due_rows(machines.registry, soon), due_rows(machines.registry, late)


def desk(
    conn: Connection,
    machines: Machines,
    actor: Actor,
    as_of: date,
    within: int,
    limit: int,
    due: tuple[list[DeskRow], list[DeskRow]] | None = None,
    damage: DamageReport = NO_DAMAGE,
) -> DeskJSON:
    """The user's four queues on ``as_of``: counts, and each queue's first ``limit`` rows
    (``due``: the deadline queues of ``due_queues`` when already known); the ``damage``d
    cases left out (casework.read.damage.skipping)."""
    registry = machines.registry
    mine = may_take(registry, actor, open_cases(conn, actor, open_pairs(registry), damage))
    back = {wf.name: returned_states(wf) for wf in registry}
    returned = [r for r in mine if r["state"] in back.get(r["kind"], set())]
    soon, late = due or due_queues(conn, machines, actor, as_of, within, damage)
    return DeskJSON(
        as_of=as_of.isoformat(),
        within=within,
        queues=[
            queue("mine", mine, limit),
            queue("due_soon", soon, limit),
            queue("overdue", late, limit),
            queue("returned", returned, limit),
        ],
    )
