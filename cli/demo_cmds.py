"""``casework demo``: the Gaozhou demo year, with the report figures beside casework's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import output
from cli.state import settings

if TYPE_CHECKING:
    from casework.demo.runner import DemoResult


def demo(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="The year to build.")] = 2020,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same database.")] = 2020,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Rebuild a demo database built before; never one with users or cases of its own.",
        ),
    ] = False,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Stop after this day (a quick partial year).", hidden=True),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Build a believable year in Gaozhou (28 towns, the city bureaus) through the same
    services a clerk uses, then print the 2020 report's figures beside casework's statistics.

    Example: casework demo            (about two minutes; then try `casework stats --by office`)
    """
    from casework.demo.runner import run_demo
    from casework.time.local import parse_date

    s = settings(ctx)
    stop = parse_date(until, "until") if until else None
    with output.ProgressBar(f"演示数据 building {year}") as bar:

        def progress(done: int, total: int) -> None:
            bar.total(total)
            bar.advance_to(done)

        result = run_demo(s.database(), year, seed, force, progress, stop)
    # A partial year (--until) falls short of the report by design; a full one must match,
    # and look like 2020 (every realism check in its band).
    failed = stop is None and not result["all_match"]
    unreal = [r["check"] for r in result["realism"] if not r["ok"]]
    if as_json:
        output.print_json(result)
    else:
        _print(result)
    if failed:
        output.error(
            "casework 的数字与报告不符，见上表 (casework's figures differ from the report's)"
        )
    if unreal:
        output.error(f"演示年份不够真实，超出范围 (out of band)：{', '.join(unreal)}")
    if failed or unreal:
        raise typer.Exit(1)


def _print(result: DemoResult) -> None:
    """The year's size, then the report's figures beside casework's."""
    size = f"{result['bytes'] / 1e6:.1f} MB" if result["bytes"] else "n/a"
    output.line(
        f"{result['year']}: {result['cases']:,} cases, {result['events']:,} events, "
        f"{result['steps']:,} steps in {result['seconds']} s; database {result['database']} "
        f"({size})"
    )
    output.table(
        f"高州市{result['year']}年法治政府建设年度报告 一(七)3 与 一(八) 的数字",
        [
            ("报告 report", ""),
            ("报告值", ""),
            ("casework", "bold"),
            ("", ""),
            ("指标 metric", "dim"),
        ],
        [
            (
                r["figure"],
                f"{r['report']:,}",
                f"{r['casework']:,}" if r["casework"] is not None else "—",
                "[green]✓[/green]" if r["match"] else "[red]✗[/red]",
                r["metric"],
            )
            for r in result["figures"]
        ],
    )
    got = {k.removeprefix("reconsideration."): v for k, v in result["invented"].items()}
    output.line(
        "行政复议（虚构演示案例 invented cases, 1999年法; 报告无此数字）："
        f"收到申请 {got['received']} 件，受理 {got['accepted']} 件，审结 {got['concluded']} 件，"
        f"纠错率 {got['correction_rate']}%，按期审结率 {got['on_time_rate']}%"
    )
    if "login" in result:
        login = result["login"]
        output.line(
            f"演示登录 demo login: casework serve，然后 http://127.0.0.1:8000/login "
            f"用户 {login['username']} 密码 {login['password']}"
            "（仅显示这一次，首次登录须修改 shown once; change it at the first login）"
        )
    if result["realism"]:
        output.table(
            "演示年份的真实性 realism (procedures/mediation.md)",
            [("检查 check", ""), ("值 value", "bold"), ("范围 band", ""), ("", "")],
            [
                (
                    r["check"],
                    f"{r['value']:g}" if r["value"] is not None else "—",
                    r["band"],
                    "[green]✓[/green]" if r["ok"] else "[red]✗[/red]",
                )
                for r in result["realism"]
            ],
        )
