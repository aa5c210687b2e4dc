"""Every path of each procedure through the Python API."""

from __future__ import annotations

import pytest

from casework.api import Casework
from casework.domain.replay import replay
from tests.helpers import FrozenClock
from tests.paths import NOW, PATHS, Path
from workflows import default_registry


def run_path(cw: Casework, path: Path) -> str:
    case_no = cw.acting(path.registrar).register(
        path.kind,
        path.office,
        f"{path.name} 测试",
        list(path.parties),
        dict(path.register_values),
        at=path.registered_at,
    )["case_no"]
    for step in path.steps:
        api = cw.acting(step.user)
        if step.action.startswith("doc:"):
            result = api.add_document(case_no, step.action[4:], at=step.at)
        else:
            result = api.advance(case_no, step.action, dict(step.values), step.note, step.at)
        assert result["state"] == step.expect, (step, result)
    return case_no


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_path_through_api(cw: Casework, clock: FrozenClock, path: Path) -> None:
    clock.set(NOW)
    case_no = run_path(cw, path)
    shown = cw.acting("admin").show(case_no)
    assert shown["state"] == path.steps[-1].expect
    history = shown["history"]
    assert [e["seq"] for e in history] == list(range(1, len(path.steps) + 2))
    assert history[0]["trigger"] == "register"
    assert [e["trigger"] for e in history[1:]] == [
        "doc" if s.action.startswith("doc:") else s.action for s in path.steps
    ]
    wf = default_registry().get(path.kind)
    assert wf is not None
    steps = [(e["trigger"], e["from_state"], e["to_state"]) for e in history]
    assert replay(wf, steps) == shown["state"]
    # recorded_at is the clock, never the back-dated time
    assert all(e["recorded_at"] == history[0]["recorded_at"] for e in history)
