"""Accounts' use cases: logging in and out, sessions and API tokens, password changes, and an
admin's acts on users (web.md, "Accounts and security").

A refused login must still be recorded (the login log, the failure count, the lock), so the
use cases that can refuse after writing return the refusal instead of raising it: the API
commits the unit of work, then raises it. Refusals found before anything is written (a password
the policy refuses, a non-admin) are raised as everywhere else, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from casework.domain.accounts import (
    Lifetimes,
    Lockout,
    check_days,
    check_password,
    check_scope,
    hash_password,
    locked,
    needs_rehash,
    new_secret,
    password_matches,
    secret_hash,
    spend_time_like_a_check,
)
from casework.domain.model import Actor
from casework.domain.policy import check_admin
from casework.domain.text import CONTROL, clean_text
from casework.errors import AccountLocked, AuthFailed, CaseworkError, InvalidData, NotAllowed
from casework.storage.accounts import Accounts, Credentials, SessionRow
from casework.storage.uow import UnitOfWork
from casework.time.local import CST, local_date, local_iso
from workflows.policy import READ_ONLY_ROLES
from workflows.settings import (
    LOCKOUT_FAILURES,
    LOCKOUT_MINUTES,
    PASSWORD_MIN_LENGTH,
    SESSION_HOURS,
    SESSION_IDLE_MINUTES,
)

# How stale a session's recorded last use may get before a request moves it (authenticate).
TOUCH_EVERY = timedelta(seconds=30)
WRONG = "用户名或密码错误 (wrong username or password)"


class AccountUser(TypedDict):
    username: str
    role: str
    office: str | None


class LoginResult(TypedDict):
    token: str
    expires_at: str
    user: AccountUser
    must_change: bool


class AuthResult(TypedDict):
    username: str
    role: str
    office: str | None
    kind: str
    scope: str
    session: int
    must_change: bool


class TokenResult(TypedDict):
    id: int
    token: str
    name: str
    scope: str
    expires_at: str


class SessionJSON(TypedDict):
    id: int
    username: str
    kind: str
    scope: str
    name: str | None
    created_at: str
    last_seen_at: str
    expires_at: str
    address: str | None
    agent: str | None


class AdminAct(TypedDict):
    """What an admin's act on a user did, as the admin log records it."""

    action: str
    target: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Client:
    """Where a request came from, as the login log keeps it (cut to its columns' lengths,
    control characters dropped: it is whatever the client sent)."""

    address: str | None = None
    agent: str | None = None

    @classmethod
    def of(cls, address: str | None, agent: str | None) -> Client:
        def kept(text: str | None, length: int) -> str | None:
            return (CONTROL.sub("", text)[:length] or None) if text else None

        return cls(kept(address, 100), kept(agent, 500))


def _setting(uow: UnitOfWork, key: str) -> int:
    value = uow.setting(key, local_date(uow.now()))
    assert isinstance(value, int), key
    return value


def lifetimes(uow: UnitOfWork) -> Lifetimes:
    return Lifetimes(_setting(uow, SESSION_IDLE_MINUTES), _setting(uow, SESSION_HOURS))


def _lockout(uow: UnitOfWork) -> Lockout:
    return Lockout(_setting(uow, LOCKOUT_FAILURES), _setting(uow, LOCKOUT_MINUTES))


def _locked_error(until: datetime) -> AccountLocked:
    return AccountLocked(
        f"账号已锁定至 {local_iso(until)}，请稍后再试或联系管理员 (account locked)",
        field=None,
    )


def _wrong_password(uow: UnitOfWork, creds: Credentials, log: Callable[..., None]) -> CaseworkError:
    """One more failure: counted, logged, and the account locked on the n-th."""
    failed, until = _lockout(uow).after_failure(creds.failed_logins, uow.now())
    Accounts(uow.conn).update_user(creds.username, failed_logins=failed, locked_until=until)
    log("failure", detail="wrong password")
    if until is None:
        return AuthFailed(WRONG)
    log("locked", detail=f"locked after {_lockout(uow).failures} failures")
    return _locked_error(until)


