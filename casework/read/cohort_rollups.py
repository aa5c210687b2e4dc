"""The declared cohorts' roll-up rows (issue 18 point 4): each member's value in each part as
it stands for every last day of a period, so that a cohort figure is a sum over the rows.

A member's value in a part depends on the period only through its last day D (as the
database stands, without ``closed_by``): a ``closed_by`` part reads the member's events up
to D, an ``overdue`` part judges the limit on D when no ``ends`` event came, and a
``final_set`` part reads its set as it stood on D. The value is a step function of D that
changes only on the day of one of the member's events (``closed_by``), on the day after its
limit's last day (``overdue``: the limit is judged on the whole history, D only decides
whether it has lapsed) and on a day the set's setting takes effect. So each member and part
gets a row for each run of days it holds the same value, valid from its first day until the
next change, judged there by the same functions as ``declared_cohorts`` judges a period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain.model import Event
from casework.read.declared_cohorts import (
    Course,
    Fact,
    Judge,
    Member,
    admitted,
    by_course,
    cohort_specs,
    holds,
    judge_for,
    late,
    members,
    reads_of,
)
from casework.read.metrics import Held, Item, RowsOf
from casework.read.scope import Scope
from casework.storage.db import chunk_size
from casework.storage.repository import histories_of
from casework.storage.tables import cases
from casework.storage.world import StoredWorld
from workflows import Registry
from workflows.limits import running
from workflows.spec import Cohort, MetricSpec, TimeLimit, Workflow


class Facts:
    """What the parts read of a chunk's members beyond the cohort query: their whole
    histories and data (for the ``overdue`` parts only), the world, and the courses and
    predicates made once for all the parts (made per part and day, they cost most)."""

    def __init__(
        self, conn: Connection, registry: Registry, wf: Workflow, overdue: Sequence[Cohort]
    ) -> None:
        self.conn, self.world = conn, StoredWorld(conn, registry)
        self.histories: dict[int, list[Event]] = {}
        self.data: dict[int, Mapping[str, Any]] = {}
        self.wf, self.overdue = wf, overdue
        self.courses: dict[tuple[int, date | None], Course] = {}
        self.judges: dict[tuple[Cohort, date | None], Judge] = {}

    def read(self, ids: Sequence[int]) -> None:
        """The data of these members and the histories of those an ``overdue`` part's limit
        holds for (as ``_overdue`` reads them: court-commissioned mediations, say)."""
        if not ids or not self.overdue:
            return
        query = select(cases.c.id, cases.c.data).where(cases.c.id.in_(list(ids)))
        self.data = {int(i): d or {} for i, d in self.conn.execute(query)}
        timed = [i for i in ids if any(self.limit_of(self.wf, c, i) for c in self.overdue)]
        self.histories = histories_of(self.conn, timed, chunk_size(self.conn))

    def course(self, m: Member, facts: Sequence[Fact], day: date | None) -> Course:
        """The member's course from its facts (up to ``day``; None: all of them)."""
        key = (m.id, day)
        found = self.courses.get(key)
        if found is None:
            upto = facts if day is None else [f for f in facts if f.on <= day]
            found = self.courses[key] = Course.of(upto)
        return found

    def judge(self, wf: Workflow, counts: Cohort, day: date) -> Judge:
        """The part's predicate for periods ending on ``day`` (the same for every day but
        where it reads a set)."""
        key = (counts, day if counts.final_set is not None else None)
        found = self.judges.get(key)
        if found is None:
            found = self.judges[key] = judge_for(wf, counts, self.world.setting, day)
        return found

    def limit_of(self, wf: Workflow, counts: Cohort, case_id: int) -> TimeLimit | None:
        """The first of the part's limits that holds for the case (as ``_overdue`` picks)."""
        limits = [lim for name in counts.overdue for lim in wf.limits_named(name)]
        data = self.data.get(case_id, {})
        return next((lim for lim in limits if lim.holds_for(data)), None)


def changes(
    wf: Workflow, counts: Cohort, m: Member, facts: Sequence[Fact], seen: Facts
) -> list[date]:
    """The last days on which the member's value in the part may change, from its day on."""
    days = {m.on}
    if counts.closed_by:
        days.update(f.on for f in facts if f.on > m.on)
    if counts.final_set is not None:
        entries = seen.world.config.history(counts.final_set)
        days.update(e.effective_from for e in entries if e.effective_from > m.on)
    if counts.overdue:
        limit = seen.limit_of(wf, counts, m.id)
        world = seen.world
        if limit is not None:
            history = seen.histories.get(m.id, [])
            run = running(limit, history, world.calendar(), world.setting)
            if run is not None and run.last_day is not None:
                days.add(max(m.on, run.last_day + timedelta(days=1)))
    return sorted(days)


def value_on(
    wf: Workflow,
    counts: Cohort,
    m: Member,
    facts: Sequence[Fact],
    seen: Facts,
    day: date,
) -> int | None:
    """The member's value in the part for a period ending on ``day`` (None: outside it)."""
    judge = seen.judge(wf, counts, day)
    value = by_course(counts, m, seen.course(m, facts, day if counts.closed_by else None), judge)
    if value is None or not counts.overdue:
        return value
    limit = seen.limit_of(wf, counts, m.id)
    world = (seen.world.calendar(), seen.world.setting)
    lapsed = limit is not None and late(limit, seen.histories.get(m.id, []), counts, world, day)
    return value if lapsed != counts.on_time else None


def held(
    wf: Workflow, spec: MetricSpec, m: Member, facts: Sequence[Fact], seen: Facts
) -> list[Held]:
    """The member's rows in the part: one per run of last days of the same value."""
    counts = spec.counts
    assert isinstance(counts, Cohort)
    if not holds(m.data, counts.where):
        return []
    days = changes(wf, counts, m, facts, seen)
    values = [value_on(wf, counts, m, facts, seen, d) for d in days]
    out: list[Held] = []
    for i, (day, value) in enumerate(zip(days, values, strict=True)):
        if value is None or (i and values[i - 1] == value):
            continue
        until = next((days[j] for j in range(i + 1, len(days)) if values[j] != value), None)
        out.append((Item(m.case_no, m.on, m.office, wf.name, value), day, until, None))
    return out


def cohort_rows(wf: Workflow, registry: Registry, start: tuple[str, ...]) -> RowsOf:
    """The rows of the cohort of one start, by part, of some cases (a roll-up's chunk)."""
    specs = cohort_specs(wf, start)
    wanted, case_fields, event_fields = reads_of(wf, specs)
    overdue = [s.counts for s in specs if isinstance(s.counts, Cohort) and s.counts.overdue]

    def rows(
        conn: Connection, ids: Sequence[int], period: tuple[date, date]
    ) -> dict[str, list[Held]]:
        scope = Scope(*period, only_cases=frozenset(ids))
        found, facts = members(conn, wf.name, start, scope, case_fields, wanted, event_fields)
        seen = Facts(conn, registry, wf, overdue)
        seen.read([m.id for m in found])
        index: dict[str, dict[str, list[Member]]] = {}
        out: dict[str, list[Held]] = {}
        for s in specs:
            assert isinstance(s.counts, Cohort)
            # Only the members whose data hold the part's ``where``, found as the events path
            # finds them (an index of the first field's values).
            chosen = admitted(s.counts, found, index)
            out[s.name] = [r for m in chosen for r in held(wf, s, m, facts.get(m.id, []), seen)]
        return out

    return rows
