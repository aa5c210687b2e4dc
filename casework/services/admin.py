"""Offices, users and first-time set-up (admins only, but for the set-up itself)."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from importlib import resources
from typing import NotRequired, TypedDict

from casework.domain.model import Actor
from casework.domain.policy import check_admin
from casework.domain.text import clean_text
from casework.errors import InvalidData, NotFound
from casework.services import config
from casework.storage import open_limits
from casework.storage.uow import UnitOfWork
from workflows.attributes import checked_attributes, merged
from workflows.policy import ROLES, USER_ATTRIBUTES
from workflows.settings import default_parent, parent_value

LEVELS = {"town": "镇街", "city": "市级"}
_OFFICE_CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
OFFICE_SETS = ("gaozhou",)
# Who set-up's own writes are by, in the admin log and the tables' set_by.
INIT = "init"


class OfficeResult(TypedDict):
    code: str
    name: str
    level: str
    kind: str | None
    level_label: str
    parent: NotRequired[str]


class UserResult(TypedDict):
    username: str
    name: str
    role: str
    role_label: str
    office: str | None
    attributes: dict[str, str]


class InitResult(TypedDict):
    offices_added: list[str]
    admin_created: str | None
    example_scale_loaded: bool
    revision: NotRequired[str | None]


def shipped_offices(name: str) -> list[dict[str, str]]:
    """The offices of a shipped list (``gaozhou``: 28 towns and subdistricts, 4 city bodies)."""
    if name not in OFFICE_SETS:
        raise InvalidData(
            f"未知单位清单 unknown office list {name[:40]!r}；已有：{'、'.join(OFFICE_SETS)}",
            field="offices",
            value=name[:40],
        )
    text = resources.files("casework.data").joinpath(f"{name}-offices.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def office_values(code: str, name: str, level: str, kind: str | None) -> OfficeResult:
    """A checked office: a stable ASCII code (used in case numbers), a name and a level."""
    if not _OFFICE_CODE.fullmatch(code):
        raise InvalidData(
            f"单位代码 office code {code[:40]!r} 应为 2-40 个小写字母、数字或 '-'，以字母开头",
            field="code",
            value=code[:40],
        )
    if level not in LEVELS:
        raise InvalidData(
            f"单位级别 level {level[:20]!r} 应为 镇街 town 或 市级 city",
            field="level",
            value=level[:20],
        )
    return OfficeResult(
        code=code,
        name=clean_text(name, "name", max_length=200),
        level=level,
        kind=clean_text(kind, "kind", max_length=20) if kind else None,
        level_label=LEVELS[level],
    )


def add_office(
    uow: UnitOfWork, actor: Actor, values: OfficeResult, parent: str | None = None
) -> OfficeResult:
    """Add an office with its parent (petition.md: a town office's is the justice bureau, a
    city office's an organ outside casework, unless another is given)."""
    check_admin(actor, "新增单位")
    if uow.offices.exists(values["code"]):
        raise InvalidData(f"单位 office {values['code']!r} 已存在 (exists already)", field="code")
    row: dict[str, str | None] = {
        "code": values["code"],
        "name": values["name"],
        "level": values["level"],
        "kind": values["kind"],
    }
    uow.offices.add_office(row, (actor.username, uow.now()))
    uow.hierarchy.forget()
    uow.committees.seed_town(values["code"], values["name"], values["level"])
    chosen = parent or default_parent(values["code"], values["level"])
    config.set_parent(uow, actor, values["code"], chosen)
    return OfficeResult(**values, parent=parent_value(chosen))


def check_user(username: str, name: str, role: str, office: str | None) -> str:
    """The checked name of a new user (the rest is checked against the database)."""
    if not _USERNAME.fullmatch(username):
        raise InvalidData(
            f"用户名 username {username[:64]!r} 应以字母开头，只含字母、数字、'_'、'.' 或 '-'"
            "（至多 64 个）",
            field="username",
            value=username[:64],
        )
    if role not in ROLES:
        listed = "、".join(f"{label} {r}" for r, label in ROLES.items())
        raise InvalidData(
            f"角色 role {role[:20]!r} 未知，应为 {listed}", field="role", value=role[:20]
        )
    if office is None and role != "admin":
        raise InvalidData(f"「{ROLES[role]} {role}」需要所属单位 (an office)", field="office")
    return clean_text(name, "name", max_length=200)


def user_attributes(given: Mapping[str, str] | None) -> dict[str, str]:
    """A new user's attributes, checked against their declarations (an empty value: unset)."""
    return merged({}, checked_attributes(USER_ATTRIBUTES, given or {}))


def add_user(
    uow: UnitOfWork,
    actor: Actor,
    username: str,
    name: str,
    role: str,
    office: str | None,
    attributes: Mapping[str, str] | None = None,
) -> UserResult:
    clean = check_user(username, name, role, office)
    attrs = user_attributes(attributes)
    check_admin(actor, "新增用户")
    if office is not None and not uow.offices.exists(office):
        raise NotFound(f"未知单位 unknown office {office[:40]!r}", field="office", value=office)
    if uow.offices.user_exists(username):
        raise InvalidData(f"用户 {username!r} 已存在 (exists already)", field="username")
    uow.offices.add_user(username, clean, role, office, (actor.username, uow.now()), attrs)
    if role == "mediator":  # mediation.md 2.1: a mediator belongs to a committee
        uow.committees.join_own(username, office)
    return UserResult(
        username=username,
        name=clean,
        role=role,
        role_label=ROLES[role],
        office=office,
        attributes=attrs,
    )


def initialise(uow: UnitOfWork, office_set: str | None, admin: str) -> InitResult:
    """Load a shipped office list and create the first admin; safe to run again."""
    if not _USERNAME.fullmatch(admin):
        raise InvalidData(
            f"管理员用户名 admin {admin[:64]!r} 不是有效的用户名", field="admin", value=admin[:64]
        )
    wanted = shipped_offices(office_set) if office_set is not None else []
    now = uow.now()
    have = uow.offices.codes()
    added = [o["code"] for o in wanted if o["code"] not in have]
    for o in wanted:
        if o["code"] in added:
            checked = office_values(o["code"], o["name"], o["level"], o.get("kind"))
            row: dict[str, str | None] = {
                "code": checked["code"],
                "name": checked["name"],
                "level": checked["level"],
                "kind": checked["kind"],
            }
            uow.offices.add_office(row, (INIT, now))
            uow.committees.seed_town(checked["code"], checked["name"], checked["level"])
    created = None
    if not uow.offices.any_admin():
        if uow.offices.user_exists(admin):
            raise InvalidData(f"用户 {admin!r} 已存在且不是管理员", field="admin", value=admin)
        uow.offices.add_user(admin, "管理员", "admin", None, (INIT, now))
        created = admin
    example = uow.settings.load_example(created or INIT, now)
    if not open_limits.built(uow.conn):
        # Derived from the events, built once after the upgrade that made it (migration 0020).
        world = (uow.calendar(), uow.setting)
        open_limits.rebuild(uow.conn, uow.machines.registry, world, now, everything=True)
    return InitResult(offices_added=added, admin_created=created, example_scale_loaded=example)
