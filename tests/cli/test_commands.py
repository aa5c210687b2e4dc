"""The commands of the contract: init, office, user, case list/show/doc, workflow."""

from __future__ import annotations

import hashlib
import json
import os

from typer.testing import CliRunner

from casework.api import Casework
from cli.main import app
from tests.helpers import Cli, FrozenClock


def test_init_creates_the_schema_offices_and_admin(
    tmp_path: os.PathLike[str], clock: FrozenClock
) -> None:
    path = os.path.join(str(tmp_path), "new.db")
    cli = Cli(path, clock)
    first = cli("init", "--offices", "gaozhou", "--json")
    assert first.exit_code == 0, first.stderr
    out = json.loads(first.stdout)
    assert len(out["offices_added"]) == 32 and out["admin_created"] == "admin"
    again = json.loads(cli("init", "--offices", "gaozhou", "--json").stdout)
    assert again["offices_added"] == [] and again["admin_created"] is None
    offices = json.loads(cli("office", "list", "--json").stdout)
    assert {o["code"] for o in offices} >= {"panzhou", "changpo", "city-justice", "city-hotline"}
    assert sum(o["level"] == "town" for o in offices) == 28


def test_office_and_user_management(cli: Cli) -> None:
    added = cli(
        "office",
        "add",
        "xinan",
        "--name",
        "新安镇司法所",
        "--level",
        "town",
        "--json",
        user="admin",
    )
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["code"] == "xinan"
    user = cli(
        "user",
        "add",
        "li_ming",
        "--name",
        "李明",
        "--role",
        "clerk",
        "--office",
        "xinan",
        "--json",
        user="admin",
    )
    assert user.exit_code == 0, user.stderr
    users = json.loads(cli("user", "list", "--json").stdout)
    assert {"username": "li_ming", "office": "xinan", "role": "clerk"}.items() <= next(
        u for u in users if u["username"] == "li_ming"
    ).items()
    registered = cli(
        "case",
        "register",
        "petition",
        "--office",
        "xinan",
        "--title",
        "t",
        "--json",
        user="li_ming",
    )
    assert json.loads(registered.stdout)["case_no"] == "XF-2020-xinan-00001"
    table = cli("user", "list")
    assert "li_ming" in table.stdout and "登记员" in table.stdout


def test_case_list_filters_newest_first(cw: Casework, cli: Cli) -> None:
    clerk = cw.acting("clerk_pz")
    a = clerk.register("petition", "panzhou", "a", at="2020-03-01")["case_no"]
    b = clerk.register("mediation", "panzhou", "b", at="2020-04-01")["case_no"]
    c = cw.acting("clerk_sm").register("petition", "shanmei", "c", at="2020-05-01")["case_no"]
    rows = json.loads(cli("case", "list", "--json").stdout)
    assert [r["case_no"] for r in rows] == [c, b, a]
    assert set(rows[0]) >= {"case_no", "kind", "office", "state", "registered_at"}
    only = json.loads(
        cli("case", "list", "--kind", "petition", "--office", "panzhou", "--json").stdout
    )
    assert [r["case_no"] for r in only] == [a]
    mine = json.loads(cli("case", "list", "--json", user="clerk_sm").stdout)
    assert [r["case_no"] for r in mine] == [c]
    assert "案件" in cli("case", "list").stdout


def test_case_doc_keeps_name_and_sha256(cw: Casework, cli: Cli, tmp_path: os.PathLike[str]) -> None:
    case_no = cw.acting("clerk_pz").register("mediation", "panzhou", "t", at="2020-11-01")[
        "case_no"
    ]
    path = os.path.join(str(tmp_path), "申请书.pdf")
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.4 application")
    result = cli("case", "doc", case_no, "application", "--file", path, "--json", user="clerk_pz")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)["document"]
    assert doc["file_name"] == "申请书.pdf"
    assert doc["sha256"] == hashlib.sha256(b"%PDF-1.4 application").hexdigest()
    shown = json.loads(cli("case", "show", case_no, "--json").stdout)
    assert shown["documents"][0]["sha256"] == doc["sha256"]
    assert shown["history"][-1]["trigger"] == "doc"
    assert "record" in shown["missing_documents"]


def test_case_show_lists_triggers_for_the_acting_user(cw: Casework, cli: Cli) -> None:
    case_no = cw.acting("clerk_pz").register("petition", "panzhou", "t", at="2020-11-01")["case_no"]
    as_clerk = json.loads(cli("case", "show", case_no, "--json", user="clerk_pz").stdout)
    assert as_clerk["triggers"] == ["forward"]
    as_sup = json.loads(cli("case", "show", case_no, "--json", user="sup_pz").stdout)
    assert as_sup["triggers"] == ["accept", "refuse", "forward"]
    assert as_sup["due"] is None or set(as_sup["due"]) >= {"date", "rule", "overdue"}


def test_workflow_list_and_show(cli: Cli) -> None:
    kinds = json.loads(cli("workflow", "list", "--json").stdout)
    assert {k["kind"] for k in kinds} >= {"petition", "mediation", "major_dispute"}
    shown = json.loads(cli("workflow", "show", "mediation", "--json").stdout)
    assert shown["prefix"] == "TJ" and shown["states"][0]["label"] == "已申请"
    table = cli("workflow", "show", "petition")
    assert "受理" in table.stdout and "accept" in table.stdout


def test_workflow_mermaid() -> None:
    result = CliRunner().invoke(app, ["workflow", "show", "petition", "--mermaid"])
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("stateDiagram-v2")
    assert "[*] --> registered" in text
    assert "handling --> replied: reply 出具处理意见" in text
    assert "handling --> handling: extend 延期" in text
    assert "concluded --> [*]" in text


def test_help_texts_exist_for_every_command() -> None:
    runner = CliRunner()
    for args in (
        ["--help"],
        ["case", "--help"],
        ["case", "register", "--help"],
        ["case", "advance", "--help"],
        ["case", "doc", "--help"],
        ["case", "show", "--help"],
        ["case", "list", "--help"],
        ["init", "--help"],
        ["office", "add", "--help"],
        ["user", "add", "--help"],
        ["workflow", "show", "--help"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, args
        assert "Usage" in result.stdout
