"""Exporting cases as CSV, XLSX or JSON: columns chosen by name, Chinese headers, personal
data masked unless a supervisor or admin asks to reveal it. Spreadsheets (CSV, XLSX) show
Chinese labels with the codes beside them and each registration value in its own column; JSON,
for scripts, keeps the codes (casework.read.export_labels). Rows are streamed, not collected:
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
from casework.read.export_cells import csv_text, json_value, long_cell, too_long, xlsx_value
from casework.read.export_labels import (
    Cell,
    FieldColumn,
    Labels,
    field_cells,
    stored,
)
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
from casework.read.sheet_stream import stream_table
from casework.read.sheet_style import Value
from casework.storage.db import chunk_size
from casework.storage.outfiles import STDOUT, check_new, new_file
from casework.storage.repository import later_steps_of, parties_by_case
from casework.storage.tables import cases
from casework.time.local import as_utc, local_iso

Reader = Callable[["Exported", "View"], Cell]
RowReader = Callable[["Exported", "View"], list[Cell]]


@dataclass(frozen=True, slots=True)
class Exported:
    """A case as an export reads it: its row, its parties and its events after registration
    (a 办理经过 leaves the first out)."""

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


@dataclass(frozen=True, slots=True)
class View:
    """How the cells are written: personal data revealed or masked, and codes (JSON, for
    scripts) or Chinese labels (CSV and XLSX, for people)."""

    reveal: bool
    coded: bool
    labels: Labels


def history_steps(steps: Sequence[Event]) -> list[object]:
    """The steps after registration, which `casework import` replays (办理经过)."""
    out: list[object] = []
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
    return out


def history(steps: Sequence[Event]) -> str:
    """The steps after registration as JSON text (a spreadsheet's 办理经过 cell)."""
    return json.dumps(history_steps(steps), ensure_ascii=False, separators=(",", ":"))


def _joined(values: Iterator[str | None]) -> str:
    return "；".join(v or "" for v in values)


def _kind(c: Exported, v: View) -> Cell:
    return c.kind if v.coded else v.labels.kind(c.kind)


def _state(c: Exported, v: View) -> Cell:
    return c.state if v.coded else v.labels.state(c.kind, c.state)


def _parties(c: Exported, v: View) -> Cell:
    return "；".join(f"{x.role if v.coded else v.labels.role(x.role)}:{x.name}" for x in c.parties)


def _history(c: Exported, v: View) -> Cell:
    return history_steps(c.events) if v.coded else history(c.events)


def _data(c: Exported, v: View) -> Cell:
    if v.coded:
        return dict(sorted(c.data.items()))  # by name, as the text's keys are
    return json.dumps(dict(c.data), ensure_ascii=False, sort_keys=True)


# name: (Chinese header, how to read it from a case). In CSV and XLSX, kind, state, parties
# and the registration values show Chinese labels; the codes a re-import may rely on (labels
# can be reworded, codes stay) have columns of their own.
COLUMNS: Mapping[str, tuple[str, Reader]] = {
    "case_no": ("案件编号", lambda c, v: c.case_no),
    "kind": ("案件类型", _kind),
    "kind_code": ("类型代码", lambda c, v: c.kind),
    "office": ("单位", lambda c, v: c.office),
    "title": ("案件标题", lambda c, v: c.title),
    "state": ("状态", _state),
    "state_code": ("状态代码", lambda c, v: c.state),
    "registered_at": ("登记时间", lambda c, v: c.registered_at),
    "registered_on": ("登记日期", lambda c, v: c.registered_on),
    "parties": ("当事人", _parties),
    "id_numbers": (
        "身份证号",
        lambda c, v: _joined(x.id_number if v.reveal else mask_id(x.id_number) for x in c.parties),
    ),
    "phones": (
        "联系电话",
        lambda c, v: _joined(x.phone if v.reveal else mask_phone(x.phone) for x in c.parties),
    ),
    "version": ("版本", lambda c, v: c.version),
    "history": ("办理经过", _history),
    "data": ("案件数据", _data),
}
# Each registration value in a column of its own, headed by its Chinese label (纠纷类型,
# 涉及金额(元), ...); in JSON one object of the values by name, as stored.
FIELDS = "fields"
NAMES = (*COLUMNS, FIELDS)
# A spreadsheet's columns: labels, codes and values each in a column, so that an export of one
# procedure re-imported into an empty database gives the same cases and statistics.
DEFAULT_COLUMNS = (
    "case_no",
    "kind",
    "kind_code",
    "office",
    "title",
    "state",
    "state_code",
    "registered_at",
    "parties",
    "id_numbers",
    "phones",
    FIELDS,
    "history",
)
# A JSON export's, for scripts: codes, and the case's data as one object (as before labels).
JSON_COLUMNS = (
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


def is_json(path: str) -> bool:
    """Whether an export to ``path`` is JSON, whose cells keep codes."""
    return path.lower().endswith(".json")


def choose_columns(names: str | None, coded: bool = False) -> list[str]:
    """Column names from ``a,b,c`` (default: a spreadsheet's or, ``coded``, a JSON export's
    usual columns); a name given twice is kept once."""
    if not names:
        return list(JSON_COLUMNS if coded else DEFAULT_COLUMNS)
    chosen = list(dict.fromkeys(n.strip() for n in names.split(",") if n.strip()))
    unknown = [n for n in chosen if n not in NAMES]
    if unknown or not chosen:
        listed = ", ".join(repr(u[:30]) for u in unknown) or "（无 none）"
        raise InvalidData(
            f"未知列 unknown column {listed}；可用 (columns)：{', '.join(NAMES)}",
            field="columns",
            value=names[:200],
        )
    return chosen


@dataclass(frozen=True, slots=True)
class Table:
    """An export's rows and what heads them: each cell's key (a JSON record's) and Chinese
    header, and where the case number is (to name a case a cell cannot be written for)."""

    keys: Sequence[str]
    headers: Sequence[str]
    rows: Iterator[list[Cell]]
    case_no_at: int | None


def rows(
    conn: Connection,
    actor: Actor | None,
    columns: Sequence[str],
    view: View,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
    office: str | None = None,
    withhold: Withhold | None = None,
) -> Table:
    """The export's rows, oldest registration first, read in batches; a party the user is
    kept from (``withhold``: a confidential caller, to the handling office) by role only,
    revealed or not. The checks run when called; the rows are read as the writer asks."""
    if view.reveal:
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
    return stream_cases(conn, query, columns, view, withhold, kind)


def stream_cases(
    conn: Connection,
    query: AnySelect,
    columns: Sequence[str],
    view: View,
    withhold: Withhold | None = None,
    kind: str | None = None,
) -> Table:
    """The export's rows of the whole ``cases`` rows ``query`` selects, in its order (the
    caller has scoped it): a search downloads its cases through this. The registration
    values' columns are those of ``kind``, else of the procedures the query finds."""
    fields: list[FieldColumn] = []
    if FIELDS in columns and not view.coded:
        kinds = [kind] if kind is not None else _kinds_of(conn, query)
        fields = view.labels.field_columns(kinds)
    keys: list[str] = []
    headers: list[str] = []
    for name in columns:
        if name == FIELDS and not view.coded:
            keys += [f"{FIELDS}:{f.label}" for f in fields]
            headers += [f.label for f in fields]
        else:
            keys.append(name)
            headers.append(COLUMNS[name][0] if name != FIELDS else FIELDS)
    cells = _stream(conn, query, _readers(columns, fields), view, "history" in columns, withhold)
    return Table(keys, headers, cells, keys.index("case_no") if "case_no" in keys else None)


def _kinds_of(conn: Connection, query: AnySelect) -> list[str]:
    found = query.subquery()
    return list(conn.execute(select(found.c.kind).distinct()).scalars())


def _readers(columns: Sequence[str], fields: Sequence[FieldColumn]) -> list[RowReader]:
    """How each chosen column adds its cells to a row (the registration values, several)."""

    def one(read: Reader) -> RowReader:
        return lambda c, v: [read(c, v)]

    def values(c: Exported, v: View) -> list[Cell]:
        if v.coded:
            given = ((spec.name, stored(spec, c.data)) for spec in v.labels.fields_of(c.kind))
            return [{name: value for name, value in given if value is not None}]
        return field_cells(fields, c.kind, c.data)

    return [values if name == FIELDS else one(COLUMNS[name][1]) for name in columns]


def _stream(
    conn: Connection,
    query: AnySelect,
    readers: list[RowReader],
    view: View,
    with_events: bool,
    withhold: Withhold | None,
) -> Iterator[list[Cell]]:
    size = chunk_size(conn)
    result = conn.execution_options(stream_results=True, yield_per=size).execute(query)
    for batch in result.partitions(size):
        ids = [c.id for c in batch]
        # On SQLite both are read on the driver, converted as SQLAlchemy would (storage.bulk).
        people = parties_by_case(conn, ids)
        steps = later_steps_of(conn, ids) if with_events else {}
        for c in batch:
            kept = withhold(c.kind, c.office_code, c.data) if withhold else frozenset()
            shown = [_kept(p) if p.role in kept else p for p in people.get(c.id, [])]
            case = _exported(c, shown, steps.get(c.id, []))
            yield [cell for read in readers for cell in read(case, view)]


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


def write(path: str, table: Table, force: bool = False, fmt: str | None = None) -> int:
    """Write rows to FILE.csv, FILE.xlsx or FILE.json (by its suffix; ``-`` is standard
    output, in ``fmt``); returns the row count. An existing file is replaced only if
    ``force``; the file appears only when complete (casework.storage.outfiles)."""
    suffix = check_out(path, fmt)
    check_new(path, force)
    if suffix == ".xlsx":
        with new_file(path, force, binary=True) as out:
            return _write_xlsx(out, table)
    encoding = "utf-8-sig" if suffix == ".csv" else "utf-8"
    with new_file(path, force, encoding=encoding) as fh:
        if suffix == ".json":
            return _write_json(fh, table)
        return _write_csv(fh, table)


def _write_csv(fh: IO[str], table: Table) -> int:
    count = 0
    text = [i for i, key in enumerate(table.keys) if key in TEXT_COLUMNS]
    writer = SafeWriter(fh, text)
    writer.writeheader(table.headers)
    for row in table.rows:
        writer.writerow([csv_text(v) for v in row])
        count += 1
    return count


def _write_json(fh: IO[str], table: Table) -> int:
    count = 0
    fh.write("[")
    for row in table.rows:
        record = dict(zip(table.keys, row, strict=True))
        fh.write(("," if count else "") + "\n  ")
        fh.write(json.dumps(record, ensure_ascii=False, default=json_value))
        count += 1
    fh.write("\n]\n")
    return count


def _write_xlsx(out: IO[bytes], table: Table) -> int:
    # Streamed in the form of every workbook (read.sheet_style): widths, frozen header, print.
    return stream_table(out, "案件", table.headers, _xlsx_rows(table))


def _xlsx_rows(table: Table) -> Iterator[list[Value]]:
    for count, row in enumerate(table.rows, start=1):
        over = long_cell(row)
        if over is not None:  # refused, never cut: a cut cell no longer re-imports
            at, length = over
            case = f"第 {count} 行 row {count}"
            if table.case_no_at is not None:
                case = str(row[table.case_no_at])
            raise too_long(case, table.headers[at], length)
        yield [xlsx_value(v) for v in row]
