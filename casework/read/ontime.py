"""On-time figures computed from the same deadline code as ``case show`` and ``due``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, select, true
from sqlalchemy.engine import Connection

from casework.read.damage import not_damaged
from casework.read.due import moment
from casework.read.scope import AnySelect
from casework.read.shapes import DatedCase, OnTimeJSON
from casework.storage.tables import cases, events
from casework.time.deadlines import first_on_time
from workflows.spec import DayCounter, EventView, Workflow

METRIC = "petition.replied_on_time"


@dataclass(frozen=True, slots=True)
class Reply:
    """A case's first reply in the period."""

    case_no: str
    on: date
    office: str

    def as_json(self) -> DatedCase:
        return DatedCase(case_no=self.case_no, date=self.on.isoformat())


@dataclass
class OnTime:
    """The first replies of a period, and which of them came in time."""

    replied: list[Reply] = field(default_factory=list)
    on_time: list[Reply] = field(default_factory=list)
    late: list[Reply] = field(default_factory=list)

    def as_json(self, start: date, end: date) -> OnTimeJSON:
        return {
            "metric": METRIC,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "value": len(self.on_time),
            "replied": len(self.replied),
            "items": [r.as_json() for r in self.on_time],
            "late": [r.as_json() for r in self.late],
        }


def first_replies(
    conn: Connection,
    wf: Workflow | None,
    calendar: DayCounter,
    start: date,
    end: date,
    recorded_by: datetime | None = None,
    trigger: str = "reply",
    damaged: frozenset[int] = frozenset(),
) -> OnTime:
    """``petition.replied_on_time``: the cases whose first ``reply`` fell in the period, split
    by whether it came within the limit running then (信访工作条例 art. 32: 60 days from
    acceptance plus any extension)."""
    found = OnTime()
    if wf is None:
        return found
    by_case: dict[str, tuple[str, list[EventView]]] = {}
    query = _histories(wf.name, trigger, start, end, recorded_by)
    if damaged:  # left out (casework.read.damage.skipping)
        query = query.where(not_damaged(events.c.case_id, damaged))
    for r in conn.execute(query):
        by_case.setdefault(r.case_no, (r.office_code, []))[1].append(moment(r))
    for case_no, (office, history) in sorted(by_case.items()):
        first = first_on_time(wf, history, trigger, calendar)
        if first is None or not start <= first[0].occurred_on <= end:
            continue  # its first reply came before the period
        reply = Reply(case_no, first[0].occurred_on, office)
        found.replied.append(reply)
        (found.on_time if first[1] else found.late).append(reply)
    return found


def _histories(
    kind: str, trigger: str, start: date, end: date, recorded_by: datetime | None
) -> AnySelect:
    """The cases replied in the period (an index range on trigger and date), each with its
    history up to its last reply there: the case's first reply comes no later, and the events
    after that first reply play no part in judging it."""
    replies = (
        select(events.c.case_id, func.max(events.c.seq).label("upto"))
        .join(cases, and_(cases.c.id == events.c.case_id, cases.c.kind == kind))
        .where(events.c.trigger == trigger, events.c.occurred_on.between(start, end))
        .group_by(events.c.case_id)
    )
    if recorded_by is not None:
        replies = replies.where(events.c.recorded_at < recorded_by)
    replied_in = replies.subquery()
    return (
        select(
            cases.c.case_no,
            cases.c.office_code,
            events.c.seq,
            events.c.trigger,
            events.c.from_state,
            events.c.to_state,
            events.c.occurred_at,
            events.c.occurred_on,
            events.c.data,
        )
        .select_from(replied_in)
        .join(events, events.c.case_id == replied_in.c.case_id)
        .join(cases, cases.c.id == events.c.case_id)
        .where(
            events.c.seq <= replied_in.c.upto,
            events.c.recorded_at < recorded_by if recorded_by is not None else true(),
        )
        .order_by(events.c.case_id, events.c.seq)
    )
