"""Writers killed with SIGKILL at random moments leave a consistent database, and running the
same commands again completes the work without duplicates."""

from __future__ import annotations

import random
import signal

from sqlalchemy import func, select

from casework.api import Casework
from casework.storage.tables import cases, events
from tests.integration.consistency import assert_consistent
from tests.integration.test_concurrency import _spawn
from tests.workers import EVENTS_PER_CASE

KILLS = 22
COUNT = 30  # cases per writer, EVENTS_PER_CASE events each


def test_sigkill_at_random_points_then_rerun(cw: Casework, db_url: str) -> None:
    rng = random.Random(20201201)
    killed_mid_work = 0
    for worker in range(KILLS):
        proc = _spawn(db_url, worker, COUNT, progress=True)
        # Kill after a random number of committed steps, wherever the writer then is: inside
        # a transaction, between two, or in the middle of a commit.
        steps = rng.randint(1, COUNT * EVENTS_PER_CASE - 10)
        assert proc.stdout is not None
        for _ in range(steps):
            if not proc.stdout.readline():
                break
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_mid_work += 1
        else:
            assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
        proc.wait(timeout=60)
        fresh = Casework(db_url)
        try:
            assert_consistent(fresh)
        finally:
            fresh.close()
    assert killed_mid_work >= 20
    # The same commands again, four at a time: they finish what the killed ones left.
    for batch in range(0, KILLS, 4):
        procs = [_spawn(db_url, w, COUNT) for w in range(batch, min(batch + 4, KILLS))]
        for p in procs:
            assert p.wait(timeout=600) == 0, p.stderr.read() if p.stderr else ""
    with cw.engine.connect() as conn:
        n_cases = conn.execute(select(func.count()).select_from(cases)).scalar_one()
        n_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
    assert (n_cases, n_events) == (KILLS * COUNT, KILLS * COUNT * EVENTS_PER_CASE)
    assert_consistent(cw)
