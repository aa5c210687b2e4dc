"""The walks through the CLI of docs/procedures.md (issue 16): each ``casework`` line of a
procedure's walk is run in order on a fresh SQLite database, with the clock its ``export`` line
freezes, and must exit 0; each ``text`` block under a ``sh`` block shows lines of the output of
that block's commands, and each must be in it. So a documented command that breaks, or a
figure or state the page states that no longer holds, fails here."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "procedures.md"
BLOCK = re.compile(r"```(sh|text)\n(.*?)\n```", re.S)
# Table borders and padding differ with nothing the page means: compare the words only.
BORDERS = re.compile(r"[│┃┏┓┗┛┡┩└┘┌┐├┤┬┴┼━─╇╈╋╭╮╯╰]+")


@dataclass
class Step:
    """A ``sh`` block's commands and the output lines shown under it."""

    commands: list[list[str]]
    shown: list[str] = field(default_factory=list)


def _section(heading: str) -> str:
    text = DOC.read_text("utf-8")
    start = text.index(f"\n## {heading}")
    end = text.find("\n## ", start + 1)
    walk = text[start:end].split("\n### Walk through the CLI\n", 1)
    assert len(walk) == 2, f"no walk through the CLI under {heading!r}"
    return walk[1]


def _walk(heading: str) -> tuple[dict[str, str], list[Step]]:
    env: dict[str, str] = {}
    steps: list[Step] = []
    for kind, body in BLOCK.findall(_section(heading)):
        if kind == "text":
            assert steps, "an output block before any command"
            steps[-1].shown += [ln for ln in body.splitlines() if ln.strip()]
            continue
        commands = []
        for line in body.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["export"]:
                env.update(w.split("=", 1) for w in words[1:])
            elif words:
                assert words[0] == "casework", line
                commands.append(words[1:])
        steps.append(Step(commands))
    return env, steps


def _squash(text: str) -> str:
    return " ".join(BORDERS.sub(" ", text).split())


def _run(args: list[str], env: dict[str, str]) -> str:
    result = CliRunner().invoke(app, args, env=env)
    line = "casework " + shlex.join(args)
    assert result.exit_code == 0, f"{line}\n{result.stderr}{result.stdout}"
    assert "internal error" not in result.stderr + result.stdout, line
    return result.stdout


def _run_walk(heading: str, tmp_path: Path) -> dict[str, str]:
    env, steps = _walk(heading)
    assert {"CASEWORK_DB", "CASEWORK_NOW"} <= env.keys(), env
    env = {
        **env,
        "CASEWORK_DB": str(tmp_path / "walk.db"),
        "CASEWORK_USER": "",
        "CASEWORK_DEBUG": "",
    }
    shown = 0
    for step in steps:
        out = ""
        for args in step.commands:
            out += _run(args, env)
        for line in step.shown:
            assert _squash(line) in _squash(out), f"not in the output: {line}\n{out}"
            shown += 1
    assert shown >= 5, "the walk shows too little of what it does"
    return env


def _show(case_no: str, env: dict[str, str]) -> dict[str, object]:
    shown: dict[str, object] = json.loads(
        _run(["--as", "admin", "case", "show", case_no, "--json"], env)
    )
    return shown


def _figures(env: dict[str, str], *args: str) -> dict[str, object]:
    out = json.loads(_run(["--as", "admin", "stats", *args, "--json"], env))
    metrics: dict[str, object] = out["metrics"]
    return metrics


@pytest.mark.parametrize("heading", ["12345 work orders", "Administrative reconsideration"])
def test_every_walk_command_is_a_casework_command(heading: str) -> None:
    _, steps = _walk(heading)
    assert sum(len(s.commands) for s in steps) >= 15


def test_the_hotline_walk(tmp_path: Path) -> None:
    env = _run_walk("12345 work orders", tmp_path)
    first, merged, direct = (f"RX-2024-city-hotline-0000{n}" for n in (1, 2, 3))
    assert [_show(c, env)["state"] for c in (first, merged, direct)] == [
        "closed",
        "merged",
        "closed",
    ]
    history = _show(first, env)["history"]
    assert isinstance(history, list)
    triggers = [e["trigger"] for e in history]
    assert triggers == [
        "register", "dispatch", "return_order", "dispatch", "sign", "reply", "approve_reply",
        "callback", "close",
    ]  # fmt: skip
    figures = _figures(env, "--from", "2024-11-01", "--to", "2024-11-30")
    assert (figures["hotline.received"], figures["hotline.merged"]) == (2, 1)
    assert (figures["hotline.closure_rate"], figures["hotline.return_rate"]) == (50.0, 50.0)
    late = _figures(env, "--from", "2024-11-01", "--to", "2024-11-30", "--closed-by", "2024-12-31")
    assert late["hotline.closure_rate"] == 100.0


def test_the_reconsideration_walk(tmp_path: Path) -> None:
    env = _run_walk("Administrative reconsideration", tmp_path)
    case = _show("FY-2024-city-justice-00001", env)
    assert case["state"] == "archived"
    history = case["history"]
    assert isinstance(history, list)
    deemed = [e for e in history if e["trigger"] == "deem_accept"]
    assert len(deemed) == 1 and deemed[0]["actor"] == "engine"
    assert deemed[0]["occurred_at"].startswith("2024-11-19")
    old = _show("FY-2024-city-justice-00002", env)
    assert (old["state"], old["data"]["rules"]) == ("received", "1999")  # type: ignore[index]
    figures = _figures(env, "--from", "2024-01-01", "--to", "2024-12-31")
    assert figures["reconsideration.accepted"] == 1
    assert figures["reconsideration.on_time_rate"] == 100.0
