"""The 12345 work orders on the command line: the procedure as declared, its diagram, and an
order walked from registration to close with the commands docs/procedures.md shows."""

from __future__ import annotations

import json

from casework.api import Casework
from tests.cli.checks import error_line, mermaid_parts
from tests.helpers import Cli
from tests.hotline import add_hotline_staff
from workflows import default_registry


def test_the_mermaid_diagram_parses_and_has_every_transition(cli: Cli) -> None:
    result = cli("workflow", "show", "hotline", "--mermaid")
    assert result.exit_code == 0
    declared, edges = mermaid_parts(result.stdout)
    wf = default_registry().get("hotline")
    assert wf is not None
    assert declared == {s.name: s.label for s in wf.states}
    for t in wf.triggers:
        for src in wf.sources_of(t):
            assert (src, wf.dest_of(t, src), t.name) in edges, t.name
    assert ("[*]", "received", "") in edges
    assert {("closed", "[*]", ""), ("merged", "[*]", "")} <= edges


def test_workflow_show_gives_the_triggers_fields_and_choices(cli: Cli) -> None:
    shown = json.loads(cli("workflow", "show", "hotline", "--json").stdout)
    assert (shown["kind"], shown["label"], shown["prefix"]) == ("hotline", "12345工单", "RX")
    assert shown["party_roles"] == ["caller"]
    names = [t["name"] for t in shown["triggers"]]
    assert names == [
        "answer_directly", "dispatch", "recall", "merge", "sign", "return_order",
        "request_extension", "decide_extension", "reply", "approve_reply", "reject_reply",
        "callback", "redo", "close", "urge", "supervise",
    ]  # fmt: skip
    fields = {f["name"] for f in shown["register_fields"]}
    assert fields == {
        "channel", "category", "urgency", "matter", "area", "callback_consent", "platform_no",
        "confidential",
    }  # fmt: skip
    text = cli("workflow", "show", "hotline").stdout
    assert "话务员" in text or "operator" in text


def _walk(cli: Cli, *args: str, user: str) -> str:
    result = cli(*args, user=user)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def test_an_order_walked_on_the_command_line(cw: Casework, cli: Cli) -> None:
    add_hotline_staff(cw)
    case_no = _walk(
        cli, "case", "register", "hotline", "--office", "city-hotline", "--title", "路灯不亮",
        "--party", "诉求人:张三::13800138000", "--set", "channel=电话", "--set", "category=投诉",
        "--set", "matter=小区路灯不亮", "--set", "area=panzhou", "--at", "2020-11-02T09:00",
        user="op1",
    )  # fmt: skip
    assert case_no.split()[0] == "RX-2020-city-hotline-00001"
    case_no = case_no.split()[0]
    steps = [
        ("op1", "dispatch", ["to_office=panzhou"], "2020-11-02T09:30"),
        ("clerk_pz", "sign", [], "2020-11-02T10:00"),
        (
            "sup_pz",
            "reply",
            ["result=solved", "reply_text=已修复", "told_caller=phone"],
            "2020-11-05",
        ),
        ("sup_hot", "approve_reply", [], "2020-11-05T15:00"),
        ("op2", "callback", ["reached=yes", "rating=满意"], "2020-11-06T09:00"),
        ("op2", "close", ["basis=rated"], "2020-11-06T09:10"),
    ]
    for user, trigger, values, at in steps:
        sets = [a for v in values for a in ("--set", v)]
        _walk(cli, "case", "advance", case_no, trigger, *sets, "--at", at, user=user)
    shown = json.loads(cli("case", "show", case_no, "--json", user="op1").stdout)
    assert shown["state"] == "closed"
    assert [e["trigger"] for e in shown["history"]][-1] == "close"


def test_a_bad_value_is_one_line_naming_the_field(cw: Casework, cli: Cli) -> None:
    add_hotline_staff(cw)
    result = cli(
        "case", "register", "hotline", "--office", "city-hotline", "--title", "t",
        "--set", "channel=fax", "--set", "category=help", "--set", "matter=m", user="op1",
    )  # fmt: skip
    line = error_line(result, 1, "--set channel=...")
    assert "来源渠道 channel" in line and "电话 phone" in line
    listed = json.loads(cli("case", "list", "--json", user="op1").stdout)
    assert listed == []
