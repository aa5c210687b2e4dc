"""Who acts and where: users with their role and office, and the offices themselves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from casework.domain.model import Actor
from casework.errors import NotAllowed, NotFound
from casework.storage.adminlog import Act, AdminLog
from casework.storage.db import chunk_size
from casework.storage.prepared import Prepared
from casework.storage.tables import offices, users

# Built once: every command that changes data starts by loading its actor.
_LOAD_ACTOR = Prepared(
    select(
        users.c.username,
        users.c.name,
        users.c.role,
        users.c.office_code,
        users.c.active,
        offices.c.level,
    )
    .select_from(users.outerjoin(offices, users.c.office_code == offices.c.code))
    .where(users.c.username == bindparam("username"))
)
_OFFICE = select(offices.c.code).where(offices.c.code == bindparam("code"))


def load_actor(conn: Connection, username: str | None) -> Actor:
    """The acting user, or a refusal when none was named or it is unknown or inactive."""
    if not username:
        raise NotAllowed("此操作会更改数据，需指明操作用户 (name the acting user)", field="user")
    row = _LOAD_ACTOR.first(conn, username=username)
    if row is None:
        raise NotFound(f"未知用户 unknown user {username[:64]!r}", field="user", value=username)
    name, role, office, active, level = row[1:]
    if not active:
        raise NotAllowed(f"用户 {username!r} 已停用 (deactivated)", field="user", value=username)
    return Actor(row[0], name, role, office, level or "city")


def office_exists(conn: Connection, code: str) -> bool:
    return conn.execute(_OFFICE, {"code": code}).first() is not None


def require_office(conn: Connection, code: str, field: str = "office") -> str:
    """The office code, or NotFound naming it."""
    if not office_exists(conn, code):
        raise NotFound(f"未知单位 unknown office {code[:40]!r}", field=field, value=code[:40])
    return code


_ALL_USERS = select(
    users.c.username,
    users.c.name,
    users.c.role,
    users.c.office_code,
    users.c.active,
    offices.c.level,
).select_from(users.outerjoin(offices, users.c.office_code == offices.c.code))


_ONE_USER = Prepared(_ALL_USERS.where(users.c.username == bindparam("username")))


class UserDirectory:
    """The users one unit of work asks about, each read once: one by one when a step names
    them, or all at once when a ledger names people by their names."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._active: dict[str, tuple[str, str, str | None, str] | None] = {}
        self._names: dict[str, list[str]] | None = None
        self._actors: dict[str, Actor] = {}
        self._attributes: dict[str, dict[str, str]] = {}

    def _user(self, username: str) -> tuple[str, str, str | None, str] | None:
        """(name, role, office, office level) of an active user, None for any other."""
        if username not in self._active and self._names is None:
            r = _ONE_USER.first(self._conn, username=username)
            self._active[username] = (r[1], r[2], r[3], r[5] or "city") if r and r[4] else None
        return self._active.get(username)

    def load(self, usernames: Iterable[str]) -> None:
        """Read at once the users a batch's steps name (the demo's day names hundreds): one
        query for each few thousand, not one each."""
        wanted = sorted({u for u in usernames if u not in self._active})
        if not wanted or self._names is not None:
            return
        size = chunk_size(self._conn)
        for start in range(0, len(wanted), size):
            part = wanted[start : start + size]
            for r in self._conn.execute(_ALL_USERS.where(users.c.username.in_(part))):
                row = (r.name, r.role, r.office_code, r.level or "city") if r.active else None
                self._active[r.username] = row
        for username in wanted:
            self._active.setdefault(username, None)  # unknown, as ``_user`` records it

    def _everyone(self) -> dict[str, list[str]]:
        if self._names is None:
            self._names = {}
            for r in self._conn.execute(_ALL_USERS):
                row = (r.name, r.role, r.office_code, r.level or "city") if r.active else None
                self._active[r.username] = row
                if r.active:
                    self._names.setdefault(r.name, []).append(r.username)
        return self._names

    def attributes(self, username: str) -> Mapping[str, str]:
        """A user's declared attributes (workflows.policy.USER_ATTRIBUTES), each read once;
        empty for a user without any, or an unknown one."""
        if username not in self._attributes:
            query = select(users.c.attributes).where(users.c.username == username)
            found = self._conn.execute(query).scalar_one_or_none()
            self._attributes[username] = dict(found or {})
        return self._attributes[username]

    def role_of(self, username: str) -> str | None:
        """The role of an active user, None for an unknown or deactivated one."""
        row = self._user(username)
        return None if row is None else row[1]

    def named(self, who: str) -> str | None:
        """A username given as is, or as the name only one active user has."""
        names = self._everyone()
        if self._active.get(who) is not None:
            return who
        usernames = names.get(who, [])
        return usernames[0] if len(usernames) == 1 else None

    def shared_name(self, who: str) -> bool:
        """Whether several active users go by this name."""
        return len(self._everyone().get(who, [])) > 1

    def actor(self, username: str | None) -> Actor:
        """A user as an actor, or the refusal naming why not (none named, unknown, inactive)."""
        found = self._actors.get(username or "")
        if found is not None:
            return found
        row = self._user(username) if username else None
        if username is None or row is None:
            return load_actor(self._conn, username)  # the refusal says why
        actor = self._actors[username] = Actor(username, *row)
        return actor


