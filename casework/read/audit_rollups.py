"""The audit of the statistics roll-ups (issue 18 point 4): each case's stored items must be
the ones its events give (casework.read.rollups), so that an edit of ``stat_items``, which
would change a year's figures while every case and event stays whole, is found like an edit
of a case row. A case marked as changed is not held to its rows: they are computed again by
the next statistics (and a figure is never read from them meanwhile)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.read.rollups import records_for
from casework.read.stats import catalogue
from casework.storage.rollups import Record, stored
from casework.storage.tables import stat_dirty
from workflows import Registry

PROBLEM = (
    "统计汇总与事件不符（被改动）：{what} "
    "(the statistics roll-ups differ from what the events give: changed)"
)


def _marked(conn: Connection, ids: Sequence[int]) -> set[int]:
    query = select(stat_dirty.c.case_id).where(stat_dirty.c.case_id.between(min(ids), max(ids)))
    return {int(c) for (c,) in conn.execute(query)}


def difference(want: Sequence[Record], have: Sequence[Record]) -> str | None:
    """What differs between the rows a case should have and those stored, or None."""
    if list(want) == list(have):
        return None
    missing = [r for r in want if r not in have]
    extra = [r for r in have if r not in want]
    first = (missing or extra)[0]
    said = "缺少 (missing)" if missing else "多出 (not given by the events)"
    return f"{first[1]} {first[2] or ''} {first[3]} {said}".replace("  ", " ")


def rollup_findings(
    conn: Connection, registry: Registry, ids: Sequence[int]
) -> Iterator[tuple[int, str]]:
    """(case id, problem) for each of these cases, not marked, whose roll-up rows are not
    those its events give."""
    if not ids:
        return
    marked = _marked(conn, ids)
    kept = [i for i in ids if i not in marked]
    if not kept:
        return
    want: dict[int, list[Record]] = {}
    for r in records_for(conn, catalogue(registry), kept):
        want.setdefault(r[0], []).append(r)
    have = stored(conn, kept)
    for case_id in kept:
        problem = difference(want.get(case_id, []), have.get(case_id, []))
        if problem is not None:
            yield case_id, PROBLEM.format(what=problem)
