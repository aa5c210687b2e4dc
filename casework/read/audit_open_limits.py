"""The audit of the open-limits index (issue 18 point 1): each case's stored rows must be the
ones its events give (casework.storage.open_limits), so that an edit of the table, which would
hide a deadline from ``due`` or invent one, is found like an edit of a case row."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.storage.open_limits import Record, has_limits, records_of
from casework.storage.tables import open_limits
from casework.storage.world import StoredWorld
from workflows import Registry
from workflows.spec import EventView

PROBLEM = (
    "截止期限索引与事件不符（被改动）：{what} "
    "(the open-limits index differs from what the events give: changed)"
)


def stored_rows(conn: Connection, ids: Sequence[int]) -> dict[int, list[Record]]:
    """The index rows of these cases (a chunk's), by case id, in order: read by the chunk's
    range of ids, so that no list of ids is sent however large the chunk."""
    found: dict[int, list[Record]] = {}
    if not ids:
        return found
    wanted = set(ids)
    query = (
        select(open_limits)
        .where(open_limits.c.case_id.between(min(ids), max(ids)))
        .order_by(open_limits.c.case_id, open_limits.c.ord)
    )
    for r in conn.execute(query):
        if r.case_id not in wanted:
            continue
        row = (r.case_id, r.ord, r.state, r.binds, r.bound_office, r.last_day, dict(r.shown))
        found.setdefault(r.case_id, []).append(row)
    return found


def differences(want: Sequence[Record], have: Sequence[Record]) -> str | None:
    """What differs between the rows a case should have and those stored, or None."""
    if len(want) != len(have):
        return f"{len(have)} 行，应为 {len(want)} 行 ({len(have)} rows, {len(want)} expected)"
    for w, h in zip(want, have, strict=True):
        if w != h:
            shown = w[6].get("limit", w[1])
            return f"期限 {shown} (limit {shown})"
    return None


def index_findings(
    conn: Connection,
    registry: Registry,
    world: StoredWorld,
    chunk: Sequence[tuple[Any, Sequence[EventView]]],
) -> Iterator[tuple[str, str]]:
    """(case number, problem) for each case of the chunk (its row and events) whose index
    rows are not those its events give."""
    stored = stored_rows(conn, [row.id for row, _ in chunk])
    calendar = (world.calendar(), world.setting)
    for row, history in chunk:
        wf = registry.get(row.kind)
        have = stored.get(row.id, [])
        if wf is None or not has_limits(wf) or not history:
            want: list[Record] = []
        else:
            data: Mapping[str, object] = row.data if isinstance(row.data, Mapping) else {}
            want = records_of(row.id, wf, (row.office_code, data), history, calendar)
        problem = differences(want, have)
        if problem is not None:
            yield row.case_no, PROBLEM.format(what=problem)