class Offices:
    """The offices and users tables, as set-up and administration change them; every change
    is recorded in the admin log with its old and new value."""

    def __init__(self, conn: Connection, log: AdminLog) -> None:
        self._conn = conn
        self._log = log
        self._codes: set[str] | None = None

    def codes(self) -> set[str]:
        if self._codes is None:
            self._codes = {r.code for r in self._conn.execute(select(offices.c.code))}
        return set(self._codes)

    def exists(self, code: str) -> bool:
        if self._codes is None:
            self.codes()
        assert self._codes is not None
        return code in self._codes

    def level(self, code: str) -> str | None:
        """An office's level (town, city), None for an unknown office."""
        row = self._conn.execute(select(offices.c.level).where(offices.c.code == code)).first()
        return None if row is None else str(row.level)

    def add_office(self, values: dict[str, str | None], by: tuple[str, datetime]) -> None:
        """A new office; ``by`` is (who, when)."""
        self._conn.execute(offices.insert().values(**values, created_at=by[1]))
        self._codes = None
        after = {"name": values["name"], "level": values["level"], "kind": values.get("kind")}
        self._log.record(by, Act("office.add", str(values["code"]), None, after))

    def user_exists(self, username: str) -> bool:
        found = self._conn.execute(select(users.c.username).where(users.c.username == username))
        return found.first() is not None

    def any_admin(self) -> bool:
        found = self._conn.execute(select(users.c.username).where(users.c.role == "admin").limit(1))
        return found.first() is not None

    def add_user(
        self,
        username: str,
        name: str,
        role: str,
        office: str | None,
        by: tuple[str, datetime],
        attributes: Mapping[str, str] | None = None,
    ) -> None:
        """A new active user; ``by`` is (who, when). Their attributes are logged only when
        given, so the log of a user without any reads as before attributes existed."""
        self._conn.execute(
            users.insert().values(
                username=username,
                name=name,
                role=role,
                office_code=office,
                active=True,
                created_at=by[1],
                attributes=dict(attributes) if attributes else None,
            )
        )
        after: dict[str, object] = {
            "name": name,
            "role": role,
            "office_code": office,
            "active": True,
        }
        if attributes:
            after["attributes"] = dict(attributes)
        self._log.record(by, Act("user.add", username, None, after))

    def set_user_office(self, username: str, office: str | None, by: tuple[str, datetime]) -> None:
        """A user's office from now on (a mediator moved to a committee another office
        guides)."""
        old = self._conn.execute(
            select(users.c.office_code).where(users.c.username == username)
        ).scalar_one()
        self._conn.execute(
            users.update().where(users.c.username == username).values(office_code=office)
        )
        act = Act("user.move", username, {"office_code": old}, {"office_code": office})
        self._log.record(by, act)

    def aliases(self) -> dict[str, str]:
        """Office code by code, by name, and by the short names ledgers use (山美街道, 山美)."""
        out: dict[str, str] = {}
        short: dict[str, set[str]] = {}
        for r in self._conn.execute(select(offices.c.code, offices.c.name)):
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
