"""The holiday files an admin added, kept in the database so every office counts days alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from casework.storage.tables import calendar_days, calendar_years
from casework.time.calendar import Calendar, DayEntry, calendar_from


def load_calendar(conn: Connection) -> Calendar:
    """The calendar as this database knows it: the package plus added holiday files."""
    years = {r.year for r in conn.execute(select(calendar_years.c.year))}
    if not years:
        return Calendar()
    entries = [
        DayEntry(r.day, r.kind, r.name)
        for r in conn.execute(select(calendar_days))
        if r.day.year in years
    ]
    return calendar_from(entries, years)


def replace_years(
    conn: Connection,
    entries: Sequence[DayEntry],
    source: tuple[str, str],
    added: tuple[str, datetime],
) -> list[int]:
    """Replace what was known of the years the entries cover; ``source`` is (file name,
    SHA-256), ``added`` (by whom, when). Returns the years."""
    years = sorted({e.day.year for e in entries})
    for year in years:
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
    conn.execute(
        calendar_days.insert(),
        [{"day": e.day, "kind": e.kind, "name": e.name[:100]} for e in entries],
    )
    return years


class Calendars:
    """The added holiday files of one unit of work."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def load(self) -> Calendar:
        return load_calendar(self._conn)

    def replace(
        self, entries: Sequence[DayEntry], source: tuple[str, str], added: tuple[str, datetime]
    ) -> list[int]:
        return replace_years(self._conn, entries, source, added)
