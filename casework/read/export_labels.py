"""What a spreadsheet export shows for a case's codes and values: the Chinese labels of kinds,
states, party roles and choices, and each registration value as a cell a spreadsheet sorts and
filters (a date as a date, an amount as a number). ``casework import`` reads every label back
to its code (casework.ledger.rows), so a labelled export re-imports as a coded one did."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from workflows import Registry
from workflows.spec import PARTY_ROLES, FieldSpec, Workflow

# A cell as an export's writers take it: each writer turns dates, times and numbers into its
# own form (text in CSV and JSON, typed cells in XLSX); objects and lists only in JSON.
Cell = str | int | float | Decimal | date | datetime | Mapping[str, object] | list[object] | None


@dataclass(frozen=True, slots=True)
class FieldColumn:
    """One registration value's column: its Chinese header, and the field of each exported
    procedure that has a field of that label."""

    label: str
    specs: Mapping[str, FieldSpec]  # kind -> field


class Labels:
    """The Chinese labels of a registry's procedures, states and party roles."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._kinds: dict[str, Workflow] = {wf.name: wf for wf in registry}
        self._states = {
            (wf.name, s.name): s.label for wf in self._kinds.values() for s in wf.states
        }

    def kind(self, kind: str) -> str:
        """信访事项 for ``petition``; an unknown code as it is."""
        wf = self._kinds.get(kind)
        return wf.label if wf is not None else kind

    def state(self, kind: str, state: str) -> str:
        """已归档 for a mediation's ``archived``; an unknown code as it is."""
        return self._states.get((kind, state), state)

    def role(self, role: str) -> str:
        """申请人 for ``applicant``."""
        return PARTY_ROLES.get(role, role)

    def fields_of(self, kind: str) -> Sequence[FieldSpec]:
        """A procedure's registration values (none for an unknown one)."""
        wf = self._kinds.get(kind)
        return wf.register_fields if wf is not None else ()

    def field_columns(self, kinds: Iterable[str]) -> list[FieldColumn]:
        """The registration values of the given procedures, one column per Chinese label: in
        the registry's order of procedures, each one's fields in declared order."""
        wanted = set(kinds)
        by_label: dict[str, dict[str, FieldSpec]] = {}
        for wf in self._kinds.values():
            if wf.name not in wanted:
                continue
            for spec in wf.register_fields:
                # A procedure's own field of a label wins over a later one of the same label.
                by_label.setdefault(spec.label, {}).setdefault(wf.name, spec)
        return [FieldColumn(label, specs) for label, specs in by_label.items()]


def stored(spec: FieldSpec, data: Mapping[str, object]) -> object:
    """A field's value in a case's data, under its name or a former one."""
    for name in (spec.name, *spec.former):
        value = data.get(name)
        if value is not None:
            return value
    return None


def value_cell(spec: FieldSpec, value: object) -> Cell:
    """A registration value as a spreadsheet cell: a choice by its Chinese label, a number as
    a number, a date as a date; what does not fit its kind is shown as stored."""
    if value is None or value == "":
        return None
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)  # several users, typed as ``a,b``
    if spec.kind == "choice":
        return spec.choices.get(str(value), str(value))
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if spec.kind == "int" and text.lstrip("-").isdigit():
        return int(text)
    if spec.kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text


def field_cells(
    columns: Sequence[FieldColumn], kind: str, data: Mapping[str, object]
) -> list[Cell]:
    """A case's cells under the field columns (empty where its procedure has no such field)."""
    out: list[Cell] = []
    for column in columns:
        spec = column.specs.get(kind)
        out.append(None if spec is None else value_cell(spec, stored(spec, data)))
    return out
