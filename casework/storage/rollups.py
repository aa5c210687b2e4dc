"""The statistics roll-ups' rows (issue 18 point 4): each case's items of the figures whose
items do not depend on the period asked for, and the marks of the cases changed since their
items were computed.

A unit of work that writes a case marks it in the same transaction (``mark``): a mark is never
lost, whatever order concurrent transactions commit in, which a time or an id compared with
the last computation's could not promise on PostgreSQL. The read side (casework.read.rollups)
computes the marked cases' items again with the same code as the figures from the events, and
takes away exactly the marks it read (``replace``), so that a case marked again meanwhile
stays marked. The rows hold nothing the events do not: ``audit verify`` computes them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import bindparam, delete, func, insert, or_, select
from sqlalchemy.engine import Connection

from casework.storage import bulk
from casework.storage.db import chunk_size, in_chunks
from casework.storage.tables import case_links, cases, derived_builds, stat_dirty, stat_items

NAME = "stat_items"
COLUMNS = (
    *("case_id", "source", "part", "day", "office", "kind", "value"),
    *("valid_from", "valid_to", "prior"),
)
# (case id, source, part, day, office, kind, value, valid from, valid to, prior): a row counts
# for a period whose last day is from ``valid from`` and before ``valid to``, and whose first
# day comes after ``prior`` (None: no bound).
Record = tuple[int, str, str, date, str, str, int, date | None, date | None, date | None]


def order(r: Record) -> tuple[object, ...]:
    """Rows in a fixed order (a missing bound sorts first)."""
    return (*r[:7], r[7] or date.min, r[8] or date.min, r[9] or date.min)


# Built once: a step runs it (building a statement costs more than running it).
_DELETE_ITEMS = delete(stat_items).where(stat_items.c.case_id.in_(bindparam("ids", expanding=True)))
_DELETE_MARKS = delete(stat_dirty).where(stat_dirty.c.id.in_(bindparam("ids", expanding=True)))


def mark(conn: Connection, case_ids: Sequence[int]) -> None:
    """Mark these cases as changed (in the caller's transaction)."""
    bulk.insert_records(conn, stat_dirty, ("case_id",), [(i,) for i in case_ids])


def mark_all(conn: Connection) -> None:
    """Mark every case: after a change of the calendar or of a dated setting, which can move
    the last days and the rules an item was judged by."""
    conn.execute(insert(stat_dirty).from_select(["case_id"], select(cases.c.id)))


def lock(conn: Connection) -> None:
    """Hold the roll-ups for this transaction: two catch-ups at once on PostgreSQL would each
    delete the rows the other had not committed yet and both insert theirs (SQLite's writers
    take turns already; ``FOR UPDATE`` is not sent there)."""
    conn.execute(
        select(derived_builds.c.name).where(derived_builds.c.name == NAME).with_for_update()
    )


def marked(conn: Connection, limit: int) -> list[tuple[int, int]]:
    """Up to ``limit`` marks, oldest first: (mark id, case id)."""
    query = select(stat_dirty.c.id, stat_dirty.c.case_id).order_by(stat_dirty.c.id).limit(limit)
    return [(int(m), int(c)) for m, c in conn.execute(query)]


def any_marked(conn: Connection, skip: frozenset[int] = frozenset()) -> bool:
    """Whether a case is marked (but those of ``skip``, a few damaged ones)."""
    query = select(stat_dirty.c.id).limit(1)
    if skip:
        query = query.where(stat_dirty.c.case_id.not_in(sorted(skip)))
    return conn.execute(query).first() is not None


def linked(conn: Connection, ids: Sequence[int]) -> set[int]:
    """The cases linked to these or from them: a flag of a case reads its linked cases
    (casework.read.flagged), so their items are computed again with theirs."""
    out: set[int] = set()
    # Two lists of the same ids in one statement.
    for part in in_chunks(sorted(set(ids)), max(1, chunk_size(conn) // 2)):
        chosen = list(part)
        query = select(case_links.c.case_id, case_links.c.other_case_id).where(
            or_(case_links.c.case_id.in_(chosen), case_links.c.other_case_id.in_(chosen))
        )
        for a, b in conn.execute(query):
            out.update((int(a), int(b)))
    return out - set(ids)


def replace(
    conn: Connection, case_ids: Sequence[int], records: Sequence[Record], marks: Sequence[int]
) -> None:
    """The rows of these cases become ``records``, and these marks are taken away."""
    size = chunk_size(conn)
    for part in in_chunks(sorted(set(case_ids)), size):
        conn.execute(_DELETE_ITEMS, {"ids": list(part)})
    bulk.insert_records(conn, stat_items, COLUMNS, records)
    for part in in_chunks(list(marks), size):
        conn.execute(_DELETE_MARKS, {"ids": list(part)})


def clear(conn: Connection) -> None:
    """Every row and mark gone: a full build starts from nothing."""
    conn.execute(delete(stat_items))
    conn.execute(delete(stat_dirty))


def record_built(conn: Connection, now: datetime) -> None:
    conn.execute(delete(derived_builds).where(derived_builds.c.name == NAME))
    conn.execute(derived_builds.insert().values(name=NAME, built_at=now))


def built(conn: Connection) -> bool:
    """Whether the rows were built in full since the upgrade that made them."""
    found = select(derived_builds.c.name).where(derived_builds.c.name == NAME)
    return conn.execute(found).first() is not None


def stored(conn: Connection, ids: Sequence[int]) -> dict[int, list[Record]]:
    """The rows of these cases (a chunk's), by case id, in a fixed order."""
    out: dict[int, list[Record]] = {}
    if not ids:
        return out
    wanted = set(ids)
    query = select(*(stat_items.c[name] for name in COLUMNS)).where(
        stat_items.c.case_id.between(min(ids), max(ids))
    )
    for r in conn.execute(query):
        if r[0] in wanted:
            out.setdefault(int(r[0]), []).append(
                (int(r[0]), r[1], r[2], r[3], r[4], r[5], int(r[6]), r[7], r[8], r[9])
            )
    for rows in out.values():
        rows.sort(key=order)
    return out


def count_marked(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(stat_dirty)).scalar_one())
