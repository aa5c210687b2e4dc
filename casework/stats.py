"""The metric catalogue of statistics.md: every figure a query over stored cases, events and
screenings, for a period of local dates, optionally grouped, each traceable to its items.

Counting metrics are built from one "items" query each (a row per case or screening, with the
local date it counts on, its office and kind); the figure, every grouping and ``explain`` are
the same query aggregated, grouped or listed, so they always agree. Two metrics need more than
SQL: ``petition.replied_on_time`` judges each reply against its deadline with the deadline code,
and the subsidy metrics count claims by the quarter they were approved for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, extract, func, literal, select
from sqlalchemy.engine import Connection

from casework.errors import InvalidData
from casework.time.periods import Quarter
from casework.storage.tables import cases, events, screenings
from casework.time.local import CST

GROUPINGS = ("office", "month", "quarter", "kind")


@dataclass(frozen=True)
class Scope:
    """What a statistic looks at: a period of local dates, as the database stood on a day."""

    start: date
    end: date
    as_of: date | None = None
    office: str | None = None

    @property
    def recorded_by(self) -> datetime | None:
        """The last instant of ``as_of`` (local), or None for "as it stands now"."""
        if self.as_of is None:
            return None
        return datetime.combine(self.as_of + timedelta(days=1), time(0), CST).astimezone(UTC)


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    kind: str  # count | sum | rate
    items: Callable[[Scope], Select[Any]] | None = None
    parts: tuple[str, str] | None = None  # rate: numerator, denominator
    hidden: bool = False


def _first(
    kind: str, triggers: tuple[str, ...], scope: Scope, to_states: tuple[str, ...] = ()
) -> Select[Any]:
    """Each case of a kind on the local date of its first matching event.

    Only cases whose first matching event falls in the period can count, so the query starts
    from the period's matching events (an index range on trigger or target state and date) and
    drops a case that has a matching event before the period (looked up by its case id): the
    earliest event left is its first. It never reads the events of other periods.
    """

    def matching(ev: Any, by_case: bool = False) -> list[Any]:
        # by_case: the trigger and state are compared as expressions (``|| ''``), which no
        # index serves, so the lookup goes by the case's id instead of ranging over every
        # earlier event of the trigger (SQLite, without table statistics, would pick that).
        trigger, to_state = ev.c.trigger, ev.c.to_state
        if by_case:
            trigger, to_state = trigger.concat(""), to_state.concat("")
        cond = []
        if triggers:
            cond.append(trigger.in_(triggers))
        if to_states:
            cond.append(to_state.in_(to_states))
            cond.append(ev.c.from_state != ev.c.to_state)
        if scope.recorded_by is not None:
            cond.append(ev.c.recorded_at < scope.recorded_by)
        return cond

    earlier = events.alias("earlier")
    before = select(earlier.c.id).where(
        earlier.c.case_id == events.c.case_id,
        earlier.c.occurred_on < scope.start,
        *matching(earlier, by_case=True),
    )
    # One row per case. Its number, office and kind are taken with min() (one value per case)
    # rather than grouped by, or joined again outside, so that a filter on the office applies
    # to these rows: grouped by, or joined, SQLite would start from all the office's cases.
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
            cases.c.kind == kind,
            events.c.occurred_on.between(scope.start, scope.end),
            *matching(events),
            ~before.exists(),
        )
        .group_by(events.c.case_id)
    )


def _registered(kind: str, scope: Scope) -> Select[Any]:
    query = select(
        cases.c.case_no.label("ref"),
        cases.c.registered_on.label("on"),
        cases.c.office_code.label("office"),
        cases.c.kind.label("kind"),
        literal(1).label("value"),
    ).where(cases.c.kind == kind, cases.c.registered_on.between(scope.start, scope.end))
    if scope.recorded_by is not None:
        query = query.where(cases.c.recorded_at < scope.recorded_by)
    return query


def _screenings(value: Any, scope: Scope, special: bool = False) -> Select[Any]:
    query = select(
        screenings.c.id.label("ref"),
        screenings.c.day.label("on"),
        screenings.c.office_code.label("office"),
        literal("screening").label("kind"),
        value.label("value"),
    ).where(screenings.c.day.between(scope.start, scope.end))
    if special:
        query = query.where(screenings.c.kind == "special")
    if scope.recorded_by is not None:
        query = query.where(screenings.c.recorded_at < scope.recorded_by)
    return query


CATALOGUE: tuple[Metric, ...] = (
    Metric("petition.registered", "信访登记件数", "count", lambda s: _registered("petition", s)),
    Metric("petition.accepted", "受理件数", "count", lambda s: _first("petition", ("accept",), s)),
    Metric("petition.replied", "答复件数", "count", lambda s: _first("petition", ("reply",), s)),
    Metric("petition.replied_on_time", "按期答复件数", "count"),
    Metric(
        "petition.closed",
        "办结件数",
        "count",
        lambda s: _first("petition", (), s, ("closed", "concluded")),
    ),
    Metric(
        "mediation.mediated", "调解件数", "count", lambda s: _first("mediation", ("accept",), s)
    ),
    Metric(
        "mediation.agreed", "调解成功件数", "count", lambda s: _first("mediation", ("agree",), s)
    ),
    Metric(
        "mediation.success_rate",
        "调解成功率",
        "rate",
        parts=("mediation.agreed", "mediation.concluded"),
    ),
    Metric("subsidy.cases", "纳入以案定补件数", "count"),
    Metric("subsidy.amount", "以案定补金额（元）", "sum"),
    Metric(
        "major_dispute.identified",
        "梳理重大矛盾纠纷件数",
        "count",
        lambda s: _registered("major_dispute", s),
    ),
    Metric(
        "major_dispute.resolved",
        "化解件数",
        "count",
        lambda s: _first("major_dispute", ("resolve",), s),
    ),
    Metric(
        "major_dispute.resolution_rate",
        "化解率",
        "rate",
        parts=("major_dispute.resolved", "major_dispute.identified"),
    ),
    Metric("screening.sessions", "排查次数", "count", lambda s: _screenings(literal(1), s)),
    Metric(
        "screening.special",
        "专项排查次数",
        "count",
        lambda s: _screenings(literal(1), s, special=True),
    ),
    Metric(
        "screening.prevented",
        "预防纠纷件数",
        "sum",
        lambda s: _screenings(screenings.c.prevented, s),
    ),
    # Not reported on its own: the denominator of the success rate (agreed or failed, each
    # case once, on the day its mediation ended).
    Metric(
        "mediation.concluded",
        "调解终结件数",
        "count",
        lambda s: _first("mediation", ("agree", "fail"), s),
        hidden=True,
    ),
)
BY_NAME = {m.name: m for m in CATALOGUE}
LABELS = {m.name: m.label for m in CATALOGUE}


def metric(name: str) -> Metric:
    found = BY_NAME.get(name)
    if found is None:
        raise InvalidData(f"unknown metric {name[:60]!r}; known: {', '.join(BY_NAME)}")
    return found


# -- items: the rows behind a figure -------------------------------------------------------


def items(conn: Connection, name: str, scope: Scope) -> list[dict[str, Any]]:
    """Every case (or screening) a metric counts in the scope, with its date, office, kind and
    value; for a rate, the cases of its numerator (its denominator is a metric of its own)."""
    m = metric(name)
    if name == "petition.replied_on_time":
        return _on_time_items(conn, scope)
    if name.startswith("subsidy."):
        return _subsidy_items(conn, scope)
    if m.kind == "rate" and m.parts is not None:
        return items(conn, m.parts[0], scope)
    assert m.items is not None
    query = m.items(scope).subquery()
    stmt = select(query).where(query.c.on.between(scope.start, scope.end))
    if scope.office is not None:
        stmt = stmt.where(query.c.office == scope.office)
    rows = conn.execute(stmt.order_by(query.c.on, query.c.ref))
    return [
        {
            "ref": r.ref,
            "date": r.on.isoformat(),
            "office": r.office,
            "kind": r.kind,
            "value": int(r.value or 0),
        }
        for r in rows
    ]


def _on_time_items(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    from casework.holidays import load_calendar
    from casework.ontime import replied_on_time
    from workflows import default_registry

    result = replied_on_time(
        conn,
        default_registry(),
        load_calendar(conn),
        scope.start,
        scope.end,
        recorded_by=scope.recorded_by,
    )
    offices = _offices_of(conn, [i["case_no"] for i in result["on_time"]])
    return [
        {
            "ref": i["case_no"],
            "date": i["date"],
            "office": offices[i["case_no"]],
            "kind": "petition",
            "value": 1,
        }
        for i in result["on_time"]
        if scope.office is None or offices[i["case_no"]] == scope.office
    ]


def _holds_a_quarter(start: date, end: date) -> bool:
    """Whether a whole calendar quarter lies inside the period."""
    quarter = Quarter.of(start)
    if quarter.first_day < start:
        quarter = Quarter.of(quarter.last_day + timedelta(days=1))
    return quarter.last_day <= end


def _subsidy_items(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    from casework.subsidy.claims import figures

    if not _holds_a_quarter(scope.start, scope.end):
        return []  # claims count for a quarter inside the period: a month holds none
    result = figures(conn, scope.start, scope.end, recorded_by=scope.recorded_by)
    offices = _offices_of(conn, [i["case_no"] for i in result["items"]])
    out = []
    for i in result["items"]:
        if scope.office is not None and offices[i["case_no"]] != scope.office:
            continue
        out.append(
            {
                "ref": i["case_no"],
                "date": Quarter.parse(i["quarter"]).last_day.isoformat(),
                "office": offices[i["case_no"]],
                "kind": "subsidy_claim",
                "value": i["amount"],
                "mediation_case": i["mediation_case"],
                "quarter": i["quarter"],
            }
        )
    return out


def _offices_of(conn: Connection, case_nos: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i in range(0, len(case_nos), 500):  # bounded IN lists, by the unique case number
        rows = conn.execute(
            select(cases.c.case_no, cases.c.office_code).where(
                cases.c.case_no.in_(case_nos[i : i + 500])
            )
        )
        out.update({r.case_no: r.office_code for r in rows})
    return out


# -- figures and groupings --------------------------------------------------------------


Tally = dict[str, tuple[int, int]]  # group key ("" for all) -> (count, sum of values)
ALL = ""


Listed = dict[str, list[dict[str, Any]]]  # the items of the metrics judged in Python


def _listed(conn: Connection, name: str, scope: Scope, memo: Listed) -> list[dict[str, Any]]:
    """A metric's items, computed once per computation (both subsidy metrics share theirs)."""
    key = "subsidy" if name.startswith("subsidy.") else name
    if key not in memo:
        memo[key] = items(conn, name, scope)
    return memo[key]


