"""``casework workflow list`` and ``workflow show`` (cli/workflow_cmds.py)."""

from __future__ import annotations

import json

import pytest

from tests.cli.checks import error_line, mermaid_parts
from tests.helpers import Cli
from workflows import default_registry


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
    assert "concluded --> [*]" in text


@pytest.mark.parametrize("kind", [wf.name for wf in default_registry()])
def test_the_mermaid_diagram_keeps_every_transition(cli: Cli, kind: str) -> None:
    """Several triggers between the same two states (a petition's 延期 self-loop beside its
    other handling loops, mediation's two 司法确认 loops) share one arrow, every label on it:
    Mermaid keeps only the last of several arrows between two states."""
    states, edges = mermaid_parts(cli("workflow", "show", kind, "--mermaid").stdout)
    wf = default_registry().get(kind)
    assert wf is not None
    assert states == {s.name: s.label for s in wf.states}
    wanted = {(src, wf.dest_of(t, src), t.name) for t in wf.triggers for src in wf.sources_of(t)}
    assert wanted <= edges, sorted(wanted - edges)
    assert ("[*]", wf.initial, "") in edges


def test_an_unknown_procedure_names_the_argument(cli: Cli) -> None:
    line = error_line(cli("workflow", "show", "lawsuit"), 1, "KIND")
    assert "'lawsuit'" in line and "petition" in line
    error_line(cli("workflow", "show"), 2, None)


def test_workflow_show_rules_gives_each_version_its_dates_and_articles(cli: Cli) -> None:
    """Rule versions (petition.md 1.1): a case pins the version in force on its registration
    day; each cites its own law's articles."""
    shown = json.loads(cli("workflow", "show", "petition", "--rules", "--json").stdout)
    versions = {v["name"]: v for v in shown["versions"]}
    old, new = versions["xf2005"], versions["xf2022"]
    assert (old["effective_from"], old["effective_to"]) == ("2005-05-01", "2022-04-30")
    assert (new["effective_from"], new["effective_to"]) == ("2022-05-01", None)
    cited = {v: {c["rule"]: c["article"] for c in versions[v]["citations"]} for v in versions}
    assert cited["xf2005"]["reply_limit"] == "第三十三条"  # X art. 33
    assert cited["xf2022"]["reply_limit"] == "第三十四条"  # G art. 34
    # The objection of G art. 23 para 3 exists only under the 2022 rules.
    assert "object" in new["triggers"] and "object" not in old["triggers"]
    limits = {lim["name"]: lim for lim in new["limits"]}
    assert limits["objection_window"]["unit"] == "working_days"
    assert limits["objection_window"]["binds"] == "office_window"
    text = " ".join(cli("workflow", "show", "petition", "--rules").stdout.split())
    for words in (
        "xf2005 《信访条例》：2005-05-01 至 2022-04-30",
        "xf2022 《信访工作条例》：2022-05-01 起",
        "xf2005 依据 citations",
        "xf2022 期限 limits",
    ):
        assert words in text, words


def test_workflow_show_rules_of_a_procedure_with_an_undated_version(cli: Cli) -> None:
    shown = json.loads(cli("workflow", "show", "major_dispute", "--rules", "--json").stdout)
    assert shown["versions"], shown
    text = cli("workflow", "show", "major_dispute", "--rules").stdout
    assert all(v["name"] in text for v in shown["versions"])
