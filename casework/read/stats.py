"""The metric catalogue of statistics.md: every figure a query over stored cases, events and
screenings, for a period of local dates, optionally grouped, each traceable to its items.

The procedures declare their figures (``workflows.spec.MetricSpec``); the screening ledger's
are declared here. Each metric carries its own items function: a metric that is one query is
tallied in the database (the figure and every grouping are that query aggregated or grouped,
``explain`` lists it, so they always agree); a computed one (on-time replies, approved claims)
is tallied from its items, which are read once per computation however many figures use them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from sqlalchemy import ColumnElement, case, extract, func, literal, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Subquery

from casework.errors import InvalidData
from casework.read import cohorts, organisation, screening
from casework.read.cohort_rollups import cohort_rows
from casework.read.declared_cohorts import check_cohort, cohort_source
from casework.read.flagged import flagged
from casework.read.lapsed import lapsed_rows, lapsed_source
from casework.read.metrics import (
    NONE,
    REFUSAL,
    Item,
    ItemsOf,
    Parts,
    PartsOf,
    QueryOf,
    RowsOf,
    SourceOf,
    claim_items,
    each_event,
    first_event,
    listed,
    on_time_items,
    registered,
    screened,
    whole,
)
from casework.read.once import reading_once
from casework.read.scope import Scope, check_period
from casework.read.shapes import ExplainItem, ExplainJSON, Figure, GroupRow, StatsJSON
from casework.read.subsidy_figures import claim_figures
from casework.read.wording import rate_of
from casework.storage.tables import cases, committees, events, screenings, stat_items
from casework.time.periods import Quarter
from workflows import Registry
from workflows.mediation.metrics import SOURCE_GROUPS
from workflows.spec import (
    Cohort,
    Computed,
    EachEvent,
    FirstEvent,
    Flagged,
    Lapsed,
    MetricSpec,
    Rate,
    Registered,
    Workflow,
)

GROUPINGS = (
    "office",
    "month",
    "quarter",
    "kind",
    "channel",
    "reason",
    "source",
    "dispute_type",
    "committee_type",
)
# Groupings read from the case behind an item: its channel, its refusal's reason, the
# Ministry's group of its source, its dispute type, its committee's type.
BY_CASE = ("channel", "reason", "source", "dispute_type", "committee_type")
Key = Literal["case_no", "screening_id", "committee", "mediator"]
ALL = ""  # the group key of the whole scope
Tally = dict[str, tuple[int, int]]  # group key -> (count, sum of values)


@dataclass(frozen=True)
class Metric:
    """One figure: what it counts (``items``), and how.

    ``query`` is set for a metric that is one query, tallied in the database; ``parts`` names a
    rate's numerator and denominator; ``distinct_by`` counts items sharing that value once;
    ``key`` names an item's reference in ``explain``; metrics of one ``source`` share items.
    """

    name: str
    label: str
    kind: Literal["count", "sum", "rate"]
    items: ItemsOf
    query: QueryOf | None = None
    parts: tuple[str, str] | None = None
    distinct_by: str | None = None
    key: Key = "case_no"
    hidden: bool = False
    source: str = ""
    parts_of: PartsOf | None = None  # a computed source, whose part ``part`` this counts
    part: str = ""
    per_period: bool = False  # a stock (the ledger): grouped by month, computed per month
    null_if: str | None = None  # another metric: while it is not zero, this figure is null
    procedure: str = ""  # the procedure whose cases it counts ("": the screening ledger)
    rows_of: RowsOf | None = None  # its roll-up rows, when made apart (cohorts, lapses)


def _screening(name: str, label: str, query: QueryOf, kind: Literal["count", "sum"]) -> Metric:
    return Metric(name, label, kind, listed(query), query, key="screening_id", source=name)


PREVENTED = screenings.c.prevented
# The screening ledger is not a procedure: its figures are declared here, in catalogue order.
SCREENING_METRICS: tuple[tuple[int, Metric], ...] = (
    (140, _screening("screening.sessions", "排查次数", screened(literal(1)), "count")),
    (150, _screening("screening.special", "专项排查次数", screened(literal(1), True), "count")),
    (
        160,
        _screening("screening.prevented", "预防纠纷件数", screened(screenings.c.prevented), "sum"),
    ),
    # procedures/mediation.md 5 and its metric table (casework.read.screening).
    (152, _screening("screening.pandemic", "疫情专项排查次数", screening.PANDEMIC, "count")),
    (162, _screening("screening.found", "排查发现纠纷", screening.FOUND, "sum")),
    (164, _screening("screening.zero_reports", "零报告", screening.ZERO_REPORTS, "count")),
    (
        166,
        Metric(
            "screening.registered",
            "排查发现登记",
            "count",
            listed(screening.registered_query),
            screening.registered_query,
            source="screening.registered",
        ),
    ),
)


class Catalogue:
    """The metrics of a set of procedures and of the screening ledger, in catalogue order."""

    def __init__(self, metrics: Iterable[Metric]) -> None:
        self.metrics = tuple(metrics)
        self.by_name = {m.name: m for m in self.metrics}

    def __iter__(self) -> Iterator[Metric]:
        return iter(self.metrics)

    def metric(self, name: str) -> Metric:
        found = self.by_name.get(name)
        if found is None:
            raise InvalidData(
                f"未知指标 unknown metric {name[:60]!r}；可用 (known)：{', '.join(self.by_name)}",
                field="metric",
                value=name[:60],
            )
        return found

    def reported(self) -> list[str]:
        """The names of the figures reported by default (all but the hidden ones)."""
        return [m.name for m in self.metrics if not m.hidden]

    def items_of(self, name: str) -> Metric:
        """The metric whose items a metric lists: a rate lists its numerator's."""
        m = self.by_name[name]
        return self.by_name[m.parts[0]] if m.parts else m


