"""``casework init``, ``office`` and ``user``: set-up, offices and users."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import output
from cli.state import parse_sets, settings

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
# A user's declared attributes (docs/cli.md lists them), repeatable; KEY= removes one.
ATTRS = Annotated[
    list[str] | None,
    typer.Option(
        "--attr",
        metavar="KEY=VALUE",
        help="A user attribute, repeatable, e.g. legal_qualification=yes, "
        "reviewer_since=2024-03-01; KEY= removes it.",
    ),
]


def attributes_line(attributes: dict[str, str]) -> str:
    """A user's attributes as one cell: ``legal_qualification=yes reviewer_since=...``."""
    return " ".join(f"{k}={v}" for k, v in attributes.items()) or "—"


office_app = typer.Typer(
    help="Offices (单位): town judicial offices and city bodies.", no_args_is_help=True
)
user_app = typer.Typer(help="Users (用户): one role and one office each.", no_args_is_help=True)


def init(
    ctx: typer.Context,
    offices: Annotated[
        str | None,
        typer.Option(help="Load a shipped office list: gaozhou (28 towns, 4 city bodies)."),
    ] = None,
    admin: Annotated[str, typer.Option(help="Username of the first admin.")] = "admin",
    as_json: JSON = False,
) -> None:
    """Create or upgrade the database schema; idempotent.

    Example: casework init --offices gaozhou
    """
    from casework.api import Casework, refuse_frozen_clock

    s = settings(ctx)
    if s.frozen():
        refuse_frozen_clock(s.database())
    cw = Casework.initialise(s.database(), offices=offices, admin=admin, clock=s.clock())
    done = cw.last_init
    if as_json:
        output.print_json({"database": s.database(), **done})
        return
    output.line(f"数据库 database: {s.database()} (schema {done.get('revision')})")
    output.line(f"新增单位 offices added: {len(done['offices_added'])}")
    if done["admin_created"]:
        output.line(f"管理员 admin created: {done['admin_created']}")


@office_app.command("add")
def office_add(
    ctx: typer.Context,
    code: Annotated[
        str, typer.Argument(metavar="CODE", help="Stable ASCII code, used in case numbers.")
    ],
    name: Annotated[str, typer.Option("--name", help="Official name, e.g. 潘州街道司法所.")],
    level: Annotated[str, typer.Option("--level", help="town or city.")],
    kind: Annotated[
        str | None,
        typer.Option(
            help="town, subdistrict, bureau, centre, department (承办单位); "
            "petition_bureau for 信访部门."
        ),
    ] = None,
    parent: Annotated[
        str | None,
        typer.Option(
            "--parent",
            help="The office above it (上级机关), which reviews its petitions: an office code, "
            "or ext:NAME for an organ outside casework (ext:茂名市司法局). Default: a town's "
            "is city-justice, a city office's ext:茂名市人民政府.",
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Add an office (admin only).

    Example: casework --as admin office add xinan --name 新安镇司法所 --level town
    --parent city-justice
    """
    result = settings(ctx).open().add_office(code, name, level, kind, parent)
    if as_json:
        output.print_json(result)
    else:
        output.line(
            f"已添加单位 office added: {result['code']} {output.escape(result['name'])}，"
            f"上级机关 parent: {output.escape(result.get('parent') or '—')}"
        )


@office_app.command("list")
def office_list(ctx: typer.Context, as_json: JSON = False) -> None:
    """List offices, each with its level and its parent (上级机关) today.

    Example: casework office list --json
    """
    rows = settings(ctx).open().offices()
    if as_json:
        output.print_json(rows)
        return
    output.table(
        "单位 Offices",
        [("代码 code", "cyan"), ("名称 name", ""), ("级别 level", ""), ("上级机关 parent", "")],
        [
            (o["code"], o["name"], f"{o['level_label']} {o['level']}", o.get("parent") or "—")
            for o in rows
        ],
    )


@user_app.command("add")
def user_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USERNAME", help="Login name, ASCII.")],
    name: Annotated[str, typer.Option("--name", help="Full name, e.g. 李明.")],
    role: Annotated[
        str, typer.Option("--role", help="clerk, mediator, supervisor, leader, admin, viewer.")
    ],
    office: Annotated[str | None, typer.Option("--office", help="Office code.")] = None,
    attr: ATTRS = None,
    as_json: JSON = False,
) -> None:
    """Add a user (admin only), with any attributes given.

    Example: casework --as admin user add li_ming --name 李明 --role clerk --office panzhou
    """
    attributes = parse_sets(attr, "--attr")
    result = settings(ctx).open().add_user(username, name, role, office, attributes)
    if as_json:
        output.print_json(result)
    else:
        output.line(
            f"已添加用户 user added: {result['username']} {result['name']} "
            f"({result['role_label']} {result['role']}, {result['office'] or 'city-wide'})"
            + (f" {attributes_line(result['attributes'])}" if result["attributes"] else "")
        )


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: JSON = False) -> None:
    """List users by office."""
    rows = settings(ctx).reader().users()
    if as_json:
        output.print_json(rows)
        return
    output.table(
        "用户 Users",
        [
            ("用户名 username", "cyan"),
            ("姓名 name", ""),
            ("角色 role", ""),
            ("单位 office", ""),
            ("属性 attributes", ""),
        ],
        [
            (
                u["username"],
                u["name"],
                f"{u['role_label']} {u['role']}",
                u["office"] or "—",
                attributes_line(u["attributes"]),
            )
            for u in rows
        ],
    )
