"""A tamper-evident history: each event's hash covers its content and the previous hash.

One chain per case, not one per database: writers on different cases never wait for each
other on a shared chain head (28 offices write at once on PostgreSQL), and a chain is checked
and repaired case by case. The case row keeps the head of its chain and its version, so that
deleting a case's last events, which a per-case chain alone could not see, is found too.
The digest is a plain SHA-256: it shows edits made outside casework, it is not a signature
against someone who knows the algorithm and rewrites a whole chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain.replay import replay
from casework.storage.tables import cases, events
from workflows import Registry

# Changing what v1 covers would break every stored chain: a new format gets a new tag.
DIGEST_VERSION = "v1"


@lru_cache(maxsize=8192)  # events share instants: an import's "now", a ledger's days
def _instant(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def event_digest(prev: str | None, case_no: str, event: Mapping[str, Any]) -> str:
    """The hash of one event, chained to the previous event's hash of the same case."""
    payload = json.dumps(
        [
            DIGEST_VERSION,
            case_no,
            event["seq"],
            event["trigger"],
            event["from_state"],
            event["to_state"],
            event["actor"],
            event["actor_role"],
            _instant(event["occurred_at"]),
            _instant(event["recorded_at"]),
            event["note"],
            event["data"] or {},
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev or ''}\n{payload}".encode()).hexdigest()


@dataclass(frozen=True)
class Finding:
    """One problem found in the stored history."""

    case_no: str
    seq: int | None
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {"case_no": self.case_no, "seq": self.seq, "problem": self.problem}

    def __str__(self) -> str:
        where = f"{self.case_no} seq {self.seq}" if self.seq is not None else self.case_no
        return f"{where}: {self.problem}"


_EVENT_COLUMNS = (
    events.c.case_id,
    events.c.seq,
    events.c.trigger,
    events.c.from_state,
    events.c.to_state,
    events.c.actor,
    events.c.actor_role,
    events.c.occurred_at,
    events.c.recorded_at,
    events.c.note,
    events.c.data,
    events.c.hash,
)


def _events_by_case(conn: Connection) -> Iterator[tuple[int, list[Any]]]:
    rows = conn.execution_options(stream_results=True, yield_per=5000).execute(
        select(*_EVENT_COLUMNS).order_by(events.c.case_id, events.c.seq, events.c.id)
    )
    current: int | None = None
    batch: list[Any] = []
    for row in rows:
        if row.case_id != current:
            if current is not None:
                yield current, batch
            current, batch = row.case_id, []
        batch.append(row)
    if current is not None:
        yield current, batch


def check_case(case: Any, history: list[Any], registry: Registry) -> list[Finding]:
    """Every problem of one case: its chain, its sequence, its version and its state."""
    out: list[Finding] = []
    prev: str | None = None
    expected = 1
    for ev in history:
        if ev.seq > expected:
            missing = (
                f"seq {expected}" if ev.seq == expected + 1 else f"seq {expected}-{ev.seq - 1}"
            )
            out.append(Finding(case.case_no, expected, f"{missing} missing (deleted)"))
        elif ev.seq < expected:
            out.append(Finding(case.case_no, ev.seq, "sequence number repeated (inserted)"))
        digest = event_digest(prev, case.case_no, ev._mapping)
        if ev.hash != digest:
            out.append(
                Finding(
                    case.case_no,
                    ev.seq,
                    "content does not match its hash (edited, inserted or reordered)",
                )
            )
        prev = ev.hash
        expected = max(expected, ev.seq + 1)
    last = history[-1].seq if history else 0
    if last < case.version:
        out.append(
            Finding(
                case.case_no,
                last + 1,
                f"events after seq {last} missing (deleted); the case is at version {case.version}",
            )
        )
    elif last > case.version:
        out.append(
            Finding(
                case.case_no,
                case.version + 1,
                f"events beyond the case's version {case.version} (inserted)",
            )
        )
    elif history and case.head_hash != history[-1].hash:
        out.append(Finding(case.case_no, last, "the case's chain head does not match (edited)"))
    wf = registry.get(case.kind)
    if wf is None:
        out.append(Finding(case.case_no, None, f"unknown workflow {case.kind!r}"))
        return out
    try:
        replayed = replay(wf, [(e.trigger, e.from_state, e.to_state) for e in history])
    except ValueError as exc:
        out.append(Finding(case.case_no, None, f"history does not replay: {exc}"))
        return out
    if replayed != case.state:
        out.append(
            Finding(
                case.case_no,
                None,
                f"case row says '{case.state}' but its history leads to '{replayed}'",
            )
        )
    return out


def verify(conn: Connection, registry: Registry) -> tuple[int, int, list[Finding]]:
    """Walk every case's chain; returns (cases checked, events checked, findings)."""
    case_rows = {
        r.id: r
        for r in conn.execute(
            select(
                cases.c.id,
                cases.c.case_no,
                cases.c.kind,
                cases.c.state,
                cases.c.version,
                cases.c.head_hash,
            )
        )
    }
    findings: list[Finding] = []
    seen: set[int] = set()
    n_events = 0
    for case_id, history in _events_by_case(conn):
        n_events += len(history)
        case = case_rows.get(case_id)
        if case is None:
            findings.append(
                Finding(
                    f"case id {case_id}",
                    history[0].seq,
                    "events of a case that does not exist (inserted)",
                )
            )
            continue
        seen.add(case_id)
        findings.extend(check_case(case, history, registry))
    for case_id, case in case_rows.items():
        if case_id not in seen:
            findings.append(Finding(case.case_no, 1, "the case has no events (deleted)"))
    return len(case_rows), n_events, findings