# The sources a procedure's ``Computed`` metric may name, each made for its procedure.
SOURCES: dict[str, SourceOf] = {
    "replied_on_time": whole(on_time_items),
    "approved_claims": whole(claim_items),
    "claim_figures": claim_figures,
    "routing": cohorts.routing,
    "reply_due": cohorts.reply_due,
    "evaluation": cohorts.evaluation,
    "ledger": cohorts.ledger,
    "prevention": organisation.prevention_source,
    "committees": organisation.committee_source,
    "mediators": organisation.mediator_source,
}
# What an item of a source is when it is not a case (``explain`` names it so).
SOURCE_KEYS: dict[str, Key] = {"committees": "committee", "mediators": "mediator"}
# Stocks: what is on the ledger in a period depends on the whole period, so a grouping by
# month or quarter computes each month or quarter alone.
PER_PERIOD = frozenset({"ledger"})
# The computed sources whose items of a case are a day and a judgement made from that case's
# own whole history (the flags': and its linked cases', whose changes the roll-ups follow
# along the links) and the settings of the days it names, whatever the period asked for
# (casework.read.rollups keeps them per case). Not the claims: a payee's cap counts their
# other claims.
ROLLED_SOURCES = frozenset({"replied_on_time", "routing", "reply_due", "evaluation", "flags"})


def rolled_key(m: Metric) -> tuple[str, str] | None:
    """The (source, part) a metric's items are kept under in the roll-ups, or None when they
    are computed from the events each time."""
    if m.parts or m.per_period or m.distinct_by or m.key != "case_no" or not m.procedure:
        return None
    if m.query is not None:
        return (m.source, "")
    if m.rows_of is not None:
        return (m.source, m.part)
    if m.parts_of is not None and m.source.partition(":")[2] in ROLLED_SOURCES:
        return (m.source, m.part)
    return None


def _part(parts_of: PartsOf, part: str) -> ItemsOf:
    return lambda conn, scope: parts_of(conn, scope)[part]


