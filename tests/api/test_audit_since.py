"""Issue 18 point 3: ``audit verify`` reads the cases a chunk at a time (the same findings
whatever the chunk's size), keeps the first findings and counts them all, reports progress;
``--since-anchor`` walks only the cases changed since an anchor, and holds every anchored case
to its anchored head.

What ``--since-anchor`` proves, and what it leaves to the full walk, is docs/cli.md's "audit
verify": these tests say both."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from casework.api import Casework
from casework.errors import InvalidData
from casework.read import audit_stream
from casework.read.findings import Finding, Found
from tests import petitions as P
from tests.helpers import Cli, drop_event_guards


@pytest.fixture
def two(cw: Casework) -> tuple[str, str]:
    clerk = cw.acting("clerk_pz")
    a = str(clerk.register("petition", "panzhou", "甲", at="2020-03-01")["case_no"])
    P.accept(cw, a, "2020-03-02")
    P.reply(cw, a, "2020-03-20", outcome="support")
    b = str(clerk.register("petition", "panzhou", "乙", at="2020-03-05")["case_no"])
    P.accept(cw, b, "2020-03-06")
    return a, b


@pytest.fixture
def anchor(cw: Casework, two: tuple[str, str], tmp_path: Path) -> str:
    path = str(tmp_path / "anchor.json")
    cw.acting("admin").anchor(path)
    return path


def _sql(cw: Casework, statement: str, **params: object) -> None:
    with cw.engine.begin() as conn:
        drop_event_guards(conn)
        conn.execute(text(statement), params)


def _cid(cw: Casework, case_no: str) -> int:
    with cw.engine.connect() as conn:
        found = conn.execute(text("SELECT id FROM cases WHERE case_no = :n"), {"n": case_no})
        return int(found.scalar_one())


def _since(cw: Casework, anchor: str) -> tuple[str, int, set[str]]:
    result = cw.acting("admin").verify(anchor, since_anchor=True)
    return result["mode"], result["cases"], {f["case_no"] for f in result["findings"]}


def test_an_untouched_database_walks_no_case(cw: Casework, anchor: str) -> None:
    result = cw.acting("admin").verify(anchor, since_anchor=True)
    assert result["ok"] and result["mode"] == "since_anchor"
    assert result["cases"] == 0 and result["findings_total"] == 0
    full = cw.acting("admin").verify(anchor)
    assert full["mode"] == "full" and full["cases"] == 2


def test_the_cases_stepped_or_registered_since_are_walked(
    cw: Casework, two: tuple[str, str], anchor: str
) -> None:
    _, b = two
    P.reply(cw, b, "2020-03-20")
    cw.acting("clerk_pz").register("petition", "panzhou", "丙", at="2020-03-21")
    assert _since(cw, anchor) == ("since_anchor", 2, set())


def test_a_case_changed_since_and_tampered_with_is_found(
    cw: Casework, two: tuple[str, str], anchor: str
) -> None:
    a, b = two
    P.reply(cw, b, "2020-03-20")
    _sql(cw, "UPDATE events SET note = '伪造' WHERE case_id = :c AND seq = 2", c=_cid(cw, b))
    _sql(cw, "UPDATE cases SET title = '改过的' WHERE case_no = :n", n=b)
    mode, checked, found = _since(cw, anchor)
    assert (mode, checked, found) == ("since_anchor", 1, {b})
    assert a not in found


def test_an_event_appended_since_behind_the_case_row_is_walked(
    cw: Casework, two: tuple[str, str], anchor: str
) -> None:
    """An event slipped in after the anchor, the case row left at its anchored version: the
    event's id is above the anchor's last one, so the case is walked and the event found."""
    a, _ = two
    cid = _cid(cw, a)
    columns = (
        "case_id, seq, trigger, from_state, to_state, actor, actor_role, occurred_at, "
        "recorded_at, occurred_on, data, hash"
    )
    _sql(
        cw,
        f"INSERT INTO events ({columns}) SELECT case_id, seq + 1, trigger, from_state, to_state,"
        " actor, actor_role, occurred_at, recorded_at, occurred_on, data, hash FROM events"
        " WHERE case_id = :c AND seq = (SELECT MAX(seq) FROM events WHERE case_id = :c)",
        c=cid,
    )
    result = cw.acting("admin").verify(anchor, since_anchor=True)
    assert result["cases"] == 1 and not result["ok"]
    assert any(f["case_no"] == a and "inserted" in f["problem"] for f in result["findings"])


def test_a_chain_rewritten_before_the_anchor_is_still_found(
    cw: Casework, two: tuple[str, str], anchor: str
) -> None:
    """The anchored heads are checked for every case, walked or not: a head moved is a case
    changed (walked), and the anchored step's hash no longer there is named."""
    a, _ = two
    cid = _cid(cw, a)
    _sql(
        cw,
        "UPDATE events SET hash = 'f00d' WHERE case_id = :c"
        " AND seq = (SELECT version FROM cases WHERE id = :c)",
        c=cid,
    )
    _sql(cw, "UPDATE cases SET head_hash = 'f00d' WHERE id = :c", c=cid)
    result = cw.acting("admin").verify(anchor, since_anchor=True)
    assert result["cases"] == 1
    problems = [f["problem"] for f in result["findings"] if f["case_no"] == a]
    assert any("rewritten" in p for p in problems), problems


