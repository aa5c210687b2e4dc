"""``casework screening``: the dispute screening ledger (矛盾纠纷排查台账), its campaigns, an
entry's cases and the months without a routine entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.state import settings

if TYPE_CHECKING:
    from casework.storage.screenings import ScreeningJSON

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
FROM = Annotated[str | None, typer.Option("--from", help="First local date.")]
TO = Annotated[str | None, typer.Option("--to", help="Last local date.")]
OFFICE = Annotated[str | None, typer.Option("--office", help="Only this office.")]
ZERO = "零报告"

screening_app = typer.Typer(
    help="The dispute screening ledger (矛盾纠纷排查台账).", no_args_is_help=True
)
campaign_app = typer.Typer(
    help="Special screening campaigns (专项排查), whose dates hold their entries.",
    no_args_is_help=True,
)
screening_app.add_typer(campaign_app, name="campaign")


def _measures(row: ScreeningJSON) -> str:
    return "；".join(f"{m['label']} {m['cases']}件{m['people']}人" for m in row["measures"])


@screening_app.command("log")
def screening_log(
    ctx: typer.Context,
    office: Annotated[str, typer.Option("--office", help="The screening office.")],
    day: Annotated[str, typer.Option("--date", help="The day of the screening.")],
    kind: Annotated[str, typer.Option("--kind", help="routine (常规) or special (专项).")],
    found: Annotated[str, typer.Option("--found", help="Disputes found (0 for 零报告).")],
    prevented: Annotated[str, typer.Option("--prevented", help="Disputes prevented.")],
    campaign: Annotated[
        str | None,
        typer.Option("--campaign", help="The code of a special screening's campaign."),
    ] = None,
    committee: Annotated[
        str | None, typer.Option("--committee", help="The committee (调委会) that screened.")
    ] = None,
    measure: Annotated[
        list[str] | None,
        typer.Option(
            "--measure",
            help="A prevention measure KIND:件:人 (criminal, group_petition, group_fight, "
            "suicide); repeat for several kinds.",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note.")] = None,
    as_json: JSON = False,
) -> None:
    """Record a screening of an office's area.

    Example: casework --as clerk_pz screening log --office panzhou --date 2020-03-02
    --kind special --campaign 2020-yq --found 3 --prevented 2 --measure criminal:1:4
    """
    row = (
        settings(ctx)
        .open()
        .log_screening(
            office,
            day,
            kind,
            found,
            prevented,
            campaign,
            note,
            committee=committee,
            measures=measure or (),
        )
    )
    if as_json:
        output.print_json(row)
        return
    zero = f" {ZERO}" if row["zero_report"] else ""
    extra = f"；{_measures(row)}" if row["measures"] else ""
    output.line(
        f"已登记排查 screening {row['id']}: {row['office']} {row['date']} "
        f"{row['kind_label']} found {row['found']}, prevented {row['prevented']}{zero}{extra}"
    )


@screening_app.command("list")
def screening_list(
    ctx: typer.Context,
    office: OFFICE = None,
    start: FROM = None,
    end: TO = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="routine or special, or its Chinese label (常规, 专项)."),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Screening entries, newest first."""
    rows = settings(ctx).reader().screenings(office, start, end, kind)
    if as_json:
        output.print_json(rows)
        return
    output.table(
        f"排查台账 screenings ({len(rows)})",
        [
            ("#", "dim"),
            ("单位 office", "cyan"),
            ("日期 date", ""),
            ("类型 kind", ""),
            ("专项 campaign", ""),
            ("排查 found", ""),
            ("预防 prevented", ""),
            ("防激化 measures", ""),
        ],
        [
            (
                r["id"],
                r["office"],
                r["date"],
                r["kind_label"],
                r["campaign"] or "",
                ZERO if r["zero_report"] else r["found"],
                r["prevented"],
                _measures(r),
            )
            for r in rows
        ],
    )