def _computed(
    spec: MetricSpec,
    name: str,
    parts_of: PartsOf,
    part: str,
    per_period: bool = False,
    key: Key = "case_no",
) -> Metric:
    return Metric(
        spec.name,
        spec.label,
        spec.kind,
        _part(parts_of, part),
        distinct_by=spec.distinct_by,
        hidden=spec.hidden,
        source=name,
        parts_of=parts_of,
        part=part,
        per_period=per_period,
        null_if=spec.null_if,
        key=key,
    )


def _values(wf: Workflow) -> tuple[str | None, ...]:
    """The fields the procedure's flag figures are valued by (None: each case is 1)."""
    found = [s.counts.value for s in wf.metrics if isinstance(s.counts, Flagged)]
    return tuple(dict.fromkeys(found))


def declared(wf: Workflow, spec: MetricSpec, registry: Registry | None = None) -> Metric:
    """A procedure's declared metric as the read side computes it (rates aside)."""
    counts = spec.counts
    if isinstance(counts, Registered):
        query = registered(wf.name, counts.where, counts.value)
    elif isinstance(counts, FirstEvent):
        _check_names(wf, spec, counts)
        query = first_event(wf.name, counts.triggers, counts.to_states, counts.where)
    elif isinstance(counts, Flagged):
        if all(f.name != counts.flag for f in wf.flags):
            raise ValueError(f"{spec.name}: {wf.name} has no flag {counts.flag!r}")
        parts_of = flagged(wf, registry or Registry((wf,)), _values(wf))
        return _computed(spec, f"{wf.name}:flags", parts_of, f"{counts.flag}|{counts.value or ''}")
    elif isinstance(counts, Computed):
        make = SOURCES.get(counts.source)
        if make is None:
            known = ", ".join(SOURCES)
            raise ValueError(f"{wf.name}: unknown metric source {counts.source!r}; known: {known}")
        parts_of = make(wf, registry or Registry((wf,)))
        name = f"{wf.name}:{counts.source}"
        key = SOURCE_KEYS.get(counts.source, "case_no")
        return _computed(spec, name, parts_of, counts.part, counts.source in PER_PERIOD, key)
    elif isinstance(counts, Cohort):
        check_cohort(wf, spec, counts)
        parts_of = cohort_source(wf, registry or Registry((wf,)), counts.start)
        made = _computed(spec, f"{wf.name}:cohort:{'|'.join(counts.start)}", parts_of, spec.name)
        rows_of = cohort_rows(wf, registry or Registry((wf,)), counts.start)
        return dataclasses.replace(made, rows_of=rows_of)
    elif isinstance(counts, EachEvent):
        _check_names(wf, spec, FirstEvent(triggers=counts.triggers))
        query = each_event(wf.name, counts.triggers, counts.office_field)
    elif isinstance(counts, Lapsed):
        parts_of = lapsed_source(wf, registry or Registry((wf,)), counts.limit)
        made = _computed(spec, f"{wf.name}:lapsed:{counts.limit}", parts_of, "")
        rows_of = lapsed_rows(wf, registry or Registry((wf,)), counts.limit)
        return dataclasses.replace(made, rows_of=rows_of)
    else:
        raise ValueError(f"{spec.name}: a rate is built from its parts")
    return Metric(
        spec.name,
        spec.label,
        spec.kind,
        listed(query),
        query,
        distinct_by=spec.distinct_by,
        hidden=spec.hidden,
        source=spec.name,
    )


def _check_names(wf: Workflow, spec: MetricSpec, counts: FirstEvent) -> None:
    unknown = [t for t in counts.triggers if wf.trigger(t) is None]
    unknown += [s for s in counts.to_states if s not in wf.state_names]
    if unknown or not (counts.triggers or counts.to_states):
        raise ValueError(f"{spec.name}: {wf.name} has no trigger or state {unknown}")


