"""Issue 15 point 1: every column a figure, a listing or a payout reads is checked against the
hashed history. Each tamper is applied behind casework's back with SQL, as an insider holding
the database would, and `audit verify` must name the case and what changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from casework.api import Casework
from casework.errors import Conflict
from casework.storage.tables import cases, parties
from tests import petitions as P
from tests.api.test_subsidy import _drafted, mediate
from tests.helpers import Cli, drop_event_guards

VALID_ID = "11010519491231002X"


@pytest.fixture
def petition(cw: Casework) -> str:
    """A petition replied to and closed, with a party carrying an ID number and a phone."""
    clerk = cw.acting("clerk_pz")
    party = f"petitioner:张三:{VALID_ID}:13800138000"
    a = clerk.register("petition", "panzhou", "甲", [party], at="2020-03-01", ref="L-1")
    case_no = str(a["case_no"])
    P.accept(cw, case_no, "2020-03-02")
    P.reply(cw, case_no, "2020-03-20", outcome="support")
    return case_no


def _sql(cw: Casework, statement: str, **params: object) -> None:
    with cw.engine.begin() as conn:
        drop_event_guards(conn)
        conn.execute(text(statement), params)


def _problems(cw: Casework, case_no: str) -> list[str]:
    found = cw.acting("admin").verify()["findings"]
    return [f"{f['seq']}: {f['problem']}" for f in found if f["case_no"] == case_no]


def _one(cw: Casework, case_no: str, needle: str) -> str:
    """The one problem of the case, which names ``needle``."""
    problems = _problems(cw, case_no)
    assert len(problems) == 1 and needle in problems[0], problems
    return problems[0]


def _cid(cw: Casework, case_no: str) -> int:
    with cw.engine.connect() as conn:
        return int(conn.execute(select(cases.c.id).where(cases.c.case_no == case_no)).scalar_one())


def test_an_untouched_history_passes_with_its_facts_recorded(cw: Casework, petition: str) -> None:
    assert cw.acting("admin").verify()["ok"] is True
    shown = cw.acting("admin").show(petition)
    # casework's own keys are hashed in the events, not shown as the step's values
    assert all(not k.startswith("_") for e in shown["history"] for k in e["data"])


@pytest.mark.parametrize(
    ("statement", "needle"),
    [
        ("UPDATE cases SET office_code = 'shanmei' WHERE id = :c", "cases.office_code"),
        ("UPDATE cases SET title = '乙' WHERE id = :c", "cases.title"),
        ("UPDATE cases SET ref = 'L-2' WHERE id = :c", "cases.ref"),
        ("UPDATE cases SET registered_on = '2019-12-31' WHERE id = :c", "cases.registered_on"),
        ("UPDATE cases SET created_by = 'admin' WHERE id = :c", "cases.created_by"),
        ("UPDATE cases SET screening_id = 7 WHERE id = :c", "cases.screening_id"),
        (
            "UPDATE events SET occurred_on = '2021-01-01' WHERE case_id = :c AND seq = 2",
            "occurred_on",
        ),
        ("UPDATE events SET ref = 'forged' WHERE case_id = :c AND seq = 1", "events.ref"),
    ],
)
def test_an_edited_column_is_found(
    cw: Casework, petition: str, statement: str, needle: str
) -> None:
    _sql(cw, statement, c=_cid(cw, petition))
    _one(cw, petition, needle)


def test_an_edited_outcome_in_the_case_data_is_found(cw: Casework, petition: str) -> None:
    with cw.engine.begin() as conn:
        data = dict(
            conn.execute(select(cases.c.data).where(cases.c.case_no == petition)).scalar_one()
        )
        data["outcome"] = "reject"
        conn.execute(cases.update().where(cases.c.case_no == petition).values(data=data))
    problem = _one(cw, petition, "cases.data.outcome")
    assert "'reject'" in problem and "'support'" in problem


@pytest.mark.parametrize(("part", "value"), [("name", "李四"), ("id_number", "110105194912310038")])
def test_an_edited_party_is_found_without_printing_the_id(
    cw: Casework, petition: str, part: str, value: str
) -> None:
    # through the column's own type, so the ID number is sealed as casework would seal it
    with cw.engine.begin() as conn:
        conn.execute(
            parties.update().where(parties.c.case_id == _cid(cw, petition)).values({part: value})
        )
    problem = _one(cw, petition, f"parties[1].{part}")
    assert VALID_ID not in problem and "110105194912310038" not in problem


def test_a_party_inserted_or_deleted_is_found(cw: Casework, petition: str) -> None:
    cid = _cid(cw, petition)
    _sql(
        cw,
        "INSERT INTO parties (case_id, ord, role, name) VALUES (:c, 2, 'petitioner', '王五')",
        c=cid,
    )
    _one(cw, petition, "parties: 2 stored, 1 in the history")
    _sql(cw, "DELETE FROM parties WHERE case_id = :c", c=cid)
    _one(cw, petition, "parties: 0 stored, 1 in the history")


def test_a_corrected_party_and_title_still_pass(cw: Casework, petition: str) -> None:
    cw.acting("sup_pz").correct(
        petition, [("title", None, "甲乙"), ("party", "1.name", "张叁")], "笔误"
    )
    assert cw.acting("admin").verify()["ok"] is True
    _sql(cw, "UPDATE parties SET name = '张三' WHERE case_id = :c", c=_cid(cw, petition))
    _one(cw, petition, "parties[1].name")


def test_a_document_inserted_without_its_event_or_deleted_is_found(
    cw: Casework, petition: str
) -> None:
    cid = _cid(cw, petition)
    _sql(
        cw,
        "INSERT INTO documents (case_id, event_seq, kind, actor, occurred_at, recorded_at) "
        "VALUES (:c, 99, 'reply_letter', 'clerk_pz', :t, :t)",
        c=cid,
        t="2020-03-21 00:00:00",
    )
    _one(cw, petition, "inserted")
    _sql(cw, "DELETE FROM documents WHERE case_id = :c AND event_seq = 99", c=cid)
    _sql(cw, "DELETE FROM documents WHERE case_id = :c AND kind = 'letter'", c=cid)
    _one(cw, petition, "deleted")


def test_a_last_event_deleted_and_the_head_copied_is_found(cw: Casework, petition: str) -> None:
    cid = _cid(cw, petition)
    with cw.engine.connect() as conn:
        last = conn.execute(
            text("SELECT MAX(seq) FROM events WHERE case_id = :c"), {"c": cid}
        ).scalar_one()
        prev = conn.execute(
            text("SELECT hash, to_state FROM events WHERE case_id = :c AND seq = :s"),
            {"c": cid, "s": last - 1},
        ).one()
    _sql(cw, "DELETE FROM events WHERE case_id = :c AND seq = :s", c=cid, s=last)
    _sql(
        cw,
        "UPDATE cases SET head_hash = :h, version = :v, state = :st WHERE id = :c",
        h=prev.hash,
        v=last - 1,
        st=prev.to_state,
        c=cid,
    )
    # the reply's outcome stays in the row, which its history no longer holds (with a step
    # taken later than the one before, cases.updated_at would say so too)
    problems = _problems(cw, petition)
    assert any("cases.data.outcome" in p for p in problems), problems


def test_a_lowered_counter_is_found_and_the_next_registration_refused_in_one_line(
    cw: Casework, petition: str, cli: Cli
) -> None:
    _sql(cw, "UPDATE case_counters SET last_seq = 0")
    found = cw.acting("admin").verify()["findings"]
    assert any(f["case_no"].startswith("case_counters XF/panzhou/2020") for f in found), found
    with pytest.raises(Conflict, match="计数器"):
        cw.acting("clerk_pz").register("petition", "panzhou", "乙", at="2020-03-05")
    result = cli(
        "case", "register", "petition", "--office", "panzhou", "--title", "丙", user="clerk_pz"
    )
    assert result.exit_code != 0 and len(result.stderr.strip().splitlines()) == 1
    assert "计数器" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def approved_claim(cw: Casework) -> str:
    cw.acting("admin").add_user("sup_hotline", "热线科长", "supervisor", "city-hotline")
    mediate(cw)
    (claim,) = _drafted(cw)
    cw.acting("sup_pz").advance(claim, "check")
    cw.acting("sup_justice").advance(claim, "approve", {"tier": "ordinary"})
    return claim


def test_a_raised_claim_amount_is_found(cw: Casework, approved_claim: str) -> None:
    assert cw.acting("admin").verify()["ok"] is True
    with cw.engine.begin() as conn:
        row = select(cases.c.data).where(cases.c.case_no == approved_claim)
        data = dict(conn.execute(row).scalar_one())
        assert data["amount"] == 200
        data["amount"] = 99999
        conn.execute(cases.update().where(cases.c.case_no == approved_claim).values(data=data))
    problem = _one(cw, approved_claim, "cases.data.amount")
    assert "99999" in problem and "200" in problem


def test_a_claim_priced_off_the_scale_is_found(cw: Casework, approved_claim: str) -> None:
    # the scale's entry lowered behind casework's back, keeping its date of setting: the
    # approval's amount no longer is the scale's
    _sql(cw, "UPDATE subsidy_scale SET amount = 150 WHERE tier = 'ordinary'")
    found = [p for p in _problems(cw, approved_claim) if "scale" in p]
    assert found and "150" in found[0], _problems(cw, approved_claim)
