"""Running the demo plan through casework's API, one transaction per simulated day.

Every step goes through the same step a clerk's command takes (register, advance, record a
document, log a screening, draft and approve claims), with the same checks, guards, events and
hash chain; a day's steps go together through one batch (``Casework.batch``) and are written
together. The clock follows the simulated days, so each step is recorded on the evening of the
day it happened and ``stats --as-of`` sees the year as it unfolded.

The demo builds only a database it created itself (see ``casework.storage.lifecycle``).
"""

from __future__ import annotations

import os
import random
import secrets
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import NotRequired, TypedDict

from casework.api import Casework
from casework.api.cases import Batch
from casework.demo.committees import committees
from casework.demo.figures import TARGETS, FigureRow, compare
from casework.demo.hotline import DEPARTMENTS
from casework.demo.people import TOWNS, staff
from casework.demo.plan import by_day, plan_year
from casework.demo.realism import RealismRow, realism
from casework.demo.schedule import Op, Planned
from casework.domain.steps import DocumentStep, LinkStep, Registration, Step
from casework.errors import CaseworkError
from casework.ledger.csv_cells import csv_text
from casework.runtime import bulk_work
from casework.storage.db import make_durable, open_engine, sqlite_path
from casework.storage.lifecycle import DemoMark, contents, set_mark, wipe
from casework.time.local import CST

TIERS = (("simple", 30), ("ordinary", 50), ("complex", 15), ("major", 5))
# Days of steps written in one transaction (a quarter: the quarter's claims cut it anyway): the
# cases a quarter touches are read once, not daily.
DAYS_PER_BATCH = 92
CLAIM = "subsidy_claim"
# The share of each quarter's claims sent back for correction (the realism band is 1-5%).
RETURNS = {"Q1": 0.042, "Q2": 0.026, "Q3": 0.015}
TIER_REASONS = ("调解难度大于申报", "涉及人数较少，按一般案件核定", "按实际工作量核定")
PANDEMIC_CAMPAIGN = ("2020-yq", "新冠肺炎疫情防控矛盾纠纷专项排查")


class DemoResult(TypedDict):
    database: str
    year: int
    seed: int
    steps: int
    cases: int
    events: int
    bytes: int | None
    seconds: float
    figures: list[FigureRow]
    all_match: bool
    realism: list[RealismRow]
    # figures of the demo's invented cases (no report figure to match: reconsideration)
    invented: dict[str, float | int | None]
    realism_unavailable: list[str]
    all_realistic: bool
    replaced: NotRequired[bool]
    login: NotRequired[DemoLogin]


class DemoLogin(TypedDict):
    """The demo's web login: the admin's password, random, printed once and stored only hashed;
    it must be changed at the first login, as any password an admin sets (web.md)."""

    username: str
    password: str


DEMO_LOGIN = "admin"


def demo_login(cw: Casework) -> DemoLogin:
    """A fresh random password for the demo's admin (never a fixed default one): letters of
    both cases, digits and a symbol, so that it meets the password policy."""
    password = f"Gz-{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}"
    cw.acting("admin").set_password(DEMO_LOGIN, password)
    return DemoLogin(username=DEMO_LOGIN, password=password)