def _rate(spec: MetricSpec, counts: Rate, by_name: dict[str, Metric]) -> Metric:
    parts = (counts.numerator, counts.denominator)
    missing = [p for p in parts if p not in by_name]
    if missing:
        raise ValueError(f"{spec.name}: the rate's parts {missing} are not declared")
    numerator = by_name[counts.numerator]
    return Metric(
        spec.name,
        spec.label,
        "rate",
        numerator.items,
        parts=parts,
        hidden=spec.hidden,
        source=numerator.source,
        parts_of=numerator.parts_of,
        part=numerator.part,
        per_period=numerator.per_period,
    )


@lru_cache(maxsize=16)
def catalogue(registry: Registry) -> Catalogue:
    """The catalogue of these procedures' declared metrics and the screening ledger's."""
    placed: list[tuple[int, Metric]] = list(SCREENING_METRICS)
    rates: list[tuple[str, MetricSpec, Rate]] = []
    for wf in registry:
        for spec in wf.metrics:
            if isinstance(spec.counts, Rate):
                rates.append((wf.name, spec, spec.counts))
            else:
                made = declared(wf, spec, registry)
                placed.append((spec.order, dataclasses.replace(made, procedure=wf.name)))
    by_name = {m.name: m for _, m in placed}
    for name, spec, counts in rates:
        made = _rate(spec, counts, by_name)
        placed.append((spec.order, dataclasses.replace(made, procedure=name)))
    placed.sort(key=lambda p: p[0])
    names = [m.name for _, m in placed]
    if len(set(names)) != len(names):
        raise ValueError(f"a metric is declared twice: {sorted(names)}")
    return Catalogue(m for _, m in placed)


@lru_cache(maxsize=16)
def catalogue_for(registry: Registry, procedures: frozenset[str] | None) -> Catalogue:
    """The catalogue a user reads: a role limited to some procedures (domain.policy.
    procedures_of: an operator, a reviewer) gets their metrics only, and not the screening
    ledger's, which is no procedure of theirs; None: every metric."""
    whole = catalogue(registry)
    if procedures is None:
        return whole
    return Catalogue(m for m in whole if m.procedure in procedures)


# -- figures and groupings ------------------------------------------------------------------


def group_key(by: str, item: Item) -> str:
    if by == "office":
        return item.office
    if by == "kind":
        return item.kind
    if by in BY_CASE:
        return item.data.get(by, NONE)
    if by == "month":
        return f"{item.on.year}-{item.on.month:02d}"
    return str(Quarter.of(item.on))


def sub_periods(scope: Scope, by: str) -> list[tuple[str, Scope]]:
    """The months or quarters of a scope, each cut to the scope, with its group key."""
    out: list[tuple[str, Scope]] = []
    day = scope.start
    while day <= scope.end:
        if by == "month":
            key = f"{day.year}-{day.month:02d}"
            nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        else:
            quarter = Quarter.of(day)
            key, nxt = str(quarter), quarter.last_day + timedelta(days=1)
        last = min(nxt - timedelta(days=1), scope.end)
        out.append((key, dataclasses.replace(scope, start=day, end=last)))
        day = nxt
    return out


def case_column(by: str) -> ColumnElement[str]:
    """What a ``BY_CASE`` grouping groups a case by, as a column of ``cases``: its channel,
    its first refusal's reason, the Ministry's group of its source (procedures/mediation.md
    2.2), its dispute type, or the type of its committee (its own, else its office's
    ``<office>-tj``, as ``declared_cohorts.committee_of`` reads it)."""
    if by in ("channel", "dispute_type"):
        value: ColumnElement[str] = cases.c.data[by].as_string()
        return value
    if by == "source":
        source = cases.c.data["source"].as_string()
        return case(
            *((source.in_(codes), literal(group)) for group, codes in SOURCE_GROUPS.items()),
            else_=literal(NONE),
        )
    if by == "committee_type":
        code = func.coalesce(
            cases.c.data["committee"].as_string(), cases.c.office_code.concat("-tj")
        )
        return select(committees.c.type).where(committees.c.code == code).scalar_subquery()
    return (
        select(events.c.data["reason"].as_string())
        .where(events.c.case_id == cases.c.id, events.c.trigger == REFUSAL)
        .order_by(events.c.seq)
        .limit(1)
        .scalar_subquery()
    )


