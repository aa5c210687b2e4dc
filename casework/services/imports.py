"""Importing a ledger (台账): each row's case built by the same steps a clerk takes by hand.

The file is read row by row (casework.ledger reads its formats and plans each row: the
registration and the dated steps its columns show); each row's case is then registered and
moved through its procedure by the domain's one step, in memory, with every check (roles,
offices, values, back-dating, the machine and its guards). A row's case enters the unit of
work only once all its steps passed, and is written with the others of its batch. Any bad row
refuses the whole file, unless the caller skips bad rows, which then go to a rejects file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import TypedDict

from casework.domain.checks import after_previous
from casework.domain.model import Actor, Case
from casework.domain.policy import check_office, needs, refusal, shown
from casework.domain.replay import DOCUMENT
from casework.domain.steps import (
    DocumentStep,
    Registered,
    Registration,
    Step,
    Stepped,
    advance,
    record_document,
    register,
)
from casework.errors import CaseworkError, InvalidData, NotAllowed, NotFound
from casework.ledger.columns import Layout, layout, recognised
from casework.ledger.csv_cells import SafeWriter, unmarked
from casework.ledger.readers import Row, open_ledger
from casework.ledger.rows import PlannedStep, RowError, RowPlan, RowReader
from casework.runtime import bulk_work
from casework.services.cases import Progress
from casework.storage.outfiles import NewFile
from casework.storage.uow import UnitOfWork
from casework.time.local import local_date
from workflows.policy import DELEGATING_ROLES
from workflows.spec import TriggerSpec, Workflow

# Rows checked and written together: large enough that each insert carries many rows, small
# enough that memory stays flat whatever the file's length.
BATCH = 2000
# Columns whose digits the rejects file marks as text (casework.ledger.csv_cells).
TEXT_TARGETS = ("id_numbers", "phones")
# Sheets often open with a title row or two (潘州街道人民调解台账（2019年）) above the header.
HEADER_SEARCH = 10


class BadRowJSON(TypedDict):
    row: int
    column: str
    error: str


class ImportSummary(TypedDict):
    file: str
    sha256: str
    kind: str
    rows: int
    imported: int
    existing: int
    bad: int
    events: int
    rejects: str | None
    unused_columns: list[str]
    bad_rows: list[BadRowJSON]


@dataclass(frozen=True)
class Ledger:
    """A ledger file to import: where it is, its name, its SHA-256, header renames; its
    format when the caller names it, and where its rejects go when not beside it."""

    path: str
    name: str
    sha256: str
    renames: dict[str, str]
    fmt: str | None = None
    rejects: str | None = None


@dataclass(frozen=True)
class BadRow:
    row: int
    column: str
    why: str

    def as_json(self) -> BadRowJSON:
        return BadRowJSON(row=self.row, column=self.column, error=self.why)


class LedgerRejected(InvalidData):
    """The file has bad rows and nothing was imported; ``bad_rows`` lists every one."""

    def __init__(self, reason: str, bad_rows: list[BadRow], summary: ImportSummary) -> None:
        super().__init__(reason, field="file")
        self.bad_rows = bad_rows
        self.summary = summary


def rejects_path(path: str) -> str:
    """Where skipped rows are written: beside the input, as CSV."""
    stem, _ = os.path.splitext(path)
    return f"{stem}.rejects.csv"


class Rejects:
    """The skipped rows with their reasons, written to a new file (replacing one only if
    ``force``) that appears when the import ends (casework.storage.outfiles)."""

    def __init__(self, path: str, header: list[str], lay: Layout, force: bool = False) -> None:
        self.path = path
        self.file = NewFile(path, force, "skip_bad", encoding="utf-8-sig", label="rejects")
        # The ledger's ID number and phone columns, after the three of the reason.
        text = [3 + i for target in TEXT_TARGETS for i in lay.columns.get(target, ())]
        self.out = SafeWriter(self.file.fh, text)
        self.out.writeheader(["原行号 row", "出错列 column", "错误原因 error", *header])

    def add(self, bad: BadRow, cells: list[str]) -> None:
        self.out.writerow([bad.row, bad.column, bad.why, *cells])

    def finish(self, keep: bool) -> None:
        if keep:
            self.file.commit()
        else:
            self.file.discard()


# The registration's fields as a ledger's columns (the field names of casework.errors).
_REGISTRATION_COLUMNS = {
    "office": "office",
    "title": "title",
    "party": "parties",
    "party.role": "parties",
    "party.name": "parties",
    "party.id_number": "id_numbers",
    "party.phone": "phones",
    "at": "registered_at",
    "note": "note",
    "ref": "ref",
}


class RowBuilder:
    """Builds each row's case through the domain's steps, for one file and one importer."""

    def __init__(self, uow: UnitOfWork, wf: Workflow, importer: Actor, lay: Layout, sha: str):
        self.uow, self.wf, self.importer, self.lay = uow, wf, importer, lay
        self.sha = sha
        self.delegates = bool(importer.roles & DELEGATING_ROLES)

    def build(self, plan: RowPlan) -> int:
        """Register the row's case and take its steps; returns its events. A refusal becomes
        a RowError naming the row, the column at fault and why; the row then leaves nothing."""
        try:
            check_office(self.importer, plan.office, f"第 {plan.row} 行的案件 ")
        except CaseworkError as exc:
            raise RowError(plan.row, self._column("office"), exc.reason) from None
        done = self._register(plan)
        case, steps = done.case, []
        try:
            for step in self._with_documents(plan):
                stepped = self._step(case, step, plan)
                steps.append(stepped)
                case = stepped.case
            if plan.expect_state is not None and plan.expect_state != case.state:
                raise RowError(
                    plan.row,
                    self._column("state"),
                    f"台账写的是 {plan.expect_state!r}，但其步骤得出 {case.state!r}"
                    " (the steps lead elsewhere)",
                )
        except RowError:
            self.uow.cases.release_number(done.case)
            raise
        self.uow.cases.add(done)
        for stepped in steps:
            self.uow.cases.save(stepped)
        return case.version

    def _column(self, target: str) -> str:
        return self.lay.get((), target)[1]

    def _register(self, plan: RowPlan) -> Registered:
        item = Registration(
            plan.office,
            plan.title,
            plan.parties,
            plan.values,
            plan.at,
            plan.note,
            ref=plan.ref,
            event_ref=self._ref(plan.row, 1),
        )
        try:
            return register(self.wf, item, self.importer, self.uow)
        except CaseworkError as exc:
            field = exc.field or ""
            target = _REGISTRATION_COLUMNS.get(field)
            if target is None and field.startswith("value."):
                target = f"field:{field[6:]}" if self.lay.has(f"field:{field[6:]}") else "data"
            column = self._column(target or "title")
            raise RowError(plan.row, column, exc.reason) from None

    def _ref(self, row: int, seq: int) -> str:
        return f"import:{self.sha}:{row}:{seq}"

    def _with_documents(self, plan: RowPlan) -> list[PlannedStep]:
        """The row's steps with its case-file documents (卷宗材料): each recorded just before
        the first step that needs it (a petition's notice before the decision it tells, as
        信访工作条例 art. 23 asks), the others before the step that closes the file (or after
        the last step)."""
        steps = list(plan.steps)
        if not plan.documents:
            return steps
        closing = next(
            (i for i, step in enumerate(steps) if self._closes(step.trigger)), len(steps)
        )
        placed: dict[int, list[str]] = {}
        for kind in plan.documents:
            first = next(
                (i for i, step in enumerate(steps[:closing]) if self._needs(step.trigger, kind)),
                closing,
            )
            placed.setdefault(first, []).append(kind)
        out: list[PlannedStep] = []
        for i in range(len(steps) + 1):
            if i in placed:
                at = steps[i].at if i < len(steps) else (steps[-1].at if steps else plan.at)
                out.extend(self._document_step(kind, at) for kind in placed[i])
            if i < len(steps):
                out.append(steps[i])
        return out

    def _closes(self, trigger: str) -> bool:
        trig = self.wf.trigger(trigger)
        return trig is not None and trig.dest is not None and self.wf.state(trig.dest).terminal

    def _needs(self, trigger: str, kind: str) -> bool:
        """Whether the step asks for this kind of document (its ``needs`` or ``files``)."""
        trig = self.wf.trigger(trigger)
        if trig is None:
            return False
        return kind in trig.files or any(kind in group for group in trig.needs)

    def _document_step(self, kind: str, at: datetime) -> PlannedStep:
        column = self._column("documents")
        return PlannedStep(DOCUMENT, at, True, column, document=(kind, None, None))

    def _step(self, case: Case, step: PlannedStep, plan: RowPlan) -> Stepped:
        # A date without a time on the previous step's day keeps the steps in ledger order.
        at = after_previous(step.at, case.last_at) if step.date_only else step.at
        ref = self._ref(plan.row, case.version + 1)
        try:
            if step.trigger == DOCUMENT:
                return self._document(case, step, at, ref)
            values = self._values(step)
            trig = self.wf.trigger_named(step.trigger)
            if trig is not None and trig.acts:
                return self._acting(case, step, trig, Step(case.case_no, step.trigger, values,
                                                           step.note, at, ref))  # fmt: skip
            actor = self._pick(case, step)
            note = self._note(step.note, actor)
            return advance(
                case, Step(case.case_no, step.trigger, values, note, at, ref), actor, self.uow
            )
        except RowError:
            raise
        except CaseworkError as exc:
            raise RowError(plan.row, _blame(step, exc), _in_row(exc, case, plan.row)) from None

    def _document(self, case: Case, step: PlannedStep, at: datetime, ref: str) -> Stepped:
        assert step.document is not None
        kind, name, digest = step.document
        actor = next(
            (
                a
                for a in (self._actor(w) for w in step.actors)
                if a is not None and a.role != "viewer"
            ),
            self.importer,
        )
        doc = DocumentStep(case.case_no, kind, name, digest, at, self._note(step.note, actor), ref)
        return record_document(case, doc, actor, self.uow)

    def _note(self, note: str | None, actor: Actor) -> str | None:
        if actor.username == self.importer.username:
            return note
        # The history names who acted; the note says who put it into casework.
        imported = f"imported by {self.importer.username}"
        return f"{note} ({imported})" if note else imported

    def _actor(self, who: str) -> Actor | None:
        username = self.uow.users.named(who)
        if username is None:
            return None
        try:
            return self.uow.users.actor(username)
        except (NotFound, NotAllowed):
            return None

    def _pick(self, case: Case, step: PlannedStep) -> Actor:
        """Who fired a step: the user the row names, if the importer may speak for others (a
        supervisor or admin) and that user may fire it on this office's case; else the
        importer, who then must be allowed to fire it."""
        trig = self.wf.trigger_named(step.trigger)
        named = [a for a in (self._actor(w) for w in step.actors) if a is not None]
        if trig is None:
            return self.importer  # refused as an unknown trigger by the step itself
        for actor in [*(named if self.delegates else []), self.importer]:
            if refusal(actor, trig, case.office) is None and (
                actor.city_wide or actor.office == case.office
            ):
                return actor
        if named and not self.delegates:
            raise NotAllowed(
                f"{trig.shown}由他人（{'、'.join(step.actors)}）进行的步骤只能由负责人 "
                "supervisor 或管理员 admin 导入 (steps taken by others)",
                field="user",
            )
        return self.importer  # the step refuses it with the importer's own reason

    def _acting(self, case: Case, step: PlannedStep, trig: TriggerSpec, taken: Step) -> Stepped:
        """A step the law gives to an office other than the case's (``acts``: the office an
        order is dispatched to, or the centre recording for it): fired by the first of the
        row's users, then the importer, that the step itself accepts."""
        named = [a for a in (self._actor(w) for w in step.actors) if a is not None]
        refused: NotAllowed | None = None
        for actor in [*(named if self.delegates else []), self.importer]:
            if refusal(actor, trig, case.office) is not None:
                continue
            try:
                noted = taken._replace(note=self._note(step.note, actor))
                return advance(case, noted, actor, self.uow)
            except NotAllowed as exc:
                if exc.field != "user":
                    raise
                refused = exc
        if named and not self.delegates:
            raise NotAllowed(
                f"{trig.shown}由他人（{'、'.join(step.actors)}）进行的步骤只能由负责人 "
                "supervisor 或管理员 admin 导入 (steps taken by others)",
                field="user",
            )
        if refused is not None:
            raise refused
        return advance(case, taken, self.importer, self.uow)  # refused with the importer's reason

    def _values(self, step: PlannedStep) -> dict[str, str]:
        """The step's values; a ledger names users as people know them (a name only one user
        has), casework keeps their username."""
        trig = self.wf.trigger_named(step.trigger)
        raw = dict(step.values)
        for spec in trig.fields if trig else ():
            named = raw.get(spec.name)
            if spec.kind != "user" or named is None or self.uow.users.role_of(named):
                continue
            if self.uow.users.shared_name(named):
                raise InvalidData(
                    f"{spec.shown} {named[:40]!r} 对应多名用户，请填写用户名 (give the username)",
                    field=f"value.{spec.name}",
                )
            raw[spec.name] = self.uow.users.named(named) or named
        return raw


