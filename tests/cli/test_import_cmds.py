"""``casework import KIND FILE`` (cli/import_cmds.py): an export of casework re-imported, and
the refusals of a file, each naming what to fix."""

from __future__ import annotations

import json
from pathlib import Path

from casework.api import Casework
from tests import petitions
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock, add_staff, dump


def _exported(cw: Casework, cli: Cli, tmp_path: Path) -> Path:
    clerk = cw.acting("clerk_pz")
    for title in ("甲", "乙"):
        case_no = clerk.register("petition", "panzhou", title, at="2020-10-01")["case_no"]
        petitions.accept(cw, case_no, "2020-10-02")
    out = tmp_path / "信访.csv"
    assert cli("export", "cases", "--out", str(out), "--kind", "petition").exit_code == 0
    return out


def test_an_export_is_imported_once(
    cw: Casework, cli: Cli, tmp_path: Path, clock: FrozenClock
) -> None:
    ledger = _exported(cw, cli, tmp_path)
    target = Casework.initialise(str(tmp_path / "new.db"), offices="gaozhou", clock=clock)
    add_staff(target)
    target.close()
    into = Cli(str(tmp_path / "new.db"), clock)
    result = into("import", "信访事项", str(ledger), "--json", user="sup_pz")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["imported"], summary["existing"], summary["bad"]) == (2, 0, 0)
    assert set(summary) >= {"file", "sha256", "kind", "rows", "events", "unused_columns"}
    again = into("import", "petition", str(ledger), user="sup_pz")
    assert again.exit_code == 0 and "2 already imported" in again.stdout
    states = [r["state"] for r in json.loads(into("case", "list", "--json").stdout)]
    assert states == ["handling", "handling"]


def test_import_refusals_name_their_option(cw: Casework, cli: Cli, tmp_path: Path) -> None:
    ledger = _exported(cw, cli, tmp_path)
    before = dump(cw.engine)
    error_line(cli("import", "petition", "/nonexistent.csv", user="sup_pz"), 1, "FILE")
    error_line(cli("import", "lawsuit", str(ledger), user="sup_pz"), 1, "KIND")
    error_line(cli("import", "petition", str(ledger), user="viewer1"), 1, "--as")
    bad_map = tmp_path / "map.json"
    bad_map.write_text("[1, 2]", encoding="utf-8")
    args = ["import", "petition", str(ledger), "--map", str(bad_map)]
    error_line(cli(*args, user="sup_pz"), 1, "--map")
    args = ["import", "petition", str(ledger), "--office", "atlantis"]
    error_line(cli(*args, user="sup_pz"), 1, "--office")
    text = tmp_path / "x.txt"
    text.write_text("not a ledger", encoding="utf-8")
    error_line(cli("import", "petition", str(text), user="sup_pz"), 1, "FILE")
    assert dump(cw.engine) == before


def test_a_file_with_bad_rows_is_refused_row_by_row(cli: Cli, tmp_path: Path) -> None:
    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "案件标题,登记日期,单位\n甲,2020-13-01,panzhou\n乙,2020-10-01,atlantis\n", "utf-8"
    )
    result = cli("import", "petition", str(ledger), user="sup_pz")
    line = error_line(result, 1, stdout=True)
    assert "row 2" in line and "row 3" in line
    assert [ln.split(",")[0] for ln in result.stdout.splitlines()] == ["row 2", "row 3"]
    as_json = cli("import", "petition", str(ledger), "--json", user="sup_pz")
    error_line(as_json, 1, stdout=True)
    assert [b["row"] for b in json.loads(as_json.stdout)["bad_rows"]] == [2, 3]
