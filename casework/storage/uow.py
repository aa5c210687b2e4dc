"""The unit of work: one transaction, the repositories a use case works with, one "now".

A use case runs as ``write(engine, clock, machines, work)``: ``work`` gets a
:class:`UnitOfWork`, loads what it needs through its repositories, calls the domain's steps and
saves their outcomes; the unit of work then writes everything (executemany) and commits, or,
if anything was refused, rolls back and nothing is written. A busy database is waited for and
the whole unit retried within a bound (``storage.db.run_write``).

The unit of work reads its clock once, when a step first asks, which is after its write lock
is held: on SQLite ``BEGIN IMMEDIATE`` takes it before anything is read, and on PostgreSQL the
cases a step moves are locked as they are read (``SELECT ... FOR UPDATE``). So a step taken
"now" is never older than a step another writer committed first on the same case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.engine import Connection, Engine

from casework.clock import Clock
from casework.domain.model import Case, Data
from casework.engine import Engine as Machines
from casework.storage import open_limits, rollups
from casework.storage.adminlog import AdminLog
from casework.storage.calendars import Calendars
from casework.storage.chain import chain_key_of
from casework.storage.committees import Committee, Committees
from casework.storage.config import Config
from casework.storage.db import run_write
from casework.storage.directory import Offices, UserDirectory
from casework.storage.hierarchy import Hierarchy
from casework.storage.repository import CaseRepository
from casework.storage.screenings import Screenings
from casework.storage.settings import Settings
from casework.time.calendar import Calendar
from workflows.settings import SettingValue

if TYPE_CHECKING:
    from casework.storage.claims import Claims

T = TypeVar("T")


class UnitOfWork:
    """What one use case reads and changes, written together or not at all.

    It is also what the domain's steps see of the world (``casework.domain.steps.Intake``):
    the clock, the calendar, the dated settings, the office hierarchy, the users, value
    sources, offices, case numbers and cases.
    """

    def __init__(
        self,
        conn: Connection,
        clock: Clock,
        machines: Machines,
        origin: tuple[str | None, str | None] = (None, None),
    ) -> None:
        self.conn = conn
        self._clock = clock
        self._now: datetime | None = None
        self._calendar: Calendar | None = None
        self._machines = machines
        self._origin = origin
        self.cases = CaseRepository(conn, self.now, origin)

    # The other repositories are made when first used: a step uses two or three of them, and
    # making all of them was a tenth of a single step's CPU.

    @cached_property
    def admin_log(self) -> AdminLog:
        """Every change of reference data the repositories below make is recorded here, and
        written with the rest (issue 15 point 2)."""
        return AdminLog(self.conn, self._origin)

    @cached_property
    def users(self) -> UserDirectory:
        return UserDirectory(self.conn)

    @cached_property
    def offices(self) -> Offices:
        return Offices(self.conn, self.admin_log)

    @cached_property
    def settings(self) -> Settings:
        return Settings(self.conn, self.admin_log)

    @cached_property
    def screenings(self) -> Screenings:
        return Screenings(self.conn)

    @cached_property
    def calendars(self) -> Calendars:
        return Calendars(self.conn, self.admin_log)

    @cached_property
    def config(self) -> Config:
        return Config(self.conn, self._machines.registry, self.admin_log)

    @cached_property
    def hierarchy(self) -> Hierarchy:
        return Hierarchy(self.conn, self.config)

    @cached_property
    def committees(self) -> Committees:
        return Committees(self.conn)

    @cached_property
    def claims(self) -> Claims:
        """The subsidy's claims (their storage, read in bulk, is imported only when used)."""
        from casework.storage import claims

        return claims.Claims(self.conn, self._machines.registry)

    @property
    def machines(self) -> Machines:
        return self._machines

    def now(self) -> datetime:
        """The unit of work's one instant, read the first time it is asked for."""
        if self._now is None:
            self._now = self._clock()
        return self._now

    def read_clock_again(self) -> None:
        """The next step reads the clock again (a simulation whose clock moves on a day while
        one unit of work runs several days)."""
        self._now = None

    def calendar(self) -> Calendar:
        if self._calendar is None:
            self._calendar = self.calendars.load()
        return self._calendar

    def setting(self, key: str, day: date) -> SettingValue:
        return self.config.value(key, day)

    def parent(self, office: str, day: date) -> str | None:
        return self.hierarchy.parent(office, day)

    def level(self, office: str, day: date) -> int | None:
        return self.hierarchy.level(office, day)

    def office_kind(self, code: str) -> str | None:
        return self.hierarchy.kind(code)

    def committee_of(self, username: str, day: date) -> str | None:
        return self.committees.committee_of(username, day)

    def committee_info(self, code: str) -> Committee | None:
        return self.committees.get(code)

    def user_attributes(self, username: str) -> Mapping[str, str]:
        return self.users.attributes(username)

    def user_role(self, username: str) -> str | None:
        return self.users.role_of(username)

    def resolve(self, source: str, value: str, data: Data) -> Mapping[str, object]:
        if source == "screening":  # counting the cases this work registered but not yet wrote
            return self.screenings.link(value, self.cases.new_screened())
        return self.settings.resolve(source, value, data)

    def office_exists(self, code: str) -> bool:
        return self.offices.exists(code)

    def case_with_ref(self, kind: str, office: str, ref: str) -> Case | None:
        return self.cases.with_ref(kind, office, ref)

    def case(self, case_no: str) -> Case:
        return self.cases.get(case_no)

    def next_number(self, prefix: str, office: str, year: int) -> int:
        return self.cases.next_number(prefix, office, year)

    def chain_key(self, case_id: int | None) -> bytes | None:
        """The key of a case's chain: a new case's, or a stored one registered since the
        database was keyed (casework.storage.chain); None for an older, plain chain."""
        found = chain_key_of(self.conn)
        if found is None:
            return None
        first, key = found
        return key if case_id is None or case_id >= first else None

    def flush(self) -> None:
        """Write what the repositories hold so far (the transaction stays open), the
        open-limits index of what they wrote and the marks of the statistics roll-ups, in the
        same transaction."""
        moved = self.admin_log.has(open_limits.MOVES_LIMITS)
        written = self.cases.flush()
        self.admin_log.flush()
        registry = self._machines.registry
        if moved:
            self._calendar = None  # the calendar this unit changed, read again
            world = (self.calendar(), self.setting)
            open_limits.rebuild(self.conn, registry, world, self.now(), everything=False)
            rollups.mark_all(self.conn)
        elif written:
            open_limits.refresh(self.conn, registry, (self.calendar(), self.setting), written)
            rollups.mark(self.conn, [case_id for case_id, *_ in written])


def write(
    engine: Engine,
    clock: Clock,
    machines: Machines,
    work: Callable[[UnitOfWork], T],
    origin: tuple[str | None, str | None] = (None, None),
) -> T:
    """Run ``work`` in one unit of work and commit it; retried as a whole on a busy database.
    ``origin`` is the (channel, OS account) every event it writes records."""

    def unit(conn: Connection) -> T:
        uow = UnitOfWork(conn, clock, machines, origin)
        result = work(uow)
        uow.flush()
        return result

    return run_write(engine, unit)
