"""``casework workflow list`` and ``workflow show`` (cli/workflow_cmds.py)."""

from __future__ import annotations

import json

from tests.cli.checks import error_line
from tests.helpers import Cli


def test_workflow_list_and_show(cli: Cli) -> None:
    kinds = json.loads(cli("workflow", "list", "--json").stdout)
    assert {k["kind"] for k in kinds} >= {"petition", "mediation", "major_dispute"}
    assert "信访事项" in cli("workflow", "list").stdout
    shown = json.loads(cli("workflow", "show", "mediation", "--json").stdout)
    assert shown["prefix"] == "TJ" and shown["states"][0]["label"] == "已申请"
    table = cli("workflow", "show", "petition")
    assert "受理" in table.stdout and "accept" in table.stdout


def test_a_procedure_by_its_chinese_label(cli: Cli) -> None:
    by_label = json.loads(cli("workflow", "show", "人民调解", "--json").stdout)
    assert by_label == json.loads(cli("workflow", "show", "mediation", "--json").stdout)


def test_workflow_mermaid(cli: Cli) -> None:
    result = cli("workflow", "show", "petition", "--mermaid")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("stateDiagram-v2")
    assert "[*] --> registered" in text
    assert "handling --> replied: reply 出具处理意见" in text
    assert "handling --> handling: extend 延期" in text
    assert "concluded --> [*]" in text


def test_an_unknown_procedure_names_the_argument(cli: Cli) -> None:
    line = error_line(cli("workflow", "show", "lawsuit"), 1, "KIND")
    assert "'lawsuit'" in line and "petition" in line
    error_line(cli("workflow", "show"), 2, None)
