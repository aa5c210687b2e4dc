"""On-time figures computed from the same deadline code as ``case show`` and ``due``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.engine import Connection

from casework.read.damage import not_damaged
from casework.read.once import shared_histories
from casework.read.scope import AnySelect
from casework.read.shapes import DatedCase, OnTimeJSON
from casework.storage.db import chunk_size
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
    only: frozenset[int] | None = None,
) -> OnTime:
    """``petition.replied_on_time``: the cases whose first ``reply`` fell in the period, split
    by whether it came within the limit running then (信访工作条例 art. 32: 60 days from
    acceptance plus any extension)."""
    found = OnTime()
    if wf is None:
        return found
    query = _replied(wf.name, trigger, start, end, recorded_by, only is not None)
    if damaged:  # left out (casework.read.damage.skipping)
        query = query.where(not_damaged(events.c.case_id, damaged))
    if only is not None:  # a roll-up's refresh of these cases (casework.read.rollups)
        query = query.where(events.c.case_id.in_(sorted(only)))
    replied = sorted(conn.execute(query), key=lambda r: r.case_no)
    # The histories other figures of the computation read too (routed, due in the period).
    read = shared_histories(conn, [r.case_id for r in replied], chunk_size(conn))
    for r in replied:
        # Its history up to its last reply in the period: the case's first reply comes no
        # later, and the events after that first reply play no part in judging it.
        history: list[EventView] = [
            ev
            for ev in read.get(r.case_id, [])
            if ev.seq <= r.upto and (recorded_by is None or ev.recorded_at < recorded_by)
        ]
        first = first_on_time(wf, history, trigger, calendar)
        if first is None or not start <= first[0].occurred_on <= end:
            continue  # its first reply came before the period
        reply = Reply(r.case_no, first[0].occurred_on, r.office_code)
        found.replied.append(reply)
        (found.on_time if first[1] else found.late).append(reply)
    return found


def _replied(
    kind: str,
    trigger: str,
    start: date,
    end: date,
    recorded_by: datetime | None,
    by_id: bool = False,
) -> AnySelect:
    """The cases replied in the period (an index range on trigger and date; with ``by_id``,
    of cases named by id: not through the trigger's index, scope.by_id), each with the
    sequence number of its last reply there."""
    replied: ColumnElement[str] = events.c.trigger
    of_kind: ColumnElement[str] = cases.c.kind
    if by_id:
        replied, of_kind = replied.concat(""), of_kind.concat("")
    replies = (
        select(
            events.c.case_id,
            func.min(cases.c.case_no).label("case_no"),
            func.min(cases.c.office_code).label("office_code"),
            func.max(events.c.seq).label("upto"),
        )
        .join(cases, and_(cases.c.id == events.c.case_id, of_kind == kind))
        .where(replied == trigger, events.c.occurred_on.between(start, end))
        .group_by(events.c.case_id)
    )
    if recorded_by is not None:
        replies = replies.where(events.c.recorded_at < recorded_by)
    return replies
