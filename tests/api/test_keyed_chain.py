"""Issue 15 point 3: the chains of cases registered since the database was keyed are
HMAC-SHA256 chains under a subkey of the key kept outside the database; the boundary is
recorded, signed, and the audit holds every chain after it to the key."""

from __future__ import annotations

from sqlalchemy import select, text

from casework.api import Casework
from casework.domain.hashing import row_digest
from casework.storage.chain import KEYED_FROM, marker, read_keyed
from casework.storage.db import reading
from casework.storage.personal import key_on
from casework.storage.tables import cases, events
from tests import petitions as P
from tests.helpers import drop_event_guards


def _register(cw: Casework) -> str:
    case_no = str(
        cw.acting("clerk_pz").register("petition", "panzhou", "甲", at="2020-03-01")["case_no"]
    )
    P.accept(cw, case_no, "2020-03-02")
    return case_no


def test_a_new_database_keys_every_chain(cw: Casework) -> None:
    case_no = _register(cw)
    key = key_on(cw.engine.dialect)
    assert key is not None
    with reading(cw.engine) as conn:
        assert read_keyed(conn).first_id == 1 and read_keyed(conn).genuine
        rows = conn.execute(
            select(events).join(cases, cases.c.id == events.c.case_id)
            .where(cases.c.case_no == case_no).order_by(events.c.seq)
        ).all()  # fmt: skip
    prev = None
    for row in rows:
        mapping = dict(row._mapping)
        assert row.hash == row_digest(prev, case_no, mapping, key.chain_key)
        assert row.hash != row_digest(prev, case_no, mapping)  # not a plain SHA-256 chain
        prev = row.hash
    assert cw.acting("admin").verify()["ok"] is True


def _set_marker(cw: Casework, value: str | None) -> None:
    with cw.engine.begin() as conn:
        drop_event_guards(conn)
        conn.execute(text("DELETE FROM settings WHERE key = :k"), {"k": KEYED_FROM})
        if value is not None:
            conn.execute(
                text(
                    "INSERT INTO settings (key, value, set_by, set_at) "
                    "VALUES (:k, :v, 'x', '2020-01-01 00:00:00')"
                ),
                {"k": KEYED_FROM, "v": value},
            )


def _problems(cw: Casework) -> list[tuple[str, str]]:
    """The findings but the admin log's (which sees any setting changed behind its back)."""
    found = cw.acting("admin").verify()["findings"]
    return [(f["case_no"], f["problem"]) for f in found if not f["case_no"].startswith("settings:")]


def _admin_saw(cw: Casework) -> bool:
    found = cw.acting("admin").verify()["findings"]
    return any(f["case_no"] == f"settings:{KEYED_FROM}" for f in found)


def test_the_boundary_removed_or_moved_is_found(cw: Casework) -> None:
    _register(cw)
    _set_marker(cw, None)
    assert any(no == f"settings {KEYED_FROM}" and "missing" in p for no, p in _problems(cw))
    assert _admin_saw(cw)
    # moved past the case without the key: the record is not signed, and the chain is still
    # held to the key, so the case stays verified
    _set_marker(cw, "2:" + "0" * 64)
    found = _problems(cw)
    assert [no for no, _ in found] == [f"settings {KEYED_FROM}"] and "not signed" in found[0][1]


def test_the_boundary_moved_with_the_key_is_found_by_the_chains(cw: Casework) -> None:
    case_no = _register(cw)
    key = key_on(cw.engine.dialect)
    assert key is not None
    _set_marker(cw, marker(key, 2))  # the first case would now be an old, plain chain
    assert {no for no, _ in _problems(cw)} == {case_no}
    assert _admin_saw(cw)
