"""Figures by flag: the cases registered in a period on which a procedure's flag holds
(集体访、越级访、重复信访、初信初访, petition.md 1.2), judged by the procedure's own flag code
(``Workflow.flags``) as ``case show`` judges them, on each case as stored and the world (dated
settings, office levels) of its registration day.

The cases and their links are read in two queries for the whole period; a case's history,
file or parties are read only if a flag asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain.model import Event, Lazy, LinkedCase, Party
from casework.domain.view import OnItsDay
from casework.read.damage import not_damaged
from casework.read.metrics import Item, Parts, PartsOf, group_data, refusal_reasons
from casework.read.scope import AnySelect, Scope, by_id
from casework.storage.db import chunk_size
from casework.storage.repository import documents_of, histories_of
from casework.storage.tables import case_links, cases, parties
from casework.storage.world import StoredWorld
from casework.time.local import as_utc
from workflows import Registry
from workflows.spec import Workflow
from workflows.versions import pinned


class FlagView(OnItsDay):
    """A stored case as a flag sees it (``GuardContext``): no step values, no actor, at the
    moment of its registration."""

    def __init__(
        self,
        conn: Connection,
        row: Any,
        links: Sequence[LinkedCase],
        world: StoredWorld,
        histories: Histories,
    ) -> None:
        self._conn, self._row, self._links, self._world = conn, row, links, world
        self._events: Lazy[Sequence[Event]] = Lazy(histories.loader(row.id))

    @property
    def case_no(self) -> str:
        return str(self._row.case_no)

    @property
    def office(self) -> str:
        return str(self._row.office_code)

    @property
    def state(self) -> str:
        return str(self._row.state)

    @property
    def values(self) -> Mapping[str, Any]:
        return {}

    @property
    def actor(self) -> None:
        return None

    @property
    def data(self) -> Mapping[str, Any]:
        return dict(self._row.data or {})

    @property
    def at(self) -> datetime:
        registered: datetime = self._row.registered_at
        return as_utc(registered)

    @property
    def on(self) -> date:
        registered: date = self._row.registered_on
        return registered

    @property
    def rules(self) -> str | None:
        return pinned(self._row.data or {})

    @property
    def events(self) -> Sequence[Event]:
        return self._events.get()

    @property
    def documents(self) -> Sequence[str]:
        size = chunk_size(self._conn)
        return [
            d.kind for d in documents_of(self._conn, [self._row.id], size).get(self._row.id, [])
        ]

    @property
    def parties(self) -> Sequence[Party]:
        rows = self._conn.execute(
            select(parties.c.role, parties.c.name, parties.c.id_number, parties.c.phone)
            .where(parties.c.case_id == self._row.id)
            .order_by(parties.c.ord)
        )
        return [Party(r.role, r.name, r.id_number, r.phone) for r in rows]

    @property
    def links(self) -> Sequence[LinkedCase]:
        return self._links


class Histories:
    """The histories a flag may ask for (of the linked cases and the cases linking them), read
    together the first time one is asked for, not one case at a time."""

    def __init__(self, conn: Connection) -> None:
        self._conn, self.wanted = conn, set[int]()
        self._read: dict[int, list[Event]] | None = None

    def loader(self, case_id: int) -> Callable[[], Sequence[Event]]:
        return lambda: self.of(case_id)

    def of(self, case_id: int) -> Sequence[Event]:
        if self._read is None or case_id not in self.wanted:
            self.wanted.add(case_id)
            ids = sorted(self.wanted)
            self._read = histories_of(self._conn, ids, chunk_size(self._conn))
        return self._read.get(case_id, [])


def _registered_in(kind: str, scope: Scope) -> AnySelect:
    found = select(
        cases.c.id,
        cases.c.case_no,
        cases.c.office_code,
        cases.c.kind,
        cases.c.state,
        cases.c.data,
        cases.c.registered_at,
        cases.c.registered_on,
    ).where(
        by_id(cases.c.kind, scope) == kind, cases.c.registered_on.between(scope.start, scope.end)
    )
    if scope.recorded_by is not None:
        found = found.where(cases.c.recorded_at < scope.recorded_by)
    if scope.office is not None:
        found = found.where(cases.c.office_code == scope.office)
    if scope.damaged:  # left out (casework.read.damage.skipping)
        found = found.where(not_damaged(cases.c.id, scope.damaged))
    if scope.only_cases is not None:  # a roll-up's refresh (casework.read.rollups)
        found = found.where(cases.c.id.in_(sorted(scope.only_cases)))
    return found


def _links_of(
    conn: Connection,
    registered: AnySelect,
    histories: Histories,
    damaged: frozenset[int] = frozenset(),
) -> dict[int, list[LinkedCase]]:
    """The links of the period's cases, in the order they were made, each case's by its id
    (links to a ``damaged`` case left out)."""
    mine = registered.subquery()
    other = cases.alias("other")
    kept = [not_damaged(other.c.id, damaged)] if damaged else []
    rows = conn.execute(
        select(
            case_links.c.case_id,
            case_links.c.kind,
            other.c.id,
            other.c.case_no,
            other.c.kind.label("case_kind"),
            other.c.state,
            other.c.office_code,
            other.c.data,
        )
        .select_from(case_links.join(other, case_links.c.other_case_id == other.c.id))
        .where(case_links.c.case_id.in_(select(mine.c.id)), *kept)
        .order_by(case_links.c.id)
    )
    out: dict[int, list[LinkedCase]] = {}
    for r in rows:
        histories.wanted.update((r.case_id, r.id))
        history = Lazy(histories.loader(r.id))
        row = (r.kind, r.case_no, r.case_kind, r.state, r.office_code, r.data or {})
        out.setdefault(r.case_id, []).append(LinkedCase(*row, history))
    return out


def flagged(wf: Workflow, registry: Registry, values: Sequence[str | None]) -> PartsOf:
    """The cases registered in the scope on which each flag holds: one part per flag and
    valuing field, named ``flag|field`` (an item's value is that field of its data, else 1)."""

    def parts(conn: Connection, scope: Scope) -> Parts:
        world = StoredWorld(conn, registry)
        registered = _registered_in(wf.name, scope)
        histories = Histories(conn)
        links = _links_of(conn, registered, histories, scope.damaged)
        reasons = refusal_reasons(conn, select(registered.subquery().c.id))
        out: Parts = {f"{f.name}|{v or ''}": [] for f in wf.flags for v in values}
        for row in conn.execute(registered.order_by(cases.c.registered_on, cases.c.case_no)):
            view = FlagView(conn, row, links.get(row.id, []), world, histories)
            data = row.data or {}
            extra = group_data(data, reasons.get(row.id))
            for flag in wf.flags:
                if not flag.check(view):
                    continue
                for v in values:
                    worth = data.get(v) if v else 1
                    item = Item(
                        row.case_no,
                        row.registered_on,
                        row.office_code,
                        wf.name,
                        worth if isinstance(worth, int) else 1,
                        extra,
                    )
                    out[f"{flag.name}|{v or ''}"].append(item)
        return out

    return parts
