"""The audit's second half: every stored column a figure, a listing or a payout reads, checked
against what the case's hashed history derives (casework.domain.derived).

A case row (office, title, state, version, data, registration day, head), its parties, its
documents and each event's derived columns (``occurred_on``, ``ref``). Each difference is one
problem naming the table and column, the value stored and the value the history records.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from casework.domain.derived import Expected
from casework.domain.facts import REF_FACT
from casework.domain.model import Document, Party
from casework.read.scope import AnyRow
from casework.storage.screenings import screening_of
from casework.time.local import as_utc, local_date

# A problem found: the event's sequence number (None for the case as a whole) and what.
Problem = tuple[int | None, str]
_SHOWN = 60


def _text(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + "..."


def _differs(column: str, stored: object, recorded: object) -> str:
    return (
        f"{column} 为 {_text(stored)}，但其历史记载为 {_text(recorded)}（被改动）"
        f"({column} is {_text(stored)} but the history records {_text(recorded)}: edited)"
    )


def _same_instant(a: object, b: datetime) -> bool:
    return isinstance(a, datetime) and as_utc(a) == b


def case_row_problems(row: AnyRow, want: Expected) -> Iterator[Problem]:
    """The case row's columns against its history."""
    year, seq = str(row.case_no).split("-", 2)[1:2], str(row.case_no).rsplit("-", 1)[1:]
    facts = want.facts
    pairs: list[tuple[str, object, object]] = [
        ("cases.registered_on", row.registered_on, want.registered_on),
    ]
    if year and seq and year[0].isdigit() and seq[0].isdigit():
        pairs += [("cases.year", row.year, int(year[0])), ("cases.seq", row.seq, int(seq[0]))]
    if facts is not None:
        pairs += [
            ("cases.created_by", row.created_by, want.created_by),
            ("cases.office_code", row.office_code, facts.office),
            ("cases.title", row.title, want.title),
            ("cases.ref", row.ref, facts.ref),
        ]
    for column, stored, recorded in pairs:
        if stored != recorded:
            yield None, _differs(column, stored, recorded)
    instants = [("cases.registered_at", row.registered_at, want.registered_at)]
    if facts is not None:  # casework before the facts kept these less strictly
        instants += [
            ("cases.recorded_at", row.recorded_at, want.recorded_at),
            ("cases.updated_at", row.updated_at, want.updated_at),
        ]
    for column, at, instant in instants:
        if not _same_instant(at, instant):
            yield None, _differs(column, at, instant.isoformat())
    if want.data is not None:
        yield from _data_problems(row, want.data)


def _data_problems(row: AnyRow, data: Mapping[str, Any]) -> Iterator[Problem]:
    stored = row.data if isinstance(row.data, Mapping) else {}
    for key in sorted(set(stored) | set(data), key=str):
        if key not in data:
            yield None, _differs(f"cases.data.{key}", stored[key], "（无 absent）")
        elif key not in stored:
            yield None, _differs(f"cases.data.{key}", "（无 absent）", data[key])
        elif stored[key] != data[key]:
            yield None, _differs(f"cases.data.{key}", stored[key], data[key])
    if row.screening_id != screening_of(data):
        yield None, _differs("cases.screening_id", row.screening_id, screening_of(data))


def party_problems(rows: Sequence[AnyRow], want: Sequence[Party]) -> Iterator[Problem]:
    """The parties stored against those registered and corrected since."""
    if len(rows) != len(want):
        yield (
            None,
            f"当事人 {len(rows)} 位，但其历史记载 {len(want)} 位（被插入或删除）"
            f"(parties: {len(rows)} stored, {len(want)} in the history: inserted or deleted)",
        )
    for n, (row, party) in enumerate(zip(rows, want, strict=False), start=1):
        if row.ord != n:
            yield None, _differs(f"parties[{n}].ord", row.ord, n)
        for part in ("role", "name", "id_number", "phone"):
            if getattr(row, part) != getattr(party, part):
                # The personal values themselves are not printed: the audit is read by many.
                shown = part in ("id_number", "phone")
                yield (
                    None,
                    f"第 {n} 位当事人的 {part} 与其历史不符（被改动）"
                    f"(parties[{n}].{part} does not match the history: edited)"
                    if shown
                    else _differs(f"parties[{n}].{part}", getattr(row, part), getattr(party, part)),
                )


def document_problems(rows: Sequence[AnyRow], want: Sequence[Document]) -> Iterator[Problem]:
    """The case file's documents against the ``doc`` events that recorded them."""
    recorded = {d.event_seq: d for d in want}
    seen: set[int] = set()
    for row in rows:
        doc = recorded.get(row.event_seq)
        if doc is None or row.event_seq in seen:
            yield (
                row.event_seq,
                f"卷宗材料 {_text(row.kind)} 没有记录它的事件（被插入）"
                f"(document {_text(row.kind)} has no event recording it: inserted)",
            )
            continue
        seen.add(row.event_seq)
        yield from _document_columns(row, doc)
    for seq, doc in recorded.items():
        if seq not in seen:
            yield (
                seq,
                f"第 {seq} 步归入的卷宗材料 {doc.kind!r} 不在卷宗中（被删除）"
                f"(the document {doc.kind!r} recorded at seq {seq} is missing: deleted)",
            )


def _document_columns(row: AnyRow, doc: Document) -> Iterator[Problem]:
    for column in ("kind", "file_name", "sha256", "actor"):
        if getattr(row, column) != getattr(doc, column):
            yield (
                doc.event_seq,
                _differs(f"documents.{column}", getattr(row, column), getattr(doc, column)),
            )
    for column in ("occurred_at", "recorded_at"):
        if not _same_instant(getattr(row, column), getattr(doc, column)):
            yield (
                doc.event_seq,
                _differs(
                    f"documents.{column}", getattr(row, column), getattr(doc, column).isoformat()
                ),
            )


def event_problems(history: Sequence[AnyRow], refs_recorded: bool) -> Iterator[Problem]:
    """Each event's derived columns: its local day, and the key it was taken under (hashed
    in its data since the case's facts were recorded)."""
    for ev in history:
        if isinstance(ev.occurred_at, datetime):
            day: date = local_date(as_utc(ev.occurred_at))
            if ev.occurred_on != day:
                yield ev.seq, _differs("events.occurred_on", ev.occurred_on, day)
        if refs_recorded:
            ref = (ev.data or {}).get(REF_FACT)
            if ev.ref != ref:
                yield ev.seq, _differs("events.ref", ev.ref, ref)
