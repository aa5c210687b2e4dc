"""Cases as the domain sees them, loaded from and written to the tables.

A :class:`CaseRepository` belongs to one unit of work. It loads a case once (one by number, or
many by ``IN`` chunks sized to the database's limit on bound variables), hands out each case's
latest version to the steps that follow, and keeps what the steps add (new cases, moved cases,
events, documents, parties, links) until :meth:`CaseRepository.flush` writes it all with
executemany: each moved case once, from the version read to the version reached, with a version
check, then the events in the order they were taken. Rows are inserted in the order the steps
made them, so their ids are the same however the steps were grouped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Connection

from casework.domain.model import Case, CaseFile, Document, Event, Lazy, LinkedCase, Party
from casework.domain.repeats import Earlier, matched
from casework.domain.steps import Registered, Stepped
from casework.errors import CaseworkError, Conflict, NotFound, NotInitialised
from casework.storage import bulk
from casework.storage.db import chunk_size
from casework.storage.prepared import Prepared
from casework.storage.screenings import screening_of
from casework.storage.tables import (
    EVENT_HISTORY_COLUMNS,
    EVENT_VIEW_COLUMNS,
    case_counters,
    case_links,
    cases,
    documents,
    events,
    parties,
)
from casework.time.local import as_utc, local_date
from workflows.spec import EventView

_CASE_COLUMNS = (
    cases.c.id,
    cases.c.case_no,
    cases.c.kind,
    cases.c.office_code,
    cases.c.title,
    cases.c.state,
    cases.c.version,
    cases.c.data,
    cases.c.head_hash,
    cases.c.registered_at,
    cases.c.ref,
    cases.c.updated_at,  # the last step's recording time (recorded_in_order)
    events.c.occurred_at.label("last_at"),
)
_CASES = select(*_CASE_COLUMNS).select_from(
    cases.outerjoin(events, and_(events.c.case_id == cases.c.id, events.c.seq == cases.c.version))
)
_CASES_BY_NUMBER = bulk.Lookup(
    _CASES.where(cases.c.case_no.in_(bindparam("keys", expanding=True))).with_for_update(of=cases),
    f"SELECT {bulk.column_list(_CASE_COLUMNS[:-1])}, events.occurred_at FROM cases "
    "LEFT OUTER JOIN events ON events.case_id = cases.id AND events.seq = cases.version "
    "WHERE cases.case_no IN ({marks})",
    (*_CASE_COLUMNS[:-1], events.c.occurred_at),
)
_BY_REF = _CASES.where(
    cases.c.kind == bindparam("kind"),
    cases.c.office_code == bindparam("office"),
    cases.c.ref == bindparam("ref"),
)
_EVENT_COLUMNS = (*EVENT_HISTORY_COLUMNS, events.c.channel, events.c.os_user)
# The statements a step runs one case at a time, on the driver itself (storage.prepared).
_HISTORY = Prepared(
    select(*_EVENT_COLUMNS).where(events.c.case_id == bindparam("case_id")).order_by(events.c.seq)
)
_EVENT_BY_REF = Prepared(
    select(*_EVENT_COLUMNS).where(
        events.c.case_id == bindparam("case_id"), events.c.ref == bindparam("ref")
    )
)
_REFS = select(events.c.case_id, *_EVENT_COLUMNS).where(
    events.c.case_id.in_(bindparam("case_ids", expanding=True)),
    events.c.ref.in_(bindparam("refs", expanding=True)),
)
_DOCUMENT_COLUMNS = (
    documents.c.kind,
    documents.c.file_name,
    documents.c.sha256,
    documents.c.actor,
    documents.c.occurred_at,
    documents.c.recorded_at,
    documents.c.event_seq,
)
_HISTORIES_BY_ID = bulk.Lookup(
    select(events.c.case_id, *_EVENT_COLUMNS)
    .where(events.c.case_id.in_(bindparam("keys", expanding=True)))
    .order_by(events.c.case_id, events.c.seq),
    f"SELECT events.case_id, {bulk.column_list(_EVENT_COLUMNS)} FROM events "
    "WHERE events.case_id IN ({marks}) ORDER BY events.case_id, events.seq",
    (events.c.case_id, *_EVENT_COLUMNS),
)
# The steps after registration of many cases (an export's 办理经过 leaves out the first,
# whose data holds the sealed parties it would open for nothing).
_STEPS_BY_ID = bulk.Lookup(
    select(events.c.case_id, *_EVENT_COLUMNS)
    .where(events.c.case_id.in_(bindparam("keys", expanding=True)), events.c.seq > 1)
    .order_by(events.c.case_id, events.c.seq),
    f"SELECT events.case_id, {bulk.column_list(_EVENT_COLUMNS)} FROM events "
    "WHERE events.case_id IN ({marks}) AND events.seq > 1 ORDER BY events.case_id, events.seq",
    (events.c.case_id, *_EVENT_COLUMNS),
)
_PARTY_COLUMNS = (parties.c.role, parties.c.name, parties.c.id_number, parties.c.phone)
_PARTIES_BY_ID = bulk.Lookup(
    select(parties.c.case_id, *_PARTY_COLUMNS)
    .where(parties.c.case_id.in_(bindparam("keys", expanding=True)))
    .order_by(parties.c.case_id, parties.c.ord),
    f"SELECT parties.case_id, {bulk.column_list(_PARTY_COLUMNS)} FROM parties "
    "WHERE parties.case_id IN ({marks}) ORDER BY parties.case_id, parties.ord",
    (parties.c.case_id, *_PARTY_COLUMNS),
)
# The open-limits index of the cases a unit of work wrote reads only what the limits read
# (reading a case's whole history was a fifth of a single step's CPU).
_PAST_COLUMNS = EVENT_VIEW_COLUMNS
_PASTS_BY_ID = bulk.Lookup(
    select(events.c.case_id, *_PAST_COLUMNS)
    .where(events.c.case_id.in_(bindparam("keys", expanding=True)))
    .order_by(events.c.case_id, events.c.seq),
    f"SELECT events.case_id, {bulk.column_list(_PAST_COLUMNS)} FROM events "
    "WHERE events.case_id IN ({marks}) ORDER BY events.case_id, events.seq",
    (events.c.case_id, *_PAST_COLUMNS),
)
_FILES_BY_ID = bulk.Lookup(
    select(documents.c.case_id, *_DOCUMENT_COLUMNS)
    .where(documents.c.case_id.in_(bindparam("keys", expanding=True)))
    .order_by(documents.c.case_id, documents.c.id),
    f"SELECT documents.case_id, {bulk.column_list(_DOCUMENT_COLUMNS)} FROM documents "
    "WHERE documents.case_id IN ({marks}) ORDER BY documents.case_id, documents.id",
    (documents.c.case_id, *_DOCUMENT_COLUMNS),
)
_FILE = Prepared(
    select(*_DOCUMENT_COLUMNS)
    .where(documents.c.case_id == bindparam("case_id"))
    .order_by(documents.c.id)
)
_VERSIONS = select(cases.c.case_no, cases.c.version).where(
    cases.c.id.in_(bindparam("case_ids", expanding=True))
)


@lru_cache(maxsize=4)
def _take_number(dialect: str) -> Any:
    """Take the next number of a key: the counter row serialises concurrent writers. Built
    once per dialect, and only for the dialect in use (PostgreSQL's is a large import)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql as chosen
    else:
        from sqlalchemy.dialects import sqlite as chosen  # type: ignore[no-redef]
    stmt = chosen.insert(case_counters).values(
        prefix=bindparam("b_prefix"),
        office_code=bindparam("b_office"),
        year=bindparam("b_year"),
        last_seq=1,
    )
    return stmt.on_conflict_do_update(
        index_elements=["prefix", "office_code", "year"],
        set_={"last_seq": case_counters.c.last_seq + 1},
    ).returning(case_counters.c.last_seq)


@lru_cache(maxsize=1)
def _put_number() -> Any:
    """SQLite: set a counter to the last number handed out, creating it if new."""
    from sqlalchemy.dialects import sqlite

    stmt = sqlite.insert(case_counters).values(
        prefix=bindparam("b_prefix"),
        office_code=bindparam("b_office"),
        year=bindparam("b_year"),
        last_seq=bindparam("b_last"),
    )
    return stmt.on_conflict_do_update(
        index_elements=["prefix", "office_code", "year"],
        set_={"last_seq": stmt.excluded.last_seq},
    )


# Statements built once: building a SQLAlchemy statement costs more than running it.
_ALL_NUMBERS = select(
    case_counters.c.prefix,
    case_counters.c.office_code,
    case_counters.c.year,
    case_counters.c.last_seq,
)
_SET_NUMBER = (
    case_counters.update()
    .where(
        case_counters.c.prefix == bindparam("b_prefix"),
        case_counters.c.office_code == bindparam("b_office"),
        case_counters.c.year == bindparam("b_year"),
    )
    .values(last_seq=bindparam("b_last"))
)
# By procedure, office and ref: the unique index (kind, office_code, ref) serves it.
# By procedure, office and ref: the unique index (kind, office_code, ref) serves it.
_REFS_USED = bulk.Lookup(
    select(cases.c.office_code, cases.c.ref, cases.c.title, cases.c.registered_on).where(
        cases.c.kind == bindparam("kind"),
        cases.c.office_code == bindparam("office"),
        cases.c.ref.in_(bindparam("keys", expanding=True)),
    ),
    "SELECT cases.office_code, cases.ref, cases.title, cases.registered_on FROM cases "
    "WHERE cases.kind = ? AND cases.office_code = ? AND cases.ref IN ({marks})",
    (cases.c.office_code, cases.c.ref, cases.c.title, cases.c.registered_on),
)
_NUMBERS_USED = select(
    cases.c.office_code, cases.c.case_no, cases.c.title, cases.c.registered_on
).where(cases.c.kind == bindparam("kind"), cases.c.case_no.in_(bindparam("nos", expanding=True)))
_RELATED_COLUMNS = (
    cases.c.case_no,
    cases.c.office_code,
    cases.c.state,
    cases.c.title,
    cases.c.data,
    parties.c.role,
    parties.c.name,
    parties.c.id_number,
    parties.c.phone,
)
_RELATED_BY_ID = (
    select(*_RELATED_COLUMNS)
    .select_from(parties.join(cases, parties.c.case_id == cases.c.id))
    .where(
        parties.c.id_number_index.in_(bindparam("ids", expanding=True)),
        cases.c.kind == bindparam("kind"),
    )
)
# By name and phone, on the index of (name, phone's blind index): the pairs are filtered after.
_RELATED_BY_NAME = (
    select(*_RELATED_COLUMNS)
    .select_from(parties.join(cases, parties.c.case_id == cases.c.id))
    .where(
        parties.c.name.in_(bindparam("names", expanding=True)),
        parties.c.phone_index.in_(bindparam("phones", expanding=True)),
        cases.c.kind == bindparam("kind"),
    )
)
# The cases linked to one, with what a guard reads of them.
_OTHER = cases.alias("other")
_LINKS = Prepared(
    select(
        case_links.c.kind,
        _OTHER.c.id,
        _OTHER.c.case_no,
        _OTHER.c.kind.label("case_kind"),
        _OTHER.c.state,
        _OTHER.c.office_code,
        _OTHER.c.data,
    )
    .select_from(case_links.join(_OTHER, case_links.c.other_case_id == _OTHER.c.id))
    .where(case_links.c.case_id == bindparam("case_id"))
    .order_by(case_links.c.id)
)
_PARTIES = Prepared(
    select(parties.c.role, parties.c.name, parties.c.id_number, parties.c.phone)
    .where(parties.c.case_id == bindparam("case_id"))
    .order_by(parties.c.ord)
)
_LAST_AT = Prepared(
    select(events.c.occurred_at).where(
        events.c.case_id == bindparam("case_id"), events.c.seq == bindparam("seq")
    )
)


def event_of(row: Any) -> Event:
    """An event row (the columns of ``_EVENT_COLUMNS``) as the model's event."""
    return Event(
        row.seq,
        row.trigger,
        row.from_state,
        row.to_state,
        row.actor,
        row.actor_role,
        as_utc(row.occurred_at),
        row.occurred_on,
        as_utc(row.recorded_at),
        row.note,
        row.data or {},
        row.hash,
        row.ref,
        row.channel,
        row.os_user,
    )


def _event_at(r: Sequence[Any]) -> Event:
    """An event from a row of _EVENT_COLUMNS, by position."""
    return Event(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10] or {}, r[11], r[12],
        r[13], r[14],
    )  # fmt: skip


