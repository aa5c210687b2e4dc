"""Tampering with the event table outside casework is found, by case number and sequence."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from casework.api import Casework
from tests import petitions as P
from tests.helpers import Cli, drop_event_guards


@pytest.fixture
def history(cw: Casework) -> tuple[str, str]:
    """Two petitions with a few steps each, their documents on file as the procedure needs
    (petition.md 1.8); returns their case numbers."""
    clerk, sup = cw.acting("clerk_pz"), cw.acting("sup_pz")
    a = clerk.register("petition", "panzhou", "甲", at="2020-03-01")["case_no"]
    P.accept(cw, a, "2020-03-02")
    clerk.add_document(a, "extension_notice", at="2020-03-20")
    sup.advance(a, "extend", {"days": "10", "reason": "核实", **P.NOTICE}, at="2020-03-20")
    P.reply(cw, a, "2020-04-01", outcome="support")
    P.deliver(cw, a, "2020-04-01")
    P.evaluate(cw, a, "2020-04-01")
    clerk.advance(a, "close", at="2020-04-10")
    b = clerk.register("petition", "panzhou", "乙", at="2020-03-05")["case_no"]
    P.accept(cw, b, "2020-03-06")
    return a, b


def _sql(cw: Casework, statement: str, **params: object) -> None:
    """A tamper behind casework's back, by someone who owns the database."""
    with cw.engine.begin() as conn:
        drop_event_guards(conn)
        conn.execute(text(statement), params)


def _case_id(cw: Casework, case_no: str) -> int:
    with cw.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM cases WHERE case_no = :n"), {"n": case_no}
            ).scalar_one()
        )


def _seq(cw: Casework, case_no: str, trigger: str) -> int:
    """The sequence number of the case's (first) event of this trigger."""
    with cw.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT MIN(e.seq) FROM events e JOIN cases c ON c.id = e.case_id "
                    "WHERE c.case_no = :n AND e.trigger = :t"
                ),
                {"n": case_no, "t": trigger},
            ).scalar_one()
        )


def _last_seq(cw: Casework, case_no: str) -> int:
    with cw.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT MAX(e.seq) FROM events e JOIN cases c ON c.id = e.case_id "
                    "WHERE c.case_no = :n"
                ),
                {"n": case_no},
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
    seq = _seq(cw, a, "extend")
    _sql(
        cw,
        "UPDATE events SET note = 'changed' WHERE case_id = :c AND seq = :s",
        c=_case_id(cw, a),
        s=seq,
    )
    code, findings, stderr = _findings(cli)
    assert code == 1
    assert [(f["case_no"], f["seq"]) for f in findings] == [(a, seq)]
    assert "edited" in str(findings[0]["problem"])
    assert stderr.count("\n") == 1 and a in stderr


def test_edited_actor_in_data_json_is_found(
    cw: Casework, cli: Cli, history: tuple[str, str]
) -> None:
    a, _ = history
    seq = _seq(cw, a, "reply")
    _sql(
        cw,
        "UPDATE events SET actor = 'admin' WHERE case_id = :c AND seq = :s",
        c=_case_id(cw, a),
        s=seq,
    )
    code, findings, _ = _findings(cli)
    assert code == 1 and (a, seq) in [(f["case_no"], f["seq"]) for f in findings]


def test_deleted_middle_event_is_found(cw: Casework, cli: Cli, history: tuple[str, str]) -> None:
    a, _ = history
    seq = _seq(cw, a, "extend")
    _sql(cw, "DELETE FROM events WHERE case_id = :c AND seq = :s", c=_case_id(cw, a), s=seq)
    code, findings, _ = _findings(cli)
    assert code == 1
    assert any(
        f["case_no"] == a and f["seq"] == seq and "deleted" in str(f["problem"]) for f in findings
    )


def test_deleted_last_event_is_found(cw: Casework, cli: Cli, history: tuple[str, str]) -> None:
    a, _ = history
    seq = _last_seq(cw, a)
    _sql(cw, "DELETE FROM events WHERE case_id = :c AND seq = :s", c=_case_id(cw, a), s=seq)
    code, findings, _ = _findings(cli)
    assert code == 1
    assert any(
        f["case_no"] == a and f["seq"] == seq and "deleted" in str(f["problem"]) for f in findings
    )


def test_inserted_event_is_found(cw: Casework, cli: Cli, history: tuple[str, str]) -> None:
    _, b = history
    seq = _last_seq(cw, b) + 1
    _sql(
        cw,
        "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, actor_role, "
        "occurred_at, occurred_on, recorded_at, note, data, hash) VALUES (:c, :s, 'reply', "
        "'handling', 'replied', 'sup_pz', 'supervisor', :t, :d, :t, NULL, '{}', :h)",
        c=_case_id(cw, b),
        s=seq,
        t="2020-03-07 00:00:00",
        d="2020-03-07",
        h="0" * 64,
    )
    code, findings, _ = _findings(cli)
    assert code == 1
    assert any(f["case_no"] == b and f["seq"] == seq for f in findings)


def test_inserted_event_in_the_middle_is_found(
    cw: Casework, cli: Cli, history: tuple[str, str]
) -> None:
    a, _ = history
    cid = _case_id(cw, a)
    at = _seq(cw, a, "extend")
    # make room at the extension by shifting it and the later events up (last first, so no
    # two events share a number), then slip in a forged event
    for seq in range(_last_seq(cw, a), at - 1, -1):
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
        "occurred_at, occurred_on, recorded_at, note, data, hash) VALUES (:c, :s, 'supervise', "
        "'handling', 'handling', 'sup_city', 'supervisor', :t, :d, :t, 'x', '{}', :h)",
        c=cid,
        s=at,
        t="2020-03-10 00:00:00",
        d="2020-03-10",
        h="f" * 64,
    )
    code, findings, _ = _findings(cli)
    assert code == 1
    assert any(f["case_no"] == a and f["seq"] == at for f in findings)


def test_reordered_events_are_found(cw: Casework, cli: Cli, history: tuple[str, str]) -> None:
    a, _ = history
    cid = _case_id(cw, a)
    first, second = _seq(cw, a, "accept"), _seq(cw, a, "extend")
    _sql(cw, "UPDATE events SET seq = 100 WHERE case_id = :c AND seq = :s", c=cid, s=second)
    _sql(cw, "UPDATE events SET seq = :n WHERE case_id = :c AND seq = :s", n=second, c=cid, s=first)
    _sql(cw, "UPDATE events SET seq = :n WHERE case_id = :c AND seq = 100", n=first, c=cid)
    code, findings, _ = _findings(cli)
    assert code == 1
    seqs = {f["seq"] for f in findings if f["case_no"] == a}
    assert {first, second} <= seqs


def test_case_row_disagreeing_with_history_is_found(
    cw: Casework, cli: Cli, history: tuple[str, str]
) -> None:
    _, b = history
    _sql(cw, "UPDATE cases SET state = 'closed' WHERE case_no = :n", n=b)
    code, findings, _ = _findings(cli)
    assert code == 1
    assert any(f["case_no"] == b and "'closed'" in str(f["problem"]) for f in findings)
