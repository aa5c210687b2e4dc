"""``-`` for standard input where a command reads a file (issue 17 point 6): a ledger (its
format from its content, or --format), a --map file, a holiday file; one input at most."""

from __future__ import annotations

import glob
import json
import os
import tempfile
from pathlib import Path

import pytest

from casework.api import Casework
from tests.api.test_import_formats import DATA, STATES, _states, _text
from tests.cli.checks import error_line
from tests.cli.test_deadline_cmds import HOLIDAYS_2027
from tests.helpers import Cli, FrozenClock, dump


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (_text(",").encode("utf-8"), None),
        (_text("\t").encode("gb18030"), None),  # tab-separated, sniffed
        ((DATA / "mediation.xls").read_bytes(), None),  # an OLE file by its first bytes
        ((DATA / "mediation.ods").read_bytes(), None),  # a zip with an ODS mimetype
        ((DATA / "mediation.ods").read_bytes(), "ods"),
    ],
)
def test_a_ledger_from_standard_input(
    cw: Casework, cli: Cli, clock: FrozenClock, data: bytes, fmt: str | None
) -> None:
    clock.set("2020-12-01T10:00")
    args = ["import", "mediation", "-", "--json", *(["--format", fmt] if fmt else [])]
    result = cli(*args, user="sup_pz", stdin=data)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["file"], summary["imported"], summary["bad"]) == ("stdin", 4, 0)
    assert _states(cw) == STATES
    # The same bytes again are the same file: nothing is added.
    again = json.loads(cli(*args, user="sup_pz", stdin=data).stdout)
    assert (again["imported"], again["existing"]) == (0, 4)


def test_rejects_of_standard_input_go_to_the_current_folder(
    cw: Casework, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = "案件标题,登记日期,当事人\n甲,2020-13-01,张三、李四\n乙,2020-10-01,王五、赵六\n"
    result = cli("import", "mediation", "-", "--skip-bad", user="sup_pz", stdin=data.encode())
    assert result.exit_code == 0, result.stderr
    assert "written to stdin.rejects.csv" in result.stdout
    assert (tmp_path / "stdin.rejects.csv").read_text("utf-8-sig").count("\n") == 2


def test_a_map_file_from_standard_input(cw: Casework, cli: Cli, tmp_path: Path) -> None:
    ledger = tmp_path / "t.csv"
    ledger.write_text("纠纷简况,收案时间\n邻里纠纷,2020-10-01\n", encoding="utf-8")
    renames = json.dumps({"纠纷简况": "案件标题", "收案时间": "登记日期"}).encode()
    args = ["import", "mediation", str(ledger), "--map", "-", "--json"]
    result = cli(*args, user="sup_pz", stdin=renames)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["imported"] == 1


def test_standard_input_refusals(cw: Casework, cli: Cli) -> None:
    before = dump(cw.engine)
    both = cli("import", "mediation", "-", "--map", "-", user="sup_pz", stdin=b"")
    assert "only one input can be standard input" in error_line(both, 1)
    line = error_line(cli("import", "mediation", "-", "--format", "doc", user="sup_pz"), 1)
    assert line.endswith("(--format)") and "'doc'" in line
    garbage = cli("import", "mediation", "-", user="sup_pz", stdin=b"\x80\xff\xfe\x81" * 99)
    assert "'stdin.csv'" in error_line(garbage, 1, "FILE")
    assert dump(cw.engine) == before


def test_a_holiday_file_from_standard_input(cw: Casework, cli: Cli) -> None:
    added = cli("calendar", "add", "-", "--json", user="admin", stdin=HOLIDAYS_2027.encode())
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["file"] == "stdin"
    before = dump(cw.engine)
    over = b"#\n" * (600 * 1024)
    line = error_line(cli("calendar", "add", "-", user="admin", stdin=over), 1, "FILE")
    assert "标准输入超过上限 1.0 MiB" in line
    assert dump(cw.engine) == before
    assert glob.glob(os.path.join(tempfile.gettempdir(), "casework-stdin-*")) == []


def test_committees_and_an_anchor_from_standard_input(cw: Casework, cli: Cli) -> None:
    committees = (
        "code,name,type,subtype,office,town,village,mediator,from\n"
        "pz-xc,新村村人民调解委员会,village,,panzhou,,新村,,2018-03-01\n"
    )
    done = cli("committee", "import", "-", "--json", user="admin", stdin=committees.encode())
    assert done.exit_code == 0, done.stderr
    assert [c["code"] for c in json.loads(done.stdout)] == ["pz-xc"]
    anchor = cli("audit", "anchor")
    assert anchor.exit_code == 0, anchor.stderr
    checked = cli("audit", "verify", "--anchor", "-", "--json", stdin=anchor.stdout.encode())
    assert checked.exit_code == 0, checked.stderr
    assert json.loads(checked.stdout)["ok"] is True
