"""The demo year's 12345 work orders (hotline_reconsideration.md 7).

Callers phone, write on the website, the app or WeChat, or send a text; an operator of the
centre registers the order and answers a consultation from the knowledge base on the call, or
dispatches it within a working day to the town of its area or a city department (whose steps
the operators record for it, 代录). The office signs for it (now and then returns it, not its
area or duty, and the centre sends it on elsewhere), sometimes asks for more days, replies; the
centre approves the reply (sometimes sends it back first) and calls the caller back: most rate
the handling, some cannot be reached three times over two working days, some never consented;
an unsatisfied rating caused by the handling gets the order redone. A few calls repeat an open
order and are merged into it.

The report's figures are planned here, in what people do and when: 11,105 orders registered
from 1 January to 24 December and not merged, every one closed by 24 December (late-December
orders are answered on the call or quickly), and 9,567 of the 10,237 with a final rating
satisfied or basic. The statistics code then finds them in what was recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from casework.demo.figures import TARGETS
from casework.demo.people import TOWNS, person_name, phone
from casework.demo.schedule import Planned, Schedule
from casework.time.local import CST

CENTRE = "city-hotline"
OPERATORS = tuple(f"hotline_op{n}" for n in range(1, 7))
CENTRE_SUP = "hotline_sup"
# City departments outside casework (kind ``department``): operators record their steps.
DEPARTMENTS = {
    "city-housing": "高州市住房和城乡建设局",
    "city-hrss": "高州市人力资源和社会保障局",
    "city-market": "高州市市场监督管理局",
    "city-water": "高州市水务局",
    "city-transport": "高州市交通运输局",
}
CHANNELS = ("phone",) * 70 + ("web",) * 8 + ("app",) * 7 + ("wechat",) * 12 + ("sms",) * 3
CATEGORIES = {"consultation": 36, "help": 16, "complaint": 30, "report": 4, "suggestion": 9}
CATEGORIES |= {"praise": 5}
# Working days the office takes to reply, by category (the limits are 2, 10, 15; urgent 1).
REPLY_DAYS = {"consultation": (1, 2), "help": (2, 8), "suggestion": (3, 8)}
REPLY_DAYS |= {"complaint": (3, 12), "report": (4, 13), "praise": (1, 3)}
MATTERS = {
    "consultation": ("咨询社保卡办理流程", "咨询新冠疫苗接种安排", "咨询不动产登记所需材料"),
    "help": ("小区停水求助", "路灯损坏求助维修", "老人走失求助"),
    "complaint": ("投诉工地夜间施工噪音", "投诉商家拒不退款", "投诉拖欠农民工工资"),
    "report": ("举报无证经营", "举报违法占用耕地建房"),
    "suggestion": ("建议增设公交站点", "建议延长政务大厅办理时间"),
    "praise": ("表扬社区工作人员热心服务", "表扬派出所民警"),
}
REPLY_TEXTS = ("已派员现场处理，问题已解决", "已向诉求人解释相关政策", "已约谈相关商户，责令整改")
CUT_OFF = (12, 24)  # the report's date: the period ends, and every order is closed, by it


@dataclass
class Order:
    """One order as planned: its case, category, final rating (None: unrated) and days."""

    case: Planned
    category: str
    rating: str | None
    registered: datetime
    last: datetime  # the instant of its latest planned step
    area: str = TOWNS[0]
    urgent: bool = False
    closed: date | None = None


class HotlineYear:
    """Plans the year's 12345 orders on a schedule."""

    def __init__(self, s: Schedule) -> None:
        self.s = s
        self.rng = s.rng
        self.cut_off = date(s.year, *CUT_OFF)
        self.n = 0

    # -- when ----------------------------------------------------------------------------

    def after(self, o: Order, day: date, gap: tuple[int, int] = (5, 90)) -> datetime:
        """An instant of office hours on ``day`` after the order's last step; steps crowding
        one day follow a minute apart, before the evening the runner records them at."""
        when = max(self.s.at(day, self.rng.randrange(0, 8 * 60)), o.last)
        when += timedelta(minutes=self.rng.randint(*gap))
        if when.astimezone(CST).hour >= 19:
            when = o.last + timedelta(minutes=1)
        o.last = when
        return when

    def wd(self, day: date, days: int) -> date:
        """``days`` working days after ``day`` (0: the day itself, or the next working day)."""
        return self.s.cal.add_working_days(day, days) if days else self.s.cal.next_working_day(day)

    def step(
        self, o: Order, day: date, user: str, trigger: str, values: Mapping[str, object]
    ) -> date:
        when = self.after(o, day)
        self.s.add(when, user, "advance", o.case, trigger=trigger, values=values)
        return when.astimezone(CST).date()

    # -- the year ------------------------------------------------------------------------

    def plan(self) -> None:
        """The report's orders (their final ratings drawn exactly), those of the last week
        after the report, and a few repeated calls merged into open orders."""
        t = TARGETS
        ratings: list[str | None] = ["pleased"] * t.hotline_pleased
        ratings += ["unsatisfied"] * (t.hotline_rated - t.hotline_pleased)
        ratings += [None] * (t.hotline_received - t.hotline_rated)
        self.rng.shuffle(ratings)
        days = self.days(t.hotline_received, date(self.s.year, 1, 1), self.cut_off)
        orders = [self.order(day, rating) for day, rating in zip(days, ratings, strict=True)]
        late = self.days(190, self.cut_off + timedelta(days=1), self.s.year_end)
        for day in late:
            self.order(day, self.rng.choice(("pleased", "pleased", None)), may_stay_open=True)
        self.merges(orders)

    def days(self, count: int, first: date, last: date) -> list[date]:
        """Registration days: every day of the week (the line never closes), fewer at the
        Spring Festival and at weekends, more in the summer's rains."""
        pool = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        weights = [self.weight(d) for d in pool]
        return sorted(self.rng.choices(pool, weights=weights, k=count))

    def weight(self, day: date) -> float:
        w = 0.55 if day.weekday() >= 5 else 1.0
        if date(day.year, 1, 24) <= day <= date(day.year, 2, 2):
            w *= 0.4
        if day.month in (6, 7, 8):
            w *= 1.25
        return w

    def order(self, day: date, rating: str | None, may_stay_open: bool = False) -> Order:
        """One order registered on ``day``, walked to its final rating: answered on the call,
        or dispatched, when that is done by the report's date (else answered on the call)."""
        self.n += 1
        category = self.rng.choices(list(CATEGORIES), weights=list(CATEGORIES.values()))[0]
        # a caller who would rate consented to be called back; some who would not, did not
        consent = "no" if rating is None and self.rng.random() < 0.3 else "yes"
        values = {
            "channel": self.rng.choice(CHANNELS),
            "category": category,
            "urgency": "urgent" if self.rng.random() < 0.02 else "normal",
            "matter": self.rng.choice(MATTERS[category]),
            "area": self.s.office(),
            "callback_consent": consent,
        }
        p = Planned("hotline", CENTRE, f"hotline-{self.s.year}-{self.n:05d}")
        when = self.s.at(day, self.rng.randrange(0, 10 * 60) - 60)
        caller = f"caller:{person_name(self.rng)}::{phone(self.rng)}"
        op = self.rng.choice(OPERATORS)
        self.s.add(when, op, "register", p, title=values["matter"], values=values, parties=[caller])
        o = Order(p, category, self.final(rating), when, when, values["area"])
        o.urgent = values["urgency"] == "urgent"
        share = 0.7 if category == "consultation" else 0.0 if category == "praise" else 0.06
        if category != "praise" and self.rng.random() >= share:
            mark = len(self.s.ops)
            self.walk(o, *self.route(o, day, consent))
            if may_stay_open or (o.closed is not None and o.closed <= self.cut_off):
                return o
            del self.s.ops[mark:]  # it would not be closed by the report's date
            o.last, o.closed = when, None
        self.answer(o, op, day)
        return o

    def final(self, rating: str | None) -> str | None:
        if rating == "pleased":
            return "satisfied" if self.rng.random() < 0.82 else "basic"
        return rating

    def answer(self, o: Order, op: str, day: date) -> None:
        """Answered on the call: from the knowledge base, by pointing to another channel, or
        passed to the emergency line; rated on the call when the caller would."""
        answer = self.rng.choices(("knowledge_base", "other_channel", "emergency"), (80, 18, 2))[0]
        values: dict[str, object] = {"answer": answer}
        if o.rating is not None:
            values["rating"] = o.rating
        when = self.after(o, day, (2, 25))
        self.s.add(when, op, "advance", o.case, trigger="answer_directly", values=values)
        o.closed = o.last.astimezone(CST).date()

    # -- dispatched orders ---------------------------------------------------------------

    def route(self, o: Order, day: date, consent: str) -> tuple[str, date, str]:
        """Where the order goes (its area's town, or a department), when, and how its
        callbacks go."""
        to = self.rng.choice(list(DEPARTMENTS)) if self.rng.random() < 0.25 else o.area
        dispatch_day = self.wd(day, 0 if self.rng.random() < 0.85 else 1)
        calls = "rated" if o.rating is not None else "unrated"
        if consent == "no":
            calls = "no_consent"
        elif o.rating is None:
            calls = self.rng.choice(("unreachable", "refused", "unreachable"))
        return to, dispatch_day, calls

    def handler(self, to: str, role: str) -> str:
        """Who acts for the handling office: its clerk or supervisor, or, for a department
        outside casework, an operator of the centre (代录)."""
        return self.rng.choice(OPERATORS) if to in DEPARTMENTS else f"{to}_{role}"

    def walk(self, o: Order, to: str, dispatch_day: date, calls: str) -> None:
        op = self.rng.choice(OPERATORS)
        day = self.step(o, dispatch_day, op, "dispatch", {"to_office": to, "note": "请按时办理"})
        if to not in DEPARTMENTS and self.rng.random() < 0.025:
            # returned within the signing limit (not its area), and sent on elsewhere
            why = {"reason": self.rng.choice(("not_our_area", "not_our_duty"))}
            back = self.step(o, day, self.handler(to, "clerk"), "return_order", why)
            to = self.rng.choice(list(DEPARTMENTS))
            day = self.step(o, self.wd(back, 0), op, "dispatch", {"to_office": to})
        day = self.step(
            o, self.wd(day, self.rng.randint(0, 1)), self.handler(to, "clerk"), "sign", {}
        )
        if self.rng.random() < 0.04:
            self.step(o, day, op, "urge", {"note": "请加快办理"})
        day = self.handle(o, to, day)
        redo = o.rating is not None and self.rng.random() < 0.03
        day = self.review(o, to, day)
        if redo:
            day = self.redo(o, to, day)
        self.callbacks(o, day, calls)

    def handle(self, o: Order, to: str, day: date) -> date:
        """The office works on the order and replies, now and then after asking for more days
        (granted by the centre's supervisor), now and then a little late."""
        low, high = (0, 1) if o.urgent else REPLY_DAYS[o.category]
        days = self.rng.randint(low, high)
        if self.rng.random() < 0.02 and high >= 8:
            asked = str(self.rng.randint(2, 5))
            ask_day = self.wd(day, max(1, low))
            self.step(o, ask_day, self.handler(to, "sup"), "request_extension",
                      {"days": asked, "reason": "需协调多个部门"})  # fmt: skip
            self.step(
                o, ask_day, CENTRE_SUP, "decide_extension", {"approved": "yes", "days": asked}
            )
            days += int(asked)
        elif self.rng.random() < 0.03:
            days += self.rng.randint(1, 2)  # replied after the limit
        reply = {
            "result": self.rng.choices(("solved", "partly", "explained"), (70, 12, 18))[0],
            "reply_text": self.rng.choice(REPLY_TEXTS),
            "told_caller": self.rng.choice(("phone", "phone", "sms", "visit")),
        }
        return self.step(o, self.wd(day, days), self.handler(to, "sup"), "reply", reply)

    def review(self, o: Order, to: str, day: date) -> date:
        """The centre approves the reply, or now and then sends it back to be done again."""
        checker = self.rng.choice((*OPERATORS[:2], CENTRE_SUP))
        if self.rng.random() < 0.03:
            day = self.step(o, day, checker, "reject_reply", {"reason": "答复内容不完整"})
            reply = {"result": "solved", "reply_text": "已补充答复", "told_caller": "phone"}
            day = self.step(o, self.wd(day, 1), self.handler(to, "sup"), "reply", reply)
        return self.step(o, self.wd(day, self.rng.randint(0, 1)), checker, "approve_reply", {})

    def redo(self, o: Order, to: str, day: date) -> date:
        """Unsatisfied with the handling on the first callback: redone, replied again."""
        op = self.rng.choice(OPERATORS)
        unsatisfied = {"reached": "yes", "rating": "unsatisfied", "cause": "handling"}
        day = self.step(o, self.wd(day, 1), op, "callback", unsatisfied)
        day = self.step(o, day, CENTRE_SUP, "redo", {"reason": "诉求人对办理结果不满意"})
        day = self.handle(o, to, day)
        return self.review(o, to, day)

    def callbacks(self, o: Order, day: date, calls: str) -> None:
        """The callbacks within two working days of the approval, and the close on them."""
        op = self.rng.choice(OPERATORS)
        first = self.wd(day, self.rng.randint(0, 1))
        if calls == "no_consent":
            last = self.step(o, first, op, "close", {"basis": "no_consent"})
        elif calls == "refused":
            self.step(o, first, op, "callback", {"reached": "refused"})
            last = self.step(o, first, op, "close", {"basis": "no_consent"})
        elif calls == "unreachable":
            self.step(o, first, op, "callback", {"reached": "no"})
            second = self.wd(first, 1)
            self.step(o, second, op, "callback", {"reached": "no"})
            self.step(o, second, op, "callback", {"reached": "no"})
            last = self.step(o, second, op, "close", {"basis": "unreachable"})
        else:
            if self.rng.random() < 0.08:
                self.step(o, first, op, "callback", {"reached": "no"})
            rating = o.rating or "satisfied"
            values: dict[str, object] = {"reached": "yes", "rating": rating}
            basis = "rated"
            if rating == "unsatisfied":
                values["cause"] = self.rng.choice(("unreasonable", "policy", "other"))
                basis = "not_handling"
            self.step(o, first, op, "callback", values)
            last = self.step(o, first, op, "close", {"basis": basis})
        o.closed = last

    # -- repeated calls --------------------------------------------------------------------

    def merges(self, orders: list[Order]) -> None:
        """Repeated calls about an order still open: registered, then merged into it."""
        t = TARGETS
        open_long = [
            o for o in orders
            if o.closed is not None and (o.closed - o.registered.astimezone(CST).date()).days >= 6
        ]  # fmt: skip
        for main in self.rng.sample(open_long, t.hotline_merged):
            day = main.registered.astimezone(CST).date() + timedelta(days=self.rng.randint(1, 4))
            self.n += 1
            p = Planned("hotline", CENTRE, f"hotline-{self.s.year}-{self.n:05d}")
            values = {"channel": "phone", "category": main.category, "matter": "重复来电，同一诉求",
                      "area": main.area}  # fmt: skip
            op = self.rng.choice(OPERATORS)
            when = self.s.at(day, self.rng.randrange(0, 8 * 60))
            caller = f"caller:{person_name(self.rng)}::{phone(self.rng)}"
            self.s.add(when, op, "register", p, title=values["matter"], values=values,
                       parties=[caller])  # fmt: skip
            o = Order(p, main.category, None, when, when)
            self.s.add(self.after(o, day, (3, 20)), op, "advance", p, trigger="merge",
                       values={"into": main.case})  # fmt: skip
