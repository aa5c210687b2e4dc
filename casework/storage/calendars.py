"""The holiday files an admin added, kept in the database so every office counts days alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from casework.storage.adminlog import Act, AdminLog
from casework.storage.prepared import Prepared
from casework.storage.tables import calendar_days, calendar_years
from casework.time.calendar import Calendar, DayEntry, calendar_from

# Built once and run on the driver (storage.prepared): every unit of work that writes a step
# reads the calendar (the open-limits index), and through Core the read of the years alone
# cost a tenth of a step.
_YEARS = Prepared(select(calendar_years.c.year))
_DAYS = Prepared(select(calendar_days.c.day, calendar_days.c.kind, calendar_days.c.name))


def load_calendar(conn: Connection) -> Calendar:
    """The calendar as this database knows it: the package plus added holiday files."""
    years = {year for (year,) in _YEARS.rows(conn)}
    if not years:
        return Calendar()
    entries = [DayEntry(*r) for r in _DAYS.rows(conn) if r[0].year in years]
    return calendar_from(entries, years)


def _year_value(conn: Connection, year: int) -> dict[str, Any] | None:
    """A year's holiday file as the admin log records it: its source, SHA-256 and days."""
    row = conn.execute(
        select(calendar_years.c.source, calendar_years.c.sha256).where(
            calendar_years.c.year == year
        )
    ).first()
    if row is None:
        return None
    days = conn.execute(
        select(calendar_days)
        .where(calendar_days.c.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(calendar_days.c.day)
    )
    listed = [[d.day.isoformat(), d.kind, d.name] for d in days]
    return {"source": row.source, "sha256": row.sha256, "days": listed}


def replace_years(
    conn: Connection,
    entries: Sequence[DayEntry],
    source: tuple[str, str],
    added: tuple[str, datetime],
) -> tuple[list[int], list[Act]]:
    """Replace what was known of the years the entries cover; ``source`` is (file name,
    SHA-256), ``added`` (by whom, when). Returns the years and the admin log's entries, one a
    year, with the days replaced as the old value."""
    years = sorted({e.day.year for e in entries})
    acts: list[Act] = []
    for year in years:
        before = _year_value(conn, year)
        conn.execute(delete(calendar_years).where(calendar_years.c.year == year))
        conn.execute(
            delete(calendar_days).where(
                calendar_days.c.day >= date(year, 1, 1),
                calendar_days.c.day <= date(year, 12, 31),
            )
        )
        conn.execute(
            calendar_years.insert().values(
                year=year, source=source[0], sha256=source[1], added_by=added[0], added_at=added[1]
            )
        )
        days = sorted(
            ([e.day.isoformat(), e.kind, e.name[:100]] for e in entries if e.day.year == year),
            key=lambda d: d[0],
        )
        after = {"source": source[0], "sha256": source[1], "days": days}
        acts.append(Act("calendar.add", str(year), before, after))
    conn.execute(
        calendar_days.insert(),
        [{"day": e.day, "kind": e.kind, "name": e.name[:100]} for e in entries],
    )
    return years, acts


class Calendars:
    """The added holiday files of one unit of work."""

    def __init__(self, conn: Connection, log: AdminLog) -> None:
        self._conn = conn
        self._log = log

    def load(self) -> Calendar:
        return load_calendar(self._conn)

    def replace(
        self, entries: Sequence[DayEntry], source: tuple[str, str], added: tuple[str, datetime]
    ) -> list[int]:
        years, acts = replace_years(self._conn, entries, source, added)
        for act in acts:
            self._log.record(added, act)
        return years
