"""The statistics roll-ups (issue 18 point 4): the items of each case for the figures whose
items do not depend on the period asked for, or depend on it in a way a row can say, computed
by the same sources as the figures from the events, kept in ``stat_items``
(casework.storage.rollups) and summed there in SQL.

A source qualifies (``stats.rolled_key``) when a case's item is a day and a judgement made from
the case's own whole history (and its linked cases', for the flags) and the dated settings of
the days it names: the one-query figures, the petitions' routing, reply limits due, evaluation,
on-time replies and flags. For such a source the items of a period are exactly the all-time
items dated in it, so the rows of every case, computed once over all time (``EPOCH`` to
``FAR``), answer any period. The declared cohorts and the lapses have rows of their own that
say for which periods they count (casework.read.cohort_rollups, casework.read.lapsed). The
claims (a payee's cap counts their other claims) and the stocks (the major disputes' ledger)
are computed from the events each time; so is every figure while a case is damaged or marked,
or asked as of a day before the last change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.read.metrics import Held
from casework.read.once import reading_once
from casework.read.scope import Scope
from casework.read.stats import Catalogue, Computation, rolled_key
from casework.storage import rollups
from casework.storage.db import MAX_CHUNK, chunk_size, in_chunks
from casework.storage.rollups import Record, order
from casework.storage.tables import cases
from casework.time.calendar import CalendarMissing

# All time, for the sources' own queries (they reach a limit's days before and after it).
EPOCH = date(1900, 1, 1)
FAR = date(9000, 12, 31)
# Cases whose items are computed together: each source's queries name them in an IN list.
BATCH = 500
# Marks taken away by one transaction of the catch-up.
PER_TRANSACTION = 5000

Progress = Callable[[int, int], None]


def records_for(conn: Connection, cat: Catalogue, ids: Sequence[int]) -> list[Record]:
    """The roll-up rows of these cases, from their events, in a fixed order."""
    out: list[Record] = []
    for piece in in_chunks(list(ids), piece_size(conn)):
        out += _records_of(conn, cat, piece)
    out.sort(key=order)
    return out


def piece_size(conn: Connection) -> int:
    """How many cases' rows are computed together: a source's query may name them in up to
    four lists beside a few values each (a reply limit's candidates), which a lowered limit on
    bound values must hold."""
    size = chunk_size(conn)
    return BATCH if size >= MAX_CHUNK else max(1, size // 8)


def _records_of(conn: Connection, cat: Catalogue, ids: Sequence[int]) -> list[Record]:
    out: list[Record] = []
    numbers, kinds = _numbers(conn, ids)
    if not numbers:
        return out
    chunk = sorted(numbers.values())
    run = Computation(conn, cat, Scope(EPOCH, FAR, only_cases=frozenset(chunk)))
    seen: set[tuple[str, str]] = set()
    held: dict[str, dict[str, list[Held]]] = {}
    rows: Sequence[Held]
    with reading_once():
        for m in cat:
            key = rolled_key(m)
            if key is None or key in seen or m.procedure not in kinds:
                continue
            seen.add(key)
            if m.rows_of is not None:
                if m.source not in held:
                    held[m.source] = m.rows_of(conn, chunk, (EPOCH, FAR))
                rows = held[m.source].get(m.part, [])
            else:
                rows = [(item, None, None, None) for item in run.items(m)]
            for item, valid_from, valid_to, prior in rows:
                case_id = numbers[str(item.ref)]
                made = (item.on, item.office, item.kind, int(item.value))
                out.append((case_id, *key, *made, valid_from, valid_to, prior))
    return out


def computable(
    conn: Connection, cat: Catalogue, ids: Sequence[int]
) -> tuple[list[Record], set[int]]:
    """The rows of these cases, and the cases whose rows cannot be computed yet: a limit of
    theirs runs into a year without a holiday arrangement (they keep their marks until the
    calendar is added, which marks every case; the figures are read from the events)."""
    try:
        return records_for(conn, cat, ids), set()
    except CalendarMissing:
        pass
    records: list[Record] = []
    waiting: set[int] = set()
    for one in ids:
        try:
            records += records_for(conn, cat, [one])
        except CalendarMissing:
            waiting.add(one)
    return records, waiting


def _numbers(conn: Connection, ids: Sequence[int]) -> tuple[dict[str, int], set[str]]:
    """The cases' ids by number, and their procedures (a source of another procedure has
    nothing to find among them, and is not asked)."""
    query = select(cases.c.case_no, cases.c.id, cases.c.kind).where(cases.c.id.in_(list(ids)))
    numbers, kinds = {}, set()
    for no, i, kind in conn.execute(query):
        numbers[str(no)] = int(i)
        kinds.add(str(kind))
    return numbers, kinds


def catch_up(conn: Connection, cat: Catalogue, skip: frozenset[int] = frozenset()) -> int:
    """Compute again the items of up to ``PER_TRANSACTION`` marked cases (not those of
    ``skip``: damaged ones keep their marks, and so do those waiting for a calendar) and take
    their marks away; returns how many marks were taken (0: none but those is left, or the
    oldest are all waiting)."""
    rollups.lock(conn)
    marks = [(m, c) for m, c in rollups.marked(conn, PER_TRANSACTION + len(skip)) if c not in skip]
    marks = marks[:PER_TRANSACTION]
    if not marks:
        return 0
    ids = sorted({c for _, c in marks} | (rollups.linked(conn, [c for _, c in marks]) - skip))
    records: list[Record] = []
    waiting: set[int] = set()
    for part in in_chunks(ids, BATCH):
        found, later = computable(conn, cat, part)
        records += found
        waiting |= later
    taken = [m for m, c in marks if c not in waiting]
    rollups.replace(conn, [i for i in ids if i not in waiting], records, taken)
    return len(taken)


def ready(conn: Connection) -> bool:
    """Whether the rows answer for the database as it stands in this snapshot: built, and no
    case marked since its items were computed."""
    return rollups.built(conn) and not rollups.any_marked(conn)
