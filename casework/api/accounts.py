"""Accounts (账号): logging in and out, sessions and API tokens, passwords, and an admin's acts
on users, each recorded in the login log or the admin log (web.md, "Accounts and security")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from casework.api.base import Base, reexported
from casework.errors import CaseworkError
from casework.services.channel import Channel

if TYPE_CHECKING:
    from casework.read.shapes import AdminEntryJSON
    from casework.services.account_admin import UserChanged
    from casework.services.accounts import AuthResult, LoginResult, SessionJSON, TokenResult
    from casework.storage.uow import UnitOfWork

__all__ = ["AccountCommands", "AuthResult", "Channel", "LoginResult", "settled"]
__getattr__ = reexported(
    __name__,
    {"AuthResult": "casework.services.accounts", "LoginResult": "casework.services.accounts"},
)

T = TypeVar("T")


def settled(outcome: T | CaseworkError) -> T:
    """A use case's result, or its refusal raised once what it recorded is committed."""
    if isinstance(outcome, CaseworkError):
        raise outcome
    return outcome


class AccountCommands(Base):
    """Logins, sessions, tokens and passwords; users' accounts for admins."""

    # How admins act through this object, for the admin log: the CLI says ``cli`` and the
    # operating-system account, the web ``web``.
    channel: Channel = Channel()

    def _unit(self, work: Callable[[UnitOfWork], T]) -> T:
        """One unit of work with no acting user (a login comes before anyone acts)."""
        from casework.storage.uow import write

        return write(self.engine, self.clock, self.machines, work)

    def login(
        self, username: str, password: str, address: str | None = None, agent: str | None = None
    ) -> LoginResult:
        """Log in with a password: a new session's token, its end, the user and whether they
        must change their password first. Wrong credentials raise ``AuthFailed``, a locked
        account ``AccountLocked``; both are recorded in the login log."""
        from casework.services import accounts
        from casework.services.accounts import Client

        client = Client.of(address, agent)
        done: LoginResult | CaseworkError = self._unit(
            lambda uow: accounts.login(uow, username, password, client)
        )
        return settled(done)

    def authenticate(self, token: str) -> AuthResult:
        """The user a session's or token's secret stands for now (``AuthFailed`` once it is
        idle too long, past its lifetime, revoked or its user deactivated)."""
        from casework.services import accounts

        done: AuthResult | CaseworkError = self._unit(lambda uow: accounts.authenticate(uow, token))
        return settled(done)

    def logout(self, token: str, address: str | None = None, agent: str | None = None) -> None:
        """End the session (or token) of a secret."""
        from casework.services import accounts
        from casework.services.accounts import Client

        client = Client.of(address, agent)
        self._unit(lambda uow: accounts.logout(uow, token, client))

    def change_password(
        self, old: str, new: str, address: str | None = None, agent: str | None = None
    ) -> None:
        """The acting user's new password, given their current one; clears must-change."""
        from casework.services import accounts
        from casework.services.accounts import Client

        client = Client.of(address, agent)

        def work(uow: UnitOfWork) -> CaseworkError | None:
            return accounts.change_password(uow, uow.users.actor(self.user), old, new, client)

        refusal: CaseworkError | None = self._unit(work)
        if refusal is not None:
            raise refusal

    def create_token(self, name: str, scope: str = "read", days: int = 90) -> TokenResult:
        """An API token for the acting user (scope ``read`` or ``write``), shown only now."""
        from casework.services import accounts

        return self.acting_write(
            lambda uow, actor: accounts.create_token(uow, actor, name, scope, days)
        )

    # -- admins ------------------------------------------------------------------------------

    def set_password(self, username: str, password: str) -> UserChanged:
        """Set a user's password (admin); they must change it at their next login."""
        from casework.services import account_admin

        return self.acting_write(
            lambda uow, actor: account_admin.set_password(uow, actor, username, password)
        )

    def deactivate_user(self, username: str) -> UserChanged:
        """Deactivate a user (admin): no more logins, steps or naming; sessions end."""
        from casework.services import account_admin

        return self.acting_write(
            lambda uow, actor: account_admin.deactivate_user(uow, actor, username)
        )

    def change_user(
        self,
        username: str,
        role: str | None = None,
        office: str | None = None,
        attributes: Mapping[str, str] | None = None,
    ) -> UserChanged:
        """Change a user's role, office or declared attributes from now on (admin); an
        attribute given as ``""`` is removed."""
        from casework.services import account_admin

        return self.acting_write(
            lambda uow, actor: account_admin.change_user(
                uow, actor, username, role, office, attributes
            )
        )

    def revoke_session(self, session_id: int) -> SessionJSON:
        """End a session or token by its id (admin): a forced logout."""
        from casework.services import account_admin

        return self.acting_write(
            lambda uow, actor: account_admin.revoke_session(uow, actor, session_id)
        )

    def sessions(self) -> list[SessionJSON]:
        """The open sessions and tokens, oldest first (admin)."""
        from casework.services import accounts
        from casework.storage.accounts import Accounts

        now = self.clock()
        with self.read() as (conn, actor):
            accounts.require_admin(actor, "查看会话")
            return [accounts.session_json(row) for row in Accounts(conn).open_sessions(now)]

    def login_log(self, since: str | date | None = None) -> list[dict[str, Any]]:
        """The login log from a day on (all of it by default), oldest first (admin)."""
        from casework.services import accounts
        from casework.storage.accounts import Accounts
        from casework.time.local import local_iso

        start = accounts.since_instant(None if since is None else self.day(since, "since"))
        with self.read() as (conn, actor):
            accounts.require_admin(actor, "查看登录日志")
            rows = Accounts(conn).login_log(start)
        return [{**r, "at": local_iso(r["at"])} for r in rows]

    def audit_log(
        self,
        since: str | date | None = None,
        actor: str | None = None,
        target: str | None = None,
        limit: int | None = None,
    ) -> list[AdminEntryJSON]:
        """The admin log (admin): every change of users, offices, holiday files, the subsidy
        scale and settings, and every other admin act, by sequence number, with the old and
        new value; from a day on, of one actor or one target, the last ``limit``."""
        from casework.read.admin_audit import log_json
        from casework.read.scope import at_least
        from casework.services import accounts

        start = accounts.since_instant(None if since is None else self.day(since, "since"))
        # Above the largest count too: a database has no integer for 10**20.
        at_least(limit, 1, "limit", "条数")
        with self.read() as (conn, who):
            accounts.require_admin(who, "查看管理日志")
            return log_json(conn, start, actor, target, limit)

    def admin_log(self) -> list[dict[str, Any]]:
        """The admin log's rows as stored, by sequence number (admin); ``audit_log`` is the
        listing with its filters."""
        from casework.services import accounts
        from casework.storage.accounts import Accounts
        from casework.time.local import local_iso

        with self.read() as (conn, actor):
            accounts.require_admin(actor, "查看管理日志")
            rows = Accounts(conn).admin_log()
        return [{**r, "at": local_iso(r["at"])} for r in rows]
