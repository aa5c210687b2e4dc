"""Dated settings ([cfg]) as admins change them: each new value is kept from a day on, the
earlier ones stay in the history, and a step reads the value in force on its own day."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from casework.domain.model import Actor
from casework.domain.policy import check_admin
from casework.domain.text import optional_text
from casework.errors import InvalidData
from casework.storage.config import EPOCH, Entry, spec_for
from casework.storage.uow import UnitOfWork
from workflows.settings import LEVELS, OFFICE_PARENT, dump_value, is_external


class ConfigSet(TypedDict):
    key: str
    value: str
    effective_from: str
    set_by: str


def set_value(
    uow: UnitOfWork,
    actor: Actor,
    key: str,
    raw: str,
    since: date,
    note: str | None = None,
) -> ConfigSet:
    """Give a setting a value from a day (admin only); checked against what it accepts."""
    check_admin(actor, "更改设置")
    spec = spec_for(uow.machines.registry, key)
    value = spec.coerce(raw)
    if key.startswith(OFFICE_PARENT):
        _check_parent(uow, key[len(OFFICE_PARENT) :], str(value))
    text = dump_value(value)
    entry = Entry(key, since, text, actor.username, uow.now(), optional_text(note, "note"))
    uow.config.add(entry)
    return ConfigSet(key=key, value=text, effective_from=since.isoformat(), set_by=actor.username)


def _check_parent(uow: UnitOfWork, office: str, parent: str) -> None:
    if not uow.offices.exists(office):
        raise InvalidData(f"未知单位 unknown office {office[:40]!r}", field="key", value=office)
    if is_external(parent):
        return
    if parent == office or not uow.offices.exists(parent):
        raise InvalidData(
            f"上级机关 {parent[:40]!r} 应为另一个已有单位的代码，或 ext:机关名称",
            field="parent",
            value=parent[:40],
        )
    # A parent is one level up or more: a review goes to the upper organ (G arts. 35-36), so
    # a town cannot be a city office's parent, nor a town another town's.
    below, above = (
        LEVELS.get(uow.offices.level(office) or "", 0),
        LEVELS.get(uow.offices.level(parent) or "", 0),
    )
    if above <= below:
        raise InvalidData(
            f"上级机关 {parent[:40]!r} 的层级不高于单位 {office[:40]!r}，"
            "上级机关须为更高一级的单位或 ext:机关名称 (a parent is of a higher level)",
            field="parent",
            value=parent[:40],
        )


def set_parent(uow: UnitOfWork, actor: Actor, office: str, parent: str) -> None:
    """An office's parent from the beginning (when the office is added)."""
    set_value(uow, actor, OFFICE_PARENT + office, parent, EPOCH, "新增单位时设定")
