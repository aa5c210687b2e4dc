"""The demo year's administrative reconsiderations (行政复议, hotline_reconsideration.md 8).

The report gives no reconsideration figure (一(八)3), so these cases are **invented** and say so
in their titles (虚构演示案例): a few dozen applications against the city's departments and
towns, all received in 2020 and so under the 1999 law (with its 2007 条例). The justice bureau's
clerk registers each on its day of receipt; its head (the bureau's supervisor) accepts it within
5 working days, or refuses it, or first asks for a correction (补正) that the applicant supplies;
two designated reviewers (复议人员, art. 3; 条例 art. 32) send the respondent a copy within 7
working days, receive its answer, hear the applicant, and the head decides within 60 days (art.
31): most acts upheld, some annulled, altered or found illegal; a few cases end in mediation or
a withdrawal after settlement, one is suspended while another case is decided. Decisions are
served, and once the 15 days to sue (行政诉讼法 art. 45) have passed the file is archived; an
applicant or two sue, which is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from casework.demo.people import person_name, phone
from casework.demo.schedule import Planned, Schedule
from casework.time.local import CST

BODY = "city-justice"  # the city government's reconsideration body (1999 art. 12)
CLERK, HEAD = "justice_clerk", "justice_sup"
REVIEWERS = ("recon_rev1", "recon_rev2", "recon_rev3")
LABEL = "（虚构演示案例）"
COUNT = 36
RESPONDENTS = (
    ("高州市市场监督管理局", "penalty", "罚款决定"),
    ("高州市住房和城乡建设局", "coercion", "责令限期拆除决定"),
    ("高州市人力资源和社会保障局", "inaction", "未依法作出工伤认定"),
    ("高州市自然资源局", "resource_title", "土地权属处理决定"),
    ("高州市交通运输局", "penalty", "道路运输行政处罚"),
    ("高州市公安局", "penalty", "治安管理处罚决定"),
    ("高州市人民政府潘州街道办事处", "info_disclosure", "政府信息公开答复"),
    ("高州市人民政府石鼓镇", "licence", "不予办理宅基地审批"),
)
# How the cases end, by share: decided (by code), refused, mediated, withdrawn after settling.
DECISIONS = {"uphold": 44, "annul": 14, "alter": 5, "confirm_illegal": 10}
DECISIONS |= {"order_performance": 7, "reject_claim": 14, "dismiss": 6}
ENDINGS = {"decided": 74, "refused": 10, "mediated": 8, "withdrawn": 8}


@dataclass
class Case:
    """One application as planned, and the instant of its latest planned step."""

    p: Planned
    last: datetime


class ReconsiderationYear:
    """Plans the year's invented reconsideration cases on a schedule."""

    def __init__(self, s: Schedule) -> None:
        self.s = s
        self.rng = s.rng

    def plan(self) -> None:
        first = date(self.s.year, 1, 6)
        span = (date(self.s.year, 11, 30) - first).days
        days = sorted(
            self.s.cal.next_working_day(first + timedelta(days=self.rng.randrange(span)))
            for _ in range(COUNT)
        )
        for n, day in enumerate(days, 1):
            self.application(n, day)

    # -- when ----------------------------------------------------------------------------

    def wd(self, day: date, days: int) -> date:
        return self.s.cal.add_working_days(day, days)

    def step(
        self,
        c: Case,
        day: date,
        user: str,
        trigger: str,
        values: Mapping[str, object] | None = None,
    ) -> date:
        when = max(self.s.at(day), c.last + timedelta(minutes=5))
        c.last = when
        self.s.add(when, user, "advance", c.p, trigger=trigger, values=dict(values or {}))
        return when.astimezone(CST).date()

    def doc(self, c: Case, day: date, kind: str, user: str = CLERK) -> None:
        c.last = max(self.s.at(day), c.last + timedelta(minutes=5))
        self.s.add(c.last, user, "doc", c.p, doc=kind)

    # -- a case --------------------------------------------------------------------------

    def application(self, n: int, day: date) -> None:
        organ, act_kind, act = self.rng.choice(RESPONDENTS)
        learned = day - timedelta(days=self.rng.randint(5, 50))  # within the 60 days
        values = {
            "received_on": day.isoformat(),
            "form": "written" if self.rng.random() < 0.9 else "oral",
            "respondent_organ": organ,
            "act": act,
            "act_date": (learned - timedelta(days=self.rng.randint(0, 3))).isoformat(),
            "act_kind": act_kind,
            "learned_on": learned.isoformat(),
        }
        p = Planned("reconsideration", BODY, f"reconsideration-{self.s.year}-{n:03d}")
        applicant = f"applicant:{person_name(self.rng)}::{phone(self.rng)}"
        when = self.s.at(day)
        title = f"不服{organ}{act}{LABEL}"
        self.s.add(when, CLERK, "register", p, title=title, values=values,
                   parties=[applicant, f"respondent:{organ}"])  # fmt: skip
        c = Case(p, when)
        self.doc(c, day, "application")
        ending = self.rng.choices(list(ENDINGS), weights=list(ENDINGS.values()))[0]
        if ending == "refused":
            ground = self.rng.choice(("out_of_scope", "no_interest", "duplicate"))
            self.step(c, self.wd(day, self.rng.randint(1, 4)), HEAD, "refuse", {"ground": ground})
            return
        if self.rng.random() < 0.15:  # an incomplete application: corrected first
            asked = self.step(c, self.wd(day, self.rng.randint(1, 4)), HEAD,
                              "request_correction", {"items": "补充提交行政行为相关证据材料",
                                                     "days": 10})  # fmt: skip
            day = self.step(c, self.wd(asked, self.rng.randint(2, 7)), CLERK, "supply")
        accepted = self.step(
            c, self.wd(day, self.rng.randint(1, 4)), HEAD, "accept", {"procedure": "ordinary"}
        )
        self.doc(c, accepted, "acceptance_notice")
        self.review(c, accepted, ending)

    def review(self, c: Case, accepted: date, ending: str) -> None:
        """The reviewers' work, then the case's end."""
        pair = self.rng.sample(REVIEWERS, 2)
        self.step(c, accepted, HEAD, "assign", {"reviewers": ",".join(pair)})
        copy_day = self.wd(accepted, self.rng.randint(1, 6))
        sent = self.step(c, copy_day, pair[0], "send_copy", {"received_on": copy_day.isoformat()})
        got = self.wd(sent, self.rng.randint(4, 9))
        self.doc(c, got, "respondent_answer")
        self.step(c, got, pair[1], "receive_answer")
        heard = self.step(c, self.wd(got, self.rng.randint(2, 8)), pair[0], "hear_views",
                          {"how": self.rng.choice(("in_person", "phone", "written"))})  # fmt: skip
        if ending == "mediated":
            self.doc(c, self.wd(heard, 3), "mediation_document", HEAD)
            self.step(c, self.wd(heard, 3), HEAD, "mediate")
            return
        if ending == "withdrawn":
            self.step(c, self.wd(heard, 2), HEAD, "withdraw", {"settled": "yes"})
            return
        if self.rng.random() < 0.06:  # waits on another case's outcome (条例 art. 41(6))
            paused = self.step(c, self.wd(heard, 1), HEAD, "suspend", {"ground": "other_case"})
            heard = self.step(c, paused + timedelta(days=self.rng.randint(10, 25)), HEAD, "resume")
        self.decide(c, accepted, heard)

    def decide(self, c: Case, accepted: date, heard: date) -> None:
        """Decided within the 60 days of 1999 art. 31, served, and archived once the days to
        sue have passed (or the suit is recorded)."""
        latest = accepted + timedelta(days=55)
        on = max(self.wd(heard, self.rng.randint(2, 10)), heard)
        on = min(on, latest) if latest > heard else on
        code = self.rng.choices(list(DECISIONS), weights=list(DECISIONS.values()))[0]
        decided = self.step(c, on, HEAD, "decide", {"decision": code, "approved_by": "head"})
        self.doc(c, decided, "decision")
        served_on = decided + timedelta(days=self.rng.randint(1, 4))
        self.step(c, served_on, self.rng.choice((CLERK, *REVIEWERS)), "serve",
                  {"served_on": served_on.isoformat(), "method": "post"})  # fmt: skip
        self.doc(c, served_on, "service_proof")
        if self.rng.random() < 0.1:  # the applicant sues (行政诉讼法 art. 45)
            filed = served_on + timedelta(days=self.rng.randint(5, 14))
            suit = {"court_case_no": f"（{self.s.year}）粤0981行初{self.rng.randint(10, 99)}号",
                    "filed_on": filed.isoformat()}  # fmt: skip
            self.step(c, filed + timedelta(days=2), CLERK, "record_suit", suit)
        # 15 日 from service, its last day moved past rest days (民事诉讼法 art. 85)
        window_ends = self.s.cal.add_days(served_on, 15)
        self.step(c, self.wd(window_ends, self.rng.randint(1, 5)), HEAD, "archive")