def _why_not(creds: Credentials | None) -> str:
    """Why a login could not even check the password, for the log (never for the user)."""
    if creds is None:
        return "unknown user"
    return "deactivated" if not creds.active else "no password set"


def login(
    uow: UnitOfWork, username: str, password: str, client: Client
) -> LoginResult | CaseworkError:
    """Check a password and open a new session (a new secret at every login); a refusal is
    logged and returned, with the failure counted."""
    now, accounts = uow.now(), Accounts(uow.conn)
    name = CONTROL.sub("", username).strip()[:64]  # logged as typed, but for control bytes

    def log(outcome: str, detail: str | None = None) -> None:
        accounts.log_login(
            now, name, outcome, address=client.address, agent=client.agent, detail=detail
        )

    creds = accounts.credentials(name, lock=True) if name else None
    if creds is None or not creds.active or creds.password_hash is None:
        spend_time_like_a_check(password)  # as long as a real check: no hint the name is wrong
        log("failure", detail=_why_not(creds))
        return AuthFailed(WRONG)
    if creds.locked_until is not None and locked(creds.locked_until, now):
        log("locked", detail="attempt while locked")
        return _locked_error(creds.locked_until)
    if not password_matches(creds.password_hash, password):
        return _wrong_password(uow, creds, log)
    stale = needs_rehash(creds.password_hash)
    rehashed = {"password_hash": hash_password(password)} if stale else {}
    accounts.update_user(creds.username, failed_logins=0, locked_until=None, **rehashed)
    secret = new_secret()
    expires = now + timedelta(hours=lifetimes(uow).hours)
    scope = "read" if creds.role in READ_ONLY_ROLES else "write"
    accounts.add_session(
        secret_hash(secret), _session_values(creds.username, "session", scope, now, expires, client)
    )
    log("success")
    return LoginResult(
        token=secret,
        expires_at=local_iso(expires),
        user=AccountUser(username=creds.username, role=creds.role, office=creds.office),
        must_change=creds.must_change,
    )


def _session_values(
    username: str,
    kind: str,
    scope: str,
    now: datetime,
    expires: datetime,
    client: Client,
    name: str | None = None,
) -> dict[str, Any]:
    return {
        "username": username,
        "kind": kind,
        "scope": scope,
        "created_at": now,
        "last_seen_at": now,
        "expires_at": expires,
        "address": client.address,
        "agent": client.agent,
        "name": name,
    }


def _open_session(accounts: Accounts, token: str, lock: bool = True) -> SessionRow | None:
    """The session or token of a secret, None for an unknown or revoked one."""
    if not token or len(token) > 200:
        return None
    row = accounts.session_by_hash(secret_hash(token), lock=lock)
    return None if row is None or row.revoked_at is not None else row


def authenticate(uow: UnitOfWork, token: str) -> AuthResult | CaseworkError:
    """The user a session or token stands for, read afresh (role and office as they are now);
    the session's last use moved to now (at most every ``TOUCH_EVERY``: every page and API
    call authenticates, and a write per request would serialise a busy office's clicks on one
    row for a precision the idle timeout, counted in minutes, does not need)."""
    now, accounts = uow.now(), Accounts(uow.conn)
    row = _open_session(accounts, token, lock=False)
    if row is None:
        return AuthFailed("会话无效或已注销，请重新登录 (unknown or ended session)")
    why = lifetimes(uow).alive(row.kind, row.last_seen_at, row.expires_at, now)
    if why is not None:
        return AuthFailed(f"会话{why}，请重新登录 (session ended)")
    creds = accounts.credentials(row.username)
    if creds is None or not creds.active:
        accounts.revoke(row.id, now)
        return AuthFailed("用户已停用，会话已注销 (user deactivated)")
    if now - row.last_seen_at >= TOUCH_EVERY:
        accounts.touch(row.id, now)
    return AuthResult(
        username=creds.username,
        role=creds.role,
        office=creds.office,
        kind=row.kind,
        scope=row.scope,
        session=row.id,
        must_change=creds.must_change,
    )