def _event_from(r: Sequence[Any]) -> Event:
    """An event from a row of (case_id, *_EVENT_COLUMNS), by position."""
    return Event(
        r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11] or {}, r[12], r[13],
        r[14], r[15],
    )  # fmt: skip


class Past(NamedTuple):
    """A stored event as the limits see it (workflows.spec.EventView)."""

    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    occurred_at: datetime
    occurred_on: date
    data: Mapping[str, Any]


# A case written by a unit of work: its id, procedure, office, data and whole history.
Written = tuple[int, str, str, Mapping[str, object], Sequence[EventView]]


def pasts_of(conn: Connection, ids: Sequence[int], size: int) -> dict[int, list[Past]]:
    """The events of these cases as the limits see them, by case id, in order."""
    out: dict[int, list[Past]] = {}
    for part in chunks(ids, size):
        for r in bulk.select_in(conn, _PASTS_BY_ID, part):
            out.setdefault(r[0], []).append(Past(r[1], r[2], r[3], r[4], r[5], r[6], r[7] or {}))
    return out


def histories_of(conn: Connection, ids: Sequence[int], size: int) -> dict[int, list[Event]]:
    """The events of these cases, by case id, in order (read ``size`` cases at a time)."""
    out: dict[int, list[Event]] = {}
    for part in chunks(ids, size):
        for row in bulk.select_in(conn, _HISTORIES_BY_ID, part):
            out.setdefault(row[0], []).append(_event_from(row))
    return out


