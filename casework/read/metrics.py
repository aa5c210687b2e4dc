"""The items behind the figures: one row per case (or screening entry) a metric counts, with
the local date it counts on, its office, its kind and its value.

Most metrics are one query each (the procedures declare them in ``workflows/``: a case's
registration, or its first event of some triggers or into some states), which statistics
aggregate, group or list in the database. Two sources need more than one query and are
computed here: on-time replies (``replied_on_time``) and approved subsidy claims
(``approved_claims``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import FromClause

from casework.read.damage import not_damaged
from casework.read.ontime import first_replies
from casework.read.scope import AnySelect, Scope, by_id
from casework.read.subsidy import approved
from casework.storage.calendars import load_calendar
from casework.storage.tables import cases, events, screenings
from casework.time.periods import Quarter
from workflows import Registry
from workflows.mediation.metrics import SOURCE_GROUP
from workflows.spec import Workflow


@dataclass(frozen=True, slots=True)
class Item:
    """One case or screening entry a metric counts."""

    ref: str | int  # case number, or screening id
    on: date
    office: str
    kind: str
    value: int = 1
    data: Mapping[str, str] = field(default_factory=dict)  # e.g. a claim's mediation_case


ItemsOf = Callable[[Connection, Scope], list[Item]]
# A case's row in the statistics roll-ups (casework.read.rollups): its item, and the periods it
# counts for, by their last day (from the first date, before the second; None: unbounded)
# and their first (after the third; None: any).
Held = tuple[Item, date | None, date | None, date | None]
# The roll-up rows of a source, by part, of some cases, over a period (all time).
RowsOf = Callable[[Connection, Sequence[int], tuple[date, date]], dict[str, list[Held]]]
Where = tuple[tuple[str, tuple[str, ...]], ...]  # (field, values any of which will do)
QueryOf = Callable[[Scope], AnySelect]


def _matching(
    ev: FromClause,
    triggers: tuple[str, ...],
    to_states: tuple[str, ...],
    scope: Scope,
    by_case: bool = False,
    where: Where = (),
) -> list[ColumnElement[bool]]:
    """The conditions on an event of the events table (or an alias of it) that match: its
    trigger or target state, and its data holding one of the values given for each field."""
    columns = ev.c
    trigger: ColumnElement[str] = columns.trigger
    to_state: ColumnElement[str] = columns.to_state
    if by_case or scope.only_cases is not None:
        # The trigger and state are compared as expressions (``|| ''``), which no index
        # serves, so the lookup goes by the case's id instead of ranging over every earlier
        # event of the trigger (SQLite, without table statistics, would pick that).
        trigger, to_state = trigger.concat(""), to_state.concat("")
    cond: list[ColumnElement[bool]] = []
    if scope.damaged:  # first: SQLite's json_extract() fails on a damaged case's data
        cond.append(not_damaged(columns.case_id, scope.damaged))
    if scope.only_cases is not None and not by_case:
        cond.append(columns.case_id.in_(sorted(scope.only_cases)))
    if triggers:
        cond.append(trigger.in_(triggers))
    if to_states:
        cond.append(to_state.in_(to_states))
        cond.append(columns.from_state != columns.to_state)
    cond.extend(columns.data[name].as_string().in_(values) for name, values in where)
    if scope.recorded_by is not None:
        cond.append(columns.recorded_at < scope.recorded_by)
    return cond


def first_event(
    kind: str, triggers: tuple[str, ...], to_states: tuple[str, ...], where: Where = ()
) -> QueryOf:
    """Each case of a kind on the local date of its first matching event.

    Only cases whose first matching event falls in the period can count, so the query starts
    from the period's matching events (an index range on trigger or target state and date) and
    drops a case that has a matching event before the period (looked up by its case id): the
    earliest event left is its first. It never reads the events of other periods.
    """

    def query(scope: Scope) -> AnySelect:
        earlier = events.alias("earlier")
        before = select(earlier.c.id).where(
            earlier.c.case_id == events.c.case_id,
            earlier.c.occurred_on < scope.start,
            *_matching(earlier, triggers, to_states, scope, by_case=True, where=where),
        )
        # One row per case. Its number, office and kind are taken with min() (one value per
        # case) rather than grouped by, or joined again outside, so that a filter on the office
        # applies to these rows: grouped by, or joined, SQLite would start from all the
        # office's cases.
        return (
            select(
                func.min(cases.c.case_no).label("ref"),
                func.min(events.c.occurred_on).label("on"),
                func.min(cases.c.office_code).label("office"),
                func.min(cases.c.kind).label("kind"),
                literal(1).label("value"),
            )
            .select_from(events)
            .join(cases, cases.c.id == events.c.case_id)
            .where(
                by_id(cases.c.kind, scope) == kind,
                events.c.occurred_on.between(scope.start, scope.end),
                *_matching(events, triggers, to_states, scope, where=where),
                ~before.exists(),
            )
            .group_by(events.c.case_id)
        )

    return query


def each_event(kind: str, triggers: tuple[str, ...], office_field: str | None) -> QueryOf:
    """Each event of these triggers of a kind's cases on its local date (a case once per
    event), at the office its data name in ``office_field``, else the case's."""

    def query(scope: Scope) -> AnySelect:
        office: ColumnElement[str] = cases.c.office_code
        if office_field is not None:
            office = func.coalesce(events.c.data[office_field].as_string(), cases.c.office_code)
        return (
            select(
                cases.c.case_no.label("ref"),
                events.c.occurred_on.label("on"),
                office.label("office"),
                cases.c.kind.label("kind"),
                literal(1).label("value"),
            )
            .select_from(events)
            .join(cases, cases.c.id == events.c.case_id)
            .where(
                by_id(cases.c.kind, scope) == kind,
                events.c.occurred_on.between(scope.start, scope.end),
                *_matching(events, triggers, (), scope),
            )
        )

    return query


