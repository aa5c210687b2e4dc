"""Cohorts declared as data (``workflows.spec.Cohort``): the cases whose first ``start`` event
falls in the period, and the parts of them whose data and history hold a predicate.

All the cohort figures of one procedure and start are computed together, from two reads: the
cohort (the same query as the ``FirstEvent`` figure of its start, so that ``mediation.mediated``
and its parts are the same cases) and, of those cases only, the events of the triggers the
predicates name (an ``agree``'s form and amount, a ``perform``), never a whole history. Only a
part judged against a time limit (``overdue``) reads the histories, and only of the cases its
data admit (court-commissioned ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection

from casework.read.metrics import Item, Parts, PartsOf, first_event, group_data
from casework.read.scope import Scope
from casework.storage.db import chunk_size
from casework.storage.repository import histories_of
from casework.storage.tables import cases, committees, events
from casework.storage.world import StoredWorld
from workflows import Registry
from workflows.limits import running
from workflows.spec import Cohort, MetricSpec, Workflow

Match = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Member:
    """A case of the cohort: its id, number, start date, office and data."""

    id: int
    case_no: str
    on: date
    office: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Fact:
    """One event of a member's history that a predicate looks at."""

    trigger: str
    on: date
    data: Mapping[str, Any]


def cohort_specs(wf: Workflow, start: tuple[str, ...]) -> list[MetricSpec]:
    """The procedure's cohort figures of one start, in declaration order."""
    return [s for s in wf.metrics if isinstance(s.counts, Cohort) and s.counts.start == start]


def check_cohort(wf: Workflow, spec: MetricSpec, counts: Cohort) -> None:
    """A cohort names triggers and a limit its procedure has; a sum names its value."""
    named = [*counts.start, *counts.having, *counts.ends, *([counts.last] if counts.last else [])]
    unknown = [t for t in named if wf.trigger(t) is None]
    if unknown or not counts.start:
        raise ValueError(f"{spec.name}: {wf.name} has no trigger {unknown}")
    missing = [name for name in counts.overdue if wf.limit(name) is None]
    if missing:
        raise ValueError(f"{spec.name}: {wf.name} has no limit {missing}")
    if spec.kind == "sum" and not (counts.last and counts.value):
        raise ValueError(f"{spec.name}: a cohort sum adds a value of its last event")


def holds(data: Mapping[str, Any], match: Match) -> bool:
    """Whether data hold, for each field, one of its values."""
    return all(str(data.get(name)) in values for name, values in match)


@dataclass(frozen=True, slots=True)
class Course:
    """What the predicates read of a member's facts: the day each trigger first fired and
    each trigger's last event (made once per member, read by every part)."""

    first: Mapping[str, date]
    last: Mapping[str, Fact]

    @classmethod
    def of(cls, facts: Sequence[Fact]) -> Course:
        first: dict[str, date] = {}
        last: dict[str, Fact] = {}
        for f in facts:
            first.setdefault(f.trigger, f.on)
            last[f.trigger] = f
        return cls(first, last)


NO_COURSE = Course({}, {})


def judged(counts: Cohort, member: Member, facts: Sequence[Fact]) -> int | None:
    """The member's value in the part (1, or the last event's value), None when outside it."""
    if not holds(member.data, counts.where):
        return None
    return by_course(counts, member, Course.of(facts))


def by_course(counts: Cohort, member: Member, course: Course) -> int | None:
    """``judged`` but for the data: the member's value by its history alone."""
    if counts.having:
        if counts.later_than is None:
            if course.first.keys().isdisjoint(counts.having):
                return None
        else:
            days = [course.first[t] for t in counts.having if t in course.first]
            if not days or (min(days) - member.on).days <= counts.later_than:
                return None
    if counts.last is None:
        return 1
    last = course.last.get(counts.last)
    if last is None or not holds(last.data, counts.last_where):
        return None
    if counts.value is None:
        return 1
    raw = last.data.get(counts.value)
    return int(raw) if isinstance(raw, int | str) and str(raw).isdigit() else 0


