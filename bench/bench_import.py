"""Importing a CSV ledger through casework against raw sqlite3 loading the same file, in one run.

    python bench/bench_import.py [--rows 1000000] [--keep DIR]

Writes a mediation ledger of ``--rows`` rows (登记日期, 案件标题, 当事人, 身份证号, 联系电话,
纠纷类型, 单位), then:
- casework: ``casework import mediation FILE`` in a child process under ``/usr/bin/time -v``
  (so its peak memory is measured) on a freshly initialised database;
- baseline: raw ``sqlite3`` under the same pragmas, parsing the same file with the ``csv``
  module and inserting the same rows casework writes, with values of the same sizes (a case,
  its registration event with the registration's facts, its two parties with the sealed and
  blind-indexed ID number and phone, the offices' counters) with ``executemany``, in one
  transaction, then checkpointing its WAL as casework does (``run_raw``).
The two sides take turns (casework, raw, casework, raw ...), ``--repeat`` turns each, each turn
on fresh databases. Prints rows per second of each (the median turn, with the spread of the
turns' times [lowest..highest]), the ratio of the medians with the range of the turn pairs'
ratios, in wall and in CPU time, casework's peak resident memory, and the size of the WAL
file the import left behind (target: none over 1 GB; casework checkpoints once the import has
committed). The load average at the start and the end says how busy the machine was.
"""

from __future__ import annotations

import argparse
import base64
import csv
import getpass
import hashlib
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from runs import Timed, ratio

from casework.api import Casework
from casework.clock import fixed_clock
from casework.domain.identity import id_check_digit

NOW = datetime(2021, 1, 10, 2, 0, tzinfo=UTC)
HEADER = ["登记日期", "案件标题", "当事人", "身份证号", "联系电话", "纠纷类型", "单位"]
TYPES = ["邻里", "婚姻家庭", "土地山林", "合同", "劳动", "损害赔偿", "其他"]
OFFICES = ["panzhou", "shanmei", "baoguang", "shizailing", "jinshan", "xieji"]


def write_ledger(path: str, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(rows):
            first17 = f"440981{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
            out.writerow(
                [
                    f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    f"第{i}号 {rng.choice(TYPES)}纠纷",
                    f"申请人{i % 997}、被申请人{i % 991}",
                    first17 + id_check_digit(first17),
                    f"138{i % 100000000:08d}",
                    rng.choice(TYPES),
                    OFFICES[i % len(OFFICES)],
                ]
            )


def prepare(path: str) -> None:
    cw = Casework.initialise(path, offices="gaozhou", clock=fixed_clock(NOW))
    cw.acting("admin").add_user("importer", "导入员", "supervisor", "city-justice")
    cw.close()


def run_casework(db: str, ledger: str) -> tuple[float, float, int, dict[str, object]]:
    """Wall seconds, CPU seconds, peak RSS in KB and the import's summary."""
    exe = os.path.join(os.path.dirname(sys.executable), "casework")
    env = {**os.environ, "CASEWORK_DB": db, "CASEWORK_NOW": NOW.isoformat()}
    cmd = ["/usr/bin/time", "-v", exe, "--as", "importer", "import", "mediation", ledger, "--json"]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"casework import failed: {done.stderr[-2000:]}")

    def field(name: str) -> str:
        found = re.search(rf"{name}: ([\d.]+)", done.stderr)
        assert found is not None, done.stderr[-1000:]
        return found.group(1)

    cpu = float(field(r"User time \(seconds\)")) + float(field(r"System time \(seconds\)"))
    peak = int(field(r"Maximum resident set size \(kbytes\)"))
    return seconds, cpu, peak, json.loads(done.stdout)


# The dispute types as the mediation procedure keeps them (its codes, by label and alias).
CODES = {"邻里": "neighbour", "婚姻家庭": "marriage_family", "土地山林": "land", "合同": "contract"}
CODES |= {"劳动": "labour", "损害赔偿": "damage", "其他": "other"}


def sealed_size(value: str) -> str:
    """A value as long as casework's sealed one (``v1:`` and the base64 of a 12-byte nonce,
    the text and a 16-byte tag), random as a ciphertext is, without the cipher."""
    return "v1:" + base64.b64encode(os.urandom(12) + value.encode() + bytes(16)).decode("ascii")


def blind(value: str) -> str:
    """A 64-hex value spread as casework's blind index is (an HMAC): the indexed column's
    B-tree takes it at a random place, as it takes casework's."""
    return hashlib.sha256(value.encode()).hexdigest()


