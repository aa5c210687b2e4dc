"""Start-up: a command imports and builds only what it needs (no timings; see
bench/bench_startup.py for those).

Each check runs the command in a fresh interpreter and looks at ``sys.modules`` afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from casework.api import Casework
from cli.help import first_paragraph
from cli.main import COMMANDS
from tests.helpers import FrozenClock, add_staff

ROOT = Path(__file__).resolve().parents[2]

# Run a command in-process the way the console script does, then report what was imported,
# how many state machines were built, and what was printed.
PROBE = """
import contextlib, io, json, os, sys

built = []
if os.environ.get("PROBE_MACHINES"):
    import casework.engine

    _build = casework.engine.build_machine
    def counting(wf):
        built.append(wf.name)
        return _build(wf)
    casework.engine.build_machine = counting

from typer.main import get_command
from cli.main import app

out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = get_command(app).main(sys.argv[1:], prog_name="casework", standalone_mode=False)
print(json.dumps({"code": code, "out": out.getvalue(), "built": built,
                  "modules": sorted(sys.modules)}))
"""

# What no command needs merely to start.
NEVER_AT_START = (
    "typer.rich_utils",  # imports Markdown and traceback rendering (markdown-it, pygments)
    "rich.markdown",
    "rich._emoji_codes",
    "sqlalchemy.dialects.postgresql",
    "alembic",
    "openpyxl",
    # The tables are SQLAlchemy Core tables (casework.storage.tables): no ORM, no SQLModel.
    "sqlmodel",
    "sqlalchemy.orm",
)
# What listing the commands needs not: the storage, the procedures, any command's module.
NOT_FOR_HELP = (
    "sqlalchemy",
    "pydantic",
    "transitions",
    "casework.api",
    "casework.storage",
    "workflows",
)


def probe(*args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    # The personal-data key stays: the databases made here are sealed under the tests' key.
    run_env = {
        k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_") or k == "CASEWORK_KEY"
    }
    run_env.update({"COLUMNS": "200", "PYTHONPATH": str(ROOT)}, **(env or {}))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=run_env,
        cwd=str(ROOT),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def command_modules(modules: object) -> list[str]:
    """The command modules (cli.*_cmds) among the imported modules."""
    assert isinstance(modules, list)
    return [m for m in modules if m.startswith("cli.") and m.endswith("_cmds")]


@pytest.mark.parametrize("rich", ["1", "0"])
def test_help_lists_every_command_and_imports_none_of_them(rich: str) -> None:
    result = probe("--help", env={"TYPER_USE_RICH": rich})
    assert result["code"] == 0
    text = " ".join(str(result["out"]).split())
    for name, entry in COMMANDS.items():
        assert f"{name} {entry.help}" in text, name
    assert "[env: CASEWORK_DB]" in text
    modules = result["modules"]
    assert isinstance(modules, list)
    assert command_modules(modules) == []
    imported = [m for m in modules if m.startswith(NEVER_AT_START + NOT_FOR_HELP)]
    assert imported == []


def test_each_listed_line_is_the_commands_own_help() -> None:
    for name, entry in COMMANDS.items():
        cmd = entry.load(name)
        assert cmd.name == name
        assert entry.help == first_paragraph(cmd.short_help or cmd.help or ""), name


def test_case_show_imports_only_what_it_needs(
    tmp_path: os.PathLike[str], clock: FrozenClock
) -> None:
    path = os.path.join(str(tmp_path), "cw.db")
    cw = Casework.initialise(path, offices="gaozhou", clock=clock)
    add_staff(cw)
    case_no = cw.acting("clerk_pz").register("petition", "panzhou", "拖欠工资 :memo:")["case_no"]
    cw.close()

    result = probe(
        "--db",
        path,
        "--as",
        "clerk_pz",
        "case",
        "show",
        case_no,
        env={"CASEWORK_NOW": "2020-12-01T10:00:00+08:00", "PROBE_MACHINES": "1"},
    )
    assert result["code"] == 0
    assert case_no in str(result["out"])
    assert "拖欠工资 :memo:" in str(result["out"])  # printed as written, not as an emoji
    modules = result["modules"]
    assert isinstance(modules, list)
    assert command_modules(modules) == ["cli.case_cmds"]
    assert [m for m in modules if m.startswith(NEVER_AT_START)] == []
    # Only the commands of the group that runs are built, and no state machine is.
    assert result["built"] == []
    for unused in (
        "casework.read.stats",
        "casework.read.export",
        "casework.read.subsidy",
        "casework.storage.subsidy",
        "casework.demo",
        "docx",  # python-docx: only when a document is printed
        "phonenumbers",  # only when a phone is read
        "argon2",  # only when a password is hashed or checked
    ):
        assert unused not in modules


def test_the_console_script_skips_the_collectors_pass_at_exit() -> None:
    # The last collector pass would walk every object the imports made (~0.1 s per command).
    probe = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        "sys.argv = ['casework', '--help']\n"
        "from cli.main import run\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("frozen True")


# The console script's own start-up: ``cli.main.run`` holds the collector until the command has
# opened its database and loaded the procedures (casework.runtime.starting, cli.state.Settings).
RUN = """
import atexit, gc, sys

atexit.register(lambda: print("collector", gc.isenabled(), gc.get_freeze_count() > 0))
from cli.main import run

sys.argv = ["casework", *sys.argv[1:]]
run()
"""


def test_the_collector_runs_again_once_a_command_has_opened_its_database(
    tmp_path: os.PathLike[str], clock: FrozenClock
) -> None:
    path = os.path.join(str(tmp_path), "cw.db")
    cw = Casework.initialise(path, offices="gaozhou", clock=clock)
    add_staff(cw)
    cw.close()
    run_env = {
        k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_") or k == "CASEWORK_KEY"
    }
    run_env.update({"PYTHONPATH": str(ROOT), "CASEWORK_NOW": "2020-12-01T10:00:00+08:00"})
    args = ["--db", path, "--as", "clerk_pz", "case", "list"]
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True,
        text=True,
        env=run_env,
        cwd=str(ROOT),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "collector True True"
