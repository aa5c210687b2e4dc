"""工作台 the desk: what waits for the acting user (``GET /api/v1/desk``, the ``/desk`` page)."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from threading import Lock
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine

from casework.api.base import Base
from casework.errors import NotAllowed

if TYPE_CHECKING:
    from casework.read.damage import DamageReport
    from casework.read.desk import DeskJSON, DeskRow

    Queues = tuple[list[DeskRow], list[DeskRow]]

NO_USER = "工作台需要登录用户 (the desk is a user's own: act as a user)"
# The deadline queues kept per (office scope, day, within, database mark): the desk is opened
# by every user many times a day, and the deadlines of a day change only with the database.
KEPT = 64
# (office scope, procedure scope, day, within, the database's change mark)
DueKey = tuple[str | None, frozenset[str] | None, date, int, tuple[int, int, int]]


class DueCache:
    """The deadline queues last computed, by what they were computed from."""

    def __init__(self) -> None:
        self.kept: OrderedDict[DueKey, Queues] = OrderedDict()
        self.lock = Lock()

    def get(self, key: DueKey) -> Queues | None:
        with self.lock:
            found = self.kept.get(key)
            if found is not None:
                self.kept.move_to_end(key)
            return found

    def put(self, key: DueKey, value: Queues) -> None:
        with self.lock:
            self.kept[key] = value
            while len(self.kept) > KEPT:
                self.kept.popitem(last=False)


# One cache per database engine, shared by every ``acting`` copy of the API over it.
CACHES: WeakKeyDictionary[Engine, DueCache] = WeakKeyDictionary()
CACHES_LOCK = Lock()


def cache_of(engine: Engine) -> DueCache:
    with CACHES_LOCK:
        found = CACHES.get(engine)
        if found is None:
            found = CACHES[engine] = DueCache()
        return found


class Desk(Base):
    """The acting user's queues."""

    def desk(self, as_of: str | date | None = None, within: int = 7, limit: int = 50) -> DeskJSON:
        """The user's queues on ``as_of`` (today): cases whose next step their role may take,
        deadlines within ``within`` days (临期), overdue ones (超期) and cases sent back to
        them (退回); each with its count and its first ``limit`` rows. The deadline queues
        are computed once per office scope, day and state of the database, and kept."""
        from casework.domain.policy import procedures_of
        from casework.read.damage import skipping
        from casework.read.desk import changes, desk, due_queues
        from casework.read.scope import at_least

        day = self.day(as_of)
        at_least(limit, 1, "limit", "条数")
        at_least(within, 0, "within", "天数")
        cache = cache_of(self.engine)
        with self.read() as (conn, actor):
            if actor is None:
                raise NotAllowed(NO_USER, field="user")
            # The deadline queues are kept per office scope and per procedure scope: a city
            # clerk's are not an operator's (workflows.policy.ROLE_PROCEDURES).
            scope = None if actor.city_wide else actor.office
            key = (scope, procedures_of(actor), day, within, changes(conn))

            def queues(damage: DamageReport) -> DeskJSON:
                due = cache.get(key)
                if due is None:
                    due = due_queues(conn, self.machines, actor, day, within, damage)
                    if not damage.found:  # kept only as the whole database gives them
                        cache.put(key, due)
                return desk(conn, self.machines, actor, day, within, limit, due, damage)

            found, warning = skipping(conn, self.machines.registry, queues)
        if warning is not None:
            found["warnings"] = [warning]
        return found
