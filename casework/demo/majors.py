"""The demo year's leader-assigned major disputes (领导包案), as major_dispute.md runs them.

A town finds a serious dispute (from a petition, a screening, or its own ledger) and enters it;
the city's rule-of-law office proposes it for a named leader's charge with a term and its 包案情况表
(报批); a supervisor of the petition bureau, never the proposer, approves it (审批, 包案审批表),
now and then sending a proposal back first. Only the named leader plans and resolves it; the
bureau extends a term before it lapses (at most twice) and now and then hands a case to
another leader. The rule-of-law office strikes a resolved dispute off the ledger on acceptance
material filed after the resolution (验收销号), with the petitioner's undertaking when the
dispute was settled; a few flare up again and are reopened with a new term.

The report's figures are planned here, in what people do and when: 148 identified by
24 December, 96 of them resolved by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from casework.demo.figures import TARGETS
from casework.demo.people import party
from casework.demo.schedule import Planned, Schedule

PROPOSER = "rol_sup"  # 市委政法委/依法治市办: a supervisor at a city office
APPROVER = "petition_sup"  # major_dispute.approvers: supervisors of city-petition
LEADERS = tuple(f"leader{n}" for n in range(1, 9))
OUTCOMES = ("settled",) * 4 + ("solved",) * 3 + ("helped", "dealt_with", "other")
TITLES = (
    "村集体土地征收补偿群体纠纷",
    "工程项目欠薪群体讨薪问题",
    "山林权属群体纠纷",
    "小区业主与开发商交房纠纷",
    "水库移民后期扶持问题",
    "企业改制职工安置问题",
)
UNITS = ("高州市信访局", "高州市司法局", "高州市自然资源局", "属地镇人民政府", "属地街道办事处")
PLANS = (
    "联合调处，分期支付",
    "召开听证会，依法依规处理",
    "成立工作专班，逐户走访",
    "引导通过诉讼途径解决，提供法律援助",
)


@dataclass
class Major:
    """One major dispute as planned: its case, its leader, its term, its source."""

    case: Planned
    leader: str
    assigned: date
    due: int
    from_petition: bool


class MajorDisputeYear:
    """Plans the year's major disputes on a schedule."""

    def __init__(self, s: Schedule) -> None:
        self.s = s
        self.rng = s.rng

    def plan(self, petitions: list[tuple[Planned, date]], screenings: list[Planned]) -> None:
        """The report's number identified by 24 December (and two after it), the report's
        number of them resolved by then, the rest still in hand at the year's end."""
        t = TARGETS
        days = self.days()
        resolvable = [
            i for i, d in enumerate(days[: t.identified]) if d <= date(self.s.year, 10, 31)
        ]
        resolved = set(self.rng.sample(resolvable, t.resolved))
        for n, day in enumerate(days):
            major = self.identify(n, day, petitions, screenings)
            planned = self.plan_resolution(major)
            done = None
            if n in resolved:  # resolved by the report's cut-off, after the plan
                cutoff = date(self.s.year, 12, 24)
                done = min(
                    planned + timedelta(days=self.rng.randint(15, 110)),
                    cutoff - timedelta(days=self.rng.randint(1, 20)),
                )
                done = max(done, planned + timedelta(days=1))
            self.extensions(major, planned, done)
            if done is not None:
                self.resolve(major, done)

    def days(self) -> list[date]:
        """The days major disputes are identified."""
        cutoff = date(self.s.year, 12, 24)
        counted = self.s.split(
            TARGETS.identified, [1.2, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.7]
        )
        days = []
        for month, n in enumerate(counted, start=1):
            pool = [d for d in self.s.month_days(month) if d <= cutoff]
            days += [self.rng.choice(pool) for _ in range(n)]
        days.sort()
        late = [d for d in self.s.month_days(12) if d > cutoff]
        return days + late[:2]

    def identify(
        self,
        n: int,
        day: date,
        petitions: list[tuple[Planned, date]],
        screenings: list[Planned],
    ) -> Major:
        """Entered by a town (from a petition, a screening or its ledger), proposed by the
        city, approved by another person; returns the case as assigned."""
        office = self.s.office()
        source = self.rng.random()
        link = None
        values: dict[str, str] = {}
        screening = None
        if source < 0.4:
            earlier = [p for p, d in petitions if d < day and p.office != "city-petition"]
            if earlier:
                link = self.rng.choice(earlier[-200:])
                office = link.office
        elif source < 0.65:
            # an entry with a dispute found and not yet named by another case
            candidates = [
                s
                for s in screenings
                if s.office == office and s.day is not None and s.day < day and s.found > 0
            ][-20:]
            screening = self.rng.choice(candidates) if candidates else None
            if screening is not None:
                screening.found -= 1
                values["screening"] = "@"  # the screening's id, filled in when it is run
        p = Planned("major_dispute", office, f"major-{self.s.year}-{n:03d}")
        self.s.add(
            self.s.at(day),
            f"{office}_sup",
            "register",
            p,
            title=self.rng.choice(TITLES),
            link=link,
            values=values,
            screening=screening,
            parties=[party(self.rng, "representative")],
        )
        return self.approve(p, day, link is not None)

    def approve(self, p: Planned, day: date, from_petition: bool) -> Major:
        """报批 and 审批: the proposal with its form, now and then sent back and proposed
        again, then approved by the petition bureau with its approval form."""
        s = self.s
        proposed = s.working_day(day + timedelta(days=self.rng.randint(1, 5)))
        leader = self.rng.choice(LEADERS)
        due = self.rng.choice((60, 90, 90, 120))
        proposal = {"leader": leader, "unit": self.rng.choice(UNITS), "due_days": str(due)}
        s.step(proposed, PROPOSER, p, "propose", proposal, ((PROPOSER, "assignment_form"),))
        if self.rng.random() < 0.06:
            back = s.working_day(proposed + timedelta(days=self.rng.randint(1, 3)))
            s.step(back, APPROVER, p, "send_back", {"reason": "包案情况表责任单位不明确，请补充"})
            proposed = s.working_day(back + timedelta(days=self.rng.randint(1, 4)))
            s.step(proposed, PROPOSER, p, "propose", proposal, ((PROPOSER, "assignment_form"),))
        assigned = s.working_day(proposed + timedelta(days=self.rng.randint(1, 4)))
        s.step(assigned, APPROVER, p, "assign", {}, ((APPROVER, "approval"),))
        return Major(p, leader, assigned, due, from_petition)

    def plan_resolution(self, major: Major) -> date:
        """The leader's plan, some days after the approval; now and then the bureau first
        hands the case to another leader (调整包案领导)."""
        s = self.s
        planned = major.assigned + timedelta(days=self.rng.randint(3, 12))
        if self.rng.random() < 0.04:
            moved = major.assigned + timedelta(days=self.rng.randint(1, 2))
            major.leader = self.rng.choice([x for x in LEADERS if x != major.leader])
            reason = {"leader": major.leader, "reason": "原包案领导工作调整"}
            s.step(moved, APPROVER, major.case, "reassign", reason)
        plan = {"plan": self.rng.choice(PLANS)}
        s.step(planned, major.leader, major.case, "plan", plan, ((major.leader, "plan"),))
        return planned

    def extensions(self, major: Major, planned: date, done: date | None) -> None:
        """Extensions the bureau grants before the term lapses when the work runs long: mostly
        for a dispute still in hand, now and then for one resolved late; at most twice
        (major_dispute.extensions_max), each by at most 90 days."""
        lapse = major.assigned + timedelta(days=major.due)
        if done is not None and done <= lapse - timedelta(days=10):
            return
        if self.rng.random() > (0.8 if done is None else 0.4):
            return
        for _ in range(1 + (self.rng.random() < 0.4)):
            day = lapse - timedelta(days=self.rng.randint(2, 9))
            if day <= planned or (done is not None and day >= done):
                return
            days = self.rng.choice((30, 60, 90))
            reason = {"days": str(days), "reason": "涉及多个部门，需协调化解"}
            self.s.step(day, APPROVER, major.case, "extend", reason)
            lapse += timedelta(days=days)

    def resolve(self, major: Major, done: date) -> None:
        """Resolved; mostly verified (销号), now and then reopened and resolved again."""
        s = self.s
        outcome = self.rng.choice(OUTCOMES)
        s.step(done, major.leader, major.case, "resolve", {"outcome": outcome})
        if self.rng.random() >= 0.7:
            return
        verified = done + timedelta(days=self.rng.randint(5, 20))
        self.verify(major, verified, outcome)
        if self.rng.random() < 0.05:
            again = verified + timedelta(days=self.rng.randint(10, 40))
            reason = {"reason": "当事人再次集体上访", "due_days": "60"}
            s.step(again, PROPOSER, major.case, "reopen", reason)
            later = again + timedelta(days=self.rng.randint(10, 30))
            s.step(later, major.leader, major.case, "resolve", {"outcome": "solved"})

    def verify(self, major: Major, day: date, outcome: str) -> None:
        """验收销号 on the acceptance material, with the undertaking of a settled petitioner."""
        docs = [(PROPOSER, "acceptance")]
        if outcome == "settled":
            docs.append((PROPOSER, "undertaking"))
        self.s.step(day, PROPOSER, major.case, "verify", {}, tuple(docs))
