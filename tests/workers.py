"""A writer process for concurrency and crash tests: registers and advances cases.

    python -m tests.workers DB WORKER COUNT [OFFICE,OFFICE...]

Every step carries a --ref, so running the same command again after a crash completes the work
without adding anything twice. Exits 0 when done; any error is printed and exits 1.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime

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


def run(db: str, worker: int, count: int, offices: list[str]) -> None:
    cw = Casework(db, clock=fixed_clock(datetime(2020, 12, 1, 2, 0, tzinfo=UTC)))
    # With CASEWORK_TEST_PROGRESS=1 a line per committed step lets a test kill us mid-burst.
    progress = os.environ.get("CASEWORK_TEST_PROGRESS") == "1"
    for i in range(count):
        office = offices[i % len(offices)]
        key = f"w{worker}-{i}"
        clerk = cw.acting(f"clerk_{SHORT[office]}")
        case_no = clerk.register("petition", office, f"并发 {key}", ref=key)["case_no"]
        if progress:
            print(case_no, flush=True)
        for who, action, values in STEPS:
            api = cw.acting(f"{who}_{SHORT[office]}")
            ref = f"{key}-{action}"
            if action.startswith("doc:"):
                api.add_document(case_no, action.removeprefix("doc:"), ref=ref)
            else:
                api.advance(case_no, action, values, ref=ref)
            if progress:
                print(case_no, action, flush=True)
    cw.close()


def main(argv: list[str]) -> int:
    db, worker, count = argv[0], int(argv[1]), int(argv[2])
    offices = argv[3].split(",") if len(argv) > 3 else ["panzhou", "shanmei"]
    try:
        run(db, worker, count, offices)
    except Exception as exc:  # the test reads this line
        print(f"worker {worker} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