def later_steps_of(conn: Connection, ids: Sequence[int]) -> dict[int, list[Event]]:
    """The events after registration (seq 2 on) of these cases (a chunk the database binds
    at once), by case id, in order."""
    out: dict[int, list[Event]] = {}
    for row in bulk.select_in(conn, _STEPS_BY_ID, ids):
        out.setdefault(row[0], []).append(_event_from(row))
    return out


def parties_by_case(conn: Connection, ids: Sequence[int]) -> dict[int, list[Party]]:
    """The parties of these cases (a chunk the database binds at once), by case id, in
    order, their personal values opened."""
    out: dict[int, list[Party]] = {}
    for row in bulk.select_in(conn, _PARTIES_BY_ID, ids):
        out.setdefault(row[0], []).append(Party(*row[1:]))
    return out


def documents_of(conn: Connection, ids: Sequence[int], size: int) -> dict[int, list[Document]]:
    """The documents of these cases' files, by case id, in order."""
    out: dict[int, list[Document]] = {}
    for part in chunks(ids, size):
        for row in bulk.select_in(conn, _FILES_BY_ID, part):
            out.setdefault(row[0], []).append(Document(*row[1:]))
    return out


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


_EVENT_FIELDS = ("case_id", *Event._fields)
_DOCUMENT_FIELDS = ("case_id", *Document._fields)


