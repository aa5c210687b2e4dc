"""`casework backup` of a large SQLite database, quiet and under a steady writer (issue 15.6).

    python bench/bench_backup.py [--size-mb 1024] [--rate 20] [--dir DIR] [--timeout 1800]

Builds (once, cached in ``--dir``) a database of about ``--size-mb`` by real casework steps:
mediation ledgers imported through ``Casework.import_ledger`` (every case registered, hashed
and audited as a clerk's would be), each row's 备注 a long note, as a case file's notes are.
Then runs ``casework backup`` in a child process twice: (a) with nobody writing, (b) while a
writer process registers petitions and files their letters through the API, ``--rate`` steps
a second.
Prints the database's size, both times, their ratio, the steps the writer committed during the
loaded backup, and whether each copy passed the audit that the backup runs on it; then times
``casework restore`` of the loaded copy over the quiet one. Exits 1 when
the loaded backup did not finish within ``--timeout`` seconds or a copy failed its checks.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from casework.api import Casework
from casework.clock import fixed_clock
from casework.domain.identity import id_check_digit

NOW = datetime(2021, 1, 10, 2, 0, tzinfo=UTC)
HEADER = ["登记日期", "案件标题", "当事人", "身份证号", "纠纷类型", "单位", "备注"]
TYPES = ["邻里", "婚姻家庭", "土地山林", "合同", "劳动", "损害赔偿", "其他"]
OFFICES = ["panzhou", "shanmei", "baoguang", "shizailing", "jinshan", "xieji"]
ROWS_A_LEDGER = 20_000
# A note of about 1,800 characters (5 KB in UTF-8): what pads the file, as real notes do.
NOTE = "双方当事人到所陈述纠纷经过，调解员逐项记录争议事实与各自诉求，并约定下次调解时间。" * 45


def write_ledger(path: str, first: int, rows: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(first, first + rows):
            first17 = f"440981{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
            out.writerow(
                [
                    f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    f"第{i}号 {TYPES[i % len(TYPES)]}纠纷",
                    f"申请人{i % 997}、被申请人{i % 991}",
                    first17 + id_check_digit(first17),
                    TYPES[i % len(TYPES)],
                    OFFICES[i % len(OFFICES)],
                    f"{i}：{NOTE}",
                ]
            )


def build(path: str, size_mb: int, folder: str) -> dict[str, Any]:
    """Ledgers of ROWS_A_LEDGER rows imported one after another until the file is big enough."""
    started = time.perf_counter()
    cw = Casework.initialise(path, offices="gaozhou", clock=fixed_clock(NOW))
    cw.acting("admin").add_user("importer", "导入员", "supervisor", "city-justice")
    importer = cw.acting("importer")
    rows, ledger = 0, os.path.join(folder, "ledger.csv")
    while file_mb(path) < size_mb:
        step = max(50, min(ROWS_A_LEDGER, int((size_mb - file_mb(path)) * 150) + 50))
        write_ledger(ledger, rows, step)
        summary = importer.import_ledger("mediation", ledger)
        rows += int(summary["imported"])
        print(f"  {rows:,} cases, {file_mb(path):,.0f} MB", flush=True)
    os.remove(ledger)
    cw.close()
    return {"cases": rows, "seconds": round(time.perf_counter() - started, 1)}


def file_mb(path: str) -> float:
    """The database file's size (SQLite writes its WAL back into it every 1,000 pages)."""
    return os.path.getsize(path) / 2**20


def prepared(folder: str, size_mb: int, rebuild: bool) -> str:
    path = os.path.join(folder, f"backup-{size_mb}mb.db")
    if rebuild or not os.path.exists(path):
        for suffix in ("", "-wal", "-shm", ".part", ".part-wal", ".part-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        print(f"building about {size_mb:,} MB into {path} ...", flush=True)
        summary = build(path + ".part", size_mb, folder)
        with contextlib.closing(sqlite3.connect(path + ".part")) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(path + ".part", path)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(path + ".part" + suffix):
                os.remove(path + ".part" + suffix)
        print(f"  built: {summary['cases']:,} cases in {summary['seconds']} s", flush=True)
    return path


def run_backup(db: str, target: str, timeout: float) -> tuple[float, dict[str, Any] | None]:
    """The wall seconds of ``casework backup`` in a child process and its JSON (None when it
    did not finish in time: it is stopped with SIGTERM, which removes its partial copy)."""
    exe = os.path.join(os.path.dirname(sys.executable), "casework")
    cmd = [exe, "--db", db, "backup", target, "--json"]
    env = {k: v for k, v in os.environ.items() if k not in ("CASEWORK_NOW", "CASEWORK_DB")}
    start = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGTERM)
        child.communicate()
        return time.perf_counter() - start, None
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"casework backup failed ({child.returncode}): {err.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(out)
    return seconds, result


def run_restore(db: str, backup: str) -> tuple[float, dict[str, Any]]:
    """The wall seconds of ``casework restore BACKUP --yes`` over ``db`` in a child process."""
    exe = os.path.join(os.path.dirname(sys.executable), "casework")
    cmd = [exe, "--db", db, "restore", backup, "--yes", "--json"]
    env = {k: v for k, v in os.environ.items() if k not in ("CASEWORK_NOW", "CASEWORK_DB")}
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"casework restore failed: {done.stderr.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return seconds, result


