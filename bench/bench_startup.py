"""Command start-up time against the bare imports it cannot avoid, measured in one run.

    python bench/bench_startup.py [--runs 15]

1. ``casework --help`` against ``python -c "import typer, gc; gc.freeze()"``; target: at most
   1.2 times.
2. ``casework --db PATH --as USER case show CASE_NO`` on a SQLite database holding one case
   (made here through the Python API) against
   ``python -c "import typer, rich, sqlmodel, transitions, gc; gc.freeze()"``; target: at most
   1.2 times.
3. For information (no target): ``casework case show`` against
   ``python -c "import typer, rich, pydantic, sqlalchemy, transitions, gc; gc.freeze()"``, what it
   imports now: its tables are SQLAlchemy Core tables, so neither SQLModel nor SQLAlchemy's ORM
   is loaded, while Typer's parameter coercion loads pydantic. The floor of point 2 stays the
   target's.
The floors end as casework's CLI does (``cli.main.run``): ``gc.freeze()`` before the exit, so
that neither pays the collector's pass over every imported object at shutdown. Each command
runs ``--runs`` times as a fresh process after an untimed run, the commands taking turns so
that a busy machine slows them alike. Each figure is the median wall time with its spread
[lowest..highest] and the median CPU time (user + system) of the process; a ratio is
casework's median over its floor's, with the range of the ratios of the turns (each run
against the floor's run in the same turn). The load average at the start and the end says how
busy the machine was.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime

from runs import Timed, interleaved

from casework.api import Casework
from casework.clock import fixed_clock

NOW = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
HELP_TARGET = 1.2
SHOW_TARGET = 1.2


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


def run_once(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[:500]}")


def loadavg() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def against(ours: Timed, floor: Timed, cpu: bool = False) -> tuple[float, str]:
    """Casework's median over the floor's, and the range of the turns' own ratios."""
    mine, base = (ours.cpus, floor.cpus) if cpu else (ours.walls, floor.walls)
    each = sorted(o / b for o, b in zip(mine, base, strict=True) if b > 0)
    middle = statistics.median(mine) / statistics.median(base)
    return middle, f"[{each[0]:.2f}..{each[-1]:.2f}]" if each else "[n/a]"


HELP_FLOOR = "import typer, gc; gc.freeze()"
SHOW_FLOOR = "import typer, rich, sqlmodel, transitions, gc; gc.freeze()"
IMPORTS_NOW = "import typer, rich, pydantic, sqlalchemy, transitions, gc; gc.freeze()"


def child_env() -> dict[str, str]:
    """This environment without casework's settings but its key and a fixed clock.

    Bytecode is written and read as on any installed copy: with PYTHONDONTWRITEBYTECODE set,
    every run would compile casework's sources while the libraries it is compared with load
    theirs from bytecode."""
    env = {
        k: v
        for k, v in os.environ.items()
        if (not k.startswith("CASEWORK_") or k == "CASEWORK_KEY") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["CASEWORK_NOW"] = "2020-12-01T10:00:00+08:00"
    return env


def report(t: dict[str, Timed], names: list[str]) -> None:
    print(f"  {'median wall [low..high]':>32} {'cpu':>8}  (ms)")
    for name in names:
        print(f"  {t[name].spread():>32} {t[name].cpu * 1000:8.1f}  {name}")
    for cmd, floor, target in (
        (names[0], names[1], HELP_TARGET),
        (names[2], names[3], SHOW_TARGET),
    ):
        wall, pairs = against(t[cmd], t[floor])
        cpu, cpu_pairs = against(t[cmd], t[floor], cpu=True)
        verdict = "met" if wall <= target else "NOT met"
        print(
            f"{cmd} / {floor}: {wall:.2f} {pairs} (target ≤ {target}: {verdict}); "
            f"cpu {cpu:.2f} {cpu_pairs}"
        )
    wall, pairs = against(t[names[2]], t[names[4]])
    cpu, cpu_pairs = against(t[names[2]], t[names[4]], cpu=True)
    print(f"{names[2]} / {names[4]}: {wall:.2f} {pairs} (no target); cpu {cpu:.2f} {cpu_pairs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="processes per command")
    args = parser.parse_args()
    print(f"at start: {loadavg()}")
    folder = tempfile.mkdtemp(prefix="cw-startup-")
    # The database's personal data is sealed under a key; the runs below are given the same one.
    os.environ.setdefault("CASEWORK_KEY", secrets.token_hex(32))
    try:
        path = os.path.join(folder, "cw.db")
        case_no = setup(path)
        env, exe, py = child_env(), casework_exe(), sys.executable
        commands = {
            "casework --help": [*exe, "--help"],
            f'python -c "{HELP_FLOOR}"': [py, "-c", HELP_FLOOR],
            "casework case show": [*exe, "--db", path, "--as", "clerk", "case", "show", case_no],
            f'python -c "{SHOW_FLOOR}"': [py, "-c", SHOW_FLOOR],
            f'python -c "{IMPORTS_NOW}"': [py, "-c", IMPORTS_NOW],
        }
        sides = {
            name: (lambda argv=argv: run_once(argv, env))  # type: ignore[misc]
            for name, argv in commands.items()
        }
        t = interleaved(sides, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{args.runs} processes each, taking turns; case {case_no}")
    report(t, list(commands))
    print(f"at end: {loadavg()}")


if __name__ == "__main__":
    main()
