"""What every part of the API shares: the database, the clock, the procedures, the acting user.

The parts (cases, reads, statistics, administration, trust, ledgers, subsidies) are mixins of
:class:`casework.api.Casework` over this one context; each method opens one unit of work or one
read, calls a service or a read function, and returns its typed result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TypeVar

from sqlalchemy.engine import Connection, Engine

from casework.clock import Clock
from casework.domain.model import Actor
from casework.engine import Engine as Machines
from casework.services.accounts import Channel
from casework.storage.db import reading
from casework.storage.directory import load_actor
from casework.storage.uow import UnitOfWork, write
from casework.time.local import DATE_LABELS, local_date, parse_date
from casework.typed import day_in_range

T = TypeVar("T")


class Base:
    """The shared context of the API's parts."""

    engine: Engine
    clock: Clock
    machines: Machines
    user: str | None
    # How the acting user reaches casework, for the admin and reveal logs: the CLI says
    # ``cli`` and the operating-system account, the JSON API ``api``, the web ``web``.
    channel: Channel = Channel()

    def today(self) -> date:
        """The local (China Standard Time) date of the clock."""
        return local_date(self.clock())

    def day(self, value: str | date | None, field: str = "as_of") -> date:
        """A date given as text or as a date; today when not given."""
        if value is None:
            return self.today()
        if isinstance(value, str):
            return parse_date(value, field)
        # A date object too is one of casework's range (casework.typed).
        return day_in_range(value, DATE_LABELS.get(field, field), field)

    def acting_write(
        self, work: Callable[[UnitOfWork, Actor], T], channel: Channel | None = None
    ) -> T:
        """Run ``work`` as the acting user in one unit of work, committed as a whole; its
        events record ``channel`` (the API's own channel when not given)."""

        def unit(uow: UnitOfWork) -> T:
            return work(uow, uow.users.actor(self.user))

        way = channel or self.channel
        return write(self.engine, self.clock, self.machines, unit, (way.name, way.os_user))

    def derived_write(self, work: Callable[[Connection], T]) -> T:
        """Write derived rows (no event, no log: the statistics roll-ups) in one transaction,
        retried as a whole on a busy database."""
        return write(self.engine, self.clock, self.machines, lambda uow: work(uow.conn))

    @contextmanager
    def read(self) -> Iterator[tuple[Connection, Actor | None]]:
        """One read snapshot, with the acting user when one is named (None: an operator)."""
        with reading(self.engine) as conn:
            yield conn, (load_actor(conn, self.user) if self.user else None)
