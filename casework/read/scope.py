"""What a listing or a figure covers: one office or all of them, a period of local dates, and
the day the database is looked at as it stood (``as_of``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.engine import Connection, Row

from casework.domain.model import Actor
from casework.domain.policy import check_reveal, listing_scope, procedures_of, withheld
from casework.errors import InvalidData, NotAllowed
from casework.storage.directory import require_office
from casework.storage.handling import handling_office
from casework.storage.tables import cases, parties
from casework.time.local import CST
from workflows import Registry
from workflows.policy import HANDLER_KEY

# A row of any query, and a query of any columns (SQLAlchemy 2.1 types them by their columns).
AnyRow = Row[*tuple[Any, ...]]
AnySelect = Select[*tuple[Any, ...]]
# The party roles kept from a user on a case, given its procedure, office and data.
Withhold = Callable[[str, str, Mapping[str, object] | None], frozenset[str]]
# What a withheld party shows in their place: the role only (hotline_reconsideration.md 7).
CONFIDENTIAL_NAME = "（保密）"


@dataclass(frozen=True)
class Scope:
    """What a statistic looks at: a period of local dates, as the database stood on a day."""

    start: date
    end: date
    as_of: date | None = None
    office: str | None = None
    # Damaged cases left out (casework.read.damage.skipping): their ids, an empty set but then.
    damaged: frozenset[int] = frozenset()
    # The cut-off of a cohort rate's ``closed_by`` parts (a step counts if it happened by this
    # day), not the as-of day (when it was recorded); None: the period's end.
    closed_by: date | None = None
    # Only these cases (a roll-up's refresh of the cases changed since: casework.read.rollups);
    # None: every case.
    only_cases: frozenset[int] | None = None

    @property
    def cut_off(self) -> date:
        """The last day a ``closed_by`` part reads the history to."""
        return self.closed_by if self.closed_by is not None else self.end

    @property
    def recorded_by(self) -> datetime | None:
        """The first instant after ``as_of`` (local), or None for "as it stands now"."""
        if self.as_of is None:
            return None
        return datetime.combine(self.as_of + timedelta(days=1), time(0), CST).astimezone(UTC)


def by_id(column: ColumnElement[str], scope: Scope) -> ColumnElement[str]:
    """The column as an expression when the scope names its cases (a roll-up's refresh), so
    that no index of it serves and the cases are found by their ids: SQLite, without table
    statistics, would range over the column's index for all time."""
    return column.concat("") if scope.only_cases is not None else column


def office_scope(
    conn: Connection, actor: Actor | None, office: str | None, what: str
) -> str | None:
    """The one office a listing covers: the office asked for (which must exist and be the
    actor's to see), else a town user's own office, else None for every office.

    ``what`` names what is listed, as in ``统计`` or ``案件``.
    """
    if office is not None:
        require_office(conn, office)
    return listing_scope(actor, office, what)


def check_period(start: date | None, end: date | None, what: str = "统计周期") -> None:
    """A period whose last day comes before its first is refused."""
    if start is not None and end is not None and end < start:
        raise InvalidData(
            f"{what}结束日 ({end}) 早于开始日 ({start}) (the period ends before it starts)",
            field="to",
            value=end.isoformat(),
        )


# The most a count option may ask for: far more than any listing holds, and few enough days
# that a date stays within the calendar (issue 17: 99999999999999999999 was an internal error).
COUNT_MAX = 1_000_000


def at_least(value: int | None, low: int, field: str, label: str) -> None:
    """A count option (``limit``, ``within``) below its least value, or above ``COUNT_MAX``,
    is refused."""
    if value is not None and value < low:
        raise InvalidData(
            f"{label} {field} 应不小于 {low}，不是 {value} (at least {low})",
            field=field,
            value=value,
        )
    if value is not None and value > COUNT_MAX:
        raise InvalidData(
            f"{label} {field} 应不大于 {COUNT_MAX:,}，不是 {str(value)[:24]} "
            f"(at most {COUNT_MAX:,})",
            field=field,
            value=str(value)[:24],
        )


def may_reveal(actor: Actor | None, what: str) -> None:
    """Unmasked ID numbers and phones are for supervisors and admins; the refusal blames the
    request to reveal (``reveal``)."""
    try:
        check_reveal(actor, what)
    except NotAllowed as exc:
        raise NotAllowed(exc.reason, field="reveal", value=True) from None


def at_office(office: str) -> ColumnElement[bool]:
    """An office's cases in a listing: those it owns and those assigned to it now (派单)."""
    return or_(cases.c.office_code == office, handling_office(cases.c.data) == office)


def sent_to(office: str) -> ColumnElement[bool]:
    """The cases assigned to an office (派单) that another office owns: with the office's own,
    ``at_office`` without an ``OR``, each part a seek of its index (migration 0022)."""
    return and_(handling_office(cases.c.data) == office, cases.c.office_code != office)


def visible_to(actor: Actor | None) -> list[ColumnElement[bool]]:
    """What a listing shows a user: a town user their office's cases (``at_office``), a role
    limited to some procedures (workflows.policy.ROLE_PROCEDURES) only their cases."""
    out = procedures_visible(actor)
    office = own_office(actor)
    if office is not None:
        out.append(at_office(office))
    return out


def procedures_visible(actor: Actor | None) -> list[ColumnElement[bool]]:
    """``visible_to`` but the office: a procedure-scoped role's procedures only."""
    scoped = procedures_of(actor)
    return [] if scoped is None else [cases.c.kind.in_(sorted(scoped))]


def own_office(actor: Actor | None) -> str | None:
    """The office a town user's listings are kept to (None: a city-wide user)."""
    if actor is not None and not actor.city_wide and actor.office is not None:
        return actor.office
    return None


def withholding(registry: Registry, actor: Actor | None) -> Withhold:
    """The party roles kept from the user on each case (domain.policy.withheld), by the rule
    its procedure declares (``Workflow.confidential``)."""

    def roles(kind: str, office: str, data: Mapping[str, object] | None) -> frozenset[str]:
        wf = registry.get(kind)
        return withheld(actor, wf.confidential if wf else None, office, data)

    return roles


def withheld_parties(registry: Registry, actor: Actor | None) -> ColumnElement[bool] | None:
    """The condition on ``parties`` joined to ``cases`` of a party kept from the user (as
    :func:`withholding`, in SQL), or None when no procedure keeps any from them."""
    if actor is None or actor.office is None:
        return None
    kept = [
        and_(
            cases.c.kind == wf.name,
            parties.c.role.in_(wf.confidential.roles),
            cases.c.data[wf.confidential.field].as_string().in_(wf.confidential.values),
            cases.c.office_code != actor.office,
            cases.c.data[HANDLER_KEY].as_string() == actor.office,
        )
        for wf in registry
        if wf.confidential is not None
    ]
    return or_(*kept) if kept else None
