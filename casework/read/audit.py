"""The audit of the tamper-evident history: every case's hash chain walked, its history
replayed through its procedure, every column derived from it checked (casework.read.audit_rows),
and whatever was changed outside casework reported by case number and sequence.

The cases, events, parties and documents are read a chunk of cases at a time
(casework.read.audit_stream), and each chunk goes through ``CHUNK_CHECKS``: the audit holds one
chunk and the findings it keeps (casework.read.findings.Found), so its memory stays flat in
the number of cases and its time grows with them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from casework.domain.derived import expected
from casework.domain.hashing import row_digest
from casework.domain.replay import REGISTER, replay
from casework.read.anchor_check import Anchored, anchor_sound, anchored_findings
from casework.read.audit_open_limits import index_findings
from casework.read.audit_rollups import rollup_findings
from casework.read.audit_rows import (
    case_row_problems,
    document_problems,
    event_problems,
    party_problems,
)
from casework.read.audit_scale import Scale, priced_fields, priced_problems
from casework.read.audit_since import changed_cases
from casework.read.audit_stream import Chunk, Stored, changed_chunks, stored_chunks
from casework.read.damage import scan
from casework.read.findings import Finding, Found
from casework.read.scope import AnyRow
from casework.read.shapes import VerifyJSON
from casework.storage.chain import KEYED_FROM, read_keyed
from casework.storage.open_limits import built
from casework.storage.personal import key_on
from casework.storage.rollups import built as rollups_built
from casework.storage.tables import case_counters, cases
from casework.storage.world import StoredWorld
from workflows import Registry
from workflows.versions import pinned

# An event row's columns by name, as the digest reads them.
EventMapping = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Chain:
    """What a case row says of its history."""

    case_no: str
    kind: str
    state: str
    version: int
    head_hash: str | None
    rules: str | None = None  # the rule version the case pins
    key: bytes | None = None  # the chain's key (None: a plain SHA-256 chain)


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
        if ev.hash != row_digest(prev, no, cast(EventMapping, ev._mapping), case.key):
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


def check_stored(
    row: AnyRow, record: Stored, registry: Registry, scale: Scale, keyed: Keyed
) -> list[Finding]:
    """Every problem of one stored case (``row``, with its ``record``): its chain and replay
    (``check_case``), then every column its history derives (casework.read.audit_rows)."""
    history = record.events
    key = keyed.key if keyed.first_id is not None and row.id >= keyed.first_id else None
    out = check_case(_chain(row, key), history, registry)
    wf = registry.get(row.kind)
    if wf is None or not history or history[0].trigger != REGISTER:
        return out
    no = row.case_no
    want = expected(wf, history)
    problems = [
        *case_row_problems(row, want),
        *event_problems(history, want.facts is not None),
        *document_problems(record.documents, want.documents),
    ]
    if want.parties is not None:
        problems += party_problems(record.parties, want.parties)
    if not row.case_no.startswith(f"{wf.prefix}-"):
        problems.append((None, f"案件编号不属于流程 {wf.name} (the number is not of {wf.name})"))
    priced = priced_fields(wf)
    if priced:
        problems += priced_problems(history, priced, want.data or row.data or {}, scale)
    out.extend(Finding(no, seq, problem) for seq, problem in problems)
    return out


def _chain(row: AnyRow, key: bytes | None) -> Chain:
    rules = pinned(row.data if isinstance(row.data, Mapping) else {})
    return Chain(row.case_no, row.kind, row.state, row.version, row.head_hash, rules, key)


@dataclass(frozen=True)
class Audit:
    """What each chunk's checks read beside the chunk: the connection, the procedures, the
    subsidy scale and the keyed chains' boundary, read once per audit."""

    conn: Connection
    registry: Registry
    scale: Scale
    keyed: Keyed
    world: StoredWorld
    indexed: bool  # the open-limits index was built (else it is not yet kept: migration 0020)
    rolled: bool = False  # the statistics roll-ups were built (migration 0023)


# A check of one chunk of cases (casework.read.audit_stream), run on every chunk in turn;
# whatever else is kept per case and derived from its history (an index of open deadlines,
# monthly roll-ups) is checked against the chunk's histories by one more check here.
ChunkCheck = Callable[[Audit, Chunk], Iterable[Finding]]
# ``progress(cases done, cases to check)``, after each chunk.
Progress = Callable[[int, int], object]


def case_findings(audit: Audit, chunk: Chunk) -> Iterator[Finding]:
    """Each case of the chunk: its chain, replay and derived columns (``check_stored``); rows
    of a case that does not exist, and a case without events."""
    for case_id, record in chunk:
        if record.row is None:
            yield Finding(
                f"case id {case_id}",
                record.events[0].seq if record.events else None,
                "不存在的案件的事件或记录（被插入）"
                "(events, parties or documents of a case that does not exist: inserted)",
            )
        elif not record.events:
            yield Finding(
                record.row.case_no, 1, "案件没有任何事件（被删除）(the case has no events: deleted)"
            )
        else:
            yield from check_stored(record.row, record, audit.registry, audit.scale, audit.keyed)


def index_check(audit: Audit, chunk: Chunk) -> Iterator[Finding]:
    """Each case's rows of the open-limits index against those its events give."""
    if not audit.indexed:
        return
    stored = [(r.row, r.events) for _, r in chunk if r.row is not None and r.events]
    for case_no, problem in index_findings(audit.conn, audit.registry, audit.world, stored):
        yield Finding(case_no, None, problem)


