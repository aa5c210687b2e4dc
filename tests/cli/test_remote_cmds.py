"""``casework --server URL`` (issue 14 point 7): the case, due, stats and export commands
through a live server's JSON API, as CASEWORK_TOKEN's user, print (and write) what the same
commands do on the database; the server's refusals are the same one-line errors and exit codes."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner, Result

from casework.api import Casework
from casework.web.app import create_app
from tests.cli.checks import error_line
from tests.helpers import Cli, FrozenClock
from tests.petitions import PETITIONER, doc

# No database is there: a command that reached for one instead of the server would fail.
NO_DB = "/nonexistent/casework-remote.db"
PETITION = ["case", "register", "petition", "--office", "panzhou", "--title", "拖欠工资"]
REGISTER = [*PETITION, "--party", PETITIONER, "--set", "channel=letter"]
AT = ["--at", "2020-11-30 09:00"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(cw: Casework, db_url: str, clock: FrozenClock) -> Iterator[str]:
    """``casework serve``'s application on 127.0.0.1, on the test's database and clock."""
    app = create_app(db_url, clock)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    live = uvicorn.Server(config)
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(10)
    app.state.casework.close()


def remote(url: str, token: str | None, *args: str) -> Result:
    """The command through the server, no acting user or database named."""
    from cli.main import app

    env = {
        "CASEWORK_SERVER": url,
        "CASEWORK_TOKEN": token,
        "CASEWORK_DB": NO_DB,
        "CASEWORK_USER": None,
        "CASEWORK_DEBUG": None,
    }
    result = CliRunner().invoke(app, list(args), env=env)
    assert "internal error" not in result.stderr + result.stdout, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def token(cw: Casework, user: str, scope: str = "write") -> str:
    made: str = cw.acting(user).create_token("cli", scope)["token"]
    return made


def same(got: Result, want: Result) -> str:
    assert (got.exit_code, got.stderr) == (want.exit_code, want.stderr), got.stderr
    assert got.stdout == want.stdout
    return got.stdout


def test_register_advance_show_and_list_print_what_the_database_prints(
    server: str, cw: Casework, cli: Cli
) -> None:
    clerk, sup = token(cw, "clerk_pz"), token(cw, "sup_pz")
    done = remote(server, clerk, *REGISTER, *AT, "--json")
    assert done.exit_code == 0, done.stderr
    case_no = cw.acting("clerk_pz").cases("petition")[0]["case_no"]
    assert f'"case_no": "{case_no}"' in done.stdout
    for kind in ("letter", "acceptance_notice"):
        doc(cw, "clerk_pz", case_no, kind, "2020-11-30 10:00")
    step = ["case", "advance", case_no, "accept", "--set", "notice_method=post"]
    stepped = remote(server, sup, *step, "--at", "2020-11-30 11:00")
    assert stepped.exit_code == 0, stepped.stderr
    assert cw.acting("sup_pz").show(case_no)["state"] == "handling"
    for args in (["case", "show", case_no], ["case", "list", "--kind", "petition"]):
        for shape in ([], ["--json"]):
            same(remote(server, sup, *args, *shape), cli(*args, *shape, user="sup_pz"))


def test_due_and_stats_print_what_the_database_prints(server: str, cw: Casework, cli: Cli) -> None:
    clerk = token(cw, "clerk_pz", "read")
    cw.acting("clerk_pz").register(
        "petition", "panzhou", "拖欠工资", [PETITIONER], {"channel": "letter"}, "2020-11-30 09:00"
    )
    period = ["--from", "2020-01-01", "--to", "2020-12-01"]
    name = next(n for n in cw.acting("clerk_pz").stats()["labels"] if n.startswith("petition."))
    for args in (
        ["due", "--within", "30"],
        ["stats", *period, "--by", "office"],
        ["stats", "explain", name, *period],
    ):
        for shape in ([], ["--json"]):
            printed = same(
                remote(server, clerk, *args, *shape), cli(*args, *shape, user="clerk_pz")
            )
            assert printed.strip()


def test_another_towns_case_is_unknown_and_refusals_keep_their_exit_codes(
    server: str, cw: Casework, cli: Cli
) -> None:
    clerk = token(cw, "clerk_pz")
    assert remote(server, clerk, *REGISTER, *AT).exit_code == 0
    case_no = cw.acting("clerk_pz").cases("petition")[0]["case_no"]
    other = token(cw, "clerk_sm")
    hidden = error_line(remote(server, other, "case", "show", case_no))
    unknown = error_line(remote(server, other, "case", "show", "XF-2020-panzhou-99999"))
    assert hidden == unknown.replace("XF-2020-panzhou-99999", case_no)
    assert "未知案件" in hidden and hidden.endswith("(CASE_NO)")
    # a read-scope token may not write (403), and nothing is written
    reader = token(cw, "clerk_pz", "read")
    assert "只读令牌" in error_line(remote(server, reader, *REGISTER, *AT))
    assert len(cw.acting("clerk_pz").cases("petition")) == 1
    # a rule of the procedure (422) refuses as on the database: the same line, naming its rule
    sup = token(cw, "sup_pz")
    step = ["case", "advance", case_no, "accept", "--set", "notice_method=post"]
    guarded = error_line(remote(server, sup, *step))
    assert guarded == error_line(cli(*step, user="sup_pz")) and "intake_document" in guarded
    # invalid data (422) names its option as the direct command does
    bad = error_line(remote(server, clerk, *REGISTER, "--at", "2020-13-01"), hint="--at")
    assert bad.startswith("Error: ")


def test_a_bad_token_a_dead_server_and_local_commands_are_one_line(
    server: str, cw: Casework
) -> None:
    line = error_line(remote(server, "not-a-token", "case", "list"))
    assert line == "Error: 令牌无效或已过期 (token invalid or expired)"
    assert "CASEWORK_TOKEN" in error_line(remote(server, None, "case", "list"), 2, "--server")
    clerk = token(cw, "clerk_pz")
    local = error_line(remote(server, clerk, "case", "history", "XF-2020-panzhou-00001"), 2)
    assert local == "Error: 该命令不支持 --server (not available through the server)"
    for args in (["init"], ["serve"], [*PETITION, "--link", "XF-2020-panzhou-00001"]):
        assert error_line(remote(server, clerk, *args), 2) == local
    dead = f"http://127.0.0.1:{free_port()}"
    assert dead in error_line(remote(dead, clerk, "case", "list"))


def two_towns(cw: Casework) -> tuple[str, str]:
    """A petition with a party's ID number and phone in panzhou, a mediation in shanmei."""
    ours = cw.acting("clerk_pz").register(
        "petition", "panzhou", "拖欠工资", [PETITIONER], {"channel": "letter"}, "2020-11-30 09:00"
    )
    theirs = cw.acting("clerk_sm").register(
        "mediation", "shanmei", "邻里纠纷", ["applicant:黄某"], {}, "2020-11-30 09:30"
    )
    return ours["case_no"], theirs["case_no"]