def rolled_items(key: tuple[str, str], scope: Scope) -> Subquery:
    """The roll-ups' rows of a source's part that count for the scope's period, as a query's
    rows (``ref`` is the case's id)."""
    t = stat_items
    return (
        select(t.c.case_id.label("ref"), t.c.day.label("on"), t.c.office, t.c.kind, t.c.value)
        .where(
            t.c.source == key[0],
            t.c.part == key[1],
            or_(t.c.valid_from.is_(None), t.c.valid_from <= scope.end),
            or_(t.c.valid_to.is_(None), t.c.valid_to > scope.end),
            or_(t.c.prior.is_(None), t.c.prior < scope.start),
        )
        .subquery()
    )


class Computation:
    """One computation over a scope: each source's items are read once; with ``rolled``, the
    roll-ups' sources are summed from their rows (the caller checked they are up to date)."""

    def __init__(
        self, conn: Connection, cat: Catalogue, scope: Scope, rolled: bool = False
    ) -> None:
        self.conn, self.cat, self.scope = conn, cat, scope
        # With a cut-off other than the period's end, or without damaged cases, the rows (as
        # things stand, of every case) do not answer; ``rolled`` says the database stood at
        # ``as_of`` as it stands (the caller checked).
        cut_at_end = scope.closed_by is None or scope.closed_by == scope.end
        self.rolled = rolled and cut_at_end and not scope.damaged
        self._items: dict[str, list[Item]] = {}
        self._parts: dict[tuple[str, Scope], Parts] = {}

    def items(self, m: Metric, scope: Scope | None = None) -> list[Item]:
        scope = scope or self.scope
        if m.parts_of is not None:
            if (m.source, scope) not in self._parts:
                found = m.parts_of(self.conn, scope)
                # Listed as a query's rows are: by date, then reference.
                self._parts[(m.source, scope)] = {
                    part: sorted(items, key=lambda i: (i.on, str(i.ref)))
                    for part, items in found.items()
                }
            return self._parts[(m.source, scope)][m.part]
        if m.source not in self._items:
            self._items[m.source] = m.items(self.conn, self.scope)
        return self._items[m.source]

    def tally(self, m: Metric, by: str | None) -> Tally:
        """Count and sum a metric's items per group: in SQL, or from the computed items (a
        stock's per month or quarter, each computed alone)."""
        rows = rolled_key(m) if self.rolled and by not in BY_CASE else None
        if rows is not None:
            return self._summed(rolled_items(rows, self.scope), by, m)
        if m.query is not None:
            return self._summed(m.query(self.scope).subquery(), by, m)
        if m.per_period and by in ("month", "quarter"):
            out: Tally = {}
            for key, part in sub_periods(self.scope, by):
                counted = self._counted(m, self.items(m, part), None)
                if counted:
                    out[key] = counted[ALL]
            return out
        return self._counted(m, self.items(m), by)

    def _counted(self, m: Metric, items: list[Item], by: str | None) -> Tally:
        out: dict[str, list[int]] = {}
        seen: set[tuple[str, str]] = set()
        for item in items:
            key = ALL if by is None else group_key(by, item)
            tally = out.setdefault(key, [0, 0])
            once = item.data.get(m.distinct_by, "") if m.distinct_by else None
            if once is None or (key, once) not in seen:
                tally[0] += 1
                if once is not None:
                    seen.add((key, once))
            tally[1] += item.value
        return {k: (v[0], v[1]) for k, v in out.items()}

    def _summed(self, q: Subquery, by: str | None, m: Metric) -> Tally:
        """A query's rows (``ref``, ``on``, ``office``, ``kind``, ``value``) in the scope,
        counted and summed in the database."""
        scope = self.scope
        conds: list[ColumnElement[bool]] = [q.c.on.between(scope.start, scope.end)]
        if scope.office is not None:
            conds.append(q.c.office == scope.office)
        measures = (func.count(), func.coalesce(func.sum(q.c.value), 0))
        if by is None:
            count, total = self.conn.execute(select(*measures).where(*conds)).one()
            return {ALL: (int(count), int(total))} if count else {}
        if by in BY_CASE:
            return self._by_case(m, q, conds, by)
        if by in ("office", "kind"):
            column = q.c.office if by == "office" else q.c.kind
            stmt = select(column, *measures).where(*conds).group_by(column)
            return {str(k): (int(c), int(t)) for k, c, t in self.conn.execute(stmt)}
        out: dict[str, list[int]] = {}
        year, month = extract("year", q.c.on), extract("month", q.c.on)
        stmt = select(year, month, *measures).where(*conds).group_by(year, month)
        for y, mth, c, t in self.conn.execute(stmt):
            y, mth = int(y), int(mth)
            key = f"{y}-{mth:02d}" if by == "month" else f"{y}Q{(mth - 1) // 3 + 1}"
            tally = out.setdefault(key, [0, 0])
            tally[0] += int(c)
            tally[1] += int(t)
        return {k: (v[0], v[1]) for k, v in out.items()}

    def _by_case(self, m: Metric, q: Subquery, conds: list[ColumnElement[bool]], by: str) -> Tally:
        """Grouped by a value of the case behind each row (``case_column``)."""
        measures = (func.count(), func.coalesce(func.sum(q.c.value), 0))
        if m.key != "case_no":  # a screening entry has neither
            count, total = self.conn.execute(select(*measures).where(*conds)).one()
            return {NONE: (int(count), int(total))} if count else {}
        key = func.coalesce(case_column(by), NONE)
        stmt = (
            select(key, *measures)
            .select_from(q.join(cases, cases.c.case_no == q.c.ref))
            .where(*conds)
            .group_by(key)
        )
        return {str(k): (int(c), int(t)) for k, c, t in self.conn.execute(stmt)}

    def figure(self, name: str, tallies: dict[str, Tally], key: str) -> Figure:
        """A metric's figure for one group (or ``ALL``)."""
        m = self.cat.by_name[name]
        if m.parts is not None:
            numerator = self.figure(m.parts[0], tallies, key)
            denominator = self.figure(m.parts[1], tallies, key)
            if not denominator:
                return None
            return rate_of(int(numerator or 0), int(denominator))
        if m.null_if is not None and self.figure(m.null_if, tallies, key):
            return None
        count, total = tallies[name].get(key, (0, 0))
        return total if m.kind == "sum" else count

    def tallies(self, names: Sequence[str], by: str | None) -> dict[str, Tally]:
        """The tallies the named figures are computed from (a rate's are its parts')."""
        needed: list[str] = []
        for name in names:
            m = self.cat.by_name[name]
            for part in (*(m.parts or (name,)), *((m.null_if,) if m.null_if else ())):
                if part not in needed:
                    needed.append(part)
        return {name: self.tally(self.cat.by_name[name], by) for name in needed}


