"""The directory as listed: offices, users, and the years the working-day calendar covers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain.world import World
from casework.read.shapes import CalendarCoverage, CalendarYear, OfficeJSON, UserJSON
from casework.storage.tables import calendar_years, offices, users
from casework.time.calendar import package_years
from workflows.policy import ROLES

LEVELS = {"town": "镇街", "city": "市级"}


def list_offices(
    conn: Connection, world: World | None = None, day: date | None = None
) -> list[OfficeJSON]:
    """All offices, city-level first, then by code; with ``world``, each with its parent on
    ``day`` (an office code, or ``ext:NAME`` for an organ outside casework)."""
    rows = conn.execute(select(offices).order_by(offices.c.level.desc(), offices.c.code))
    out = []
    for r in rows:
        row = OfficeJSON(
            code=r.code,
            name=r.name,
            level=r.level,
            level_label=LEVELS.get(r.level, ""),
            kind=r.kind,
        )
        if world is not None and day is not None:
            row["parent"] = world.parent(r.code, day)
        out.append(row)
    return out


def list_users(conn: Connection) -> list[UserJSON]:
    """All users by office, then by username."""
    rows = conn.execute(select(users).order_by(users.c.office_code, users.c.username))
    return [
        UserJSON(
            username=r.username,
            name=r.name,
            role=r.role,
            role_label=ROLES.get(r.role, ""),
            office=r.office_code,
            active=r.active,
            attributes=dict(r.attributes or {}),
        )
        for r in rows
    ]


def calendar_coverage(conn: Connection) -> CalendarCoverage:
    """Which years the calendar covers, and by which source (the package or a holiday file)."""
    added = {
        r.year: CalendarYear(
            year=r.year, source="file", file=r.source, sha256=r.sha256, added_by=r.added_by
        )
        for r in conn.execute(select(calendar_years))
    }
    rows = [
        added.get(y, CalendarYear(year=y, source="chinesecalendar", file=None))
        for y in sorted(package_years() | set(added))
    ]
    covered = [r["year"] for r in rows]
    return CalendarCoverage(years=rows, first=min(covered), last=max(covered))