def _fields(column: Any, names: Sequence[str]) -> list[Any]:
    """Values of a JSON column as columns of their own: the database reads them, and only
    them, instead of every row's whole document being decoded here."""
    return [column[name].as_string().label(f"v{i}") for i, name in enumerate(names)]


def _picked(values: Sequence[Any], names: Sequence[str]) -> dict[str, Any]:
    return {name: v for name, v in zip(names, values, strict=True) if v is not None}


def members(
    conn: Connection,
    kind: str,
    start: tuple[str, ...],
    scope: Scope,
    fields: Sequence[str],
    triggers: Sequence[str] = (),
    event_fields: Sequence[str] = (),
) -> tuple[list[Member], dict[int, list[Fact]]]:
    """The cohort: each case of a kind on the date of its first ``start`` event in the period,
    with these fields of its data; and, in the same query, its events of these triggers as
    recorded by as-of, in order, with those fields of their data. The events are joined by the
    case's id with the trigger compared as an expression (``|| ''``), so that they are looked
    up case by case, never over every event of the trigger ever recorded."""
    q = first_event(kind, start, ())(scope).subquery()
    joined = q.join(cases, cases.c.case_no == q.c.ref)
    columns = [q.c.ref, q.c.on, q.c.office, cases.c.id, *_fields(cases.c.data, fields)]
    if triggers:
        on = [events.c.case_id == cases.c.id, events.c.trigger.concat("").in_(triggers)]
        if scope.recorded_by is not None:
            on.append(events.c.recorded_at < scope.recorded_by)
        joined = joined.outerjoin(events, and_(*on))
        columns += [events.c.trigger, events.c.occurred_on, *_fields(events.c.data, event_fields)]
    stmt = select(*columns).select_from(joined).where(q.c.on.between(scope.start, scope.end))
    if scope.office is not None:
        stmt = stmt.where(q.c.office == scope.office)
    order = [q.c.on, q.c.ref, *([events.c.seq] if triggers else [])]
    found: list[Member] = []
    facts: dict[int, list[Fact]] = {}
    after = 4 + len(fields)
    last_id = None
    for r in conn.execute(stmt.order_by(*order)):
        case_id = r[3]
        if case_id != last_id:
            last_id = case_id
            found.append(Member(case_id, r[0], r[1], r[2], _picked(r[4:after], fields)))
        if triggers and r[after] is not None:
            fact = Fact(r[after], r[after + 1], _picked(r[after + 2 :], event_fields))
            facts.setdefault(case_id, []).append(fact)
    return found, facts


def committee_types(conn: Connection) -> dict[str, str]:
    """Each committee's type, by code (a few hundred rows, read once per computation)."""
    return {r.code: r.type for r in conn.execute(select(committees.c.code, committees.c.type))}


def committee_of(member_data: Mapping[str, Any], office: str) -> str:
    """The committee that accepted a case: its own, else its office's (``<office>-tj``)."""
    return str(member_data.get("committee") or f"{office}-tj")


def _overdue(
    conn: Connection,
    wf: Workflow,
    registry: Registry,
    counts: Cohort,
    chosen: Sequence[Member],
    scope: Scope,
) -> set[int]:
    """The members whose limit (the first of ``counts.overdue`` that holds for the case) ended
    before their first ``ends`` event, or before as-of (else the period's end) without one."""
    limits = [lim for name in counts.overdue for lim in wf.limits_named(name)]
    if not limits or not chosen:
        return set()
    world = StoredWorld(conn, registry)
    judge_on = scope.as_of or scope.end
    ids = [m.id for m in chosen]
    histories = histories_of(conn, ids, chunk_size(conn))
    data = {
        r.id: r.data or {}
        for r in conn.execute(select(cases.c.id, cases.c.data).where(cases.c.id.in_(ids)))
    }
    out: set[int] = set()
    for m in chosen:
        history = histories.get(m.id, [])
        if scope.recorded_by is not None:
            history = [ev for ev in history if ev.recorded_at < scope.recorded_by]
        limit = next((lim for lim in limits if lim.holds_for(data.get(m.id, {}))), None)
        if limit is None:
            continue
        end = next((i for i, ev in enumerate(history) if ev.trigger in counts.ends), None)
        run = running(limit, history[:end], world.calendar(), world.setting)
        if run is None or run.last_day is None:
            continue
        ended_on = history[end].occurred_on if end is not None else judge_on
        if ended_on > run.last_day:
            out.add(m.id)
    return out