@screening_app.command("show")
def screening_show(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(metavar="ID", help="The entry's number.")],
    as_json: JSON = False,
) -> None:
    """One entry and the cases registered as found by it (--set screening=ID)."""
    row = settings(ctx).reader().screening(id)
    if as_json:
        output.print_json(row)
        return
    output.panel(
        f"排查 screening {row['id']}",
        [
            ("单位 office", row["office"]),
            ("调委会 committee", row["committee"] or "—"),
            ("日期 date", row["date"]),
            ("类型 kind", row["kind_label"]),
            ("专项 campaign", row["campaign"] or "—"),
            ("排查发现 found", f"{row['found']}" + (f" {ZERO}" if row["zero_report"] else "")),
            ("预防纠纷 prevented", row["prevented"]),
            ("防激化 measures", _measures(row) or "—"),
            ("已登记 registered", f"{row['linked']} / {row['found']}"),
            ("备注 note", row["note"] or ""),
        ],
    )
    if row["cases"]:
        output.table(
            "排查发现登记 cases",
            [("案件 case_no", "cyan"), ("类型 kind", ""), ("状态 state", ""), ("登记 on", "")],
            [(c["case_no"], c["kind"], c["state"], c["registered_on"]) for c in row["cases"]],
        )


@screening_app.command("gaps")
def screening_gaps(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="First local date.")],
    end: Annotated[str, typer.Option("--to", help="Last local date.")],
    office: OFFICE = None,
    as_json: JSON = False,
) -> None:
    """Office-months without a routine entry (screening.routine_per_month a month).

    Example: casework screening gaps --from 2020-01-01 --to 2020-11-30 --json
    """
    found = settings(ctx).reader().screening_gaps(start, end, office)
    if as_json:
        output.print_json(found)
        return
    output.table(
        f"缺少常规排查 gaps {found['from']}..{found['to']} ({len(found['gaps'])})",
        [("单位 office", "cyan"), ("月份 month", ""), ("常规 routine", ""), ("应有 required", "")],
        [(g["office"], g["month"], g["routine"], g["required"]) for g in found["gaps"]],
    )


@campaign_app.command("add")
def campaign_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The campaign's code (2020-yq).")],
    name: Annotated[str, typer.Option("--name", help="The campaign's name.")],
    start: Annotated[str, typer.Option("--from", help="Its first day.")],
    end: Annotated[str, typer.Option("--to", help="Its last day.")],
    pandemic: Annotated[
        bool, typer.Option("--pandemic", help="A pandemic campaign (疫情专项排查).")
    ] = False,
    as_json: JSON = False,
) -> None:
    """Open a special screening campaign (专项排查) from a day to a day.

    Example: casework --as sup_city screening campaign add 2020-yq --name 疫情防控矛盾纠纷专项排查
    --from 2020-01-24 --to 2020-07-31 --pandemic
    """
    row = settings(ctx).open().add_screening_campaign(code, name, start, end, pandemic)
    if as_json:
        output.print_json(row)
        return
    flag = " 疫情专项" if row["pandemic"] else ""
    days = f"{row['from']}..{row['to']}"
    output.line(f"已开设专项 campaign {row['code']}: {row['name']} {days}{flag}")


@campaign_app.command("list")
def campaign_list(ctx: typer.Context, as_json: JSON = False) -> None:
    """The special campaigns, latest first, with their number of entries."""
    rows = settings(ctx).reader().screening_campaigns()
    if as_json:
        output.print_json(rows)
        return
    output.table(
        f"专项排查 campaigns ({len(rows)})",
        [
            ("代码 code", "cyan"),
            ("名称 name", ""),
            ("起 from", ""),
            ("止 to", ""),
            ("疫情 pandemic", ""),
            ("排查 entries", ""),
        ],
        [
            (r["code"], r["name"], r["from"], r["to"], "是" if r["pandemic"] else "", r["entries"])
            for r in rows
        ],
    )
