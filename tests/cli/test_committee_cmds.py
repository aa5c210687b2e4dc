"""``casework committee`` and ``casework mediator`` (cli/committee_cmds.py)."""

from __future__ import annotations

import json
from pathlib import Path

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import Cli, dump

MEDICAL = (
    "--name",
    "高州市医疗纠纷人民调解委员会",
    "--type",
    "industry",
    "--office",
    "city-justice",
)


def test_committee_add_list_and_show(cli: Cli) -> None:
    added = cli(
        "committee", "add", "gz-yl", *MEDICAL, "--subtype", "medical", "--from", "2019-01-01",
        "--json", user="admin",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    row = json.loads(added.stdout)
    assert (row["code"], row["term_end"], row["subtype_label"]) == ("gz-yl", "2022-01-01", "医疗")
    table = cli("committee", "list", "--type", "industry")
    assert table.exit_code == 0 and "gz-yl" in table.stdout and "panzhou-tj" not in table.stdout
    problems = json.loads(cli("committee", "list", "--problems", "--json").stdout)
    assert "gz-yl" in {c["code"] for c in problems}  # no members yet (PML art. 8)
    listed = json.loads(cli("committee", "list", "--office", "panzhou", "--json").stdout)
    assert [c["code"] for c in listed] == ["panzhou-tj"]
    shown = cli("committee", "show", "panzhou-tj")
    assert shown.exit_code == 0, shown.stderr
    assert "潘州街道人民调解委员会" in shown.stdout and "med2_pz" in shown.stdout
    # seeded before casework's records: the term is unrecorded, not warned as passed in 1993
    assert "未登记 unrecorded" in shown.stdout and "届满" not in shown.stdout


def test_committee_refusals_name_their_option_and_write_nothing(cli: Cli, cw: Casework) -> None:
    before = dump(cw.engine)
    line = error_line(cli("committee", "add", "gz-yl", *MEDICAL, user="admin"), 1, "--subtype")
    assert line.startswith("Error: 「行业性专业性调委会 industry」需要细类 subtype")
    base = ("committee", "add", "x-1", "--name", "某调委会", "--type")
    error_line(cli(*base, "guild", "--office", "panzhou", user="admin"), 1, "--type")
    error_line(cli(*base, "village", "--office", "nowhere", user="admin"), 1, "--office")
    error_line(cli(*base, "studio", "--office", "panzhou", user="admin"), 1, "--mediator")
    error_line(cli(*base, "village", "--office", "panzhou", user="clerk_pz"), 1, "--as")
    error_line(cli("committee", "show", "nowhere"), 1, "CODE")
    assert dump(cw.engine) == before


def test_committee_import_is_all_or_nothing(cli: Cli, cw: Casework, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "code,name,type,subtype,office,town,village,mediator,from\n"
        "pz-xc,新村村人民调解委员会,village,,panzhou,,新村,,2018-03-01\n"
        "pz-bad,某调委会,village,,panzhou,,,,2018-13-01\n",
        "utf-8",
    )
    before = dump(cw.engine)
    line = error_line(cli("committee", "import", str(path), user="admin"), 1)
    assert "第 3 行「from」列 (row 3, column from)" in line
    assert dump(cw.engine) == before
    path.write_text(path.read_text("utf-8").replace("2018-13-01", "2018-12-01"), "utf-8")
    done = cli("committee", "import", str(path), "--json", user="admin")
    assert done.exit_code == 0, done.stderr
    assert [c["code"] for c in json.loads(done.stdout)] == ["pz-xc", "pz-bad"]


def test_mediator_add_move_and_list(cli: Cli) -> None:
    added = cli(
        "mediator", "add", "li_ming", "--name", "李明", "--committee", "shanmei-tj",
        "--full-time", "--from", "2020-01-01", "--json", user="admin",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["full_time"] is True
    moved = cli(
        "mediator", "move", "li_ming", "--committee", "panzhou-tj", "--from", "2020-06-01",
        "--json", user="admin",
    )  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    assert [(m["committee"], m["to_day"]) for m in json.loads(moved.stdout)] == [
        ("shanmei-tj", "2020-05-31"),
        ("panzhou-tj", None),
    ]

    def on(day: str) -> set[str]:
        out = cli("mediator", "list", "--committee", "shanmei-tj", "--on", day, "--json")
        return {m["username"] for m in json.loads(out.stdout)}

    assert on("2020-05-31") == {"li_ming", "med_sm"} and on("2020-06-01") == {"med_sm"}
    table = cli("mediator", "list")
    assert table.exit_code == 0 and "li_ming" in table.stdout
    error_line(
        cli("mediator", "move", "li_ming", "--committee", "nowhere", "--from", "2020-07-01",
            user="admin"),
        1,
        "--committee",
    )  # fmt: skip


def test_a_case_registered_by_its_committee_takes_its_office(cli: Cli) -> None:
    cli("committee", "add", "gz-yl", *MEDICAL, "--subtype", "medical", "--from", "2019-01-01",
        user="admin")  # fmt: skip
    done = cli(
        "case", "register", "mediation", "--title", "医疗纠纷", "--set", "committee=gz-yl",
        "--at", "2020-07-01T09:00", "--json", user="clerk_justice",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    case_no = json.loads(done.stdout)["case_no"]
    assert case_no.startswith("TJ-2020-city-justice-")
    error_line(
        cli("case", "register", "mediation", "--title", "某", "--office", "panzhou",
            "--set", "committee=gz-yl", user="clerk_justice"),
        1,
        "--office",
    )  # fmt: skip
