"""``casework backup``: a checked, consistent copy of a live SQLite database."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import threading
from pathlib import Path

from casework.api import Casework
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
