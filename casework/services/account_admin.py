"""An admin's acts on users: set a password, deactivate, change role or office, end a session.

Each act writes its row of the admin log in the same unit of work as the act itself, so an act
is never without its record, nor a record without its act.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from casework.domain.accounts import check_password, hash_password
from casework.domain.model import Actor
from casework.domain.policy import check_admin
from casework.errors import InvalidData, NotFound
from casework.services.accounts import SessionJSON, session_json
from casework.storage.accounts import Accounts, Credentials
from casework.storage.adminlog import Act
from casework.storage.uow import UnitOfWork
from casework.time.local import local_date
from workflows.attributes import checked_attributes, merged
from workflows.policy import ROLES, USER_ATTRIBUTES
from workflows.settings import PASSWORD_MIN_LENGTH


class UserChanged(TypedDict):
    username: str
    role: str
    office: str | None
    active: bool
    must_change: bool
    sessions_revoked: int
    attributes: dict[str, str]


def _target(accounts: Accounts, username: str) -> Credentials:
    creds = accounts.credentials(username, lock=True)
    if creds is None:
        raise NotFound(
            f"未知用户 unknown user {username[:64]!r}", field="username", value=username[:64]
        )
    return creds


def _record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    target: str,
    data: dict[str, Any],
    values: tuple[dict[str, Any] | None, dict[str, Any] | None] = (None, None),
) -> None:
    """The act's entry in the admin log (with the unit of work's channel); ``values`` are the
    old and new value of the user's reference data it changes, none for a password or a
    session, which are not reference data."""
    uow.admin_log.record((actor.username, uow.now()), Act(action, target, *values, data=data))


def _changed(creds: Credentials, revoked: int, **values: Any) -> UserChanged:
    row: UserChanged = {
        "username": creds.username,
        "role": creds.role,
        "office": creds.office,
        "active": creds.active,
        "must_change": creds.must_change,
        "sessions_revoked": revoked,
        "attributes": dict(creds.attributes),
    }
    row.update(values)  # type: ignore[typeddict-item]
    return row


def set_password(uow: UnitOfWork, actor: Actor, username: str, password: str) -> UserChanged:
    """Give a user a password they must change at their next login; any lock is lifted and
    their open sessions end (a reset is often made because a password got out)."""
    check_admin(actor, "设置密码")
    accounts = Accounts(uow.conn)
    creds = _target(accounts, username)
    min_length = uow.setting(PASSWORD_MIN_LENGTH, local_date(uow.now()))
    assert isinstance(min_length, int)
    check_password(password, username, min_length)
    now = uow.now()
    accounts.update_user(
        username,
        password_hash=hash_password(password),
        password_set_at=now,
        must_change=True,
        failed_logins=0,
        locked_until=None,
    )
    revoked = accounts.revoke_user(username, now)
    accounts.log_login(now, username, "password_set", detail=f"set by {actor.username}")
    _record(uow, actor, "user.passwd", username, {"sessions_revoked": revoked})
    return _changed(creds, revoked, must_change=True)


def deactivate_user(uow: UnitOfWork, actor: Actor, username: str) -> UserChanged:
    """A user who may no longer log in nor be named in a step; their sessions and tokens end."""
    check_admin(actor, "停用用户")
    accounts = Accounts(uow.conn)
    creds = _target(accounts, username)
    if username == actor.username:
        raise InvalidData(
            "管理员不能停用自己 (an admin cannot deactivate themselves)", field="username"
        )
    if not creds.active:
        raise InvalidData(f"用户 {username!r} 已停用 (already deactivated)", field="username")
    now = uow.now()
    accounts.update_user(username, active=False)
    revoked = accounts.revoke_user(username, now)
    accounts.log_login(now, username, "revoked", detail=f"deactivated by {actor.username}")
    values = ({"active": True}, {"active": False})
    _record(uow, actor, "user.deactivate", username, {"sessions_revoked": revoked}, values)
    return _changed(creds, revoked, active=False)


def _check_change(uow: UnitOfWork, creds: Credentials, role: str, office: str | None) -> None:
    if role not in ROLES:
        listed = "、".join(f"{label} {r}" for r, label in ROLES.items())
        raise InvalidData(
            f"角色 role {role[:20]!r} 未知，应为 {listed}", field="role", value=role[:20]
        )
    if office is not None and not Accounts(uow.conn).office_exists(office):
        raise NotFound(
            f"未知单位 unknown office {office[:40]!r}", field="office", value=office[:40]
        )
    if office is None and role != "admin":
        raise InvalidData(f"「{ROLES[role]} {role}」需要所属单位 (an office)", field="office")
    # A mediator's office is that of their committee, changed by a move that keeps the
    # membership's history (mediation.md 2.1); a role change cannot keep it.
    if "mediator" in {creds.role, role} and (creds.role != role or creds.office != office):
        raise InvalidData(
            "调解员的单位随其调委会，请以调解员调动办理 (a mediator moves with their committee)",
            field="role" if creds.role != role else "office",
        )


def _changes(
    creds: Credentials, role: str, office: str | None, attributes: dict[str, str]
) -> dict[str, list[Any]]:
    """What changes, as [old, new] by what the user sees (role, office, attributes)."""
    pairs = (
        ("role", creds.role, role),
        ("office", creds.office, office),
        ("attributes", dict(creds.attributes), attributes),
    )
    return {key: [old, new] for key, old, new in pairs if old != new}


def change_user(
    uow: UnitOfWork,
    actor: Actor,
    username: str,
    role: str | None,
    office: str | None,
    attributes: Mapping[str, str] | None = None,
) -> UserChanged:
    """A user's new role, office or attributes, from now on (their past steps keep the role
    they had). An attribute given an empty value is removed."""
    check_admin(actor, "更改用户")
    if role is None and office is None and not attributes:
        raise InvalidData(
            "请给出新的角色、单位或属性 (give a role, an office or an attribute)", field="role"
        )
    given = checked_attributes(USER_ATTRIBUTES, attributes or {})
    accounts = Accounts(uow.conn)
    creds = _target(accounts, username)
    new_role, new_office = role or creds.role, office or creds.office
    _check_change(uow, creds, new_role, new_office)
    new_attrs = merged(creds.attributes, given)
    data = _changes(creds, new_role, new_office, new_attrs)
    if not data:
        only_attributes = role is None and office is None
        field = f"attr.{next(iter(given))}" if given and only_attributes else "role"
        raise InvalidData(f"用户 {username!r} 已是如此 (nothing changes)", field=field)
    if username == actor.username and new_role != "admin":
        raise InvalidData(
            "管理员不能取消自己的管理员角色 (an admin keeps their own role)", field="role"
        )
    accounts.update_user(
        username, role=new_role, office_code=new_office, attributes=new_attrs or None
    )
    names = {"role": "role", "office": "office_code", "attributes": "attributes"}
    values = ({names[k]: v[0] for k, v in data.items()}, {names[k]: v[1] for k, v in data.items()})
    _record(uow, actor, "user.change", username, dict(data), values)
    return _changed(creds, 0, role=new_role, office=new_office, attributes=new_attrs)


def revoke_session(uow: UnitOfWork, actor: Actor, session_id: int) -> SessionJSON:
    """End one session or token (a forced logout)."""
    check_admin(actor, "注销会话")
    accounts = Accounts(uow.conn)
    row = accounts.session(session_id)
    if row is None:
        raise NotFound(f"未知会话 unknown session {session_id}", field="session", value=session_id)
    if row.revoked_at is not None:
        raise InvalidData(
            f"会话 {session_id} 已注销 (already ended)", field="session", value=session_id
        )
    now = uow.now()
    accounts.revoke(row.id, now)
    accounts.log_login(
        now, row.username, "revoked", detail=f"{row.kind} {row.id} by {actor.username}"
    )
    _record(uow, actor, "session.revoke", row.username, {"session": row.id, "kind": row.kind})
    return session_json(row)
