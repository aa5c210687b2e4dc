"""``casework restore``: a SQLite backup checked, then put back, the replaced database kept."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import Result

from casework.api import Casework
from casework.errors import CaseworkError
from casework.storage import restore as steps
from casework.storage.personal import CHECK_KEY
from tests.cli.checks import error_line
from tests.helpers import Cli, drop_event_guards


def digest(path: str | Path) -> str:
    """The database's bytes, its ``-wal`` included: what a refused restore must not change.
    Taken with every connection of this process closed, so that the last one's checkpoint
    (SQLite writes the WAL back into the file then) is not taken for a change."""
    gc.collect()
    out = hashlib.sha256()
    for name in (str(path), f"{path}-wal"):
        if os.path.exists(name):
            out.update(Path(name).read_bytes())
    return out.hexdigest()


def backed_up(cw: Casework, cli: Cli, tmp_path: Path) -> tuple[str, Path]:
    """A case registered and backed up: its number and the backup's path."""
    clerk = cw.acting("clerk_pz")
    no = clerk.register("petition", "panzhou", "备份前的案件", at="2020-05-01")["case_no"]
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir()
    made = cli("backup", str(target))
    assert made.exit_code == 0, made.stderr
    return no, target


def restore(cw: Casework, cli: Cli, *args: str) -> Result:
    """``casework restore ...`` once the test's own connections to the database are closed
    (the fixture's, and those of earlier commands run in this process, which a collection
    closes): a restore refuses a database another connection keeps open."""
    cw.engine.dispose()
    gc.collect()
    return cli("restore", *args)


def quiet(cw: Casework) -> str:
    """The database's path, with the test's own connections closed."""
    cw.engine.dispose()
    gc.collect()
    return str(cw.engine.url.database)


