"""Importing ledgers (台账): XLSX and CSV with Chinese headers, mid-procedure rows replayed,
bad rows refused all together, re-imports adding nothing, and export/import round trips."""

from __future__ import annotations

import csv
import gc
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from casework.api import Casework
from casework.errors import InvalidData
from casework.runtime import BULK_THRESHOLDS
from casework.services import imports
from casework.services.imports import LedgerRejected
from casework.storage.tables import cases, events
from casework.storage.uow import UnitOfWork
from tests.api.test_paths import run_path
from tests.helpers import VALID_ID, VALID_ID_2, Cli, FrozenClock, add_staff, dump
from tests.paths import NOW, PATHS

MEDIATION_HEADER = [
    "台账编号",
    "登记日期",
    "案件标题",
    "当事人",
    "身份证号",
    "联系电话",
    "纠纷类型",
    "受理日期",
    "调解员",
    "调解结果",
    "结案日期",
    "协议形式",
    "履行情况",
    "履行日期",
    "回访日期",
    "满意度",
    "归档日期",
    "卷宗材料",
]
FILE = "申请书或受理登记表；权利义务告知书；调解笔录；调解协议书；回访记录"
MEDIATION_ROWS = [
    # just registered
    ["TJ19-001", "2020-03-02", "邻里排水纠纷", "张三、李四", VALID_ID, "13800138000", "邻里"]
    + [""] * 11,
    # accepted by a mediator named as people know them
    [
        "TJ19-002",
        "2020/3/5",
        "土地边界纠纷",
        "王五、赵某",  # a mediation has two sides (guard two_sides)
        "",
        "",
        "土地山林",
        "2020年3月6日",
        "潘州调解员",
    ]
    + [""] * 9,
    # agreed, performed, followed up and archived with a complete case file
    [
        "TJ19-003",
        "2020-03-07 09:30",
        "拖欠货款纠纷",
        "申请人:赵六；被申请人:钱七",
        f"{VALID_ID_2}；",
        "",
        "合同",
        "2020-03-07",
        "med_pz",
        "成功",
        "2020-03-20",
        "书面",
        "已履行",
        "2020-04-01",
        "2020-04-15",
        "满意",
        "2020-04-20",
        FILE,
    ],
    # mediation failed
    ["TJ19-004", "2020-03-09", "婚约财产纠纷", "孙八、周某", "", "", "婚姻家庭", "2020-03-10"]
    + ["med_pz"]
    + ["调解不成", "2020-03-30"]
    + [""] * 7,
]


def _xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(rows)
    return path


def _history(cw: Casework, case_no: str) -> list[tuple[str, str, str]]:
    return [(e["trigger"], e["to_state"], e["actor"]) for e in cw.acting("admin").history(case_no)]


