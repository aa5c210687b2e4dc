"""The demo's calendar of work: the ops people take, when, and on which case.

A :class:`Schedule` draws the moments of a year's work from a seeded RNG (office hours on
working days) and collects the ops; the planners of each procedure build on it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from casework.demo.people import OFFICE_WEIGHTS, TOWNS
from casework.time.calendar import Calendar
from casework.time.local import CST


@lru_cache(maxsize=1024)
def _opening(day: date) -> datetime:
    """08:30 China time on a day, as the UTC instant events are stored in."""
    return datetime.combine(day, time(8, 30), CST).astimezone(UTC)


@dataclass(eq=False)
class Planned:
    """A case or screening to be created; its number or id is filled in when it is."""

    kind: str
    office: str
    ref: str
    case_no: str | None = None
    screening_id: int | None = None
    day: date | None = None
    found: int = 0  # a screening's disputes found and not yet named by a planned case


@dataclass(order=True)
class Op:
    at: datetime
    order: int
    user: str = field(compare=False)
    action: str = field(compare=False)  # register | advance | doc | screening | claims
    target: Planned | None = field(compare=False, default=None)
    args: dict[str, Any] = field(compare=False, default_factory=dict)


class Schedule:
    """The ops of one year, and the moments they are taken at."""

    def __init__(self, year: int, seed: int) -> None:
        self.year = year
        self.rng = random.Random(f"casework-demo-{year}-{seed}")
        self.cal = Calendar()
        self.ops: list[Op] = []
        self._n = 0
        self.year_end = date(year, 12, 31)
        self.after_year = datetime(year + 1, 1, 1, tzinfo=CST)
        self._months: dict[int, list[date]] = {}

    # -- time ----------------------------------------------------------------------------

    def at(self, day: date, minute: int | None = None) -> datetime:
        """A working-hours instant on a local day (08:30-17:30)."""
        if minute is None:
            minute = self.rng.randrange(0, 9 * 60)
        return _opening(day) + timedelta(minutes=minute)

    def working_day(self, day: date) -> date:
        """The day itself, or the next working day (offices mostly act on working days)."""
        return self.cal.next_working_day(day) if self.rng.random() < 0.92 else day

    def add(
        self, when: datetime, user: str, action: str, target: Planned | None = None, **args: Any
    ) -> None:
        self._n += 1
        if when < self.after_year:  # on a local day of the year
            self.ops.append(Op(when, self._n, user, action, target, args))

    def step(
        self,
        day: date,
        user: str,
        p: Planned,
        trigger: str,
        values: dict[str, str] | None = None,
        docs: tuple[tuple[str, str], ...] = (),
        **args: Any,
    ) -> None:
        """The documents (by whom, which kind) a step rests on, then the step, on one day, in
        that order (a guard reads the case file as it stands)."""
        minute = self.rng.randrange(0, 9 * 60 - len(docs) - 1)
        for n, (by, kind) in enumerate(docs):
            self.add(self.at(day, minute + n), by, "doc", p, doc=kind)
        at = self.at(day, minute + len(docs))
        self.add(at, user, "advance", p, trigger=trigger, values=values or {}, **args)

    def month_days(self, month: int) -> list[date]:
        cached = self._months.get(month)
        if cached is not None:
            return cached
        first = date(self.year, month, 1)
        last = date(self.year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        working = [d for d in days if self.cal.is_working_day(d)]
        self._months[month] = working or days
        return self._months[month]

    def office(self) -> str:
        return self.rng.choices(TOWNS, weights=[OFFICE_WEIGHTS[t] for t in TOWNS])[0]

    @staticmethod
    def split(total: int, weights: list[float]) -> list[int]:
        """``total`` split by weights, exactly (largest remainders)."""
        raw = [total * w / sum(weights) for w in weights]
        out = [int(r) for r in raw]
        for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[
            : total - sum(out)
        ]:
            out[i] += 1
        return out
