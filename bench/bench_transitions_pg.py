"""Transitions through casework on PostgreSQL against raw psycopg doing the same writes.

    python bench/bench_transitions_pg.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                         [--n 1000] [--bulk 10000] [--repeat 5]

1. One transition per transaction through the Python API (``advance``, 督办) against raw
   psycopg running the same statements per step: read the case, update it with a version
   check, insert the event, commit.
2. A guarded trigger with a lookup field, one per transaction: 转送 (forward) to another
   office (``to_office``), its documents on file from the setup; both sides also register
   the linked case at that office (as bench_transitions.py describes).
3. ``--bulk`` transitions in one transaction through the fast path (``advance_many``) against
   raw psycopg reading the cases, inserting every event with ``executemany`` and updating each
   case once, from the version read to the version reached (0 skips it).
Each side gets a fresh schema of its own (dropped afterwards). The sides take turns
(``--repeat`` timed turns each after an untimed one); each figure is the median turn with its
spread [lowest..highest], the ratio the baseline's median over casework's with the range of the
turn pairs' ratios. CPU is this process's only (the server's is not counted); there is no
target on PostgreSQL. The load average at the start and the end says how busy the machine was.
"""

from __future__ import annotations

import argparse
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from bench_transitions import (
    COPIED,
    FORWARD_FILE,
    FORWARD_VALUES,
    load,
    registered,
    report,
)
from psycopg.types.json import Jsonb
from runs import interleaved
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casework.api import Casework
from casework.clock import fixed_clock
from casework.domain.steps import Step

