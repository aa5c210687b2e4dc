"""The plan of a demo year: every step of every case, in time order, drawn from a seeded RNG.

The plan is generated to meet the report's figures (see ``figures.py``): the number of
mediation cases accepted from January to November, of claims approved for the first three
quarters, of screenings and of major disputes. It decides only what people do and when; the
figures themselves come out of the statistics code run over what the services recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import NotRequired, TypedDict

from casework.demo.figures import TARGETS
from casework.demo.majors import MajorDisputeYear
from casework.demo.people import TOWNS, mediators_of, party
from casework.demo.petitions import PetitionYear
from casework.demo.schedule import Op, Planned, Schedule
from casework.time.local import CST


class MediationPlan(TypedDict):
    """One mediation case of the year as planned: where, by whom, the days of its steps."""

    office: str
    accept: date
    agree: date
    perform: date
    follow: date
    archive: date
    mediator: str
    category: str  # E eligible, O oral, B breached, F failed, L linked to an earlier case
    open: bool
    link: NotRequired[int | None]
    planned: NotRequired[Planned]


class Planner(Schedule):
    """Builds the ops of one year."""

    # -- the year ------------------------------------------------------------------------

    def build(self) -> list[Op]:
        screenings = self.screenings()
        petitions = PetitionYear(self).plan()
        self.mediation()
        MajorDisputeYear(self).plan(petitions, screenings)
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
            self.add(
                self.at(day),
                f"{office}_clerk",
                "screening",
                p,
                day=day,
                kind=kind,
                found=found,
                prevented=stop,
                campaign="新冠肺炎疫情防控矛盾纠纷专项排查" if kind == "special" else None,
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

    def mediation(self) -> None:
        """People's mediation: exactly the report's number accepted from January to November,
        and exactly enough eligible cases archived in Q1-Q3 for the subsidy figure."""
        cases = self.mediation_cases()
        self.link_disputes(cases)
        self._fit_subsidy(cases)
        for n, c in enumerate(cases):
            self.mediation_path(n, c, cases)
        self.declined_applications()

    def mediation_cases(self) -> list[MediationPlan]:
        """Each case's office, mediator, category and the days of its steps, by acceptance."""
        t = TARGETS
        # More family and land disputes around the Spring Festival; fewer in the autumn.
        weights = [1.4, 1.2, 1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.85, 0.85, 1.0]
        counts = self.split(t.mediated, weights[:11])
        counts.append(round(t.mediated / sum(weights[:11]) * weights[11]))
        cases: list[MediationPlan] = []
        for month, count in enumerate(counts, start=1):
            for _ in range(count):
                accept = self.rng.choice(self.month_days(month))
                office = self.office()
                agree = accept + timedelta(days=self.rng.choice((1, 2, 3, 3, 5, 7, 10, 14)))
                perform = agree + timedelta(days=self.rng.choice((1, 2, 3, 5, 7, 10, 15)))
                follow = perform + timedelta(days=self.rng.randint(2, 8))
                archive = self.working_day(follow + timedelta(days=self.rng.randint(1, 4)))
                cases.append(
                    MediationPlan(
                        office=office,
                        accept=accept,
                        agree=agree,
                        perform=perform,
                        follow=follow,
                        archive=archive,
                        mediator=f"{office}_med{self.rng.randint(1, mediators_of(office))}",
                        category=self.rng.choices("EOBFL", weights=(93, 3, 1.5, 2, 0.5))[0],
                        open=month == 12 or (month == 11 and self.rng.random() < 0.3),
                    )
                )
        cases.sort(key=lambda c: (c["accept"], c["office"]))
        return cases

    def link_disputes(self, cases: list[MediationPlan]) -> None:
        """Linked cases (the same dispute mediated again) follow an earlier case."""
        for i, c in enumerate(cases):
            if c["category"] == "L":
                earlier = [
                    j
                    for j in range(max(0, i - 400), i)
                    if cases[j]["office"] == c["office"]
                    and cases[j]["category"] == "E"
                    and cases[j]["archive"] <= c["archive"]
                    # registered on an earlier day, so before this one whatever the minute
                    and cases[j]["accept"] < c["accept"]
                ]
                c["link"] = self.rng.choice(earlier) if earlier else None
                if c["link"] is None:
                    c["category"] = "E"

    def declined_applications(self) -> None:
        """Declined applications (不予受理): registered, never accepted."""
        for n in range(round(TARGETS.mediated * 0.025)):
            office = self.office()
            p = Planned("mediation", office, f"mediation-{self.year}-declined-{n:04d}")
            day = self.rng.choice(self.month_days(self.rng.randint(1, 12)))
            self.add(
                self.at(day),
                f"{office}_clerk",
                "register",
                p,
                title=self.rng.choice(MEDIATION_TITLES)[1],
                parties=[party(self.rng, "applicant")],
                values={"source": "application"},
            )
            self.add(
                self.at(day + timedelta(days=1)),
                f"{office}_sup",
                "advance",
                p,
                trigger="decline",
                values={
                    "reason": self.rng.choice(("party_refused", "in_litigation", "out_of_scope"))
                },
            )

    def _fit_subsidy(self, cases: list[MediationPlan]) -> None:
        """Make exactly ``subsidy_q123 + rejections`` eligible cases archived in Q1-Q3."""
        t = TARGETS
        want = t.subsidy_q123 + t.subsidy_rejections
        cutoff = date(self.year, 9, 30)
        # A case another links to (the same dispute mediated again) keeps its category: were
        # it no longer claimed, the later case would be claimed instead.
        followed = {c["link"] for c in cases if c.get("link") is not None}
        eligible = [
            c for c in cases if c["category"] == "E" and c["archive"] <= cutoff and not c["open"]
        ]
        chosen = {id(c) for c in eligible}
        demotable = [c for i, c in enumerate(cases) if id(c) in chosen and i not in followed]
        others = [
            c for c in cases if c["category"] in "OBF" and c["archive"] <= cutoff and not c["open"]
        ]
        if len(eligible) > want:
            for c in self.rng.sample(demotable, len(eligible) - want):
                c["category"] = self.rng.choice("OBF")
        elif len(eligible) < want:
            missing = want - len(eligible)
            if missing > len(others):
                raise RuntimeError("the demo plan has too few cases to meet the subsidy figure")
            for c in self.rng.sample(others, missing):
                c["category"] = "E"

    def mediation_path(self, n: int, c: MediationPlan, cases: list[MediationPlan]) -> None:
        office, med = c["office"], c["mediator"]
        clerk, sup = f"{office}_clerk", f"{office}_sup"
        p = Planned("mediation", office, f"mediation-{self.year}-{n:05d}")
        c["planned"] = p
        self.mediation_registered(p, c, cases, clerk, med)
        if c["open"] and self.rng.random() < 0.6:
            return  # still being mediated at the year's end
        if not self.mediation_concluded(p, c, clerk, med):
            return
        self.add(
            self.at(c["follow"], self.rng.randrange(0, 400)),
            med,
            "advance",
            p,
            trigger="follow_up",
            values={
                "satisfaction": self.rng.choices(
                    ("satisfied", "basic", "unsatisfied"), weights=(80, 17, 3)
                )[0]
            },
        )
        self.add(self.at(c["follow"], 520), clerk, "doc", p, doc="follow_up")
        self.add(self.at(c["archive"]), sup, "advance", p, trigger="archive")

    def mediation_registered(
        self, p: Planned, c: MediationPlan, cases: list[MediationPlan], clerk: str, med: str
    ) -> None:
        """Registered with its application, and accepted by its mediator."""
        kind, title = self.rng.choice(MEDIATION_TITLES)
        if c["accept"].month <= 2 and self.rng.random() < 0.3:  # Spring Festival disputes
            kind, title = self.rng.choice(MEDIATION_TITLES[:4])
        earlier = c.get("link")
        link = cases[earlier]["planned"] if earlier is not None else None
        registered = self.at(c["accept"], self.rng.randrange(0, 200))
        self.add(
            registered,
            clerk,
            "register",
            p,
            title=title,
            link=link,
            parties=[party(self.rng, "applicant"), party(self.rng, "respondent", 0.5)],
            values={
                "source": self.rng.choice(SOURCES),
                "dispute_type": kind,
                "people": str(self.rng.choice((2, 2, 2, 3, 4, 6))),
            },
        )
        self.add(registered + timedelta(minutes=5), clerk, "doc", p, doc="application")
        self.add(
            registered + timedelta(minutes=30),
            med,
            "advance",
            p,
            trigger="accept",
            values={"mediator": med},
        )

    def mediation_concluded(self, p: Planned, c: MediationPlan, clerk: str, med: str) -> bool:
        """Failed, or agreed and then performed or breached; False while still open."""
        category = c["category"]
        if category == "F":
            self.add(
                self.at(c["agree"]),
                med,
                "advance",
                p,
                trigger="fail",
                values={"routes_told": "yes"},
            )
            self.add(self.at(c["agree"], 500), clerk, "doc", p, doc="record")
            self.add(self.at(c["agree"], 520), clerk, "doc", p, doc="termination")
            return True
        form = "oral" if category == "O" else "written"
        self.add(
            self.at(c["agree"], self.rng.randrange(0, 400)),
            med,
            "advance",
            p,
            trigger="agree",
            values={"form": form},
        )
        self.add(self.at(c["agree"], 500), clerk, "doc", p, doc="record")
        self.add(self.at(c["agree"], 520), clerk, "doc", p, doc="agreement")
        if c["open"]:
            return False
        outcome = "breach" if category == "B" else "perform"
        self.add(
            self.at(c["perform"]), self.rng.choice((med, clerk)), "advance", p, trigger=outcome
        )
        return True

    def claims(self) -> None:
        """Each quarter: drafts by every office, the town check, the city approval, payment."""
        for quarter, (draft, check, approve, pay) in CLAIM_CALENDAR.items():
            for office in TOWNS:
                when = self.at(date(self.year, *draft), 60)
                self.add(
                    when,
                    f"{office}_clerk",
                    "claims",
                    None,
                    quarter=f"{self.year}{quarter}",
                    step="draft",
                    office=office,
                )
                self.add(
                    self.at(date(self.year, *check), 120),
                    f"{office}_sup",
                    "claims",
                    None,
                    quarter=f"{self.year}{quarter}",
                    step="check",
                    office=office,
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


# Where mediation cases come from, application six times as often as any other source.
SOURCES = ("application",) * 6 + (
    "initiative",
    "police_referral",
    "court_referral",
    "petition_referral",
    "screening",
)
# quarter: (draft, town check, city approval, payment) as (month, day)
CLAIM_CALENDAR = {
    "Q1": ((4, 8), (4, 14), (4, 22), (5, 12)),
    "Q2": ((7, 7), (7, 13), (7, 21), (8, 11)),
    "Q3": ((10, 12), (10, 16), (10, 23), (11, 10)),
}
MEDIATION_TITLES = (
    ("marriage_family", "婚姻家庭纠纷（春节前离婚财产分割）"),
    ("marriage_family", "赡养老人纠纷"),
    ("land", "宅基地边界纠纷"),
    ("land", "责任田承包经营权纠纷"),
    ("neighbour", "邻里排水纠纷"),
    ("neighbour", "邻里通行纠纷"),
    ("labour", "务工人员工资纠纷"),
    ("contract", "买卖合同纠纷"),
    ("damage", "人身损害赔偿纠纷"),
    ("traffic", "交通事故赔偿纠纷"),
    ("medical", "医疗纠纷"),
    ("other", "其他民间纠纷"),
)
