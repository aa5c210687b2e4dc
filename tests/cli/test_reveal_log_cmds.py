"""``casework reveal-log`` and the rows ``case show --reveal`` and ``export --reveal`` leave
(issue 14 point 6): recorded as made on the command line, listed for admins only."""

from __future__ import annotations

import json
from pathlib import Path

from casework.api import Casework
from tests.helpers import NOBODY, VALID_ID, Cli, FrozenClock, dump


def _case(cw: Casework) -> str:
    return cw.acting("clerk_pz").register(
        "petition", "panzhou", "拖欠工资", [f"petitioner:陈某:{VALID_ID}:13800138000"]
    )["case_no"]


def listed(cli: Cli, *args: str) -> list[dict[str, object]]:
    result = cli("reveal-log", "--json", *args, user="admin")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_show_reveal_is_recorded_with_the_cli_and_the_system_account(
    cw: Casework, cli: Cli, clock: FrozenClock
) -> None:
    case_no = _case(cw)
    assert cli("case", "show", case_no, "--json", user="sup_pz").exit_code == 0
    assert listed(cli) == []  # masked: nothing to record
    clock.set("2020-12-02T16:00:00")
    shown = cli("case", "show", case_no, "--reveal", "--json", user="sup_pz")
    assert shown.exit_code == 0, shown.stderr
    assert VALID_ID in shown.stdout
    [row] = listed(cli)
    assert (row["username"], row["case_no"], row["what"]) == ("sup_pz", case_no, "case show")
    assert (row["at"], row["channel"]) == ("2020-12-02T16:00:00+08:00", "cli")
    assert row["os_user"]  # the operating-system account that ran the command


def test_a_refused_reveal_records_nothing(cw: Casework, cli: Cli) -> None:
    case_no = _case(cw)
    before = dump(cw.engine)
    refused = cli("case", "show", case_no, "--reveal", user="clerk_pz")
    assert refused.exit_code == 1 and refused.stderr.strip().endswith("(--reveal)")
    assert dump(cw.engine) == before


def test_export_reveal_names_its_filter(cw: Casework, cli: Cli, tmp_path: Path) -> None:
    _case(cw)
    out = tmp_path / "cases.json"
    args = ("export", "cases", "--out", str(out), "--kind", "petition", "--to", "2020-12-31")
    assert cli(*args, user="sup_city").exit_code == 0
    assert listed(cli) == []
    done = cli(*args, "--reveal", "--force", user="sup_city")
    assert done.exit_code == 0, done.stderr
    [row] = listed(cli)
    assert (row["username"], row["what"], row["case_no"]) == ("sup_city", "export", None)
    assert row["detail"] == f"kind=petition to=2020-12-31 out={out}"


def test_only_admins_list_it_by_day_and_user(cw: Casework, cli: Cli, clock: FrozenClock) -> None:
    case_no = _case(cw)
    for day, who in (("2020-12-01", "sup_pz"), ("2020-12-03", "sup_justice")):
        clock.set(f"{day}T10:00:00")
        assert cli("case", "show", case_no, "--reveal", user=who).exit_code == 0
    assert [r["username"] for r in listed(cli)] == ["sup_pz", "sup_justice"]
    assert [r["username"] for r in listed(cli, "--since", "2020-12-02")] == ["sup_justice"]
    assert [r["username"] for r in listed(cli, "--user", "sup_pz")] == ["sup_pz"]
    table = cli("reveal-log", user="admin")
    assert table.exit_code == 0 and "sup_pz" in table.stdout
    for who, code in (("sup_pz", 1), (NOBODY, 2)):  # not an admin; no acting user at all
        refused = cli("reveal-log", "--json", user=who)
        assert refused.exit_code == code and "--as" in refused.stderr.strip().splitlines()[-1]
    bad = cli("reveal-log", "--since", "2020-13-01", user="admin")
    assert bad.exit_code == 1 and bad.stderr.strip().endswith("(--since)")
