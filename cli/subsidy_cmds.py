"""``casework subsidy``: 以案定补 eligibility, the scale, quarterly claims and payout sheets."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli import output
from cli.state import parse_sets, settings

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
QUARTER = Annotated[str, typer.Option("--quarter", help="The claim quarter, e.g. 2020Q3.")]
OFFICE = Annotated[str | None, typer.Option("--office", help="Only this office.")]

subsidy_app = typer.Typer(
    help="以案定补: per-case subsidies for people's mediators, claimed per quarter.",
    no_args_is_help=True,
)
scale_app = typer.Typer(
    help="The subsidy scale: tiers and amounts with effective dates.", no_args_is_help=True
)
rules_app = typer.Typer(
    help="The eligibility rules and their effective dates.", invoke_without_command=True
)
tiers_app = typer.Typer(help="The ordered rules that propose a claim's tier.", no_args_is_help=True)
cap_app = typer.Typer(help="An optional cap per payee and quarter or year.", no_args_is_help=True)
subsidy_app.add_typer(scale_app, name="scale")
subsidy_app.add_typer(rules_app, name="rules")
subsidy_app.add_typer(tiers_app, name="tiers")
subsidy_app.add_typer(cap_app, name="cap")


@subsidy_app.command("check")
def check(
    ctx: typer.Context,
    case_no: Annotated[str, typer.Argument(metavar="CASE_NO", help="A mediation case number.")],
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter", help="Judge for this quarter (default: the quarter of its archive date)."
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Which eligibility rules pass and which fail for one mediation case, and why.

    Example: casework subsidy check TJ-2020-panzhou-00012 --quarter 2020Q3
    """
    result = settings(ctx).reader().subsidy.check(case_no, quarter)
    if as_json:
        output.print_json(result)
        return
    verdict = (
        "[green]符合 eligible[/green]" if result["eligible"] else "[red]不符合 not eligible[/red]"
    )
    output.line(f"{result['case_no']} {result['quarter'] or ''}: {verdict}")
    output.table(
        None,
        [("规则 rule", "cyan"), ("", ""), ("说明 why", "")],
        [
            (f"{r['label']} {r['rule']}", "✓" if r["passed"] else "[red]✗[/red]", r["message"])
            for r in result["rules"]
        ],
    )


@rules_app.callback()
def rules(ctx: typer.Context, as_json: JSON = False) -> None:
    """The eligibility rules, with the date from which oral agreements count."""
    if ctx.invoked_subcommand is not None:
        return
    rows = settings(ctx).open().subsidy.rules()
    if as_json:
        output.print_json(rows)
        return
    output.table(
        "以案定补条件 eligibility rules",
        [("规则 rule", "cyan"), ("中文", ""), ("生效 from", "")],
        [(r["rule"], r["label"], r["effective_from"] or "") for r in rows],
    )


@rules_app.command("set")
def rules_set(
    ctx: typer.Context,
    rule: Annotated[str, typer.Argument(metavar="RULE", help="oral_agreement")],
    start: Annotated[str, typer.Option("--from", help="From this date (YYYY-MM-DD).")],
    as_json: JSON = False,
) -> None:
    """Change when a dated rule takes effect (admin only).

    Example: casework --as admin subsidy rules set oral_agreement --from 2024-01-01
    """
    if rule != "oral_agreement":
        raise typer.BadParameter(
            f"只有口头协议 oral_agreement 有生效日期，不是 {rule[:30]!r} "
            "(only oral_agreement has an effective date)",
            param_hint="RULE",
        )
    result = settings(ctx).open().subsidy.set_oral_agreements_from(start)
    if as_json:
        output.print_json(result)
    else:
        output.line(f"口头协议自 {result['effective_from']} 起计入 oral agreements count from then")


@scale_app.command("show")
def scale_show(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option("--on", help="The scale in force on this date.")] = None,
    as_json: JSON = False,
) -> None:
    """The tiers and amounts in force (today, or --on a date), and every dated entry."""
    result = settings(ctx).open().subsidy.scale(on)
    if as_json:
        output.print_json(result)
        return
    output.table(
        f"以案定补标准 scale on {result['on']}",
        [("档次 tier", "cyan"), ("名称", ""), ("金额（元）", ""), ("生效 from", ""), ("", "")],
        [
            (
                t,
                v["label"],
                v["amount"],
                v["effective_from"],
                "示例 example" if v["example"] else "",
            )
            for t, v in result["tiers"].items()
        ],
    )


