"""Issue 15 point 3: an anchor kept outside the database finds what the chains alone cannot —
cases deleted whole, chains truncated consistently or rewritten by someone who knows the
format — and names them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from casework.api import Casework
from casework.domain.hashing import row_digest
from casework.errors import InvalidData
from casework.storage.personal import key_on
from casework.storage.tables import events
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


def _delete_case(cw: Casework, case_no: str) -> None:
    cid = _cid(cw, case_no)
    for table in ("events", "parties", "documents", "case_links"):
        column = "case_id" if table != "case_links" else "case_id = :c OR other_case_id"
        _sql(cw, f"DELETE FROM {table} WHERE {column} = :c", c=cid)
    _sql(cw, "DELETE FROM cases WHERE id = :c", c=cid)


def _found(cw: Casework, anchor: str | None = None) -> list[tuple[str, int | None, str]]:
    result = cw.acting("admin").verify(anchor)
    return [(f["case_no"], f["seq"], f["problem"]) for f in result["findings"]]


def test_an_untouched_database_passes_its_anchor(cw: Casework, anchor: str) -> None:
    doc = json.loads(Path(anchor).read_text())
    assert doc["cases"] == 2 and len(doc["leaves"]) == 2 and doc["hmac"]
    assert _found(cw, anchor) == []
    # later steps and cases are no change to what was anchored
    cw.acting("clerk_pz").register("petition", "panzhou", "丙", at="2020-03-07")
    assert _found(cw, anchor) == []


def test_a_case_deleted_whole_is_found_only_with_the_anchor(
    cw: Casework, two: tuple[str, str], anchor: str
) -> None:
    a, _ = two
    _delete_case(cw, a)
    assert not [f for f in _found(cw) if f[0] == a]  # the chains alone cannot see it
    found = _found(cw, anchor)
    assert [(no, "deleted" in p) for no, _, p in found] == [(a, True)]


def test_every_case_deleted_is_found(cw: Casework, two: tuple[str, str], anchor: str) -> None:
    _sql(cw, "UPDATE case_counters SET last_seq = 0")  # nothing left to count
    for no in two:
        _delete_case(cw, no)
    assert cw.acting("admin").verify()["cases"] == 0
    assert sorted(no for no, _, _ in _found(cw, anchor)) == sorted(two)


def _rewrite(
    cw: Casework, case_no: str, drop_last: bool = False, note: str | None = None, keyed: bool = True
) -> None:
    """What a forger who knows the format does: edit (or cut) the history and recompute every
    hash after it, and the case row's head, so that the chain alone holds — with the chain's
    key, as an insider holding the key file could (``keyed``), or without it."""
    cid = _cid(cw, case_no)
    found = key_on(cw.engine.dialect)
    key = found.chain_key if found is not None and keyed else None
    with cw.engine.begin() as conn:
        drop_event_guards(conn)
        query = select(events).where(events.c.case_id == cid).order_by(events.c.seq)
        rows = [dict(r._mapping) for r in conn.execute(query)]
        if drop_last:
            conn.execute(
                text("DELETE FROM events WHERE case_id = :c AND seq = :s"),
                {"c": cid, "s": rows[-1]["seq"]},
            )
            rows = rows[:-1]
        if note is not None:
            rows[1]["note"] = note
        prev = None
        for r in rows:
            r["hash"] = row_digest(prev, case_no, r, key)
            prev = r["hash"]
            conn.execute(
                text("UPDATE events SET note = :n, hash = :h WHERE id = :i"),
                {"n": r["note"], "h": r["hash"], "i": r["id"]},
            )
        last = rows[-1]
        conn.execute(
            text(
                "UPDATE cases SET head_hash = :h, version = :v, state = :s, updated_at = :u"
                " WHERE id = :c"
            ),
            {
                "h": prev,
                "v": last["seq"],
                "s": last["to_state"],
                "u": last["recorded_at"],
                "c": cid,
            },
        )


def test_a_consistent_truncation_is_found_with_the_anchor(
    cw: Casework, two: tuple[str, str], anchor: str
) -> None:
    _, b = two  # its last step (accept) changed no data: the case's rows stay consistent
    _rewrite(cw, b, drop_last=True)
    # only the open-limits index, kept by the step that was dropped, still shows that step
    # (issue 18 point 1); a forger who rewrote the index too would leave the anchor alone
    assert [(no, "open-limits" in why) for no, _, why in _found(cw)] == [(b, True)]
    found = [f for f in _found(cw, anchor) if "open-limits" not in f[2]]
    assert len(found) == 1 and found[0][0] == b and "truncated" in found[0][2]


def test_a_rewritten_chain_is_found_with_the_anchor(
    cw: Casework, two: tuple[str, str], anchor: str
) -> None:
    a, _ = two
    _rewrite(cw, a, note="伪造的说明")
    assert _found(cw) == []
    found = _found(cw, anchor)
    assert len(found) == 1 and found[0][0] == a and "rewritten" in found[0][2]


def test_a_chain_rewritten_without_the_key_is_found_by_the_chain_alone(
    cw: Casework, two: tuple[str, str]
) -> None:
    a, _ = two
    _rewrite(cw, a, note="伪造的说明", keyed=False)  # a correct plain SHA-256 chain
    found = _found(cw)
    assert found and {no for no, _, _ in found} == {a}
    assert all("does not match its hash" in p or "head" in p for _, _, p in found), found


def test_a_case_slipped_in_before_the_anchor_is_found(
    cw: Casework, two: tuple[str, str], anchor: str
) -> None:
    a, _ = two
    _sql(cw, "UPDATE cases SET case_no = 'XF-2020-panzhou-00099' WHERE case_no = :n", n=a)
    found = {(no, "deleted" in p or "inserted" in p) for no, _, p in _found(cw, anchor)}
    assert (a, True) in found and ("XF-2020-panzhou-00099", True) in found


def test_an_altered_anchor_proves_nothing(cw: Casework, anchor: str) -> None:
    doc = json.loads(Path(anchor).read_text())
    doc["leaves"] = doc["leaves"][:1]
    Path(anchor).write_text(json.dumps(doc))
    found = _found(cw, anchor)
    assert [no for no, _, _ in found] == ["anchor"] and "root" in found[0][2]
    doc["root"] = __import__("casework.read.anchor", fromlist=["x"]).merkle_root(doc["leaves"])
    Path(anchor).write_text(json.dumps(doc))
    assert "digest" in _found(cw, anchor)[0][2]


def test_an_anchor_signed_with_another_key_is_refused(cw: Casework, anchor: str) -> None:
    import hashlib
    import hmac

    from casework.read.anchor import _statement

    doc = json.loads(Path(anchor).read_text())
    doc["hmac"] = hmac.new(b"x" * 32, _statement(doc), hashlib.sha256).hexdigest()
    Path(anchor).write_text(json.dumps(doc))
    assert "HMAC" in _found(cw, anchor)[0][2]


def test_bad_anchor_files_are_refused_in_one_line(
    cw: Casework, cli: Cli, tmp_path: Path, two: tuple[str, str]
) -> None:
    bad = tmp_path / "bad.json"
    for content in ("not json", '{"format": "x"}', '{"format": "casework-anchor/1"}', "[]"):
        bad.write_text(content)
        with pytest.raises(InvalidData):
            cw.acting("admin").verify(str(bad))
        result = cli("audit", "verify", "--anchor", str(bad))
        assert result.exit_code != 0 and len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    result = cli("audit", "verify", "--anchor", str(tmp_path))
    assert result.exit_code != 0 and len(result.stderr.strip().splitlines()) == 1


def test_the_cli_writes_an_anchor_once_and_verifies_against_it(
    cli: Cli, tmp_path: Path, two: tuple[str, str]
) -> None:
    out = str(tmp_path / "a.json")
    made = cli("audit", "anchor", "--out", out)
    assert made.exit_code == 0 and "digest" in made.stdout
    again = cli("audit", "anchor", "--out", out)
    assert again.exit_code != 0 and "exists" in again.stderr
    summary = json.loads(cli("audit", "anchor", "--out", str(tmp_path / "b.json"), "--json").stdout)
    assert "leaves" not in summary and summary["cases"] == 2
    whole = json.loads(cli("audit", "anchor").stdout)
    assert len(whole["leaves"]) == 2
    assert cli("audit", "verify", "--anchor", out).exit_code == 0


def test_an_admin_log_cut_or_rewritten_since_the_anchor_is_found(cw: Casework, anchor: str) -> None:
    doc = json.loads(Path(anchor).read_text())
    seq = doc["admin_log"]["seq"]
    assert seq > 0 and doc["admin_log"]["hash"]
    # the last entry rewritten, hash and all, and everything after it consistent again:
    # the log's own chain may hold, the anchor's head does not
    _sql(cw, "UPDATE admin_log SET hash = :h WHERE seq = :s", h="0" * 64, s=seq)
    found = [f for f in _found(cw, anchor) if f[0] == "admin_log" and f[1] == seq]
    assert any("anchor" in p for _, _, p in found), _found(cw, anchor)
    _sql(cw, "DELETE FROM admin_log WHERE seq >= :s", s=seq)
    found = [f for f in _found(cw, anchor) if f[0] == "admin_log" and f[1] == seq]
    assert any("missing" in p for _, _, p in found), _found(cw, anchor)
