"""Tampering with the event table outside casework is found, by case number and sequence."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from casework.api import Casework
from tests.helpers import Cli


@pytest.fixture
def history(cw: Casework) -> tuple[str, str]:
    """Two petitions with a few steps each; returns their case numbers."""
    clerk, sup = cw.acting("clerk_pz"), cw.acting("sup_pz")
    a = clerk.register("petition", "panzhou", "甲", at="2020-03-01")["case_no"]
    sup.advance(a, "accept", at="2020-03-02")
    sup.advance(a, "extend", {"days": "10", "reason": "核实"}, at="2020-03-20")
    sup.advance(a, "reply", {"outcome": "support"}, at="2020-04-01")
    clerk.advance(a, "close", at="2020-04-10")
    b = clerk.register("petition", "panzhou", "乙", at="2020-03-05")["case_no"]
    sup.advance(b, "accept", at="2020-03-06")
    return a, b


def _sql(cw: Casework, statement: str, **params: object) -> None:
    with cw.engine.begin() as conn:
        conn.execute(text(statement), params)


def _case_id(cw: Casework, case_no: str) -> int:
    with cw.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM cases WHERE case_no = :n"), {"n": case_no}
            ).scalar_one()
        )


def _findings(cli: Cli) -> tuple[int, list[dict[str, object]], str]:
    result = cli("audit", "verify", "--json")
    return result.exit_code, json.loads(result.stdout)["findings"], result.stderr


def test_untouched_database_passes(cli: Cli, history: tuple[str, str]) -> None:
    code, findings, _ = _findings(cli)
    assert code == 0 and findings == []
    assert "audit ok" in cli("audit", "verify").stdout


def test_edited_event_is_found(cw: Casework, cli: Cli, history: tuple[str, str]) -> None:
    a, _ = history
    _sql(cw, "UPDATE events SET note = 'changed' WHERE case_id = :c AND seq = 3", c=_case_id(cw, a))
    code, findings, stderr = _findings(cli)
    assert code == 1
    assert [(f["case_no"], f["seq"]) for f in findings] == [(a, 3)]
    assert "edited" in str(findings[0]["problem"])
    assert stderr.count("\n") == 1 and a in stderr


def test_edited_actor_in_data_json_is_found(
    cw: Casework, cli: Cli, history: tuple[str, str]
) -> None:
    a, _ = history
    _sql(cw, "UPDATE events SET actor = 'admin' WHERE case_id = :c AND seq = 4", c=_case_id(cw, a))
    code, findings, _ = _findings(cli)
    assert code == 1 and (a, 4) in [(f["case_no"], f["seq"]) for f in findings]


def test_deleted_middle_event_is_found(cw: Casework, cli: Cli, history: tuple[str, str]) -> None:
    a, _ = history
    _sql(cw, "DELETE FROM events WHERE case_id = :c AND seq = 3", c=_case_id(cw, a))
    code, findings, _ = _findings(cli)
    assert code == 1
    assert any(
        f["case_no"] == a and f["seq"] == 3 and "deleted" in str(f["problem"]) for f in findings
    )


def test_deleted_last_event_is_found(cw: Casework, cli: Cli, history: tuple[str, str]) -> None:
    a, _ = history
    _sql(cw, "DELETE FROM events WHERE case_id = :c AND seq = 5", c=_case_id(cw, a))
    code, findings, _ = _findings(cli)
    assert code == 1
    assert any(
        f["case_no"] == a and f["seq"] == 5 and "deleted" in str(f["problem"]) for f in findings
    )


def test_inserted_event_is_found(cw: Casework, cli: Cli, history: tuple[str, str]) -> None:
    _, b = history
    _sql(
        cw,
        "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, actor_role, "
        "occurred_at, occurred_on, recorded_at, note, data, hash) VALUES (:c, 3, 'reply', "
        "'handling', 'replied', 'sup_pz', 'supervisor', :t, :d, :t, NULL, '{}', :h)",
        c=_case_id(cw, b),
        t="2020-03-07 00:00:00",
        d="2020-03-07",
        h="0" * 64,
    )
    code, findings, _ = _findings(cli)
    assert code == 1
    assert any(f["case_no"] == b and f["seq"] == 3 for f in findings)


def test_inserted_event_in_the_middle_is_found(
    cw: Casework, cli: Cli, history: tuple[str, str]
) -> None:
    a, _ = history
    cid = _case_id(cw, a)
    # make room at seq 3 by shifting the later events up, then slip in a forged event
    for seq in (5, 4, 3):
        _sql(
            cw,
            "UPDATE events SET seq = :n WHERE case_id = :c AND seq = :s",
            n=seq + 1,
            c=cid,
            s=seq,
        )
    _sql(
        cw,
        "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, actor_role, "
        "occurred_at, occurred_on, recorded_at, note, data, hash) VALUES (:c, 3, 'supervise', "
        "'handling', 'handling', 'sup_city', 'supervisor', :t, :d, :t, 'x', '{}', :h)",
        c=cid,
        t="2020-03-10 00:00:00",
        d="2020-03-10",
        h="f" * 64,
    )
    code, findings, _ = _findings(cli)
    assert code == 1
    assert any(f["case_no"] == a and f["seq"] == 3 for f in findings)


def test_reordered_events_are_found(cw: Casework, cli: Cli, history: tuple[str, str]) -> None:
    a, _ = history
    cid = _case_id(cw, a)
    _sql(cw, "UPDATE events SET seq = 100 WHERE case_id = :c AND seq = 3", c=cid)
    _sql(cw, "UPDATE events SET seq = 3 WHERE case_id = :c AND seq = 2", c=cid)
    _sql(cw, "UPDATE events SET seq = 2 WHERE case_id = :c AND seq = 100", c=cid)
    code, findings, _ = _findings(cli)
    assert code == 1
    seqs = {f["seq"] for f in findings if f["case_no"] == a}
    assert {2, 3} <= seqs


def test_case_row_disagreeing_with_history_is_found(
    cw: Casework, cli: Cli, history: tuple[str, str]
) -> None:
    _, b = history
    _sql(cw, "UPDATE cases SET state = 'closed' WHERE case_no = :n", n=b)
    code, findings, _ = _findings(cli)
    assert code == 1
    assert any(f["case_no"] == b and "'closed'" in str(f["problem"]) for f in findings)