@scale_app.command("set")
def scale_set(
    ctx: typer.Context,
    amounts: Annotated[
        list[str],
        typer.Argument(metavar="TIER=YUAN...", help="Tiers and amounts, e.g. ordinary=300."),
    ],
    start: Annotated[str, typer.Option("--from", help="In force from this date.")],
    label: Annotated[
        list[str] | None, typer.Option("--label", help="TIER=中文名称 for a new tier.")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Set tiers' amounts from a date (admin only); other tiers keep theirs.

    Example: casework --as admin subsidy scale set --from 2020-07-01 ordinary=300 complex=600
    """
    amounts_set = parse_sets(amounts, "TIER=YUAN")
    labels = parse_sets(label, "--label")
    result = settings(ctx).open().subsidy.set_scale(start, amounts_set, labels)
    if as_json:
        output.print_json(result)
    else:
        tiers = ", ".join(f"{t}={v['amount']}" for t, v in result["scale"].items())
        output.line(f"自 {result['effective_from']} 起 in force: {tiers}")


@subsidy_app.command("draft")
def draft(
    ctx: typer.Context, quarter: QUARTER, office: OFFICE = None, as_json: JSON = False
) -> None:
    """Draft one claim per eligible mediation case archived in the quarter.

    Running it again drafts nothing twice. Ineligible cases are reported with the rules they
    fail. Example: casework --as clerk_pz subsidy draft --quarter 2020Q3 --office panzhou
    """
    with output.ProgressBar(f"起草 drafting {quarter}") as bar:
        result = settings(ctx).open().subsidy.draft(quarter, office, bar.advance_to)
    if as_json:
        output.print_json(result)
        return
    output.line(
        f"{result['quarter']}: 新起草 drafted {len(result['drafted'])}, 已有 existing "
        f"{len(result['existing'])}, 不符合 ineligible {len(result['ineligible'])} "
        f"(of {result['candidates']} archived)"
    )
    if result["ineligible"]:
        output.table(
            "不符合条件 ineligible",
            [("案件编号 case_no", "cyan"), ("未通过 failed rules", "red")],
            [(i["case_no"], ", ".join(i["failed"])) for i in result["ineligible"]],
        )


def _bulk(
    ctx: typer.Context,
    quarter: str,
    trigger: str,
    values: dict[str, str],
    office: str | None,
    as_json: JSON,
    label: str,
) -> None:
    with output.ProgressBar(f"{label} {quarter}") as bar:
        result = (
            settings(ctx)
            .open()
            .subsidy.advance_quarter(quarter, trigger, values, office, bar.advance_to, bar.total)
        )
    if as_json:
        output.print_json(result)
        return
    amount = f", {result['amount']:,} 元" if result["amount"] else ""
    output.line(f"{result['quarter']}: {label} {len(result['claims'])} claims{amount}")


@subsidy_app.command("town-check")
def town_check(
    ctx: typer.Context, quarter: QUARTER, office: OFFICE = None, as_json: JSON = False
) -> None:
    """The town judicial office's check (初审) of all its drafted claims of a quarter."""
    _bulk(ctx, quarter, "check", {}, office, as_json, "初审 checked")


@subsidy_app.command("approve")
def approve(
    ctx: typer.Context,
    quarter: QUARTER,
    tier: Annotated[
        str | None,
        typer.Option("--tier", help="A tier other than the proposed one (needs --tier-reason)."),
    ] = None,
    tier_reason: Annotated[
        str | None, typer.Option("--tier-reason", help="Why the tier differs from the proposal.")
    ] = None,
    claim: Annotated[
        str | None, typer.Option("--claim", help="Approve only this claim (BZ-...).")
    ] = None,
    office: OFFICE = None,
    as_json: JSON = False,
) -> None:
    """Approve (核定) a quarter's checked claims, each at its proposed tier, in one
    transaction (city justice bureau; not the claim's town checker). With --claim, one claim;
    --tier with --tier-reason changes the tier.

    Example: casework --as sup_justice subsidy approve --quarter 2020Q3
    """
    values = {k: v for k, v in (("tier", tier), ("tier_reason", tier_reason)) if v}
    if claim is None:
        _bulk(ctx, quarter, "approve", values, office, as_json, "核定 approved")
        return
    _one(ctx, claim, "approve", values, as_json)


def _one(
    ctx: typer.Context, claim: str, trigger: str, values: dict[str, str], as_json: bool
) -> None:
    result = settings(ctx).open().subsidy.advance(claim, trigger, values)
    if as_json:
        output.print_json(result)
        return
    output.line(f"{result['case_no']}: {trigger} → {result['state']}")


CLAIM = Annotated[str, typer.Argument(metavar="CLAIM", help="A claim number, BZ-2020-...")]


@subsidy_app.command("send-back")
def send_back(
    ctx: typer.Context,
    claim: CLAIM,
    reason: Annotated[str, typer.Option("--reason", help="Why it is sent back.")],
    to_fix: Annotated[str, typer.Option("--to-fix", help="What is to be corrected.")],
    as_json: JSON = False,
) -> None:
    """Send a claim back for correction (退回补正): the town office before or after its check,
    the justice bureau after it. The claim keeps its number and quarter."""
    _one(ctx, claim, "send_back", {"reason": reason, "to_fix": to_fix}, as_json)


@subsidy_app.command("resubmit")
def resubmit(
    ctx: typer.Context,
    claim: CLAIM,
    note: Annotated[str | None, typer.Option("--note", help="What was corrected.")] = None,
    as_json: JSON = False,
) -> None:
    """Resubmit a returned claim (重新提交; the claim's office): the rules run again, the
    number, quarter and history stay."""
    _one(ctx, claim, "resubmit", {"note": note} if note else {}, as_json)


@subsidy_app.command("reject")
def reject(
    ctx: typer.Context,
    claim: CLAIM,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            help="ineligible, false_record, duplicate, spot_check_failed, not_corrected, other.",
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", help="A free-text explanation.")] = None,
    as_json: JSON = False,
) -> None:
    """Refuse a claim for good (不予补贴): the town office before its check, the justice
    bureau at any step before approval."""
    values = {"reason": reason, **({"note": note} if note else {})}
    _one(ctx, claim, "reject", values, as_json)


@subsidy_app.command("sample")
def sample(
    ctx: typer.Context,
    quarter: QUARTER,
    share: Annotated[
        float | None, typer.Option("--share", help="Share to draw, 0..1 (default: setting).")
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="The draw's seed (same seed, same draw).")
    ] = 0,
    as_json: JSON = False,
) -> None:
    """Draw the quarter's town-checked claims for a spot check (抽中回访; city justice bureau),
    at least one per office, reproducibly.

    Example: casework --as clerk_justice subsidy sample --quarter 2020Q3 --seed 7
    """
    result = settings(ctx).open().subsidy.sample(quarter, share, seed)
    if as_json:
        output.print_json(result)
        return
    output.line(
        f"{result['quarter']}: 抽中 sampled {len(result['sampled'])} of {result['candidates']} "
        f"(share {result['share']:g}, seed {result['seed']})"
    )
    for claim_no in result["sampled"]:
        output.line(claim_no)


@subsidy_app.command("spot-check")
def spot_check(
    ctx: typer.Context,
    claim: CLAIM,
    method: Annotated[str, typer.Option("--method", help="phone, visit or file.")],
    result: Annotated[str, typer.Option("--result", help="pass or fail.")],
    as_json: JSON = False,
) -> None:
    """Record a spot check of a claim (回访抽查; justice bureau, not the claim's checker)."""
    _one(ctx, claim, "spot_check", {"method": method, "result": result}, as_json)


@subsidy_app.command("pay")
def pay(
    ctx: typer.Context,
    quarter: QUARTER,
    batch: Annotated[str, typer.Option("--batch", help="The payment batch, e.g. 2020年第三季度.")],
    office: OFFICE = None,
    as_json: JSON = False,
) -> None:
    """Mark a quarter's approved claims as paid (发放) in a named batch (admin)."""
    _bulk(ctx, quarter, "pay", {"batch": batch}, office, as_json, "发放 paid")


@subsidy_app.command("sheet")
def sheet(
    ctx: typer.Context,
    quarter: QUARTER,
    out: Annotated[
        str | None,
        typer.Option("--out", help="Write FILE.xlsx (or FILE.csv); - for XLSX on standard output."),
    ] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV on stdout.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing FILE.")] = False,
    office: OFFICE = None,
    as_json: JSON = False,
) -> None:
    """The quarter's payout sheet: approved claims per office and per mediator, with totals.

    Example: casework subsidy sheet --quarter 2020Q3 --out 2020Q3-以案定补.xlsx
    """
    from casework.read.export_xlsx import check_xlsx_path
    from casework.read.subsidy import to_csv, write_xlsx
    from casework.storage.outfiles import check_new

    as_text = out is not None and out.lower().endswith(".csv")
    if out and as_text:  # before anything is read
        check_new(out, force)
    elif out:
        check_xlsx_path(out, force)
    data = settings(ctx).reader().subsidy.sheet(quarter, office)
    if out:
        if as_text:
            output.write_text(out, to_csv(data), "out", "utf-8-sig", force)
        else:
            write_xlsx(data, out, force)
    if out == "-":
        return  # standard output holds the workbook
    if as_json:
        output.print_json(data)
    elif as_csv:
        sys.stdout.write(to_csv(data))
    else:
        if data["example"]:
            output.line(f"[yellow]{data['heading']}[/yellow]")
        output.table(
            f"以案定补 {data['quarter']} 按单位 by office",
            [("单位 office", "cyan"), ("名称", ""), ("件数 cases", ""), ("金额 yuan", "")],
            [
                (o["office"], o["office_name"], o["cases"], f"{o['amount']:,}")
                for o in data["by_office"]
            ]
            + [("合计 total", "", data["total_cases"], f"{data['total_amount']:,}")],
        )
        if out:
            output.line(f"已写入 written: {out}")


@subsidy_app.command("figures")
def figures(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD).")],
    as_json: JSON = False,
) -> None:
    """subsidy.cases and subsidy.amount for a period, with the claims behind them."""
    result = settings(ctx).reader().subsidy.figures(start, end)
    if as_json:
        output.print_json(result)
        return
    amount = result["subsidy.amount"]
    shown = "金额按示例标准，不计 (example scale)" if amount is None else f"{amount:,} 元"
    output.line(
        f"{result['from']}..{result['to']}: 纳入以案定补 {result['subsidy.cases']} 件, {shown}"
    )


