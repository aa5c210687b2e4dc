"""The public Python API of casework: what the CLI, the web and other programs call.

:class:`Casework` is one database, one clock, the procedures and an acting user (or none, for
reads), composed of parts over that one context (``casework.api.base``): cases, ledgers,
accounts, administration, reads, the screening ledger, statistics, and ``.subsidy`` for 以案定补.
Every result is typed (the TypedDicts of the command-line contract's JSON shapes).

>>> from casework.api import Casework
>>> cw = Casework.initialise("gaozhou.db", offices="gaozhou")   # doctest: +SKIP
>>> clerk = cw.acting("clerk_panzhou")                           # doctest: +SKIP
>>> clerk.register("petition", office="panzhou", title="...")    # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from casework.api.accounts import AccountCommands
from casework.api.admin import AdminCommands
from casework.api.cases import Batch, CaseCommands
from casework.api.committees import CommitteeCommands
from casework.api.desk import Desk
from casework.api.documents import Documents
from casework.api.lapses import Sweeps
from casework.api.ledger import LedgerCommands
from casework.api.precheck import Precheck
from casework.api.printing import Printing
from casework.api.publishing import Publishing
from casework.api.reads import Reads
from casework.api.reports import Reports
from casework.api.restores import Restores
from casework.api.reveals import RevealLog
from casework.api.screening import ScreeningCommands
from casework.api.search import Search
from casework.api.statistics import Statistics
from casework.api.subsidy import SubsidyAPI
from casework.clock import Clock, system_clock
from casework.errors import NotAllowed

if TYPE_CHECKING:
    from casework.services.admin import InitResult
    from workflows import Registry

__all__ = ["Batch", "Casework", "refuse_frozen_clock"]


def refuse_frozen_clock(db: str | Engine) -> None:
    """As ``Casework.refuse_frozen_clock``, on a database that may not exist yet (``init``)."""
    from casework.storage.db import open_engine
    from casework.storage.lifecycle import frozen_clock_refusal

    engine = open_engine(db, must_exist=False) if isinstance(db, str) else db
    try:
        why = frozen_clock_refusal(engine)
    finally:
        if isinstance(db, str):
            engine.dispose()
    if why is not None:
        raise NotAllowed(why, field="CASEWORK_NOW")


class Casework(
    CaseCommands,
    AdminCommands,
    AccountCommands,
    CommitteeCommands,
    Desk,
    Documents,
    LedgerCommands,
    Precheck,
    Printing,
    Publishing,
    Reads,
    RevealLog,
    ScreeningCommands,
    Statistics,
    Search,
    Reports,
    Restores,
    Sweeps,
):
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
        from casework.engine import Engine as WorkflowEngine
        from casework.storage import schema
        from casework.storage.db import open_engine
        from workflows import default_registry

        self.engine = open_engine(db) if isinstance(db, str) else db
        if check_schema:
            schema.require_current(self.engine)
        self.user = user
        self.clock = clock
        self.machines = WorkflowEngine(registry or default_registry())

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
        from casework.services.admin import initialise
        from casework.storage import schema
        from casework.storage.db import open_engine
        from casework.storage.uow import write

        engine = open_engine(db, must_exist=False) if isinstance(db, str) else db
        schema.upgrade(engine)
        cw = cls(engine, clock=clock, registry=registry)
        cw.last_init = write(
            engine, clock, cw.machines, lambda uow: initialise(uow, offices, admin), ("init", None)
        )
        cw.last_init["revision"] = schema.current_revision(engine)
        cw.build_rollups()
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

    def refuse_frozen_clock(self) -> None:
        """Refuse (NotAllowed, field ``CASEWORK_NOW``) a frozen clock on a database with real
        accounts that neither the demo nor a test suite marked (casework.storage.lifecycle)."""
        refuse_frozen_clock(self.engine)

    @property
    def subsidy(self) -> SubsidyAPI:
        """以案定补: eligibility, the scale, quarterly claims, payout sheets, figures."""
        return SubsidyAPI(self)
