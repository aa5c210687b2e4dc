"""What every part of the API shares: the database, the clock, the procedures, the acting user.

The parts (cases, reads, statistics, administration, trust, ledgers, subsidies) are mixins of
:class:`casework.api.Casework` over this one context; each method opens one unit of work or one
read, calls a service or a read function, and returns its typed result.

A part imports the services, reads and storage it calls inside the methods that call them (and
names their types under ``TYPE_CHECKING``): importing the API then loads no use case or read a
command does not run, which a clerk running one command after another waits for (start-up,
issue 18: ``case show`` loaded 191 of casework's and the procedures' modules, 136 since).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.engine import Connection, Engine

from casework.clock import Clock
from casework.services.channel import Channel
from casework.typed import day_in_range

if TYPE_CHECKING:
    from casework.domain.model import Actor
    from casework.engine import Engine as Machines
    from casework.storage.uow import UnitOfWork

T = TypeVar("T")


def reexported(module: str, names: Mapping[str, str]) -> Callable[[str], object]:
    """The ``__getattr__`` of an API module for the names it passes on from the layers below
    (``name: "module"`` or ``"module:attribute"``): each is imported when first asked for, so
    that importing the API loads no use case or read a command does not run (start-up, issue
    18). Inside the module itself these names are imported where they are used."""

    def attribute(name: str) -> object:
        source = names.get(name)
        if source is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        where, _, attr = source.partition(":")
        return getattr(importlib.import_module(where), attr or name)

    return attribute


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
        from casework.time.local import local_date

        return local_date(self.clock())

    def day(self, value: str | date | None, field: str = "as_of") -> date:
        """A date given as text or as a date; today when not given."""
        from casework.time.local import DATE_LABELS, parse_date

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
        from casework.storage.uow import write

        def unit(uow: UnitOfWork) -> T:
            return work(uow, uow.users.actor(self.user))

        way = channel or self.channel
        return write(self.engine, self.clock, self.machines, unit, (way.name, way.os_user))

    def derived_write(self, work: Callable[[Connection], T]) -> T:
        """Write derived rows (no event, no log: the statistics roll-ups) in one transaction,
        retried as a whole on a busy database."""
        from casework.storage.uow import write

        return write(self.engine, self.clock, self.machines, lambda uow: work(uow.conn))

    @contextmanager
    def read(self) -> Iterator[tuple[Connection, Actor | None]]:
        """One read snapshot, with the acting user when one is named (None: an operator)."""
        from casework.storage.db import reading
        from casework.storage.directory import load_actor

        with reading(self.engine) as conn:
            yield conn, (load_actor(conn, self.user) if self.user else None)
