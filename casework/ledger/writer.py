"""Writing built cases in batches: numbers reserved per prefix, office and year in one
statement, hash chains computed, then one multi-row insert per table."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from casework.audit import event_digest
from casework.ledger.build import BuiltCase
from casework.storage.tables import case_counters, cases, documents, events, parties
from casework.time.local import local_date
from workflows.spec import Workflow

_INSERT_CASES = cases.insert().returning(cases.c.id, sort_by_parameter_order=True)


def _reserve(conn: Connection, prefix: str, office: str, year: int, count: int) -> int:
    """Reserve ``count`` case numbers; returns the first. The counter row serialises writers."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(case_counters).values(
        prefix=prefix, office_code=office, year=year, last_seq=bindparam("n")
    )
    upsert = stmt.on_conflict_do_update(
        index_elements=["prefix", "office_code", "year"],
        set_={"last_seq": case_counters.c.last_seq + bindparam("n")},
    ).returning(case_counters.c.last_seq)
    last = conn.execute(upsert, {"n": count}).scalar_one()
    assert isinstance(last, int)
    return last - count + 1


def imported_kinds(conn: Connection, sha256: str) -> set[str]:
    """The procedures a file with this SHA-256 was imported as before (its rows' case refs)."""
    prefix = f"import:{sha256}:"
    # A range on the (kind, office, ref) index per kind and office: ``LIKE`` would scan. Byte
    # order, whatever the database's collation (a PostgreSQL locale may ignore the colon).
    ref = cases.c.ref.collate("C") if conn.dialect.name == "postgresql" else cases.c.ref
    pairs = select(cases.c.kind, cases.c.office_code).distinct()
    found: set[str] = set()
    for kind, office in conn.execute(pairs).all():
        if kind in found:
            continue
        hit = conn.execute(
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


def existing_refs(
    conn: Connection, wf: Workflow, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, date]]:
    """The (office, ref) pairs imported before, or naming a case by its number (an export
    re-imported), each with that case's title and registration day."""
    if not keys:
        return {}
    refs = sorted({ref for _, ref in keys})
    found = {
        (r.office_code, r.ref): (r.title, r.registered_on)
        for r in conn.execute(
            select(cases.c.office_code, cases.c.ref, cases.c.title, cases.c.registered_on).where(
                cases.c.kind == wf.name, cases.c.ref.in_(refs)
            )
        )
    }
    # ledger:<year>:<case number>, where the number is casework's own.
    numbers = {ref.split(":", 2)[2]: ref for ref in refs if ref.startswith("ledger:")}
    if numbers:
        for r in conn.execute(
            select(
                cases.c.office_code, cases.c.case_no, cases.c.title, cases.c.registered_on
            ).where(cases.c.kind == wf.name, cases.c.case_no.in_(sorted(numbers)))
        ):
            found[(r.office_code, numbers[r.case_no])] = (r.title, r.registered_on)
    return found


def write(conn: Connection, wf: Workflow, built: Sequence[BuiltCase], created_by: str) -> list[str]:
    """Number, chain and insert a batch of built cases; returns their case numbers."""
    if not built:
        return []
    groups: dict[tuple[str, int], list[BuiltCase]] = {}
    for case in built:
        groups.setdefault((case.office, case.year), []).append(case)
    numbers: dict[int, tuple[str, int]] = {}
    for (office, year), members in sorted(groups.items()):
        first = _reserve(conn, wf.prefix, office, year, len(members))
        for i, case in enumerate(members):
            seq = first + i
            numbers[id(case)] = (f"{wf.prefix}-{year}-{office}-{seq:05d}", seq)
    case_rows: list[dict[str, Any]] = []
    for case in built:
        case_no, seq = numbers[id(case)]
        head = None
        for event in case.events:
            head = event["hash"] = event_digest(head, case_no, event)
        last = case.events[-1]
        case_rows.append(
            {
                "case_no": case_no,
                "kind": wf.name,
                "office_code": case.office,
                "year": case.year,
                "seq": seq,
                "title": case.title,
                "state": case.state,
                "version": len(case.events),
                "data": case.data,
                "registered_at": case.at,
                "registered_on": local_date(case.at),
                "recorded_at": last["recorded_at"],
                "updated_at": last["recorded_at"],
                "created_by": created_by,
                "head_hash": head,
                "ref": case.ref,
            }
        )
    if conn.dialect.name == "sqlite":
        _insert_sqlite(conn, built, case_rows)
    else:
        ids = list(conn.execute(_INSERT_CASES, case_rows).scalars())
        event_rows: list[dict[str, Any]] = []
        party_rows: list[dict[str, Any]] = []
        document_rows: list[dict[str, Any]] = []
        for case_id, case in zip(ids, built, strict=True):
            event_rows.extend({**e, "case_id": case_id} for e in case.events)
            party_rows.extend({**p, "case_id": case_id} for p in case.parties)
            document_rows.extend({**d, "case_id": case_id} for d in case.documents)
        conn.execute(events.insert(), event_rows)
        if party_rows:
            conn.execute(parties.insert(), party_rows)
        if document_rows:
            conn.execute(documents.insert(), document_rows)
    return [row["case_no"] for row in case_rows]