def test_export_through_the_server_writes_the_direct_file_of_the_users_office(
    server: str, cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    ours, theirs = two_towns(cw)
    clerk = token(cw, "clerk_pz", "read")
    for suffix in ("csv", "xlsx", "json"):
        got, want = tmp_path / f"remote.{suffix}", tmp_path / f"direct.{suffix}"
        args = ["export", "cases", "--from", "2020-01-01", "--json"]
        sent = remote(server, clerk, *args, "--out", str(got))
        direct = cli(*args, "--out", str(want), user="clerk_pz")
        assert sent.exit_code == direct.exit_code == 0, sent.stderr + direct.stderr
        summary = json.loads(sent.stdout)
        assert summary == {**json.loads(direct.stdout), "out": str(got)}
        assert summary["rows"] == 1 and not os.path.exists(f"{got}.partial")
        if suffix == "xlsx":
            assert sheet_rows(got) == sheet_rows(want)
            text = str(sheet_rows(got))
        else:
            assert got.read_bytes() == want.read_bytes()
            text = got.read_text("utf-8-sig")
        assert ours in text and theirs not in text
    plain = ["export", "cases", "--out", str(tmp_path / "t.csv"), "--force"]  # the second
    same(remote(server, clerk, *plain), cli(*plain, user="clerk_pz"))


def sheet_rows(path: Path) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in book.active.iter_rows(values_only=True)]
    finally:
        book.close()