def earlier_of(
    conn: Connection,
    kind: str,
    case_no: str,
    ours: Sequence[Party],
    size: int,
    excluded: Collection[int] = (),
) -> dict[str, Earlier]:
    """The stored cases of the procedure naming one of these parties: the same ID number, or
    the same name and phone where either lacks one; each with how the person matched. The
    ``excluded`` cases (damaged ones, casework.read.damage) are left out, and so is a case
    whose row fails to read: another case's damage must not refuse a registration."""
    try:
        return _earlier(conn, kind, case_no, ours, size, excluded)
    except Exception as exc:
        if isinstance(exc, CaseworkError) and not isinstance(exc, NotInitialised):
            raise  # a refusal, not a row that cannot be read (a sealed one is NotInitialised)
        unreadable = _unreadable(conn, kind, ours, size, excluded)
        if not unreadable:
            raise
    return _earlier(conn, kind, case_no, ours, size, {*excluded, *unreadable})


def _unreadable(
    conn: Connection, kind: str, ours: Sequence[Party], size: int, excluded: Collection[int]
) -> set[int]:
    """The related cases whose rows fail to read, tried one case at a time (only after the
    whole read failed)."""
    out: set[int] = set()
    ids = [r.id for r in _related_rows(conn, kind, ours, size, excluded, (cases.c.id,))]
    for case_id in sorted(set(ids)):
        others = {*excluded, *(i for i in ids if i != case_id)}
        try:
            list(_related_rows(conn, kind, ours, size, others))
        except Exception:
            out.add(case_id)
    return out


def _earlier(
    conn: Connection,
    kind: str,
    case_no: str,
    ours: Sequence[Party],
    size: int,
    excluded: Collection[int],
) -> dict[str, Earlier]:
    found: dict[str, Earlier] = {}
    for row in _related_rows(conn, kind, ours, size, excluded):
        how = matched(ours, [Party(row.role, row.name, row.id_number, row.phone)])
        known = found.get(row.case_no)
        if how is None or row.case_no == case_no or (known and known.matched == ["id_number"]):
            continue
        # Data that is not an object is a damaged row (casework.read.damage): read as none.
        data = row.data if isinstance(row.data, Mapping) else {}
        found[row.case_no] = Earlier(row.case_no, row.office_code, row.state, row.title, data, how)
    return found


def _related_rows(
    conn: Connection,
    kind: str,
    ours: Sequence[Party],
    size: int,
    excluded: Collection[int],
    columns: Sequence[Any] = (),
) -> Iterator[Any]:
    by_id, by_name = _RELATED_BY_ID, _RELATED_BY_NAME
    if columns:  # only these (the ids of ``_unreadable``), which always read
        by_id, by_name = by_id.with_only_columns(*columns), by_name.with_only_columns(*columns)
    if excluded:
        by_id = by_id.where(cases.c.id.not_in(sorted(excluded)))
        by_name = by_name.where(cases.c.id.not_in(sorted(excluded)))
    ids = sorted({p.id_number for p in ours if p.id_number})
    for part in chunks(ids, size):
        yield from conn.execute(by_id, {"ids": list(part), "kind": kind})
    names = sorted({p.name for p in ours if p.phone})
    phones = sorted({p.phone for p in ours if p.phone})
    if names and phones:
        params = {"names": names[:200], "phones": phones[:200], "kind": kind}
        yield from conn.execute(by_name, params)


def links_loader(conn: Connection, case_id: int) -> Lazy[Sequence[LinkedCase]]:
    """A stored case's links, read when a guard or a flag first asks (for a read)."""
    return Lazy(_StoredFile(conn, case_id, {}).links)


class _StoredFile:
    """How a stored case's file is read when a step first asks (one case at a time)."""

    __slots__ = ("case_id", "conn", "known")

    def __init__(
        self, conn: Connection, case_id: int, known: dict[tuple[int, str], Event | None]
    ) -> None:
        self.conn, self.case_id, self.known = conn, case_id, known

    def history(self) -> Sequence[Event]:
        return [_event_at(r) for r in _HISTORY.rows(self.conn, case_id=self.case_id)]

    def papers(self) -> Sequence[Document]:
        return [Document(*r) for r in _FILE.rows(self.conn, case_id=self.case_id)]

    def parties(self) -> Sequence[Party]:
        return tuple(Party(*r) for r in _PARTIES.rows(self.conn, case_id=self.case_id))

    def links(self) -> Sequence[LinkedCase]:
        out = []
        for kind, other_id, case_no, case_kind, state, office, data in _LINKS.rows(
            self.conn, case_id=self.case_id
        ):
            other = _StoredFile(self.conn, other_id, self.known)
            row = (kind, case_no, case_kind, state, office, data or {})
            out.append(LinkedCase(*row, Lazy(other.history)))
        return out

    def find(self, ref: str) -> Event | None:
        key = (self.case_id, ref)
        if key not in self.known:
            row = _EVENT_BY_REF.first(self.conn, case_id=self.case_id, ref=ref)
            self.known[key] = None if row is None else _event_at(row)
        return self.known[key]


