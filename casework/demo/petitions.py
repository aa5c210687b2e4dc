"""The demo year's petitions (信访), as the law ran them in 2020 (信访条例 2005, petition.md).

About 1,400 petitions by letter, visit, phone and online, a few group visits among them. Each is
registered with its letter or intake record; its office decides within 15 days and tells the
petitioner in writing (a notice on file); accusations go to the discipline organ, matters for
the courts are refused for their legal route; the petition bureau assigns some matters down to
the towns (交办), which report back. A reply is delivered before the petitioner's 30 days run;
most are rated; some are reviewed at the city's justice bureau (复查) and re-reviewed by the
Maoming organ, recorded by the city (复核), now and then after a hearing (听证).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from casework.demo.people import TOWNS, party
from casework.demo.schedule import Planned, Schedule

CITY = "city-petition"
DISCIPLINE = "高州市纪律检查委员会、监察委员会"
NOTICE_METHODS = ("post", "post", "in_person", "sms", "online")
DELIVERY_METHODS = ("in_person", "in_person", "post", "sms")
RATINGS = ("satisfied",) * 7 + ("basic",) * 2 + ("unsatisfied",)


@dataclass
class Petition:
    """One petition as planned: its case, office, people, and what became of it."""

    case: Planned
    office: str
    clerk: str
    sup: str
    registered: date
    petitioner: str
    concluded: date | None = None  # the day a re-review concluded it (终结)


class PetitionYear:
    """Plans the year's petitions on a schedule."""

    def __init__(self, s: Schedule) -> None:
        self.s = s
        self.rng = s.rng

    # -- steps with their papers ---------------------------------------------------------

    def notice(self) -> dict[str, str]:
        return {"notice_method": self.rng.choice(NOTICE_METHODS)}

    # -- the year ------------------------------------------------------------------------

    def plan(self) -> list[tuple[Planned, date]]:
        """Every petition of the year; (case, registration day) of each, for the major
        disputes escalated from them."""
        out: list[Petition] = []
        weights = [1.2, 0.8, 0.9, 1.0, 1.0, 1.0, 1.1, 1.0, 1.0, 0.9, 1.0, 1.1]
        for month, count in enumerate(self.s.split(1400, weights), start=1):
            for _ in range(count):
                out.append(self.petition(len(out), self.rng.choice(self.s.month_days(month)), out))
        return [(p.case, p.registered) for p in out]

    def petition(self, n: int, day: date, earlier: list[Petition]) -> Petition:
        city = self.rng.random() < 0.18
        office = CITY if city else self.s.office()
        clerk = "petition_clerk" if city else f"{office}_clerk"
        sup = "petition_sup" if city else f"{office}_sup"
        case = Planned("petition", office, f"petition-{self.s.year}-{n:05d}")
        again = [
            p
            for p in earlier[-300:]
            if p.office == office and p.registered < day and p.petitioner.split(":")[2]
        ]
        repeat = self.rng.choice(again) if again and self.rng.random() < 0.08 else None
        pet = Petition(case, office, clerk, sup, day, repeat.petitioner if repeat else "")
        if not pet.petitioner:
            pet.petitioner = party(self.rng, "petitioner")
        values = self.register(pet, day)
        if repeat is not None:  # the clerk confirms the same person's same matter (同人同事)
            self.s.add(
                self.s.at(day, 9 * 60 - 1),
                clerk,
                "link",
                case,
                other=repeat.case,
                relation="same_matter",
            )
        self.decide(pet, values, repeat)
        return pet

    def register(self, pet: Petition, day: date) -> dict[str, str]:
        """Registered with its letter or intake record (登记, G art. 19)."""
        channel = self.rng.choice(("letter", "visit", "visit", "phone", "online"))
        category = self.rng.choice(("complaint",) * 6 + ("suggestion",) * 2 + ("accusation",))
        values = {
            "channel": channel,
            "category": category,
            "request": self.rng.choice(REQUESTS),
            "litigation": "yes" if self.rng.random() < 0.04 else "no",
        }
        parties = [pet.petitioner]
        if channel == "visit":
            values["visited_level"] = self.rng.choices(
                ("local", "maoming", "province"), (90, 7, 3)
            )[0]
            if self.rng.random() < 0.06:  # a group visit, with at most five representatives
                people = self.rng.choice((3, 5, 6, 8, 12, 20, 35))
                values["people"] = str(people)
                reps = self.rng.randint(1, min(5, people))
                parties += [party(self.rng, "representative") for _ in range(reps)]
        minute = self.rng.randrange(0, 8 * 60)
        self.s.add(
            self.s.at(day, minute),
            pet.clerk,
            "register",
            pet.case,
            title=self.rng.choice(TITLES),
            parties=parties,
            values=values,
        )
        intake = "letter" if channel in ("letter", "online") else "intake_record"
        self.s.add(self.s.at(day, minute + 1), pet.clerk, "doc", pet.case, doc=intake)
        return values

    # -- routing (分流), G arts. 21-23 ----------------------------------------------------

    def decide(self, pet: Petition, values: dict[str, str], repeat: Petition | None) -> None:
        day = pet.registered
        decide = self.s.working_day(day + timedelta(days=self.rng.choice((1, 2, 3, 5, 7, 10))))
        if self.rng.random() < 0.03:
            decide = day + timedelta(days=self.rng.randint(16, 25))  # decided late
        p, clerk, sup = pet.case, pet.clerk, pet.sup
        letter = ((clerk, "forwarding_letter"), (clerk, "forwarding_notice"))
        if values["category"] == "accusation":
            to = {"to_organ": DISCIPLINE, "organ_type": "discipline", **self.notice()}
            self.s.step(decide, clerk, p, "forward", to, letter)
            return
        refusal = ((clerk, "non_acceptance_notice"),)
        if values["litigation"] == "yes":
            self.s.step(
                decide, sup, p, "refuse", {"reason": "legal_route", **self.notice()}, refusal
            )
            return
        if repeat is not None and repeat.concluded is not None and repeat.concluded < decide:
            why = {"reason": "concluded", **self.notice()}
            self.s.step(decide, sup, p, "refuse", why, refusal)
            return
        roll = self.rng.random()
        if roll < 0.05:
            to = {"to_organ": self.rng.choice(ORGANS), "organ_type": "ordinary", **self.notice()}
            self.s.step(decide, clerk, p, "forward", to, letter)
        elif roll < 0.09:
            why = {"reason": "outside_remit", **self.notice()}
            self.s.step(decide, sup, p, "refuse", why, refusal)
        elif pet.office == CITY and roll < 0.35:
            self.assign_down(pet, decide)
        else:
            self.s.step(decide, sup, p, "accept", self.notice(), ((clerk, "acceptance_notice"),))
            self.handle(pet, decide)

    def assign_down(self, pet: Petition, day: date) -> None:
        """The petition bureau assigns the matter to a town (交办), which reports back within
        the days set (G art. 22 para 1(3))."""
        town = self.rng.choice(TOWNS)
        report_days = self.rng.choice((30, 45, 60))
        below = Planned("petition", town, f"{pet.case.ref}-assigned")
        values = {"to_office": town, "report_days": str(report_days), **self.notice()}
        docs = (("petition_clerk", "forwarding_letter"), ("petition_clerk", "forwarding_notice"))
        self.s.step(day, "petition_sup", pet.case, "assign_down", values, docs, spawns=below)
        town_pet = Petition(below, town, f"{town}_clerk", f"{town}_sup", day, pet.petitioner)
        accepted = day + timedelta(days=self.rng.randint(1, 4))
        self.s.step(
            accepted,
            town_pet.sup,
            below,
            "accept",
            self.notice(),
            ((town_pet.clerk, "letter"), (town_pet.clerk, "acceptance_notice")),
        )
        self.handle(town_pet, accepted, report_by=day + timedelta(days=report_days - 3))

    # -- handling (办理), G art. 34 --------------------------------------------------------

    def handle(self, pet: Petition, accepted: date, report_by: date | None = None) -> None:
        """Supervised now and then, perhaps extended, replied to and delivered."""
        p, sup = pet.case, pet.sup
        if self.rng.random() < 0.06:
            self.supervise(pet, accepted + timedelta(days=self.rng.randint(5, 10)))
        limit, earliest = 60, 12
        if report_by is None and self.rng.random() < 0.11:
            extra = self.rng.choice((15, 20, 30))
            ask = self.rng.randint(45, 57)
            why = {"days": str(extra), "reason": "情况复杂，需多部门核查", **self.notice()}
            self.s.step(accepted + timedelta(days=ask), sup, p, "extend", why,
                      ((pet.clerk, "extension_notice"),))  # fmt: skip
            limit, earliest = limit + extra, ask + 1
        if report_by is not None:
            reply_in = self.rng.randint(8, max(9, (report_by - accepted).days - 8))
        elif self.rng.random() < 0.05:
            reply_in = self.rng.randint(limit + 3, limit + 25)  # late
        else:
            reply_in = self.rng.randint(earliest, limit - 2)
        replied = self.s.working_day(accepted + timedelta(days=reply_in))
        outcome = {"outcome": self.rng.choice(("support", "explain", "explain", "not_support"))}
        self.s.step(replied, sup, p, "reply", outcome, ((pet.clerk, "reply"),))
        delivered = replied + timedelta(days=self.rng.randint(1, 5))
        self.deliver(pet, delivered, pet.clerk)
        if report_by is not None:
            self.s.step(delivered + timedelta(days=1), sup, p, "report", {},
                      ((pet.clerk, "completion_report"),))  # fmt: skip
        self.after_opinion(pet, delivered, "replied")

    def supervise(self, pet: Petition, day: date) -> None:
        """督办 by the petition bureau, answered in writing within 30 days (X art. 36)."""
        self.s.step(day, "petition_sup", pet.case, "supervise", {"note": "请按期办结并反馈"},
                  (("petition_clerk", "supervision_letter"),))  # fmt: skip
        answered = day + timedelta(days=self.rng.randint(5, 25))
        self.s.step(answered, pet.sup, pet.case, "answer_supervision", {},
                  ((pet.clerk, "supervision_answer"),))  # fmt: skip

    def deliver(self, pet: Petition, day: date, by: str) -> None:
        method = "unreachable" if self.rng.random() < 0.01 else self.rng.choice(DELIVERY_METHODS)
        self.s.step(day, by, pet.case, "deliver", {"method": method}, ((by, "delivery_proof"),))

    # -- after an opinion: rated, reviewed, closed ---------------------------------------

    def after_opinion(self, pet: Petition, delivered: date, stage: str) -> None:
        """Rated by most petitioners; reviewed by some (more of the dissatisfied), closed by
        most once satisfied or once their 30 days lapsed; a few left open."""
        rating = None
        if self.rng.random() < 0.8:
            rating = self.rng.choice(RATINGS)
            rated = delivered + timedelta(days=self.rng.randint(1, 10))
            self.s.add(self.s.at(rated), pet.clerk, "advance", pet.case, trigger="evaluate",
                       values={"rating": rating, "method": "phone"})  # fmt: skip
        asks = 0.45 if rating == "unsatisfied" else 0.1
        if self.rng.random() < asks:
            asked = delivered + timedelta(days=self.rng.randint(12, 26))
            if stage == "replied":
                self.review(pet, asked)
            else:
                self.rereview(pet, asked)
            return
        if self.rng.random() < 0.05:
            return  # left open at the year's end
        if rating in ("satisfied", "basic"):
            closed = delivered + timedelta(days=self.rng.randint(11, 20))
        else:
            closed = self.s.cal.add_days(delivered, 30) + timedelta(days=self.rng.randint(1, 12))
        self.s.add(self.s.at(closed), pet.clerk, "advance", pet.case, trigger="close")

    def review(self, pet: Petition, asked: date) -> None:
        """复查 one level up: the justice bureau for a town's petition (its parent office); the
        city's own petitions by 茂名市人民政府, recorded by the petition bureau."""
        p = pet.case
        self.s.step(asked, pet.clerk, p, "request_review", {}, ((pet.clerk, "review_request"),))
        reviewed = self.s.working_day(asked + timedelta(days=self.rng.randint(10, 27)))
        values = {
            "outcome": self.rng.choice(("explain", "not_support", "support")),
            "on_original": "uphold" if self.rng.random() < 0.85 else "change",
        }
        if pet.office == CITY:
            who = "petition_clerk"
            values |= {
                "organ": "茂名市人民政府",
                "doc_no": f"茂府复〔{self.s.year}〕{asked:%m%d}号",
            }
        else:
            who = "justice_sup"
        self.s.step(reviewed, who, p, "review", values, ((who, "review_opinion"),))
        by = "petition_clerk" if pet.office == CITY else "justice_clerk"
        delivered = reviewed + timedelta(days=self.rng.randint(1, 5))
        self.deliver(pet, delivered, by)
        self.after_opinion(pet, delivered, "reviewed")

    def rereview(self, pet: Petition, asked: date) -> None:
        """复核 two levels up, outside casework: recorded by a city office, now and then after
        a hearing whose days do not count (X art. 35)."""
        p = pet.case
        self.s.step(asked, pet.clerk, p, "request_rereview", {}, ((pet.clerk, "rereview_request"),))
        who = "petition_clerk" if pet.office == CITY else "justice_clerk"
        organ = "广东省人民政府" if pet.office == CITY else "茂名市司法局"
        days = self.rng.randint(10, 27)
        if self.rng.random() < 0.2:
            opened = asked + timedelta(days=self.rng.randint(5, 9))
            closed = opened + timedelta(days=self.rng.randint(1, 3))
            self.s.add(self.s.at(opened), who, "advance", p, trigger="hearing_start", values={})
            self.s.step(closed, who, p, "hearing_end", {}, ((who, "hearing_record"),))
            days += (closed - opened).days + 1
        decided = asked + timedelta(days=days)
        values = {
            "outcome": "not_support",
            "organ": organ,
            "doc_no": f"复核〔{self.s.year}〕{asked:%m%d}号",
        }
        self.s.step(decided, who, p, "rereview", values, ((who, "rereview_opinion"),))
        pet.concluded = decided


TITLES = (
    "反映拖欠工程款问题",
    "反映征地补偿款分配问题",
    "请求解决宅基地纠纷",
    "反映邻里噪音扰民",
    "反映企业拖欠工资",
    "请求解决林地权属争议",
    "反映小区物业管理问题",
    "反映道路施工影响通行",
    "请求落实低保待遇",
    "反映养殖场污染问题",
    "反映土地承包经营权纠纷",
    "请求解决子女入学问题",
)
REQUESTS = (
    "请求督促有关单位依法处理，维护合法权益",
    "请求协调解决，尽快支付相关款项",
    "请求查明事实，依法予以纠正",
    "请求有关部门到现场核实并处理",
)
ORGANS = (
    "高州市自然资源局",
    "高州市人力资源和社会保障局",
    "高州市住房和城乡建设局",
    "高州市公安局",
    "高州市市场监督管理局",
)