def registered(
    kind: str, where: tuple[tuple[str, str], ...] = (), value: str | None = None
) -> QueryOf:
    """Each case of a kind on the local date it was registered; with ``where``, only those
    whose data hold these values; with ``value``, valued by that field of its data (else 1)."""

    def query(scope: Scope) -> AnySelect:
        valued: ColumnElement[int] = (
            literal(1)
            if value is None
            else func.coalesce(cases.c.data[value].as_integer(), literal(1))
        )
        found = select(
            cases.c.case_no.label("ref"),
            cases.c.registered_on.label("on"),
            cases.c.office_code.label("office"),
            cases.c.kind.label("kind"),
            valued.label("value"),
        ).where(
            *([not_damaged(cases.c.id, scope.damaged)] if scope.damaged else []),
            *([cases.c.id.in_(sorted(scope.only_cases))] if scope.only_cases is not None else []),
            by_id(cases.c.kind, scope) == kind,
            cases.c.registered_on.between(scope.start, scope.end),
            *(cases.c.data[name].as_string() == wanted for name, wanted in where),
        )
        if scope.recorded_by is not None:
            found = found.where(cases.c.recorded_at < scope.recorded_by)
        return found

    return query


def screened(value: ColumnElement[int], special: bool = False) -> QueryOf:
    """Each screening entry (only special campaigns, with ``special``) on its day."""

    def query(scope: Scope) -> AnySelect:
        found = select(
            screenings.c.id.label("ref"),
            screenings.c.day.label("on"),
            screenings.c.office_code.label("office"),
            literal("screening").label("kind"),
            value.label("value"),
        ).where(screenings.c.day.between(scope.start, scope.end))
        if special:
            found = found.where(screenings.c.kind == "special")
        if scope.recorded_by is not None:
            found = found.where(screenings.c.recorded_at < scope.recorded_by)
        return found

    return query


def listed(query: QueryOf) -> ItemsOf:
    """A query's rows in the scope, by date and reference."""

    def items(conn: Connection, scope: Scope) -> list[Item]:
        q = query(scope).subquery()
        stmt = select(q).where(q.c.on.between(scope.start, scope.end))
        if scope.office is not None:
            stmt = stmt.where(q.c.office == scope.office)
        rows = conn.execute(stmt.order_by(q.c.on, q.c.ref))
        return [Item(r.ref, r.on, r.office, r.kind, int(r.value or 0)) for r in rows]

    return items


