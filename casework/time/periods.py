"""Reporting periods: quarters such as ``2020Q3`` and local-date ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from casework.errors import InvalidData


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2020Q3`` (also ``2020-Q3``, ``2020q3``)."""
        match = re.fullmatch(r"\s*(\d{4})-?[Qq]([1-4])\s*", text)
        if not match:
            raise InvalidData(
                f"季度 quarter {text[:20]!r} 应写作 2020Q3 的形式", field="quarter", value=text[:20]
            )
        return cls(int(match.group(1)), int(match.group(2)))

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
