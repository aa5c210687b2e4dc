"""Writing built cases in batches: numbers reserved per prefix, office and year in one
statement, hash chains computed, then one multi-row insert per table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from casework.audit import event_digest
from casework.ledger.build import BuiltCase
from casework.storage.tables import case_counters, cases, documents, events, parties
from casework.timeutil import local_date
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


def existing_refs(
    conn: Connection, wf: Workflow, keys: Sequence[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Which (office, ref) pairs were imported before, or name a case by its number."""
    if not keys:
        return set()
    refs = sorted({ref for _, ref in keys})
    found = {
        (r.office_code, r.ref)
        for r in conn.execute(
            select(cases.c.office_code, cases.c.ref).where(
                cases.c.kind == wf.name, cases.c.ref.in_(refs)
            )
        )
    }
    # An exported ledger's 案件编号 re-imported where that case already is: the same case.
    numbers = [ref.removeprefix("ledger:") for ref in refs if ref.startswith("ledger:")]
    if numbers:
        for r in conn.execute(
            select(cases.c.office_code, cases.c.case_no).where(
                cases.c.kind == wf.name, cases.c.case_no.in_(numbers)
            )
        ):
            found.add((r.office_code, f"ledger:{r.case_no}"))
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
