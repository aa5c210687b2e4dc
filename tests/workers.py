"""A writer process for concurrency and crash tests: registers and advances cases.

    python -m tests.workers DB WORKER[,WORKER...] COUNT [OFFICE,OFFICE...]

Every step carries a --ref, so running the same command again after a crash completes the work
without adding anything twice. Several workers' numbers run their work one after another in
this one process (a process's start costs more than a writer's steps). Exits 0 when done; any
error is printed and exits 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection

from casework.api import Casework
from casework.clock import fixed_clock

# (who: the office's clerk or supervisor, a trigger or ``doc:KIND``, its values): a petition
# accepted with its letter and notice on file (《信访条例》第二十二条), extended with its notice
# and replied to with its opinion on file, each step taken by the case office's own staff.
NOTICE = {"notice_method": "post"}
STEPS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("clerk", "doc:letter", {}),
    ("clerk", "doc:acceptance_notice", {}),
    ("sup", "accept", NOTICE),
    ("clerk", "doc:extension_notice", {}),
    ("sup", "extend", {"days": "15", "reason": "并发测试", **NOTICE}),
    ("clerk", "doc:reply", {}),
    ("sup", "reply", {"outcome": "explain"}),
)
EVENTS_PER_CASE = 1 + len(STEPS)  # its registration and each step
SHORT = {"panzhou": "pz", "shanmei": "sm"}  # tests/helpers.py STAFF: clerk_pz, sup_pz, ...
OFFICES = ("panzhou", "shanmei")


def run(
    db: str, worker: int, count: int, offices: list[str], done: Callable[[str], object] | None
) -> None:
    """The worker's cases, each registered and taken to its reply; ``done`` is told of each
    committed step (the crash test kills the writer after a number of them)."""
    cw = Casework(db, clock=fixed_clock(datetime(2020, 12, 1, 2, 0, tzinfo=UTC)))
    for i in range(count):
        office = offices[i % len(offices)]
        key = f"w{worker}-{i}"
        clerk = cw.acting(f"clerk_{SHORT[office]}")
        case_no = clerk.register("petition", office, f"并发 {key}", ref=key)["case_no"]
        if done:
            done(case_no)
        for who, action, values in STEPS:
            api = cw.acting(f"{who}_{SHORT[office]}")
            ref = f"{key}-{action}"
            if action.startswith("doc:"):
                api.add_document(case_no, action.removeprefix("doc:"), ref=ref)
            else:
                api.advance(case_no, action, values, ref=ref)
            if done:
                done(f"{case_no} {action}")
    cw.close()


def forked(db: str, worker: int, count: int, out: Connection) -> None:
    """``run`` in a process forked from a multiprocessing fork server that imported this module
    once (tests/integration/test_crash.py): a writer ready in milliseconds, not the second a
    new interpreter takes to import casework. A message on ``out`` per committed step."""
    run(db, worker, count, list(OFFICES), out.send)


def main(argv: list[str]) -> int:
    db, count = argv[0], int(argv[2])
    offices = argv[3].split(",") if len(argv) > 3 else list(OFFICES)
    worker = -1
    try:
        for worker in map(int, argv[1].split(",")):
            run(db, worker, count, offices, None)
    except Exception as exc:  # the test reads this line
        print(f"worker {worker} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
