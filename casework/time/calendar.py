"""China's working-day calendar: weekends, statutory holidays and make-up working days (调休).

Two sources: the ``chinesecalendar`` package (the State Council's arrangements it knows, 2004
onwards) and holiday files an admin adds for the years it does not know yet (the arrangement for
a year is published each autumn). A year covered by a holiday file is taken from that file, so a
file also corrects the package. A computation that needs a year no source covers fails with an
error naming the year; it never guesses.

Holiday file format (UTF-8 text, one entry per line, ``#`` starts a comment)::

    2027-01-01..2027-01-03 holiday 元旦
    2027-02-06..2027-02-13 holiday 春节
    2027-02-14 workday 春节调休上班

Each line is a date or an inclusive range ``FROM..TO``, then ``holiday`` (a statutory rest day)
or ``workday`` (a weekend day worked instead), then an optional name. The file covers the years
its dates fall in; every other day of those years is a working day Monday to Friday and a rest
day at the weekend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache

from casework.errors import CaseworkError, InvalidData

DAY_KINDS = ("holiday", "workday")


class CalendarMissing(CaseworkError):
    """A date falls in a year for which no holiday arrangement is known."""

    def __init__(self, message: str, year: int) -> None:
        super().__init__(message)
        self.year = year


@cache
def package_years() -> frozenset[int]:
    """The years the chinesecalendar package knows."""
    from chinese_calendar import constants

    return frozenset(d.year for d in (*constants.holidays, *constants.workdays))


@lru_cache(maxsize=16384)
def package_working_day(day: date) -> bool:
    """Whether the chinesecalendar package counts the day as a working day (asked once per
    day: the package checks its argument in Python on every call)."""
    from chinese_calendar import is_workday

    return bool(is_workday(day))


@dataclass(frozen=True)
class DayEntry:
    day: date
    kind: str  # holiday | workday
    name: str


@dataclass
class Calendar:
    """Working days for China: the package's years plus the years of added holiday files."""

    added: Mapping[date, DayEntry] = field(default_factory=dict)
    added_years: frozenset[int] = frozenset()
    use_package: bool = True

    def covers(self, year: int) -> bool:
        return year in self.added_years or (self.use_package and year in package_years())

    def years(self) -> list[int]:
        covered = set(self.added_years)
        if self.use_package:
            covered |= package_years()
        return sorted(covered)

    def is_working_day(self, day: date) -> bool:
        """True for a working day (including a make-up working day), False for a rest day."""
        if day.year in self.added_years:
            entry = self.added.get(day)
            if entry is not None:
                return entry.kind == "workday"
            return day.weekday() < 5
        if self.use_package and day.year in package_years():
            return package_working_day(day)
        raise CalendarMissing(
            f"尚无 {day.year} 年的节假日安排（计算 {day.isoformat()} 时需要）(no holiday "
            f"arrangement is known for {day.year})；管理员可添加该年的节假日文件"
            "（calendar add，格式见其帮助）",
            day.year,
        )

    def next_working_day(self, day: date) -> date:
        """The day itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_days(self, start: date, days: int, roll: bool = True) -> date:
        """The last day of a limit of ``days`` calendar days counted from the day after
        ``start``; with ``roll`` a last day on a rest day moves to the next working day."""
        end = start + timedelta(days=days)
        return self.next_working_day(end) if roll else end

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (make-up working days count)."""
        day, left = start, days
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days fall after ``start`` up to and including ``end``."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def parse_holiday_file(text: str, source: str = "file") -> list[DayEntry]:
    """Read a holiday file; every bad line is reported at once, with its line number."""
    entries: dict[date, DayEntry] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 2:
            problems.append(f"第 {number} 行：应为 'DATE[..DATE] holiday|workday [名称]'")
            continue
        span, kind = parts[0], parts[1].lower()
        name = parts[2].strip() if len(parts) > 2 else ""
        if kind not in DAY_KINDS:
            problems.append(f"第 {number} 行：{parts[1][:20]!r} 不是 holiday 或 workday")
            continue
        try:
            first_text, _, last_text = span.partition("..")
            first = date.fromisoformat(first_text)
            last = date.fromisoformat(last_text) if last_text else first
        except ValueError:
            problems.append(f"第 {number} 行：{span[:30]!r} 不是日期或 FROM..TO 范围")
            continue
        if last < first or (last - first).days > 60:
            problems.append(f"第 {number} 行：范围 {span} 颠倒或超过 60 日")
            continue
        day = first
        while day <= last:
            previous = entries.get(day)
            if previous is not None and previous.kind != kind:
                problems.append(f"第 {number} 行：{day} 既是 holiday 又是 workday")
            entries[day] = DayEntry(day, kind, name)
            day += timedelta(days=1)
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"；另有 {len(problems) - 5} 处" if len(problems) > 5 else ""
        )
        raise InvalidData(f"节假日文件 {source}：{shown}", field="holiday_file")
    if not entries:
        raise InvalidData(f"节假日文件 {source} 没有列出任何日期", field="holiday_file")
    return sorted(entries.values(), key=lambda e: e.day)


def calendar_from(entries: Iterable[DayEntry], years: Iterable[int]) -> Calendar:
    """A calendar with added holiday files' days for the given years."""
    return Calendar({e.day: e for e in entries}, frozenset(years))
