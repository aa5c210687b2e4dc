"""What ``casework export cases`` holds (issue 17 point 1): Chinese labels for kind, state, role
and choices with the codes beside them, each registration value in its own column, typed XLSX
cells, long cells refused rather than cut, JSON keeping codes, and the export re-importing."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from casework.api import Casework
from tests.helpers import VALID_ID, Cli, FrozenClock, add_staff, dump

DISPUTE = {
    "source": "application",
    "dispute_type": "neighbour",
    "amount_claimed": "12000",
    "people": "3",
    "received_on": "2020-03-30",
}


def _world(cw: Casework) -> tuple[str, str]:
    clerk = cw.acting("clerk_pz")
    petition = clerk.register(
        "petition",
        "panzhou",
        "拖欠工资",
        [f"petitioner:陈某:{VALID_ID}:13800138000"],
        {"channel": "visit"},
        at="2020-03-01T09:30",
    )["case_no"]
    mediation = clerk.register(
        "mediation",
        "panzhou",
        "邻里纠纷",
        ["applicant:黄某", "respondent:李某"],
        DISPUTE,
        at="2020-04-01T10:15",
    )["case_no"]
    return str(petition), str(mediation)


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_a_sheet_shows_labels_with_the_codes_beside_them(cw: Casework, tmp_path: Path) -> None:
    petition, mediation = _world(cw)
    out = tmp_path / "cases.csv"
    cw.acting("sup_pz").export_cases(str(out))
    rows = {r["案件编号"]: r for r in _csv(out)}
    assert (rows[petition]["案件类型"], rows[petition]["状态"]) == ("信访事项", "已登记")
    assert (rows[mediation]["案件类型"], rows[mediation]["状态"]) == ("人民调解", "已申请")
    assert rows[petition]["当事人"] == "信访人:陈某"
    assert rows[mediation]["当事人"] == "申请人:黄某；被申请人:李某"
    assert (rows[petition]["类型代码"], rows[petition]["状态代码"]) == ("petition", "registered")


def test_each_registration_value_has_its_own_column(cw: Casework, tmp_path: Path) -> None:
    petition, mediation = _world(cw)
    out = tmp_path / "cases.csv"
    cw.acting("sup_pz").export_cases(str(out))
    rows = _csv(out)
    header = list(rows[0])
    # In the registry's order of procedures (mediation before petition), each one's fields in
    # declared order.
    assert header.index("案件来源") < header.index("纠纷类型") < header.index("涉及人数")
    assert header.index("涉及人数") < header.index("涉及金额(元)") < header.index("信访形式")
    assert "案件数据" not in header  # the values are in their columns; the history replays the rest
    by_no = {r["案件编号"]: r for r in rows}
    assert by_no[mediation]["纠纷类型"] == "邻里" and by_no[mediation]["涉及金额(元)"] == "12000"
    assert by_no[mediation]["签收材料日期"] == "2020-03-30"
    assert by_no[petition]["信访形式"] == "来访" and by_no[petition]["纠纷类型"] == ""
    only = tmp_path / "mediation.csv"
    cw.acting("sup_pz").export_cases(str(only), kind="mediation")
    assert "信访形式" not in _csv(only)[0]  # only the exported procedures' values


def test_xlsx_cells_are_dates_and_numbers(cw: Casework, tmp_path: Path) -> None:
    _, mediation = _world(cw)
    out = tmp_path / "cases.xlsx"
    cw.acting("sup_pz").export_cases(str(out), kind="mediation")
    from openpyxl import load_workbook

    sheet = load_workbook(out)["案件"]
    header, row = (list(r) for r in sheet.iter_rows(values_only=True))
    cell = dict(zip(header, row, strict=True))
    assert cell["案件编号"] == mediation
    assert cell["登记时间"] == datetime(2020, 4, 1, 10, 15)  # local time, as a date-time cell
    assert sheet.cell(2, header.index("登记时间") + 1).is_date
    assert cell["涉及金额(元)"] == 12000 and cell["涉及人数"] == 3
    assert cell["签收材料日期"] == datetime(2020, 3, 30)
    assert cell["纠纷类型"] == "邻里"
    chosen = tmp_path / "chosen.xlsx"
    cw.acting("sup_pz").export_cases(str(chosen), columns="registered_on,version")
    day, version = next(load_workbook(chosen)["案件"].iter_rows(min_row=2, values_only=True))
    assert (day, version) == (datetime(2020, 3, 1), 1)


def test_json_keeps_codes_and_objects(cw: Casework, tmp_path: Path) -> None:
    petition, mediation = _world(cw)
    out = tmp_path / "cases.json"
    cw.acting("sup_pz").export_cases(str(out))
    records = {r["case_no"]: r for r in json.loads(out.read_text("utf-8"))}
    assert list(records[mediation]) == [
        "case_no",
        "kind",
        "office",
        "title",
        "state",
        "registered_at",
        "parties",
        "id_numbers",
        "phones",
        "data",
        "history",
    ]
    got = records[mediation]
    assert (got["kind"], got["state"]) == ("mediation", "applied")
    assert got["parties"] == "applicant:黄某；respondent:李某"
    assert got["data"]["dispute_type"] == "neighbour"
    assert got["registered_at"] == "2020-04-01T10:15:00+08:00"
    chosen = tmp_path / "chosen.json"
    cw.acting("sup_pz").export_cases(str(chosen), columns="case_no,kind_code,fields,registered_on")
    first = {r["case_no"]: r for r in json.loads(chosen.read_text("utf-8"))}
    assert first[petition] == {
        "case_no": petition,
        "kind_code": "petition",
        "fields": {"channel": "visit", "people": 1, "address_known": "yes", "litigation": "no"},
        "registered_on": "2020-03-01",
    }
    assert first[mediation]["fields"]["amount_claimed"] == 12000


def _long_history(cw: Casework) -> str:
    no = cw.acting("clerk_pz").register("mediation", "panzhou", "长卷宗", ["applicant:黄某"])
    for i in range(20):
        cw.acting("clerk_pz").add_document(
            str(no["case_no"]), "evidence", note=f"证据{i}" + "详" * 1900
        )
    return str(no["case_no"])


def test_a_cell_too_long_for_xlsx_is_refused_not_cut(
    cw: Casework, cli: Cli, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-06-01T09:00")
    no = _long_history(cw)
    out = tmp_path / "long.xlsx"
    before = dump(cw.engine)
    result = cli("export", "cases", "--out", str(out), user="sup_pz")
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert no in result.stderr and "办理经过" in result.stderr and "32767" in result.stderr
    assert not out.exists() and not (tmp_path / "long.xlsx.partial").exists()
    assert dump(cw.engine) == before
    # The same cases as CSV hold the whole history, and re-import with every document.
    full = tmp_path / "long.csv"
    assert cli("export", "cases", "--out", str(full), user="sup_pz").exit_code == 0
    copy = Casework.initialise(str(tmp_path / "copy.db"), offices="gaozhou", clock=clock)
    add_staff(copy)
    assert copy.acting("sup_pz").import_ledger("mediation", str(full))["imported"] == 1
    assert len(copy.acting("sup_pz").show(no)["history"]) == 21
    copy.close()


def _cases(cw: Casework) -> dict[str, Any]:
    shown = {}
    for row in cw.acting("sup_city").cases():
        case = cw.acting("sup_city").show(str(row["case_no"]))
        steps = [(e["trigger"], e["occurred_at"]) for e in case["history"]]
        people = [(p["role"], p["name"]) for p in case["parties"]]
        shown[case["title"]] = (case["kind"], case["state"], case["data"], people, steps)
    return shown


def test_an_xlsx_export_with_labels_re_imports_the_same_cases(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-06-01T09:00")
    _, mediation = _world(cw)
    cw.acting("sup_pz").advance(mediation, "accept", {"mediator": "med_pz"}, at="2020-04-02")
    copy = Casework.initialise(str(tmp_path / "copy.db"), offices="gaozhou", clock=clock)
    add_staff(copy)
    for kind in ("petition", "mediation"):
        out = tmp_path / f"{kind}.xlsx"
        cw.acting("sup_city").export_cases(str(out), kind=kind)
        imported = copy.acting("admin").import_ledger(kind, str(out))
        assert (imported["imported"], imported["bad"], imported["unused_columns"]) == (1, 0, [])
    assert _cases(copy) == _cases(cw)
    copy.close()


def test_a_column_named_for_its_values_is_listed(cli: Cli) -> None:
    result = cli("export", "cases", "--out", "x.csv", "--columns", "case_no,secret")
    assert result.exit_code == 1 and "fields" in result.stderr and "kind_code" in result.stderr


def test_registration_day_of_a_sheet_is_a_day(cw: Casework, tmp_path: Path) -> None:
    _world(cw)
    out = tmp_path / "d.csv"
    cw.acting("sup_pz").export_cases(str(out), columns="case_no,registered_on,registered_at")
    first = _csv(out)[0]
    assert first["登记日期"] == date(2020, 3, 1).isoformat()
    assert first["登记时间"] == "2020-03-01T09:30:00+08:00"


def test_a_history_longer_than_csv_reads_by_default_re_imports(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    # The refusal of a long XLSX cell says to export CSV: its 办理经过 must read back whole even
    # past Python's default CSV field limit (131,072 characters).
    clock.set("2020-06-01T09:00")
    no = cw.acting("clerk_pz").register("mediation", "panzhou", "很长的卷宗", ["applicant:黄某"])
    case_no = str(no["case_no"])
    for i in range(72):
        cw.acting("clerk_pz").add_document(case_no, "evidence", note=f"证据{i}" + "详" * 1900)
    out = tmp_path / "long.csv"
    cw.acting("sup_pz").export_cases(str(out))
    assert len(out.read_text("utf-8-sig")) > 131072
    copy = Casework.initialise(str(tmp_path / "copy.db"), offices="gaozhou", clock=clock)
    add_staff(copy)
    assert copy.acting("sup_pz").import_ledger("mediation", str(out))["imported"] == 1
    assert len(copy.acting("sup_pz").show(case_no)["history"]) == 73
    copy.close()