def _tally(
    conn: Connection, name: str, scope: Scope, by: str | None, memo: Listed | None = None
) -> Tally:
    """Count and sum a metric's items in SQL, per group; the few metrics judged in Python
    (on-time replies, subsidies) are tallied from their items."""
    m = BY_NAME[name]
    out: dict[str, list[int]] = {}
    if m.items is None:
        seen: dict[str, set[str]] = {}
        for r in _listed(conn, name, scope, {} if memo is None else memo):
            key = ALL if by is None else _group_key(by, r)
            tally = out.setdefault(key, [0, 0])
            if name.startswith("subsidy."):  # one dispute, one count, however many claims
                if r["mediation_case"] not in seen.setdefault(key, set()):
                    seen[key].add(r["mediation_case"])
                    tally[0] += 1
            else:
                tally[0] += 1
            tally[1] += int(r["value"])
        return {k: (v[0], v[1]) for k, v in out.items()}
    q = m.items(scope).subquery()
    conds: list[Any] = [q.c.on.between(scope.start, scope.end)]
    if scope.office is not None:
        conds.append(q.c.office == scope.office)
    measures = (func.count(), func.coalesce(func.sum(q.c.value), 0))
    if by is None:
        count, total = conn.execute(select(*measures).where(*conds)).one()
        return {ALL: (int(count), int(total))} if count else {}
    if by in ("office", "kind"):
        column = q.c.office if by == "office" else q.c.kind
        stmt = select(column, *measures).where(*conds).group_by(column)
        return {str(k): (int(c), int(t)) for k, c, t in conn.execute(stmt)}
    year, month = extract("year", q.c.on), extract("month", q.c.on)
    for y, mth, c, t in conn.execute(
        select(year, month, *measures).where(*conds).group_by(year, month)
    ):
        y, mth = int(y), int(mth)
        key = f"{y}-{mth:02d}" if by == "month" else f"{y}Q{(mth - 1) // 3 + 1}"
        tally = out.setdefault(key, [0, 0])
        tally[0] += int(c)
        tally[1] += int(t)
    return {k: (v[0], v[1]) for k, v in out.items()}


