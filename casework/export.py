"""Exporting cases as CSV, XLSX or JSON: columns chosen by name, Chinese headers, personal
data masked unless a supervisor or admin asks to reveal it. Rows are streamed, not collected."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.actors import Actor, office_scope
from casework.errors import InvalidData, NotAllowed
from casework.domain.identity import mask_id, mask_phone
from casework.domain.replay import DOCUMENT
from casework.storage.tables import cases, events, parties
from casework.time.local import local_iso

# name: (Chinese header, how to read it from a case row, its parties, reveal, its events)
Reader = Callable[[Any, list[Any], bool, list[Any]], Any]


def history(steps: list[Any]) -> str:
    """The steps after registration as JSON, which `casework import` replays (办理经过)."""
    out = []
    for ev in steps:
        if ev.seq == 1:
            continue
        entry: dict[str, Any] = {"trigger": ev.trigger, "at": local_iso(ev.occurred_at)}
        entry["by"] = ev.actor
        data = dict(ev.data or {})
        if ev.trigger == DOCUMENT:
            entry.update({k: v for k, v in data.items() if v is not None})
        elif data:
            entry["values"] = data
        if ev.note:
            entry["note"] = ev.note
        out.append(entry)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


COLUMNS: dict[str, tuple[str, Reader]] = {
    "case_no": ("案件编号", lambda c, p, r, e: c.case_no),
    "kind": ("案件类型", lambda c, p, r, e: c.kind),
    "office": ("单位", lambda c, p, r, e: c.office_code),
    "title": ("案件标题", lambda c, p, r, e: c.title),
    "state": ("状态", lambda c, p, r, e: c.state),
    "registered_at": ("登记时间", lambda c, p, r, e: local_iso(c.registered_at)),
    "registered_on": ("登记日期", lambda c, p, r, e: c.registered_on.isoformat()),
    "parties": ("当事人", lambda c, p, r, e: "；".join(f"{x.role}:{x.name}" for x in p)),
    "id_numbers": (
        "身份证号",
        lambda c, p, r, e: "；".join((x.id_number if r else mask_id(x.id_number)) or "" for x in p),
    ),
    "phones": (
        "联系电话",
        lambda c, p, r, e: "；".join((x.phone if r else mask_phone(x.phone)) or "" for x in p),
    ),
    "version": ("版本", lambda c, p, r, e: c.version),
    "history": ("办理经过", lambda c, p, r, e: history(e)),
    "data": (
        "案件数据",
        lambda c, p, r, e: json.dumps(c.data or {}, ensure_ascii=False, sort_keys=True),
    ),
}
DEFAULT_COLUMNS = (
    "case_no",
    "kind",
    "office",
    "title",
    "state",
    "registered_at",
    "parties",
    "id_numbers",
    "phones",
    "data",
    "history",
)
REVEAL_ROLES = frozenset({"supervisor", "admin"})


def choose_columns(names: str | None) -> list[str]:
    """Column names from ``a,b,c`` (default: the usual ledger columns)."""
    if not names:
        return list(DEFAULT_COLUMNS)
    chosen = list(dict.fromkeys(n.strip() for n in names.split(",") if n.strip()))
    unknown = [n for n in chosen if n not in COLUMNS]
    if unknown or not chosen:
        raise InvalidData(
            f"unknown column {', '.join(repr(u[:30]) for u in unknown) or '(none)'}; "
            f"columns: {', '.join(COLUMNS)}"
        )
    return chosen


def rows(
    conn: Connection,
    actor: Actor | None,
    columns: list[str],
    reveal: bool,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
    office: str | None = None,
) -> Iterator[list[Any]]:
    """The export's rows, oldest registration first, read in batches."""
    if reveal and (actor is None or not actor.roles & REVEAL_ROLES):
        who = f"user {actor.username} is a {actor.role}" if actor else "name one with --as"
        raise NotAllowed(
            f"revealing ID numbers and phones in an export is for supervisors and admins; {who}"
        )
    query = select(cases).order_by(cases.c.registered_at, cases.c.id)
    if kind is not None:
        query = query.where(cases.c.kind == kind)
    scope = office_scope(conn, actor, office, "that office's cases")
    if scope is not None:
        query = query.where(cases.c.office_code == scope)
    if start is not None:
        query = query.where(cases.c.registered_on >= start)
    if end is not None:
        query = query.where(cases.c.registered_on <= end)
    readers = [COLUMNS[name][1] for name in columns]
    # Checks above run now; the rows below are produced as the writer asks for them.
    return _stream(conn, query, readers, reveal, "history" in columns)


def _stream(
    conn: Connection, query: Any, readers: list[Reader], reveal: bool, with_events: bool
) -> Iterator[list[Any]]:
    result = conn.execution_options(stream_results=True, yield_per=1000).execute(query)
    for batch in result.partitions(1000):
        ids = [c.id for c in batch]
        by_case: dict[int, list[Any]] = {}
        for p in conn.execute(
            select(parties)
            .where(parties.c.case_id.in_(ids))
            .order_by(parties.c.case_id, parties.c.ord)
        ):
            by_case.setdefault(p.case_id, []).append(p)
        steps: dict[int, list[Any]] = {}
        if with_events:
            for ev in conn.execute(
                select(events)
                .where(events.c.case_id.in_(ids))
                .order_by(events.c.case_id, events.c.seq)
            ):
                steps.setdefault(ev.case_id, []).append(ev)
        for c in batch:
            people = by_case.get(c.id, [])
            yield [read(c, people, reveal, steps.get(c.id, [])) for read in readers]


def write(path: str, columns: list[str], data: Iterator[list[Any]]) -> int:
    """Write rows to FILE.csv, FILE.xlsx or FILE.json (by its suffix); returns the row count.

    The file appears only when complete: rows go to a temporary file renamed at the end.
    """
    lower = path.lower()
    if not lower.endswith((".csv", ".json", ".xlsx")):
        raise InvalidData(f"--out {path[:200]!r} must end in .csv, .xlsx or .json")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InvalidData(f"folder {folder} does not exist")
    partial = path + ".partial"
    try:
        count = _write(partial, lower, columns, data)
        os.replace(partial, path)
    except BaseException as exc:
        if os.path.exists(partial):
            os.remove(partial)
        if isinstance(exc, OSError):
            raise InvalidData(f"--out {path[:200]!r} cannot be written: {exc.strerror}") from None
        raise
    return count


def _write(path: str, lower: str, columns: list[str], data: Iterator[list[Any]]) -> int:
    headers = [COLUMNS[name][0] for name in columns]
    count = 0
    if lower.endswith(".csv"):
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            for row in data:
                writer.writerow(row)
                count += 1
        return count
    if lower.endswith(".json"):
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("[")
            nested = [name for name in columns if name in ("data", "history")]
            for row in data:
                record = dict(zip(columns, row, strict=True))
                for name in nested:  # JSON in a JSON document is an object, not a string
                    record[name] = json.loads(record[name])
                fh.write(("," if count else "") + "\n  ")
                fh.write(json.dumps(record, ensure_ascii=False))
                count += 1
            fh.write("\n]\n")
        return count
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("案件")
    from openpyxl.cell import WriteOnlyCell

    def text(value: Any) -> Any:
        # A cell typed "=1+2" is text in a case, not a formula for the spreadsheet to run.
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    sheet.append(headers)
    for row in data:
        sheet.append([text(v) for v in row])
        count += 1
    with open(path, "wb") as out:
        book.save(out)
    return count