@tiers_app.command("show")
def tiers_show(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option("--on", help="The rules in force on this date.")] = None,
    as_json: JSON = False,
) -> None:
    """The ordered tier rules (the first that holds proposes the tier) in force on a day."""
    result = settings(ctx).open().subsidy.tiers(on)
    if as_json:
        output.print_json(result)
        return
    rules = result["rules"]
    assert isinstance(rules, list)
    shown = "（示例 example）" if result["example"] else ""
    output.table(
        f"建议档次规则 tier rules on {result['on']}{shown}",
        [("档次 tier", "cyan"), ("条件（任一）any of", "")],
        [(r["tier"], json.dumps(r.get("any", []), ensure_ascii=False)) for r in rules],
    )


@tiers_app.command("set")
def tiers_set(
    ctx: typer.Context,
    rules: Annotated[str, typer.Argument(metavar="RULES", help="The rules as JSON, or a file.")],
    start: Annotated[str, typer.Option("--from", help="In force from this date.")],
    as_json: JSON = False,
) -> None:
    """Set the ordered tier rules from a date (admin only).

    Example: casework --as admin subsidy tiers set rules.json --from 2021-01-01
    """
    text = rules
    if not rules.lstrip().startswith("["):
        try:
            text = Path(rules).read_text("utf-8")
        except OSError as exc:
            raise typer.BadParameter(
                f"无法读取档次规则文件 {rules[:100]!r}：{exc.strerror}", param_hint="RULES"
            ) from None
    result = settings(ctx).open().subsidy.set_tiers(text, start)
    if as_json:
        output.print_json(result)
    else:
        output.line(f"建议档次规则自 {result['effective_from']} 起施行 tier rules in force")


@cap_app.command("set")
def cap_set(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="In force from this date.")],
    yuan: Annotated[
        int | None, typer.Option("--yuan", help="The cap in yuan per payee (omit: no cap).")
    ] = None,
    per: Annotated[str, typer.Option("--per", help="quarter or year.")] = "quarter",
    as_json: JSON = False,
) -> None:
    """Cap what one payee is paid per quarter or year, from a date (admin only).

    Example: casework --as admin subsidy cap set --from 2020-01-01 --yuan 3000 --per quarter
    """
    result = settings(ctx).open().subsidy.set_cap(start, yuan, per)
    if as_json:
        output.print_json(result)
    else:
        output.line(f"自 {result['effective_from']} 起封顶 cap: {result['cap']}")
