"""Writers killed with SIGKILL at random moments leave a consistent database, and running the
same commands again completes the work without duplicates."""

from __future__ import annotations

import multiprocessing
import random

from sqlalchemy import func, select

from casework.api import Casework
from casework.storage.tables import cases, events
from tests.integration.consistency import assert_consistent
from tests.integration.test_concurrency import spawn
from tests.workers import EVENTS_PER_CASE, forked

KILLS = 22
# Cases per writer, EVENTS_PER_CASE events each: five give 40 committed steps to kill among (a
# registration, documents, steps, each its own transaction), enough for every kind of moment;
# more only made each writer's run longer, not the kills different.
COUNT = 5
# The killed writers are forked from a server that imported casework once: a new interpreter
# spent a second importing it for each of the 22, three times what its steps took. PostgreSQL's
# driver and dialect too, which SQLAlchemy imports on the first engine (a quarter of a second).
FORKS = multiprocessing.get_context("forkserver")
FORKS.set_forkserver_preload(
    ["__main__", "tests.workers", "psycopg", "sqlalchemy.dialects.postgresql.psycopg"]
)


def kill_after(db_url: str, worker: int, steps: int) -> bool:
    """Start a writer and SIGKILL it after ``steps`` committed steps; whether it was still at
    work then (rather than done)."""
    mine, theirs = FORKS.Pipe(duplex=False)
    proc = FORKS.Process(target=forked, args=(db_url, worker, COUNT, theirs))
    proc.start()
    theirs.close()
    try:
        for _ in range(steps):
            mine.recv()
    except EOFError:  # it ended, whether done or failed
        pass
    # Killed wherever the writer then is: inside a transaction, between two, or in the middle
    # of a commit.
    alive = proc.is_alive()
    if alive:
        proc.kill()
    proc.join(timeout=60)
    mine.close()
    assert alive or proc.exitcode == 0, f"writer {worker} failed (its traceback is on stderr)"
    return alive


def test_sigkill_at_random_points_then_rerun(cw: Casework, db_url: str) -> None:
    rng = random.Random(20201201)
    killed_mid_work = 0
    for worker in range(KILLS):
        # after a random number of committed steps, at least ten before the writer's last
        killed_mid_work += kill_after(db_url, worker, rng.randint(1, COUNT * EVENTS_PER_CASE - 10))
        fresh = Casework(db_url)
        try:
            assert_consistent(fresh)
        finally:
            fresh.close()
    assert killed_mid_work >= 20
    # The same commands again, four writers at once, each taking the killed ones' commands in
    # turn (a process's start costs more than a killed writer's unfinished steps): they finish
    # what the killed ones left.
    procs = [spawn(db_url, range(first, KILLS, 4), COUNT) for first in range(4)]
    for p in procs:
        assert p.wait(timeout=600) == 0, p.stderr.read() if p.stderr else ""
    with cw.engine.connect() as conn:
        n_cases = conn.execute(select(func.count()).select_from(cases)).scalar_one()
        n_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
    assert (n_cases, n_events) == (KILLS * COUNT, KILLS * COUNT * EVENTS_PER_CASE)
    assert_consistent(cw)
