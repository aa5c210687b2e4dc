"""Transitions through casework against raw sqlite3 doing the same row writes, in one run.

    python bench/bench_transitions.py [--n 2000] [--bulk 10000] [--repeat 3]

1. One transition per transaction through the Python API (``advance``) against raw sqlite3
   running, under the same pragmas, the same statements per step: read the case, update it with
   a version check, insert the event, commit.
2. ``--bulk`` transitions in one transaction through the fast path (``advance_many``) against
   raw ``executemany`` of the same case updates and event inserts.
Prints each figure in steps per second and casework's ratio to the baseline. Each side runs
``--repeat`` times, the two sides taking turns, and keeps its best run: on a shared machine
other processes' disk writes and CPU slow either side now and then, which the best run of each
leaves out.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime

from casework.api import Casework
from casework.clock import fixed_clock
from casework.domain.steps import DocumentStep, Registration, Step

NOW = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
Result = dict[str, float]


def setup(path: str, cases: int) -> tuple[Casework, list[str]]:
    cw = Casework.initialise(path, offices="gaozhou", clock=fixed_clock(NOW))
    cw.acting("admin").add_user("clerk", "登记员", "clerk", "panzhou")
    cw.acting("admin").add_user("sup_city", "督办", "supervisor", "city-petition")
    items = [Registration("panzhou", f"基准 {i}", at="2020-06-01") for i in range(cases)]
    nos = [r["case_no"] for r in cw.acting("clerk").register_many("petition", items)]
    # 督办 rests on its letter in the case file (petition.md 1.8): filed once per case.
    letters = [DocumentStep(no, "supervision_letter") for no in nos]
    cw.batch(lambda b: [b.document("sup_city", d) for d in letters])
    return cw, nos


def raw_connection(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "busy_timeout=5000", "synchronous=FULL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def raw_step(conn: sqlite3.Connection, case_no: str, note: str) -> None:
    case_id, version, state = conn.execute(
        "SELECT id, version, state FROM cases WHERE case_no = ?", (case_no,)
    ).fetchone()
    conn.execute(
        "UPDATE cases SET state = ?, version = ?, data = ?, updated_at = ?, head_hash = ? "
        "WHERE id = ? AND version = ?",
        (state, version + 1, "{}", "2020-12-01 02:00:00.000000", "0" * 64, case_id, version),
    )
    conn.execute(
        "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, actor_role, "
        "occurred_at, occurred_on, recorded_at, note, data, hash, ref) "
        "VALUES (?, ?, 'supervise', ?, ?, 'sup_city', 'supervisor', ?, ?, ?, ?, ?, ?, NULL)",
        (
            case_id,
            version + 1,
            state,
            state,
            "2020-12-01 02:00:00.000000",
            "2020-12-01",
            "2020-12-01 02:00:00.000000",
            note,
            json.dumps({"note": note}),
            "0" * 64,
        ),
    )


def best(n: int, repeat: int, casework: Callable[[], None], raw: Callable[[], None]) -> Result:
    """Each side's best rate over ``repeat`` turns, and casework's ratio to the baseline."""
    casework_time = raw_time = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        casework()
        casework_time = min(casework_time, time.perf_counter() - start)
        start = time.perf_counter()
        raw()
        raw_time = min(raw_time, time.perf_counter() - start)
    return {"casework": n / casework_time, "raw": n / raw_time, "ratio": raw_time / casework_time}


def bench_single(n: int, repeat: int) -> Result:
    folder = tempfile.mkdtemp(prefix="cw-bench-")
    cw, nos = setup(os.path.join(folder, "cw.db"), 200)
    sup = cw.acting("sup_city")
    _, raw_nos = setup(os.path.join(folder, "raw.db"), 200)
    conn = raw_connection(os.path.join(folder, "raw.db"))

    def casework_run() -> None:
        for i in range(n):
            sup.advance(nos[i % len(nos)], "supervise", note=f"督办 {i}")

    def raw_run() -> None:
        for i in range(n):
            conn.execute("BEGIN IMMEDIATE")
            raw_step(conn, raw_nos[i % len(raw_nos)], f"督办 {i}")
            conn.execute("COMMIT")

    result = best(n, repeat, casework_run, raw_run)
    cw.close()
    conn.close()
    return result


def bench_bulk(n: int, repeat: int) -> Result:
    folder = tempfile.mkdtemp(prefix="cw-bench-")
    cw, nos = setup(os.path.join(folder, "cw.db"), 1000)
    steps = [Step(nos[i % len(nos)], "supervise", {"note": f"督办 {i}"}) for i in range(n)]
    _, raw_nos = setup(os.path.join(folder, "raw.db"), 1000)
    conn = raw_connection(os.path.join(folder, "raw.db"))
    ids = dict(conn.execute("SELECT case_no, id FROM cases").fetchall())

    def casework_run() -> None:
        cw.acting("sup_city").advance_many(steps)

    # moved on by each run, from the versions the setup left (a registration and a letter)
    versions = dict(conn.execute("SELECT case_no, version FROM cases").fetchall())

    def raw_run() -> None:
        raw_bulk(conn, raw_nos, ids, versions, n)

    result = best(n, repeat, casework_run, raw_run)
    cw.close()
    conn.close()
    return result


def raw_bulk(
    conn: sqlite3.Connection,
    raw_nos: list[str],
    ids: dict[str, int],
    versions: dict[str, int],
    n: int,
) -> None:
    updates, inserts = [], []
    for i in range(n):
        no = raw_nos[i % len(raw_nos)]
        version = versions[no]
        versions[no] = version + 1
        note = f"督办 {i}"
        updates.append(
            (
                "registered",
                version + 1,
                "{}",
                "2020-12-01 02:00:00.000000",
                "0" * 64,
                ids[no],
                version,
            )
        )
        inserts.append(
            (
                ids[no],
                version + 1,
                "registered",
                "registered",
                "2020-12-01 02:00:00.000000",
                "2020-12-01",
                "2020-12-01 02:00:00.000000",
                note,
                json.dumps({"note": note}),
                "0" * 64,
            )
        )
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "UPDATE cases SET state = ?, version = ?, data = ?, updated_at = ?, head_hash = ? "
        "WHERE id = ? AND version = ?",
        updates,
    )
    conn.executemany(
        "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, actor_role, "
        "occurred_at, occurred_on, recorded_at, note, data, hash, ref) "
        "VALUES (?, ?, 'supervise', ?, ?, 'sup_city', 'supervisor', ?, ?, ?, ?, ?, ?, NULL)",
        inserts,
    )
    conn.execute("COMMIT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="single-step transitions")
    parser.add_argument("--bulk", type=int, default=10000, help="transitions in one transaction")
    parser.add_argument("--repeat", type=int, default=3, help="turns per side; the best counts")
    args = parser.parse_args()
    for name, result, target in (
        (f"one transition per transaction ×{args.n}", bench_single(args.n, args.repeat), 0.20),
        (f"{args.bulk} transitions in one transaction", bench_bulk(args.bulk, args.repeat), 0.25),
    ):
        verdict = "meets" if result["ratio"] >= target else "MISSES"
        print(
            f"{name}: casework {result['casework']:,.0f}/s, raw sqlite3 "
            f"{result['raw']:,.0f}/s, ratio {result['ratio']:.3f} ({verdict} {target})"
        )


if __name__ == "__main__":
    main()
