"""Running the demo plan through casework's services, one transaction per simulated day.

Every step goes through the same service methods a clerk's command uses (register, advance,
record a document, log a screening, draft and approve claims), with the same checks, guards,
events and hash chain. The clock follows the simulated days, so each step is recorded on the
evening of the day it happened and ``stats --as-of`` sees the year as it unfolded.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from casework.actors import Actor, load_actor
from casework.api import Casework
from casework.demo.figures import TARGETS, compare
from casework.demo.people import TOWNS, staff
from casework.demo.plan import Op, by_day, plan_year
from casework.errors import CaseworkError
from casework.time.periods import Quarter
from casework.screening import log_in
from casework.legacy_services import Registration, Step
from casework.storage import schema
from casework.storage.db import database_url, open_engine, run_write, sqlite_path
from casework.storage.tables import case_links, cases, events, metadata
from casework.subsidy import claims
from casework.time.local import CST

TIERS = (("simple", 30), ("ordinary", 50), ("complex", 15), ("major", 5))


class DemoClock:
    """A clock the demo moves along the simulated year."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def evening_of(self, day: date) -> None:
        self.now = datetime.combine(day, time(20, 0), CST).astimezone(UTC)


def prepare(target: str, force: bool, clock: DemoClock) -> Casework:
    """A new database with Gaozhou's offices and the demo staff; refuse one with cases."""
    engine = open_engine(target, must_exist=False)
    if schema.current_revision(engine) is not None:
        with engine.connect() as conn:
            has_cases = conn.execute(select(func.count()).select_from(cases)).scalar_one()
        if has_cases and not force:
            raise CaseworkError(
                f"the database already holds {has_cases} cases; the demo needs a new one "
                "(use another --db, or --force to replace everything in it)"
            )
        if has_cases or force:
            engine.dispose()
            _wipe(target)
            engine = open_engine(target, must_exist=False)
    cw = Casework.initialise(engine, offices="gaozhou", clock=clock)
    admin = cw.acting("admin")
    known = {u["username"] for u in cw.users()}
    for username, name, role, office in staff():
        if username not in known:
            admin.add_user(username, name, role, office)
    return cw


def _wipe(target: str) -> None:
    path = sqlite_path(database_url(target))
    if path is not None:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    engine = open_engine(target, must_exist=False)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()


