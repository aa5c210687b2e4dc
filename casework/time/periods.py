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
        match = re.fullmatch(r"\s*(\d{4})-?[Qq](\d)\s*", typed(text))
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
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", typed(text))
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
