"""The dated settings as ``config show`` lists them: each setting's value on a day, its shipped
default, where it comes from, and every value it was ever given."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from sqlalchemy.engine import Connection

from casework.storage.config import Config, Entry, spec_for, specs
from casework.time.local import local_iso
from workflows import Registry
from workflows.settings import OFFICE_PARENT, ORGAN_PARENT, SettingSpec, dump_value


class EntryJSON(TypedDict):
    value: str
    effective_from: str
    set_by: str
    set_at: str
    note: str | None


class SettingJSON(TypedDict):
    key: str
    label: str
    kind: str
    value: str
    default: str
    choices: dict[str, str]
    note: str
    history: list[EntryJSON]


def _entry(e: Entry) -> EntryJSON:
    return EntryJSON(
        value=e.value,
        effective_from=e.effective_from.isoformat(),
        set_by=e.set_by,
        set_at=local_iso(e.set_at),
        note=e.note,
    )


def _shown(config: Config, spec: SettingSpec, day: date) -> SettingJSON:
    return SettingJSON(
        key=spec.key,
        label=spec.label,
        kind=spec.kind,
        value=dump_value(config.value(spec.key, day)),
        default=dump_value(spec.default),
        choices=dict(spec.choices),
        note=spec.note,
        history=[_entry(e) for e in config.history(spec.key)],
    )


def show(
    conn: Connection, registry: Registry, day: date, key: str | None = None
) -> list[SettingJSON]:
    """Every setting (or one), with its value on ``day``; offices' and organs' parents that
    were ever set are listed after the procedures' settings."""
    config = Config(conn, registry)
    if key is not None:
        return [_shown(config, spec_for(registry, key), day)]
    out = [_shown(config, spec, day) for spec in specs(registry).values()]
    parents = sorted(k for k in config.stored_keys() if k.startswith((OFFICE_PARENT, ORGAN_PARENT)))
    out += [_shown(config, spec_for(registry, k), day) for k in parents]
    return out