def last_event(db: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT max(rowid) FROM events").fetchone()[0] or 0)


def writer(db: str, rate: float) -> None:
    """A clerk at work: a petition registered, then its letter put on file, and so on, ``rate``
    steps a second, each its own transaction, until stopped with SIGTERM. Says ``ready`` once the
    first step is committed."""
    from casework.clock import system_clock

    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    cw = Casework(db, clock=system_clock)
    admin = cw.acting("admin")
    if "clerk_bench" not in {u["username"] for u in admin.users()}:
        admin.add_user("clerk_bench", "登记员", "supervisor", "panzhou")
    clerk = cw.acting("clerk_bench")
    n, pending, pace = 0, None, 1.0 / rate
    next_at = time.monotonic()
    while not stop[0]:
        if pending is None:
            pending = clerk.register("petition", "panzhou", f"来信{n}")["case_no"]
        else:
            clerk.add_document(pending, "letter", note="来信扫描件")
            pending = None
        n += 1
        if n == 1:
            print("ready", flush=True)
        next_at += pace
        time.sleep(max(0.0, next_at - time.monotonic()))
    cw.close()


def start_writer(db: str, rate: float) -> subprocess.Popen[str]:
    cmd = [sys.executable, __file__, "--writer", db, "--rate", str(rate)]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    line = child.stdout.readline()
    if line.strip() != "ready":
        child.kill()
        raise SystemExit(f"the writer did not start: {line!r}")
    return child


def measure(db: str, rate: float, timeout: float, scratch: str) -> dict[str, Any]:
    quiet_target = os.path.join(scratch, "quiet.db")
    quiet_s, quiet = run_backup(db, quiet_target, timeout)
    assert quiet is not None, "the quiet backup did not finish in time"
    # The audit's share of the backup: the same audit, alone, on the quiet copy.
    # The copy is in another folder: its key is the database's (CASEWORK_KEY, else the file
    # casework made beside the database).
    key = os.path.join(os.path.dirname(db), "casework.key")
    if "CASEWORK_KEY" not in os.environ and os.path.exists(key):
        os.environ["CASEWORK_KEY_FILE"] = key
    copy = Casework(quiet_target)
    began = time.perf_counter()
    assert copy.verify()["ok"]
    audit_s = time.perf_counter() - began
    copy.close()
    loaded_target = os.path.join(scratch, "loaded.db")
    child = start_writer(db, rate)
    try:
        before = last_event(db)
        loaded_s, loaded = run_backup(db, loaded_target, timeout)
        during = last_event(db) - before
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=60)
    # The loaded copy put back over the quiet one (a database of the same size, its key the
    # same): the whole restore, checks, the kept replaced copy and the swap.
    restore_s = run_restore(quiet_target, loaded_target)[0] if loaded else None
    return {
        "restore_s": restore_s,
        "quiet_s": quiet_s,
        "quiet": quiet,
        "loaded_s": loaded_s,
        "loaded": loaded,
        "writes": during,
        "audit_s": audit_s,
    }


def report(db: str, got: dict[str, Any], rate: float, timeout: float) -> int:
    quiet, loaded = got["quiet"], got["loaded"]
    print(f"database: {file_mb(db):,.1f} MB, {quiet['cases']:,} cases, {quiet['events']:,} events")
    print(
        f"backup quiet: {got['quiet_s']:.1f} s (integrity {quiet['integrity']}, "
        f"audit {'ok' if quiet['audit_ok'] else 'FAILED'}; the audit alone takes "
        f"{got['audit_s']:.1f} s of it)"
    )
    if loaded is None:
        print(f"backup under {rate:g} writes/s: did NOT finish within {timeout:g} s")
        return 1
    print(
        f"backup under {rate:g} writes/s: {got['loaded_s']:.1f} s (integrity "
        f"{loaded['integrity']}, audit {'ok' if loaded['audit_ok'] else 'FAILED'}), "
        f"{got['writes']:,} steps committed meanwhile "
        f"({got['writes'] / got['loaded_s']:.1f}/s)"
    )
    print(f"ratio loaded/quiet: {got['loaded_s'] / got['quiet_s']:.2f}")
    print(
        f"restore of the loaded copy over the quiet one: {got['restore_s']:.1f} s (checked, "
        "the replaced database kept, audit ok)"
    )
    checked = all(r["integrity"] == "ok" and r["audit_ok"] for r in (quiet, loaded))
    return 0 if checked else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--rate", type=float, default=20.0, help="writer steps a second")
    parser.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "casework-bench"))
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds a backup may take")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--writer", help=argparse.SUPPRESS)  # the writer process's own run
    args = parser.parse_args()
    if args.writer:
        writer(args.writer, args.rate)
        return
    folder = os.path.join(args.dir, f"backup-{args.size_mb}mb")
    os.makedirs(folder, exist_ok=True)
    db = prepared(folder, args.size_mb, args.rebuild)
    scratch = tempfile.mkdtemp(prefix="copies-", dir=folder)
    try:
        got = measure(db, args.rate, args.timeout, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(report(db, got, args.rate, args.timeout))


if __name__ == "__main__":
    main()
