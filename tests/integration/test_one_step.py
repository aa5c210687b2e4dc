"""One step, however it is called: the same scripted steps taken one at a time, in batches of
every size, and as an imported ledger give the same database, event for event, hashes included.

The script is every path of every shipped procedure (tests/paths.py). The ledger is written in
casework's own export format (办理经过 holds each case's steps), and the importer is an admin,
so every step is fired by the user the script names, with the note ``imported by admin``; the
scripted runs take the same steps by the same users with the same notes and keys (refs), so
that the three ways must agree on every column of every row.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

import pytest
from sqlalchemy import delete

from casework.api import Casework
from casework.api.cases import Batch
from casework.domain.parties import parse_party
from casework.domain.steps import DocumentStep, Registration, Step
from casework.storage.tables import case_counters, case_links, cases, documents, events, parties
from casework.time.local import local_iso, parse_when
from tests.helpers import FrozenClock, drop_event_guards, dump
from tests.paths import NOW, PATHS

IMPORTER = "admin"
CASE_TABLES = ("cases", "events", "parties", "documents", "case_links", "case_counters")


@dataclass(frozen=True)
class Op:
    """One scripted step: a registration or a step of the case of row ``row``."""

    user: str
    row: int
    registration: Registration | None = None
    kind: str = ""
    action: str = ""
    values: dict[str, str] | None = None
    note: str | None = None
    at: str = ""
    ref: str = ""


def _iso(text: str) -> str:
    return local_iso(parse_when(text))


KINDS = ("petition", "mediation", "major_dispute")


def _ledger(path: FilePath, kind: str) -> str:
    """Every path of a procedure as a row of casework's own export; returns the file's
    SHA-256."""
    header = ["单位", "案件类型", "案件标题", "登记时间", "当事人", "身份证号", "联系电话"]
    header += ["案件数据", "办理经过"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for p in (p for p in PATHS if p.kind == kind):
            people = [parse_party(spec) for spec in p.parties]
            history = []
            for s in p.steps:
                entry: dict[str, Any] = {"at": _iso(s.at), "by": s.user}
                if s.action.startswith("doc:"):
                    entry.update(trigger="doc", kind=s.action[4:])
                else:
                    entry.update(trigger=s.action, values=dict(s.values))
                if s.note:
                    entry["note"] = s.note
                history.append(entry)
            out.writerow(
                [
                    p.office,
                    p.kind,
                    f"{p.name} 测试",
                    _iso(p.registered_at),
                    "；".join(f"{x.role}:{x.name}" for x in people),
                    "；".join(x.id_number or "" for x in people),
                    "；".join(x.phone or "" for x in people),
                    json.dumps(dict(p.register_values), ensure_ascii=False),
                    json.dumps(history, ensure_ascii=False),
                ]
            )
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _script(kind: str, sha: str) -> list[Op]:
    """A ledger's rows as the steps an admin importing it takes, in the import's order."""
    ops = []
    for row, p in enumerate((p for p in PATHS if p.kind == kind), start=2):
        ref = f"import:{sha}:{row}"
        item = Registration(
            p.office,
            f"{p.name} 测试",
            p.parties,
            dict(p.register_values),
            p.registered_at,
            ref=ref,
            event_ref=f"{ref}:1",
        )
        ops.append(Op(IMPORTER, row, item, p.kind))
        for seq, s in enumerate(p.steps, start=2):
            note = s.note
            if s.user != IMPORTER:  # the history names who acted, the note who imported it
                note = f"{s.note} (imported by {IMPORTER})" if s.note else f"imported by {IMPORTER}"
            ref = f"import:{sha}:{row}:{seq}"
            ops.append(Op(s.user, row, None, p.kind, s.action, dict(s.values), note, s.at, ref))
    return ops


def _take(b: Batch, op: Op, numbers: dict[tuple[str, int], str]) -> None:
    key = (op.kind, op.row)
    if op.registration is not None:
        numbers[key] = b.register(op.user, op.kind, op.registration).case.case_no
        return
    ref = op.ref
    case_no = numbers[key]
    if op.action.startswith("doc:"):
        doc = DocumentStep(case_no, op.action[4:], at=op.at, note=op.note, ref=ref)
        b.document(op.user, doc)
    else:
        b.advance(op.user, Step(case_no, op.action, op.values or {}, op.note, op.at, ref))


def _in_batches(cw: Casework, ops: list[Op], size: int) -> None:
    numbers: dict[tuple[str, int], str] = {}
    for start in range(0, len(ops), size):
        chunk = ops[start : start + size]

        def work(b: Batch, chunk: list[Op] = chunk) -> None:
            for op in chunk:
                _take(b, op, numbers)

        cw.batch(work)


# How a step came in (an import says ``import``, a script's steps ``api``) is the one thing the
# three ways may differ in.
CHANNEL_COLUMNS = [i for i, c in enumerate(events.c.keys()) if c in ("channel", "os_user")]


def _case_rows(cw: Casework) -> dict[str, list[tuple[Any, ...]]]:
    rows = {name: rows for name, rows in dump(cw.engine).items() if name in CASE_TABLES}
    rows["events"] = [
        tuple(v for i, v in enumerate(row) if i not in CHANNEL_COLUMNS) for row in rows["events"]
    ]
    return rows


def _clear(cw: Casework) -> None:
    """Empty the case tables; ids start again from 1, as in a new database."""
    with cw.engine.begin() as conn:
        drop_event_guards(conn)  # a test's own reset, not a step: the guards go
        for table in (case_links, documents, parties, events, cases, case_counters):
            conn.execute(delete(table))
        if conn.dialect.name == "postgresql":
            # Each id sequence back to 1 (TRUNCATE ... RESTART IDENTITY did the same, at 50 ms
            # a time, a third of this test on PostgreSQL); SQLite hands out max(id) + 1.
            for table in (case_links, documents, parties, events, cases):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"
                )


@pytest.fixture
def ledgers(tmp_path: FilePath) -> Iterator[list[tuple[str, FilePath, str]]]:
    """A ledger per procedure: (kind, file, its SHA-256)."""
    out = []
    for kind in KINDS:
        path = tmp_path / f"{kind}.csv"
        out.append((kind, path, _ledger(path, kind)))
    yield out


def test_one_at_a_time_in_batches_and_imported_agree(
    cw: Casework, clock: FrozenClock, ledgers: list[tuple[str, FilePath, str]]
) -> None:
    clock.set(NOW)  # after the last step of every path (tests/paths.py)
    ops = [op for kind, _, sha in ledgers for op in _script(kind, sha)]
    for kind, path, _ in ledgers:
        summary = cw.acting(IMPORTER).import_ledger(kind, str(path))
        assert summary["bad"] == 0, summary["bad_rows"]
    imported = _case_rows(cw)
    assert len(imported["events"]) == len(ops)
    # One at a time: each step its own transaction.
    _clear(cw)
    _in_batches(cw, ops, 1)
    assert _case_rows(cw) == imported, _diff(_case_rows(cw), imported)
    # In batches of every size, up to the whole script in one.
    for size in range(2, len(ops) + 1):
        _clear(cw)
        _in_batches(cw, ops, size)
        assert _case_rows(cw) == imported, f"batches of {size}"
    assert cw.verify()["ok"] is True


def _diff(a: dict[str, list[tuple[Any, ...]]], b: dict[str, list[tuple[Any, ...]]]) -> str:
    out = []
    for name in a:
        only_a = sorted(set(a[name]) - set(b[name]))[:2]
        only_b = sorted(set(b[name]) - set(a[name]))[:2]
        if only_a or only_b:
            out.append(f"{name}: {only_a} != {only_b}")
    return "\n".join(out)
