"""Many writers at once on one database: nothing lost, nothing doubled, no lock errors."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select

from casework.api import Casework
from casework.errors import CaseworkError, Conflict, IllegalTransition
from casework.storage.tables import cases, events
from tests.integration.consistency import assert_consistent
from tests.workers import EVENTS_PER_CASE

ROOT = Path(__file__).resolve().parents[2]


def spawn(db_url: str, workers: Sequence[int], count: int) -> subprocess.Popen[str]:
    """A writer process (tests/workers.py) doing the work of these workers, one after another."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.workers", db_url, ",".join(map(str, workers)), str(count)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_four_processes_register_and_advance_100_cases_each(cw: Casework, db_url: str) -> None:
    procs = [spawn(db_url, [w], 100) for w in range(4)]
    outcomes = [(p.wait(timeout=600), p.stderr.read() if p.stderr else "") for p in procs]
    assert outcomes == [(0, "")] * 4, outcomes
    with cw.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(cases)).scalar_one() == 400
        count = conn.execute(select(func.count()).select_from(events)).scalar_one()
        assert count == 400 * EVENTS_PER_CASE
        states = {r[0] for r in conn.execute(select(cases.c.state).distinct())}
    assert states == {"replied"}
    assert_consistent(cw)


def test_two_supervisors_on_one_case_one_wins(cw: Casework) -> None:
    case_no = cw.acting("clerk_pz").register("petition", "panzhou", "争抢")["case_no"]
    for kind in ("letter", "acceptance_notice"):  # what 受理 needs on file
        cw.acting("clerk_pz").add_document(case_no, kind)
    start = threading.Barrier(6)
    results: list[object] = []

    def fire(user: str) -> None:
        api = cw.acting(user)
        start.wait()
        try:
            results.append(api.advance(case_no, "accept", {"notice_method": "post"}))
        except CaseworkError as exc:
            results.append(exc)

    threads = [threading.Thread(target=fire, args=(u,)) for u in ("sup_pz", "admin", "sup_pz") * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [r for r in results if isinstance(r, dict)]
    losses = [r for r in results if isinstance(r, CaseworkError)]
    assert len(wins) == 1 and len(losses) == 5
    for loss in losses:
        assert isinstance(loss, Conflict | IllegalTransition), loss
        assert case_no in str(loss)
    assert len(cw.show(case_no)["history"]) == 4  # registered, two papers, accepted once
    assert_consistent(cw)