def test_xlsx_ledger_with_mid_procedure_rows(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    ledger = _xlsx(tmp_path / "调解台账.xlsx", MEDIATION_HEADER, MEDIATION_ROWS)
    result = cw.acting("sup_pz").import_ledger("mediation", str(ledger))
    assert (result["rows"], result["imported"], result["bad"]) == (4, 4, 0)
    by_ref = {}
    with cw.engine.connect() as conn:
        for r in conn.execute(select(cases.c.ref, cases.c.case_no, cases.c.state)):
            by_ref[r.ref] = (r.case_no, r.state)
    states = {ref: state for ref, (_, state) in by_ref.items()}
    assert states == {
        "ledger:2020:TJ19-001": "applied",
        "ledger:2020:TJ19-002": "mediating",
        "ledger:2020:TJ19-003": "archived",
        "ledger:2020:TJ19-004": "failed",
    }
    assert all(no.startswith("TJ-2020-panzhou-") for no, _ in by_ref.values())
    archived = by_ref["ledger:2020:TJ19-003"][0]
    assert _history(cw, archived) == [
        ("register", "applied", "sup_pz"),
        ("accept", "mediating", "med_pz"),
        ("agree", "agreed", "med_pz"),
        ("perform", "performed", "med_pz"),
        ("follow_up", "performed", "med_pz"),
        *[("doc", "performed", "sup_pz")] * 5,  # the five papers of 卷宗材料
        ("archive", "archived", "sup_pz"),
    ]
    shown = cw.acting("sup_pz").show(archived, reveal=True)
    assert shown["data"]["dispute_type"] == "contract" and shown["data"]["form"] == "written"
    assert [(p["role"], p["name"], p["id_number"]) for p in shown["parties"]] == [
        ("applicant", "赵六", VALID_ID_2),
        ("respondent", "钱七", None),
    ]
    history = shown["history"]
    # back-dated to the ledger's dates, recorded now, each naming the file and row
    assert history[0]["occurred_at"] == "2020-03-07T09:30:00+08:00"
    assert history[2]["occurred_at"] == "2020-03-20T00:00:00+08:00"
    assert {e["recorded_at"] for e in history} == {"2020-12-01T10:00:00+08:00"}
    assert [e["ref"] for e in history] == [
        f"import:{result['sha256']}:4:{seq}" for seq in range(1, 12)
    ]
    accepted = by_ref["ledger:2020:TJ19-002"][0]
    assert _history(cw, accepted)[1] == ("accept", "mediating", "med_pz")
    assert cw.acting("admin").verify()["ok"] is True


def test_csv_petition_ledger_with_handler_and_gb18030(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    header = ["登记日期", "案件标题", "当事人", "信访形式", "受理日期", "告知方式", "答复日期"]
    header += ["处理意见", "送达日期", "送达方式", "评价日期", "评价结果", "评价方式"]
    header += ["办结日期", "承办人", "单位", "卷宗材料"]
    papers = "来访来电登记表；受理告知书；信访处理意见书；送达回证或凭证"
    rows = [
        [
            *("2020-05-06", "工资拖欠", "陈某", "来访", "2020-05-08", "邮寄", "2020-06-20"),
            *("支持", "2020-06-21", "当面送达", "2020-06-22", "满意", "电话"),
            *("2020-06-25", "潘州所长", "panzhou", papers),
        ],
        [
            *("2020-05-07", "噪音扰民", "刘某", "来信", "2020-05-09", "短信", ""),
            *([""] * 6),
            *("", "sup_sm", "山美", "信访件、受理告知书"),
        ],
    ]
    path = tmp_path / "信访台账.csv"
    with open(path, "w", encoding="gb18030", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(rows)
    result = cw.acting("sup_city").import_ledger("petition", str(path))
    assert result["imported"] == 2 and result["unused_columns"] == []
    listed = {c["office"]: c["case_no"] for c in cw.acting("admin").cases()}
    # each paper is filed just before the first step that needs it (信访工作条例 arts. 19, 23),
    # and the case closes early on a satisfied evaluation of the delivered reply
    assert _history(cw, listed["panzhou"]) == [
        ("register", "registered", "sup_city"),
        ("doc", "registered", "sup_city"),
        ("doc", "registered", "sup_city"),
        ("accept", "handling", "sup_pz"),
        ("doc", "handling", "sup_city"),
        ("reply", "replied", "sup_pz"),
        ("doc", "replied", "sup_city"),
        ("deliver", "replied", "sup_pz"),
        ("evaluate", "replied", "sup_pz"),
        ("close", "closed", "sup_pz"),
    ]
    shown = cw.acting("admin").show(listed["panzhou"])
    assert [d["kind"] for d in shown["documents"]] == [
        "intake_record",
        "acceptance_notice",
        "reply",
        "delivery_proof",
    ]
    accepted = next(e for e in shown["history"] if e["trigger"] == "accept")
    assert accepted["data"]["notice_method"] == "post"
    assert _history(cw, listed["shanmei"])[-1] == ("accept", "handling", "sup_sm")


def test_a_petition_ledger_row_without_its_notice_is_refused(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    header = ["登记日期", "案件标题", "受理日期", "告知方式", "答复日期", "处理意见", "办结日期"]
    header += ["承办人", "单位", "卷宗材料"]
    rows = [
        # no acceptance notice on file: 受理 must tell the petitioner in writing (X art. 22)
        ["2020-05-06", "甲", "2020-05-08", "邮寄", "", "", "", "sup_pz", "panzhou", "信访件"],
        # closed the day after the reply, never delivered: the review window never ran
        [
            *("2020-05-06", "乙", "2020-05-08", "邮寄", "2020-06-20", "支持", "2020-06-21"),
            *("sup_pz", "panzhou", "信访件；受理告知书；信访处理意见书"),
        ],
    ]
    ledger = _csv(tmp_path / "p.csv", header, rows)
    with pytest.raises(LedgerRejected) as caught:
        cw.acting("sup_city").import_ledger("petition", str(ledger))
    reported = [(b.row, b.column) for b in caught.value.bad_rows]
    assert reported == [(2, "受理日期"), (3, "办结日期")]
    assert "acceptance_notice" in caught.value.bad_rows[0].why
    assert "may_close" in caught.value.bad_rows[1].why
    assert cw.acting("admin").cases() == []


def test_bad_rows_write_nothing_and_every_one_is_reported(
    cw: Casework, cli: Cli, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    rows = [list(r) for r in MEDIATION_ROWS]
    bad = [list(r) for r in MEDIATION_ROWS]
    bad[0][0], bad[0][4] = "TJ19-101", VALID_ID[:-1] + "5"  # wrong check digit
    bad[1][0], bad[1][6] = "TJ19-102", "家务事"  # not a dispute type
    bad[2][0], bad[2][10] = "TJ19-103", "2020-03-01"  # agreed before it was accepted
    bad[3][0], bad[3][1] = "TJ19-104", "2020-02-30"  # no such day
    extra = ["TJ19-105", "2020-03-02", "", "周九"] + [""] * 14  # no title
    ledger = _csv(tmp_path / "台账.csv", MEDIATION_HEADER, rows + bad + [extra])
    before = dump(cw.engine)
    with pytest.raises(LedgerRejected) as caught:
        cw.acting("sup_pz").import_ledger("mediation", str(ledger))
    reported = [(b.row, b.column) for b in caught.value.bad_rows]
    assert reported == [
        (6, "身份证号"),
        (7, "纠纷类型"),
        (8, "结案日期"),
        (9, "登记日期"),
        (10, "案件标题"),
    ]
    assert "dispute_type" in caught.value.bad_rows[1].why
    assert dump(cw.engine) == before

    expected = ["row 6, 身份证号", "row 7, 纠纷类型", "row 8, 结案日期", "row 9, 登记日期"]
    expected.append("row 10, 案件标题")
    result = cli("import", "mediation", str(ledger), user="sup_pz")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: 台账.csv：9 行中有 5 行有误，未导入任何内容")
    assert all(f"{e}: " in line for e in expected)
    assert [ln.split(":")[0] for ln in result.stdout.splitlines()] == expected
    result = cli("import", "mediation", str(ledger), "--json", user="sup_pz")
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert [b["row"] for b in json.loads(result.stdout)["bad_rows"]] == [6, 7, 8, 9, 10]
    assert dump(cw.engine) == before
    assert not (tmp_path / "台账.rejects.csv").exists()

    skipped = cli("import", "mediation", str(ledger), "--skip-bad", "--json", user="sup_pz")
    assert skipped.exit_code == 0, skipped.stderr
    summary = json.loads(skipped.stdout)
    assert (summary["imported"], summary["bad"]) == (4, 5)
    with open(tmp_path / "台账.rejects.csv", encoding="utf-8-sig", newline="") as fh:
        rejected = list(csv.reader(fh))
    assert [r[0] for r in rejected[1:]] == ["6", "7", "8", "9", "10"]
    # The ID number's digits marked as text (casework.ledger.csv_cells), the rest as it was.
    assert rejected[1][3:] == [*bad[0][:4], "'" + bad[0][4], "'" + bad[0][5], *bad[0][6:]]


def test_a_second_import_of_the_same_file_creates_nothing(
    cw: Casework, cli: Cli, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    rows = [["", *r[1:]] for r in MEDIATION_ROWS]  # no ledger numbers: the file and row count
    ledger = _xlsx(tmp_path / "无编号台账.xlsx", MEDIATION_HEADER, rows)
    first = cli("import", "mediation", str(ledger), "--json", user="sup_pz")
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["imported"] == 4
    before = dump(cw.engine)
    clock.advance(days=1)
    again = cli("import", "mediation", str(ledger), "--json", user="sup_pz")
    assert again.exit_code == 0, again.stderr
    assert (json.loads(again.stdout)["imported"], json.loads(again.stdout)["existing"]) == (0, 4)
    assert dump(cw.engine) == before


def test_map_renames_a_files_own_headers(cw: Casework, clock: FrozenClock, tmp_path: Path) -> None:
    clock.set("2020-12-01T10:00")
    header = ["收案时间", "纠纷简况", "当事人", "受理时间", "调解人", "备用列"]
    row = ["2020-04-01", "借款纠纷", "甲某、乙某", "2020-04-02", "med_pz", "?"]
    ledger = _csv(tmp_path / "x.csv", header, [row])
    renames = tmp_path / "map.json"
    renames.write_text(
        json.dumps(
            {
                "收案时间": "登记日期",
                "纠纷简况": "title",
                "受理时间": "受理日期",
                "调解人": "调解员",
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InvalidData, match="案件标题"):
        cw.acting("sup_pz").import_ledger("mediation", str(ledger))
    result = cw.acting("sup_pz").import_ledger("mediation", str(ledger), str(renames))
    assert result["imported"] == 1 and result["unused_columns"] == ["备用列"]
    [case] = cw.acting("sup_pz").cases()
    assert case["state"] == "mediating"


def test_refusals_name_the_problem(cw: Casework, cli: Cli, tmp_path: Path) -> None:
    ledger = _csv(tmp_path / "x.csv", ["案件标题", "登记日期"], [["甲", "2020-01-01"]])
    before = dump(cw.engine)
    for args, words in [
        (("import", "mediation", str(tmp_path / "none.csv")), "not a readable file"),
        (("import", "mediation", str(tmp_path / "x.doc")), "(a ledger is CSV, TSV, XLSX"),
        (("import", "nosuch", str(ledger)), "nosuch"),
        (("import", "subsidy_claim", str(ledger)), "subsidy draft"),
        (("import", "mediation", str(ledger), "--office", "atlantis"), "atlantis"),
        (("import", "mediation", str(ledger), "--map", str(ledger)), "JSON"),
    ]:
        result = cli(*args, user="sup_city")
        assert result.exit_code == 1, (args, result.stdout)
        assert len(result.stderr.splitlines()) == 1 and words in result.stderr, result.stderr
    no_title = _csv(tmp_path / "y.csv", ["标题x", "登记日期"], [["甲", "2020-01-01"]])
    result = cli("import", "mediation", str(no_title), user="sup_city")
    assert result.exit_code == 1 and "案件标题" in result.stderr
    assert dump(cw.engine) == before


def _stats(cw: Casework) -> dict[str, Any]:
    figures = cw.acting("admin").stats("2020-01-01", "2020-12-31", by="office")
    keep = ("petition.", "mediation.", "major_dispute.")
    return {
        row["key"]: {k: v for k, v in row["metrics"].items() if k.startswith(keep)}
        for row in figures["rows"]
    }


def test_export_then_import_round_trips_the_statistics(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set(NOW)  # after every path's last step
    for path in PATHS:
        run_path(cw, path)
    original = _stats(cw)
    assert any(v for row in original.values() for v in row.values())
    # From either database into an empty SQLite file.
    copy = Casework.initialise(str(tmp_path / "copy.db"), offices="gaozhou", clock=clock)
    add_staff(copy)
    for kind, suffix in (("petition", "csv"), ("mediation", "xlsx"), ("major_dispute", "csv")):
        out = tmp_path / f"{kind}.{suffix}"
        exported = cw.acting("sup_city").export_cases(str(out), kind=kind)
        imported = copy.acting("admin").import_ledger(kind, str(out))
        assert imported["imported"] == exported["rows"] > 0, kind
    assert _stats(copy) == original
    with cw.engine.connect() as a, copy.engine.connect() as b:
        count = select(func.count()).select_from(events)
        assert a.execute(count).scalar_one() == b.execute(count).scalar_one()
    copy.close()


def _as_json(cw: Casework, path: Path) -> list[Any]:
    """Every case as JSON, without its number (an import numbers its cases afresh)."""
    columns = "kind,office,title,state,registered_at,parties,data"
    cw.acting("admin").export_cases(str(path), columns=columns, force=True)
    return sorted(json.loads(path.read_text("utf-8")), key=lambda c: json.dumps(c))


def test_labelled_xlsx_and_csv_exports_re_import_the_same_cases(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    # Issue 17 point 1: kind, state, roles and choices by their labels, each registration value
    # in its own column and XLSX dates and numbers as typed cells still give the same cases.
    clock.set(NOW)
    for path in PATHS:
        run_path(cw, path)
    for suffix in ("xlsx", "csv"):
        copy = Casework.initialise(str(tmp_path / f"{suffix}.db"), offices="gaozhou", clock=clock)
        add_staff(copy)
        for kind in ("petition", "mediation", "major_dispute"):
            out = tmp_path / f"{kind}.{suffix}"
            exported = cw.acting("sup_city").export_cases(str(out), kind=kind)
            imported = copy.acting("admin").import_ledger(kind, str(out))
            assert (imported["imported"], imported["unused_columns"]) == (exported["rows"], [])
        assert _as_json(copy, tmp_path / "copy.json") == _as_json(cw, tmp_path / "cw.json")
        copy.close()


def test_rows_are_written_in_batches(
    cw: Casework, clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.set("2020-12-01T10:00")
    rows = [["", f"2020-04-{1 + i % 28:02d}", f"纠纷{i}", f"甲{i}、乙{i}"] for i in range(11)]
    ledger = _csv(tmp_path / "批量.csv", ["台账编号", "登记日期", "案件标题", "当事人"], rows)
    sizes: list[int] = []
    written: list[int] = []
    real_check, real_flush = imports.check_batch, UnitOfWork.flush

    def counting(*args: Any) -> int:
        built = real_check(*args)
        sizes.append(built)
        return built

    def flushing(uow: UnitOfWork) -> None:  # how many cases the transaction holds after it
        real_flush(uow)
        written.append(uow.conn.execute(select(func.count()).select_from(cases)).scalar_one())

    monkeypatch.setattr(imports, "BATCH", 4)
    monkeypatch.setattr(imports, "check_batch", counting)
    monkeypatch.setattr(UnitOfWork, "flush", flushing)
    progress: list[int] = []
    result = cw.acting("sup_pz").import_ledger("mediation", str(ledger), progress=progress.append)
    assert result["imported"] == 11 and sizes == [4, 4, 3] and progress == [4, 8, 11]
    assert written[:3] == [4, 8, 11] and set(written[3:]) <= {11}
    numbers = sorted(c["case_no"] for c in cw.acting("sup_pz").cases())
    assert numbers == [f"TJ-2020-panzhou-{n:05d}" for n in range(1, 12)]
    assert cw.acting("admin").verify()["ok"] is True


def test_an_import_runs_with_the_collector_slowed(
    cw: Casework, clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger's rows are built under bulk work (casework.runtime), and the collector's pace
    comes back afterwards, also when the ledger is refused."""
    clock.set("2020-12-01T10:00")
    ledger = _csv(
        tmp_path / "a.csv", ["登记日期", "案件标题", "当事人"], [["2020-04-01", "纠纷", "甲"]]
    )
    seen: list[tuple[int, int, int]] = []
    real_check = imports.check_batch

    def watched(*args: Any) -> int:
        seen.append(gc.get_threshold())
        return real_check(*args)

    monkeypatch.setattr(imports, "check_batch", watched)
    before = gc.get_threshold()
    assert cw.acting("sup_pz").import_ledger("mediation", str(ledger))["imported"] == 1
    bad = _csv(
        tmp_path / "b.csv", ["登记日期", "案件标题", "当事人"], [["2020-13-01", "纠纷", "甲"]]
    )
    with pytest.raises(LedgerRejected):
        cw.acting("sup_pz").import_ledger("mediation", str(bad))
    assert seen == [BULK_THRESHOLDS, BULK_THRESHOLDS]
    assert gc.get_threshold() == before


def test_ledger_numbers_are_per_year_and_a_reused_one_is_refused(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    header = ["台账编号", "登记日期", "案件标题"]
    first = _csv(tmp_path / "a.csv", header, [["1", "2019-05-01", "宅基地纠纷"]])
    cw.acting("sup_pz").import_ledger("mediation", str(first))
    # the same number a year later is another case; in the same year, a clash
    later = _csv(tmp_path / "b.csv", header, [["1", "2020-05-01", "噪音纠纷"]])
    assert cw.acting("sup_pz").import_ledger("mediation", str(later))["imported"] == 1
    clash = _csv(tmp_path / "c.csv", header, [["1", "2020-06-01", "借款纠纷"]])
    with pytest.raises(LedgerRejected) as caught:
        cw.acting("sup_pz").import_ledger("mediation", str(clash))
    [bad] = caught.value.bad_rows
    assert bad.column == "台账编号" and "噪音纠纷" in bad.why
    assert len(cw.acting("sup_pz").cases()) == 2


def test_ledger_rows_that_say_too_little_or_too_much(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    cw.acting("admin").add_user("zt1", "张同", "mediator", "panzhou")
    cw.acting("admin").add_user("zt2", "张同", "mediator", "panzhou")
    header = [
        "登记日期",
        "案件标题",
        "受理日期",
        "调解员",
        "调解结果",
        "结案日期",
        "履行情况",
        "履行日期",
    ]
    rows = [
        ["2020-05-01", "甲", "2020-05-02", "med_pz", "", "2020-05-10", "", ""],
        ["2020-05-01", "乙", "2020-05-02", "med_pz", "成功", "2020-05-10", "", "2020-05-20"],
        ["2020-05-01", "丙", "2020-05-02", "张同", "", "", "", ""],
        ["2020-05-01", "丁", "2020-05-02", "clerk_pz", "", "", "", ""],
    ]
    ledger = _csv(tmp_path / "x.csv", header, rows)
    with pytest.raises(LedgerRejected) as caught:
        cw.acting("sup_pz").import_ledger("mediation", str(ledger))
    reported = [(b.row, b.column) for b in caught.value.bad_rows]
    assert reported == [(2, "调解结果"), (3, "履行情况"), (4, "调解员"), (5, "调解员")]
    ambiguous = caught.value.bad_rows[2].why
    assert "'张同' 对应多名用户" in ambiguous and "(give the username)" in ambiguous
    assert "--set" not in " ".join(b.why for b in caught.value.bad_rows)


def test_files_that_cannot_be_this_procedures_ledger(
    cw: Casework, cli: Cli, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    ledger = _csv(tmp_path / "x.csv", ["登记日期", "案件标题"], [["2020-05-01", "甲"]])
    assert cw.acting("sup_pz").import_ledger("mediation", str(ledger))["imported"] == 1
    before = dump(cw.engine)
    for args, words in [
        (("import", "petition", str(ledger)), "x.csv 之前已作为 mediation 案件导入"),
        (("import", "major_dispute", str(ledger)), "办理经过"),
    ]:
        result = cli(*args, user="sup_city")
        assert result.exit_code == 1 and words in result.stderr, result.stderr
    result = cli("import", "mediation", str(ledger), user="viewer1")
    assert result.exit_code == 1 and "viewer" in result.stderr
    twice = _csv(tmp_path / "y.csv", ["登记日期", "案件标题", "申请日期", "登记日期"], [])
    result = cli("import", "mediation", str(twice), user="sup_pz")
    assert result.exit_code == 1 and "are both '登记日期'" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert dump(cw.engine) == before


def test_full_width_headers_and_comma_separated_parties(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    header = ["登记日期", "案件标题", "当事人", "涉及金额（元）"]
    ledger = _csv(tmp_path / "x.csv", header, [["2020-05-01", "欠款", "张三,李四", "5000"]])
    assert cw.acting("sup_pz").import_ledger("mediation", str(ledger))["unused_columns"] == []
    [case] = cw.acting("sup_pz").cases()
    shown = cw.acting("sup_pz").show(case["case_no"])
    assert shown["data"]["amount_claimed"] == 5000  # 涉及金额 (its field's former name: amount)
    assert [(p["role"], p["name"]) for p in shown["parties"]] == [
        ("applicant", "张三"),
        ("respondent", "李四"),
    ]


def test_export_period_and_date_options_are_named(cli: Cli, tmp_path: Path) -> None:
    out = str(tmp_path / "x.csv")
    result = cli("export", "cases", "--out", out, "--from", "2020-12-31", "--to", "2020-01-01")
    assert result.exit_code == 1 and "before it starts" in result.stderr
    result = cli("export", "cases", "--out", out, "--from", "2020-13-01")
    assert result.exit_code == 1 and "'2020-13-01'" in result.stderr
    assert result.stderr.rstrip().endswith("(--from)")
    assert not (tmp_path / "x.csv").exists()


def test_a_title_row_above_the_header(cw: Casework, clock: FrozenClock, tmp_path: Path) -> None:
    clock.set("2020-12-01T10:00")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["潘州街道人民调解台账（2020年）"])
    sheet.merge_cells("A1:C1")
    sheet.append([])
    sheet.append(["登记日期", "案件标题", "当事人", "受理日期", "调解员"])
    sheet.append(["2020-05-01", "邻里纠纷", "甲某、乙某", "2020-05-02", "潘州调解员"])
    book.save(tmp_path / "t.xlsx")
    result = cw.acting("sup_pz").import_ledger("mediation", str(tmp_path / "t.xlsx"))
    assert (result["imported"], result["bad"]) == (1, 0)
    shown = cw.acting("sup_pz").history(cw.acting("sup_pz").cases()[0]["case_no"])
    assert shown[0]["ref"].endswith(":4:1")  # the spreadsheet's own row number


def test_only_a_supervisor_imports_steps_taken_by_others(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    header = ["案件标题", "登记日期", "受理日期", "告知方式", "承办人", "单位", "卷宗材料"]
    row = [
        "冒名受理",
        "2020-10-01",
        "2020-10-02",
        "邮寄",
        "sup_pz",
        "panzhou",
        "信访件；受理告知书",
    ]
    ledger = _csv(tmp_path / "p.csv", header, [row])
    with pytest.raises(LedgerRejected) as caught:
        cw.acting("clerk_pz").import_ledger("petition", str(ledger))
    [bad] = caught.value.bad_rows
    assert bad.column == "受理日期" and "由他人（sup_pz）进行" in bad.why
    assert "负责人 supervisor 或管理员 admin" in bad.why and "(steps taken by others)" in bad.why
    cw.acting("sup_city").import_ledger("petition", str(ledger))
    [case] = cw.acting("sup_city").cases()
    history = cw.acting("sup_city").history(case["case_no"])
    accepted = next(e for e in history if e["trigger"] == "accept")
    assert (accepted["actor"], accepted["note"]) == ("sup_pz", "imported by sup_city")


def test_outcomes_without_a_date_column_and_numbers_per_office(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    header = ["案件标题", "登记日期", "受理日期", "调解员", "调解结果"]
    ledger = _csv(
        tmp_path / "m.csv", header, [["甲", "2020-08-01", "2020-08-02", "med_pz", "成功"]]
    )
    with pytest.raises(LedgerRejected) as caught:
        cw.acting("sup_pz").import_ledger("mediation", str(ledger))
    assert [(b.column, "no 结案日期 column" in b.why) for b in caught.value.bad_rows] == [
        ("调解结果", True)
    ]
    header = ["台账编号", "单位", "案件标题", "登记日期"]
    rows = [["001", "潘州", "甲", "2020-08-01"], ["001", "山美", "乙", "2020-08-01"]]
    both = _csv(tmp_path / "n.csv", header, rows)
    assert cw.acting("sup_city").import_ledger("petition", str(both))["imported"] == 2


def test_a_title_row_does_not_hide_the_headers_problem(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "人民调解台账\n案件标题,登记日期,案件标题\n甲,2020-01-01,乙\n", encoding="utf-8"
    )
    result = cli("import", "mediation", str(path), user="sup_pz")
    assert result.exit_code == 1 and "are both '案件标题'" in result.stderr, result.stderr


def test_text_that_looks_like_a_formula_round_trips_through_xlsx(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    cw.acting("clerk_pz").register("petition", "panzhou", "=1+2", at="2020-05-01")
    out = tmp_path / "f.xlsx"
    cw.acting("sup_pz").export_cases(str(out), kind="petition")
    copy = Casework.initialise(str(tmp_path / "copy.db"), offices="gaozhou", clock=clock)
    add_staff(copy)
    assert copy.acting("sup_pz").import_ledger("petition", str(out))["imported"] == 1
    assert copy.acting("sup_pz").cases()[0]["title"] == "=1+2"
    copy.close()
