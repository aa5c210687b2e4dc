"""The shape of a demo year of mediation: which days people come, how long a mediation takes.

A real ledger is not flat. Offices take cases on working days and a few on weekends; January
is busy before the Spring Festival (family, debts and wages due by the new year); in 2020 the
province's Level-I response to the epidemic (广东省重大突发公共卫生事件一级响应, 2020-01-23 to
02-24) emptied the offices for three weeks and halved them for two more, and what came in came
by phone or online. Months differ by chance as well as by season. Most mediations end the day
they start or within a week; a few take a month or two.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from casework.time.calendar import Calendar

# The Level-I response in Guangdong (粤府 2020-01-23; lowered to Level II on 2020-02-24).
LULL_START, LULL_END = date(2020, 1, 23), date(2020, 2, 24)
# Offices all but closed: the extended Spring Festival holiday and the week after it.
DEEP_START, DEEP_END = date(2020, 1, 24), date(2020, 2, 9)
# The busy weeks before the Spring Festival of 2020 (25 January).
FESTIVAL_RUSH = (date(2020, 1, 1), date(2020, 1, 22))

# Relative caseload of each month (1 = an ordinary month), before chance: the harvest and the
# summer bring land and water disputes, October's Golden Week empties the offices.
MONTH_SHAPE = {
    1: 1.0,
    2: 1.0,
    3: 0.92,
    4: 1.0,
    5: 1.04,
    6: 0.97,
    7: 1.07,
    8: 0.98,
    9: 1.02,
    10: 0.93,
    11: 1.0,
    12: 1.02,
}
# Days from acceptance to the outcome (agreement or failure): (share, shortest, longest).
DURATIONS = (
    (30.0, 0, 0),
    (17.0, 1, 3),
    (28.0, 4, 10),
    (16.0, 11, 30),
    (7.5, 31, 60),
    (1.5, 61, 85),
)


@dataclass(frozen=True)
class Season:
    """The day weights and durations of one demo year."""

    year: int
    cal: Calendar

    def in_lull(self, day: date) -> bool:
        return self.year == 2020 and LULL_START <= day <= LULL_END

    def closed(self, day: date) -> bool:
        """The offices held no sessions (2020-01-24 to 02-09)."""
        return self.year == 2020 and DEEP_START <= day <= DEEP_END

    def day_weight(self, day: date) -> float:
        """How many cases an office takes on a day, relative to an ordinary working day."""
        # a duty clerk on Saturdays, fewer on Sundays and holidays
        weekend = 0.3 if day.weekday() == 5 else 0.15
        weight = 1.0 if self.cal.is_working_day(day) else weekend
        if self.year == 2020:
            if DEEP_START <= day <= DEEP_END:
                weight *= 0.04
            elif DEEP_END < day <= LULL_END:
                weight *= 0.3
            elif day == LULL_START:
                weight *= 0.6
            elif FESTIVAL_RUSH[0] <= day <= FESTIVAL_RUSH[1]:
                weight *= 1.3
        return weight

    def accept_days(self, rng: random.Random, total: int, first: date, last: date) -> list[date]:
        """``total`` acceptance days from ``first`` to ``last``, each day's count drawn by its
        weight, its month's shape and chance (no two months come out equal)."""
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        for _ in range(50):
            factors = {m: MONTH_SHAPE[m] * rng.gauss(1.0, 0.035) for m in range(1, 13)}
            weights = [
                self.day_weight(d) * factors[d.month] * rng.lognormvariate(0.0, 0.18) for d in days
            ]
            counts = split(total, weights)
            months: dict[tuple[int, int], int] = {}
            for d, n in zip(days, counts, strict=True):
                months[(d.year, d.month)] = months.get((d.year, d.month), 0) + n
            if len(set(months.values())) == len(months):
                break
        return [d for d, n in zip(days, counts, strict=True) for _ in range(n)]

    def duration(self, rng: random.Random) -> int:
        """Days from acceptance to the outcome."""
        _, low, high = rng.choices(DURATIONS, weights=[d[0] for d in DURATIONS])[0]
        return rng.randint(low, high)

    def session_day(self, rng: random.Random, day: date) -> date:
        """The day a planned session is held: not while the offices were closed (moved to the
        weeks after 2020-02-10), and on a weekend only now and then."""
        if self.closed(day):
            day = DEEP_END + timedelta(days=1 + int(rng.expovariate(1 / 6)))
        if not self.cal.is_working_day(day) and rng.random() < 0.7:
            day = self.cal.next_working_day(day)
        return day


def split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split by weights, exactly (largest remainders)."""
    raw = [total * w / sum(weights) for w in weights]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[
        : total - sum(out)
    ]:
        out[i] += 1
    return out
