"""One ledger row read into a plan: the registration and the steps the row shows, in order.

Only the row's own text is checked here; the procedure's rules are checked when the plan is
built into a case (casework.services.imports).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from casework.domain.parties import PartyInput
from casework.domain.replay import DOCUMENT
from casework.errors import CaseworkError, InvalidData
from casework.ledger.columns import Layout
from casework.time.local import CST, local_date, local_iso, parse_when
from casework.typed import FIRST_DAY, LAST_DAY, day_in_range, out_of_range, typed
from workflows.spec import PARTY_ROLES, FieldSpec, LedgerStep, Workflow


class RowError(CaseworkError):
    """A bad ledger row: its number, the column to blame and why."""

    def __init__(self, row: int, column: str, why: str) -> None:
        super().__init__(f"row {row}, {column}: {why}")
        self.row, self.column, self.why = row, column, why


@dataclass(frozen=True)
class PlannedStep:
    """A trigger (or a document, ``trigger == "document"``) the row shows, with its time."""

    trigger: str
    at: datetime
    date_only: bool
    column: str  # the header blamed if the step is refused
    values: Mapping[str, str] = field(default_factory=dict)
    actors: tuple[str, ...] = ()  # usernames or names to try first, before the importer
    note: str | None = None
    document: tuple[str, str | None, str | None] | None = None  # kind, file name, SHA-256
    headers: Mapping[str, str] = field(default_factory=dict)  # value name -> its column


@dataclass(frozen=True)
class RowPlan:
    """A ledger row as a registration and its steps."""

    row: int
    ref: str
    office: str
    title: str
    parties: tuple[PartyInput, ...]
    values: Mapping[str, str]
    at: datetime
    date_only: bool
    note: str | None
    steps: tuple[PlannedStep, ...]
    documents: tuple[str, ...]  # document kinds the case file holds (卷宗材料)
    expect_state: str | None
    handler: str | None


# Of ASCII digits: a cell is read through casework.typed first (full-width digits folded).
_DATE = re.compile(
    r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?"
    r"(?:[ T]+([0-9]{1,2})[:：]([0-9]{2})(?:[:：]([0-9]{2}))?)?"
)
_SPLIT = re.compile(r"[；;、,，\n]")


def parse_cell_time(text: str, what: str) -> tuple[datetime, bool]:
    """A ledger date or date-time (2020-09-01, 2020/9/1, 2020年9月1日, ISO with an offset), as
    an instant, and whether only a date was given."""
    raw = typed(text).strip()
    m = _DATE.fullmatch(raw)
    if m:
        y, mo, d, hh, mm, ss = m.groups()
        if not FIRST_DAY.year <= int(y) <= LAST_DAY.year:
            raise out_of_range("日期 date", text, what)
        try:
            day = date(int(y), int(mo), int(d))
            clock = time(int(hh), int(mm), int(ss or 0)) if hh else time(0, 0)
        except ValueError:
            raise InvalidData(f"{text[:40]!r} 不是真实的日期 (not a real date)") from None
        day_in_range(day, "日期 date", what)
        return datetime.combine(day, clock, tzinfo=CST), hh is None
    try:
        return parse_when(raw, what), False
    except InvalidData as refused:
        if "out of range" in refused.reason:
            raise
        raise InvalidData(
            f"{text[:40]!r} 不是日期（如 2020-09-01 或 2020年9月1日）(not a date)"
        ) from None


def choice_code(spec: FieldSpec | None, text: str) -> str:
    """A choice given by its code or its Chinese label, as its code."""
    if spec is None or spec.kind != "choice" or text in spec.choices:
        return text
    for code, label in spec.choices.items():
        if label == text:
            return code
    if text in spec.aliases:
        return spec.aliases[text]
    return text  # left for the value check to refuse with the accepted codes


class RowReader:
    """Reads rows of one file for one procedure into plans."""

    def __init__(
        self,
        wf: Workflow,
        lay: Layout,
        sha256: str,
        offices: Mapping[str, str],
        default_office: str | None,
    ) -> None:
        self.wf = wf
        self.lay = lay
        self.sha256 = sha256
        self.offices = offices  # code or name -> code
        self.default_office = default_office
        self.state_names = {s.name: s.name for s in wf.states} | {
            s.label: s.name for s in wf.states
        }
        self.selectors: dict[str, set[str]] = {}
        for step in wf.ledger:
            if step.when and lay.has(f"col:{step.when[0]}"):
                self.selectors.setdefault(step.when[0], set()).update(step.when[1])
        self.present = frozenset(lay.columns)
        self.value_columns = bool(
            self.present & ({"data"} | {f"field:{f.name}" for f in wf.register_fields})
        )
        # The registration's fields the file has a column for (an absent one gives no value).
        self.field_columns = [
            (f, f"field:{f.name}") for f in wf.register_fields if lay.has(f"field:{f.name}")
        ]
        self.party_labels = {label: role for role, label in PARTY_ROLES.items()}
        self.first_role = wf.party_roles[0]
        self.other_role = "respondent" if "respondent" in wf.party_roles else wf.party_roles[0]
        # Date columns read only through an outcome column, such as 结案日期 through 调解结果.
        plain = {step.date for step in wf.ledger if step.when is None}
        self.outcome_dates = sorted(
            {
                (step.date, step.when[0])
                for step in wf.ledger
                if step.when is not None and step.date not in plain and lay.has(f"col:{step.date}")
            }
        )
        # Outcomes whose date columns the file lacks: a row choosing one is refused, not dropped.
        self.dateless = {
            (step.when[0], entry): step.date
            for step in wf.ledger
            if step.when is not None
            and lay.has(f"col:{step.when[0]}")
            and not any(lay.has(f"col:{h}") for h in step.date_headers)
            for entry in step.when[1]
            if entry
        }
        # Only the steps the file has a date column for can happen in its rows.
        self.steps = [
            (order, step)
            for order, step in enumerate(wf.ledger)
            if any(lay.has(f"col:{h}") for h in step.date_headers)
        ]

    def plan(self, row: int, cells: Sequence[str]) -> RowPlan:
        """The plan of one row, or a RowError naming the first problem found."""
        get = self.lay.get
        wf = self.wf
        has = self.present.__contains__  # optional columns a file lacks cost nothing per row

        if has("kind"):
            kind, col = get(cells, "kind")
            if kind and kind not in (wf.name, wf.label):
                raise RowError(row, col, f"本行是 {kind[:30]!r} 案件，不是「{wf.label} {wf.name}」")
        office = self._office(row, cells)
        title, _ = get(cells, "title")
        if not title:
            raise RowError(row, self._col("title"), "为空；每件案件都要有标题 (empty)")
        when_text, col = get(cells, "registered_at")
        if not when_text:
            raise RowError(row, self._col("registered_at"), "为空；请填写登记时间 (empty)")
        at, date_only = self._time(row, col, when_text)
        ref_text, col = get(cells, "ref") if has("ref") else ("", "")
        if len(ref_text) > 180:
            raise RowError(row, col, "超过 180 个字符 (longer than 180)")
        # Offices number their ledgers afresh each year: a number names a case within its year.
        year = at.astimezone(CST).year
        ref = f"ledger:{year}:{ref_text}" if ref_text else f"import:{self.sha256}:{row}"
        note = (get(cells, "note")[0] or None) if has("note") else None
        handler = (get(cells, "handler")[0] or None) if has("handler") else None
        expect = None
        if has("state"):
            state_text, col = get(cells, "state")
            if state_text:
                expect = self.state_names.get(state_text)
                if expect is None:
                    raise RowError(
                        row, col, f"{state_text[:30]!r} 不是「{wf.label} {wf.name}」的状态"
                    )
        history, col = get(cells, "history") if has("history") else ("", "")
        if history:
            steps = self._history(row, col, history)
        elif self.steps or self.selectors:
            steps = self._ledger_steps(row, cells, handler, at)
        else:
            steps = ()
        return RowPlan(
            row=row,
            ref=ref,
            office=office,
            title=title,
            parties=self._parties(row, cells) if has("parties") else (),
            values=self._values(row, cells) if self.value_columns else {},
            at=at,
            date_only=date_only,
            note=note,
            steps=steps,
            documents=self._documents(row, cells) if has("documents") else (),
            expect_state=expect,
            handler=handler,
        )

    # -- pieces ------------------------------------------------------------------------------

    def _col(self, target: str) -> str:
        return self.lay.get((), target)[1]

    def _time(self, row: int, col: str, text: str) -> tuple[datetime, bool]:
        try:
            return parse_cell_time(text, col)
        except InvalidData as exc:
            raise RowError(row, col, str(exc)) from None

    def _office(self, row: int, cells: Sequence[str]) -> str:
        text, col = self.lay.get(cells, "office")
        if not text:
            if self.default_office is None:
                raise RowError(row, col, "为空；请在本行填写单位，或为整个文件指定单位 (office)")
            return self.default_office
        code = self.offices.get(text)
        if code is None:
            raise RowError(row, col, f"未知单位 unknown office {text[:40]!r}")
        return code

    def _parties(self, row: int, cells: Sequence[str]) -> tuple[PartyInput, ...]:
        text, _ = self.lay.get(cells, "parties")
        if not text:
            return ()
        out: list[tuple[str, str]] = []
        for entry in _SPLIT.split(text):
            entry = entry.strip()
            if not entry:
                continue
            if ":" in entry or "：" in entry:
                role_text, _, name = entry.replace("：", ":").partition(":")
                role_text = role_text.strip()
                role = self.party_labels.get(role_text, role_text)
            else:
                # A plain list of names: the first is the one who came, the others the other side.
                role, name = (self.other_role if out else self.first_role), entry
            out.append((role, name.strip()))
        ids = self._aligned(row, cells, "id_numbers", len(out))
        phones = self._aligned(row, cells, "phones", len(out))
        return tuple(
            PartyInput(role, name, ids[i], phones[i]) for i, (role, name) in enumerate(out)
        )

    def _aligned(self, row: int, cells: Sequence[str], target: str, n: int) -> list[str | None]:
        text, col = self.lay.get(cells, target)
        if not text:
            return [None] * n
        parts = [p.strip() for p in _SPLIT.split(text)]
        if len(parts) > n:
            raise RowError(row, col, f"有 {len(parts)} 项，但当事人只有 {n} 人")
        # A masked number (from an export without --reveal) is unknown, not wrong.
        out = [p if p and "*" not in p else None for p in parts]
        return out + [None] * (n - len(out))

    def _values(self, row: int, cells: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        has_data = "data" in self.present
        data_text, data_col = self.lay.get(cells, "data") if has_data else ("", "")
        if data_text:
            try:
                data = json.loads(data_text)
            except ValueError:
                raise RowError(row, data_col, "不是 JSON 对象 (not a JSON object)") from None
            if not isinstance(data, dict):
                raise RowError(row, data_col, "不是 JSON 对象 (not a JSON object)")
            for spec in self.wf.register_fields:
                # an export made before a field was renamed holds it under its former name
                names = (spec.name, *spec.former)
                given = next((n for n in names if data.get(n) is not None), None)
                if given is not None:
                    out[spec.name] = str(data[given])
        for spec, target in self.field_columns:
            text, _ = self.lay.get(cells, target)
            if text:
                out[spec.name] = self._coded(spec, text)
        return out

    def _documents(self, row: int, cells: Sequence[str]) -> tuple[str, ...]:
        text, col = self.lay.get(cells, "documents")
        if not text:
            return ()
        by_label = {label: kind for kind, label in self.wf.documents.items()}
        out = []
        for entry in (p.strip() for p in _SPLIT.split(text)):
            if not entry:
                continue
            kind = entry if entry in self.wf.documents else by_label.get(entry)
            if kind is None:
                raise RowError(
                    row, col, f"{entry[:30]!r} is not a document of a {self.wf.name} case file"
                )
            out.append(kind)
        return tuple(dict.fromkeys(out))

    def _ledger_steps(
        self, row: int, cells: Sequence[str], handler: str | None, registered: datetime
    ) -> tuple[PlannedStep, ...]:
        get = self.lay.get
        for header, accepted in self.selectors.items():
            text, col = get(cells, f"col:{header}")
            if text and text not in accepted:
                choices = "、".join(a for a in sorted(accepted) if a and not a.isascii())
                raise RowError(row, col, f"{text[:30]!r} 不是 {choices} 之一")
            missing = self.dateless.get((header, text))
            if missing:
                raise RowError(
                    row, col, f"为 {text!r}，但文件没有「{missing}」列 (no {missing} column)"
                )
        found: list[tuple[datetime, int, PlannedStep]] = []
        taken: set[str] = set()  # the outcome dates a step was found for
        for order, step in self.steps:
            if not self._applies(cells, step):
                continue
            date_text, date_col = self._step_date(cells, step)
            if step.when is not None:
                chosen, sel_col = get(cells, f"col:{step.when[0]}")
                if chosen not in step.when[1]:
                    continue
                if not date_text:
                    if not chosen:  # selected by an empty cell: no date, no step
                        continue
                    raise RowError(row, date_col, f"为空，但「{sel_col}」为 {chosen!r}")
                taken.add(step.date)
            elif not date_text:
                continue
            at, date_only = self._time(row, date_col, date_text)
            self._not_before(row, date_col, (at, date_only), registered)
            found.append(
                (at, order, self._planned(cells, step, (at, date_only), date_col, handler))
            )
        self._outcomes(row, cells, taken)
        found.sort(key=lambda f: (f[0], f[1]))
        return tuple(s for _, _, s in found)

    def _applies(self, cells: Sequence[str], step: LedgerStep) -> bool:
        """Whether the columns the step needs filled are, and those it needs empty are."""
        get = self.lay.get
        return all(get(cells, f"col:{h}")[0] for h in step.filled) and not any(
            get(cells, f"col:{h}")[0] for h in step.empty
        )

    def _step_date(self, cells: Sequence[str], step: LedgerStep) -> tuple[str, str]:
        """The step's date: its own column's, else the first filled of ``or_dates``."""
        own = self.lay.get(cells, f"col:{step.date}")
        if own[0]:
            return own
        for header in step.or_dates:
            text, col = self.lay.get(cells, f"col:{header}")
            if text:
                return text, col
        return own

    def _not_before(
        self, row: int, col: str, when: tuple[datetime, bool], registered: datetime
    ) -> None:
        """A step is not dated before the registration (a date alone: not before its day)."""
        at, date_only = when
        early = local_date(at) < local_date(registered) if date_only else at < registered
        if early:
            reg, shown = self._col("registered_at"), local_iso(registered)[:16].replace("T", " ")
            raise RowError(row, col, f"早于「{reg}」{shown} (before the registration)")

    def _planned(
        self,
        cells: Sequence[str],
        step: LedgerStep,
        when: tuple[datetime, bool],
        date_col: str,
        handler: str | None,
    ) -> PlannedStep:
        get = self.lay.get
        trig = self.wf.trigger(step.trigger)
        values = dict(step.fixed)
        for name, header in step.values.items():
            text, _ = get(cells, f"col:{header}")
            if text:
                values[name] = self._coded(trig.field(name) if trig else None, text)
        named = (get(cells, f"col:{step.actor}")[0] if step.actor else "", handler)
        actors = tuple(dict.fromkeys(a for a in named if a))
        headers = {name: get((), f"col:{header}")[1] for name, header in step.values.items()}
        if step.actor:
            headers["actor"] = get((), f"col:{step.actor}")[1]
        return PlannedStep(step.trigger, *when, date_col, values, actors, headers=headers)

    def _coded(self, spec: FieldSpec | None, text: str) -> str:
        """A value as casework keeps it: a choice's code, an office's code (by its name too)."""
        if spec is not None and spec.kind == "office":
            return self.offices.get(text, text)
        return choice_code(spec, text)

    def _outcomes(self, row: int, cells: Sequence[str], taken: set[str]) -> None:
        """A date that only some outcome gives meaning to (结案日期 by 调解结果) needs one that
        fits the row."""
        get = self.lay.get
        for date_header, selector in self.outcome_dates:
            date_text, date_col = get(cells, f"col:{date_header}")
            if not date_text or date_header in taken:
                continue
            chosen, sel_col = get(cells, f"col:{selector}")
            if not chosen:
                raise RowError(row, sel_col, f"为空，但「{date_col}」为 {date_text!r}")
            raise RowError(
                row,
                sel_col,
                f"为 {chosen!r}，不适用于本行的「{date_col}」(fits no step of this row)",
            )

    def _history(self, row: int, col: str, text: str) -> tuple[PlannedStep, ...]:
        try:
            entries = json.loads(text)
        except ValueError:
            raise RowError(row, col, "不是步骤的 JSON 列表 (not a JSON list of steps)") from None
        if not isinstance(entries, list):
            raise RowError(row, col, "不是步骤的 JSON 列表 (not a JSON list of steps)")
        out = []
        for n, entry in enumerate(entries, start=1):
            out.append(self._history_step(row, f"{col} step {n}", entry))
        return tuple(out)

    def _history_step(self, row: int, col: str, entry: Any) -> PlannedStep:
        if not isinstance(entry, dict) or not isinstance(entry.get("trigger"), str):
            raise RowError(row, col, '每一步须是含 "trigger" 和 "at" 的对象')
        trigger = entry["trigger"]
        at_text = entry.get("at")
        if not isinstance(at_text, str):
            raise RowError(row, col, f"'{trigger[:30]}' 没有时间 (\"at\")")
        at, date_only = self._time(row, col, at_text)
        by = entry.get("by")
        actors = (by,) if isinstance(by, str) and by else ()
        note = entry.get("note") if isinstance(entry.get("note"), str) else None
        if trigger == DOCUMENT:
            kind = entry.get("kind")
            if not isinstance(kind, str):
                raise RowError(row, col, '归入卷宗的步骤须写明 "kind"')
            name, digest = entry.get("file_name"), entry.get("sha256")
            doc = (
                kind,
                name if isinstance(name, str) else None,
                digest if isinstance(digest, str) else None,
            )
            return PlannedStep(DOCUMENT, at, date_only, col, {}, actors, note, doc)
        raw = entry.get("values") or {}
        if not isinstance(raw, dict):
            raise RowError(row, col, '"values" 须是对象 (an object)')
        trig = self.wf.trigger(trigger)
        names = {f.name for f in trig.fields} if trig else set(raw)
        values = {k: str(v) for k, v in raw.items() if k in names and v is not None}
        return PlannedStep(trigger, at, date_only, col, values, actors, note)