class CaseRepository:
    """The cases of one unit of work: loaded once, moved in memory, written together."""

    def __init__(
        self, conn: Connection, now: Any, origin: tuple[str | None, str | None] = (None, None)
    ) -> None:
        self._conn = conn
        self._now = now  # the unit of work's clock, read once under the write lock
        self._origin = origin  # (channel, os_user) stamped on every event this unit writes
        self._lock = conn.dialect.name == "postgresql"
        self._size = chunk_size(conn)
        self._by_no: dict[str, Case] = {}
        self._read: dict[str, int] = {}  # stored case_no -> version as read
        self._ids: dict[str, int] = {}
        self._new: list[str] = []
        # The screening entries the new cases name, counted as they are added and stepped: a
        # registration checks its entry against them (``UnitOfWork.resolve``), thousands a year.
        self._screened: Counter[int | None] = Counter()
        self._creators: dict[str, str] = {}
        self._moved: list[str] = []
        self._events: list[tuple[str, Event]] = []
        self._documents: list[tuple[str, Document]] = []
        self._links: list[tuple[str, str, str]] = []
        # Corrected cases (更正): their titles and the parties corrected, by position.
        self._corrected: list[tuple[str, Sequence[tuple[int, Party]]]] = []
        self._refs: dict[tuple[str, str, str], str] = {}  # (kind, office, ref) -> new case
        self._known_refs: dict[tuple[int, str], Event | None] = {}
        self._absent: set[tuple[str, str, str]] = set()  # (kind, office, ref) known unused
        self._counters: dict[tuple[str, str, int], list[int]] = {}  # key -> [stored, last]

    # -- loading ----------------------------------------------------------------------------

    def get(self, case_no: str) -> Case:
        """The case's latest version in this unit of work; NotFound for an unknown number."""
        found = self._by_no.get(case_no)
        if found is None:
            self.load([case_no])
            found = self._by_no.get(case_no)
        if found is None:
            raise NotFound(f"未知案件 unknown case {case_no[:80]!r}", field="case_no")
        return found

    def find(self, case_no: str) -> Case | None:
        """A case this unit of work has read or added, without reading it."""
        return self._by_no.get(case_no)

    def load(self, case_nos: Iterable[str]) -> None:
        """Read the cases not read yet, in chunks; on PostgreSQL their rows stay locked until
        the unit of work ends, so that its clock, read afterwards, is later than their last
        steps and a racing writer waits for it instead of failing."""
        wanted = [n for n in dict.fromkeys(case_nos) if n not in self._by_no]
        for part in chunks(wanted, self._size):
            for row in bulk.select_in(self._conn, _CASES_BY_NUMBER, part):
                self._keep(row)

    def load_files(self, case_nos: Iterable[str]) -> None:
        """Read at once the histories and documents of these (loaded, stored) cases, for the
        guards that will read them; cases read since or new ones are left as they are."""
        by_id = {
            case.id: case
            for no in dict.fromkeys(case_nos)
            if (case := self._by_no.get(no)) is not None
            and case.id is not None
            and not case.file.stored_events.loaded
        }
        ids = sorted(by_id)
        history = histories_of(self._conn, ids, self._size)
        papers = documents_of(self._conn, ids, self._size)
        for case_id, case in by_id.items():
            case.file.stored_events.set(history.get(case_id, []))
            case.file.stored_documents.set(papers.get(case_id, []))

    def load_papers(self, case_nos: Iterable[str]) -> None:
        """Read at once the documents of these (loaded, stored) cases, for the triggers that
        rest on papers in the file but read no history (a 督办 on its letter)."""
        by_id = {
            case.id: case
            for no in dict.fromkeys(case_nos)
            if (case := self._by_no.get(no)) is not None
            and case.id is not None
            and not case.file.stored_documents.loaded
        }
        papers = documents_of(self._conn, sorted(by_id), self._size)
        for case_id, case in by_id.items():
            case.file.stored_documents.set(papers.get(case_id, []))

    def prefetch_refs(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Look up at once the events recorded under these (case_no, ref) keys."""
        by_ref: dict[str, set[int]] = {}
        for case_no, ref in wanted:
            case_id = self._ids.get(case_no)
            if case_id is not None:
                by_ref.setdefault(ref, set()).add(case_id)
                self._known_refs.setdefault((case_id, ref), None)
        refs = sorted(by_ref)
        for part in chunks(refs, max(1, self._size // 2)):
            ids = sorted(set().union(*(by_ref[r] for r in part)))
            for id_part in chunks(ids, max(1, self._size // 2)):
                params = {"case_ids": list(id_part), "refs": list(part)}
                for row in self._conn.execute(_REFS, params):
                    self._known_refs[(row.case_id, row.ref)] = event_of(row)

    def with_ref(self, kind: str, office: str, ref: str) -> Case | None:
        """The case registered under a caller's key, in this unit of work or before."""
        new = self._refs.get((kind, office, ref))
        if new is not None:
            return self._by_no[new]
        if (kind, office, ref) in self._absent:
            return None
        row = self._conn.execute(_BY_REF, {"kind": kind, "office": office, "ref": ref}).first()
        if row is None:
            return None
        return self._by_no.get(row.case_no) or self._keep(tuple(row))

    def _keep(self, row: Sequence[Any]) -> Case:
        """A case from a row of ``_CASE_COLUMNS`` (by position: plain tuples or rows)."""
        case_id, case_no, kind, office, title, state, version, data, head, registered = row[:10]
        updated, last_at = row[11], row[12]
        if last_at is None:  # no event at the case's version: the back-dating check fails
            last_at = _LAST_AT.rows(self._conn, case_id=case_id, seq=version)[0][0]
        case = Case(
            case_id,
            case_no,
            kind,
            office,
            title,
            state,
            version,
            data or {},
            head,
            as_utc(last_at),
            as_utc(registered),
            row[10],
            (),
            self._file(case_id),
            as_utc(updated),
        )
        self._by_no[case.case_no] = case
        self._read[case.case_no] = case.version
        self._ids[case.case_no] = case_id
        return case

    def _file(self, case_id: int) -> CaseFile:
        stored = _StoredFile(self._conn, case_id, self._known_refs)
        return CaseFile(
            Lazy(stored.history),
            Lazy(stored.papers),
            stored.find,
            stored_links=Lazy(stored.links),
            stored_parties=Lazy(stored.parties),
        )

    def known_refs(
        self, kind: str, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[str, date]]:
        """Of these (office, ref) keys, those registered before (or naming a case by its number,
        ``ledger:<year>:<case number>``, an export re-imported), each with the case's title and
        registration day. The others are remembered as unused."""
        refs = sorted({ref for _, ref in keys})
        by_office: dict[str, set[str]] = {}
        for office, ref in keys:
            by_office.setdefault(office, set()).add(ref)
        found: dict[tuple[str, str], tuple[str, date]] = {}
        for office, wanted in sorted(by_office.items()):
            for part in chunks(sorted(wanted), self._size):
                rows = bulk.select_in(self._conn, _REFS_USED, part, kind=kind, office=office)
                found.update({(r[0], r[1]): (r[2], r[3]) for r in rows})
        numbers = {ref.split(":", 2)[2]: ref for ref in refs if ref.startswith("ledger:")}
        for part in chunks(sorted(numbers), self._size):
            used = self._conn.execute(_NUMBERS_USED, {"kind": kind, "nos": list(part)})
            for r in used:
                found[(r.office_code, numbers[r.case_no])] = (r.title, r.registered_on)
        self.assume_new(kind, [k for k in keys if k not in found])
        return found

    def assume_new(self, kind: str, keys: Iterable[tuple[str, str]]) -> None:
        """These (office, ref) keys are known to be unused: registering under them needs no
        look-up (an import's rows keyed by a file never imported before)."""
        self._absent.update((kind, office, ref) for office, ref in keys)

    def imported_kinds(self, sha256: str) -> set[str]:
        """The procedures a file with this SHA-256 was imported as before (its rows' refs)."""
        prefix = f"import:{sha256}:"
        # A range on the (kind, office, ref) index per kind and office: ``LIKE`` would scan.
        # Byte order, whatever the collation (a PostgreSQL locale may ignore the colon).
        ref = cases.c.ref.collate("C") if self._lock else cases.c.ref
        pairs = self._conn.execute(select(cases.c.kind, cases.c.office_code).distinct()).all()
        found: set[str] = set()
        for kind, office in pairs:
            if kind in found:
                continue
            hit = self._conn.execute(
                select(cases.c.id)
                .where(
                    cases.c.kind == kind,
                    cases.c.office_code == office,
                    ref >= prefix,
                    ref < prefix[:-1] + ";",
                )
                .limit(1)
            ).first()
            if hit is not None:
                found.add(str(kind))
        return found

    def related(self, kind: str, case: Case) -> list[Earlier]:
        """The other cases of the procedure naming a party of this case (see ``earlier_of``),
        stored ones and those added in this unit of work, by case number."""
        ours = [p for p in case.parties if p.id_number or p.phone]
        found = earlier_of(self._conn, kind, case.case_no, ours, self._size)
        for no in self._new:
            other = self._by_no[no]
            how = matched(ours, other.parties) if other.kind == kind and ours else None
            if how is not None and no != case.case_no:
                found[no] = Earlier(no, other.office, other.state, other.title, other.data, how)
        return [found[no] for no in sorted(found)]

    # -- changes ----------------------------------------------------------------------------

    def add(self, done: Registered, origin: Case | None = None) -> None:
        """A new case and its first event (with its origin, linked both ways)."""
        if done.existing or done.event is None:
            return
        case = done.case
        self._by_no[case.case_no] = case
        self._new.append(case.case_no)
        self._screened[screening_of(case.data)] += 1
        self._creators[case.case_no] = done.event.actor
        self._events.append((case.case_no, self._stamped(done.event)))
        if case.ref is not None:
            self._refs[(case.kind, case.office, case.ref)] = case.case_no
        if origin is not None:
            self.link(case.case_no, origin.case_no, "origin")
            self.link(origin.case_no, case.case_no, "successor")

    def save(self, done: Stepped) -> None:
        """A step taken on a case of this unit of work."""
        if done.repeated:
            return
        case = done.case
        if (
            case.case_no in self._read
            and self._by_no[case.case_no].version == self._read[case.case_no]
        ):
            self._moved.append(case.case_no)
        elif case.case_no not in self._read and case.case_no in self._by_no:
            # A new case: its row will name the screening entry of its last data.
            self._recount(self._by_no[case.case_no].data, case.data)
        self._by_no[case.case_no] = case
        self._events.append((case.case_no, self._stamped(done.event)))
        if done.document is not None:
            self._documents.append((case.case_no, done.document))

    def _stamped(self, event: Event) -> Event:
        if self._origin == (None, None):  # the demo's batches: no channel, nothing to copy
            return event
        return event._replace(channel=self._origin[0], os_user=self._origin[1])

    def _recount(self, before: Mapping[str, object], after: Mapping[str, object]) -> None:
        if before is not after:
            was, now = screening_of(before), screening_of(after)
            if was != now:
                self._screened[was] -= 1
                self._screened[now] += 1

    def corrected(self, case_no: str, people: Sequence[tuple[int, Party]]) -> None:
        """A correction saved (``save``) on this case: its title and these parties (1-based
        positions) are written too, in the same transaction as its event."""
        self._corrected.append((case_no, people))

    def link(self, case_no: str, other_no: str, kind: str) -> None:
        self._links.append((case_no, other_no, kind))

    def new_screened(self) -> Mapping[int | None, int]:
        """How many of the cases this unit of work registered and has not written yet name
        each screening entry (see ``screening_of``)."""
        return self._screened

    def parties_of(self, case: Case) -> tuple[Party, ...]:
        """A case's parties: a new case's as registered, a stored one's as stored."""
        if case.parties or case.id is None:
            return case.parties
        return tuple(Party(*r) for r in _PARTIES.rows(self._conn, case_id=case.id))

    def next_number(self, prefix: str, office: str, year: int) -> int:
        """The next case number's sequence. On PostgreSQL the first number of a key in this
        unit of work takes the counter row (an upsert, which locks it until commit); on SQLite,
        whose write lock this unit of work holds already, the counters are read at once. Then
        numbers count on in memory, and the rows are set to the last ones handed out when the
        work is written."""
        if not self._lock and not self._counters:
            self._counters = {
                (r.prefix, r.office_code, r.year): [r.last_seq, r.last_seq]
                for r in self._conn.execute(_ALL_NUMBERS)
            }
        key = (prefix, office, year)
        counter = self._counters.get(key)
        if counter is not None:
            counter[1] += 1
            return counter[1]
        if not self._lock:
            self._counters[key] = [0, 1]
            return 1
        upsert = _take_number(self._conn.dialect.name)
        params = {"b_prefix": prefix, "b_office": office, "b_year": year}
        seq = int(self._conn.execute(upsert, params).scalar_one())
        self._counters[key] = [seq, seq]
        return seq

    def release_number(self, case: Case) -> None:
        """Give back the number of a case that will not be written (an import's bad row),
        when no later number of its key was handed out."""
        prefix, year = case.case_no.split("-", 2)[:2]
        seq = int(case.case_no.rsplit("-", 1)[1])
        counter = self._counters.get((prefix, case.office, int(year)))
        if counter is not None and counter[1] == seq:
            counter[1] -= 1

    # -- writing ----------------------------------------------------------------------------

    def discard(self) -> None:
        """Forget what this unit of work would write (it will be rolled back anyway)."""
        self._forget()

    def flush(self) -> list[Written]:
        """Write everything this unit of work changed, then forget the cases it loaded;
        returns the cases written (for the indexes derived from them)."""
        self._insert_new()
        self._update_moved()
        self._write_corrections()
        ids = self._ids
        # Records in the order of the model's fields (see casework.domain.model).
        bulk.insert_records(
            self._conn, events, _EVENT_FIELDS, [(ids[no], *e) for no, e in self._events]
        )
        bulk.insert_records(
            self._conn, documents, _DOCUMENT_FIELDS, [(ids[no], *d) for no, d in self._documents]
        )
        bulk.insert_records(
            self._conn,
            case_links,
            ("case_id", "other_case_id", "kind"),
            [(ids[a], ids[b], kind) for a, b, kind in self._links],
        )
        self._write_counters()
        written = self._written()
        self._forget()
        return written

    def _written(self) -> list[Written]:
        """The cases this unit of work wrote, each with its whole history (the stored part
        read for all of them at once where a step did not read it)."""
        nos = list(dict.fromkeys([*self._new, *self._moved]))
        unread = [self._ids[no] for no in nos if not self._by_no[no].file.stored_events.loaded]
        stored = pasts_of(self._conn, unread, self._size) if unread else {}
        out: list[Written] = []
        for no in nos:
            case, case_id = self._by_no[no], self._ids[no]
            file = case.file
            history: Sequence[EventView]
            if file.stored_events.loaded:
                history = file.events()
            else:
                history = [*stored.get(case_id, []), *file.events_added]
            out.append((case_id, case.kind, case.office, case.data, history))
        return out

    def _insert_new(self) -> None:
        if not self._new:
            return
        rows = [self._case_row(self._by_no[no]) for no in self._new]
        ids = bulk.insert_with_ids(self._conn, cases, rows)
        self._ids.update(zip(self._new, ids, strict=True))
        bulk.insert_records(
            self._conn,
            parties,
            (
                "case_id",
                "ord",
                "role",
                "name",
                "id_number",
                "phone",
                "id_number_index",
                "phone_index",
            ),
            [
                (self._ids[no], ord_, *p, p.id_number, p.phone)
                for no in self._new
                for ord_, p in enumerate(self._by_no[no].parties, start=1)
            ],
        )

    def _update_moved(self) -> None:
        rows = [
            {
                "id": self._ids[no],
                "state": case.state,
                "version": case.version,
                "data": case.data,
                "updated_at": case.file.events_added[-1].recorded_at,
                "head_hash": case.head_hash,
                "expected": self._read[no],
            }
            for no in self._moved
            for case in (self._by_no[no],)
        ]
        if bulk.update_by_id(self._conn, cases, rows, check="version") != len(rows):
            raise self._conflict()

    def _conflict(self) -> Conflict:
        """The refusal when another writer moved one of these cases meanwhile."""
        ids = [self._ids[no] for no in self._moved]
        stored: dict[str, int] = {}
        for part in chunks(ids, self._size):
            for row in self._conn.execute(_VERSIONS, {"case_ids": list(part)}):
                stored[row.case_no] = row.version
        case_no = next(
            (no for no in self._moved if stored.get(no) != self._read[no]), self._moved[0]
        )
        return Conflict(
            f"案件 {case_no} 在记录本步时已被他人更改，请重新查看（case show）后再试"
            " (the case changed meanwhile; look at it again and retry)",
            field="case_no",
            value=case_no,
        )

    def _write_corrections(self) -> None:
        for no, people in self._corrected:
            case, case_id = self._by_no[no], self._ids[no]
            self._conn.execute(
                cases.update()
                .where(cases.c.id == case_id)
                .values(title=case.title, screening_id=screening_of(case.data))
            )
            for ord_, p in people:
                self._conn.execute(
                    parties.update()
                    .where(parties.c.case_id == case_id, parties.c.ord == ord_)
                    .values(
                        name=p.name,
                        id_number=p.id_number,
                        phone=p.phone,
                        id_number_index=p.id_number,  # hashed by the column's type
                        phone_index=p.phone,
                    )
                )

    def _write_counters(self) -> None:
        changed = [
            {"b_prefix": prefix, "b_office": office, "b_year": year, "b_last": counter[1]}
            for (prefix, office, year), counter in self._counters.items()
            if counter[1] != counter[0]
        ]
        if changed:
            self._conn.execute(_SET_NUMBER if self._lock else _put_number(), changed)
        for counter in self._counters.values():
            counter[0] = counter[1]

    def _forget(self) -> None:
        self._by_no.clear()
        self._read.clear()
        self._new.clear()
        self._screened.clear()
        self._creators.clear()
        self._moved.clear()
        self._events.clear()
        self._documents.clear()
        self._links.clear()
        self._corrected.clear()
        self._refs.clear()
        self._absent.clear()
        # A case used again after this is read again (``_keep``), which notes its id anew: an
        # import's million ids kept to its end grew its memory with its rows.
        self._ids.clear()

    def _case_row(self, case: Case) -> dict[str, Any]:
        """A new case's row: recorded when it was registered, updated at its last step."""
        registered = case.registered_at
        added = case.file.events_added
        return {
            "case_no": case.case_no,
            "kind": case.kind,
            "office_code": case.office,
            "year": int(case.case_no.split("-")[1]),
            "seq": int(case.case_no.rsplit("-", 1)[1]),
            "title": case.title,
            "state": case.state,
            "version": case.version,
            "data": case.data,
            "registered_at": registered,
            "registered_on": local_date(registered),
            "recorded_at": added[0].recorded_at,
            "updated_at": added[-1].recorded_at,
            "created_by": self._creators[case.case_no],
            "head_hash": case.head_hash,
            "ref": case.ref,
            "screening_id": screening_of(case.data),
        }