NOW = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
DEFAULT_URL = os.environ.get(
    "CASEWORK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ZERO = "0" * 64
Conn = psycopg.Connection[tuple[Any, ...]]
Sides = dict[str, Callable[[], object]]

SELECT_CASE = "SELECT id, version, state FROM cases WHERE case_no = %s"
UPDATE_CASE = (
    "UPDATE cases SET state = %s, version = %s, data = %s, updated_at = %s, head_hash = %s "
    "WHERE id = %s AND version = %s"
)
INSERT_EVENT = (
    "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, actor_role, "
    "occurred_at, occurred_on, recorded_at, note, data, hash, ref) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL)"
)
INSERT_CASE = (
    "INSERT INTO cases (case_no, kind, office_code, year, seq, title, state, version, data, "
    "registered_at, registered_on, recorded_at, updated_at, created_by, head_hash, ref) "
    "VALUES (%s, 'petition', %s, 2020, %s, %s, 'registered', 1, %s, %s, %s, %s, %s, 'clerk', "
    "%s, %s) RETURNING id"
)
INSERT_PARTY = (
    "INSERT INTO parties (case_id, ord, role, name, id_number, phone) "
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
INSERT_LINK = "INSERT INTO case_links (case_id, other_case_id, kind) VALUES (%s, %s, %s)"
NEXT_NUMBER = (
    "INSERT INTO case_counters (prefix, office_code, year, last_seq) VALUES ('XF', %s, 2020, 1) "
    "ON CONFLICT (prefix, office_code, year) DO UPDATE SET last_seq = case_counters.last_seq + 1 "
    "RETURNING last_seq"
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


def staffed(url: str) -> Casework:
    cw = Casework.initialise(url, offices="gaozhou", clock=fixed_clock(NOW))
    cw.acting("admin").add_user("clerk", "登记员", "clerk", "panzhou")
    cw.acting("admin").add_user("sup_city", "督办", "supervisor", "city-petition")
    return cw


def setup(url: str, cases: int) -> tuple[Casework, list[str]]:
    cw = staffed(url)
    # 督办 rests on its letter in the case file (petition.md 1.8): filed once per case.
    return cw, registered(cw, cases, [("sup_city", "supervision_letter")])


def raw_connection(url: str) -> Conn:
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


def event_params(case_id: int, seq: int, state: str, note: str) -> tuple[object, ...]:
    who = ("supervise", state, state, "sup_city", "supervisor")
    return (case_id, seq, *who, NOW, NOW.date(), NOW, note, Jsonb({"note": note}), ZERO)


def bench_single(stack: ExitStack, base: str, n: int) -> Sides:
    cw, nos = setup(stack.enter_context(schema(base)), 200)
    stack.callback(cw.close)
    sup = cw.acting("sup_city")
    raw_url = stack.enter_context(schema(base))
    setup_cw, raw_nos = setup(raw_url, 200)
    setup_cw.close()
    conn = stack.enter_context(raw_connection(raw_url))

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
                    UPDATE_CASE, (state, version + 1, Jsonb({}), NOW, ZERO, case_id, version)
                )
                assert cur.rowcount == 1
                cur.execute(INSERT_EVENT, event_params(case_id, version + 1, state, f"督办 {i}"))
            conn.commit()

    return {"casework": casework_run, "raw": raw_run}


def bench_bulk(stack: ExitStack, base: str, n: int) -> Sides:
    cw, nos = setup(stack.enter_context(schema(base)), 1000)
    stack.callback(cw.close)
    steps = [Step(nos[i % len(nos)], "supervise", {"note": f"督办 {i}"}) for i in range(n)]
    raw_url = stack.enter_context(schema(base))
    setup_cw, raw_nos = setup(raw_url, 1000)
    setup_cw.close()
    conn = stack.enter_context(raw_connection(raw_url))

    def casework_run() -> None:
        cw.acting("sup_city").advance_many(steps)

    def raw_run() -> None:
        raw_bulk(conn, raw_nos, n)

    return {"casework": casework_run, "raw": raw_run}


def raw_bulk(conn: Conn, raw_nos: list[str], n: int) -> None:
    """The steps' events in order, each case's seq counted on from the version read, and one
    versioned update per case to the version reached."""
    wanted = sorted({raw_nos[i % len(raw_nos)] for i in range(n)})
    read: dict[str, tuple[int, int, str]] = {}
    with conn.cursor() as cur:
        for start in range(0, len(wanted), 500):  # casework's chunk of an IN list
            part = wanted[start : start + 500]
            marks = ", ".join(["%s"] * len(part))
            cur.execute(
                f"SELECT case_no, id, version, state FROM cases WHERE case_no IN ({marks})", part
            )
            for no, case_id, version, state in cur.fetchall():
                read[no] = (case_id, version, state)
        reached = {no: version for no, (_, version, _) in read.items()}
        inserts = []
        for i in range(n):
            no = raw_nos[i % len(raw_nos)]
            reached[no] += 1
            case_id, _, state = read[no]
            inserts.append(event_params(case_id, reached[no], state, f"督办 {i}"))
        cur.executemany(INSERT_EVENT, inserts)
        updates = [
            (state, reached[no], Jsonb({}), NOW, ZERO, case_id, version)
            for no, (case_id, version, state) in read.items()
        ]
        cur.executemany(UPDATE_CASE, updates)
    conn.commit()


def bench_forward(stack: ExitStack, base: str, n: int, turns: int) -> Sides:
    """Each turn forwards ``n`` cases not forwarded yet (the warm-up turn included)."""
    files = [("clerk", kind) for kind in FORWARD_FILE]
    cw = staffed(stack.enter_context(schema(base)))
    stack.callback(cw.close)
    nos = iter(registered(cw, n * (turns + 1), files))
    raw_url = stack.enter_context(schema(base))
    raw_setup = staffed(raw_url)
    raw_nos = iter(registered(raw_setup, n * (turns + 1), files))
    raw_setup.close()
    conn = stack.enter_context(raw_connection(raw_url))
    clerk = cw.acting("clerk")

    def casework_run() -> None:
        for _ in range(n):
            clerk.advance(next(nos), "forward", FORWARD_VALUES)

    def raw_run() -> None:
        for _ in range(n):
            with conn.cursor() as cur:
                raw_forward(cur, next(raw_nos))
            conn.commit()

    return {"casework": casework_run, "raw": raw_run}


def raw_forward(cur: psycopg.Cursor[tuple[Any, ...]], case_no: str) -> None:
    """转送 as casework does it: the guards' reads (the case, the office named, the case's
    documents), then the writes, the linked case at that office included."""
    cur.execute("SELECT id, version, state, title, data FROM cases WHERE case_no = %s", (case_no,))
    found = cur.fetchone()
    assert found is not None
    case_id, version, state, title, values = found
    office = FORWARD_VALUES["to_office"]
    cur.execute("SELECT code, level, kind FROM offices WHERE code = %s", (office,))
    assert cur.fetchone() is not None
    cur.execute("SELECT kind FROM documents WHERE case_id = %s", (case_id,))
    assert {"intake_record", "forwarding_notice"} <= {kind for (kind,) in cur.fetchall()}
    new_id = raw_spawn(cur, case_no, case_id, version + 1, title, values)
    values = {**values, "to_office": office}
    cur.execute(UPDATE_CASE, ("forwarded", version + 1, Jsonb(values), NOW, ZERO, case_id, version))
    assert cur.rowcount == 1
    head = ("forward", state, "forwarded", "clerk", "clerk", NOW, NOW.date(), NOW, None)
    cur.execute(INSERT_EVENT, (case_id, version + 1, *head, Jsonb(FORWARD_VALUES), ZERO))
    cur.executemany(INSERT_LINK, [(new_id, case_id, "origin"), (case_id, new_id, "successor")])


def raw_spawn(
    cur: psycopg.Cursor[tuple[Any, ...]],
    case_no: str,
    case_id: int,
    seq: int,
    title: str,
    values: dict[str, Any],
) -> int:
    """The case registered at the office a case is forwarded to: its number, row, parties
    and registration event; returns its id."""
    office = FORWARD_VALUES["to_office"]
    ref = f"spawn:{case_no}:{seq}"  # the linked case's key: never spawned twice
    cur.execute(
        "SELECT id FROM cases WHERE kind = 'petition' AND office_code = %s AND ref = %s",
        (office, ref),
    )
    assert cur.fetchone() is None
    cur.execute(
        "SELECT role, name, id_number, phone FROM parties WHERE case_id = %s ORDER BY ord",
        (case_id,),
    )
    parties = cur.fetchall()
    cur.execute(NEXT_NUMBER, (office,))
    number = cur.fetchone()[0]  # type: ignore[index]
    copied = {k: values[k] for k in COPIED if k in values}
    spawned = {**copied, "origin": "forwarded", "parent_case": case_no, "from_office": "panzhou"}
    spawned["rules"] = values.get("rules")  # the text in force, derived again at registration
    row = (f"XF-2020-{office}-{number:05d}", office, number, title, Jsonb(spawned))
    cur.execute(INSERT_CASE, (*row, NOW, NOW.date(), NOW, NOW, ZERO, ref))
    new_id = int(cur.fetchone()[0])  # type: ignore[index]
    cur.executemany(INSERT_PARTY, [(new_id, i, *p) for i, p in enumerate(parties, 1)])
    first = ("register", None, "registered", "clerk", "clerk", NOW, NOW.date(), NOW, None)
    cur.execute(INSERT_EVENT, (new_id, 1, *first, Jsonb(spawned), ZERO))
    return new_id


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="a PostgreSQL database to bench in")
    parser.add_argument("--n", type=int, default=1000, help="single-step transitions")
    parser.add_argument("--bulk", type=int, default=10000, help="transitions in one transaction")
    parser.add_argument("--repeat", type=int, default=5, help="timed turns per side")
    args = parser.parse_args()
    print(f"at start: {load()}; {args.repeat} timed turns a side, interleaved")
    scenarios: list[tuple[str, int, Callable[[ExitStack], Sides]]] = [
        (
            f"one transition per transaction ×{args.n} (督办 supervise)",
            args.n,
            lambda stack: bench_single(stack, args.url, args.n),
        ),
        (
            f"a guarded trigger with a lookup field, one per transaction ×{args.n}"
            " (转送 forward to_office, spawning the linked case)",
            args.n,
            lambda stack: bench_forward(stack, args.url, args.n, args.repeat),
        ),
    ]
    if args.bulk:
        scenarios.append(
            (
                f"{args.bulk} transitions in one transaction (督办 supervise, fast path)",
                args.bulk,
                lambda stack: bench_bulk(stack, args.url, args.bulk),
            )
        )
    for name, n, make in scenarios:
        with ExitStack() as stack:
            report(f"PostgreSQL, {name}", n, interleaved(make(stack), args.repeat), "raw psycopg")

    print(f"at end: {load()}")


if __name__ == "__main__":
    main()