# SQLite: the same values SQLAlchemy's types would bind (UTC instants as naive text with
# microseconds, dates as ISO text, JSON by json.dumps), sent with the driver's executemany.
# Binding row by row through SQLAlchemy cost more than the inserts themselves.
_CASE_COLUMNS = (
    "id", "case_no", "kind", "office_code", "year", "seq", "title", "state", "version", "data",
    "registered_at", "registered_on", "recorded_at", "updated_at", "created_by", "head_hash",
    "ref",
)  # fmt: skip
_EVENT_COLUMNS = (
    "case_id", "seq", "trigger", "from_state", "to_state", "actor", "actor_role",
    "occurred_at", "occurred_on", "recorded_at", "note", "data", "hash", "ref",
)  # fmt: skip
_PARTY_COLUMNS = ("case_id", "ord", "role", "name", "id_number", "phone")
_DOCUMENT_COLUMNS = (
    "case_id", "event_seq", "kind", "file_name", "sha256", "actor", "occurred_at", "recorded_at",
)  # fmt: skip


def _sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


@lru_cache(maxsize=8192)  # a ledger's rows share their days and the import's one "now"
def _instant(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _case_tuple(r: Mapping[str, Any], data: str) -> tuple[Any, ...]:
    return (
        r["id"], r["case_no"], r["kind"], r["office_code"], r["year"], r["seq"], r["title"],
        r["state"], r["version"], data, _instant(r["registered_at"]),
        r["registered_on"].isoformat(), _instant(r["recorded_at"]), _instant(r["updated_at"]),
        r["created_by"], r["head_hash"], r["ref"],
    )  # fmt: skip


def _event_tuple(case_id: int, e: Mapping[str, Any], data: str) -> tuple[Any, ...]:
    return (
        case_id, e["seq"], e["trigger"], e["from_state"], e["to_state"], e["actor"],
        e["actor_role"], _instant(e["occurred_at"]), e["occurred_on"].isoformat(),
        _instant(e["recorded_at"]), e["note"], data, e["hash"], e["ref"],
    )  # fmt: skip


def _document_tuple(case_id: int, d: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        case_id, d["event_seq"], d["kind"], d["file_name"], d["sha256"], d["actor"],
        _instant(d["occurred_at"]), _instant(d["recorded_at"]),
    )  # fmt: skip


def _insert_sqlite(
    conn: Connection, built: Sequence[BuiltCase], case_rows: list[dict[str, Any]]
) -> None:
    # The write transaction holds SQLite's only write lock, so no one else takes these ids.
    first = conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM cases").scalar_one()
    event_rows: list[tuple[Any, ...]] = []
    party_rows: list[tuple[Any, ...]] = []
    document_rows: list[tuple[Any, ...]] = []
    case_tuples = []
    for case_id, (row, case) in enumerate(zip(case_rows, built, strict=True), start=first):
        row["id"] = case_id
        case_json = json.dumps(case.data)
        case_tuples.append(_case_tuple(row, case_json))
        event_rows.extend(
            _event_tuple(case_id, e, case_json if e["data"] is case.data else json.dumps(e["data"]))
            for e in case.events
        )
        party_rows.extend(
            (case_id, p["ord"], p["role"], p["name"], p["id_number"], p["phone"])
            for p in case.parties
        )
        document_rows.extend(_document_tuple(case_id, d) for d in case.documents)
    # The driver's own executemany, on the transaction's connection.
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(_sql("cases", _CASE_COLUMNS), case_tuples)
        cursor.executemany(_sql("events", _EVENT_COLUMNS), event_rows)
        if party_rows:
            cursor.executemany(_sql("parties", _PARTY_COLUMNS), party_rows)
        if document_rows:
            cursor.executemany(_sql("documents", _DOCUMENT_COLUMNS), document_rows)
    finally:
        cursor.close()
