"""The plan of a demo year: every step of every case, in time order, drawn from a seeded RNG.

The plan is generated to meet the report's figures (see ``figures.py``): the number of
mediation cases accepted from January to November, of claims approved for the first three
quarters, of screenings and of major disputes. It decides only what people do and when; the
figures themselves come out of the statistics code run over what the services recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from casework.demo.figures import TARGETS
from casework.demo.hotline import HotlineYear
from casework.demo.majors import MajorDisputeYear
from casework.demo.mediation import MediationDraw
from casework.demo.mediation_steps import MediationSteps
from casework.demo.people import TOWNS
from casework.demo.petitions import PetitionYear
from casework.demo.reconsideration import ReconsiderationYear
from casework.demo.schedule import Op, Planned, Schedule
from casework.time.local import CST


class Planner(Schedule):
    """Builds the ops of one year."""

    # -- the year ------------------------------------------------------------------------

    def build(self) -> list[Op]:
        screenings = self.screenings()
        petitions = PetitionYear(self).plan()
        self.mediation(screenings)
        MajorDisputeYear(self).plan(petitions, screenings)
        HotlineYear(self).plan()  # last: the draws before it stay those of earlier years
        ReconsiderationYear(self).plan()
        # By time, then the order they were planned in (a key: comparing the dataclasses is
        # several times slower over the year's 80,000 ops).
        return sorted(self.ops, key=lambda op: (op.at, op.order))

    def screenings(self) -> list[Planned]:
        """Monthly routine screenings by every office, extra ones by busy offices, and the
        2020 pandemic campaign (疫情防控矛盾纠纷专项排查) concentrated in February-April."""
        t = TARGETS
        entries: list[tuple[date, str, str]] = []
        for month in range(1, 12):
            for office in TOWNS:
                entries.append((self.rng.choice(self.month_days(month)), office, "routine"))
        extra = t.screening_sessions - t.screening_special - len(entries)
        for _ in range(extra):
            entries.append(
                (
                    self.rng.choice(self.month_days(self.rng.randint(1, 11))),
                    self.office(),
                    "routine",
                )
            )
        campaign_months = self.split(t.screening_special, [5, 4, 2, 1, 0.5, 0.3])
        for month, n in zip(range(2, 8), campaign_months, strict=True):
            for _ in range(n):
                entries.append((self.rng.choice(self.month_days(month)), self.office(), "special"))
        entries.sort()
        weights = [3.0 if kind == "special" else 1.0 for _, _, kind in entries]
        prevented = [0] * len(entries)
        for i in self.rng.choices(range(len(entries)), weights=weights, k=t.screening_prevented):
            prevented[i] += 1
        planned = []
        for n, ((day, office, kind), stop) in enumerate(zip(entries, prevented, strict=True)):
            p = Planned("screening", office, f"screening-{self.year}-{n:04d}", day=day)
            found = stop + (0 if self.rng.random() < 0.3 else self.rng.randint(0, 4))
            p.found = found
            self.add(
                self.at(day),
                f"{office}_clerk",
                "screening",
                p,
                day=day,
                kind=kind,
                found=found,
                prevented=stop,
                campaign="2020-yq" if kind == "special" else None,  # 疫情防控专项排查
                note="零报告" if found == 0 else None,
            )
            planned.append(p)
        for office in TOWNS:  # December's routine round
            p = Planned("screening", office, f"screening-{self.year}-dec-{office}")
            day = self.rng.choice(self.month_days(12))
            self.add(
                self.at(day),
                f"{office}_clerk",
                "screening",
                p,
                day=day,
                kind="routine",
                found=self.rng.randint(0, 3),
                prevented=0,
                campaign=None,
                note=None,
            )
        return planned

    def mediation(self, screenings: list[Planned]) -> None:
        """People's mediation: exactly the report's number accepted from January to November,
        and exactly enough eligible cases archived in Q1-Q3 for the subsidy figure."""
        draw = MediationDraw(self)
        cases = draw.cases()
        draw.court(cases)
        draw.confirmations(cases)
        draw.preventions(cases)
        draw.link_disputes(cases)
        draw.found_by(cases, screenings)
        draw.fit_subsidy(cases)
        steps = MediationSteps(self)
        steps.plan(cases)
        steps.declined(round(TARGETS.mediated * 0.025))

    def claims(self) -> None:
        """Each quarter: drafts by every office, the town check, the city approval, payment."""
        # the towns' claims, and the city's industry committees' (checked by another
        # supervisor of the bureau than the one who approves: two checkers)
        claiming = [(t, f"{t}_clerk", f"{t}_sup") for t in TOWNS]
        claiming.append(("city-justice", "justice_clerk", "justice_checker"))
        for quarter, (draft, check, approve, pay) in CLAIM_CALENDAR.items():
            for office, clerk, checker in claiming:
                when = self.at(date(self.year, *draft), 60)
                self.add(
                    when,
                    clerk,
                    "claims",
                    None,
                    quarter=f"{self.year}{quarter}",
                    step="draft",
                    office=office,
                )
                self.add(
                    self.at(date(self.year, *check), 120),
                    checker,
                    "claims",
                    None,
                    quarter=f"{self.year}{quarter}",
                    step="check",
                    office=office,
                )
                corrected = date(self.year, *check) + timedelta(days=3)
                self.add(
                    self.at(corrected, 90),
                    clerk,
                    "claims",
                    None,
                    quarter=f"{self.year}{quarter}",
                    step="resubmit",
                    office=office,
                    checker=checker,
                )
            self.add(
                self.at(date(self.year, *approve), 60),
                "justice_sup",
                "claims",
                None,
                quarter=f"{self.year}{quarter}",
                step="approve",
            )
            self.add(
                self.at(date(self.year, *pay), 60),
                "admin",
                "claims",
                None,
                quarter=f"{self.year}{quarter}",
                step="pay",
            )


def plan_year(year: int, seed: int) -> list[Op]:
    """Every op of the demo year, in time order."""
    planner = Planner(year, seed)
    planner.claims()
    return planner.build()


def by_day(ops: list[Op]) -> Iterator[tuple[date, list[Op]]]:
    """The ops grouped by local day, in order."""
    current: date | None = None
    batch: list[Op] = []
    for op in ops:
        day = op.at.astimezone(CST).date()
        if day != current and batch:
            assert current is not None
            yield current, batch
            batch = []
        current = day
        batch.append(op)
    if batch and current is not None:
        yield current, batch


# quarter: (draft, town check, city approval, payment) as (month, day)
CLAIM_CALENDAR = {
    "Q1": ((4, 8), (4, 14), (4, 22), (5, 12)),
    "Q2": ((7, 7), (7, 13), (7, 21), (8, 11)),
    "Q3": ((10, 12), (10, 16), (10, 23), (11, 10)),
}
