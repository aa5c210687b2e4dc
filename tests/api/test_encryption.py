"""Personal data at rest (issue 14 point 6): ID numbers and phones sealed with AES-256-GCM under
a key outside the database, found by a blind index, refused without the right key; an 0012
database migrated in place with its chains intact; a backup read back elsewhere with the key."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from casework.api import Casework
from casework.domain.hashing import event_digest
from casework.errors import NotInitialised
from casework.storage import personal, personal_db, schema
from casework.storage.db import open_engine, reading
from casework.storage.tables import events, parties
from tests.helpers import VALID_ID, FrozenClock

PHONE = "13800138000"
OTHER_KEY = "ff" * 32


def _raw_text(cw: Casework) -> str:
    """Every party and event row as the database holds it, as one text."""
    with cw.engine.connect() as conn:
        rows = [
            *conn.execute(text("SELECT * FROM parties")),
            *conn.execute(text("SELECT * FROM events")),
        ]
    return "\n".join(repr(tuple(r)) for r in rows)


def _petition(cw: Casework, who: str = "clerk_pz", phone: str = PHONE) -> dict[str, object]:
    return cw.acting(who).register(
        "petition", "panzhou", "拖欠工资", [f"petitioner:陈某:{VALID_ID}:{phone}"]
    )


def test_rows_hold_no_clear_id_number_nor_phone(cw: Casework) -> None:
    case_no = str(_petition(cw)["case_no"])
    cw.acting("clerk_pz").correct(case_no, [("party", "1.phone", "13900139000")], reason="电话写错")
    raw = _raw_text(cw)
    assert VALID_ID not in raw and PHONE not in raw and "13900139000" not in raw
    assert personal.SEALED in raw
    shown = cw.acting("sup_pz").show(case_no, reveal=True)
    assert shown["parties"][0]["id_number"] == VALID_ID
    assert shown["parties"][0]["phone"] == "13900139000"
    assert cw.acting("clerk_pz").show(case_no)["parties"][0]["id_number"] != VALID_ID
    assert cw.acting("admin").verify()["ok"] is True


def test_repeat_detection_and_exact_search_by_blind_index(cw: Casework) -> None:
    first = _petition(cw)
    second = _petition(cw)
    assert [r["case_no"] for r in second["related"]] == [first["case_no"]]
    with reading(cw.engine) as conn:
        ids = personal_db.cases_by_party(conn, "id_number", VALID_ID.lower())
        by_phone = personal_db.cases_by_party(conn, "phone", "138 0013 8000")
        none = personal_db.cases_by_party(conn, "phone", "13900000000")
        stored = conn.execute(select(parties.c.id_number_index)).scalars().first()
    assert len(ids) == 2 and by_phone == ids and none == []
    assert stored is not None and len(stored) == 64 and VALID_ID not in stored


def test_the_index_normalises_and_the_cipher_binds_its_column() -> None:
    key = personal.parse_key(OTHER_KEY, "test")
    assert key.index("phone", "0668-1234567") == key.index("phone", "06681234567")
    assert key.index("id_number", "44098119900101123x") == key.index(
        "id_number", "44098119900101123X"
    )
    sealed = key.seal("id_number", VALID_ID)
    assert key.open("id_number", sealed) == VALID_ID
    assert sealed != key.seal("id_number", VALID_ID)  # a fresh nonce each time
    with pytest.raises(NotInitialised):
        key.open("phone", sealed)  # an ID number's ciphertext moved into a phone's column
    with pytest.raises(NotInitialised) as bad:
        personal.parse_key("not a key", "CASEWORK_KEY")
    assert bad.value.field == "key"


def test_a_missing_or_wrong_key_refuses_to_open(
    tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(personal.KEY_ENV, raising=False)
    monkeypatch.delenv(personal.KEY_FILE_ENV, raising=False)
    db = str(tmp_path / "town.db")
    Casework.initialise(db, offices="gaozhou", clock=clock).close()
    key_file = tmp_path / personal.KEY_FILE
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600
    with open(db, "rb") as f:
        assert key_file.read_text().strip().encode() not in f.read()
    Casework(db, clock=clock).close()  # the key file beside the database opens it
    monkeypatch.setenv(personal.KEY_ENV, OTHER_KEY)
    with pytest.raises(NotInitialised) as wrong:
        Casework(db, clock=clock)
    assert wrong.value.field == "key" and "不符" in str(wrong.value)
    monkeypatch.delenv(personal.KEY_ENV)
    key_file.rename(tmp_path / "elsewhere.key")
    with pytest.raises(NotInitialised) as missing:
        Casework(db, clock=clock)
    assert "缺少" in str(missing.value) and "\n" not in str(missing.value)
    with pytest.raises(NotInitialised):  # init does not make a new key for sealed data
        Casework.initialise(db, offices="gaozhou", clock=clock)
    assert not key_file.exists()


def test_a_backup_restored_elsewhere_reads_back_with_the_key(
    cw: Casework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FrozenClock
) -> None:
    if cw.engine.dialect.name != "sqlite":
        pytest.skip("casework backup copies SQLite databases (PostgreSQL: pg_dump)")
    case_no = str(_petition(cw)["case_no"])
    copy = tmp_path / "copy.db"
    cw.acting("admin").backup(str(copy))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(str(copy), elsewhere / "casework.db")
    with sqlite3.connect(elsewhere / "casework.db") as raw:
        assert VALID_ID not in repr(raw.execute("SELECT * FROM parties").fetchall())
    key = os.environ[personal.KEY_ENV]
    monkeypatch.delenv(personal.KEY_ENV)
    with pytest.raises(NotInitialised):
        Casework(str(elsewhere / "casework.db"), clock=clock)
    (elsewhere / personal.KEY_FILE).write_text(key + "\n")
    restored = Casework(str(elsewhere / "casework.db"), clock=clock)
    shown = restored.acting("sup_pz").show(case_no, reveal=True)
    assert shown["parties"][0]["id_number"] == VALID_ID
    assert shown["parties"][0]["phone"] == PHONE
    assert restored.acting("admin").verify()["ok"] is True
    restored.close()


def _old_rows(conn: object, at: datetime) -> None:
    """A case of revision 0012's casework: its parties and a correction in clear, chained."""
    run = conn.execute  # type: ignore[attr-defined]
    run(
        text(
            "INSERT INTO offices (code, name, level, kind, created_at) VALUES "
            "('panzhou', '潘州街道司法所', 'town', 'subdistrict', :t)"
        ),
        {"t": at},
    )
    case_no = "XF-2020-panzhou-00001"
    change = {"field": "party", "key": "1.phone", "from": "13900139000", "to": PHONE}
    data = [{"channel": "letter"}, {"reason": "电话写错", "changes": [change]}]
    prev = None
    hashes = []
    for seq, (trigger, values) in enumerate(zip(("register", "correct"), data, strict=True), 1):
        prev = event_digest(
            prev, case_no, seq, trigger, (None if seq == 1 else "registered", "registered"),
            ("admin", "admin"), (at, at), None, values,
        )  # fmt: skip
        hashes.append(prev)
    run(
        text(
            "INSERT INTO cases (id, case_no, kind, office_code, year, seq, title, state, version,"
            " data, registered_at, registered_on, recorded_at, updated_at, created_by, head_hash)"
            " VALUES (1, :no, 'petition', 'panzhou', 2020, 1, '旧案', 'registered', 2, :d, :t,"
            " :day, :t, :t, 'admin', :h)"
        ),
        {"no": case_no, "d": '{"channel": "letter"}', "t": at, "day": at.date(), "h": prev},
    )
    import json

    for seq, (trigger, values) in enumerate(zip(("register", "correct"), data, strict=True), 1):
        run(
            text(
                "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor,"
                " actor_role, occurred_at, occurred_on, recorded_at, data, hash) VALUES (1, :s,"
                " :tr, :f, 'registered', 'admin', 'admin', :t, :day, :t, :d, :h)"
            ),
            {
                "s": seq, "tr": trigger, "f": None if seq == 1 else "registered", "t": at,
                "day": at.date(), "d": json.dumps(values, ensure_ascii=False),
                "h": hashes[seq - 1],
            },
        )  # fmt: skip
    run(
        text(
            "INSERT INTO parties (case_id, ord, role, name, id_number, phone) VALUES "
            "(1, 1, 'petitioner', '陈某', :i, :p)"
        ),
        {"i": VALID_ID, "p": PHONE},
    )
    # the number's counter, as casework of that revision took it (the audit checks it)
    run(text("INSERT INTO case_counters VALUES ('XF', 'panzhou', 2020, 1)"))


def test_an_0012_database_is_sealed_in_place_and_its_chains_still_verify(
    db_url: str, clock: FrozenClock
) -> None:
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0012")
    at = datetime(2020, 3, 1, 2, 0, tzinfo=UTC)
    with engine.begin() as conn:
        _old_rows(conn, at)
    engine.dispose()
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    assert schema.current_revision(cw.engine) == schema.SCHEMA_HEAD
    raw = _raw_text(cw)
    assert VALID_ID not in raw and PHONE not in raw and "13900139000" not in raw
    assert cw.acting("admin").verify()["ok"] is True
    with reading(cw.engine) as conn:
        assert personal_db.cases_by_party(conn, "id_number", VALID_ID) == [1]
        assert personal_db.cases_by_party(conn, "phone", PHONE) == [1]
        data = conn.execute(select(events.c.data).where(events.c.seq == 2)).scalar_one()
    assert data["changes"][0]["to"] == PHONE  # opened on the way out
    shown = cw.acting("admin").show("XF-2020-panzhou-00001", reveal=True)
    assert shown["parties"][0]["id_number"] == VALID_ID
    cw.close()