class DemoClock:
    """A clock the demo moves along the simulated year."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def evening_of(self, day: date) -> None:
        self.now = datetime.combine(day, time(20, 0), CST).astimezone(UTC)


def _refusal(target: str, what: str, field: str = "database") -> CaseworkError:
    return CaseworkError(
        f"数据库 {target} {what}；演示只在新数据库或它自己建立的演示数据库中生成"
        "（请另指定数据库 database）",
        field=field,
        value=target,
    )


def prepare(target: str, force: bool, clock: DemoClock, year: int, seed: int) -> Casework:
    """A new database with Gaozhou's offices and the demo staff, marked as the demo's own.

    A database that holds cases or users of its own is refused, with or without ``force``; one
    the demo built is rebuilt only with ``force``.
    """
    # A demo database is rebuilt, not recovered: its commits need not wait for the disk.
    engine = open_engine(target, must_exist=False, durable=False)
    held = contents(engine)
    if held.schema and held.mark is None:
        engine.dispose()
        raise _refusal(
            target,
            f"不是演示数据库（有 {held.cases} 件案件、{held.users} 个用户）(not a demo database)",
        )
    if held.schema and held.cases and not force:
        engine.dispose()
        raise _refusal(
            target, f"已有演示生成的 {held.cases} 件案件 (already holds cases)，可强制重建", "force"
        )
    if held.schema and force and not held.untouched():
        engine.dispose()
        raise _refusal(
            target, "在演示之后又添加了用户或案件 (has users or cases of its own)，不能替换"
        )
    if held.schema and held.cases:
        engine = wipe(target, engine)
    cw = Casework.initialise(engine, offices="gaozhou", clock=clock)
    set_mark(cw.engine, DemoMark(year, seed, "building"), clock())
    known_offices = {o["code"] for o in cw.offices()}
    for code, name in DEPARTMENTS.items():  # the 12345 orders' city departments
        if code not in known_offices:
            cw.acting("admin").add_office(code, name, "city", "department")
    known = {u["username"] for u in cw.users()}
    cw.acting("admin").add_users([u for u in staff() if u[0] not in known])
    add_committees(cw.acting("admin"))
    if year == 2020 and not cw.screening_campaigns():
        # 广东省 2020: the epidemic's special screening, February to July (mediation.md 5)
        cw.acting("admin").add_screening_campaign(
            *PANDEMIC_CAMPAIGN, "2020-01-23", "2020-07-31", pandemic=True
        )
    return cw


def add_committees(admin: Casework) -> None:
    """The city's committees through ``committee import``, then each one's mediators."""
    listed = [c for c in committees() if c.type != "studio"]
    with tempfile.TemporaryDirectory(prefix="casework-demo-") as folder:
        path = Path(folder) / "committees.csv"
        rows = [c.row() for c in listed]
        header = list(rows[0])
        text = csv_text(header, ([r[k] for k in header] for r in rows))
        path.write_text(text, encoding="utf-8", newline="")
        admin.import_committees(path)
    admin.add_mediators([(u, name, c.code) for c in listed for u, name in c.members])
    # A studio names its mediator (mediation.md 2.1): a mediator of the town first, who then
    # moves to the studio that bears their name.
    for c in committees():
        if c.type == "studio":
            username, name = c.members[0]
            admin.add_users([(username, name, "mediator", c.office)])
            admin.add_committee(c.code, c.name, "studio", c.office, mediator=username)
            admin.move_mediator(username, c.code, admin.today())


class Runner:
    def __init__(self, cw: Casework, clock: DemoClock, seed: int, year: int) -> None:
        self.cw = cw
        self.clock = clock
        self.rng = random.Random(f"casework-demo-run-{year}-{seed}")
        self.year = year
        self.rejections = self._rejection_plan()

    def _rejection_plan(self) -> dict[tuple[str, str], int]:
        """How many claims each office sends back in each quarter."""
        plan: dict[tuple[str, str], int] = {}
        for n in range(TARGETS.subsidy_rejections):
            key = (f"{self.year}Q{n % 3 + 1}", self.rng.choice(TOWNS))
            plan[key] = plan.get(key, 0) + 1
        return plan

    def run(self, ops: list[Op], progress: Callable[[int], None] | None = None) -> None:
        """Every day's steps, several days to a transaction (each step recorded on the evening
        of its own day); the quarters' claims in transactions of their own, in between."""
        done = 0
        days: list[tuple[date, list[Op]]] = []
        for day, batch in by_day(ops):
            plain: list[Op] = []
            for op in batch:
                if op.action == "claims":
                    self._commit([*days, (day, plain)])
                    days, plain = [], []
                    self.clock.evening_of(day)
                    self._claims(op)
                else:
                    plain.append(op)
            days.append((day, plain))
            if len(days) >= DAYS_PER_BATCH:
                self._commit(days)
                days = []
            done += len(batch)
            if progress is not None:
                progress(done)
        self._commit(days)

    def _commit(self, days: list[tuple[date, list[Op]]]) -> None:
        if not any(ops for _, ops in days):
            return

        def work(b: Batch) -> None:
            # The cases the batch's days touch that exist already, read at once; those
            # registered in the batch are held by the unit of work from their registration.
            _prepare(b, [op for _, ops in days for op in ops])
            for day, ops in days:
                self.clock.evening_of(day)
                b.read_clock_again()
                for op in ops:
                    _apply(b, op)

        self.cw.batch(work)

    def _claims(self, op: Op) -> None:
        quarter, step = str(op.args["quarter"]), str(op.args["step"])
        office: str | None = op.args.get("office")
        user = self.cw.acting(op.user)
        if step == "draft":
            user.subsidy.draft(quarter, office)
        elif step == "check":
            assert office is not None
            self._reject(op.user, quarter, office)
            self._send_back(op.user, quarter, office)
            user.subsidy.advance_quarter(quarter, "check", {}, office)
        elif step == "resubmit":  # corrected by the clerk, checked again by the supervisor
            assert office is not None
            returned = user.subsidy.claims(quarter, ("returned",), office)
            again = [Step(c["case_no"], "resubmit", {"note": "已补正"}) for c in returned]
            if again:
                self.cw.batch(lambda b: b.advance_many(op.user, again))
                self.cw.acting(op.args["checker"]).subsidy.advance_quarter(
                    quarter, "check", {}, office
                )
        elif step == "approve":
            # The justice bureau spot-checks its sample (all found true), then approves each
            # claim at a tier, giving a reason where it differs from the proposed one.
            drawn = user.subsidy.sample(quarter, None, self.year)["sampled"]
            checks = [Step(no, "spot_check", {"method": "phone", "result": "pass"}) for no in drawn]
            if checks:
                self.cw.batch(lambda b: b.advance_many(op.user, checks))
            targets = user.subsidy.claims(quarter, ("town_checked",))
            tiers = [t for t, _ in TIERS]
            weights = [w for _, w in TIERS]
            steps = []
            for c in targets:
                # most at the proposed tier; now and then another, with the reason
                changed = self.rng.random() < 0.08
                tier = self.rng.choices(tiers, weights)[0] if changed else c["proposed_tier"]
                values = {"tier": tier}
                if tier != c["proposed_tier"]:
                    values["tier_reason"] = self.rng.choice(TIER_REASONS)
                steps.append(Step(c["case_no"], "approve", values))
            self.cw.batch(lambda b: b.advance_many(op.user, steps))
        elif step == "pay":
            q = quarter
            batch = f"{q[:4]}年第{q[-1]}季度"
            user.subsidy.advance_quarter(quarter, "pay", {"batch": batch})

    def _send_back(self, user: str, quarter: str, office: str) -> None:
        """A few claims go back to the office for correction (退回补正), more in the first
        quarter, when the new ledgers were least practised."""
        share = RETURNS.get(quarter[-2:], 0.0) * self.rng.uniform(0.7, 1.3)
        drafted = self.cw.acting(user).subsidy.claims(quarter, ("drafted",), office)
        count = min(len(drafted), round(len(drafted) * share))
        if not count:
            return
        reasons = ("回访记录缺当事人签名", "调解协议书未加盖调委会印章", "卷宗目录与材料不符")
        chosen = self.rng.sample(drafted, count)
        back = [
            Step(
                c["case_no"],
                "send_back",
                {"reason": "材料不全", "to_fix": self.rng.choice(reasons)},
            )
            for c in chosen
        ]
        self.cw.batch(lambda b: b.advance_many(user, back))

    def _reject(self, user: str, quarter: str, office: str) -> None:
        count = self.rejections.get((quarter, office), 0)
        if not count:
            return
        api = self.cw.acting(user)
        chosen = []
        for claim in api.subsidy.claims(quarter, ("drafted",), office):
            # A claim whose case is one of several mediations of one dispute is kept.
            links = api.show(claim["mediation_case"])["links"]
            if not any(link["case_kind"] == "mediation" for link in links):
                chosen.append(claim["case_no"])
            if len(chosen) == count:
                break
        if len(chosen) < count:
            raise RuntimeError(f"{office} {quarter}: too few claims to send {count} back")
        reasons = ("调解协议书缺当事人签名", "卷宗材料不规范，需补正", "回访记录不完整")
        rejects = [
            Step(no, "reject", {"reason": "ineligible", "note": self.rng.choice(reasons)})
            for no in chosen
        ]
        self.cw.batch(lambda b: b.advance_many(user, rejects))


