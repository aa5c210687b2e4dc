"""``casework export cases``: chosen columns, Chinese headers, masking, no partial files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from casework.api import Casework
from tests.helpers import VALID_ID, Cli, dump


def _world(cw: Casework) -> list[str]:
    clerk = cw.acting("clerk_pz")
    nos = [
        clerk.register(
            "petition",
            "panzhou",
            "拖欠工资",
            [f"petitioner:陈某:{VALID_ID}:13800138000"],
            at="2020-03-01",
        )["case_no"],
        clerk.register("mediation", "panzhou", "邻里纠纷", ["applicant:黄某"], at="2020-04-01")[
            "case_no"
        ],
        cw.acting("clerk_sm").register("petition", "shanmei", "山美", at="2020-05-01")["case_no"],
    ]
    return nos


def test_export_formats_columns_and_masking(cw: Casework, cli: Cli, tmp_path: Path) -> None:
    nos = _world(cw)
    out = tmp_path / "cases.csv"
    result = cli("export", "cases", "--out", str(out), "--json", user="clerk_pz")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["rows"] == 2  # a town clerk exports their own office
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:4] == ["案件编号", "案件类型", "类型代码", "单位"]
    assert [r[0] for r in rows[1:]] == nos[:2]
    assert "110101********4514" in rows[1] and VALID_ID not in "".join(rows[1])
    revealed = tmp_path / "revealed.json"
    result = cli(
        "export",
        "cases",
        "--out",
        str(revealed),
        "--reveal",
        "--kind",
        "petition",
        "--columns",
        "case_no,id_numbers,phones",
        user="sup_city",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(revealed.read_text("utf-8"))
    assert data[0] == {"case_no": nos[0], "id_numbers": VALID_ID, "phones": "13800138000"}
    assert [d["case_no"] for d in data] == [nos[0], nos[2]]
    steps = tmp_path / "steps.json"
    result = cli(
        "export", "cases", "--out", str(steps), "--columns", "case_no,data,history,case_no"
    )
    assert result.exit_code == 0, result.stderr
    nested = json.loads(steps.read_text("utf-8"))
    assert list(nested[0]) == ["case_no", "data", "history"]
    assert isinstance(nested[0]["data"], dict) and isinstance(nested[0]["history"], list)
    xlsx = tmp_path / "cases.xlsx"
    assert (
        cli(
            "export", "cases", "--out", str(xlsx), "--from", "2020-03-15", "--to", "2020-04-30"
        ).exit_code
        == 0
    )
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx)["案件"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "案件编号" and [v[0] for v in values[1:]] == [nos[1]]


def test_export_refusals_write_nothing(cw: Casework, cli: Cli, tmp_path: Path) -> None:
    _world(cw)
    before = dump(cw.engine)
    for args, user in (
        (["--reveal"], "clerk_pz"),
        (["--columns", "case_no,secret"], None),
        (["--office", "atlantis"], None),
        (["--office", "shanmei"], "clerk_pz"),
        (["--kind", "lawsuit"], None),
        (["--from", "2020-13-01"], None),
    ):
        out = tmp_path / "x.csv"
        result = cli("export", "cases", "--out", str(out), *args, user=user)
        assert result.exit_code == 1, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1
        assert not out.exists() and not (tmp_path / "x.csv.partial").exists()
    bad = cli("export", "cases", "--out", str(tmp_path / "x.txt"))
    assert bad.exit_code == 1 and ".csv" in bad.stderr
    assert dump(cw.engine) == before
