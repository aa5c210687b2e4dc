"""The dispute screening ledger (矛盾纠纷排查台账) as read: entries newest first, one entry with
the cases it found, the campaigns, the office-months without a routine entry, and the items
behind the screening figures (procedures/mediation.md 5 and its metric table)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, and_, exists, extract, func, literal, select
from sqlalchemy.engine import Connection

from casework.domain.model import Actor
from casework.domain.policy import may_see
from casework.errors import InvalidData, NotAllowed, NotFound
from casework.read.metrics import ItemsOf, QueryOf, listed
from casework.read.scope import AnySelect, Scope, check_period, office_scope
from casework.read.shapes import ScreeningJSON
from casework.storage.config import Config
from casework.storage.screenings import (
    KINDS,
    MEASURE_KINDS,
    CampaignJSON,
    campaign_json,
    entries_json,
)
from casework.storage.tables import (
    cases,
    offices,
    screening_campaigns,
    screenings,
)
from casework.storage.tables import screening_measures as measure_rows
from workflows import Registry
from workflows.settings import SCREENING_PER_MONTH


def screening_kind(kind: str) -> str:
    """A screening kind by its code or its Chinese label (``专项`` for ``special``)."""
    if kind in KINDS:
        return kind
    for code, label in KINDS.items():
        if label == kind:
            return code
    listed_kinds = "、".join(f"{label} {code}" for code, label in KINDS.items())
    raise InvalidData(
        f"排查类型 kind {kind[:20]!r} 应为以下之一：{listed_kinds}", field="kind", value=kind[:20]
    )


def list_entries(
    conn: Connection,
    actor: Actor | None,
    office: str | None,
    start: date | None,
    end: date | None,
    kind: str | None,
) -> list[ScreeningJSON]:
    """Screenings, newest first; a town user sees only their own office's."""
    check_period(start, end, "排查期间")
    query = select(screenings).order_by(screenings.c.day.desc(), screenings.c.id.desc())
    scope = office_scope(conn, actor, office, "排查台账")
    if scope is not None:
        query = query.where(screenings.c.office_code == scope)
    if start is not None:
        query = query.where(screenings.c.day >= start)
    if end is not None:
        query = query.where(screenings.c.day <= end)
    if kind is not None:
        query = query.where(screenings.c.kind == screening_kind(kind))
    return entries_json(conn, list(conn.execute(query)))


class LinkedCaseJSON(TypedDict):
    case_no: str
    kind: str
    office: str
    state: str
    registered_on: str


class EntryShown(ScreeningJSON):
    cases: list[LinkedCaseJSON]
    linked: int


def entry_number(value: int | str) -> int:
    """An entry's number as ``screening list`` shows it."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 11:
        raise InvalidData(f"排查编号 id 应为整数，不是 {text[:20]!r}", field="id", value=text[:20])
    return int(text)


def show_entry(conn: Connection, actor: Actor | None, number: int) -> EntryShown:
    """One entry, with the cases (mediation, major disputes) registered as found by it."""
    row = conn.execute(select(screenings).where(screenings.c.id == number)).first()
    if row is None:
        raise NotFound(f"未知排查 unknown screening {number}", field="id", value=number)
    if not may_see(actor, row.office_code):
        raise NotAllowed(
            f"排查 {number} 属于 {row.office_code}，只能查看本单位的排查", field="id", value=number
        )
    found = conn.execute(
        select(cases.c.case_no, cases.c.kind, cases.c.office_code, cases.c.state)
        .add_columns(cases.c.registered_on)
        .where(cases.c.screening_id == number)
        .order_by(cases.c.registered_at, cases.c.case_no)
    )
    linked = [
        LinkedCaseJSON(
            case_no=r.case_no,
            kind=r.kind,
            office=r.office_code,
            state=r.state,
            registered_on=r.registered_on.isoformat(),
        )
        for r in found
    ]
    entry = entries_json(conn, [row])[0]
    return EntryShown(**entry, cases=linked, linked=len(linked))


def list_campaigns(conn: Connection) -> list[CampaignJSON]:
    """The special campaigns, latest first, each with its number of entries."""
    used = (
        select(func.count())
        .where(screenings.c.campaign == screening_campaigns.c.code)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(screening_campaigns, used.label("entries")).order_by(
            screening_campaigns.c.from_day.desc(), screening_campaigns.c.code
        )
    )
    return [campaign_json(r, int(r.entries)) for r in rows]


class GapJSON(TypedDict):
    office: str
    month: str
    routine: int
    required: int


GapsJSON = TypedDict(
    "GapsJSON", {"from": str, "to": str, "offices": int, "months": int, "gaps": list[GapJSON]}
)


def months(start: date, end: date) -> list[tuple[str, date, date]]:
    """The months of a period, each cut to it: (``2020-03``, first day, last day)."""
    out: list[tuple[str, date, date]] = []
    day = start
    while day <= end:
        nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        out.append((f"{day.year}-{day.month:02d}", day, min(nxt - timedelta(days=1), end)))
        day = nxt
    return out


def gaps(
    conn: Connection,
    registry: Registry,
    actor: Actor | None,
    period: tuple[date, date],
    office: str | None = None,
) -> GapsJSON:
    """The town offices' months (of the period, cut to it) with fewer routine entries than
    the setting ``screening.routine_per_month`` in force on the month's first day asks."""
    start, end = period
    check_period(start, end, "排查期间")
    scope = office_scope(conn, actor, office, "排查台账")
    towns = select(offices.c.code).where(offices.c.level == "town").order_by(offices.c.code)
    codes = [r.code for r in conn.execute(towns) if scope is None or r.code == scope]
    if scope is not None and scope not in codes:
        codes = [scope]
    counted: dict[tuple[str, str], int] = {}
    year, month = extract("year", screenings.c.day), extract("month", screenings.c.day)
    stmt = (
        select(screenings.c.office_code, year, month, func.count())
        .where(screenings.c.kind == "routine", screenings.c.day.between(start, end))
        .group_by(screenings.c.office_code, year, month)
    )
    for code, y, m, n in conn.execute(stmt):
        counted[(code, f"{int(y)}-{int(m):02d}")] = int(n)
    config = Config(conn, registry)
    found: list[GapJSON] = []
    periods = months(start, end)
    for key, first, _last in periods:
        required = config.value(SCREENING_PER_MONTH, first)
        need = required if isinstance(required, int) else 1
        for code in codes:
            have = counted.get((code, key), 0)
            if have < need:
                found.append(GapJSON(office=code, month=key, routine=have, required=need))
    found.sort(key=lambda g: (g["month"], g["office"]))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "offices": len(codes),
        "months": len(periods),
        "gaps": found,
    }


