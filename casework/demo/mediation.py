"""The demo year's people's mediation (人民调解, procedures/mediation.md 2), case by case.

What each case is and what becomes of it is drawn here (its type, source and channel, how long
it takes, the agreement's form, amount and performance, a judicial confirmation, a breach and
its remediation, a prevention measure, a court's commission); ``mediation_steps`` turns each
into the steps people take. The year is drawn to the report's figures (exactly 7,454 accepted
from January to November; exactly enough eligible cases archived in Q1-Q3 for the subsidy
figure) and to the realism bands of ``realism.py``, which measure the stored result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from casework.demo.committees import CITY, Committee, committees
from casework.demo.figures import TARGETS
from casework.demo.people import mediators_of
from casework.demo.schedule import Planned, Schedule
from casework.demo.seasons import FESTIVAL_RUSH, MONTH_SHAPE, Season

# Cases accepted in the last weeks of the year before and still open on 1 January (a demo
# setting; the realism band is 400-700).
CARRY_OVER = 540
# Days from an agreement to its performance when not performed on the spot.
PERFORM_DAYS = (1, 2, 3, 5, 7, 10, 15, 20, 30)
# Where mediation cases come from (the Ministry's groups: 主动 35-50%, 依申请 40-55%, 移送
# 5-12%, the courts sending most).
SOURCES = {
    "application": 47.0,
    "initiative": 37.0,
    "screening": 6.0,
    "court_referral": 4.5,
    "police_referral": 3.5,
    "petition_referral": 2.0,
}
# The Ministry's 18 types as a county city's committees meet them: (weight, share of
# agreements without money, median amount in yuan), and a title.
TYPES: dict[str, tuple[float, float, int, tuple[str, ...]]] = {
    "marriage_family": (17, 0.45, 15000, ("婚姻家庭纠纷", "赡养老人纠纷", "离婚财产分割纠纷")),
    "neighbour": (21, 0.55, 800, ("邻里排水纠纷", "邻里通行纠纷", "邻里噪音纠纷")),
    "housing_homestead": (8, 0.35, 6000, ("宅基地边界纠纷", "房屋漏水纠纷")),
    "contract": (8, 0.05, 22000, ("买卖合同纠纷", "民间借贷纠纷", "房屋租赁纠纷")),
    "business": (2, 0.1, 15000, ("生产经营纠纷",)),
    "damage": (8, 0.1, 6000, ("人身损害赔偿纠纷", "财产损害赔偿纠纷")),
    "land": (10, 0.4, 3000, ("责任田承包经营权纠纷", "山林权属纠纷")),
    "land_requisition": (2, 0.2, 30000, ("征地补偿纠纷",)),
    "environment": (1, 0.3, 5000, ("养殖污染纠纷",)),
    "labour": (6, 0.02, 9000, ("务工人员工资纠纷", "工伤待遇纠纷")),
    "consumer": (2, 0.1, 1500, ("消费纠纷",)),
    "medical": (2, 0.05, 60000, ("医疗纠纷",)),
    "traffic": (5, 0.03, 40000, ("交通事故赔偿纠纷",)),
    "property_mgmt": (2, 0.3, 2000, ("物业服务纠纷",)),
    "tourism": (0.4, 0.1, 3000, ("旅游合同退费纠纷",)),
    "intellectual_property": (0.1, 0.2, 10000, ("商标使用纠纷",)),
    "internet": (0.5, 0.2, 2000, ("网络购物纠纷",)),
    "other": (5, 0.4, 3000, ("其他民间纠纷",)),
}
# The types the epidemic brought (wages unpaid, rents, refunds of bookings and trips).
PANDEMIC_TYPES = ("labour", "contract", "consumer", "tourism")
# The Spring Festival's debts, wages and family quarrels.
FESTIVAL_TYPES = ("marriage_family", "contract", "labour")
# (weight, outcome): agreed (then performed), agreed orally, agreed then breached, failed,
# terminated.
OUTCOMES = {"E": 88.5, "O": 7.2, "B": 2.0, "F": 1.3, "T": 1.0}
# The industry committees' share of their types' disputes, and the stationed rooms' sources.
INDUSTRY_TAKES = {
    "medical": ("gz-yiliao", 0.8),
    "traffic": ("gz-jiaotong", 0.6),
    "labour": ("gz-laodong", 0.12),
    "property_mgmt": ("gz-wuye", 0.3),
    "marriage_family": ("gz-hunyin", 0.02),
    "consumer": ("gz-xiaofei", 0.2),
}
STATIONED_TAKES = {
    "court_referral": "gz-sudiao",
    "police_referral": "gz-gongdiao",
    "petition_referral": "gz-fangdiao",
}
TERMINATIONS = ("party_request", "withdrawn", "party_absent")
BREACHES = ("refused", "partial", "overdue")
ELIGIBLE = "E"


@dataclass
class Case:
    """One mediation case as planned; the days of its steps, what it agreed, and more."""

    office: str
    accept: date
    mediator: str
    kind: str
    title: str
    source: str
    channel: str
    category: str  # E eligible for a subsidy, O oral, B breached, F failed, T terminated
    ends: date  # the day of the outcome (agreement, failure, termination)
    perform: date
    follow: date
    archive: date
    carried: bool = False
    pandemic: bool = False
    on_the_spot: bool = False
    amount: int = 0
    perform_by: date | None = None
    remediate: bool = False  # a breach mediated again and performed
    again: date | None = None  # the day it was mediated again
    confirm: tuple[date, date, str] | None = None  # applied, ruled, ruling
    prevent: str | None = None
    extend: date | None = None
    link: int | None = None
    planned: Planned | None = None
    screening: Planned | None = None
    committee: str = ""  # the committee that accepts it (its own office's when empty)

    @property
    def clerk(self) -> str:
        return "justice_clerk" if self.office == CITY else f"{self.office}_clerk"

    @property
    def sup(self) -> str:
        return "justice_sup" if self.office == CITY else f"{self.office}_sup"

    @property
    def agreed(self) -> bool:
        return self.category in "EOBL"

    def eligible(self, cutoff: date) -> bool:
        """Claimable for a subsidy by the quarter ending ``cutoff``: a written agreement
        performed (a breach mediated again and performed too) and archived by then."""
        performed = self.category == ELIGIBLE or (self.category == "B" and self.remediate)
        return performed and cutoff.year == self.archive.year and self.archive <= cutoff


class MediationDraw:
    """Draws the year's cases on a schedule."""

    def __init__(self, s: Schedule) -> None:
        self.s = s
        self.rng = s.rng
        self.season = Season(s.year, s.cal)
        listed = committees()
        self.by_code = {c.code: c for c in listed}
        self.villages: dict[str, list[Committee]] = {}
        self.others: dict[str, list[Committee]] = {}
        for c in listed:
            if c.type in ("village", "residents"):
                self.villages.setdefault(c.office, []).append(c)
            elif c.type in ("enterprise", "studio"):
                self.others.setdefault(c.office, []).append(c)

    def cases(self) -> list[Case]:
        """Those carried over from late last year, exactly the report's number from January to
        November, and December's, in order of acceptance."""
        y, n, rng, season = self.s.year, TARGETS.mediated, self.rng, self.season
        carried = season.accept_days(rng, CARRY_OVER, date(y - 1, 11, 18), date(y - 1, 12, 31))
        days = season.accept_days(rng, n, date(y, 1, 1), date(y, 11, 30))
        december = round(n / 11 * MONTH_SHAPE[12] * rng.gauss(1.0, 0.03))
        days += season.accept_days(rng, december, date(y, 12, 1), date(y, 12, 31))
        cases = [self.case(day, True) for day in carried] + [self.case(day, False) for day in days]
        cases.sort(key=lambda c: (c.accept, c.office))
        return cases

    def case(self, accept: date, carried: bool) -> Case:
        """One case accepted on a day: what it is about, and when its steps fall."""
        rng, season = self.rng, self.season
        office = self.s.office()
        kind = self.kind(accept)
        source = rng.choices(tuple(SOURCES), weights=tuple(SOURCES.values()))[0]
        category = rng.choices(tuple(OUTCOMES), weights=tuple(OUTCOMES.values()))[0]
        ends = accept + timedelta(days=season.duration(rng))
        if carried:  # concluded after the new year, most before the Spring Festival
            ends = max(ends, date(self.s.year, 1, 2) + timedelta(days=rng.randint(0, 25)))
        ends = season.session_day(rng, ends)
        c = Case(
            office=office,
            accept=accept,
            mediator=f"{office}_med{rng.randint(1, mediators_of(office))}",
            kind=kind,
            title=rng.choice(TYPES[kind][3]),
            source=source,
            channel=self.channel(accept, source),
            category=category,
            ends=ends,
            perform=ends,
            follow=ends,
            archive=ends,
            carried=carried,
            pandemic=kind in PANDEMIC_TYPES
            and date(2020, 2, 1) <= accept <= date(2020, 6, 30)
            and rng.random() < 0.45,
        )
        self.committee(c)
        self.agreement(c)
        self.afterwards(c)
        return c

    def committee(self, c: Case) -> None:
        """The committee that takes the case, and its mediator: an industry committee most
        medical and traffic disputes, the stationed rooms half the referred ones, a village or
        residents' committee most of the rest, the town's own committee the others."""
        rng = self.rng
        chosen: Committee | None
        if c.kind in INDUSTRY_TAKES and rng.random() < INDUSTRY_TAKES[c.kind][1]:
            chosen = self.by_code[INDUSTRY_TAKES[c.kind][0]]
        elif c.source in STATIONED_TAKES and rng.random() < 0.5:
            chosen = self.by_code[STATIONED_TAKES[c.source]]
        else:
            chosen = self.local(c.office)
        if chosen is None:
            c.committee = ""
            c.mediator = f"{c.office}_med{rng.randint(1, mediators_of(c.office))}"
            return
        c.committee, c.office = chosen.code, chosen.office
        c.mediator = rng.choice(chosen.members)[0]

    def local(self, office: str) -> Committee | None:
        """An enterprise, a studio, a village or residents' committee of the town, or None
        for the town's own."""
        roll = self.rng.random()
        if roll < 0.012 and self.others.get(office):
            return self.rng.choice(self.others[office])
        if roll < 0.64:
            return self.rng.choice(self.villages[office])
        return None

    def kind(self, day: date) -> str:
        weights = {k: v[0] for k, v in TYPES.items()}
        if self.season.year == 2020 and FESTIVAL_RUSH[0] <= day <= FESTIVAL_RUSH[1]:
            for k in FESTIVAL_TYPES:
                weights[k] *= 1.6
        if date(2020, 2, 1) <= day <= date(2020, 6, 30):
            for k in PANDEMIC_TYPES:
                weights[k] *= 1.5
        return self.rng.choices(tuple(weights), weights=tuple(weights.values()))[0]

    def channel(self, day: date, source: str) -> str:
        """How the case came in: referred cases by referral; in the 2020 lull mostly by phone
        or online, otherwise mostly in person."""
        if source.endswith("_referral"):
            return "referral"
        remote = 0.6 if self.season.in_lull(day) else 0.05
        if self.rng.random() < remote:
            return self.rng.choice(("phone", "phone", "online"))
        return "visit"

    def agreement(self, c: Case) -> None:
        """The agreement's amount and performance (on the spot, or by a term)."""
        rng = self.rng
        _, no_money, median, _ = TYPES[c.kind]
        if rng.random() >= no_money:
            c.amount = max(100, int(round(median * rng.lognormvariate(0.0, 0.9), -2)))
        if c.category == "O":  # oral agreements are small matters, mostly without money
            c.amount = 0 if rng.random() < 0.85 else min(c.amount, 2000)
        c.on_the_spot = c.category != "B" and rng.random() < 0.4
        if not c.on_the_spot:
            c.perform_by = c.ends + timedelta(days=rng.choice(PERFORM_DAYS))
            late = c.category == "B" or rng.random() < 0.3
            c.perform = c.perform_by if late else c.ends + timedelta(days=rng.randint(0, 3))
            c.perform = min(self.season.session_day(rng, c.perform), c.perform_by)
            if c.category == "B":
                c.perform = c.perform_by + timedelta(days=rng.randint(1, 10))
                c.remediate = rng.random() < 0.5

    def afterwards(self, c: Case) -> None:
        """The follow-up visit and the archive, after the last step before them."""
        rng, season = self.rng, self.season
        last = c.perform if c.agreed else c.ends
        if c.remediate:  # mediated again, agreed again, performed on the spot
            last = c.again = season.session_day(rng, last + timedelta(days=rng.randint(3, 15)))
        c.follow = season.session_day(rng, last + timedelta(days=rng.randint(2, 12)))
        c.archive = self.s.working_day(c.follow + timedelta(days=rng.randint(1, 6)))

    def confirmations(self, cases: list[Case]) -> None:
        """Judicial confirmation (PML art. 33) of a few written agreements with money: applied
        within the 30 days, most confirmed 1-25 days later; archived after the ruling."""
        rng = self.rng
        for c in cases:
            if c.category != ELIGIBLE or c.amount <= 0 or rng.random() >= 0.035:
                continue
            applied = c.ends + timedelta(days=rng.randint(1, 20))
            ruled = applied + timedelta(days=rng.randint(1, 25))
            ruling = rng.choices(("confirmed", "not_confirmed", "withdrawn"), (94, 3, 3))[0]
            c.confirm = (applied, ruled, ruling)
            if c.archive <= ruled:
                c.archive = self.s.working_day(ruled + timedelta(days=rng.randint(1, 5)))

    def preventions(self, cases: list[Case]) -> None:
        """Measures against escalation (防激化, PML art. 25): a few dozen, most against a civil
        dispute turning criminal (民转刑), concentrated in a few busy offices."""
        rng = self.rng
        hot = set(rng.sample(sorted({c.office for c in cases}), 8))
        pool = [c for c in cases if c.office in hot and c.ends > c.accept and not c.carried]
        kinds = ["criminal"] * 38 + ["group_petition"] * 7 + ["group_fight"] * 3 + ["suicide"] * 2
        for c, kind in zip(rng.sample(pool, len(kinds)), kinds, strict=True):
            c.prevent = kind

    def court(self, cases: list[Case]) -> None:
        """Court-commissioned cases end within the court's term (法释〔2016〕14号 art. 27: 30
        days before filing, 15 after), or extended with both parties' consent."""
        rng = self.rng
        for c in cases:
            if c.source != "court_referral" or c.ends - c.accept <= timedelta(days=12):
                continue
            extended = c.carried or rng.random() < 0.15
            if extended:
                c.extend = c.accept + timedelta(days=10)
            days = rng.randint(13, 28) if extended else rng.randint(3, 12)
            if c.carried:  # open on 1 January all the same
                days = max(days, (date(self.s.year, 1, 2) - c.accept).days)
            c.ends = self.season.session_day(rng, c.accept + timedelta(days=days))
            c.perform = c.ends
            self.agreement(c)
            self.afterwards(c)

    def found_by(self, cases: list[Case], screenings: list[Planned]) -> None:
        """A case found by screening names an entry of its office from the month before, no
        more cases to an entry than it found; without one it was taken up on the office's
        own initiative."""
        for c in cases:
            if c.source != "screening":
                continue
            recent = [
                p
                for p in screenings
                if p.office == c.office
                and p.day is not None
                and c.accept - timedelta(days=35) <= p.day < c.accept
                and p.found > 0
            ]
            if recent:
                c.screening = recent[-1]
                recent[-1].found -= 1  # room left for the cases it found
            else:
                c.source = "initiative"

    def link_disputes(self, cases: list[Case]) -> None:
        """A few cases are the same dispute mediated again, after an earlier eligible one."""
        rng = self.rng
        for i, c in enumerate(cases):
            if c.category != ELIGIBLE or c.carried or rng.random() >= 0.005:
                continue
            earlier = [
                j
                for j in range(max(0, i - 400), i)
                if cases[j].office == c.office
                and cases[j].category == ELIGIBLE
                and cases[j].archive <= c.archive
                # registered on an earlier day, so before this one whatever the minute
                and cases[j].accept < c.accept
            ]
            if earlier:
                c.link = rng.choice(earlier)
                c.category = "L"

    def fit_subsidy(self, cases: list[Case]) -> None:
        """Exactly ``subsidy_q123 + rejections`` eligible cases archived in Q1-Q3: the surplus
        archived in October instead (the quarter's backlog), a shortfall made good by cases
        that failed or were agreed orally."""
        t = TARGETS
        want = t.subsidy_q123 + t.subsidy_rejections
        cutoff = date(self.s.year, 9, 30)
        followed = {c.link for c in cases if c.link is not None}
        eligible = [i for i, c in enumerate(cases) if c.eligible(cutoff)]
        if len(eligible) > want:
            late = [
                i
                for i in eligible
                if i not in followed and cases[i].archive.month >= 8 and cases[i].confirm is None
            ]
            surplus = len(eligible) - want
            if surplus > len(late):
                raise RuntimeError("the demo plan has too many eligible cases for the subsidy")
            for i in self.rng.sample(late, surplus):
                c = cases[i]
                c.archive = self.s.cal.next_working_day(
                    cutoff + timedelta(days=self.rng.randint(8, 20))
                )
        else:
            others = [c for c in cases if c.category == "O" and c.archive <= cutoff]
            self.rng.shuffle(others)
            while len(eligible) < want and others:
                c = others.pop()
                c.category = ELIGIBLE
                self.agreement(c)
                self.afterwards(c)
                if c.eligible(cutoff):
                    eligible.append(0)
            if len(eligible) < want:
                raise RuntimeError("the demo plan has too few cases to meet the subsidy figure")