def case_numbers(db: str | Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return {r[0] for r in conn.execute("SELECT case_no FROM cases")}


def test_restore_brings_back_the_backup_and_keeps_the_replaced_database(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    if cw.engine.dialect.name != "sqlite":
        line = error_line(restore(cw, cli, str(tmp_path / "copy.db"), "--yes"), 1, "--db")
        assert "pg_restore" in line
        return
    before, backup = backed_up(cw, cli, tmp_path)
    after = cw.acting("clerk_pz").register("petition", "panzhou", "备份后的案件", at="2020-05-02")
    db = str(cw.engine.url.database)
    backup_bytes = backup.read_bytes()
    done = restore(cw, cli, str(backup), "--yes", "--json")
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["integrity"] == "ok" and result["audit_ok"] is True
    assert result["restored"] == db and result["backup"] == str(backup)
    numbers = case_numbers(db)
    assert before in numbers and after["case_no"] not in numbers
    # The replaced database is kept beside it, whole, and passes the audit.
    kept = result["replaced"]
    assert os.path.dirname(kept) == os.path.dirname(db) and ".replaced-" in kept
    assert after["case_no"] in case_numbers(kept)
    replaced = Casework(kept)
    assert replaced.verify()["ok"]
    replaced.close()
    assert backup.read_bytes() == backup_bytes  # the backup itself is never written
    assert os.listdir(backup.parent) == ["copy.db"]  # nor anything beside it
    assert Casework(db).verify()["ok"]
    # Casework goes on with the restored database: the next number follows the backup's.
    again = cw.acting("clerk_pz").register("petition", "panzhou", "恢复后", at="2020-05-03")
    assert again["case_no"] == after["case_no"]
    leftovers = [n for n in os.listdir(os.path.dirname(db)) if ".restoring-" in n]
    assert leftovers == []
    text = restore(cw, cli, str(backup), "--yes")
    assert "restored" in text.stdout and "kept at" in text.stdout
    assert len([n for n in os.listdir(os.path.dirname(db)) if ".replaced-" in n]) == 2


def test_a_tampered_backup_is_refused_and_nothing_changes(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    if cw.engine.dialect.name != "sqlite":
        return
    no, backup = backed_up(cw, cli, tmp_path)
    with sqlite3.connect(backup) as conn:
        conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
        conn.execute("UPDATE events SET note = 'changed' WHERE seq = 1")
    cw.acting("clerk_pz").register("petition", "panzhou", "之后", at="2020-05-02")
    db = quiet(cw)
    before, listing = digest(db), sorted(os.listdir(os.path.dirname(db)))
    line = error_line(restore(cw, cli, str(backup), "--yes"), 1, "BACKUP")
    assert "fails the audit" in line and no in line and "seq 1" in line
    assert digest(db) == before and sorted(os.listdir(os.path.dirname(db))) == listing


def test_a_backup_with_its_guards_dropped_is_refused(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    """History intact, but the triggers that keep events append-only gone: restoring it
    would bring a database anyone could edit back into service."""
    if cw.engine.dialect.name != "sqlite":
        return
    _, backup = backed_up(cw, cli, tmp_path)
    copy = Casework(str(backup))
    with copy.engine.begin() as conn:
        drop_event_guards(conn)
    copy.close()
    db = quiet(cw)
    before = digest(db)
    line = error_line(restore(cw, cli, str(backup), "--yes"), 1, "BACKUP")
    assert "schema differs" in line and "_no_" in line
    assert digest(db) == before


@pytest.mark.parametrize(
    "bad",
    [
        "missing",
        "directory",
        "text",
        "truncated",
        "garbage",
        "not-casework",
        "old-revision",
        "other-key",
        "page-size",
        "fifo",
    ],
)
def test_bad_input_is_refused_in_one_line(cw: Casework, cli: Cli, tmp_path: Path, bad: str) -> None:
    if cw.engine.dialect.name != "sqlite":
        return
    path = tmp_path / "in" / bad
    path.parent.mkdir()
    if bad == "directory":
        path.mkdir()
    elif bad == "text":
        path.write_text("这不是数据库 not a database\n" * 100, "utf-8")
    elif bad in ("truncated", "garbage"):
        _, backup = backed_up(cw, cli, tmp_path)
        data = backup.read_bytes()
        if bad == "truncated":
            path.write_bytes(data[: len(data) // 3])
        else:  # a SQLite header over pages of noise
            path.write_bytes(data[:100] + os.urandom(len(data) - 100))
    elif bad == "not-casework":
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
        conn.close()
    elif bad == "page-size":
        _, backup = backed_up(cw, cli, tmp_path)
        path.write_bytes(backup.read_bytes())
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as conn:
            conn.execute("PRAGMA page_size=8192")
            conn.execute("VACUUM")
    elif bad in ("old-revision", "other-key"):
        _, backup = backed_up(cw, cli, tmp_path)
        path.write_bytes(backup.read_bytes())
        with contextlib.closing(sqlite3.connect(path)) as conn, conn:
            if bad == "old-revision":
                conn.execute("UPDATE alembic_version SET version_num = '0014'")
            else:  # sealed under another key: its check value is not this key's
                conn.execute("UPDATE settings SET value = ? WHERE key = ?", ("0" * 64, CHECK_KEY))
    elif bad == "fifo":
        os.mkfifo(path)
    db = quiet(cw)
    before, listing = digest(db), sorted(os.listdir(os.path.dirname(db)))
    line = error_line(restore(cw, cli, str(path), "--yes"), 1, "BACKUP")
    if bad == "not-casework":
        assert "no casework schema" in line
    if bad == "old-revision":
        assert "0014" in line and "upgrade a copy" in line
    if bad == "page-size":
        assert "page size differs" in line
    if bad == "other-key":
        assert "key" in line
    assert digest(db) == before and sorted(os.listdir(os.path.dirname(db))) == listing


def test_restore_adds_the_backups_documents_and_deletes_none(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    if cw.engine.dialect.name != "sqlite":
        return
    clerk = cw.acting("clerk_pz")
    no = clerk.register("petition", "panzhou", "信访件", at="2020-05-01")["case_no"]
    letter = "来信扫描件".encode() * 100
    done = clerk.store_document(no, "letter", "来信.pdf", io.BytesIO(letter), at="2020-05-01")
    seq = done["event"]["seq"]
    backup = tmp_path / "copy.db"
    assert cli("backup", str(backup)).exit_code == 0
    later = clerk.store_document(no, "evidence", "补充.pdf", io.BytesIO(b"later"), at="2020-05-02")
    later_file = clerk.stored_path(later["document"]["sha256"])
    lost = clerk.stored_path(done["document"]["sha256"])
    os.remove(lost)  # the folder lost the letter's file; the backup has it
    result = json.loads(restore(cw, cli, str(backup), "--yes", "--json").stdout)
    assert result["documents"] == 1 and result["documents_missing"] == []
    assert result["documents_folder"] == clerk.files_dir()
    assert Path(lost).read_bytes() == letter
    assert Path(clerk.document_file(no, seq).path).read_bytes() == letter
    assert os.path.exists(later_file)  # a file the backup does not know is left alone
    again = json.loads(restore(cw, cli, str(backup), "--yes", "--json").stdout)
    assert again["documents"] == 0 and again["documents_kept"] == 1
    # A recorded file in neither folder: the database is restored, the file named, exit 1.
    os.remove(lost)
    os.remove(
        str(backup) + ".files/" + done["document"]["sha256"][:2] + "/" + os.path.basename(lost)
    )
    short = restore(cw, cli, str(backup), "--yes")
    line = error_line(short, 1, stdout=True)
    assert "found nowhere" in line and done["document"]["sha256"] in line
    assert "restored" in short.stdout


def test_without_yes_it_asks_and_off_a_terminal_it_refuses(
    cw: Casework, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if cw.engine.dialect.name != "sqlite":
        return
    _, backup = backed_up(cw, cli, tmp_path)
    db = quiet(cw)
    before = digest(db)
    error_line(restore(cw, cli, str(backup)), 2, "--yes")
    import cli.trust_cmds as commands

    monkeypatch.setattr(commands, "interactive", lambda: True)
    monkeypatch.setattr(commands.typer, "confirm", lambda _: False)
    refused = restore(cw, cli, str(backup))
    assert refused.exit_code == 1 and "not restored" in refused.stderr
    assert digest(db) == before
    monkeypatch.setattr(commands.typer, "confirm", lambda question: "cases" in question)
    assert restore(cw, cli, str(backup)).exit_code == 0


def test_a_database_in_use_elsewhere_is_not_replaced(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    if cw.engine.dialect.name != "sqlite":
        return
    _, backup = backed_up(cw, cli, tmp_path)
    db = quiet(cw)
    before = digest(db)
    other = sqlite3.connect(db)  # another process's connection, open on the file
    other.execute("SELECT count(*) FROM cases").fetchone()
    old_wait = steps.EXCLUSIVE_WAIT
    try:
        steps.EXCLUSIVE_WAIT = 0.2
        with pytest.raises(CaseworkError, match="in use"):
            cw.restore(str(backup))
    finally:
        steps.EXCLUSIVE_WAIT = old_wait
        other.close()
    assert digest(db) == before
    assert not [n for n in os.listdir(os.path.dirname(db)) if ".replaced-" in n]


def test_a_backup_is_checked_against_an_anchor_before_anything_is_replaced(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    """A backup made before the anchor lacks a case the anchor names: refused, the database
    unchanged; one made after it passes, and a file that is not an anchor is refused."""
    if cw.engine.dialect.name != "sqlite":
        return
    _, backup = backed_up(cw, cli, tmp_path)
    later = cw.acting("clerk_pz").register("petition", "panzhou", "备份后的案件", at="2020-05-02")
    anchor = tmp_path / "anchor.json"
    assert cli("audit", "anchor", "--out", str(anchor)).exit_code == 0
    db = quiet(cw)
    before = digest(db)
    line = error_line(restore(cw, cli, str(backup), "--anchor", str(anchor), "--yes"), 1)
    assert later["case_no"] in line and "deleted" in line
    assert digest(db) == before
    bad = tmp_path / "bad.json"
    bad.write_text("{}", "utf-8")
    error_line(restore(cw, cli, str(backup), "--anchor", str(bad), "--yes"), 1, "--anchor")
    assert digest(db) == before
    fresh = tmp_path / "backups" / "fresh.db"
    assert cli("backup", str(fresh)).exit_code == 0
    done = restore(cw, cli, str(fresh), "--anchor", str(anchor), "--yes")
    assert done.exit_code == 0, done.stderr


# A restore killed (SIGKILL, a power cut) while it writes the backup's pages into the database.
KILLED_HALFWAY = """
import os, sys
from casework.api import Casework
from casework.storage import restore

restore.PAGES_A_STEP = 4

def progress(_, left, pages):
    if left < pages // 4:  # the staging copy is done and the swap is halfway through
        os._exit(9)

Casework(sys.argv[1]).restore(sys.argv[2], progress=progress)
"""


def test_a_restore_killed_halfway_leaves_the_database_as_it_was(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    if cw.engine.dialect.name != "sqlite":
        return
    clerk = cw.acting("clerk_pz")
    for i in range(60):
        clerk.register("petition", "panzhou", f"案{i}" + "长" * 400, at="2020-05-01")
    _, backup = backed_up(cw, cli, tmp_path)
    after = clerk.register("petition", "panzhou", "备份后", at="2020-05-02")["case_no"]
    db = quiet(cw)
    before = case_numbers(db)
    root = Path(__file__).resolve().parents[2]
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_HALFWAY, db, str(backup)],
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode == 9, killed.stderr
    assert after in case_numbers(db) and case_numbers(db) == before
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert Casework(db).verify()["ok"]
    # The next restore clears the killed one's staging copy and goes through.
    done = restore(cw, cli, str(backup), "--yes", "--json")
    assert done.exit_code == 0, done.stderr
    assert after not in case_numbers(db)
    assert not [n for n in os.listdir(os.path.dirname(db)) if ".restoring-" in n]
