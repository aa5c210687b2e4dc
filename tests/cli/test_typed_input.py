"""Values as typed (issue 17 point 4): dates outside 1990-01-01..2099-12-31 and numbers out of
range refused in one line naming the value and the range, never an internal error and never
taken; full-width ID numbers and phones written as people write them read as their normal form;
a date-only ``--at`` on the previous step's day taken after that step."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from casework.api import Casework
from casework.domain.identity import check_id_number, check_phone
from tests import petitions as P
from tests.cli.checks import error_line
from tests.helpers import VALID_ID, Cli, dump

DAYS = "1990-01-01..2099-12-31"
FULL_WIDTH_ID = VALID_ID.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
# Each a value that was an internal error or was taken: the run, the option it names, the
# range its one line must name.
OUT_OF_RANGE = [
    (("due", "--as-of", "9999-12-31"), "--as-of", DAYS),
    (("stats", "--from", "0001-01-01"), "--from", DAYS),
    (("stats", "--as-of", "9999-12-31"), "--as-of", DAYS),
    (("login-log", "--since", "0001-01-01"), "--since", DAYS),
    (("audit", "log", "--since", "0001-01-01"), "--since", DAYS),
    (("case", "list", "--as-of", "0001-01-01"), "--as-of", DAYS),
    (("case", "list", "--limit", "99999999999999999999"), "--limit", "1,000,000"),
    (("audit", "log", "--limit", "99999999999999999999"), "--limit", "1,000,000"),
    (("report", "annual", "--year", "0"), "--year", "1990..2099"),
    (("serve", "--port", "70000"), "--port", "1..65535"),
    (("serve", "--port", "0"), "--port", "1..65535"),
    (("serve", "--workers", "1000001"), "--workers", "1..256"),
]


@pytest.mark.parametrize(("argv", "flag", "allowed"), OUT_OF_RANGE, ids=lambda v: str(v))
def test_an_out_of_range_value_is_refused_naming_it_and_the_range(
    cw: Casework, cli: Cli, argv: tuple[str, ...], flag: str, allowed: str
) -> None:
    before = dump(cw.engine)
    line = error_line(cli(*argv, user="admin"), 1, flag)
    assert argv[-1] in line and allowed in line, line
    assert dump(cw.engine) == before


def test_a_step_at_year_one_is_refused_naming_the_range(cw: Casework, cli: Cli) -> None:
    before = dump(cw.engine)
    args = ("case", "register", "petition", "--office", "panzhou", "--title", "t")
    line = error_line(cli(*args, "--at", "0001-01-01", user="clerk_pz"), 1, "--at")
    assert "0001-01-01" in line and DAYS in line
    assert dump(cw.engine) == before


def test_a_full_width_date_is_the_date(cw: Casework, cli: Cli) -> None:
    result = cli("case", "list", "--overdue", "--as-of", "２０２０－１１－３０", "--json")
    assert result.exit_code == 0, result.stderr


def test_id_numbers_and_phones_as_typed_are_kept_in_one_normal_form() -> None:
    assert check_id_number(FULL_WIDTH_ID) == VALID_ID
    with_x = "\u3000１１０１０１１９９００３０７００２ｘ\u3000"  # and ideographic spaces
    assert check_id_number(with_x) == "11010119900307002X"
    for typed in ("+86 138 1234 5678", "138 1234 5678", "１３８１２３４５６７８", "+8613812345678"):
        assert check_phone(typed) == "13812345678", typed
    for typed in ("(0668)1234567", "0668 1234567", "0668-1234567", "+86-668-1234567"):
        assert check_phone(typed) == "0668-1234567", typed


def test_register_takes_a_full_width_id_and_normalises_phones(cw: Casework, cli: Cli) -> None:
    args = ("case", "register", "petition", "--office", "panzhou", "--title", "t", "--json")
    first = cli(*args, "--party", f"petitioner:陈某:{FULL_WIDTH_ID}:+86 138 1234 5678")
    second = cli(*args, "--party", f"petitioner:李某:{VALID_ID}:(0668)1234567")
    assert first.exit_code == 0 and second.exit_code == 0, first.stderr + second.stderr
    shown = [
        cw.acting("sup_pz").show(json.loads(r.stdout)["case_no"], reveal=True)["parties"][0]
        for r in (first, second)
    ]
    assert [(p["id_number"], p["phone"]) for p in shown] == [
        (VALID_ID, "13812345678"),
        (VALID_ID, "0668-1234567"),
    ]


def _ledger(path: Path, bad_row: bool) -> Path:
    """A ledger whose first row types its ID number and phone in full width; with
    ``bad_row``, a second row with an ID number too short."""
    header = ["台账编号", "登记日期", "案件标题", "当事人", "身份证号", "联系电话", "纠纷类型"]
    phone = "（０６６８）１２３４５６７"
    rows = [["TJ19-001", "2020-03-02", "邻里排水纠纷", "张三、李四", FULL_WIDTH_ID, phone, "邻里"]]
    if bad_row:
        rows.append(["TJ19-002", "2020-03-03", "土地边界纠纷", "王五、赵某", "12345", "", "邻里"])
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(rows)
    return path


@pytest.mark.parametrize("skip_bad", [False, True])
def test_a_ledger_takes_full_width_id_numbers_and_phones(
    cw: Casework, cli: Cli, tmp_path: Path, skip_bad: bool
) -> None:
    """A full-width ID number in a ledger is its ASCII form (it was a UnicodeEncodeError), with
    --skip-bad beside a bad row too (which goes to the rejects)."""
    ledger = _ledger(tmp_path / "调解台账.csv", bad_row=skip_bad)
    args = ["import", "mediation", str(ledger), "--json", *(["--skip-bad"] if skip_bad else [])]
    result = cli(*args, user="sup_pz")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (json.loads(result.stdout)["imported"], json.loads(result.stdout)["bad"]) == (
        1,
        1 if skip_bad else 0,
    )
    listed = json.loads(cli("case", "list", "--json", user="sup_pz").stdout)
    parties = [
        p
        for row in listed
        for p in cw.acting("sup_pz").show(row["case_no"], reveal=True)["parties"]
        if p["id_number"]
    ]
    assert [(p["id_number"], p["phone"]) for p in parties] == [(VALID_ID, "0668-1234567")]


def test_a_date_only_at_on_the_previous_steps_day_follows_it(cw: Casework, cli: Cli) -> None:
    """Registered at 15:30 on 2020-11-20, its letter filed ``--at 2020-11-20``: that day,
    after the registration (at its time), not refused as before it; typed in full width too."""
    case_no = P.register(cw, "2020-11-20T15:30")
    for day in ("2020-11-20", "２０２０－１１－２０"):
        result = cli("case", "doc", case_no, "letter", "--at", day, user="clerk_pz")
        assert result.exit_code == 0, result.stderr
    history = cw.acting("sup_pz").show(case_no)["history"]
    assert [e["occurred_at"] for e in history] == ["2020-11-20T15:30:00+08:00"] * 3
    # A day after the previous step's is that day's start, as before.
    result = cli("case", "doc", case_no, "letter", "--at", "2020-11-23", user="clerk_pz")
    assert result.exit_code == 0, result.stderr
    last = cw.acting("sup_pz").show(case_no)["history"][-1]
    assert last["occurred_at"] == "2020-11-23T00:00:00+08:00"


@pytest.mark.parametrize(
    "day", ["0001-01-01", "9999-12-31", "0001年1月1日", "２１００－０１－０１"]
)
def test_a_ledger_date_out_of_range_is_a_bad_row_naming_the_range(
    cw: Casework, cli: Cli, tmp_path: Path, day: str
) -> None:
    ledger = _ledger(tmp_path / "调解台账.csv", bad_row=False)
    ledger.write_text(ledger.read_text(encoding="utf-8-sig").replace("2020-03-02", day))
    before = dump(cw.engine)
    result = cli("import", "mediation", str(ledger), user="sup_pz")
    assert result.exit_code == 1 and DAYS in result.stdout + result.stderr, result.stdout
    assert dump(cw.engine) == before


def test_a_full_width_whole_number_option_is_the_number(cw: Casework, cli: Cli) -> None:
    """``--limit ２`` is ``--limit 2``; a title of full-width digits stays as typed."""
    args = ("case", "register", "petition", "--office", "panzhou", "--json")
    for title in ("１２３", "４５６", "７８９"):
        assert cli(*args, "--title", title, user="clerk_pz").exit_code == 0
    listed = cli("case", "list", "--limit", "２", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert [r["title"] for r in json.loads(listed.stdout)] == ["７８９", "４５６"]
    assert cli("due", "--within=\u3000７", "--json").exit_code == 0
    line = error_line(cli("case", "list", "--limit", "１０００００１"), 1, "--limit")
    assert "1,000,000" in line