def checked(cat: Catalogue, scope: Scope, names: Sequence[str] | None, by: str | None) -> list[str]:
    """The metrics asked for (every reported one by default), once the names, the grouping and
    the period are seen to be good: a refusal comes before anything is read or written."""
    wanted = list(names or cat.reported())
    for name in wanted:
        cat.metric(name)
    if by is not None and by not in GROUPINGS:
        raise InvalidData(
            f"分组 by 应为 {'、'.join(GROUPINGS)} 之一，不是 {by[:20]!r}", field="by", value=by[:20]
        )
    check_period(scope.start, scope.end)
    return wanted


def compute(
    conn: Connection,
    cat: Catalogue,
    scope: Scope,
    names: Sequence[str] | None = None,
    by: str | None = None,
    rolled: bool = False,
) -> StatsJSON:
    """Every reported metric (or those named) for the scope, optionally grouped; ``rolled``:
    the roll-ups are up to date in this snapshot (casework.read.rollups.ready) and the
    database stood at the scope's ``as_of`` as it stands."""
    wanted = checked(cat, scope, names, by)
    run = Computation(conn, cat, scope, rolled)
    with reading_once():
        tallies = run.tallies(wanted, by)
    out: StatsJSON = {"from": scope.start.isoformat(), "to": scope.end.isoformat()}
    if scope.as_of is not None:
        out["as_of"] = scope.as_of.isoformat()
    if scope.closed_by is not None:
        out["closed_by"] = scope.closed_by.isoformat()
    if by is None:
        out["metrics"] = {name: run.figure(name, tallies, ALL) for name in wanted}
    else:
        keys = sorted({key for tally in tallies.values() for key in tally})
        out["by"] = by
        out["rows"] = [
            GroupRow(key=key, metrics={name: run.figure(name, tallies, key) for name in wanted})
            for key in keys
        ]
    out["labels"] = {name: cat.by_name[name].label for name in wanted}
    return out


