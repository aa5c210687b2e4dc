"""Accounts as stored: users' credentials, sessions and tokens, the login log, the admin log.

The login log and the admin log are only ever inserted into: nothing here updates or deletes
their rows (the admin log is written by casework.storage.adminlog, which chains it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.storage.tables import admin_log, auth_sessions, login_log, offices, users


@dataclass(frozen=True)
class Credentials:
    """What a login reads of a user."""

    username: str
    role: str
    office: str | None
    active: bool
    password_hash: str | None
    must_change: bool
    failed_logins: int
    locked_until: datetime | None
    attributes: Mapping[str, str] = field(default_factory=dict)  # as declared (9.11)


@dataclass(frozen=True)
class SessionRow:
    id: int
    username: str
    kind: str
    scope: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    address: str | None
    agent: str | None
    name: str | None


_CREDENTIALS = select(
    users.c.username,
    users.c.role,
    users.c.office_code,
    users.c.active,
    users.c.password_hash,
    users.c.must_change,
    users.c.failed_logins,
    users.c.locked_until,
    users.c.attributes,
)
_SESSION_COLUMNS = [c for c in auth_sessions.c if c.name != "token_hash"]


class Accounts:
    """One unit of work's (or one read's) view of the accounts' tables."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def credentials(self, username: str, *, lock: bool = False) -> Credentials | None:
        """A user's credentials; ``lock`` holds the row until commit on PostgreSQL, so two
        concurrent failures both count."""
        query = _CREDENTIALS.where(users.c.username == username)
        if lock and self._conn.dialect.name == "postgresql":
            query = query.with_for_update()
        r = self._conn.execute(query).first()
        if r is None:
            return None
        return Credentials(
            r.username,
            r.role,
            r.office_code,
            bool(r.active),
            r.password_hash,
            bool(r.must_change),
            int(r.failed_logins),
            r.locked_until,
            dict(r.attributes or {}),
        )

    def office_exists(self, code: str) -> bool:
        found = self._conn.execute(select(offices.c.code).where(offices.c.code == code))
        return found.first() is not None

    def update_user(self, username: str, **values: Any) -> None:
        self._conn.execute(users.update().where(users.c.username == username).values(**values))

    def add_session(self, token_hash: str, values: Mapping[str, Any]) -> int:
        found = self._conn.execute(
            auth_sessions.insert().values(token_hash=token_hash, **values)
        ).inserted_primary_key
        assert found is not None
        return int(found[0])

    def session_by_hash(self, token_hash: str, *, lock: bool = False) -> SessionRow | None:
        query = select(*_SESSION_COLUMNS).where(auth_sessions.c.token_hash == token_hash)
        if lock and self._conn.dialect.name == "postgresql":
            query = query.with_for_update()
        r = self._conn.execute(query).first()
        return None if r is None else SessionRow(*r)

    def session(self, session_id: int) -> SessionRow | None:
        query = select(*_SESSION_COLUMNS).where(auth_sessions.c.id == session_id)
        r = self._conn.execute(query).first()
        return None if r is None else SessionRow(*r)

    def touch(self, session_id: int, at: datetime) -> None:
        self._conn.execute(
            auth_sessions.update().where(auth_sessions.c.id == session_id).values(last_seen_at=at)
        )

    def revoke(self, session_id: int, at: datetime) -> None:
        self._conn.execute(
            auth_sessions.update()
            .where(auth_sessions.c.id == session_id, auth_sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def revoke_user(self, username: str, at: datetime) -> int:
        """Revoke every open session and token of a user; how many there were."""
        done = self._conn.execute(
            auth_sessions.update()
            .where(auth_sessions.c.username == username, auth_sessions.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return int(done.rowcount)

    def open_sessions(self, now: datetime) -> list[SessionRow]:
        """Sessions and tokens not revoked and not past their absolute end, oldest first."""
        query = (
            select(*_SESSION_COLUMNS)
            .where(auth_sessions.c.revoked_at.is_(None), auth_sessions.c.expires_at > now)
            .order_by(auth_sessions.c.created_at, auth_sessions.c.id)
        )
        return [SessionRow(*r) for r in self._conn.execute(query)]

    def log_login(self, at: datetime, username: str, outcome: str, **values: str | None) -> None:
        self._conn.execute(
            login_log.insert().values(at=at, username=username[:64], outcome=outcome, **values)
        )

    def login_log(self, since: datetime | None) -> list[dict[str, Any]]:
        query = select(login_log).order_by(login_log.c.at, login_log.c.id)
        if since is not None:
            query = query.where(login_log.c.at >= since)
        return [dict(r) for r in self._conn.execute(query).mappings()]

    def admin_log(self) -> list[dict[str, Any]]:
        query = select(admin_log).order_by(admin_log.c.seq)  # the chain's order
        return [dict(r) for r in self._conn.execute(query).mappings()]
