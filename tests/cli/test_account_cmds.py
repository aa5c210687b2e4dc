"""``user passwd|deactivate|change|sessions|revoke|token`` and ``login-log`` (issue 14)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner, Result

from casework.api import Casework
from casework.errors import AuthFailed
from tests.helpers import NOBODY, Cli, FrozenClock, dump

PW = "Panzhou#2020"


def with_stdin(db: str, clock: FrozenClock, text: str, *args: str) -> Result:
    """The command with ``text`` on its standard input (the Cli helper gives it none)."""
    from cli.main import app

    env = {"CASEWORK_DB": db, "CASEWORK_NOW": clock.now.isoformat(), "CASEWORK_USER": None}
    result = CliRunner().invoke(app, list(args), input=text, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_passwd_reads_standard_input_and_the_user_must_change_it(
    cw: Casework, db_url: str, clock: FrozenClock
) -> None:
    done = with_stdin(
        db_url, clock, PW + "\n", "--as", "admin", "user", "passwd", "clerk_pz",
        "--password-stdin", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["must_change"] is True
    assert PW not in done.stdout + done.stderr
    assert cw.login("clerk_pz", PW)["must_change"] is True
    act = cw.acting("admin").admin_log()[-1]  # after the set-up's own entries
    assert (act["action"], act["channel"]) == ("user.passwd", "cli")
    assert act["os_user"]  # the operating-system account that ran the command


@pytest.mark.parametrize(
    "who,password,why",
    [
        ("admin", "short1A\n", "(--password-stdin)"),
        ("admin", "clerk_pz-Abc1\n", "用户名"),
        ("sup_pz", PW + "\n", "管理员"),
    ],
)
def test_a_refused_passwd_says_why_in_one_line_and_writes_nothing(
    cw: Casework, db_url: str, clock: FrozenClock, who: str, password: str, why: str
) -> None:
    before = dump(cw.engine)
    done = with_stdin(
        db_url, clock, password, "--as", who, "user", "passwd", "clerk_pz", "--password-stdin"
    )
    assert done.exit_code == 1
    assert why in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert dump(cw.engine) == before


def test_deactivate_ends_the_sessions(cw: Casework, cli: Cli) -> None:
    cw.acting("admin").set_password("clerk_pz", PW)
    token = cw.login("clerk_pz", PW)["token"]
    done = cli("user", "deactivate", "clerk_pz", "--json", user="admin")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["sessions_revoked"] == 1
    with pytest.raises(AuthFailed):
        cw.authenticate(token)
    again = cli("user", "deactivate", "clerk_pz", user="admin")
    assert again.exit_code == 1 and "已停用" in again.stderr


def test_change_sets_a_role_or_an_office(cw: Casework, cli: Cli) -> None:
    done = cli("user", "change", "clerk_pz", "--role", "supervisor", "--json", user="admin")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["role"] == "supervisor"
    bad = cli("user", "change", "clerk_pz", "--office", "atlantis", user="admin")
    assert bad.exit_code == 1 and bad.stderr.strip().endswith("(--office)")
    assert cw.acting("admin").admin_log()[-1]["data"] == {"role": ["clerk", "supervisor"]}


def test_sessions_revoke_and_the_login_log(cw: Casework, cli: Cli, clock: FrozenClock) -> None:
    cw.acting("admin").set_password("clerk_pz", PW)
    token = cw.login("clerk_pz", PW, address="10.0.0.9")["token"]
    listed = cli("user", "sessions", "--json", user="admin")
    assert listed.exit_code == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert (row["username"], row["address"]) == ("clerk_pz", "10.0.0.9")
    assert cli("user", "sessions", user="admin").exit_code == 0
    revoked = cli("user", "revoke", str(row["id"]), user="admin")
    assert revoked.exit_code == 0, revoked.stderr
    with pytest.raises(AuthFailed):
        cw.authenticate(token)
    assert cli("user", "revoke", "999", user="admin").stderr.strip().endswith("(ID)")
    log = cli("login-log", "--since", "2020-12-01", "--json", user="admin")
    assert [r["outcome"] for r in json.loads(log.stdout)] == [
        "password_set",
        "success",
        "revoked",
    ]
    assert cli("login-log", user="admin").exit_code == 0
    refused = cli("login-log", "--json", user=NOBODY)
    assert refused.exit_code == 2 and "an acting user is required" in refused.stderr
    assert cli("login-log", "--json", user="clerk_pz").exit_code == 1  # not an admin


def test_token_is_shown_once_for_the_acting_user(cw: Casework, cli: Cli) -> None:
    made = cli("user", "token", "nightly", "--days", "30", "--json", user="clerk_pz")
    assert made.exit_code == 0, made.stderr
    token = json.loads(made.stdout)
    assert cw.authenticate(token["token"])["scope"] == "read"
    viewer = cli("user", "token", "charts", "--scope", "write", user="viewer1")
    assert viewer.exit_code == 1 and viewer.stderr.strip().endswith("(--scope)")
    plain = cli("user", "token", "other", user="clerk_pz")
    assert plain.exit_code == 0 and "只显示这一次" in plain.stdout
