"""The demo year of this checkout against the demo of the commit before the redesign, in one run.

    python bench/bench_demo.py [--baseline afb0a22] [--repeat 3] [--same] [--json] [--keep DIR]

Checks the baseline out into a temporary ``git worktree`` (removed at the end, also on failure),
then runs ``casework --db NEW.db demo --json`` for each side in a fresh child process of the same
Python (``sys.executable``), with ``PYTHONPATH`` and the working directory set to that side's
tree (the child checks that casework, workflows and cli come from it), each into a new SQLite
file, with ``CASEWORK_NOW=2021-01-05T09:00``. Each side runs ``--repeat`` times, the sides taking
turns, and keeps its best wall time (process start-up included, the same for both); on a shared
machine other jobs slow either side now and then, which the best run leaves out.

Prints both times, the ratio this checkout / baseline and whether it meets the target (at most
0.15), whether every run reported ``all_match`` (casework's figures equal the report's), and
whether the two databases hold the same rows: every table, rows compared as sorted multisets,
leaving out the ``settings`` row ``demo.database`` by which the new demo marks its database.
Exits 1 when a run fails or a full year's figures do not match; with ``--same``, also when the
databases differ. The redesign of issue 11 built exactly the baseline's database (run with
``--same`` on a commit of that issue); since issue 12 the demo walks the procedures as the law
runs them (notices, deliveries, reviews at the city, proposals and approvals), so its database
holds more than the baseline's and the comparison is reported, not required.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "afb0a22"  # the last commit before the redesign (issue 11)
TARGET = 0.15
NOW = "2021-01-05T09:00"
PACKAGES = ("casework", "workflows", "cli")
# The settings row the redesigned demo writes to mark a database it built itself.
MARKER = ("settings", "demo.database")

# Run in the child: refuse to time a tree other than the one asked for, then the console script.
CHILD = """
import os, sys
tree, db, extra = os.path.realpath(sys.argv[1]), sys.argv[2], sys.argv[3:]
import casework, cli, workflows
for module in (casework, cli, workflows):
    where = os.path.realpath(module.__file__)
    if not where.startswith(tree + os.sep):
        sys.exit(f"bench_demo: {module.__name__} imported from {where}, not from {tree}")
from cli.main import run
sys.argv = ["casework", "--db", db, "demo", "--json", *extra]
run()
"""


def git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def add_worktree(rev: str, path: Path) -> str:
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    git("worktree", "add", "--detach", "--quiet", str(path), commit)
    return commit


def remove_worktree(path: Path) -> None:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
        capture_output=True,
        check=False,
    )
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True, check=False)


def compile_tree(tree: Path) -> None:
    """Write both trees' bytecode first, so that neither side's first run pays for compiling."""
    dirs = [str(tree / p) for p in PACKAGES if (tree / p).is_dir()]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *dirs], check=False)


def run_demo(tree: Path, db: Path, extra: list[str]) -> tuple[float, dict[str, Any]]:
    """Wall seconds of one demo year in a fresh process on ``tree``, and its JSON result."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env.update(PYTHONPATH=str(tree), CASEWORK_NOW=NOW)
    cmd = [sys.executable, "-c", CHILD, str(tree), str(db), *extra]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    try:
        result: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SystemExit(
            f"the demo on {tree} failed (exit {done.returncode}):\n{done.stderr[-3000:]}"
        ) from None
    return seconds, result


def table_rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], Counter[tuple[Any, ...]]]:
    cursor = conn.execute(f'SELECT * FROM "{table}"')
    columns = [d[0] for d in cursor.description]
    rows = Counter(tuple(r) for r in cursor)
    if table == MARKER[0]:
        rows = Counter({r: n for r, n in rows.items() if r[0] != MARKER[1]})
    return columns, rows


def compare(old_db: Path, new_db: Path) -> dict[str, Any]:
    """Every table of both databases, rows compared as multisets (the order rows were written
    in, and so their physical order, may differ; their ids may not)."""
    old, new = sqlite3.connect(old_db), sqlite3.connect(new_db)
    listing = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    try:
        names = sorted({r[0] for r in old.execute(listing)} | {r[0] for r in new.execute(listing)})
        tables: dict[str, dict[str, Any]] = {}
        for name in names:
            present = [c.execute(f"{listing} AND name = ?", (name,)).fetchone() for c in (old, new)]
            if not all(present):
                tables[name] = {"same": False, "only in": "old" if present[0] else "new"}
                continue
            old_cols, old_rows = table_rows(old, name)
            new_cols, new_rows = table_rows(new, name)
            tables[name] = {
                "same": old_cols == new_cols and old_rows == new_rows,
                "rows": [old_rows.total(), new_rows.total()],
                **({} if old_cols == new_cols else {"columns": [old_cols, new_cols]}),
                "only_old": (old_rows - new_rows).total(),
                "only_new": (new_rows - old_rows).total(),
            }
    finally:
        old.close()
        new.close()
    return {"identical": all(t["same"] for t in tables.values()), "tables": tables}


