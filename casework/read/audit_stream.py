"""The audit's reading: each case's row, events, parties and documents, in one pass.

Four streams, each ordered by case id, merged in memory: a case at a time is held, so the
audit of a city's years runs in bounded memory. The streams are not joined, so that rows of
a case that does not exist (events, parties or documents inserted, or a case row deleted) are
seen as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from casework.read.damage import DamageReport, undamaged
from casework.read.scope import AnyRow
from casework.storage.tables import EVENT_HISTORY_COLUMNS, cases, documents, events, parties

STREAM_BATCH = 5000

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


@dataclass
class Stored:
    """One case as stored: its row (None when only other tables name it) and its rows."""

    row: AnyRow | None = None
    events: list[AnyRow] = field(default_factory=list)
    parties: list[AnyRow] = field(default_factory=list)
    documents: list[AnyRow] = field(default_factory=list)


def _grouped(
    conn: Connection, query: Select[Any], key: Callable[[AnyRow], int]
) -> Iterator[tuple[int, list[AnyRow]]]:
    rows = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(query)
    for case_id, group in groupby(rows, key=key):
        yield case_id, list(group)


def stored_cases(conn: Connection, damage: DamageReport) -> Iterator[tuple[int, Stored]]:
    """Every case id any of the four tables names, in order, with what each holds of it;
    the damaged cases and events left out (casework.read.damage reports them)."""
    streams: list[tuple[str, Iterator[tuple[int, list[AnyRow]]]]] = [
        ("row", _grouped(conn, undamaged(_CASES, damage), lambda r: int(r.id))),
        (
            "events",
            _grouped(conn, undamaged(_EVENTS, damage, events.c.case_id), lambda r: r.case_id),
        ),
        (
            "parties",
            _grouped(conn, undamaged(_PARTIES, damage, parties.c.case_id), lambda r: r.case_id),
        ),
        (
            "documents",
            _grouped(conn, undamaged(_DOCUMENTS, damage, documents.c.case_id), lambda r: r.case_id),
        ),
    ]
    heads: dict[str, tuple[int, list[AnyRow]]] = {}
    for name, stream in streams:
        first = next(stream, None)
        if first is not None:
            heads[name] = first
    by_name = dict(streams)
    while heads:
        case_id = min(head[0] for head in heads.values())
        record = Stored()
        for name in [n for n, head in heads.items() if head[0] == case_id]:
            rows = heads[name][1]
            if name == "row":
                record.row = rows[0]
            else:
                setattr(record, name, rows)
            following = next(by_name[name], None)
            if following is None:
                del heads[name]
            else:
                heads[name] = following
        yield case_id, record
