"""Every path of each procedure through the command line, with --json output."""

from __future__ import annotations

import json

import pytest

from tests.helpers import Cli
from tests.paths import PATHS, Path


def run_path_cli(cli: Cli, path: Path) -> str:
    args = [
        "case",
        "register",
        path.kind,
        "--office",
        path.office,
        "--title",
        path.name,
        "--at",
        path.registered_at,
        "--json",
    ]
    for party in path.parties:
        args += ["--party", party]
    for key, value in path.register_values.items():
        args += ["--set", f"{key}={value}"]
    result = cli(*args, user=path.registrar)
    assert result.exit_code == 0, result.stderr
    registered = json.loads(result.stdout)
    assert set(registered) >= {"case_no", "kind", "office", "state"}
    case_no = registered["case_no"]
    for step in path.steps:
        if step.action.startswith("doc:"):
            args = ["case", "doc", case_no, step.action[4:], "--at", step.at, "--json"]
        else:
            args = ["case", "advance", case_no, step.action, "--at", step.at, "--json"]
            for key, value in step.values.items():
                args += ["--set", f"{key}={value}"]
            if step.note:
                args += ["--note", step.note]
        result = cli(*args, user=step.user)
        assert result.exit_code == 0, (step, result.stderr)
        out = json.loads(result.stdout)
        assert out["state"] == step.expect
        if not step.action.startswith("doc:"):
            assert set(out["event"]) >= {
                "seq",
                "trigger",
                "from_state",
                "to_state",
                "occurred_at",
                "recorded_at",
                "actor",
            }
            assert out["event"]["trigger"] == step.action
    return case_no


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_path_through_cli(cli: Cli, path: Path) -> None:
    case_no = run_path_cli(cli, path)
    result = cli("case", "show", case_no, "--json", user="admin")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    keys = {
        "case_no",
        "kind",
        "office",
        "title",
        "state",
        "state_label",
        "data",
        "parties",
        "documents",
        "triggers",
        "due",
        "history",
    }
    assert keys <= set(shown)
    assert shown["state"] == path.steps[-1].expect
    assert len(shown["history"]) == len(path.steps) + 1
    # the human table renders too
    table = cli("case", "show", case_no, user="admin")
    assert table.exit_code == 0 and case_no in table.stdout
