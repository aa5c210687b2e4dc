"""``casework audit verify`` and ``casework backup`` (cli/trust_cmds.py)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from casework.api import Casework
from tests import petitions
from tests.cli.checks import error_line
from tests.helpers import Cli, drop_event_guards


def test_audit_verify_passes_and_then_finds_an_edit(cw: Casework, cli: Cli) -> None:
    clerk = cw.acting("clerk_pz")
    case_no = clerk.register("petition", "panzhou", "甲", at="2020-03-01")["case_no"]
    petitions.accept(cw, case_no, "2020-03-02")
    ok = cli("audit", "verify", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["ok"] is True
    assert "audit ok" in cli("audit", "verify").stdout
    with cw.engine.begin() as conn:
        drop_event_guards(conn)
        conn.execute(text("UPDATE events SET note = 'changed' WHERE seq = 2"))
    found = cli("audit", "verify")
    line = error_line(found, 1, stdout=True)
    assert case_no in line and "seq 2" in line and "audit found 1 problem(s)" in line
    assert case_no in found.stdout
    as_json = cli("audit", "verify", "--json")
    error_line(as_json, 1, stdout=True)
    assert json.loads(as_json.stdout)["findings"][0]["case_no"] == case_no


def test_backup_copies_a_sqlite_database(
    cw: Casework, cli: Cli, db_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    if "://" in db_url:  # PostgreSQL: pg_dump is the way, said in one line
        line = error_line(cli("backup", str(target)), 1, "--db")
        assert "pg_dump" in line
        return
    made = cli("backup", str(target), "--json")
    assert made.exit_code == 0, made.stderr
    out = json.loads(made.stdout)
    assert out["integrity"] == "ok" and out["audit_ok"] is True and target.exists()
    line = error_line(cli("backup", str(target)), 1, "FILE")
    assert "exists" in line
    error_line(cli("backup", str(tmp_path / "no" / "dir.db")), 1, "FILE")
    error_line(cli("backup"), 2)


def test_restore_refuses_in_one_line_without_a_usable_backup(
    cli: Cli, db_url: str, tmp_path: Path
) -> None:
    """The whole restore is tests/integration/test_restore.py; here its lines of refusal."""
    error_line(cli("restore"), 2)
    error_line(cli("restore", str(tmp_path / "none.db")), 2, "--yes")  # no terminal to ask at
    line = error_line(cli("restore", str(tmp_path / "none.db"), "--yes"), 1)
    assert ("pg_restore" in line) if "://" in db_url else line.endswith("(BACKUP)")
