"""The steps of each planned mediation case (procedures/mediation.md 2.2-2.9), on a schedule.

Registration with the application, the rights notice (权利义务告知书) and, for a court's case,
its letter; acceptance by the mediator; a session on record every week or two; the outcome with
its papers (PML arts. 26, 28-30); performance (on the spot: at once, by the procedure's cascade)
or a breach, told its routes (art. 32) or mediated again (art. 33 para 3); a judicial
confirmation; the report back to a commissioning court (法释〔2016〕14号 arts. 19, 26); the
follow-up visit and the archive. Steps after the year's end are left for the next year.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from casework.demo.mediation import BREACHES, TERMINATIONS, Case
from casework.demo.people import party
from casework.demo.schedule import Planned, Schedule
from casework.demo.seasons import Season
from workflows.mediation.terms import COURTS

SATISFACTION = (("satisfied", "basic", "unsatisfied"), (80, 17, 3))
ROUTES = ("litigation", "litigation", "arbitration", "enforcement")


class MediationSteps:
    """Turns planned cases into ops."""

    def __init__(self, s: Schedule) -> None:
        self.s = s
        self.rng = s.rng
        self.season = Season(s.year, s.cal)
        self.confirmed = 0

    def plan(self, cases: list[Case]) -> None:
        for n, c in enumerate(cases):
            self.path(n, c, cases)

    def path(self, n: int, c: Case, cases: list[Case]) -> None:
        """Every step of one case, in order."""
        office, clerk = c.office, c.clerk
        p = Planned("mediation", office, f"mediation-{self.s.year}-{n:05d}")
        c.planned = p
        accepted = self.registered(p, c, cases)
        self.sessions(p, c, clerk)
        at = self.outcome(p, c, accepted)
        if c.agreed:
            self.performed(p, c, at)
        self.court_steps(p, c)
        med = c.mediator
        satisfaction = self.rng.choices(*SATISFACTION)[0]
        follow = self.s.at(c.follow, self.rng.randrange(0, 400))
        self.s.add(
            follow, med, "advance", p, trigger="follow_up", values={"satisfaction": satisfaction}
        )
        self.s.add(self.s.at(c.follow, 520), clerk, "doc", p, doc="follow_up")
        self.s.add(self.s.at(c.archive), c.sup, "advance", p, trigger="archive")

    def registered(self, p: Planned, c: Case, cases: list[Case]) -> int:
        """Registered with its papers, and accepted by its mediator; the minute of the
        acceptance (after 08:30) is returned."""
        clerk = c.clerk
        link = cases[c.link].planned if c.link is not None else None
        minute = self.rng.randrange(0, 200)
        registered = self.s.at(c.accept, minute)
        values = {
            **({"committee": c.committee} if c.committee else {}),
            "source": c.source,
            "channel": c.channel,
            "dispute_type": c.kind,
            "people": str(self.rng.choice((2, 2, 2, 3, 4, 6))),
            **({"pandemic": "yes"} if c.pandemic else {}),
            **({"amount_claimed": str(int(round(c.amount * 1.3, -2)))} if c.amount else {}),
            **(self.court_fields(c) if c.source == "court_referral" else {}),
        }
        parties = [party(self.rng, "applicant"), party(self.rng, "respondent", 0.5)]
        args = {"title": c.title, "link": link, "parties": parties}
        if c.screening is not None:
            args["screening"] = c.screening
        self.s.add(registered, clerk, "register", p, values=values, **args)
        papers = ["application", "rights_notice"]
        if c.source == "court_referral":
            papers.append("court_referral")
        for k, kind in enumerate(papers, start=1):
            self.s.add(registered + timedelta(minutes=k), clerk, "doc", p, doc=kind)
        accept = {"mediator": c.mediator, "rights_told": "written"}
        self.s.add(
            registered + timedelta(minutes=30),
            c.mediator,
            "advance",
            p,
            trigger="accept",
            values=accept,
        )
        return minute + 30

    def court_fields(self, c: Case) -> dict[str, str]:
        """A court's commission (委派 before filing, 委托 after), signed for on the day."""
        rng = self.rng
        commission = "pre_filing" if rng.random() < 0.7 else "post_filing"
        court = rng.choice(tuple(COURTS))
        n = rng.randint(1, 3000)
        ref = (
            f"（{c.accept.year}）粤0981民诉前调{n}号"
            if commission == "pre_filing"
            else (f"（{c.accept.year}）粤0981民初{n}号")
        )
        out = {"commission": commission, "court": court, "court_ref": ref}
        out["received_on"] = c.accept.isoformat()
        if commission == "post_filing":
            quick = (c.ends - c.accept).days <= 5
            out["procedure"] = "simple" if quick and rng.random() < 0.5 else "ordinary"
        return out

    def sessions(self, p: Planned, c: Case, clerk: str) -> None:
        """A long mediation holds a session every week or two, each on record (调解笔录); an
        escalating dispute gets its measure at the first."""
        day = c.accept + timedelta(days=self.rng.randint(7, 16))
        first = True
        while day < c.ends:
            held = self.season.session_day(self.rng, day)
            if held >= c.ends:
                break
            self.s.add(self.s.at(held, 470), clerk, "doc", p, doc="record")
            if first:
                self.prevented(p, c, self.s.at(held, 475))
                first = False
            day = held + timedelta(days=self.rng.randint(7, 16))
        if c.extend is not None and c.extend < c.ends:
            days = {"days": self.rng.choice(("15", "30")), "consent": "yes"}
            at = self.s.at(c.extend, 450)
            self.s.add(at, c.sup, "advance", p, trigger="extend", values=days)
        if first and c.prevent is not None and c.ends > c.accept:
            self.prevented(p, c, self.s.at(c.accept, 430))

    def prevented(self, p: Planned, c: Case, at: datetime) -> None:
        if c.prevent is None:
            return
        values = {
            "kind": c.prevent,
            "people": str(self.rng.choice((2, 3, 3, 5, 8, 12))),
            "reported_to": self.rng.choice(("police", "police", "other", "none")),
        }
        self.s.add(at, c.mediator, "advance", p, trigger="prevent", values=values)

    def outcome(self, p: Planned, c: Case, accepted: int) -> datetime:
        """The agreement, failure or termination, with its papers; its instant is returned."""
        clerk, med = c.clerk, c.mediator
        # after the acceptance when both fall on one day
        start = accepted + 15 if c.ends == c.accept else 0
        at = self.s.at(c.ends, self.rng.randrange(start, 460))
        if c.category == "F":
            self.s.add(at, med, "advance", p, trigger="fail", values={"routes_told": "yes"})
            papers = ("record", "termination")
        elif c.category == "T":
            reason = self.rng.choice(TERMINATIONS)
            values = {"reason": reason, **({"routes_told": "yes"} if reason != "withdrawn" else {})}
            self.s.add(at, med, "advance", p, trigger="terminate", values=values)
            papers = ("record", "withdrawal" if reason == "withdrawn" else "termination")
        else:
            self.agree(p, c, at, c.on_the_spot)
            papers = ("record", "agreement")
        for k, kind in enumerate(papers):
            self.s.add(self.s.at(c.ends, 500 + k), clerk, "doc", p, doc=kind)
        return at

    def agree(self, p: Planned, c: Case, at: datetime, on_the_spot: bool) -> None:
        """The agreement (PML arts. 28-31): on the spot, or performed by a term."""
        values = {"form": "oral" if c.category == "O" else "written", "amount": str(c.amount)}
        if on_the_spot:
            values["performance"] = "on_the_spot"
        else:
            big = c.amount >= 20000 and self.rng.random() < 0.4
            values["performance"] = (
                "instalments" if big else "lump_sum" if c.amount else "non_monetary"
            )
            assert c.perform_by is not None
            values["perform_by"] = c.perform_by.isoformat()
        # 当场履行: the procedure records the performance at the same instant (a cascade)
        self.s.add(at, c.mediator, "advance", p, trigger="agree", values=values)

    def performed(self, p: Planned, c: Case, at: datetime) -> None:
        """Performed by its term, or breached and then told its routes or mediated again; a
        judicial confirmation applied for and ruled on meanwhile."""
        med, clerk = c.mediator, c.clerk
        if c.confirm is not None:
            self.confirmation(p, c)
        if c.on_the_spot:
            return
        when = self.s.at(c.perform, 510) if c.perform == c.ends else self.s.at(c.perform)
        if c.category != "B":
            self.s.add(when, self.rng.choice((med, clerk)), "advance", p, trigger="perform")
            return
        reason = {"reason": self.rng.choice(BREACHES)}
        self.s.add(when, clerk, "advance", p, trigger="breach", values=reason)
        if not c.remediate:
            route = {"route": self.rng.choice(ROUTES)}
            self.s.add(
                when + timedelta(minutes=10), clerk, "advance", p, trigger="refer", values=route
            )
            return
        day = c.again
        assert day is not None
        again = self.s.at(day, 200)
        why = {"reason": "当事人未履行协议，双方同意重新调解"}
        self.s.add(again, c.sup, "advance", p, trigger="remediate", values=why)
        self.agree(p, c, again + timedelta(minutes=90), True)
        self.s.add(self.s.at(day, 505), clerk, "doc", p, doc="agreement")

    def confirmation(self, p: Planned, c: Case) -> None:
        """Applied for jointly at a court of the list; ruled, the ruling on file."""
        assert c.confirm is not None
        applied, ruled, ruling = c.confirm
        clerk = c.clerk
        court = {"court": "gzfy", "joint": "yes", "applied_on": applied.isoformat()}
        self.s.add(
            self.s.at(applied, 100), clerk, "advance", p, trigger="apply_confirmation", values=court
        )
        self.confirmed += 1
        values = {"ruling": ruling, "ruled_on": ruled.isoformat()}
        if ruling != "withdrawn":
            values["court_case_no"] = f"（{ruled.year}）粤0981民特{self.confirmed}号"
        self.s.add(self.s.at(ruled, 120), clerk, "advance", p, trigger="confirm", values=values)
        # the court's ruling on file, a withdrawal's too (准予撤回的裁定)
        self.s.add(self.s.at(ruled, 125), clerk, "doc", p, doc="confirmation")

    def court_steps(self, p: Planned, c: Case) -> None:
        """The outcome reported back to the commissioning court within 3 working days."""
        if c.source != "court_referral":
            return
        day = self.s.cal.next_working_day(c.ends + timedelta(days=1))
        result = "agreement_filed" if c.agreed else "termination_reported"
        values = {"result": result, "sent_on": day.isoformat()}
        clerk = c.clerk
        self.s.add(self.s.at(day, 300), clerk, "advance", p, trigger="report_back", values=values)
        self.s.add(self.s.at(day, 301), clerk, "doc", p, doc="report_back")

    def declined(self, count: int) -> None:
        """Declined applications (不予受理): registered, never accepted."""
        rng = self.rng
        for n in range(count):
            office = self.s.office()
            p = Planned("mediation", office, f"mediation-{self.s.year}-declined-{n:04d}")
            day = self.season.session_day(
                rng, date(self.s.year, 1, 2) + timedelta(days=rng.randrange(360))
            )
            values = {"source": "application", "channel": "visit"}
            self.s.add(
                self.s.at(day),
                f"{office}_clerk",
                "register",
                p,
                title="民间纠纷调解申请",
                parties=[party(rng, "applicant"), party(rng, "respondent", 0.5)],
                values=values,
            )
            reason = rng.choice(("party_refused", "in_litigation", "out_of_scope"))
            later = self.s.at(day + timedelta(days=1))
            self.s.add(
                later, f"{office}_sup", "advance", p, trigger="decline", values={"reason": reason}
            )