def test_a_revealed_export_is_the_supervisors_and_logged_with_the_channel_api(
    server: str, cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    two_towns(cw)
    out = tmp_path / "revealed.csv"
    columns = ["--columns", "case_no,id_numbers,phones"]
    sent = remote(server, token(cw, "sup_pz", "read"), "export", "cases", "--out", str(out))
    assert sent.exit_code == 0 and PETITIONER.split(":")[2] not in out.read_text("utf-8-sig")
    revealed = remote(
        server, token(cw, "sup_pz"), "export", "cases", *columns, "--reveal", "--out", str(out),
        "--force",
    )  # fmt: skip
    assert revealed.exit_code == 0, revealed.stderr
    assert PETITIONER.split(":")[2] in out.read_text("utf-8-sig")
    logged = [r for r in cw.acting("admin").reveal_log() if r["what"] == "export"]
    assert [(r["username"], r["channel"]) for r in logged] == [("sup_pz", "api")]


@pytest.mark.parametrize(
    "args,user,hint",
    [
        (["--reveal"], "clerk_pz", None),
        (["--columns", "case_no,secret"], "clerk_pz", "--columns"),
        (["--office", "atlantis"], "clerk_pz", "--office"),
        (["--office", "shanmei"], "clerk_pz", None),
        (["--kind", "lawsuit"], "clerk_pz", "--kind"),
        (["--from", "2020-13-01"], "clerk_pz", "--from"),
        (["--from", "2020-12-31", "--to", "2020-01-01"], "clerk_pz", "--to"),
        (["--out", "@/x.txt"], "clerk_pz", "--out"),
        (["--out", "/nonexistent/dir/x.csv"], "clerk_pz", "--out"),
    ],
    ids=["reveal", "columns", "office", "other-office", "kind", "from", "period", "suffix", "dir"],
)
def test_export_refusals_through_the_server_are_the_direct_ones(
    server: str,
    cw: Casework,
    cli: Cli,
    tmp_path: Path,
    args: list[str],
    user: str,
    hint: str | None,
) -> None:
    two_towns(cw)
    folder = tmp_path / "out"  # "@" in an option: this folder, which stays empty
    folder.mkdir()
    given = [a.replace("@", str(folder)) for a in args]
    command = ["export", "cases", "--out", str(folder / "x.csv"), *given]
    got = remote(server, token(cw, user), *command)
    want = cli(*command, user=user)
    assert error_line(got, 1, hint) == error_line(want, 1, hint)
    assert not list(folder.iterdir())


def test_the_export_endpoint_answers_each_format_with_its_content_type(
    server: str, cw: Casework
) -> None:
    import httpx

    two_towns(cw)
    auth = {"Authorization": f"Bearer {token(cw, 'clerk_pz', 'read')}"}
    url = f"{server}/api/v1/export"
    kinds = {"csv": "text/csv", "xlsx": "spreadsheetml", "json": "application/json"}
    for fmt, kind in kinds.items():
        answer = httpx.get(url, params={"format": fmt}, headers=auth)
        assert answer.status_code == 200 and kind in answer.headers["content-type"]
        assert answer.headers["x-casework-rows"] == "1"
    assert (
        json.loads(httpx.get(url, params={"format": "json"}, headers=auth).text)[0]["office"]
        == "panzhou"
    )
    bad = httpx.get(url, params={"format": "pdf"}, headers=auth)
    assert (bad.status_code, bad.json()["field"]) == (422, "format")
    assert httpx.get(url).status_code == 401
