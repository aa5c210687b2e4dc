"""A writer process for the race tests: steps taken "now" on hot cases, and refs raced for.

    python -m tests.race_worker DB WORKER ROUNDS START_NS CASE_NO[,CASE_NO...]

The clock is the test's fixed day plus the time elapsed since START_NS on the machine's
monotonic clock, which every process shares: the time moves as it would in production, while
the date stays the test's. Each round fires ``supervise`` without a time on one of the cases
(the step that was refused for back-dating when "now" was read before the write lock), then
``supervise`` with a ref every worker uses too (the race whose losers must get the recorded
result). Prints one JSON line per ref step: {"ref", "seq", "repeated"}; any refusal is printed
on stderr and ends the run with exit 1.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from casework.api import Casework
from casework.errors import CaseworkError

DAY = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)


def moving_clock(start_ns: int) -> Callable[[], datetime]:
    def now() -> datetime:
        return DAY + timedelta(microseconds=(time.monotonic_ns() - start_ns) // 1000)

    return now


def run(db: str, worker: int, rounds: int, start_ns: int, case_nos: list[str]) -> None:
    cw = Casework(db, user="sup_city", clock=moving_clock(start_ns))
    for n in range(rounds):
        case_no = case_nos[(n + worker) % len(case_nos)]
        cw.advance(case_no, "supervise", {"note": f"督办 w{worker} r{n}"})
        raced = case_nos[n % len(case_nos)]
        result = cw.advance(raced, "supervise", {"note": f"同一督办 r{n}"}, ref=f"race-{n}")
        line = {"ref": f"race-{n}", "case_no": raced, "seq": result["event"]["seq"]}
        print(json.dumps({**line, "repeated": result["repeated"]}), flush=True)
    cw.close()


def main(argv: list[str]) -> int:
    db, worker, rounds, start_ns = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    try:
        run(db, worker, rounds, start_ns, argv[4].split(","))
    except CaseworkError as exc:  # the test reads this line
        print(f"worker {worker} refused: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
