"""``casework committee`` and ``casework mediator``: people's mediation committees (调委会) and
their mediators (mediation.md 2.1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.inputs import readable
from cli.state import settings

if TYPE_CHECKING:
    from casework.domain.committees import CommitteeJSON, MemberJSON

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
UNRECORDED = "未登记 unrecorded"  # a seeded committee's term (casework.domain.committees)
ON = Annotated[str | None, typer.Option("--on", help="The day (YYYY-MM-DD); default today.")]
FROM = Annotated[
    str | None, typer.Option("--from", help="From this day (YYYY-MM-DD); default today.")
]

committee_app = typer.Typer(
    help="People's mediation committees (调委会) and their members.", no_args_is_help=True
)
mediator_app = typer.Typer(
    help="People's mediators (调解员): one committee at a time, moves kept.",
    no_args_is_help=True,
)


def _type_text(c: CommitteeJSON) -> str:
    sub = f"·{c['subtype_label']} {c['subtype']}" if c["subtype"] else ""
    return f"{c['type_label']} {c['type']}{sub}"


def _committee_line(c: CommitteeJSON) -> str:
    return (
        f"{c['code']} {output.escape(c['name'])}（{_type_text(c)}，指导单位 office "
        f"{c['office']}，任期至 term end {c['term_end'] or UNRECORDED}）"
    )


def _warn(problems: Sequence[str]) -> None:
    for p in problems:
        output.line(f"[yellow]注意 warning：{output.escape(p)}[/yellow]")


@committee_app.command("add")
def committee_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="Stable ASCII code, e.g. pz-yl.")],
    name: Annotated[str, typer.Option("--name", help="Name, e.g. 高州市医疗纠纷人民调解委员会.")],
    type: Annotated[
        str,
        typer.Option(
            "--type",
            help="village, residents, town, subdistrict, enterprise, industry, studio, stationed.",
        ),
    ],
    office: Annotated[
        str, typer.Option("--office", help="The guiding office: a town's 司法所 or city-justice.")
    ],
    subtype: Annotated[
        str | None,
        typer.Option(
            "--subtype",
            help="industry: medical, traffic, labour, property_mgmt, marriage_family, consumer, "
            "other; stationed: police, court, petition.",
        ),
    ] = None,
    village: Annotated[str | None, typer.Option("--village", help="The village (村/社区).")] = None,
    town: Annotated[
        str | None, typer.Option("--town", help="The town; default the guiding office's.")
    ] = None,
    mediator: Annotated[
        str | None, typer.Option("--mediator", help="A studio's named mediator (username).")
    ] = None,
    since: FROM = None,
    as_json: JSON = False,
) -> None:
    """Add a committee (admin, or a supervisor of its guiding office).

    Example: casework --as admin committee add pz-yl --name 高州市医疗纠纷人民调解委员会
    --type industry --subtype medical --office city-justice --from 2019-01-01
    """
    result = (
        settings(ctx)
        .open()
        .add_committee(
            code, name, type, office, subtype=subtype, town=town, village=village,
            mediator=mediator, since=since,
        )
    )  # fmt: skip
    if as_json:
        output.print_json(result)
        return
    output.line(f"已添加调委会 committee added: {_committee_line(result)}")


@committee_app.command("import")
def committee_import(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE.csv",
            help="UTF-8 CSV with header code,name,type,subtype,office,town,village,mediator,from"
            "; - for standard input.",
        ),
    ],
    as_json: JSON = False,
) -> None:
    """Add the committees of a CSV file, all or none (a bad row names its row and column).

    Example: casework --as admin committee import committees.csv
    """
    api = settings(ctx).open()
    with readable(file, "file") as path:
        rows = api.import_committees(path)
    if as_json:
        output.print_json(rows)
        return
    output.line(f"已导入调委会 committees imported: {len(rows)}")


@committee_app.command("list")
def committee_list(
    ctx: typer.Context,
    office: Annotated[str | None, typer.Option("--office", help="Guided by this office.")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Only this type.")] = None,
    problems: Annotated[
        bool,
        typer.Option(
            "--problems", help="Only those outside 3-9 members (PML art. 8) or past their term."
        ),
    ] = False,
    on: ON = None,
    as_json: JSON = False,
) -> None:
    """List the committees active on a day, with their members then and their problems.

    Example: casework committee list --office panzhou --problems
    """
    rows = settings(ctx).reader().committees(office, type, problems, on)
    if as_json:
        output.print_json(rows)
        return
    output.table(
        "调委会 Committees",
        [
            ("代码 code", "cyan"),
            ("名称 name", ""),
            ("类型 type", ""),
            ("指导单位 office", ""),
            ("委员 members", ""),
            ("任期至 term end", ""),
            ("问题 problems", "yellow"),
        ],
        [
            (c["code"], c["name"], _type_text(c), c["office"], c["members"],
             c["term_end"] or UNRECORDED, "；".join(c["problems"]) or "—")
            for c in rows
        ],
    )  # fmt: skip


@committee_app.command("show")
def committee_show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The committee's code.")],
    on: ON = None,
    as_json: JSON = False,
) -> None:
    """Show a committee with every membership it had (dates kept).

    Example: casework committee show panzhou-tj
    """
    c = settings(ctx).reader().committee(code, on)
    if as_json:
        output.print_json(c)
        return
    output.panel(
        f"调委会 {c['code']}",
        [
            ("名称 name", c["name"]),
            ("类型 type", _type_text(c)),
            ("指导单位 office", c["office"]),
            ("镇街 town", c["town"] or "—"),
            ("村居 village", c["village"] or "—"),
            ("调解员 mediator", c["mediator"] or "—"),
            ("运行 active", f"{c['active_from']} – {c['active_to'] or ''}"),
            ("任期至 term end", c["term_end"] or UNRECORDED),
            ("委员 members", c["members"]),
        ],
    )
    _warn(c["problems"])
    _members_table(c["memberships"])


def _members_table(rows: Sequence[MemberJSON]) -> None:
    output.table(
        "调解员 Mediators",
        [
            ("用户 username", "cyan"),
            ("姓名 name", ""),
            ("调委会 committee", ""),
            ("起 from", ""),
            ("止 to", ""),
            ("专职 full-time", ""),
        ],
        [
            (m["username"], m["name"] or "", m["committee"], m["from_day"], m["to_day"] or "—",
             "是 yes" if m["full_time"] else "否 no")
            for m in rows
        ],
    )  # fmt: skip


@mediator_app.command("add")
def mediator_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USER", help="Login name, ASCII.")],
    name: Annotated[str, typer.Option("--name", help="Full name, e.g. 李明.")],
    committee: Annotated[str, typer.Option("--committee", help="The committee's code.")],
    full_time: Annotated[
        bool, typer.Option("--full-time", help="A full-time mediator (专职).")
    ] = False,
    since: FROM = None,
    as_json: JSON = False,
) -> None:
    """Make a mediator a member of a committee (a new user gets role mediator).

    Example: casework --as admin mediator add li_ming --name 李明 --committee panzhou-tj
    --full-time --from 2020-01-01
    """
    m = (
        settings(ctx)
        .open()
        .add_mediator(username, name, committee, full_time=full_time, since=since)
    )
    if as_json:
        output.print_json(m)
        return
    output.line(f"已加入调委会 joined: {m['username']} → {m['committee']}，自 from {m['from_day']}")


@mediator_app.command("move")
def mediator_move(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="USER", help="The mediator's username.")],
    committee: Annotated[str, typer.Option("--committee", help="The new committee's code.")],
    since: Annotated[str, typer.Option("--from", help="The first day in the new committee.")],
    as_json: JSON = False,
) -> None:
    """Move a mediator to another committee from a day; the old membership ends the day before.

    Example: casework --as admin mediator move li_ming --committee pz-yl --from 2020-06-01
    """
    rows = settings(ctx).open().move_mediator(username, committee, since)
    if as_json:
        output.print_json(rows)
        return
    _members_table(rows)


@mediator_app.command("list")
def mediator_list(
    ctx: typer.Context,
    committee: Annotated[
        str | None, typer.Option("--committee", help="Only this committee.")
    ] = None,
    on: ON = None,
    as_json: JSON = False,
) -> None:
    """List the mediators' memberships in force on a day.

    Example: casework mediator list --committee panzhou-tj --on 2020-06-30
    """
    rows = settings(ctx).reader().mediators(committee, on)
    if as_json:
        output.print_json(rows)
        return
    _members_table(rows)