# -- computed sources ---------------------------------------------------------------------


def on_time_items(wf: Workflow) -> ItemsOf:
    """The cases whose first reply in the period came within the limit running then."""

    def items(conn: Connection, scope: Scope) -> list[Item]:
        calendar = load_calendar(conn)
        found = first_replies(
            conn,
            wf,
            calendar,
            scope.start,
            scope.end,
            scope.recorded_by,
            damaged=scope.damaged,
            only=scope.only_cases,
        )
        return [
            Item(r.case_no, r.on, r.office, wf.name)
            for r in found.on_time
            if scope.office is None or r.office == scope.office
        ]

    return items


def holds_a_quarter(start: date, end: date) -> bool:
    """Whether a whole calendar quarter lies inside the period."""
    quarter = Quarter.of(start)
    if quarter.first_day < start:
        quarter = Quarter.of(quarter.last_day + timedelta(days=1))
    return quarter.last_day <= end


def claim_items(wf: Workflow) -> ItemsOf:
    """Claims approved for a quarter inside the period, each on its quarter's last day, with
    its amount and the mediation case it is for."""

    def items(conn: Connection, scope: Scope) -> list[Item]:
        if not holds_a_quarter(scope.start, scope.end):
            return []  # claims count for a quarter inside the period: a month holds none
        return [
            Item(
                c.case_no,
                c.quarter.last_day,
                c.office,
                wf.name,
                c.amount,
                {"mediation_case": c.mediation_case or "", "quarter": str(c.quarter)},
            )
            for c in approved(conn, scope.start, scope.end, scope.recorded_by)
            if scope.office is None or c.office == scope.office
        ]

    return items


Parts = dict[str, list[Item]]  # a computed source's lists of items, by part
PartsOf = Callable[[Connection, Scope], Parts]
SourceOf = Callable[[Workflow, Registry], PartsOf]
NONE = "none"  # the group of items without the value grouped by (no channel, no refusal)
# ``--by reason`` groups a case by the reason of its refusal (不予受理理由, petition.md 1.3).
REFUSAL = "refuse"


def group_data(
    data: Mapping[str, object], reason: str | None = None, committee_type: str | None = None
) -> dict[str, str]:
    """What ``--by`` groups an item by, from its case: the channel, the reason of its refusal
    (``reason``, when it has one), the Ministry's group of its source (主动, 依申请, 移送), its
    dispute type and the type of the committee that accepted it (``committee_type``)."""
    channel, source, dispute = data.get("channel"), data.get("source"), data.get("dispute_type")
    return {
        "channel": str(channel) if channel else NONE,
        "reason": reason or NONE,
        "source": SOURCE_GROUP.get(str(source), NONE) if source else NONE,
        "dispute_type": str(dispute) if dispute else NONE,
        "committee_type": committee_type or NONE,
    }


def refusal_reasons(conn: Connection, case_ids: AnySelect) -> dict[int, str]:
    """The reason of each of these cases' first refusal, by case id (one query). The trigger
    is compared as an expression (``|| ''``), which no index serves, so that the lookup goes
    by the cases' ids rather than over every refusal ever made."""
    rows = conn.execute(
        select(events.c.case_id, events.c.data)
        .where(events.c.case_id.in_(case_ids), events.c.trigger.concat("") == REFUSAL)
        .order_by(events.c.case_id, events.c.seq)
    )
    out: dict[int, str] = {}
    for r in rows:
        out.setdefault(r.case_id, str((r.data or {}).get("reason") or NONE))
    return out


def whole(make: Callable[[Workflow], ItemsOf]) -> SourceOf:
    """A source of one list of items (its part ``""``)."""

    def source_of(wf: Workflow, registry: Registry) -> PartsOf:
        items = make(wf)
        return lambda conn, scope: {"": items(conn, scope)}

    return source_of
