"""Importing a ledger file: read it row by row, check every row, write the good ones in
batches inside one transaction, and refuse the whole file when any row is bad (unless the
caller asks to skip bad rows, which then go to a rejects file beside the input)."""

from __future__ import annotations

import csv
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.actors import load_actor
from casework.errors import InvalidData, NotAllowed
from casework.holidays import load_calendar
from casework.ledger.build import BuiltCase, CaseBuilder
from casework.ledger.columns import Layout, layout, load_map, recognised
from casework.ledger.readers import Row, check_ledger_path, file_digest, open_ledger
from casework.ledger.rows import RowError, RowPlan, RowReader
from casework.ledger.writer import existing_refs, imported_kinds, write
from casework.legacy_services import CaseService, Progress
from casework.storage.db import run_write
from casework.storage.tables import offices
from casework.time.local import local_date
from workflows.spec import Workflow

# Rows checked and written together: large enough that each insert carries many rows, small
# enough that memory stays flat whatever the file's length.
BATCH = 2000


@dataclass(frozen=True)
class BadRow:
    row: int
    column: str
    why: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "error": self.why}


class LedgerRejected(InvalidData):
    """The file has bad rows and nothing was imported; ``bad_rows`` lists every one."""

    def __init__(self, message: str, bad_rows: list[BadRow], summary: dict[str, Any]) -> None:
        super().__init__(message)
        self.bad_rows = bad_rows
        self.summary = summary


def rejects_path(path: str) -> str:
    """Where --skip-bad writes the rows it skipped: beside the input, as CSV."""
    stem, _ = os.path.splitext(path)
    return f"{stem}.rejects.csv"