def cohort_source(wf: Workflow, registry: Registry, start: tuple[str, ...]) -> PartsOf:
    """The parts of the cohort of one start, each named by its metric."""
    specs = cohort_specs(wf, start)
    wanted: list[str] = []
    for s in specs:
        assert isinstance(s.counts, Cohort)
        for t in (*s.counts.having, *s.counts.ends, *([s.counts.last] if s.counts.last else [])):
            if t not in wanted:
                wanted.append(t)

    # The values the parts and the groupings (group_data, committee_of) read.
    case_fields = list(dict.fromkeys([*GROUPED, *(n for s in specs for n, _ in _where(s))]))
    event_fields = list(dict.fromkeys(n for s in specs for n in _valued_by(s)))

    def parts(conn: Connection, scope: Scope) -> Parts:
        found, facts = members(conn, wf.name, start, scope, case_fields, wanted, event_fields)
        courses = {case_id: Course.of(listed) for case_id, listed in facts.items()}
        types = committee_types(conn)
        out: Parts = {s.name: [] for s in specs}
        items = {
            m.id: Item(
                m.case_no,
                m.on,
                m.office,
                wf.name,
                1,
                group_data(m.data, None, types.get(committee_of(m.data, m.office))),
            )
            for m in found
        }
        index: dict[str, dict[str, list[Member]]] = {}
        having: dict[tuple[str, ...], set[int]] = {}
        for s in specs:
            counts = s.counts
            assert isinstance(counts, Cohort)
            admitted = _admitted(counts, found, index)
            if counts.having:
                ids = having.get(counts.having)
                if ids is None:
                    ids = having[counts.having] = _having(courses, counts.having)
                admitted = [m for m in admitted if m.id in ids]
            if counts.last or counts.later_than is not None:
                chosen = [(m, by_course(counts, m, courses.get(m.id, NO_COURSE))) for m in admitted]
                kept = [(m, v) for m, v in chosen if v is not None]
            else:
                kept = [(m, 1) for m in admitted]
            if counts.overdue:
                late = _overdue(conn, wf, registry, counts, [m for m, _ in kept], scope)
                kept = [(m, v) for m, v in kept if (m.id in late) != counts.on_time]
            out[s.name] = [_valued(items[m.id], v) for m, v in kept]
        return out

    return parts


GROUPED = ("channel", "source", "dispute_type", "committee")


def _having(courses: Mapping[int, Course], triggers: tuple[str, ...]) -> set[int]:
    """The members with an event of one of these triggers (once per set of triggers: 调解成功,
    its written and oral parts and its amount share one)."""
    return {i for i, c in courses.items() if not c.first.keys().isdisjoint(triggers)}


def _where(spec: MetricSpec) -> Match:
    return spec.counts.where if isinstance(spec.counts, Cohort) else ()


def _valued_by(spec: MetricSpec) -> list[str]:
    """The fields of a part's last event it reads (its condition and its value)."""
    counts = spec.counts
    if not isinstance(counts, Cohort):
        return []
    return [n for n, _ in counts.last_where] + ([counts.value] if counts.value else [])


def _admitted(
    counts: Cohort, found: list[Member], index: dict[str, dict[str, list[Member]]]
) -> list[Member]:
    """The members whose data hold ``counts.where``, found through an index of the first
    field's values (built once per field), so that the 18 types and the sources cost one pass
    over the cohort together rather than one each."""
    if not counts.where:
        return found
    (name, values), rest = counts.where[0], counts.where[1:]
    by_value = index.get(name)
    if by_value is None:
        by_value = index[name] = {}
        for m in found:
            by_value.setdefault(str(m.data.get(name)), []).append(m)
    picked = [m for value in values for m in by_value.get(value, ())]
    return [m for m in picked if holds(m.data, rest)] if rest else picked


def _valued(item: Item, value: int) -> Item:
    if value == item.value:
        return item
    return Item(item.ref, item.on, item.office, item.kind, value, item.data)
