"""Dates and instants: typed as China Standard Time, stored as UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from casework.errors import InvalidData

# China has had no daylight saving since 1991, so a fixed offset is exact for every date we
# handle and avoids depending on the system's tz database.
CST = timezone(timedelta(hours=8), "Asia/Shanghai")


def parse_when(text: str, what: str = "time") -> datetime:
    """Parse an ISO 8601 date or date-time; local CST unless it carries an offset."""
    raw = text.strip()
    if not raw or len(raw) > 40 or not raw.isascii() or not raw[:4].isdigit():
        raise InvalidData(f"{what} {text!r} is not an ISO 8601 date or date-time (2020-03-02)")
    try:
        if len(raw) == 10:
            parsed = datetime.combine(date.fromisoformat(raw), time(0, 0))
        else:
            parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidData(
            f"{what} {text!r} is not an ISO 8601 date or date-time (2020-03-02T09:30)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CST)
    return parsed.astimezone(UTC)


def parse_date(text: str, what: str = "date") -> date:
    """Parse a local calendar date (YYYY-MM-DD)."""
    raw = text.strip()
    try:
        if len(raw) != 10 or not raw.isascii():
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidData(f"{what} {text!r} is not a date of the form YYYY-MM-DD") from None


def local_date(instant: datetime) -> date:
    """The China Standard Time calendar date of an instant."""
    return instant.astimezone(CST).date()


def local_iso(instant: datetime) -> str:
    """An instant as local ISO 8601 with its +08:00 offset, to the second."""
    return instant.astimezone(CST).isoformat(timespec="seconds")


def as_utc(instant: datetime) -> datetime:
    """Read a stored instant as aware UTC (SQLite hands back naive values)."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)
