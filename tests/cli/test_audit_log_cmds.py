"""``casework audit log`` (cli/trust_cmds.py), and ``audit verify`` naming a table and key
changed behind casework's back (issue 15 point 2)."""

from __future__ import annotations

import json

from sqlalchemy import text

from casework.api import Casework
from tests.cli.checks import error_line
from tests.helpers import Cli, drop_event_guards


def test_audit_log_lists_a_role_change_old_to_new(cw: Casework, cli: Cli) -> None:
    changed = cli("user", "change", "clerk_pz", "--role", "supervisor", user="admin")
    assert changed.exit_code == 0, changed.stderr
    shown = cli("audit", "log", "--target", "clerk_pz", user="admin")
    assert shown.exit_code == 0, shown.stderr
    assert "管理日志 Admin log" in shown.stdout
    assert "user.change" in shown.stdout and "clerk → supervisor" in shown.stdout
    listed = cli("audit", "log", "--limit", "1", "--json", user="admin")
    assert listed.exit_code == 0, listed.stderr
    [entry] = json.loads(listed.stdout)
    assert (entry["action"], entry["target"]) == ("user.change", "clerk_pz")
    assert entry["channel"] == "cli"
    assert (entry["before"], entry["after"]) == ({"role": "clerk"}, {"role": "supervisor"})
    assert entry["os_user"] and len(entry["hash"]) == 64
    everything = json.loads(cli("audit", "log", "--json", user="admin").stdout)
    assert everything[-1] == entry and [e["seq"] for e in everything][:2] == [1, 2]
    mine = json.loads(cli("audit", "log", "--actor", "nobody", "--json", user="admin").stdout)
    assert mine == []


def test_audit_log_is_for_admins_and_needs_a_user(cw: Casework, cli: Cli) -> None:
    assert "管理员" in error_line(cli("audit", "log", user="sup_pz"), 1)
    assert "--as" in error_line(cli("audit", "log", user=""), 2)
    error_line(cli("audit", "log", "--since", "someday", user="admin"), 1, "--since")


def test_audit_verify_names_the_table_and_key_edited(cw: Casework, cli: Cli) -> None:
    ok = cli("audit", "verify")
    assert ok.exit_code == 0 and "admin-log entries" in ok.stdout
    with cw.engine.begin() as conn:
        drop_event_guards(conn)
        conn.execute(text("UPDATE users SET role = 'admin' WHERE username = 'viewer1'"))
    found = cli("audit", "verify")
    line = error_line(found, 1, stdout=True)
    assert "users:viewer1" in line and "role 'viewer' in the log, 'admin' in the table" in line
    assert json.loads(cli("audit", "verify", "--json").stdout)["findings"][0]["case_no"] == (
        "users:viewer1"
    )
