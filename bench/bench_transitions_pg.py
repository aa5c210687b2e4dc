"""Transitions through casework on PostgreSQL against raw psycopg doing the same writes.

    python bench/bench_transitions_pg.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                         [--n 1000] [--bulk 10000] [--repeat 3]

1. One transition per transaction through the Python API (``advance``) against raw psycopg
   running the same statements per step: read the case, update it with a version check, insert
   the event, commit.
2. ``--bulk`` transitions in one transaction through the fast path (``advance_many``) against
   raw psycopg ``executemany`` of the same case updates and event inserts (0 skips it).
Each side gets a fresh schema of its own (dropped afterwards) and runs ``--repeat`` times, the
two sides taking turns; each keeps its best run. Prints each figure in steps per
second and casework's ratio to the baseline; there is no target on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casework.api import Casework
from casework.clock import fixed_clock
from casework.domain.steps import DocumentStep, Registration, Step

NOW = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
DEFAULT_URL = os.environ.get(
    "CASEWORK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ZERO = "0" * 64
Result = dict[str, float]

SELECT_CASE = "SELECT id, version, state FROM cases WHERE case_no = %s"
UPDATE_CASE = (
    "UPDATE cases SET state = %s, version = %s, data = %s, updated_at = %s, head_hash = %s "
    "WHERE id = %s AND version = %s"
)
INSERT_EVENT = (
    "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, actor_role, "
    "occurred_at, occurred_on, recorded_at, note, data, hash, ref) "
    "VALUES (%s, %s, 'supervise', %s, %s, 'sup_city', 'supervisor', %s, %s, %s, %s, %s, %s, NULL)"
)


@contextmanager
def schema(base: str) -> Iterator[str]:
    """A fresh schema; yields a SQLAlchemy URL whose search_path is that schema."""
    name = "bench_" + uuid.uuid4().hex[:12]
    admin = create_engine(make_url(base).set(drivername="postgresql+psycopg"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        url = make_url(base).set(drivername="postgresql+psycopg")
        yield url.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def setup(url: str, cases: int) -> tuple[Casework, list[str]]:
    cw = Casework.initialise(url, offices="gaozhou", clock=fixed_clock(NOW))
    cw.acting("admin").add_user("clerk", "登记员", "clerk", "panzhou")
    cw.acting("admin").add_user("sup_city", "督办", "supervisor", "city-petition")
    items = [Registration("panzhou", f"基准 {i}", at="2020-06-01") for i in range(cases)]
    nos = [r["case_no"] for r in cw.acting("clerk").register_many("petition", items)]
    # 督办 rests on its letter in the case file (petition.md 1.8): filed once per case.
    letters = [DocumentStep(no, "supervision_letter") for no in nos]
    cw.batch(lambda b: [b.document("sup_city", d) for d in letters])
    return cw, nos


def raw_connection(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """A plain psycopg connection to the same database and schema as the SQLAlchemy URL."""
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or "localhost",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        options=str(parsed.query["options"]),
    )


def event_params(case_id: int, version: int, state: str, note: str) -> tuple[object, ...]:
    return (
        case_id,
        version + 1,
        state,
        state,
        NOW,
        NOW.date(),
        NOW,
        note,
        Jsonb({"note": note}),
        ZERO,
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


def bench_single(base: str, n: int, repeat: int) -> Result:
    with schema(base) as url, schema(base) as raw_url:
        cw, nos = setup(url, 200)
        sup = cw.acting("sup_city")
        setup_cw, raw_nos = setup(raw_url, 200)
        setup_cw.close()
        with raw_connection(raw_url) as conn:

            def casework_run() -> None:
                for i in range(n):
                    sup.advance(nos[i % len(nos)], "supervise", note=f"督办 {i}")

            def raw_run() -> None:
                for i in range(n):
                    with conn.cursor() as cur:
                        cur.execute(SELECT_CASE, (raw_nos[i % len(raw_nos)],))
                        row = cur.fetchone()
                        assert row is not None
                        case_id, version, state = row
                        cur.execute(
                            UPDATE_CASE,
                            (state, version + 1, Jsonb({}), NOW, ZERO, case_id, version),
                        )
                        assert cur.rowcount == 1
                        cur.execute(
                            INSERT_EVENT, event_params(case_id, version, state, f"督办 {i}")
                        )
                    conn.commit()

            result = best(n, repeat, casework_run, raw_run)
        cw.close()
    return result


def bench_bulk(base: str, n: int, repeat: int) -> Result:
    with schema(base) as url, schema(base) as raw_url:
        cw, nos = setup(url, 1000)
        steps = [Step(nos[i % len(nos)], "supervise", {"note": f"督办 {i}"}) for i in range(n)]
        setup_cw, raw_nos = setup(raw_url, 1000)
        setup_cw.close()
        with raw_connection(raw_url) as conn:
            ids = dict(conn.execute("SELECT case_no, id FROM cases").fetchall())
            # moved on by each run, from the versions the setup left (a registration, a letter)
            versions = dict(conn.execute("SELECT case_no, version FROM cases").fetchall())
            conn.commit()

            def casework_run() -> None:
                cw.acting("sup_city").advance_many(steps)

            def raw_run() -> None:
                updates, inserts = [], []
                for i in range(n):
                    no = raw_nos[i % len(raw_nos)]
                    version = versions[no]
                    versions[no] = version + 1
                    updates.append(
                        ("registered", version + 1, Jsonb({}), NOW, ZERO, ids[no], version)
                    )
                    inserts.append(event_params(ids[no], version, "registered", f"督办 {i}"))
                with conn.cursor() as cur:
                    cur.executemany(UPDATE_CASE, updates)
                    cur.executemany(INSERT_EVENT, inserts)
                conn.commit()

            result = best(n, repeat, casework_run, raw_run)
        cw.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="a PostgreSQL database to bench in")
    parser.add_argument("--n", type=int, default=1000, help="single-step transitions")
    parser.add_argument("--bulk", type=int, default=10000, help="transitions in one transaction")
    parser.add_argument("--repeat", type=int, default=3, help="turns per side; the best counts")
    args = parser.parse_args()
    single = bench_single(args.url, args.n, args.repeat)
    runs = [(f"one transition per transaction ×{args.n}", single)]
    if args.bulk:
        bulk = bench_bulk(args.url, args.bulk, args.repeat)
        runs.append((f"{args.bulk} transitions in one transaction", bulk))
    for name, result in runs:
        print(
            f"PostgreSQL, {name}: casework {result['casework']:,.0f}/s, raw psycopg "
            f"{result['raw']:,.0f}/s, ratio {result['ratio']:.3f}"
        )


if __name__ == "__main__":
    main()
