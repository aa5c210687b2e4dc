"""Dates and instants: typed as China Standard Time, stored as UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache

from casework.errors import InvalidData
from casework.typed import day_in_range, out_of_range, typed, year_outside

# China has had no daylight saving since 1991, so a fixed offset is exact for every date we
# handle and avoids depending on the system's tz database.
CST = timezone(timedelta(hours=8), "Asia/Shanghai")


# How messages name the date fields (the field names of casework.errors).
DATE_LABELS = {
    "at": "时间 at",
    "as_of": "截至日期 as-of",
    "from": "起始日期 from",
    "to": "截止日期 to",
    "date": "日期 date",
    "on": "日期 on",
    "until": "结束日期 until",
    "since": "起始日期 since",
}


def parse_when(text: str, field: str = "at") -> datetime:
    """Parse an ISO 8601 date or date-time as typed (full-width digits too: casework.typed);
    local CST unless it carries an offset; a date outside casework's range is refused."""
    raw = typed(text).strip()
    label = DATE_LABELS.get(field, field)
    if not raw or len(raw) > 40 or not raw.isascii() or not raw[:4].isdigit():
        raise InvalidData(
            f"{label} {text[:40]!r} 不是 ISO 8601 日期或时间（如 2020-03-02）",
            field=field,
            value=text[:40],
        )
    try:
        if len(raw) == 10:
            parsed = datetime.combine(date.fromisoformat(raw), time(0, 0))
        else:
            parsed = datetime.fromisoformat(raw)
    except ValueError:
        if year_outside(raw):
            raise out_of_range(label, text, field) from None
        raise InvalidData(
            f"{label} {text[:40]!r} 不是 ISO 8601 日期或时间（如 2020-03-02T09:30）",
            field=field,
            value=text[:40],
        ) from None
    # Checked as typed, before the conversion to UTC that a day near year 1 cannot survive.
    day_in_range(parsed.date(), label, field)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=CST)
    return parsed.astimezone(UTC)


def date_only(text: str) -> bool:
    """Whether a time as typed gives a day and no time of day (``2020-11-20``)."""
    return len(typed(text).strip()) == 10


def parse_date(text: str, field: str = "date") -> date:
    """Parse a local calendar date (YYYY-MM-DD, full-width digits too) within the range."""
    raw = typed(text).strip()
    label = DATE_LABELS.get(field, field)
    try:
        if len(raw) != 10 or not raw.isascii():
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        if year_outside(raw):
            raise out_of_range(label, text, field) from None
        raise InvalidData(
            f"{label} {text[:40]!r} 不是 YYYY-MM-DD 形式的日期", field=field, value=text[:40]
        ) from None
    return day_in_range(day, label, field)


def local_date(instant: datetime) -> date:
    """The China Standard Time calendar date of an instant."""
    return instant.astimezone(CST).date()


@lru_cache(maxsize=4096)  # a batch's steps share their instants: its "now", a ledger's days
def local_iso(instant: datetime) -> str:
    """An instant as local ISO 8601 with its +08:00 offset, to the second."""
    return instant.astimezone(CST).isoformat(timespec="seconds")


def as_utc(instant: datetime) -> datetime:
    """Read a stored instant as aware UTC (SQLite hands back naive values)."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)
