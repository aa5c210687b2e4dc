"""Every event records the channel it came through (issue 14 point 7, web.md "Accounts and
security"): ``cli`` with the operating-system account for the direct CLI, ``api`` for the JSON
API and the Python API, ``import`` for a ledger, none for the demo's simulated batches; the
channel stays outside the hash chain, so every chain verifies whatever it says."""

from __future__ import annotations

import csv
import getpass
import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from casework.api import Casework
from casework.api.accounts import Channel
from casework.web.app import create_app
from tests.helpers import Cli, FrozenClock, drop_event_guards
from tests.petitions import PETITIONER

PW = "Panzhou#2020"


def _channels(cw: Casework, case_no: str) -> list[tuple[str | None, str | None]]:
    return [(e["channel"], e["os_user"]) for e in cw.acting("admin").history(case_no)]


def test_the_direct_cli_records_cli_and_the_os_account(cw: Casework, cli: Cli) -> None:
    done = cli(
        *("case", "register", "petition", "--office", "panzhou", "--title", "拖欠工资"),
        *("--party", PETITIONER, "--set", "channel=letter", "--json"),
        user="clerk_pz",
    )
    assert done.exit_code == 0, done.stderr
    case_no = json.loads(done.stdout)["case_no"]
    shown = json.loads(cli("case", "show", case_no, "--json", user="sup_pz").stdout)
    [first] = shown["history"]
    assert (first["channel"], first["os_user"]) == ("cli", getpass.getuser()[:64])
    assert cw.verify()["ok"]


def test_the_python_api_records_its_channel_and_the_chain_ignores_it(cw: Casework) -> None:
    clerk = cw.acting("clerk_pz")
    case_no = clerk.register("petition", "panzhou", "噪音", [PETITIONER], {"channel": "visit"})[
        "case_no"
    ]
    clerk.channel = Channel("cli", "someone")
    clerk.add_document(case_no, "intake_record")
    assert _channels(cw, case_no) == [("api", None), ("cli", "someone")]
    # Rewriting the channel outside casework is not an edit of the case: it still verifies.
    with cw.engine.begin() as conn:
        drop_event_guards(conn)
        conn.execute(text("UPDATE events SET channel = 'web', os_user = NULL"))
    assert cw.verify()["ok"]
    assert _channels(cw, case_no) == [("web", None), ("web", None)]


def test_the_json_api_records_api_whoever_started_the_server(
    cw: Casework, db_url: str, clock: FrozenClock
) -> None:
    cw.acting("admin").set_password("clerk_pz", PW)
    app = create_app(db_url, clock)
    app.state.casework.channel = Channel("cli", "operator")  # as ``casework serve`` opens it
    with TestClient(app) as web:
        token = web.post("/api/v1/login", json={"username": "clerk_pz", "password": PW})
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        body = {
            "kind": "petition",
            "office": "panzhou",
            "title": "拖欠工资",
            "parties": [PETITIONER],
            "data": {"channel": "letter"},
        }
        done = web.post("/api/v1/cases", json=body, headers=headers)
        assert done.status_code == 201, done.text
        case_no = done.json()["case_no"]
        shown = web.get(f"/api/v1/cases/{case_no}", headers=headers).json()
    app.state.casework.close()
    assert [(e["channel"], e["os_user"]) for e in shown["history"]] == [("api", None)]


def test_a_ledger_import_records_import(cw: Casework, clock: FrozenClock, tmp_path: Path) -> None:
    clock.set("2020-12-01T10:00")
    path = tmp_path / "信访台账.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["登记日期", "案件标题", "当事人", "信访形式", "单位"])
        out.writerow(["2020-05-06", "工资拖欠", "陈某", "来信", "panzhou"])
    sup = cw.acting("sup_city")
    sup.channel = Channel("cli", "clerk-os")
    assert sup.import_ledger("petition", str(path))["imported"] == 1
    [case] = cw.acting("admin").cases()
    assert set(_channels(cw, case["case_no"])) == {("import", "clerk-os")}


def test_a_batch_records_no_channel(cw: Casework) -> None:
    from casework.api.cases import Batch
    from casework.domain.steps import Registration

    def work(batch: Batch) -> str:
        item = Registration("panzhou", "拖欠工资", (PETITIONER,), {"channel": "letter"})
        return batch.register("clerk_pz", "petition", item).case.case_no

    case_no = cw.batch(work)
    assert _channels(cw, case_no) == [(None, None)]
