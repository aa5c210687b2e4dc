"""Offices, users and first-time set-up."""

from __future__ import annotations

import csv
import re
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from casework.actors import load_actor, require_admin
from casework.clock import Clock
from casework.errors import InvalidData, NotFound
from casework.storage.db import run_write
from casework.storage.tables import offices, users
from casework.domain.text import clean_text
from workflows.spec import ROLES

LEVELS = {"town": "镇街", "city": "市级"}
_OFFICE_CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
OFFICE_SETS = ("gaozhou",)


def shipped_offices(name: str) -> list[dict[str, str]]:
    """The offices of a shipped list (``gaozhou``: 28 towns and subdistricts, 4 city bodies)."""
    if name not in OFFICE_SETS:
        raise InvalidData(f"unknown office list {name!r}; shipped: {', '.join(OFFICE_SETS)}")
    text = resources.files("casework.data").joinpath(f"{name}-offices.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _office_values(code: str, name: str, level: str, kind: str | None) -> dict[str, Any]:
    if not _OFFICE_CODE.fullmatch(code):
        raise InvalidData(
            f"office code {code[:40]!r} must be 2-40 lowercase letters, digits or '-', "
            "starting with a letter"
        )
    if level not in LEVELS:
        raise InvalidData(f"office level {level[:20]!r} must be town or city")
    return {
        "code": code,
        "name": clean_text(name, "office name", max_length=200),
        "level": level,
        "kind": clean_text(kind, "office kind", max_length=20) if kind else None,
    }


class AdminService:
    """Manage offices and users (admins only), and set a database up."""

    def __init__(self, db: Engine, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def add_office(
        self, username: str | None, code: str, name: str, level: str, kind: str | None = None
    ) -> dict[str, Any]:
        """Add an office; codes are stable ASCII identifiers used in case numbers."""
        values = _office_values(code, name, level, kind)

        def work(conn: Connection) -> dict[str, Any]:
            require_admin(load_actor(conn, username), "adding an office")
            if conn.execute(select(offices.c.code).where(offices.c.code == code)).first():
                raise InvalidData(f"office {code!r} exists already")
            conn.execute(offices.insert().values(**values, created_at=self.clock()))
            return {**values, "level_label": LEVELS[level]}

        return run_write(self.db, work)

    def add_user(
        self, username: str | None, new: str, name: str, role: str, office: str | None
    ) -> dict[str, Any]:
        """Add a user with one role and one office (an admin may be city-wide, without one)."""
        if not _USERNAME.fullmatch(new):
            raise InvalidData(
                f"username {new[:64]!r} must start with a letter and hold only letters, "
                "digits, '_', '.' or '-' (at most 64)"
            )
        if role not in ROLES:
            raise InvalidData(f"role {role[:20]!r} is unknown; use one of {', '.join(ROLES)}")
        clean_name = clean_text(name, "name", max_length=200)
        if office is None and role != "admin":
            raise InvalidData(f"a {role} needs an office: give --office CODE")

        def work(conn: Connection) -> dict[str, Any]:
            require_admin(load_actor(conn, username), "adding a user")
            if (
                office is not None
                and not conn.execute(select(offices.c.code).where(offices.c.code == office)).first()
            ):
                raise NotFound(f"unknown office {office[:40]!r}")
            if conn.execute(select(users.c.username).where(users.c.username == new)).first():
                raise InvalidData(f"user {new!r} exists already")
            conn.execute(
                users.insert().values(
                    username=new,
                    name=clean_name,
                    role=role,
                    office_code=office,
                    active=True,
                    created_at=self.clock(),
                )
            )
            return {
                "username": new,
                "name": clean_name,
                "role": role,
                "role_label": ROLES[role],
                "office": office,
            }

        return run_write(self.db, work)

    def initialise(self, office_set: str | None, admin: str) -> dict[str, Any]:
        """Load a shipped office list and create the first admin; safe to run again."""
        if not _USERNAME.fullmatch(admin):
            raise InvalidData(f"admin username {admin[:64]!r} is not a valid username")
        wanted = shipped_offices(office_set) if office_set is not None else []

        def work(conn: Connection) -> dict[str, Any]:
            now = self.clock()
            have = {r.code for r in conn.execute(select(offices.c.code))}
            added = [o["code"] for o in wanted if o["code"] not in have]
            for o in wanted:
                if o["code"] in added:
                    values = _office_values(o["code"], o["name"], o["level"], o.get("kind"))
                    conn.execute(offices.insert().values(**values, created_at=now))
            admin_exists = conn.execute(
                select(users.c.username).where(users.c.role == "admin").limit(1)
            ).first()
            created = None
            if admin_exists is None:
                taken = conn.execute(
                    select(users.c.username).where(users.c.username == admin)
                ).first()
                if taken:
                    raise InvalidData(f"user {admin!r} exists and is not an admin")
                conn.execute(
                    users.insert().values(
                        username=admin,
                        name="管理员",
                        role="admin",
                        office_code=None,
                        active=True,
                        created_at=now,
                    )
                )
                created = admin
            from casework.subsidy.scale import load_example

            example = load_example(conn, created or "init", now)
            return {
                "offices_added": added,
                "admin_created": created,
                "example_scale_loaded": example,
            }

        return run_write(self.db, work)


def list_offices(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(offices).order_by(offices.c.level.desc(), offices.c.code))
    return [
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "level_label": LEVELS.get(r.level, ""),
            "kind": r.kind,
        }
        for r in rows
    ]


def list_users(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(users).order_by(users.c.office_code, users.c.username))
    return [
        {
            "username": r.username,
            "name": r.name,
            "role": r.role,
            "role_label": ROLES.get(r.role, ""),
            "office": r.office_code,
            "active": r.active,
        }
        for r in rows
    ]
