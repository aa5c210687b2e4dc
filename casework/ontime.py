"""On-time figures computed from the same deadline code as ``case show`` and ``due``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select, true
from sqlalchemy.engine import Connection

from casework.time.calendar import Calendar
from casework.time.deadlines import first_on_time
from casework.legacy_services import EVENT_VIEW_COLUMNS, event_view
from casework.storage.tables import cases, events
from workflows import Registry
from workflows.spec import EventView


def replied_on_time(
    conn: Connection,
    registry: Registry,
    calendar: Calendar,
    start: date,
    end: date,
    recorded_by: datetime | None = None,
) -> dict[str, Any]:
    """``petition.replied_on_time``: petitions whose first reply fell in the period, split by
    whether it came within the 60-day limit plus any extension (信访工作条例 art. 32)."""
    wf = registry.get("petition")
    if wf is None:
        return {"replied": [], "on_time": [], "late": []}
    # The petitions replied in the period (an index range on trigger and date), each with its
    # last reply there: the case's first reply comes no later, and the events after that
    # first reply play no part in judging it, so only each history up to there is read.
    replies = (
        select(events.c.case_id, func.max(events.c.seq).label("upto"))
        .join(cases, and_(cases.c.id == events.c.case_id, cases.c.kind == "petition"))
        .where(events.c.trigger == "reply", events.c.occurred_on.between(start, end))
        .group_by(events.c.case_id)
    )
    if recorded_by is not None:
        replies = replies.where(events.c.recorded_at < recorded_by)
    replied_in = replies.subquery()
    rows = conn.execute(
        select(cases.c.case_no, events.c.case_id, *EVENT_VIEW_COLUMNS)
        .select_from(replied_in)
        .join(events, events.c.case_id == replied_in.c.case_id)
        .join(cases, cases.c.id == events.c.case_id)
        .where(
            events.c.seq <= replied_in.c.upto,
            events.c.recorded_at < recorded_by if recorded_by is not None else true(),
        )
        .order_by(events.c.case_id, events.c.seq)
    ).all()
    by_case: dict[str, list[EventView]] = {}
    for r in rows:
        by_case.setdefault(r.case_no, []).append(event_view(r))
    replied: list[dict[str, str]] = []
    on_time: list[dict[str, str]] = []
    late: list[dict[str, str]] = []
    for case_no, history in sorted(by_case.items()):
        found = first_on_time(wf, history, "reply", calendar)
        if found is None or not start <= found[0].occurred_on <= end:
            continue  # its first reply came before the period
        item = {"case_no": case_no, "date": found[0].occurred_on.isoformat()}
        replied.append(item)
        (on_time if found[1] else late).append(item)
    return {"replied": replied, "on_time": on_time, "late": late}
