"""Importing the 12345 platform's ledger (工单台账, docs/import.md): each row's implied steps
replayed with the hotline's rules, a handling office's steps recorded for it (代录), bad rows
refused all together naming row and column, re-imports finding the orders by 工单编号, and an
export of the orders re-imported with the same states and figures."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from casework.api import Casework
from casework.services.imports import LedgerRejected
from tests.helpers import FrozenClock, add_staff, dump
from tests.hotline import (
    LEDGER_HEADER,
    LEDGER_ROWS,
    LEDGER_STATES,
    ORDER,
    add_hotline_staff,
    dispatched,
    register,
)

FIGURES = ("hotline.received", "hotline.closed", "hotline.satisfaction_rate")


@pytest.fixture
def hot(db_url: str, clock: FrozenClock) -> Casework:
    clock.set("2020-12-01T09:00")
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    add_staff(cw)
    add_hotline_staff(cw)
    return cw


def _csv(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = LEDGER_HEADER) -> str:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(rows)
    return str(path)


def _xlsx(path: Path, rows: Sequence[Sequence[str]]) -> str:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["高州市12345热线工单台账（2020年11月）"])  # a title row above the header
    sheet.append(list(LEDGER_HEADER))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return str(path)


def _orders(cw: Casework) -> dict[str, dict[str, Any]]:
    """Each order by its platform number: its state and history as shown."""
    out = {}
    for row in cw.acting("op1").cases():
        shown = cw.show(row["case_no"])
        out[str(shown["data"].get("platform_no") or row["case_no"])] = shown
    return out


def _figures(cw: Casework) -> dict[str, Any]:
    found = cw.acting("sup_hot").stats("2020-11-01", "2020-11-30")["metrics"]
    return {k: found[k] for k in FIGURES}


def test_a_platform_ledger_is_imported_with_the_steps_each_row_implies(
    hot: Casework, tmp_path: Path
) -> None:
    result = hot.acting("op1").import_ledger("hotline", _xlsx(tmp_path / "工单.xlsx", LEDGER_ROWS))
    assert (result["imported"], result["bad"], result["unused_columns"]) == (5, 0, [])
    orders = _orders(hot)
    assert [orders[row[0]]["state"] for row in LEDGER_ROWS] == list(LEDGER_STATES)
    direct = orders["GZ2011001"]
    assert [e["trigger"] for e in direct["history"]] == ["register", "answer_directly"]
    assert direct["data"]["category"] == "consultation" and direct["data"]["rating"] == "satisfied"
    town = orders["GZ2011002"]["history"]
    assert [(e["trigger"], e["occurred_at"][:16]) for e in town] == [
        ("register", "2020-11-02T10:00"),
        ("dispatch", "2020-11-02T10:30"),
        ("sign", "2020-11-02T11:00"),
        ("reply", "2020-11-04T15:00"),
        ("approve_reply", "2020-11-05T10:00"),
        ("callback", "2020-11-05T10:00"),
        ("close", "2020-11-05T10:00"),
    ]
    # The operator recorded the town's steps for it (代录), as for a department.
    assert [e["data"].get("recorded_for") for e in town[2:4]] == ["panzhou", "panzhou"]
    dept = orders["GZ2011003"]
    steps = {e["trigger"]: e for e in dept["history"]}
    assert steps["dispatch"]["data"]["to_office"] == "city-market"  # by its Chinese name
    assert steps["dispatch"]["occurred_at"][:16] == "2020-11-03T10:00"  # on the call
    assert steps["sign"]["data"]["recorded_for"] == "city-market"
    assert steps["reply"]["data"]["result"] == "explained"
    assert steps["callback"]["data"]["rating"] == "unsatisfied"
    assert steps["close"]["data"]["basis"] == "not_handling"
    assert dept["parties"][0]["name"] == "匿名"
    assert dept["data"]["platform_no"] == "GZ2011003" and dept["title"] == "商铺占道经营"
    urgent = orders["GZ2011004"]
    assert urgent["data"]["urgency"] == "urgent"
    assert urgent["data"]["handling_office"] == "shanmei"
    assert _figures(hot) == {
        "hotline.received": 5,
        "hotline.closed": 3,
        "hotline.satisfaction_rate": 66.67,  # 满意 and 基本满意 of three rated
    }


def test_a_re_import_finds_each_order_by_its_number(hot: Casework, tmp_path: Path) -> None:
    ledger = _csv(tmp_path / "工单.csv", LEDGER_ROWS)
    op = hot.acting("op1")
    assert op.import_ledger("hotline", ledger)["imported"] == 5
    before = dump(hot.engine)
    # The same orders in a later ledger (another file): found by 工单编号, nothing added.
    later = _csv(tmp_path / "工单12月.csv", [*LEDGER_ROWS[::-1]])
    again = op.import_ledger("hotline", later)
    assert (again["imported"], again["existing"], again["events"]) == (0, 5, 0)
    assert dump(hot.engine) == before


def _with(column: str, text: str, row: int = 1) -> list[list[str]]:
    rows = [list(r) for r in LEDGER_ROWS]
    rows[row][LEDGER_HEADER.index(column)] = text
    return rows


@pytest.mark.parametrize(
    ("column", "text", "row", "why"),
    [
        ("承办单位", "高州市花鸟局", 1, "不是本系统的单位"),
        ("诉求类型", "抱怨", 1, "consultation"),
        ("来电时间", "2020-11-31 09:00", 1, "不是真实的日期"),
        ("派单时间", "十一月二日", 1, "不是日期"),
        ("办结时间", "2020-11-01 09:00", 1, "早于「来电时间」"),
        ("办结时间", "2020-11-02 08:00", 0, "早于「来电时间」"),
        ("联系电话", "12345", 1, "12345"),
        ("回访结果", "很好", 1, "不是"),
        ("回访结果", "", 1, "为空，但「办结时间」"),
        ("答复内容", "", 1, "答复内容"),
    ],
)
def test_a_bad_row_refuses_the_file_naming_its_row_and_column(
    hot: Casework, tmp_path: Path, column: str, text: str, row: int, why: str
) -> None:
    ledger = _csv(tmp_path / "工单.csv", _with(column, text, row))
    before = dump(hot.engine)
    with pytest.raises(LedgerRejected) as refused:
        hot.acting("op1").import_ledger("hotline", ledger)
    [bad] = refused.value.bad_rows
    blamed = "办结时间" if column in ("答复内容",) else column
    assert (bad.row, bad.column) == (row + 2, blamed), bad
    assert why in bad.why and "\n" not in bad.why
    assert dump(hot.engine) == before


def test_skip_bad_imports_the_good_rows_and_writes_the_rejects(
    hot: Casework, tmp_path: Path
) -> None:
    ledger = _csv(tmp_path / "工单.csv", _with("承办单位", "高州市花鸟局"))
    result = hot.acting("op1").import_ledger("hotline", ledger, skip_bad=True)
    assert (result["imported"], result["bad"]) == (4, 1)
    assert result["rejects"] == str(tmp_path / "工单.rejects.csv")
    with open(tmp_path / "工单.rejects.csv", encoding="utf-8-sig", newline="") as fh:
        rejects = list(csv.reader(fh))
    assert rejects[1][:2] == ["3", "承办单位"] and rejects[1][3] == "GZ2011002"
    assert sorted(_orders(hot)) == ["GZ2011001", "GZ2011003", "GZ2011004", "GZ2011005"]


def test_an_unreached_caller_and_a_missing_consent_are_the_hotline_rules_to_judge(
    hot: Casework, tmp_path: Path
) -> None:
    """无法联系 needs the failed calls casework's rule asks for; 未回访 a caller who did not
    consent to a callback (同意回访 否)."""
    header = [*LEDGER_HEADER, "同意回访"]
    rows = [[*r, ""] for r in _with("回访结果", "无法联系")]
    rows[2][-2] = "未回访"
    rows[2][-1] = "否"
    with pytest.raises(LedgerRejected) as refused:
        hot.acting("op1").import_ledger("hotline", _csv(tmp_path / "a.csv", rows, header))
    [bad] = refused.value.bad_rows
    assert (bad.row, bad.column) == (3, "办结时间") and "unreachable" in bad.why
    rows[1][-2] = "拒评"
    done = hot.acting("op1").import_ledger("hotline", _csv(tmp_path / "b.csv", rows, header))
    assert done["imported"] == 5
    closes = {
        no: next(e["data"]["basis"] for e in o["history"] if e["trigger"] == "close")
        for no, o in _orders(hot).items()
        if o["state"] == "closed" and no != "GZ2011001"
    }
    assert closes == {"GZ2011002": "no_consent", "GZ2011003": "no_consent"}


def test_an_export_of_the_orders_re_imports_with_the_same_states_and_figures(
    hot: Casework, tmp_path: Path, clock: FrozenClock
) -> None:
    hot.acting("op1").import_ledger("hotline", _csv(tmp_path / "工单.csv", LEDGER_ROWS))
    # Orders taken by hand too: one returned and sent on, one merged.
    again = dispatched(hot, "2020-11-05T09:00")
    hot.acting("clerk_pz").advance(
        again, "return_order", {"reason": "not_our_area"}, at="2020-11-05T10:00"
    )
    hot.acting("op1").advance(again, "dispatch", {"to_office": "shanmei"}, at="2020-11-05T11:00")
    duplicate = register(hot, "2020-11-05T12:00")
    hot.acting("op1").advance(duplicate, "merge", {"into": again}, at="2020-11-05T12:10")
    out = tmp_path / "导出.csv"
    exported = hot.acting("sup_hot").export_cases(str(out), kind="hotline")
    assert exported["rows"] == 7
    copy = Casework.initialise(str(tmp_path / "copy.db"), offices="gaozhou", clock=clock)
    add_staff(copy)
    add_hotline_staff(copy)
    imported = copy.acting("sup_hot").import_ledger("hotline", str(out))
    assert (imported["imported"], imported["bad"]) == (7, 0)

    def walked(cw: Casework) -> dict[str, tuple[str, list[tuple[str, str, object]]]]:
        out = {}
        for no, shown in _orders(cw).items():
            # The importing user registers the orders; every later step keeps its actor.
            steps = [(e["trigger"], e["occurred_at"], e["actor"]) for e in shown["history"][1:]]
            out[no] = (shown["state"], [shown["history"][0]["occurred_at"], *steps])
        return out

    assert walked(copy) == walked(hot)
    assert _figures(copy) == _figures(hot)
    assert _figures(hot)["hotline.received"] == 6  # the merged order counts only as merged
    assert copy.acting("sup_hot").import_ledger("hotline", str(out))["existing"] == 7
    copy.close()


def test_an_exported_order_keeps_its_title_beside_its_matter(
    hot: Casework, tmp_path: Path, clock: FrozenClock
) -> None:
    # The export writes the matter in its own 诉求内容 column, which a platform's ledger reads
    # as the title when it has none: an export's 案件标题 is the title (issue 17 point 1).
    hot.acting("op1").register(
        "hotline", "city-hotline", "路灯不亮", ["caller:张三::13800138000"], ORDER, at="2020-11-02"
    )
    out = tmp_path / "导出.xlsx"
    hot.acting("sup_hot").export_cases(str(out), kind="hotline")
    copy = Casework.initialise(str(tmp_path / "copy.db"), offices="gaozhou", clock=clock)
    add_staff(copy)
    add_hotline_staff(copy)
    assert copy.acting("sup_hot").import_ledger("hotline", str(out))["imported"] == 1
    (order,) = copy.acting("sup_hot").cases()
    assert (order["title"], copy.acting("sup_hot").show(order["case_no"])["data"]["matter"]) == (
        "路灯不亮",
        ORDER["matter"],
    )
    copy.close()
