"""Eight writers at once on a few hot cases: a step taken "now" is never refused as older than
the step before it, and every loser of a race on a ref gets the result already recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from casework.api import Casework
from tests.integration.consistency import assert_consistent

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 8
ROUNDS = 12


def test_eight_writers_on_hot_cases(cw: Casework, db_url: str) -> None:
    clerk = cw.acting("clerk_city")
    case_nos = [clerk.register("petition", "panzhou", f"热点 {i}")["case_no"] for i in range(3)]
    for case_no in case_nos:  # 督办 is sent with its letter on file (petition.md 1.8)
        cw.acting("sup_city").add_document(case_no, "supervision_letter")
    start = time.monotonic_ns()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "tests.race_worker", db_url),
                *(str(w), str(ROUNDS), str(start), ",".join(case_nos)),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    outcomes = [(p.wait(timeout=120), p.stdout, p.stderr) for p in procs]
    refused = [err.read() for code, _, err in outcomes if code != 0 and err is not None]
    assert refused == [], refused
    by_ref: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for _, out, _ in outcomes:
        assert out is not None
        for line in out.read().splitlines():
            entry = json.loads(line)
            by_ref[entry["ref"]].append((entry["seq"], entry["repeated"]))
    assert len(by_ref) == ROUNDS
    for ref, results in by_ref.items():
        seqs = {seq for seq, _ in results}
        assert len(seqs) == 1, (ref, results)  # every writer got the one recorded event
        assert sorted(r for _, r in results) == [False] + [True] * (WRITERS - 1), (ref, results)
    total = sum(len(cw.show(no)["history"]) for no in case_nos)
    # each case's registration and letter, every writer's steps and each ref's one event
    assert total == 2 * 3 + WRITERS * ROUNDS + ROUNDS
    assert_consistent(cw)
