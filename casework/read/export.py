"""Exporting cases as CSV, XLSX or JSON: columns chosen by name, Chinese headers, personal
data masked unless a supervisor or admin asks to reveal it. Rows are streamed, not collected:
the cases are read in batches no larger than the database's limit on bound variables, each
batch with its parties and events."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain.facts import shown
from casework.domain.identity import mask_id, mask_phone
from casework.domain.model import Actor, Event, Party
from casework.domain.replay import CORRECT, DOCUMENT
from casework.errors import InvalidData
from casework.ledger.csv_cells import SafeWriter
from casework.read.export_xlsx import check_folder
from casework.read.scope import (
    CONFIDENTIAL_NAME,
    AnyRow,
    AnySelect,
    Withhold,
    at_office,
    may_reveal,
    office_scope,
    visible_to,
)
from casework.storage.db import chunk_size
from casework.storage.outfiles import STDOUT, check_new, new_file
from casework.storage.repository import event_of
from casework.storage.tables import cases, events, parties
from casework.time.local import as_utc, local_iso

Cell = str | int


@dataclass(frozen=True, slots=True)
class Exported:
    """A case as an export reads it: its row, its parties and its events."""

    case_no: str
    kind: str
    office: str
    title: str
    state: str
    version: int
    registered_at: datetime
    registered_on: date
    data: Mapping[str, object]
    parties: Sequence[Party]
    events: Sequence[Event]


def history(steps: Sequence[Event]) -> str:
    """The steps after registration as JSON, which `casework import` replays (办理经过)."""
    out: list[dict[str, object]] = []
    for ev in steps:
        if ev.seq == 1 or ev.trigger == CORRECT:
            # A correction's values are the row's own already, and its old ones (ID numbers
            # among them) are not for a file: re-imported, the case stands as corrected.
            continue
        entry: dict[str, object] = {"trigger": ev.trigger, "at": local_iso(ev.occurred_at)}
        entry["by"] = ev.actor
        data = shown(ev.data)
        if ev.trigger == DOCUMENT:
            entry.update({k: v for k, v in data.items() if v is not None})
        elif data:
            entry["values"] = data
        if ev.note:
            entry["note"] = ev.note
        out.append(entry)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def _joined(values: Iterator[str | None]) -> str:
    return "；".join(v or "" for v in values)


Reader = Callable[[Exported, bool], Cell]

# name: (Chinese header, how to read it from a case, given whether to reveal personal data)
COLUMNS: Mapping[str, tuple[str, Reader]] = {
    "case_no": ("案件编号", lambda c, r: c.case_no),
    "kind": ("案件类型", lambda c, r: c.kind),
    "office": ("单位", lambda c, r: c.office),
    "title": ("案件标题", lambda c, r: c.title),
    "state": ("状态", lambda c, r: c.state),
    "registered_at": ("登记时间", lambda c, r: local_iso(c.registered_at)),
    "registered_on": ("登记日期", lambda c, r: c.registered_on.isoformat()),
    "parties": ("当事人", lambda c, r: "；".join(f"{x.role}:{x.name}" for x in c.parties)),
    "id_numbers": (
        "身份证号",
        lambda c, r: _joined(x.id_number if r else mask_id(x.id_number) for x in c.parties),
    ),
    "phones": (
        "联系电话",
        lambda c, r: _joined(x.phone if r else mask_phone(x.phone) for x in c.parties),
    ),
    "version": ("版本", lambda c, r: c.version),
    "history": ("办理经过", lambda c, r: history(c.events)),
    "data": (
        "案件数据",
        lambda c, r: json.dumps(dict(c.data), ensure_ascii=False, sort_keys=True),
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
FORMATS = (".csv", ".json", ".xlsx")
# Digits a spreadsheet would read as a number (4.4E+17), marked as text in a CSV file.
TEXT_COLUMNS = frozenset({"id_numbers", "phones"})


def choose_columns(names: str | None) -> list[str]:
    """Column names from ``a,b,c`` (default: the usual ledger columns); a name given twice is
    kept once."""
    if not names:
        return list(DEFAULT_COLUMNS)
    chosen = list(dict.fromkeys(n.strip() for n in names.split(",") if n.strip()))
    unknown = [n for n in chosen if n not in COLUMNS]
    if unknown or not chosen:
        listed = ", ".join(repr(u[:30]) for u in unknown) or "（无 none）"
        raise InvalidData(
            f"未知列 unknown column {listed}；可用 (columns)：{', '.join(COLUMNS)}",
            field="columns",
            value=names[:200],
        )
    return chosen


def rows(
    conn: Connection,
    actor: Actor | None,
    columns: Sequence[str],
    reveal: bool,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
    office: str | None = None,
    withhold: Withhold | None = None,
) -> Iterator[list[Cell]]:
    """The export's rows, oldest registration first, read in batches; a party the user is
    kept from (``withhold``: a confidential caller, to the handling office) by role only,
    revealed or not. The checks run when called; the rows are read as the writer asks."""
    if reveal:
        may_reveal(actor, "导出文件")
    query = select(cases).order_by(cases.c.registered_at, cases.c.id)
    if kind is not None:
        query = query.where(cases.c.kind == kind)
    # As a listing scopes them: an office's own cases and those assigned to it (派单), and a
    # procedure-scoped role's procedures only (read.scope.visible_to).
    scope = office_scope(conn, actor, office, "案件")
    if scope is not None:
        query = query.where(at_office(scope))
    query = query.where(*visible_to(actor))
    if start is not None:
        query = query.where(cases.c.registered_on >= start)
    if end is not None:
        query = query.where(cases.c.registered_on <= end)
    return stream_cases(conn, query, columns, reveal, withhold)


def stream_cases(
    conn: Connection,
    query: AnySelect,
    columns: Sequence[str],
    reveal: bool,
    withhold: Withhold | None = None,
) -> Iterator[list[Cell]]:
    """The export's rows of the whole ``cases`` rows ``query`` selects, in its order (the
    caller has scoped it): a search downloads its cases through this."""
    readers = [COLUMNS[name][1] for name in columns]
    return _stream(conn, query, readers, reveal, "history" in columns, withhold)


def _stream(
    conn: Connection,
    query: AnySelect,
    readers: list[Reader],
    reveal: bool,
    with_events: bool,
    withhold: Withhold | None,
) -> Iterator[list[Cell]]:
    size = chunk_size(conn)
    result = conn.execution_options(stream_results=True, yield_per=size).execute(query)
    for batch in result.partitions(size):
        ids = [c.id for c in batch]
        people = _parties_of(conn, ids)
        steps = _events_of(conn, ids) if with_events else {}
        for c in batch:
            kept = withhold(c.kind, c.office_code, c.data) if withhold else frozenset()
            shown = [_kept(p) if p.role in kept else p for p in people.get(c.id, [])]
            case = _exported(c, shown, steps.get(c.id, []))
            yield [read(case, reveal) for read in readers]


def _kept(party: Party) -> Party:
    """A party kept from the user: its role only (hotline_reconsideration.md 7)."""
    return Party(party.role, CONFIDENTIAL_NAME)


def _exported(row: AnyRow, people: Sequence[Party], steps: Sequence[Event]) -> Exported:
    return Exported(
        row.case_no,
        row.kind,
        row.office_code,
        row.title,
        row.state,
        row.version,
        as_utc(row.registered_at),
        row.registered_on,
        row.data or {},
        people,
        steps,
    )


def _parties_of(conn: Connection, ids: Sequence[int]) -> dict[int, list[Party]]:
    by_case: dict[int, list[Party]] = {}
    for p in conn.execute(
        select(parties).where(parties.c.case_id.in_(ids)).order_by(parties.c.case_id, parties.c.ord)
    ):
        by_case.setdefault(p.case_id, []).append(Party(p.role, p.name, p.id_number, p.phone))
    return by_case


def _events_of(conn: Connection, ids: Sequence[int]) -> dict[int, list[Event]]:
    by_case: dict[int, list[Event]] = {}
    for ev in conn.execute(
        select(events).where(events.c.case_id.in_(ids)).order_by(events.c.case_id, events.c.seq)
    ):
        by_case.setdefault(ev.case_id, []).append(event_of(ev))
    return by_case


def check_out(path: str, fmt: str | None = None) -> str:
    """The output's format (``.csv``, ``.xlsx`` or ``.json``): by the path's suffix, or
    ``fmt`` for ``-`` (standard output, CSV unless said); a path of another format, or in a
    folder that does not exist, is refused."""
    if path == STDOUT:
        suffix = "." + (fmt or "csv").lower().lstrip(".")
        if suffix not in FORMATS:
            raise InvalidData(
                f"格式 format {fmt!r:.40} 应为 csv、xlsx 或 json (must be csv, xlsx or json)",
                field="format",
                value=str(fmt)[:40],
            )
        return suffix
    if not path.lower().endswith(FORMATS):
        raise InvalidData(
            f"导出文件 out {path[:200]!r} 应以 .csv、.xlsx 或 .json 结尾 "
            "(must end in .csv, .xlsx or .json)",
            field="out",
            value=path[:200],
        )
    check_folder(path)
    return "." + path.rsplit(".", 1)[1].lower()


def write(
    path: str,
    columns: Sequence[str],
    data: Iterator[list[Cell]],
    force: bool = False,
    fmt: str | None = None,
) -> int:
    """Write rows to FILE.csv, FILE.xlsx or FILE.json (by its suffix; ``-`` is standard
    output, in ``fmt``); returns the row count. An existing file is replaced only if
    ``force``; the file appears only when complete (casework.storage.outfiles)."""
    suffix = check_out(path, fmt)
    check_new(path, force)
    headers = [COLUMNS[name][0] for name in columns]
    if suffix == ".xlsx":
        with new_file(path, force, binary=True) as out:
            return _write_xlsx(out, headers, data)
    encoding = "utf-8-sig" if suffix == ".csv" else "utf-8"
    with new_file(path, force, encoding=encoding) as fh:
        if suffix == ".json":
            return _write_json(fh, columns, data)
        text = [i for i, name in enumerate(columns) if name in TEXT_COLUMNS]
        return _write_csv(fh, headers, data, text)


def _write_csv(
    fh: IO[str], headers: list[str], data: Iterator[list[Cell]], text: Sequence[int]
) -> int:
    count = 0
    writer = SafeWriter(fh, text)
    writer.writeheader(headers)
    for row in data:
        writer.writerow(row)
        count += 1
    return count


def _write_json(fh: IO[str], columns: Sequence[str], data: Iterator[list[Cell]]) -> int:
    count = 0
    nested = [name for name in columns if name in ("data", "history")]
    fh.write("[")
    for row in data:
        record: dict[str, object] = dict(zip(columns, row, strict=True))
        for name in nested:  # JSON in a JSON document is an object, not a string
            record[name] = json.loads(str(record[name]))
        fh.write(("," if count else "") + "\n  ")
        fh.write(json.dumps(record, ensure_ascii=False))
        count += 1
    fh.write("\n]\n")
    return count


def _write_xlsx(out: IO[bytes], headers: list[str], data: Iterator[list[Cell]]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("案件")

    def text(value: Cell) -> Cell | WriteOnlyCell:
        # A cell typed "=1+2" is text in a case, not a formula for the spreadsheet to run.
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    sheet.append(headers)
    count = 0
    for row in data:
        sheet.append([text(v) for v in row])
        count += 1
    book.save(out)
    return count
