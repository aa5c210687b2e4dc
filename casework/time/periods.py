"""Reporting periods: quarters such as ``2020Q3`` and local-date ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from casework.errors import InvalidData
from casework.typed import FIRST_DAY, LAST_DAY, typed


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str, field: str = "quarter") -> Quarter:
        """``2020Q3`` (also ``2020-Q3``, ``2020q3``, full-width ``２０２０Ｑ３``), of a year in
        casework's range (casework.typed)."""
        match = re.fullmatch(r"\s*([0-9]{4})-?[Qq]([0-9])\s*", typed(text))
        if not match:
            raise InvalidData(
                f"季度 quarter {text[:20]!r} 应写作 2020Q3 的形式 (like 2020Q3)",
                field=field,
                value=text[:20],
            )
        year, number = int(match.group(1)), int(match.group(2))
        if not 1 <= number <= 4 or not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise InvalidData(
                f"季度 quarter {text[:20]!r} 超出范围 out of range "
                f"({FIRST_DAY.year}Q1..{LAST_DAY.year}Q4)",
                field=field,
                value=text[:20],
            )
        return cls(year, number)

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first_day <= day <= self.last_day

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def parse_month(text: str, field: str = "month") -> date:
    """The first day of a month typed ``2020-11`` (also ``2020-1``, full-width digits), of a
    year in casework's range; a month outside 1..12 or the range is refused naming both."""
    match = re.fullmatch(r"\s*([0-9]{4})-([0-9]{1,2})\s*", typed(text))
    if not match:
        raise InvalidData(
            f"月份 month {text[:20]!r} 应形如 2020-11 (must look like 2020-11)",
            field=field,
            value=text[:20],
        )
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise InvalidData(
            f"月份 month {text[:20]!r} 超出范围 out of range "
            f"({FIRST_DAY.year}-01..{LAST_DAY.year}-12)",
            field=field,
            value=text[:20],
        )
    return date(year, month, 1)


# The years a reporting period may name: casework's range of dates (casework.typed).
FIRST_YEAR, LAST_YEAR = FIRST_DAY.year, LAST_DAY.year


@dataclass(frozen=True)
class ReportingPeriod:
    """A month (``2020-11``), a quarter (``2020Q4``) or a year (``2020``) as figures are
    published for it: its canonical name and its first and last local dates."""

    name: str
    first_day: date
    last_day: date

    @classmethod
    def parse(cls, text: str, field: str = "period") -> ReportingPeriod:
        # Full-width digits as typed are their ASCII forms, as in dates (casework.typed).
        raw = typed(text).strip()
        month = re.fullmatch(r"([0-9]{4})-([0-9]{2})", raw)
        year = re.fullmatch(r"([0-9]{4})", raw)
        found: ReportingPeriod | None = None
        # The year is checked before a date is made of it: year 0 has no date.
        head = raw[:4]
        in_range = head.isascii() and head.isdigit() and FIRST_YEAR <= int(head) <= LAST_YEAR
        if not in_range:
            found = None
        elif month and 1 <= int(month.group(2)) <= 12:
            first = date(int(month.group(1)), int(month.group(2)), 1)
            nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            found = cls(f"{first.year}-{first.month:02d}", first, nxt - timedelta(days=1))
        elif year:
            number = int(year.group(1))
            found = cls(str(number), date(number, 1, 1), date(number, 12, 31))
        elif re.fullmatch(r"[0-9]{4}-?[Qq][1-4]", raw):
            quarter = Quarter.parse(raw)
            found = cls(str(quarter), quarter.first_day, quarter.last_day)
        if found is None:
            raise InvalidData(
                f"期间 period {text[:20]!r} 应为月份 2020-11、季度 2020Q4 或年份 2020，"
                f"{FIRST_YEAR}..{LAST_YEAR} 年 (a month, a quarter or a year)",
                field=field,
                value=text[:20],
            )
        return found

    @classmethod
    def spanning(cls, first: date, last: date) -> ReportingPeriod | None:
        """The month, quarter or year that is exactly ``first`` to ``last``, if one is (a
        report's period is then one figures may have been published for)."""
        names = (f"{first.year}-{first.month:02d}", str(Quarter.of(first)), str(first.year))
        for name in names:
            found = cls.parse(name)
            if (found.first_day, found.last_day) == (first, last):
                return found
        return None
