"""``casework --server URL`` (issue 14 point 7): the case, due and stats commands through a live
server's JSON API, as CASEWORK_TOKEN's user, print what the same commands print on the
database; the server's refusals are the same one-line errors and exit codes."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

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
