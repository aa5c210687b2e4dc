"""``casework backup``: a checked, consistent copy of a live SQLite database."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest

from casework.api import Casework
from casework.storage import backup
from tests import petitions as P
from tests.helpers import Cli


def test_backup_of_a_live_database_is_consistent(cw: Casework, cli: Cli, tmp_path: Path) -> None:
    if cw.engine.dialect.name != "sqlite":
        result = cli("backup", str(tmp_path / "copy.db"))
        assert result.exit_code == 1 and "pg_dump" in result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert not (tmp_path / "copy.db").exists()
        return
    clerk = cw.acting("clerk_pz")
    for i in range(20):
        no = clerk.register("petition", "panzhou", f"t{i}", at="2020-05-01")["case_no"]
        P.accept(cw, no, "2020-05-02")
    stop = threading.Event()

    def keep_writing() -> None:  # clerks go on working while the copy is taken
        n = 0
        while not stop.is_set() and n < 200:
            clerk.register("petition", "panzhou", f"live{n}", at="2020-05-03")
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    target = tmp_path / "copy.db"
    result = cli("backup", str(target), "--json")
    stop.set()
    writer.join()
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["integrity"] == "ok" and info["audit_ok"] is True and info["cases"] >= 20
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # One self-contained file: a rollback-journal database, nothing beside it.
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    copy.close()
    assert not os.path.exists(f"{target}-wal") and not os.path.exists(f"{target}-shm")
    copied = Casework(str(target))
    assert copied.verify()["ok"]
    copied.close()
    again = cli("backup", str(target))
    assert again.exit_code == 1 and "exists" in again.stderr
    missing = cli("backup", str(tmp_path / "no" / "such" / "dir.db"))
    assert missing.exit_code == 1 and not os.path.exists(tmp_path / "no")


def test_backup_copies_the_uploaded_documents_beside_it(
    cw: Casework, cli: Cli, tmp_path: Path
) -> None:
    if cw.engine.dialect.name != "sqlite":
        return  # PostgreSQL: pg_dump, and the files folder copied with it (docs/web.md)
    clerk = cw.acting("clerk_pz")
    no = clerk.register("petition", "panzhou", "信访件", at="2020-05-01")["case_no"]
    letter = "来信扫描件".encode() * 100
    done = clerk.store_document(no, "letter", "来信.pdf", io.BytesIO(letter), at="2020-05-01")
    seq = done["event"]["seq"]
    target = tmp_path / "copy.db"
    result = cli("backup", str(target), "--json")
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["documents"] == 1 and info["documents_missing"] == []
    assert info["documents_folder"] == str(target) + ".files"
    restored = Casework(str(target)).acting("clerk_pz")
    kept = restored.document_file(no, seq)
    assert Path(kept.path).read_bytes() == letter and str(target) in kept.path
    restored.close()
    # A recorded file missing from the folder is said, and the run exits 1.
    os.remove(clerk.stored_path(done["document"]["sha256"]))
    short = cli("backup", str(tmp_path / "short.db"))
    assert short.exit_code == 1 and "not found to copy" in short.stderr
    assert len(short.stderr.strip().splitlines()) == 1
    assert cli("backup", str(target)).exit_code == 1  # the copy and its folder are kept


def many_cases(cw: Casework, n: int) -> None:
    clerk = cw.acting("clerk_pz")
    for i in range(n):
        clerk.register("petition", "panzhou", f"案{i}" + "长" * 400, at="2020-05-01")


def test_backup_finishes_while_a_clerk_keeps_writing(cw: Casework, tmp_path: Path) -> None:
    """Issue 15 point 6: the copy holds one snapshot while writers go on. Before, each commit
    of another connection restarted SQLite's paged copy, which under a steady writer (20
    steps a second) never finished: the writer here would have run out first."""
    if cw.engine.dialect.name != "sqlite":
        return
    many_cases(cw, 150)
    kept = tmp_path / "backups"
    kept.mkdir()
    writes, stop = [0], threading.Event()

    def clerk_at_work() -> None:  # 20 steps a second for at most 60 s
        other = Casework(str(cw.engine.url.database), clock=cw.clock).acting("clerk_pz")
        while not stop.is_set() and writes[0] < 1200:
            other.register("petition", "panzhou", f"live{writes[0]}", at="2020-05-03")
            writes[0] += 1
            stop.wait(0.05)
        other.close()

    writer = threading.Thread(target=clerk_at_work)
    writer.start()
    pages: list[int] = []
    try:
        while writes[0] < 5:  # the writer is at work before the copy starts
            stop.wait(0.01)
        done = cw.backup(str(kept / "copy.db"), lambda _, left, total: pages.append(left))
        still_writing = writer.is_alive() and writes[0] < 1200
    finally:
        stop.set()
        writer.join()
    assert still_writing and done["audit_ok"] and done["cases"] >= 150
    assert pages and pages[-1] == 0  # the copy went to its end in batches of pages
    assert os.listdir(kept) == ["copy.db"]


def test_a_stopped_backup_leaves_nothing_and_a_killed_ones_leftover_is_cleared(
    cw: Casework, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if cw.engine.dialect.name != "sqlite":
        return
    many_cases(cw, 30)
    kept = tmp_path / "backups"
    kept.mkdir()
    target = kept / "copy.db"

    def stop_halfway(_: int, left: int, total: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C, or SIGTERM turned into an exit by the command

    monkeypatch.setattr(backup, "PAGES_A_STEP", 8)
    with pytest.raises(KeyboardInterrupt):
        cw.backup(str(target), stop_halfway)
    assert os.listdir(kept) == []
    # A SIGKILLed run (its process gone) left a partial copy: no file at the target's name,
    # and the next run clears it and succeeds.
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftover = backup.partial_name(str(target), dead.pid)
    Path(leftover).write_bytes(b"half a database")
    Path(leftover + ".files").mkdir()
    assert not target.exists()
    result = cli("backup", str(target), "--json")
    assert result.exit_code == 0, result.stderr
    assert os.listdir(kept) == ["copy.db"]
    assert Casework(str(target)).verify()["ok"]
