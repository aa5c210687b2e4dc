"""The audit of the tamper-evident history: every case's hash chain walked, its history
replayed through its procedure, and whatever was changed outside casework reported by case
number and sequence.

Events are read in one stream, ordered by case, joined to their cases (so that events of a
case that does not exist are seen too); the cases without any event are one more query.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from casework.domain.hashing import row_digest
from casework.domain.replay import replay
from casework.read.damage import DamageReport, scan, undamaged
from casework.read.scope import AnyRow
from casework.read.shapes import FindingJSON, VerifyJSON
from casework.storage.tables import cases, events
from workflows import Registry
from workflows.versions import pinned

STREAM_BATCH = 5000
# An event row's columns by name, as the digest reads them.
EventMapping = Mapping[str, Any]

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
_CASE_COLUMNS = (
    cases.c.case_no,
    cases.c.kind,
    cases.c.state,
    cases.c.version,
    cases.c.head_hash,
    cases.c.data.label("case_data"),
)


@dataclass(frozen=True)
class Finding:
    """One problem found in the stored history."""

    case_no: str
    seq: int | None
    problem: str

    def as_json(self) -> FindingJSON:
        return FindingJSON(case_no=self.case_no, seq=self.seq, problem=self.problem)

    def __str__(self) -> str:
        where = f"{self.case_no} seq {self.seq}" if self.seq is not None else self.case_no
        return f"{where}: {self.problem}"


@dataclass(frozen=True, slots=True)
class Chain:
    """What a case row says of its history."""

    case_no: str
    kind: str
    state: str
    version: int
    head_hash: str | None
    rules: str | None = None  # the rule version the case pins


def _chain_findings(case: Chain, history: Sequence[AnyRow]) -> list[Finding]:
    """The case's chain and sequence: each event's hash and number, and the case's head."""
    out: list[Finding] = []
    prev: str | None = None
    expected = 1
    no = case.case_no
    for ev in history:
        if ev.seq > expected:
            gap = f"{expected}" if ev.seq == expected + 1 else f"{expected}-{ev.seq - 1}"
            out.append(
                Finding(no, expected, f"缺少第 {gap} 步（被删除）(seq {gap} missing: deleted)")
            )
        elif ev.seq < expected:
            out.append(
                Finding(no, ev.seq, "序号重复（被插入）(sequence number repeated: inserted)")
            )
        if ev.hash != row_digest(prev, no, cast(EventMapping, ev._mapping)):
            out.append(
                Finding(
                    no,
                    ev.seq,
                    "内容与其哈希不符（被修改、插入或重排）"
                    "(content does not match its hash: edited, inserted or reordered)",
                )
            )
        prev = ev.hash
        expected = max(expected, ev.seq + 1)
    out.extend(_head_findings(case, history))
    return out


def _head_findings(case: Chain, history: Sequence[AnyRow]) -> list[Finding]:
    last = history[-1].seq if history else 0
    no, version = case.case_no, case.version
    if last < version:
        return [
            Finding(
                no,
                last + 1,
                f"第 {last} 步之后的事件缺失（被删除），案件版本为 {version} "
                f"(events after seq {last} missing: deleted; the case is at version {version})",
            )
        ]
    if last > version:
        return [
            Finding(
                no,
                version + 1,
                f"事件超出案件版本 {version}（被插入）"
                f"(events beyond the case's version {version}: inserted)",
            )
        ]
    if history and case.head_hash != history[-1].hash:
        return [
            Finding(
                no,
                last,
                "案件的哈希链头不符（被修改）(the case's chain head does not match: edited)",
            )
        ]
    return []


def check_case(case: Chain, history: Sequence[AnyRow], registry: Registry) -> list[Finding]:
    """Every problem of one case: its chain, its sequence, its version and its state."""
    out = _chain_findings(case, history)
    no = case.case_no
    wf = registry.get(case.kind)
    if wf is None:
        out.append(Finding(no, None, f"未知流程 unknown workflow {case.kind!r}"))
        return out
    try:
        steps = [(e.trigger, e.from_state, e.to_state) for e in history]
        replayed = replay(wf, steps, case.rules)
    except ValueError as exc:
        out.append(Finding(no, None, f"历史无法重放 (history does not replay)：{exc}"))
        return out
    if replayed != case.state:
        out.append(
            Finding(
                no,
                None,
                f"案件记录为 '{case.state}'，但其历史导向 '{replayed}' "
                f"(case row says '{case.state}' but its history leads to '{replayed}')",
            )
        )
    return out


def _events_by_case(
    conn: Connection, damage: DamageReport
) -> Iterator[tuple[int, Chain | None, list[AnyRow]]]:
    """Each case's events in order, with its row (None when the case does not exist)."""
    stream = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(
        undamaged(
            select(*_EVENT_COLUMNS, *_CASE_COLUMNS)
            .select_from(events.outerjoin(cases, cases.c.id == events.c.case_id))
            .order_by(events.c.case_id, events.c.seq, events.c.id),
            damage,
            events.c.case_id,
        )
    )
    current: int | None = None
    chain: Chain | None = None
    batch: list[AnyRow] = []
    for row in stream:
        if row.case_id != current:
            if current is not None:
                yield current, chain, batch
            current, batch = row.case_id, []
            chain = None if row.case_no is None else _chain(row)
        batch.append(row)
    if current is not None:
        yield current, chain, batch


def _chain(row: AnyRow) -> Chain:
    rules = pinned(row.case_data or {})
    return Chain(row.case_no, row.kind, row.state, row.version, row.head_hash, rules)


def verify(conn: Connection, registry: Registry) -> tuple[int, int, list[Finding]]:
    """Walk every case's chain; returns (cases checked, events checked, findings)."""
    # -- damaged rows (issue 15 point 7): reported, and left out of the chain walk --------
    damage = scan(conn, registry)
    findings = [Finding(d.where, d.seq, d.in_column) for d in damage.found]
    # -- end of damaged rows ---------------------------------------------------------------
    n_events = 0
    for case_id, chain, history in _events_by_case(conn, damage):
        n_events += len(history)
        if chain is None:
            findings.append(
                Finding(
                    f"case id {case_id}",
                    history[0].seq,
                    "不存在的案件的事件（被插入）(events of a case that does not exist: inserted)",
                )
            )
            continue
        findings.extend(check_case(chain, history, registry))
    without = conn.execute(
        undamaged(
            select(*_CASE_COLUMNS)
            .where(~select(events.c.id).where(events.c.case_id == cases.c.id).exists())
            .order_by(cases.c.id),
            damage,
        )
    )
    for row in without:
        findings.append(
            Finding(row.case_no, 1, "案件没有任何事件（被删除）(the case has no events: deleted)")
        )
    n_cases = int(conn.execute(select(func.count()).select_from(cases)).scalar_one())
    return n_cases, n_events, findings


def verify_json(conn: Connection, registry: Registry) -> VerifyJSON:
    """``audit verify``: ``{ok, cases, events, findings}``."""
    n_cases, n_events, findings = verify(conn, registry)
    return VerifyJSON(
        ok=not findings,
        cases=n_cases,
        events=n_events,
        findings=[f.as_json() for f in findings],
    )