# -- the items behind the screening figures ------------------------------------------------


def entries(value: ColumnElement[Any], *where: ColumnElement[bool]) -> QueryOf:
    """Each screening entry (those matching ``where``) on its day, valued by ``value``."""

    def query(scope: Scope) -> AnySelect:
        found = select(
            screenings.c.id.label("ref"),
            screenings.c.day.label("on"),
            screenings.c.office_code.label("office"),
            literal("screening").label("kind"),
            value.label("value"),
        ).where(screenings.c.day.between(scope.start, scope.end), *where)
        if scope.recorded_by is not None:
            found = found.where(screenings.c.recorded_at < scope.recorded_by)
        return found

    return query


HAS_MEASURES = exists().where(measure_rows.c.screening_id == screenings.c.id)
# 零报告: found nothing, prevented nothing, took no measure (procedures/mediation.md 5).
ZERO_REPORTS = entries(
    literal(1), screenings.c.found == 0, screenings.c.prevented == 0, ~HAS_MEASURES
)
# 排查发现纠纷: the entries that found any dispute, each valued by its count.
FOUND = entries(screenings.c.found, screenings.c.found > 0)
# 疫情专项排查: the entries of campaigns flagged pandemic (the report's 140).
PANDEMIC = entries(
    literal(1),
    screenings.c.campaign.in_(
        select(screening_campaigns.c.code).where(screening_campaigns.c.pandemic.is_(True))
    ),
)


def registered_query(scope: Scope) -> AnySelect:
    """Each case registered as found by an entry of the period, on the entry's day (排查发现
    登记: the cases linked to the period's entries)."""
    found = (
        select(
            cases.c.case_no.label("ref"),
            screenings.c.day.label("on"),
            # An expression (|| ''), which no index serves: the office compared with it must
            # not send SQLite over every case of the office instead of the period's entries.
            cases.c.office_code.concat("").label("office"),
            cases.c.kind.label("kind"),
            literal(1).label("value"),
        )
        .select_from(cases.join(screenings, screenings.c.id == cases.c.screening_id))
        .where(screenings.c.day.between(scope.start, scope.end))
    )
    if scope.recorded_by is not None:
        found = found.where(
            cases.c.recorded_at < scope.recorded_by,
            screenings.c.recorded_at < scope.recorded_by,
        )
    return found


def measures_query(kind: str, part: str) -> QueryOf:
    """Each entry of the period with a measure of this kind, valued by its 件 (``cases``) or
    人 (``people``): the screening part of ``prevention.<kind>.cases`` / ``.people``."""
    if kind not in MEASURE_KINDS or part not in ("cases", "people"):
        raise ValueError(f"no screening measure {kind!r}/{part!r}")
    column = measure_rows.c.cases if part == "cases" else measure_rows.c.people

    def query(scope: Scope) -> AnySelect:
        found = (
            select(
                screenings.c.id.label("ref"),
                screenings.c.day.label("on"),
                screenings.c.office_code.label("office"),
                literal("screening").label("kind"),
                column.label("value"),
            )
            .select_from(
                screenings.join(
                    measure_rows,
                    and_(
                        measure_rows.c.screening_id == screenings.c.id,
                        measure_rows.c.kind == kind,
                    ),
                )
            )
            .where(screenings.c.day.between(scope.start, scope.end))
        )
        if scope.recorded_by is not None:
            found = found.where(screenings.c.recorded_at < scope.recorded_by)
        return found

    return query


def screening_measures(kind: str, part: str) -> ItemsOf:
    """The screening entries' prevention measures of a kind in the scope, one item per entry
    (``ref`` its id, ``value`` its 件 or 人): what ``prevention.<kind>.cases`` / ``.people`` add
    to the cases' own ``prevent`` measures (procedures/mediation.md, metric table)."""
    return listed(measures_query(kind, part))
