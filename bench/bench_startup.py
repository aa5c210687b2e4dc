"""Command start-up time against the bare imports it cannot avoid, measured in one run.

    python bench/bench_startup.py [--runs 15]

1. ``casework --help`` against ``python -c "import typer"``; target: at most 2.0 times.
2. ``casework --db PATH --as USER case show CASE_NO`` on a SQLite database holding one case
   (made here through the Python API) against
   ``python -c "import typer, rich, sqlmodel, transitions"``; target: at most 1.3 times.
Each command runs ``--runs`` times as a fresh process, the commands interleaved so that a busy
machine slows them alike. The figure judged is the best wall time (the least disturbed by other
work on a shared machine); the median wall time and the median CPU time (user + system) of the
process are printed beside it. Prints the figures, the ratios and whether each target is met.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from casework.api import Casework
from casework.clock import fixed_clock

NOW = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
HELP_TARGET = 2.0
SHOW_TARGET = 1.3


def setup(path: str) -> str:
    """A database with the Gaozhou offices, a clerk and one registered petition."""
    cw = Casework.initialise(path, offices="gaozhou", clock=fixed_clock(NOW))
    cw.acting("admin").add_user("clerk", "登记员", "clerk", "panzhou")
    case = cw.acting("clerk").register(
        "petition",
        "panzhou",
        "基准 拖欠工资",
        parties=["petitioner:陈某"],
        data={"channel": "visit"},
        at="2020-06-01",
    )
    return str(case["case_no"])


def casework_exe() -> list[str]:
    """The installed console script beside this interpreter, else the same entry point."""
    script = os.path.join(os.path.dirname(sys.executable), "casework")
    if os.path.exists(script):
        return [script]
    found = shutil.which("casework")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from cli.main import run; sys.exit(run())"]


def time_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[:500]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


@dataclass
class Figures:
    best: float
    median: float
    cpu: float


def measure(commands: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, Figures]:
    for argv in commands.values():  # warm the file cache and the bytecode
        time_once(argv, env)
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            wall, cpu = time_once(argv, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {
        name: Figures(
            min(walls[name]), statistics.median(walls[name]), statistics.median(cpus[name])
        )
        for name in commands
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="processes per command")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="cw-startup-")
    # The database's personal data is sealed under a key; the runs below are given the same one.
    os.environ.setdefault("CASEWORK_KEY", secrets.token_hex(32))
    try:
        path = os.path.join(folder, "cw.db")
        case_no = setup(path)
        # Bytecode is written and read as on any installed copy: with PYTHONDONTWRITEBYTECODE
        # set, every run would compile casework's sources while the libraries it is compared
        # with load theirs from bytecode.
        env = {
            k: v
            for k, v in os.environ.items()
            if (not k.startswith("CASEWORK_") or k == "CASEWORK_KEY")
            and k != "PYTHONDONTWRITEBYTECODE"
        }
        env["CASEWORK_NOW"] = "2020-12-01T10:00:00+08:00"
        exe = casework_exe()
        py = sys.executable
        commands = {
            "casework --help": [*exe, "--help"],
            'python -c "import typer"': [py, "-c", "import typer"],
            "casework case show": [*exe, "--db", path, "--as", "clerk", "case", "show", case_no],
            'python -c "import typer, rich, sqlmodel, transitions"': [
                py,
                "-c",
                "import typer, rich, sqlmodel, transitions",
            ],
        }
        t = measure(commands, env, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    names = list(commands)
    print(f"{args.runs} processes each; case {case_no}")
    print(f"  {'best':>8} {'median':>8} {'cpu':>8}  (ms)")
    for name in names:
        f = t[name]
        print(f"  {f.best * 1000:8.1f} {f.median * 1000:8.1f} {f.cpu * 1000:8.1f}  {name}")
    for cmd, base, target in (
        (names[0], names[1], HELP_TARGET),
        (names[2], names[3], SHOW_TARGET),
    ):
        ratio = t[cmd].best / t[base].best
        median = t[cmd].median / t[base].median
        cpu = t[cmd].cpu / t[base].cpu
        verdict = "met" if ratio <= target else "NOT met"
        print(
            f"{cmd} / {base}: {ratio:.2f} (target ≤ {target}: {verdict}); "
            f"median {median:.2f}, cpu {cpu:.2f}"
        )


if __name__ == "__main__":
    main()