def _prepare(b: Batch, ops: list[Op]) -> None:
    """Read at once the cases a day's steps touch, and the refs its registrations use."""
    steps: list[tuple[str, str]] = []
    registrations: list[tuple[str, str, str | None]] = []
    for op in ops:
        target = op.target
        if target is None:
            continue
        if op.action == "register":
            registrations.append((target.kind, target.office, target.ref))
        elif target.case_no is not None and op.action in ("advance", "doc"):
            steps.append((target.case_no, op.args.get("trigger", "doc")))
    b.prepare(steps, registrations, sorted({op.user for op in ops}))


def _apply(b: Batch, op: Op) -> None:
    a, p = op.args, op.target
    assert p is not None
    if op.action == "register":
        values = dict(a.get("values") or {})
        if a.get("screening") is not None:
            values["screening"] = str(a["screening"].screening_id)
        link: Planned | None = a.get("link")
        item = Registration(
            p.office,
            a["title"],
            tuple(a.get("parties", ())),
            values,
            op.at,
            None,
            link.case_no if link else None,
            p.ref,
        )
        p.case_no = b.register(op.user, p.kind, item).case.case_no
    elif op.action == "advance":
        assert p.case_no is not None
        # a value naming a planned case (a merged order's ``into``) is its number by now
        values = {
            k: v.case_no if isinstance(v, Planned) else v
            for k, v in (a.get("values") or {}).items()
        }
        done = b.advance(op.user, Step(p.case_no, a["trigger"], values, None, op.at))
        spawned: Planned | None = a.get("spawns")
        if spawned is not None:  # the case the step created at another office (交办)
            assert done.spawned is not None
            spawned.case_no = done.spawned.case_no
    elif op.action == "link":
        other: Planned = a["other"]
        assert p.case_no is not None and other.case_no is not None
        b.link(op.user, LinkStep(p.case_no, other.case_no, a["relation"], at=op.at))
    elif op.action == "doc":
        assert p.case_no is not None
        b.document(op.user, DocumentStep(p.case_no, a["doc"], at=op.at))
    elif op.action == "screening":
        row = b.log_screening(
            op.user,
            p.office,
            a["day"],
            a["kind"],
            (a["found"], a["prevented"]),
            (a["campaign"], a["note"]),
            p.ref,
        )
        p.screening_id = row["id"]
    else:  # pragma: no cover - the plan makes no other ops
        raise ValueError(op.action)