class Runner:
    def __init__(self, cw: Casework, clock: DemoClock, seed: int, year: int) -> None:
        self.cw = cw
        self.clock = clock
        self.service = cw._cases
        self.rng = random.Random(f"casework-demo-run-{year}-{seed}")
        self.actors: dict[str, Actor] = {}
        self.year = year
        self.rejections = self._rejection_plan()

    def _rejection_plan(self) -> dict[tuple[str, str], int]:
        """How many claims each office sends back in each quarter."""
        plan: dict[tuple[str, str], int] = {}
        for n in range(TARGETS.subsidy_rejections):
            key = (f"{self.year}Q{n % 3 + 1}", self.rng.choice(TOWNS))
            plan[key] = plan.get(key, 0) + 1
        return plan

    def actor(self, conn: Connection, username: str) -> Actor:
        found = self.actors.get(username)
        if found is None:
            found = self.actors[username] = load_actor(conn, username)
        return found

    def run(self, ops: list[Op], progress: Callable[[int], None] | None = None) -> None:
        done = 0
        for day, batch in by_day(ops):
            self.clock.evening_of(day)
            plain: list[Op] = []
            for op in batch:
                if op.action == "claims":
                    self._commit(plain)
                    plain = []
                    self._claims(op)
                else:
                    plain.append(op)
            self._commit(plain)
            done += len(batch)
            if progress is not None:
                progress(done)

    def _commit(self, ops: list[Op]) -> None:
        if not ops:
            return
        now = self.clock()

        def work(conn: Connection) -> None:
            for op in ops:
                self._apply(conn, op, now)

        run_write(self.service.db, work)

    def _apply(self, conn: Connection, op: Op, now: datetime) -> None:
        actor = self.actor(conn, op.user)
        a, p = op.args, op.target
        assert p is not None
        if op.action == "register":
            wf = self.service.machines.workflow(p.kind)
            values = dict(a.get("values") or {})
            if a.get("screening") is not None:
                values["screening"] = str(a["screening"].screening_id)
            link = a.get("link")
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
            p.case_no = self.service.register_in(conn, actor, wf, item, now)["case_no"]
        elif op.action == "advance":
            assert p.case_no is not None
            self.service.advance_in(
                conn, actor, Step(p.case_no, a["trigger"], a.get("values") or {}, None, op.at), now
            )
        elif op.action == "doc":
            assert p.case_no is not None
            self.service.document_in(
                conn, actor, p.case_no, a["doc"], (None, None), op.at, None, None, now
            )
        elif op.action == "screening":
            row = log_in(
                conn,
                actor,
                p.office,
                a["day"],
                a["kind"],
                a["found"],
                a["prevented"],
                a["day"],
                now,
                a["campaign"],
                a["note"],
                p.ref,
            )
            p.screening_id = row["id"]
        else:  # pragma: no cover - the plan makes no other ops
            raise ValueError(op.action)

    def _claims(self, op: Op) -> None:
        quarter = Quarter.parse(op.args["quarter"])
        step = op.args["step"]
        if step == "draft":
            claims.draft(self.service, op.user, quarter, op.args["office"])
        elif step == "check":
            office = op.args["office"]
            self._reject(op.user, quarter, office)
            claims.advance_quarter(self.service, op.user, quarter, "check", "drafted", {}, office)
        elif step == "approve":
            with self.service.db.connect() as conn:
                targets = [
                    r.case_no for r in claims.claims_in(conn, quarter, ("town_checked",), None)
                ]
            tiers = [t for t, _ in TIERS]
            weights = [w for _, w in TIERS]
            steps = [
                Step(no, "approve", {"tier": self.rng.choices(tiers, weights)[0]}, None, op.at)
                for no in targets
            ]
            self.service.advance_many(op.user, steps)
        elif step == "pay":
            claims.advance_quarter(
                self.service,
                op.user,
                quarter,
                "pay",
                "approved",
                {"batch": f"{quarter.year}年第{quarter.number}季度"},
            )

    def _reject(self, user: str, quarter: Quarter, office: str) -> None:
        count = self.rejections.get((str(quarter), office), 0)
        if not count:
            return
        with self.service.db.connect() as conn:
            drafted = claims.claims_in(conn, quarter, ("drafted",), office)
            linked = {
                r.case_id
                for r in conn.execute(
                    select(case_links.c.case_id)
                    .join(cases, cases.c.id == case_links.c.other_case_id)
                    .where(cases.c.kind == "mediation")
                )
            }
            mediation_ids: dict[str, int] = dict(
                conn.execute(
                    select(cases.c.case_no, cases.c.id).where(cases.c.kind == "mediation")
                ).all()
            )
        chosen = [
            c.case_no
            for c in drafted
            if mediation_ids.get(str((c.data or {}).get("mediation_case"))) not in linked
        ][:count]
        if len(chosen) < count:
            raise RuntimeError(f"{office} {quarter}: too few claims to send {count} back")
        reasons = ("调解协议书缺当事人签名", "卷宗材料不规范，需补正", "回访记录不完整")
        self.service.advance_many(
            user, [Step(no, "reject", {"reason": self.rng.choice(reasons)}) for no in chosen]
        )


def run_demo(
    target: str,
    year: int = 2020,
    seed: int = 2020,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    until: date | None = None,
) -> dict[str, Any]:
    """Build the demo year into a database and return the report figures beside casework's.

    ``until`` stops the year after that day (for quick trials; the figures then fall short).
    """
    if not 2004 <= year <= 2026:
        raise CaseworkError(
            f"--year {year}: the demo needs a year the holiday calendar knows (2004-2026)"
        )
    clock = DemoClock(datetime(year, 1, 1, tzinfo=CST).astimezone(UTC))
    cw = prepare(target, force, clock)
    started = datetime.now(UTC)
    ops = plan_year(year, seed)
    if until is not None:
        ops = [op for op in ops if op.at.astimezone(CST).date() <= until]
    runner = Runner(cw, clock, seed, year)
    runner.run(ops, (lambda n: progress(n, len(ops))) if progress else None)
    clock.evening_of(date(year, 12, 31))

    def stat(name: str, start: date, end: date) -> Any:
        return cw.stats(start, end, metrics=[name])["metrics"][name]

    rows = compare(stat, year)
    with cw.engine.connect() as conn:
        n_cases = conn.execute(select(func.count()).select_from(cases)).scalar_one()
        n_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
    path = sqlite_path(cw.engine.url.render_as_string(False))
    size = os.path.getsize(path) if path and os.path.exists(path) else None
    cw.close()
    return {
        "database": target,
        "year": year,
        "seed": seed,
        "steps": len(ops),
        "cases": n_cases,
        "events": n_events,
        "bytes": size,
        "seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "figures": rows,
        "all_match": all(r["match"] for r in rows),
    }