def logout(uow: UnitOfWork, token: str, client: Client) -> None:
    """End a session (or revoke a token) by its secret."""
    accounts = Accounts(uow.conn)
    row = _open_session(accounts, token)
    if row is None:
        raise AuthFailed("会话无效或已注销 (unknown or ended session)")
    accounts.revoke(row.id, uow.now())
    accounts.log_login(
        uow.now(),
        row.username,
        "logout",
        address=client.address,
        agent=client.agent,
        detail=row.kind,
    )


def change_password(
    uow: UnitOfWork, actor: Actor, old: str, new: str, client: Client
) -> CaseworkError | None:
    """A user's own new password: the current one first, then the policy; clears must-change.
    A wrong current password counts as a failed login."""
    accounts = Accounts(uow.conn)
    creds = accounts.credentials(actor.username, lock=True)
    assert creds is not None  # the actor was loaded in this unit of work
    check_password(new, actor.username, _setting(uow, PASSWORD_MIN_LENGTH))
    if new == old:
        raise InvalidData(
            "新密码 password 不能与原密码相同 (must differ from the current one)", field="password"
        )

    def log(outcome: str, detail: str | None = None) -> None:
        accounts.log_login(
            uow.now(),
            actor.username,
            outcome,
            address=client.address,
            agent=client.agent,
            detail=detail,
        )

    if creds.locked_until is not None and locked(creds.locked_until, uow.now()):
        log("locked", detail="password change while locked")
        return _locked_error(creds.locked_until)
    if not password_matches(creds.password_hash, old):
        refusal = _wrong_password(uow, creds, log)
        return (
            AuthFailed("原密码不正确 (wrong current password)")
            if isinstance(refusal, AuthFailed)
            else refusal
        )
    accounts.update_user(
        actor.username,
        password_hash=hash_password(new),
        password_set_at=uow.now(),
        must_change=False,
        failed_logins=0,
    )
    log("password_changed")
    return None


def create_token(uow: UnitOfWork, actor: Actor, name: str, scope: str, days: int) -> TokenResult:
    """An API token of the acting user, for themselves: its secret is returned once and only
    its hash is kept; a read-only user gets no write scope."""
    check_scope(scope)
    check_days(days)
    label = clean_text(name, "name", max_length=200)
    if scope == "write" and actor.role in READ_ONLY_ROLES:
        raise NotAllowed(
            "只读用户只能创建只读令牌 (a read-only user gets a read token)", field="scope"
        )
    now, secret = uow.now(), new_secret()
    expires = now + timedelta(days=days)
    values = _session_values(actor.username, "token", scope, now, expires, Client(), label)
    token_id = Accounts(uow.conn).add_session(secret_hash(secret), values)
    return TokenResult(
        id=token_id, token=secret, name=label, scope=scope, expires_at=local_iso(expires)
    )


def session_json(row: SessionRow) -> SessionJSON:
    return SessionJSON(
        id=row.id,
        username=row.username,
        kind=row.kind,
        scope=row.scope,
        name=row.name,
        created_at=local_iso(row.created_at),
        last_seen_at=local_iso(row.last_seen_at),
        expires_at=local_iso(row.expires_at),
        address=row.address,
        agent=row.agent,
    )


def since_instant(day: date | None) -> datetime | None:
    """The start of a local day, as an instant."""
    if day is None:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=CST)


def require_admin(actor: Actor | None, what: str) -> Actor:
    if actor is None:
        raise NotAllowed(
            f"{what}需由管理员 admin 进行；请指明操作用户 (name the acting user)", field="user"
        )
    check_admin(actor, what)
    return actor