def measure(
    sides: dict[str, Path], repeat: int, folder: Path, extra: list[str]
) -> dict[str, dict[str, Any]]:
    """Each side's best wall time over ``repeat`` turns, the sides alternating."""
    out: dict[str, dict[str, Any]] = {
        name: {"tree": str(tree), "seconds": [], "demo_seconds": [], "all_match": []}
        for name, tree in sides.items()
    }
    order = list(sides)
    for turn in range(repeat):
        for name in order if turn % 2 == 0 else order[::-1]:
            db = folder / f"{name}-{turn + 1}.db"
            print(f"{name}: run {turn + 1} of {repeat} ...", file=sys.stderr, flush=True)
            seconds, result = run_demo(sides[name], db, extra)
            side = out[name]
            side["seconds"].append(round(seconds, 2))
            side["demo_seconds"].append(result.get("seconds"))
            side["all_match"].append(bool(result.get("all_match")))
            side.setdefault("database", str(db))  # the first run's database is compared
            side.setdefault("summary", {k: result.get(k) for k in ("cases", "events", "steps")})
            if turn:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
    for side in out.values():
        side["best"] = min(side["seconds"])
    return out


def show(report: dict[str, Any]) -> None:
    partial = " (a partial year: false by design)" if report["until"] else ""
    for name in ("baseline", "new"):
        side = report[name]
        runs = ", ".join(f"{s:.1f}" for s in side["seconds"])
        matched = "true" if all(side["all_match"]) else "false" if partial else "FALSE"
        print(
            f"{side['label']}: best {side['best']:.1f} s (runs {runs}; the demo's own figure "
            f"{side['demo_seconds'][0]} s); {side['summary']}; all_match {matched}{partial}"
        )
    verdict = "meets" if report["meets_target"] else "MISSES"
    print(f"ratio new/old {report['ratio']:.3f} ({verdict} the target, at most {TARGET})")
    same = report["databases"]
    if same["identical"]:
        rows = sum(t["rows"][0] for t in same["tables"].values())
        print(
            f"databases: identical ({len(same['tables'])} tables, {rows:,} rows; "
            f"the settings row {MARKER[1]} left out)"
        )
    else:
        print("databases: differ (--same makes this a failure)")
        for name, table in same["tables"].items():
            if not table["same"]:
                print(f"  {name}: {json.dumps(table, ensure_ascii=False, default=str)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=BASELINE, metavar="REV", help="the commit to time")
    parser.add_argument(
        "--repeat", type=int, default=3, help="turns per side (the best counts; default 3)"
    )
    parser.add_argument(
        "--same", action="store_true", help="fail unless both databases hold the same rows"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--keep", metavar="DIR", help="a folder to keep the databases in")
    parser.add_argument("--until", metavar="DAY", help="stop each demo after DAY (a quick trial)")
    args = parser.parse_args()
    # A SIGTERM unwinds like an error, so that the worktree is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scratch = Path(tempfile.mkdtemp(prefix="bench-demo-"))
    folder = Path(args.keep) if args.keep else scratch / "db"
    folder.mkdir(parents=True, exist_ok=True)
    tree = scratch / "baseline"
    extra = ["--until", args.until] if args.until else []
    try:
        commit = add_worktree(args.baseline, tree)
        sides = {"baseline": tree, "new": ROOT}
        for side_tree in sides.values():
            compile_tree(side_tree)
        report: dict[str, Any] = measure(sides, max(1, args.repeat), folder, extra)
        head = git("rev-parse", "--short", "HEAD")
        dirty = " with uncommitted changes" if git("status", "--porcelain") else ""
        report["baseline"]["label"] = f"baseline {args.baseline} ({commit[:10]})"
        report["new"]["label"] = f"this checkout ({head}{dirty})"
        report["ratio"] = report["new"]["best"] / report["baseline"]["best"]
        report["until"] = args.until
        report["target"] = TARGET
        report["meets_target"] = report["ratio"] <= TARGET
        report["databases"] = compare(
            Path(report["baseline"]["database"]), Path(report["new"]["database"])
        )
    finally:
        remove_worktree(tree)
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        show(report)
    # A partial year (--until) falls short of the report by design; a full one must match.
    matched = args.until is not None or all(
        all(report[name]["all_match"]) for name in ("baseline", "new")
    )
    same = report["databases"]["identical"] or not args.same
    return 0 if matched and same else 1


if __name__ == "__main__":
    sys.exit(main())
