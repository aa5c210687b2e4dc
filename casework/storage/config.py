"""Dated settings ([cfg]) as stored: every value a setting was given, each from a day.

A setting's value on a day is its latest entry in force by then (the last one set, when two
take effect the same day), else its shipped default. The table is small (tens of rows), so a
unit of work or a read reads it once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.errors import NotFound
from casework.storage.adminlog import Act, AdminLog, iso
from casework.storage.tables import config_values
from workflows import Registry
from workflows.settings import (
    ACCOUNT_SETTINGS,
    DOCUMENT_SETTINGS,
    LEDGER_SETTINGS,
    OFFICE_PARENT,
    ORGAN_PARENT,
    SettingSpec,
    SettingValue,
    parent_spec,
)

# A value set "from the beginning" (an office's parent when it was added).
EPOCH = date(1990, 1, 1)


@dataclass(frozen=True)
class Entry:
    """One stored value of a setting."""

    key: str
    effective_from: date
    value: str
    set_by: str
    set_at: datetime
    note: str | None


def specs(registry: Registry) -> dict[str, SettingSpec]:
    """Every setting the procedures declare, by key."""
    out: dict[str, SettingSpec] = {
        spec.key: spec
        for spec in (
            *LEDGER_SETTINGS,
            *ACCOUNT_SETTINGS,
            *DOCUMENT_SETTINGS,
        )
    }
    for wf in registry:
        for spec in wf.settings:
            out.setdefault(spec.key, spec)
    return out


def spec_for(registry: Registry, key: str) -> SettingSpec:
    """The declared setting of a key (an office's or organ's parent included), or NotFound."""
    if key.startswith((OFFICE_PARENT, ORGAN_PARENT)) and len(key) > len(OFFICE_PARENT):
        return parent_spec(key)
    found = specs(registry).get(key)
    if found is None:
        known = "、".join(sorted(specs(registry)))
        raise NotFound(
            f"未知设置 unknown setting {key[:80]!r}（可用：{known}，以及 office.parent.<单位代码>、"
            "organ.parent.<机关名称>）",
            field="key",
            value=key[:80],
        )
    return found


def read_entries(conn: Connection) -> list[Entry]:
    rows = conn.execute(
        select(config_values).order_by(
            config_values.c.key, config_values.c.effective_from, config_values.c.id
        )
    )
    return [Entry(r.key, r.effective_from, r.value, r.set_by, r.set_at, r.note) for r in rows]


class Config:
    """The dated settings as one unit of work or one read sees them."""

    def __init__(self, conn: Connection, registry: Registry, log: AdminLog | None = None) -> None:
        self._conn = conn
        self._registry = registry
        self._log = log  # a unit of work's: a read has none and writes nothing
        self._entries: dict[str, list[Entry]] | None = None
        # Each key's spec once: building the table of specs cost more than the lookup itself.
        self._specs: dict[str, SettingSpec] = {}

    def _all(self) -> dict[str, list[Entry]]:
        if self._entries is None:
            self._entries = {}
            for e in read_entries(self._conn):
                self._entries.setdefault(e.key, []).append(e)
        return self._entries

    def history(self, key: str) -> list[Entry]:
        """The entries of a key, oldest first."""
        return list(self._all().get(key, []))

    def stored_keys(self) -> Iterable[str]:
        return self._all().keys()

    def stored(self, key: str, day: date) -> Entry | None:
        """The entry in force on a day, if any was set."""
        found = None
        for e in self._all().get(key, []):
            if e.effective_from <= day:
                found = e
        return found

    def value(self, key: str, day: date) -> SettingValue:
        """A declared setting's value on a day: the entry in force, else its default."""
        spec = self._specs.get(key)
        if spec is None:
            spec = self._specs[key] = spec_for(self._registry, key)
        entry = self.stored(key, day)
        return spec.default if entry is None else spec.load(entry.value)

    def add(self, entry: Entry) -> None:
        """Store a new value (earlier ones stay, for the history); the admin log records the
        value it takes over from on its day, if any, as the old value."""
        if self._log is None:
            raise RuntimeError("dated settings are written by a unit of work, with its admin log")
        start = entry.effective_from.isoformat()
        was = self.stored(entry.key, entry.effective_from)
        before = None
        if was is not None:
            before = {"effective_from": iso(was.effective_from), "value": was.value}
        after = {"effective_from": start, "value": entry.value, "note": entry.note}
        self._log.record((entry.set_by, entry.set_at), Act("config.set", entry.key, before, after))
        self._conn.execute(
            config_values.insert().values(
                key=entry.key,
                effective_from=entry.effective_from,
                value=entry.value,
                set_by=entry.set_by,
                set_at=entry.set_at,
                note=entry.note,
            )
        )
        self._entries = None