class _Rejects:
    """The skipped rows with their reasons, written to a partial file renamed at the end."""

    def __init__(self, path: str, header: list[str]) -> None:
        self.path = path
        self.partial = path + ".partial"
        try:
            self.fh: TextIO = open(self.partial, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as exc:
            raise InvalidData(
                f"--skip-bad: the rejects file {path[:200]!r} cannot be written: {exc.strerror}"
            ) from None
        self.out = csv.writer(self.fh)
        self.out.writerow(["原行号 row", "出错列 column", "错误原因 error", *header])

    def add(self, bad: BadRow, cells: list[str]) -> None:
        self.out.writerow([bad.row, bad.column, bad.why, *cells])

    def finish(self, keep: bool) -> None:
        self.fh.close()
        if keep:
            os.replace(self.partial, self.path)
        else:
            os.unlink(self.partial)


def import_ledger(
    service: CaseService,
    username: str | None,
    kind: str,
    path: str,
    map_path: str | None = None,
    office: str | None = None,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import a CSV or XLSX ledger of one procedure's cases; returns what was done."""
    wf = service.machines.workflow(kind)
    if wf.registered_by:
        raise NotAllowed(f"{wf.name} cases are created by `{wf.registered_by}`, not imported")
    check_ledger_path(path)
    renames = load_map(map_path)
    sha256 = file_digest(path)
    name = os.path.basename(path)
    now = service.clock()

    def work(conn: Connection) -> dict[str, Any]:
        actor = load_actor(conn, username)
        if not actor.roles & set(wf.register_roles):
            raise NotAllowed(
                f"importing {wf.name} cases needs role {' or '.join(wf.register_roles)}; "
                f"user {actor.username} is {actor.role}"
            )
        codes = _offices(conn)
        if office is not None and office not in codes:
            raise InvalidData(f"--office: unknown office {office[:40]!r}")
        # A town office's clerk imports its own ledger without naming the office each row.
        default_office = office or (None if actor.city_wide else actor.office_code)
        builder = CaseBuilder(
            conn,
            service,
            wf,
            actor,
            now,
            load_calendar(conn),
            lambda row, seq: f"import:{sha256}:{row}:{seq}",
        )
        summary: dict[str, Any] = {
            "file": name,
            "sha256": sha256,
            "kind": wf.name,
            "rows": 0,
            "imported": 0,
            "existing": 0,
            "bad": 0,
            "events": 0,
            "rejects": None,
        }
        bad: list[BadRow] = []
        with open_ledger(path) as (first, rows):
            header, lay = _find_header(wf, first, rows, renames)
            if not wf.ledger and not lay.has("history"):
                raise InvalidData(
                    f"a {wf.name} ledger is imported only from casework's own export, whose "
                    "办理经过 column holds each case's steps; this file has none"
                )
            kinds = imported_kinds(conn, sha256)
            other = sorted(kinds - {wf.name})
            if other:
                raise InvalidData(
                    f"{name} was imported before as {other[0]} cases; import it as {other[0]}"
                )
            summary["unused_columns"] = list(lay.unused)
            reader = RowReader(wf, lay, sha256, codes, default_office)
            rejects = _Rejects(rejects_path(path), header) if skip_bad else None
            # The rows of a batch make no reference cycles; the cyclic collector would only
            # walk the batch's many young objects again and again.
            collecting = gc.isenabled()
            gc.disable()
            try:
                seen: set[str] = set()
                seen_file = wf.name in kinds
                for batch in _batches(rows):
                    summary["rows"] += len(batch)
                    built = _check_batch(
                        conn, wf, reader, builder, batch, seen, seen_file, summary, bad, rejects
                    )
                    if skip_bad or not bad:
                        write(conn, wf, built, actor.username)
                        summary["imported"] += len(built)
                        summary["events"] += sum(len(c.events) for c in built)
                    if progress is not None:
                        progress(summary["rows"])
            except BaseException:
                if rejects is not None:
                    rejects.finish(keep=False)
                raise
            finally:
                if collecting:
                    gc.enable()
        summary["bad"] = len(bad)
        if bad and not skip_bad:
            summary["imported"] = summary["events"] = 0
            raise LedgerRejected(
                f"{name}: {len(bad)} of {summary['rows']} rows are bad; nothing was imported "
                "(fix them, or import the good rows with --skip-bad)",
                bad,
                summary,
            )
        if rejects is not None:
            rejects.finish(keep=bool(bad))
            summary["rejects"] = rejects.path if bad else None
        summary["bad_rows"] = [b.as_json() for b in bad]
        return summary

    return run_write(service.db, work)


# Sheets often open with a title row or two (潘州街道人民调解台账（2019年）) above the header.
HEADER_SEARCH = 10


def _find_header(
    wf: Workflow, first: list[str], rows: Iterator[Row], renames: dict[str, str]
) -> tuple[list[str], Layout]:
    """The header row and its layout: the first row, unless it names no column casework reads
    (a title), in which case the first of the next rows that does."""
    header = first
    if not recognised(wf, header, renames):
        for _, cells in islice(rows, HEADER_SEARCH - 1):
            candidate = [c.strip() for c in cells]
            if recognised(wf, candidate, renames):
                header = candidate
                break
    return header, layout(wf, header, renames)


def _offices(conn: Connection) -> dict[str, str]:
    """Office code by code, by name, and by the short names ledgers use (山美街道, 山美)."""
    out: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for r in conn.execute(select(offices.c.code, offices.c.name)):
        out[r.code] = r.code
        out.setdefault(r.name, r.code)
        town = r.name.removesuffix("司法所")
        for alias in (town, town.removesuffix("街道").removesuffix("镇")):
            if alias and alias != r.name:
                short.setdefault(alias, set()).add(r.code)
    for alias, codes in short.items():
        if len(codes) == 1:
            out.setdefault(alias, codes.pop())
    return out


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def _check_batch(
    conn: Connection,
    wf: Workflow,
    reader: RowReader,
    builder: CaseBuilder,
    batch: list[Row],
    seen: set[str],
    seen_file: bool,
    summary: dict[str, Any],
    bad: list[BadRow],
    rejects: _Rejects | None,
) -> list[BuiltCase]:
    """The batch's new cases, built and checked; bad rows are noted, known ones counted."""
    found: list[tuple[BadRow, list[str]]] = []
    plans: list[tuple[RowPlan, list[str]]] = []
    for number, cells in batch:
        try:
            plan = reader.plan(number, cells)
            if plan.ref.startswith("ledger:"):
                key = f"{plan.office}\n{plan.ref}"  # numbers count per office and year
                if key in seen:
                    raise RowError(
                        number, "台账编号", f"{plan.ref.split(':', 2)[2][:40]!r} is repeated"
                    )
                seen.add(key)
            plans.append((plan, cells))
        except RowError as exc:
            found.append((BadRow(exc.row, exc.column, exc.why), cells))
    # Rows keyed by this file's own hash can exist only if the file was imported before.
    keys = [(p.office, p.ref) for p, _ in plans if seen_file or p.ref.startswith("ledger:")]
    known = existing_refs(conn, wf, keys)
    built: list[BuiltCase] = []
    for plan, cells in plans:
        before = known.get((plan.office, plan.ref))
        if before is not None:
            title, day = before
            if title == plan.title.strip() and day == local_date(plan.at):
                summary["existing"] += 1
                continue
            found.append(
                (
                    BadRow(
                        plan.row,
                        "台账编号",
                        f"{plan.ref.split(':', 2)[2][:40]!r} was imported before as another case "
                        f"({title[:40]!r}, registered {day}); give this case its own number",
                    ),
                    cells,
                )
            )
            continue
        try:
            built.append(builder.build(plan))
        except RowError as exc:
            found.append((BadRow(exc.row, exc.column, exc.why), cells))
    found.sort(key=lambda f: f[0].row)
    for row, cells in found:
        bad.append(row)
        if rejects is not None:
            rejects.add(row, cells)
    return built
