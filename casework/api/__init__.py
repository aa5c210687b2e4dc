"""The public Python API of casework: what the CLI and other programs call.

>>> from casework.api import Casework
>>> cw = Casework.initialise("gaozhou.db", offices="gaozhou")   # doctest: +SKIP
>>> clerk = cw.acting("clerk_panzhou")                           # doctest: +SKIP
>>> clerk.register("petition", office="panzhou", title="...")    # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from casework.actors import Actor, load_actor
from casework.admin import list_offices, list_users
from casework.time.calendar import Calendar
from casework.clock import Clock, system_clock
from casework.diagrams import describe, mermaid
from casework.engine import Engine as WorkflowEngine
from casework.errors import InvalidData
from casework.holidays import add_holiday_file, calendar_coverage, load_calendar
from casework.domain.parties import PartyInput
from casework.api.admin import AdminCommands
from casework.services.admin import InitResult, initialise
from casework.storage.uow import write
from casework.api.cases import CaseCommands
from casework.api.ledger import LedgerCommands
from casework.api.subsidy import SubsidyAPI
from casework.legacy_services import CaseService
from casework.services.cases import Progress
from casework.storage import schema
from casework.storage.db import open_engine, reading
from casework.time.local import local_date, parse_date
from casework.views import case_history, due_list, list_cases, show_case
from workflows import Registry, default_registry



class Casework(CaseCommands, AdminCommands, LedgerCommands):
    """One database, one acting user (or none, for reads), one clock."""

    def __init__(
        self,
        db: str | Engine,
        *,
        user: str | None = None,
        clock: Clock = system_clock,
        registry: Registry | None = None,
        check_schema: bool = True,
    ) -> None:
        self.engine = open_engine(db) if isinstance(db, str) else db
        if check_schema:
            schema.require_current(self.engine)
        self.user = user
        self.clock = clock
        self.machines = WorkflowEngine(registry or default_registry())
        self._cases = CaseService(self.engine, self.machines, clock)

    @classmethod
    def initialise(
        cls,
        db: str | Engine,
        *,
        offices: str | None = None,
        admin: str = "admin",
        clock: Clock = system_clock,
        registry: Registry | None = None,
    ) -> Casework:
        """Create or upgrade the schema, load offices and the first admin; idempotent."""
        engine = open_engine(db, must_exist=False) if isinstance(db, str) else db
        schema.upgrade(engine)
        cw = cls(engine, clock=clock, registry=registry)
        cw.last_init = write(engine, clock, cw.machines, lambda uow: initialise(uow, offices, admin))
        cw.last_init["revision"] = schema.current_revision(engine)
        return cw

    last_init: InitResult

    def acting(self, username: str | None) -> Casework:
        """The same database and clock, acting as another user."""
        other = object.__new__(Casework)
        other.__dict__.update(self.__dict__)
        other.user = username
        return other

    def close(self) -> None:
        self.engine.dispose()

    # -- offices and users ---------------------------------------------------------------

    def offices(self) -> list[dict[str, Any]]:
        """All offices, city-level first."""
        with reading(self.engine) as conn:
            return list_offices(conn)

    def users(self) -> list[dict[str, Any]]:
        """All users by office."""
        with reading(self.engine) as conn:
            return list_users(conn)

    def whoami(self) -> Actor | None:
        """The acting user, or None when none is set."""
        if self.user is None:
            return None
        with reading(self.engine) as conn:
            return load_actor(conn, self.user)

    # -- cases ---------------------------------------------------------------------------

    def today(self) -> date:
        """The local (China Standard Time) date of the clock."""
        return local_date(self.clock())

    def _as_of(self, as_of: str | date | None, option: str = "--as-of") -> date:
        if as_of is None:
            return self.today()
        return parse_date(as_of, option) if isinstance(as_of, str) else as_of

    def show(
        self, case_no: str, reveal: bool = False, as_of: str | date | None = None
    ) -> dict[str, Any]:
        """The whole case as the contract's ``case show`` JSON; ``due`` as of a day (today)."""
        day = self._as_of(as_of)
        with reading(self.engine) as conn:
            actor = load_actor(conn, self.user) if self.user else None
            return show_case(conn, self.machines, case_no, actor, reveal, day)

    def history(self, case_no: str) -> list[dict[str, Any]]:
        """The case's events in order."""
        with reading(self.engine) as conn:
            actor = load_actor(conn, self.user) if self.user else None
            return case_history(conn, self.machines, case_no, actor)

    def allowed(self, case_no: str) -> list[str]:
        """Trigger names the acting user may fire on the case now."""
        return list(self.show(case_no)["triggers"])

    def cases(
        self,
        kind: str | None = None,
        state: str | None = None,
        office: str | None = None,
        limit: int | None = None,
        overdue: bool = False,
        as_of: str | date | None = None,
    ) -> list[dict[str, Any]]:
        """Cases, newest first; with ``overdue``, only those past a deadline on ``as_of``."""
        day = self._as_of(as_of) if overdue else None
        with reading(self.engine) as conn:
            actor = load_actor(conn, self.user) if self.user else None
            return list_cases(conn, self.machines, actor, kind, state, office, limit, day)

    def due(
        self,
        within: int = 7,
        office: str | None = None,
        kind: str | None = None,
        as_of: str | date | None = None,
    ) -> list[dict[str, Any]]:
        """What falls due within ``within`` days and what is late on ``as_of``, most urgent
        first: ``[{case_no, kind, office, state, date, rule, overdue, days_left, ...}]``."""
        day = self._as_of(as_of)
        with reading(self.engine) as conn:
            actor = load_actor(conn, self.user) if self.user else None
            return due_list(conn, self.machines, actor, day, within, office, kind)

    def replied_on_time(self, start: str | date, end: str | date) -> dict[str, Any]:
        """``petition.replied_on_time`` for a period: ``{value, replied, items, late}``."""
        from casework.ontime import replied_on_time

        first, last = self._as_of(start, "--from"), self._as_of(end, "--to")
        with reading(self.engine) as conn:
            result = replied_on_time(conn, self.machines.registry, load_calendar(conn), first, last)
        return {
            "metric": "petition.replied_on_time",
            "from": first.isoformat(),
            "to": last.isoformat(),
            "value": len(result["on_time"]),
            "replied": len(result["replied"]),
            "items": result["on_time"],
            "late": result["late"],
        }

    # -- screenings and statistics --------------------------------------------------------

    def screenings(
        self,
        office: str | None = None,
        start: str | date | None = None,
        end: str | date | None = None,
        kind: str | None = None,
    ) -> list[dict[str, Any]]:
        """Screening entries, newest first."""
        from casework.screening import list_entries

        first = self._as_of(start, "--from") if start is not None else None
        last = self._as_of(end, "--to") if end is not None else None
        with reading(self.engine) as conn:
            actor = load_actor(conn, self.user) if self.user else None
            return list_entries(conn, actor, office, first, last, kind)

    def _scope(
        self,
        start: str | date | None,
        end: str | date | None,
        as_of: str | date | None,
        office: str | None,
    ) -> Any:
        from casework.stats import Scope

        today = self.today()
        first = self._as_of(start, "--from") if start is not None else date(today.year, 1, 1)
        last = self._as_of(end, "--to") if end is not None else today
        day = self._as_of(as_of) if as_of is not None else None
        return Scope(first, last, day, office)

    def stats(
        self,
        start: str | date | None = None,
        end: str | date | None = None,
        by: str | None = None,
        as_of: str | date | None = None,
        office: str | None = None,
        metrics: list[str] | None = None,
    ) -> dict[str, Any]:
        """The metric catalogue for a period (this year to date), optionally grouped."""
        from casework.stats import compute

        scope = self._scope(start, end, as_of, office)
        with reading(self.engine) as conn:
            scope = self._restrict(conn, scope)
            return compute(conn, scope, metrics, by)

    def explain(
        self,
        metric: str,
        start: str | date | None = None,
        end: str | date | None = None,
        as_of: str | date | None = None,
        office: str | None = None,
    ) -> dict[str, Any]:
        """The cases or screening entries behind one figure."""
        from casework.stats import explain

        scope = self._scope(start, end, as_of, office)
        with reading(self.engine) as conn:
            scope = self._restrict(conn, scope)
            return explain(conn, metric, scope)

    def _restrict(self, conn: Any, scope: Any) -> Any:
        """A town user's statistics cover their own office only."""
        import dataclasses

        from casework.actors import office_scope

        actor = load_actor(conn, self.user) if self.user else None
        office = office_scope(conn, actor, scope.office, "that office's statistics")
        return dataclasses.replace(scope, office=office)

    def export_cases(
        self,
        out: str,
        kind: str | None = None,
        start: str | date | None = None,
        end: str | date | None = None,
        office: str | None = None,
        columns: str | None = None,
        reveal: bool = False,
    ) -> dict[str, Any]:
        """Write cases to FILE.csv, .xlsx or .json; personal data masked unless revealed."""
        from casework import export

        chosen = export.choose_columns(columns)
        if kind is not None:
            self.machines.workflow(kind)
        first = self._as_of(start, "--from") if start is not None else None
        last = self._as_of(end, "--to") if end is not None else None
        if first is not None and last is not None and last < first:
            raise InvalidData(f"the period ends ({last}) before it starts ({first})")
        with reading(self.engine) as conn:
            actor = load_actor(conn, self.user) if self.user else None
            data = export.rows(conn, actor, chosen, reveal, kind, first, last, office)
            count = export.write(out, chosen, data)
        return {"out": out, "rows": count, "columns": chosen, "revealed": reveal}

    @property
    def subsidy(self) -> SubsidyAPI:
        """以案定补: eligibility, the scale, quarterly claims, payout sheets, figures."""
        return SubsidyAPI(self)

    # -- calendar ------------------------------------------------------------------------

    def calendar(self) -> Calendar:
        """The working-day calendar this database uses."""
        with reading(self.engine) as conn:
            return load_calendar(conn)

    def calendar_show(self) -> dict[str, Any]:
        """The years covered, by the package or by added holiday files."""
        with reading(self.engine) as conn:
            return calendar_coverage(conn)

    # -- trust ---------------------------------------------------------------------------

    def verify(self) -> dict[str, Any]:
        """Walk every case's hash chain and replay its history; lists what is wrong."""
        from casework.audit import verify

        with reading(self.engine) as conn:
            n_cases, n_events, findings = verify(conn, self.machines.registry)
        return {
            "ok": not findings,
            "cases": n_cases,
            "events": n_events,
            "findings": [f.as_dict() for f in findings],
        }

    def backup(self, target: str) -> dict[str, Any]:
        """A checked, consistent copy of a SQLite database (PostgreSQL: use pg_dump)."""
        from casework.backup import backup_sqlite

        result = backup_sqlite(self.engine, target)
        copy = Casework(target, clock=self.clock, registry=self.machines.registry)
        try:
            audit = copy.verify()
        finally:
            copy.close()
        if not audit["ok"]:
            result["audit"] = audit
        result.update(cases=audit["cases"], events=audit["events"], audit_ok=audit["ok"])
        return result

    # -- procedures ----------------------------------------------------------------------

    def workflows(self) -> list[dict[str, Any]]:
        """Every procedure, described."""
        return [describe(wf) for wf in self.machines.registry]

    def workflow(self, kind: str) -> dict[str, Any]:
        """One procedure, described."""
        return describe(self.machines.workflow(kind))

    def mermaid(self, kind: str) -> str:
        """One procedure as a Mermaid state diagram."""
        return mermaid(self.machines.workflow(kind))
