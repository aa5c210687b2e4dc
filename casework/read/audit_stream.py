"""The audit's reading: each case's row, events, parties and documents, a chunk of cases at a
time.

A chunk is a run of case ids read by keyset (``id > last ORDER BY id LIMIT n``), then the
events, parties and documents whose case id falls in the chunk's range, merged by case id in
memory: only one chunk is ever held, so the audit of a city's years runs in flat memory. The
tables are not joined, so that rows of a case that does not exist (events, parties or
documents inserted, or a case row deleted) are seen as such: the ranges of the chunks cover
every case id, the first from below the first case and the last to above the last one.

``changed_chunks`` reads named cases only (``audit verify --since-anchor``), in chunks of ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.engine import Connection

from casework.read.damage import DamageReport, undamaged
from casework.read.scope import AnyRow
from casework.storage.tables import EVENT_HISTORY_COLUMNS, cases, documents, events, parties

STREAM_BATCH = 5000
# Cases a chunk holds. Measured on bench_scale's databases (eleven events and five papers a
# closed case): 1,000 cases a chunk peaked at 166 MB, 200 at 129 MB, and ran no slower.
CHUNK = 200

EVENT_COLUMNS = (events.c.case_id, *EVENT_HISTORY_COLUMNS)
_CASES = select(cases).order_by(cases.c.id)
_EVENTS = select(*EVENT_COLUMNS).order_by(events.c.case_id, events.c.seq, events.c.id)
_PARTIES = select(
    parties.c.case_id,
    parties.c.ord,
    parties.c.role,
    parties.c.name,
    parties.c.id_number,
    parties.c.phone,
).order_by(parties.c.case_id, parties.c.ord, parties.c.id)
_DOCUMENTS = select(
    documents.c.case_id,
    documents.c.event_seq,
    documents.c.kind,
    documents.c.file_name,
    documents.c.sha256,
    documents.c.actor,
    documents.c.occurred_at,
    documents.c.recorded_at,
).order_by(documents.c.case_id, documents.c.id)
_CHILDREN: tuple[tuple[str, Any, Any], ...] = (
    ("events", _EVENTS, events),
    ("parties", _PARTIES, parties),
    ("documents", _DOCUMENTS, documents),
)


@dataclass
class Stored:
    """One case as stored: its row (None when only other tables name it) and its rows."""

    row: AnyRow | None = None
    events: list[AnyRow] = field(default_factory=list)
    parties: list[AnyRow] = field(default_factory=list)
    documents: list[AnyRow] = field(default_factory=list)


# The cases of one chunk, by case id in order.
Chunk = list[tuple[int, Stored]]


def _in_range(column: Any, lo: int | None, hi: int | None) -> list[ColumnElement[bool]]:
    bounds: list[ColumnElement[bool]] = []
    if lo is not None:
        bounds.append(column > lo)
    if hi is not None:
        bounds.append(column <= hi)
    return bounds


def _among(column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    # Written into the statement (integers only): a chunk's ids stay below any limit of
    # bound parameters (tests/integration/test_bounded_reads.py).
    among: ColumnElement[bool] = column.in_(
        bindparam(None, list(ids), expanding=True, literal_execute=True, unique=True)
    )
    return among


def _read(
    conn: Connection,
    damage: DamageReport,
    where: Any,
    rows: Sequence[AnyRow] | None = None,
) -> Chunk:
    """The chunk's rows of each table, merged by case id; ``where(column)`` bounds a table by
    its case id column; ``rows``: the case rows, when read already."""
    if rows is None:
        rows = list(conn.execute(undamaged(_CASES, damage).where(*where(cases.c.id))))
    found: dict[int, Stored] = {int(r.id): Stored(row=r) for r in rows}
    for name, query, table in _CHILDREN:
        bounded = undamaged(query, damage, table.c.case_id).where(*where(table.c.case_id))
        for r in conn.execute(bounded):
            getattr(found.setdefault(r.case_id, Stored()), name).append(r)
    return sorted(found.items(), key=lambda item: item[0])


def stored_chunks(
    conn: Connection, damage: DamageReport, size: int | None = None
) -> Iterator[Chunk]:
    """Every case id any of the four tables names, in order and in chunks, with what each
    holds of it; the damaged cases and events left out (casework.read.damage reports them)."""
    size = size or CHUNK
    lo: int | None = None
    while True:
        query = undamaged(_CASES, damage).where(*_in_range(cases.c.id, lo, None)).limit(size)
        rows = list(conn.execute(query))
        # The last chunk reaches above the last case: rows of cases that do not exist.
        hi = int(rows[-1].id) if len(rows) == size else None
        chunk = _read(conn, damage, lambda c, lo=lo, hi=hi: _in_range(c, lo, hi), rows)
        if chunk:
            yield chunk
        if hi is None:
            return
        lo = hi


def changed_chunks(
    conn: Connection, damage: DamageReport, ids: Sequence[int], size: int | None = None
) -> Iterator[Chunk]:
    """The cases of ``ids`` (in order), in chunks, read as ``stored_chunks`` reads them."""
    size = size or CHUNK
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        yield _read(conn, damage, lambda c, part=part: [_among(c, part)])


def stored_cases(conn: Connection, damage: DamageReport) -> Iterator[tuple[int, Stored]]:
    """Every case with what the tables hold of it, one at a time (``stored_chunks``)."""
    for chunk in stored_chunks(conn, damage):
        yield from chunk