def _blame(step: PlannedStep, exc: CaseworkError) -> str:
    """The column to blame for a refused step: the column of the value at fault, else the
    step's date column (who may take a step is the importer's, not a cell's, fault)."""
    field = exc.field or ""
    if field.startswith("value."):
        return step.headers.get(field[6:], step.column)
    return step.column


def _in_row(exc: CaseworkError, case: Case, row: int) -> str:
    """The refusal in a ledger's terms: the row's case has no number until it is written."""
    return exc.reason.replace(f"案件 {case.case_no}", f"第 {row} 行的案件")


def find_header(
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


def batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


@dataclass
class Run:
    """One import as it goes: the counts so far, the bad rows, the ledger numbers seen."""

    summary: ImportSummary
    bad: list[BadRow]
    seen: set[str]
    seen_file: bool
    rejects: Rejects | None = None
    found: list[tuple[BadRow, list[str]]] | None = None  # the bad rows of the current batch

    def refuse(self, bad: BadRow, cells: list[str]) -> None:
        assert self.found is not None
        self.found.append((bad, cells))

    def end_batch(self) -> None:
        """The batch's bad rows, in row order, noted and written to the rejects file."""
        assert self.found is not None
        self.found.sort(key=lambda f: f[0].row)
        for bad, cells in self.found:
            self.bad.append(bad)
            if self.rejects is not None:
                self.rejects.add(bad, cells)
        self.found = None


def _plans(reader: RowReader, batch: list[Row], run: Run) -> list[tuple[RowPlan, list[str]]]:
    plans = []
    for number, marked in batch:
        cells = unmarked(marked)  # as casework's own CSV files mark them (csv_cells)
        try:
            plan = reader.plan(number, cells)
            if plan.ref.startswith("ledger:"):
                key = f"{plan.office}\n{plan.ref}"  # numbers count per office and year
                if key in run.seen:
                    raise RowError(
                        number,
                        reader.lay.get((), "ref")[1],
                        f"台账编号 {plan.ref.split(':', 2)[2][:40]!r} 重复 (is repeated)",
                    )
                run.seen.add(key)
            plans.append((plan, cells))
        except RowError as exc:
            run.refuse(BadRow(exc.row, exc.column, exc.why), cells)
    return plans


def check_batch(
    uow: UnitOfWork, reader: RowReader, builder: RowBuilder, batch: list[Row], run: Run
) -> int:
    """Build the batch's new cases into the unit of work; returns how many. Bad rows are
    noted, rows imported before are counted."""
    plans = _plans(reader, batch, run)
    # Rows keyed by this file's own hash can exist only if the file was imported before.
    keys = [(p.office, p.ref) for p, _ in plans if run.seen_file or p.ref.startswith("ledger:")]
    known = uow.cases.known_refs(builder.wf.name, keys)
    fresh = [(p.office, p.ref) for p, _ in plans if (p.office, p.ref) not in known]
    uow.cases.assume_new(builder.wf.name, fresh)
    built = 0
    for plan, cells in plans:
        before = known.get((plan.office, plan.ref))
        if before is not None:
            title, day = before
            if title == plan.title.strip() and day == local_date(plan.at):
                run.summary["existing"] += 1
                continue
            why = (
                f"台账编号 {plan.ref.split(':', 2)[2][:40]!r} 已导入为另一案件（{title[:40]!r}，"
                f"登记于 {day}），请另行编号 (imported before as another case)"
            )
            run.refuse(BadRow(plan.row, reader.lay.get((), "ref")[1], why), cells)
            continue
        try:
            run.summary["events"] += builder.build(plan)
            built += 1
        except RowError as exc:
            run.refuse(BadRow(exc.row, exc.column, exc.why), cells)
    return built


def import_rows(
    uow: UnitOfWork,
    actor: Actor,
    wf: Workflow,
    ledger: Ledger,
    office: str | None,
    skip_bad: bool,
    progress: Progress | None = None,
    replace_rejects: bool = False,
) -> ImportSummary:
    """Import a ledger (CSV, TSV, XLSX, XLS, ODS) of one procedure's cases; returns the
    summary. The rejects file of ``skip_bad`` replaces one of an earlier import only if
    ``replace_rejects``."""
    _may_import(wf, actor)
    codes = uow.offices.aliases()
    if office is not None and office not in codes:
        raise InvalidData(f"未知单位 unknown office {office[:40]!r}", field="office")
    # A town office's clerk imports its own ledger without naming the office each row.
    # A procedure whose every case is one office's (the 12345 centre's) names it for the file.
    default_office = office or wf.ledger_office or (None if actor.city_wide else actor.office)
    with open_ledger(ledger.path, ledger.fmt) as (first, rows):
        header, lay = find_header(wf, first, rows, ledger.renames)
        kinds = _check_file(uow, wf, lay, ledger)
        run = Run(_summary(wf, ledger, lay), [], set(), wf.name in kinds)
        reader = RowReader(wf, lay, ledger.sha256, codes, default_office)
        builder = RowBuilder(uow, wf, actor, lay, ledger.sha256)
        rejects_at = ledger.rejects or rejects_path(ledger.path)
        rejects = Rejects(rejects_at, header, lay, replace_rejects) if skip_bad else None
        run.rejects = rejects
        try:
            _run(uow, reader, builder, rows, run, skip_bad, progress)
        except BaseException:
            if rejects is not None:
                rejects.finish(keep=False)
            raise
    return _finish(run, skip_bad, rejects, ledger)


def _run(
    uow: UnitOfWork,
    reader: RowReader,
    builder: RowBuilder,
    rows: Iterator[Row],
    run: Run,
    skip_bad: bool,
    progress: Progress | None,
) -> None:
    # The rows of a batch make almost no reference cycles; the collector at its usual pace
    # would walk the batch's many young objects again and again.
    with bulk_work():
        for batch in batches(rows):
            run.summary["rows"] += len(batch)
            run.found = []
            run.summary["imported"] += check_batch(uow, reader, builder, batch, run)
            run.end_batch()
            if skip_bad or not run.bad:
                uow.flush()
            else:
                uow.cases.discard()  # nothing will be written: keep memory flat
            if progress is not None:
                progress(run.summary["rows"])


def _may_import(wf: Workflow, actor: Actor) -> None:
    if wf.registered_by:
        raise NotAllowed(
            f"「{wf.label} {wf.name}」案件由「{wf.registered_by}」生成，不能导入", field="kind"
        )
    if not actor.roles & set(wf.register_roles):
        raise NotAllowed(
            f"导入「{wf.label} {wf.name}」案件{needs(wf.register_roles)}；{shown(actor)} 不可",
            field="user",
        )


def _check_file(uow: UnitOfWork, wf: Workflow, lay: Layout, ledger: Ledger) -> set[str]:
    if not wf.ledger and not lay.has("history"):
        raise InvalidData(
            f"「{wf.label} {wf.name}」台账只能从 casework 自己的导出文件导入，其「办理经过」列"
            "记载各步骤；本文件没有该列",
            field="file",
        )
    kinds = uow.cases.imported_kinds(ledger.sha256)
    other = sorted(kinds - {wf.name})
    if other:
        raise InvalidData(
            f"{ledger.name} 之前已作为 {other[0]} 案件导入，请按 {other[0]} 导入",
            field="kind",
            value=other[0],
        )
    return kinds


def _summary(wf: Workflow, ledger: Ledger, lay: Layout) -> ImportSummary:
    return ImportSummary(
        file=ledger.name,
        sha256=ledger.sha256,
        kind=wf.name,
        rows=0,
        imported=0,
        existing=0,
        bad=0,
        events=0,
        rejects=None,
        unused_columns=list(lay.unused),
        bad_rows=[],
    )


def _finish(run: Run, skip_bad: bool, rejects: Rejects | None, ledger: Ledger) -> ImportSummary:
    summary = run.summary
    summary["bad"] = len(run.bad)
    bad = run.bad
    if bad and not skip_bad:
        summary["imported"] = summary["events"] = 0
        raise LedgerRejected(
            f"{ledger.name}：{summary['rows']} 行中有 {len(bad)} 行有误，未导入任何内容"
            "（请改正，或只导入无误的行）",
            bad,
            summary,
        )
    if rejects is not None:
        rejects.finish(keep=bool(bad))
        summary["rejects"] = rejects.path if bad else None
    summary["bad_rows"] = [b.as_json() for b in bad]
    return summary
