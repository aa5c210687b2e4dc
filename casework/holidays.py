"""Holiday files an admin adds, kept in the database so every office counts days alike."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, Engine

from casework.actors import load_actor, require_admin
from casework.time.calendar import Calendar, DayEntry, calendar_from, package_years, parse_holiday_file
from casework.clock import Clock
from casework.errors import InvalidData
from casework.storage.db import run_write
from casework.storage.tables import calendar_days, calendar_years


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


def add_holiday_file(db: Engine, clock: Clock, username: str | None, path: str) -> dict[str, Any]:
    """Add (or replace) the arrangement of the years a holiday file covers; admin only."""
    if not os.path.isfile(path):
        raise InvalidData(f"holiday file {path[:200]!r} is not a readable file")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(1 << 20)
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidData(f"holiday file {path[:200]!r} cannot be read as UTF-8: {exc}") from None
    name = os.path.basename(path)
    entries = parse_holiday_file(text, name)
    years = sorted({e.day.year for e in entries})
    digest = hashlib.sha256(raw).hexdigest()

    def work(conn: Connection) -> dict[str, Any]:
        actor = load_actor(conn, username)
        require_admin(actor, "adding a holiday file")
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
                    year=year,
                    source=name,
                    sha256=digest,
                    added_by=actor.username,
                    added_at=clock(),
                )
            )
        conn.execute(
            calendar_days.insert(),
            [{"day": e.day, "kind": e.kind, "name": e.name[:100]} for e in entries],
        )
        return {
            "file": name,
            "sha256": digest,
            "years": years,
            "holidays": sum(e.kind == "holiday" for e in entries),
            "workdays": sum(e.kind == "workday" for e in entries),
        }

    return run_write(db, work)


def calendar_coverage(conn: Connection) -> dict[str, Any]:
    """Which years are covered, and by which source."""
    added = {
        r.year: {
            "year": r.year,
            "source": "file",
            "file": r.source,
            "sha256": r.sha256,
            "added_by": r.added_by,
        }
        for r in conn.execute(select(calendar_years))
    }
    rows = [
        added.get(y, {"year": y, "source": "chinesecalendar", "file": None})
        for y in sorted(package_years() | set(added))
    ]
    covered = [r["year"] for r in rows]
    return {"years": rows, "first": min(covered), "last": max(covered)}