def registered_at(day: str, cache: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """The day's local midnight (UTC+8) as casework stores it (a UTC instant) and the day."""
    found = cache.get(day)
    if found is None:
        utc = datetime.fromisoformat(day) - timedelta(hours=8)
        found = cache[day] = (utc.isoformat(" ", "microseconds"), day)
    return found


def raw_rows(
    row: list[str], case_id: int, seq: int, refs: tuple[str, str], days: dict[str, tuple[str, str]]
) -> tuple[tuple[object, ...], tuple[object, ...], list[tuple[object, ...]]]:
    """One ledger row's case, event and parties, as casework writes them: the case's data
    with its committee, the event's data with the registration's facts (the parties' ID
    number and phone sealed), the parties' sealed values and blind indexes."""
    day, title, people, id_number, phone, kind, office = row
    applicant, respondent = people.split("、")
    values = {"dispute_type": CODES.get(kind, "other"), "committee": f"{office}-tj"}
    case_data = json.dumps(values)
    facts = {
        "office": office,
        "title": title,
        "parties": [
            {"role": "applicant", "name": applicant, "id_number": sealed_size(id_number),
             "phone": sealed_size(phone)},
            {"role": "respondent", "name": respondent, "id_number": None, "phone": None},
        ],
        "ref": refs[0],
    }  # fmt: skip
    event_data = json.dumps({**values, "_case": facts, "_ref": refs[1]})
    at, on = registered_at(day, days)
    case_no = f"TJ-2020-{office}-{seq:05d}"
    case = (case_id, case_no, office, 2020, seq, title, case_data, at, on, STAMP, STAMP, HASH,
            refs[0])  # fmt: skip
    event = (case_id, event_data, at, on, STAMP, HASH, refs[1], getpass.getuser())
    party_rows = [
        (case_id, 1, "applicant", applicant, sealed_size(id_number), sealed_size(phone),
         blind(id_number), blind(phone)),
        (case_id, 2, "respondent", respondent, None, None, None, None),
    ]  # fmt: skip
    return case, event, party_rows


STAMP = "2021-01-10 02:00:00.000000"
HASH = "0" * 64
CASE_SQL = (
    "INSERT INTO cases (id, case_no, kind, office_code, year, seq, title, state, version, data, "
    "registered_at, registered_on, recorded_at, updated_at, created_by, head_hash, ref) "
    "VALUES (?, ?, 'mediation', ?, ?, ?, ?, 'applied', 1, ?, ?, ?, ?, ?, 'importer', ?, ?)"
)
EVENT_SQL = (
    "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, actor_role, data, "
    "occurred_at, occurred_on, recorded_at, note, hash, ref, channel, os_user) VALUES "
    "(?, 1, 'register', NULL, 'applied', 'importer', 'supervisor', ?, ?, ?, ?, NULL, ?, ?, "
    "'import', ?)"
)
PARTY_SQL = (
    "INSERT INTO parties (case_id, ord, role, name, id_number, phone, id_number_index, "
    "phone_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
COUNTER_SQL = (
    "INSERT INTO case_counters (prefix, office_code, year, last_seq) VALUES ('TJ', ?, 2020, ?) "
    "ON CONFLICT (prefix, office_code, year) DO UPDATE SET last_seq = excluded.last_seq"
)


def run_raw(db: str, ledger: str) -> tuple[float, float]:
    """Parse the same file with csv and insert the same rows with executemany: the same
    tables, columns and sizes of values casework writes (a case with its number in its
    office's sequence, its registration event with the registration's facts, two parties
    with the applicant's ID number and phone sealed and blind-indexed, the offices' number
    counters; its idempotency keys naming the file and row), only without casework's checks,
    hashing and sealing: a hash is 64 zeros, a sealed value random bytes of its length, a
    blind index a plain SHA-256. It checkpoints the WAL after the commit, as casework does."""
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "busy_timeout=5000", "synchronous=FULL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    start, cpu_start = time.perf_counter(), time.process_time()
    conn.execute("BEGIN IMMEDIATE")
    next_id = (conn.execute("SELECT max(id) FROM cases").fetchone()[0] or 0) + 1
    sha = hashlib.sha256(open(ledger, "rb").read()).hexdigest()  # noqa: SIM115
    row_no = 2  # the header is row 1
    seqs: dict[str, int] = {}
    days: dict[str, tuple[str, str]] = {}
    with open(ledger, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        while True:
            batch = [row for _, row in zip(range(2000), reader, strict=False)]
            if not batch:
                break
            case_rows, event_rows, party_rows = [], [], []
            for row in batch:
                seq = seqs[row[6]] = seqs.get(row[6], 0) + 1
                refs = (f"import:{sha}:{row_no}", f"import:{sha}:{row_no}:1")
                case, event, people = raw_rows(row, next_id, seq, refs, days)
                case_rows.append(case)
                event_rows.append(event)
                party_rows += people
                next_id += 1
                row_no += 1
            conn.executemany(CASE_SQL, case_rows)
            conn.executemany(EVENT_SQL, event_rows)
            conn.executemany(PARTY_SQL, party_rows)
    conn.executemany(COUNTER_SQL, list(seqs.items()))
    conn.execute("COMMIT")
    # As casework does once its import has committed: the database left without a WAL.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    conn.close()
    return seconds, cpu


def fresh(dbs: dict[str, str]) -> None:
    for db in dbs.values():
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
        prepare(db)


def wal_size(db: str) -> int:
    return os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0


def loadavg() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def turns(rows: int, repeat: int, dbs: dict[str, str], ledger: str) -> dict[str, object]:
    """The sides' turns, each on fresh databases: their times, casework's peaks and WALs."""
    walls: dict[str, list[float]] = {"casework": [], "raw": []}
    cpus: dict[str, list[float]] = {"casework": [], "raw": []}
    peaks, wals = [], []
    for _ in range(max(repeat, 1)):
        fresh(dbs)
        cw_s, cw_cpu, peak_kb, summary = run_casework(dbs["casework"], ledger)
        assert summary["imported"] == rows, summary
        walls["casework"].append(cw_s)
        cpus["casework"].append(cw_cpu)
        peaks.append(peak_kb)
        wals.append(wal_size(dbs["casework"]))
        raw_s, raw_cpu = run_raw(dbs["raw"], ledger)
        walls["raw"].append(raw_s)
        cpus["raw"].append(raw_cpu)
    timed = {side: Timed(tuple(walls[side]), tuple(cpus[side])) for side in walls}
    return {"timed": timed, "peaks": peaks, "wals": wals}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="turns per side, taking turns")
    parser.add_argument("--keep", help="a folder to keep the ledger and databases in")
    args = parser.parse_args()
    print(f"at start: {loadavg()}")
    folder = args.keep or tempfile.mkdtemp(prefix="bench-import-")
    os.makedirs(folder, exist_ok=True)
    ledger = os.path.join(folder, f"ledger-{args.rows}.csv")
    if not os.path.exists(ledger):
        print(f"writing {args.rows:,} rows to {ledger} ...", flush=True)
        write_ledger(ledger, args.rows)
    size_mb = os.path.getsize(ledger) / 1e6
    dbs = {side: os.path.join(folder, f"{side}.db") for side in ("casework", "raw")}
    done = turns(args.rows, args.repeat, dbs, ledger)
    t: dict[str, Timed] = done["timed"]  # type: ignore[assignment]
    peaks: list[int] = done["peaks"]  # type: ignore[assignment]
    wals: list[int] = done["wals"]  # type: ignore[assignment]
    cw, raw = t["casework"], t["raw"]
    wall_ratio, cpu_ratio = raw.wall / cw.wall, raw.cpu / cw.cpu
    print(f"ledger: {args.rows:,} rows, {size_mb:,.1f} MB; {len(cw.walls)} turns a side")
    print(
        f"import: casework {args.rows / cw.wall:,.0f} rows/s ({cw.wall:.2f} s "
        f"[{min(cw.walls):.2f}..{max(cw.walls):.2f}], start-up included), "
        f"raw csv+sqlite3 executemany {args.rows / raw.wall:,.0f} rows/s ({raw.wall:.2f} s "
        f"[{min(raw.walls):.2f}..{max(raw.walls):.2f}])"
    )
    print(
        f"ratio wall {wall_ratio:.3f} (pairs {ratio(cw, raw).partition(' ')[2]}) "
        f"({'meets' if wall_ratio >= 0.7 else 'MISSES'} 0.7)"
    )
    print(
        f"CPU time (steadier on a shared machine): casework {cw.cpu:.2f} s, raw {raw.cpu:.2f} s, "
        f"ratio {cpu_ratio:.3f} (pairs {ratio(cw, raw, cpu=True).partition(' ')[2]})"
    )
    peak = max(peaks)
    print(
        f"casework peak memory {peak / 1024:,.0f} MB (turns {min(peaks) / 1024:,.0f}.."
        f"{peak / 1024:,.0f}) ({'meets' if peak < 300 * 1024 else 'MISSES'} < 300 MB)"
    )
    wal = max(wals)
    print(
        f"WAL left after the import: {wal / 1e6:,.1f} MB at most over the turns "
        f"({'meets' if wal <= 1 << 30 else 'MISSES'} no WAL over 1 GB)"
    )
    print(f"at end: {loadavg()}")


if __name__ == "__main__":
    main()