def test_an_unchanged_case_edited_in_place_is_left_to_the_full_walk(
    cw: Casework, two: tuple[str, str], anchor: str
) -> None:
    """The limit of the mode, said by a test: a row edited in place outside casework, its
    version and head left as anchored, is not walked; the full ``audit verify`` finds it."""
    a, _ = two
    _sql(cw, "UPDATE cases SET title = '改过的' WHERE case_no = :n", n=a)
    assert _since(cw, anchor) == ("since_anchor", 0, set())
    full = cw.acting("admin").verify(anchor)
    assert {f["case_no"] for f in full["findings"]} == {a}


def test_an_altered_anchor_walks_every_case(cw: Casework, anchor: str, tmp_path: Path) -> None:
    doc = json.loads(Path(anchor).read_text())
    doc["leaves"] = doc["leaves"][:1]
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(doc))
    result = cw.acting("admin").verify(str(forged), since_anchor=True)
    assert result["mode"] == "full" and result["cases"] == 2 and not result["ok"]
    assert [f["case_no"] for f in result["findings"]] == ["anchor"] * len(result["findings"])


def test_since_anchor_needs_the_anchor(cw: Casework, two: tuple[str, str]) -> None:
    with pytest.raises(InvalidData) as refused:
        cw.acting("admin").verify(None, since_anchor=True)
    assert refused.value.field == "anchor"


def test_the_findings_are_the_same_whatever_the_chunk(
    cw: Casework, two: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two
    party = ["petitioner:林某:110101199003074514:13800138000"]
    cw.acting("clerk_pz").register("petition", "panzhou", "丙", party, at="2020-03-21")
    _sql(cw, "UPDATE cases SET title = '改过的' WHERE case_no = :n", n=b)
    named = {b}
    if cw.engine.dialect.name == "sqlite":  # PostgreSQL's foreign keys cannot be turned off
        # the rows of cases that do not exist, below and above every case's id
        raw = sqlite3.connect(str(cw.engine.url.database), isolation_level=None)
        try:  # as an insider with the file would: foreign keys off
            raw.execute("PRAGMA foreign_keys = OFF")
            raw.execute("UPDATE documents SET case_id = 0 WHERE case_id = ?", (_cid(cw, a),))
            raw.execute("UPDATE parties SET case_id = 999")
        finally:
            raw.close()
        named |= {a, "case id 0", "case id 999"}
    whole = cw.acting("admin").verify()
    for size in (1, 2):
        monkeypatch.setattr(audit_stream, "CHUNK", size)
        seen: list[tuple[int, int]] = []
        chunked = cw.acting("admin").verify(
            progress=lambda done, total, seen=seen: seen.append((done, total))
        )
        assert chunked == whole
        assert len(seen) >= -(-3 // size) and seen[-1] == (3, 3)
    assert named <= {f["case_no"] for f in whole["findings"]}


def test_the_findings_kept_are_counted_all() -> None:
    found = Found(kept=2)
    found.extend(Finding(f"XF-{n}", None, "edited") for n in range(5))
    assert found.total == 5 and [f.case_no for f in found.kept] == ["XF-0", "XF-1"]


def test_the_cli_says_the_mode(cli: Cli, two: tuple[str, str], tmp_path: Path) -> None:
    out = str(tmp_path / "a.json")
    assert cli("audit", "anchor", "--out", out).exit_code == 0
    result = cli("audit", "verify", "--anchor", out, "--since-anchor", "--json")
    assert result.exit_code == 0
    said = json.loads(result.stdout)
    assert said["mode"] == "since_anchor" and said["cases"] == 0
    plain = cli("audit", "verify", "--anchor", out, "--since-anchor")
    assert plain.exit_code == 0 and "changed since the anchor" in plain.stdout
    refused = cli("audit", "verify", "--since-anchor")
    assert refused.exit_code != 0 and "--anchor" in refused.stderr