def rollup_check(audit: Audit, chunk: Chunk) -> Iterator[Finding]:
    """Each case's rows of the statistics roll-ups against those its events give."""
    if not audit.rolled:
        return
    numbers = {case_id: r.row.case_no for case_id, r in chunk if r.row is not None and r.events}
    for case_id, problem in rollup_findings(audit.conn, audit.registry, sorted(numbers)):
        yield Finding(numbers[case_id], None, problem)


CHUNK_CHECKS: tuple[ChunkCheck, ...] = (case_findings, index_check, rollup_check)


def verify(
    conn: Connection,
    registry: Registry,
    only: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> tuple[int, int, Found]:
    """Walk every case's chain and rows (with ``only``, those cases' ids), a chunk at a time;
    returns (cases checked, events checked, findings)."""
    found = Found()
    # Damaged rows (issue 15 point 7): reported, and left out of the walk, whose reads go
    # through the columns' types and would fail on them.
    damage = scan(conn, registry)
    found.extend(Finding(d.where, d.seq, d.in_column) for d in damage.found)
    world = StoredWorld(conn, registry)
    made = (built(conn), rollups_built(conn))
    audit = Audit(conn, registry, Scale(conn), keyed_chains(conn), world, *made)
    found.extend(audit.keyed.findings)
    if only is None:
        total = int(conn.execute(select(func.count()).select_from(cases)).scalar_one())
        chunks = stored_chunks(conn, damage)
    else:
        total, chunks = len(only), changed_chunks(conn, damage, only)
    n_cases = n_events = 0
    for chunk in chunks:
        for check in CHUNK_CHECKS:
            found.extend(check(audit, chunk))
        n_cases += sum(1 for _, record in chunk if record.row is not None)
        n_events += sum(len(record.events) for _, record in chunk)
        if progress is not None:
            progress(min(n_cases, total), total)
    found.extend(counter_findings(conn, registry))
    return n_cases, n_events, found


@dataclass(frozen=True)
class Keyed:
    """From which case id the chains are keyed, with which key, and what is wrong with the
    boundary's record (casework.storage.chain)."""

    first_id: int | None
    key: bytes | None
    findings: tuple[Finding, ...] = ()


def keyed_chains(conn: Connection) -> Keyed:
    """The keyed boundary as the audit trusts it: a missing or unsigned record is reported,
    and then every chain from the first case on is held to the key (a forger moving the
    boundary gains nothing)."""
    key = key_on(conn.dialect)
    chain_key = key.chain_key if key is not None else None
    stored = read_keyed(conn)
    if stored.first_id is not None and stored.genuine:
        return Keyed(stored.first_id, chain_key)
    problem = (
        "密钥链起点记录缺失（被删除）(the keyed chains' boundary record is missing: deleted)"
        if stored.first_id is None
        else "密钥链起点记录的签名不符（被改动）(the keyed chains' boundary is not signed)"
    )
    return Keyed(1, chain_key, (Finding(f"settings {KEYED_FROM}", None, problem),))


def counter_findings(conn: Connection, registry: Registry) -> Iterator[Finding]:
    """Each number counter at or above the highest number its cases use: a counter set back
    would hand out a number taken already."""
    counters = {
        (r.prefix, r.office_code, r.year): r.last_seq for r in conn.execute(select(case_counters))
    }
    used = conn.execute(
        select(cases.c.kind, cases.c.office_code, cases.c.year, func.max(cases.c.seq))
        .group_by(cases.c.kind, cases.c.office_code, cases.c.year)
        .order_by(cases.c.kind, cases.c.office_code, cases.c.year)
    )
    for kind, office, year, top in used:
        wf = registry.get(kind)
        if wf is None:
            continue  # the case's own finding names the unknown procedure
        last = counters.get((wf.prefix, office, year))
        if not isinstance(top, int) or (last is not None and not isinstance(last, int)):
            continue  # a damaged number: the damage scan reports it
        if last is None or last < top:
            yield Finding(
                f"case_counters {wf.prefix}/{office}/{year}",
                None,
                f"编号计数器为 {last}，低于已用的最大编号 {top}（被改动）"
                f"(the counter is {last}, below the highest number used, {top}: edited)",
            )


def verify_json(
    conn: Connection,
    registry: Registry,
    anchor: Anchored | None = None,
    since_anchor: bool = False,
    progress: Progress | None = None,
) -> VerifyJSON:
    """``audit verify``: ``{ok, mode, cases, events, findings_total, findings}``; with an
    anchor made earlier, what changed since it too (casework.read.anchor_check); with
    ``since_anchor`` as well, only the cases changed since it are walked
    (casework.read.audit_since), unless the anchor itself fails its check."""
    only = None
    if anchor is not None and since_anchor and anchor_sound(anchor):
        only = changed_cases(conn, anchor.doc)
    n_cases, n_events, found = verify(conn, registry, only, progress)
    if anchor is not None:
        found.extend(anchored_findings(conn, anchor.doc, anchor.key, anchor.admin_hash_at))
    return VerifyJSON(
        ok=found.total == 0,
        mode="full" if only is None else "since_anchor",
        cases=n_cases,
        events=n_events,
        findings_total=found.total,
        findings=[f.as_json() for f in found.kept],
    )