def _aggregate(name: str, tallies: dict[str, Tally], key: str) -> float | int | None:
    """A metric's figure for one group (or ``ALL``)."""
    m = BY_NAME[name]
    if m.kind == "rate" and m.parts is not None:
        numerator = _aggregate(m.parts[0], tallies, key)
        denominator = _aggregate(m.parts[1], tallies, key)
        if not denominator:
            return None
        return round(100.0 * float(numerator or 0) / float(denominator), 2)
    count, total = tallies[name].get(key, (0, 0))
    return total if m.kind == "sum" else count


def _needed(names: list[str]) -> list[str]:
    """The metrics whose items the named ones are computed from."""
    out: list[str] = []
    for name in names:
        parts = BY_NAME[name].parts
        for needed in (*(parts or ()), name):
            if needed not in out and not (needed == name and parts):
                out.append(needed)
    return out


def _group_key(by: str, row: dict[str, Any]) -> str:
    if by == "office":
        return str(row["office"])
    if by == "kind":
        return str(row["kind"])
    day = date.fromisoformat(row["date"])
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    return str(Quarter.of(day))


def compute(
    conn: Connection, scope: Scope, names: list[str] | None = None, by: str | None = None
) -> dict[str, Any]:
    """Every metric (or those named) for the scope, optionally grouped."""
    wanted = names or [m.name for m in CATALOGUE if not m.hidden]
    for name in wanted:
        metric(name)
    if by is not None and by not in GROUPINGS:
        raise InvalidData(f"--by must be one of {', '.join(GROUPINGS)}, not {by[:20]!r}")
    if scope.end < scope.start:
        raise InvalidData(f"the period ends ({scope.end}) before it starts ({scope.start})")
    memo: Listed = {}
    tallies = {name: _tally(conn, name, scope, by, memo) for name in _needed(wanted)}
    head: dict[str, Any] = {"from": scope.start.isoformat(), "to": scope.end.isoformat()}
    if scope.as_of is not None:
        head["as_of"] = scope.as_of.isoformat()
    labels = {name: LABELS[name] for name in wanted}
    if by is None:
        metrics = {name: _aggregate(name, tallies, ALL) for name in wanted}
        return {**head, "metrics": metrics, "labels": labels}
    keys = sorted({key for tally in tallies.values() for key in tally})
    grouped = [
        {"key": key, "metrics": {name: _aggregate(name, tallies, key) for name in wanted}}
        for key in keys
    ]
    return {**head, "by": by, "rows": grouped, "labels": labels}


def explain(conn: Connection, name: str, scope: Scope) -> dict[str, Any]:
    """The cases or screening entries behind one figure; their count equals the figure."""
    m = metric(name)
    memo: Listed = {}
    tallies = {needed: _tally(conn, needed, scope, None, memo) for needed in _needed([name])}
    listed = _listed(conn, m.parts[0] if m.parts else name, scope, memo)
    if name == "subsidy.cases":  # one item per mediation case
        first_claims: dict[str, dict[str, Any]] = {}
        for r in listed:
            first_claims.setdefault(r["mediation_case"], r)
        listed = list(first_claims.values())
    key = "screening_id" if name.startswith("screening.") else "case_no"
    return {
        "metric": name,
        "label": m.label,
        "from": scope.start.isoformat(),
        "to": scope.end.isoformat(),
        "value": _aggregate(name, tallies, ALL),
        "items": [
            {
                key: r["ref"],
                "date": r["date"],
                "office": r["office"],
                **({"value": r["value"]} if m.kind == "sum" else {}),
            }
            for r in listed
        ],
        **(
            {"denominator": _aggregate(m.parts[1], tallies, ALL)}
            if m.kind == "rate" and m.parts
            else {}
        ),
    }