def explained(m: Metric, shown: Metric, items: list[Item]) -> list[ExplainItem]:
    """The items behind a figure as ``explain`` lists them: one per ``distinct_by`` value."""
    if shown.distinct_by is not None:
        first: dict[str, Item] = {}
        for item in items:
            first.setdefault(item.data.get(shown.distinct_by, ""), item)
        items = list(first.values())
    out: list[ExplainItem] = []
    for item in items:
        row = ExplainItem(date=item.on.isoformat(), office=item.office)
        # A figure of cases and screening entries both (防激化) names each by what it is.
        if shown.key == "screening_id" or isinstance(item.ref, int):
            row["screening_id"] = int(item.ref)
        elif shown.key == "committee":
            row["committee"] = str(item.ref)
        elif shown.key == "mediator":
            row["mediator"] = str(item.ref)
        else:
            row["case_no"] = str(item.ref)
        if m.kind == "sum":
            row["value"] = item.value
        out.append(row)
    return out


def explain(conn: Connection, cat: Catalogue, name: str, scope: Scope) -> ExplainJSON:
    """The cases or screening entries behind one figure; their count equals the figure."""
    return explain_many(conn, cat, [name], scope)[0]


def explain_many(
    conn: Connection, cat: Catalogue, names: Sequence[str], scope: Scope
) -> list[ExplainJSON]:
    """``explain`` of each figure, in order, from one computation: figures of one source (a
    form's eighteen dispute types, say) read their cases once, not once each."""
    metrics = [cat.metric(name) for name in names]
    check_period(scope.start, scope.end)
    run = Computation(conn, cat, scope)
    with reading_once():
        tallies = run.tallies(list(dict.fromkeys(names)), None)
        return [_explained_figure(run, cat, m, tallies) for m in metrics]


def _explained_figure(
    run: Computation, cat: Catalogue, m: Metric, tallies: dict[str, Tally]
) -> ExplainJSON:
    name, scope = m.name, run.scope
    shown = cat.items_of(name)
    out: ExplainJSON = {
        "metric": name,
        "label": m.label,
        "from": scope.start.isoformat(),
        "to": scope.end.isoformat(),
        "value": run.figure(name, tallies, ALL),
        "items": explained(m, shown, run.items(shown)),
    }
    if m.parts is not None:
        out["denominator"] = run.figure(m.parts[1], tallies, ALL)
    return out