# The demo's invented reconsiderations (the report gives no figure, 一(八)3), shown as such.
INVENTED = (
    "reconsideration.received",
    "reconsideration.accepted",
    "reconsideration.concluded",
    "reconsideration.correction_rate",
    "reconsideration.on_time_rate",
)


def run_demo(
    target: str,
    year: int = 2020,
    seed: int = 2020,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    until: date | None = None,
) -> DemoResult:
    """Build the demo year into a database and return the report figures beside casework's.

    ``until`` stops the year after that day (for quick trials; the figures then fall short).
    """
    if not 2004 <= year <= 2026:
        raise CaseworkError(
            f"演示年份 year {year} 须在节假日日历已知的 2004-2026 年之间", field="year", value=year
        )
    # from before the first case carried over from the year before (plan.CARRY_OVER)
    clock = DemoClock(datetime(year - 1, 11, 1, tzinfo=CST).astimezone(UTC))
    started = datetime.now(UTC)
    with bulk_work():
        cw = prepare(target, force, clock, year, seed)
        ops = plan_year(year, seed)
        if until is not None:
            ops = [op for op in ops if op.at.astimezone(CST).date() <= until]
        tick = (lambda n: progress(n, len(ops))) if progress else None
        Runner(cw, clock, seed, year).run(ops, tick)
        clock.evening_of(date(year, 12, 31))
        rows = compare(
            lambda name, start, end, cut: cw.stats(start, end, metrics=[name], closed_by=cut)[
                "metrics"
            ][name],
            year,
        )
        invented = cw.stats(date(year, 1, 1), date(year, 12, 31), metrics=list(INVENTED))
        # A partial year (``until``) is not measured: its bands would fail by design.
        checks, unavailable = realism(cw, year) if until is None else ([], [])
        login = demo_login(cw)
    held = contents(cw.engine)
    set_mark(cw.engine, DemoMark(year, seed, "built", held.cases, held.events, held.users), clock())
    make_durable(cw.engine)
    path = sqlite_path(cw.engine.url.render_as_string(False))
    size = os.path.getsize(path) if path and os.path.exists(path) else None
    cw.close()
    return DemoResult(
        database=target,
        year=year,
        seed=seed,
        steps=len(ops),
        cases=held.cases,
        events=held.events,
        bytes=size,
        seconds=round((datetime.now(UTC) - started).total_seconds(), 1),
        figures=rows,
        all_match=all(r["match"] for r in rows),
        realism=checks,
        invented={name: invented["metrics"][name] for name in INVENTED},
        realism_unavailable=unavailable,
        all_realistic=all(r["ok"] for r in checks),
        login=login,
    )
