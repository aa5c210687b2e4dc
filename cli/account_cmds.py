"""``user passwd|deactivate|change|sessions|revoke|token`` and ``login-log``: accounts.

The commands join ``user`` (cli.admin_cmds) and act as the ``--as`` user; an admin's acts are
recorded in the admin log with the channel ``cli`` and the operating-system account.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.admin_cmds import ATTRS, JSON, attributes_line, user_app
from cli.state import parse_sets, settings

if TYPE_CHECKING:
    from casework.api import Casework

__all__ = ["login_log", "user_app"]


def _admin_api(ctx: typer.Context) -> Casework:
    """The API acting as the ``--as`` user; ``Settings.open`` records its acts as made on the
    command line, by the operating-system account."""
    return settings(ctx).open()


def _read_password(from_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice at the terminal
    without being shown. Never an argument, which would land in the shell's history."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("新密码 New password: ")
    if getpass.getpass("再输入一次 Repeat: ") != first:
        raise typer.BadParameter(
            "两次输入的密码不一致 (the passwords differ)", param_hint="--password-stdin"
        )
    return first


@user_app.command("passwd")
def user_passwd(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Whose password.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input's line."),
    ] = False,
    as_json: JSON = False,
) -> None:
    """Set a user's password (admin only); they must change it at their first login.

    The password is read from the terminal (typed twice, not shown) or, with --password-stdin,
    from standard input. At least 8 characters of three classes (lower, upper, digits, other),
    not containing the username. The user's open sessions end.

    Example: printf '%s\\n' "$PW" | casework --as admin user passwd clerk_pz --password-stdin
    """
    password = _read_password(password_stdin)
    result = _admin_api(ctx).set_password(username, password)
    if as_json:
        output.print_json(result)
    else:
        output.line(
            f"已设置密码 password set: {result['username']}，首次登录须修改 (must change)；"
            f"注销会话 sessions ended: {result['sessions_revoked']}"
        )


@user_app.command("deactivate")
def user_deactivate(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Who to deactivate.")],
    as_json: JSON = False,
) -> None:
    """Deactivate a user (admin only): no more logins or steps; their sessions end.

    Example: casework --as admin user deactivate clerk_pz
    """
    result = _admin_api(ctx).deactivate_user(username)
    if as_json:
        output.print_json(result)
    else:
        output.line(
            f"已停用用户 user deactivated: {result['username']}；"
            f"注销会话 sessions ended: {result['sessions_revoked']}"
        )


@user_app.command("change")
def user_change(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Whose role or office.")],
    role: Annotated[str | None, typer.Option("--role", help="The new role.")] = None,
    office: Annotated[str | None, typer.Option("--office", help="The new office code.")] = None,
    attr: ATTRS = None,
    as_json: JSON = False,
) -> None:
    """Change a user's role, office or attributes from now on (admin only); past steps keep
    theirs. --attr KEY= removes an attribute.

    A mediator's office follows their committee: move them with mediator move.

    Example: casework --as admin user change clerk_pz --role supervisor
    """
    attributes = parse_sets(attr, "--attr")
    result = _admin_api(ctx).change_user(username, role=role, office=office, attributes=attributes)
    if as_json:
        output.print_json(result)
    else:
        output.line(
            f"已更改用户 user changed: {result['username']} "
            f"({result['role']}, {result['office'] or 'city-wide'}) "
            f"{attributes_line(result['attributes'])}"
        )


@user_app.command("sessions")
def user_sessions(ctx: typer.Context, as_json: JSON = False) -> None:
    """List open sessions and API tokens, oldest first (admin only).

    Example: casework --as admin user sessions --json
    """
    rows = settings(ctx).reader().sessions()
    if as_json:
        output.print_json(rows)
        return
    output.table(
        "会话 Sessions",
        [
            ("编号 id", "cyan"),
            ("用户 user", ""),
            ("类型 kind", ""),
            ("最近 last seen", ""),
            ("到期 expires", ""),
            ("地址 address", ""),
        ],
        [
            (
                str(s["id"]),
                s["username"],
                f"{s['kind']} {s['scope']}" + (f" {s['name']}" if s["name"] else ""),
                s["last_seen_at"],
                s["expires_at"],
                s["address"] or "—",
            )
            for s in rows
        ],
    )


@user_app.command("revoke")
def user_revoke(
    ctx: typer.Context,
    session: Annotated[int, typer.Argument(metavar="ID", help="The session's id.")],
    as_json: JSON = False,
) -> None:
    """End a session or API token by its id (admin only): a forced logout.

    Example: casework --as admin user revoke 12
    """
    result = _admin_api(ctx).revoke_session(session)
    if as_json:
        output.print_json(result)
    else:
        output.line(f"已注销会话 session ended: {result['id']} ({result['username']})")


@user_app.command("token")
def user_token(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="What the token is for.")],
    scope: Annotated[str, typer.Option("--scope", help="read, or write (read and write).")] = (
        "read"
    ),
    days: Annotated[int, typer.Option("--days", help="Days until it expires (1-365).")] = 90,
    as_json: JSON = False,
) -> None:
    """Create an API token for the acting user; it is shown only this once.

    Example: casework --as clerk_pz user token nightly-export --scope read --days 30
    """
    result = settings(ctx).open().create_token(name, scope, days)
    if as_json:
        output.print_json(result)
        return
    output.line(f"令牌 token（只显示这一次 shown once）: {result['token']}")
    output.line(f"范围 scope: {result['scope']}，到期 expires: {result['expires_at']}")


def login_log(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day on (YYYY-MM-DD).")
    ] = None,
    as_json: JSON = False,
) -> None:
    """The login log: logins, failures, lockouts, logouts, password changes (admin only).

    Example: casework --as admin login-log --since 2020-12-01 --json
    """
    rows = settings(ctx).reader().login_log(since)
    if as_json:
        output.print_json(rows)
        return
    output.table(
        "登录日志 Login log",
        [
            ("时间 at", "cyan"),
            ("用户 user", ""),
            ("结果 outcome", ""),
            ("地址 address", ""),
            ("说明 detail", ""),
        ],
        [
            (r["at"], r["username"], r["outcome"], r["address"] or "—", r["detail"] or "")
            for r in rows
        ],
    )
