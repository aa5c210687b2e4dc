"""A database made by the first Alembic revision, holding cases, upgrades to head intact."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from casework.api import Casework
from casework.storage import schema
from casework.storage.db import open_engine
from tests.helpers import FrozenClock


def test_upgrade_from_first_revision_keeps_data_and_chains_it(
    db_url: str, clock: FrozenClock
) -> None:
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0001")
    assert schema.current_revision(engine) == "0001"
    at = datetime(2020, 3, 1, 2, 0, tzinfo=UTC)
    later = datetime(2020, 3, 2, 2, 0, tzinfo=UTC)
    # Rows exactly as revision 0001's casework wrote them (no hashes, no refs).
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO offices (code, name, level, kind, created_at) VALUES "
                "('panzhou', '潘州街道司法所', 'town', 'subdistrict', :t)"
            ),
            {"t": at},
        )
        conn.execute(
            text(
                "INSERT INTO users (username, name, role, office_code, active, created_at) "
                "VALUES ('admin', '管理员', 'admin', NULL, TRUE, :t), "
                "('sup_pz', '所长', 'supervisor', 'panzhou', TRUE, :t)"
            ),
            {"t": at},
        )
        ids = {}
        for n, state, version in ((1, "handling", 2), (2, "registered", 1)):
            case_no = f"XF-2020-panzhou-0000{n}"
            conn.execute(
                text(
                    "INSERT INTO cases (case_no, kind, office_code, year, seq, title, state, "
                    "version, data, registered_at, registered_on, recorded_at, updated_at, "
                    "created_by) VALUES (:no, 'petition', 'panzhou', 2020, :n, '旧案', "
                    ":state, :v, '{\"channel\": \"letter\"}', :t, :d, :t, :t, 'admin')"
                ),
                {
                    "n": n,
                    "no": case_no,
                    "state": state,
                    "v": version,
                    "t": at,
                    "d": date(2020, 3, 1),
                },
            )
            ids[n] = conn.execute(
                text("SELECT id FROM cases WHERE case_no = :no"), {"no": case_no}
            ).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, "
                    "actor_role, occurred_at, occurred_on, recorded_at, note, data) VALUES "
                    "(:id, 1, 'register', NULL, 'registered', 'admin', 'admin', :t, :d, :t, "
                    "'纸质件', '{\"channel\": \"letter\"}')"
                ),
                {"id": ids[n], "t": at, "d": date(2020, 3, 1)},
            )
        conn.execute(
            text(
                "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, "
                "actor_role, occurred_at, occurred_on, recorded_at, note, data) VALUES "
                "(:id, 2, 'accept', 'registered', 'handling', 'sup_pz', 'supervisor', :t, :d, :t, "
                "NULL, '{}')"
            ),
            {"id": ids[1], "t": later, "d": date(2020, 3, 2)},
        )
        conn.execute(text("INSERT INTO case_counters VALUES ('XF', 'panzhou', 2020, 2)"))
    engine.dispose()

    cw = Casework.initialise(db_url, clock=clock)
    assert schema.current_revision(cw.engine) == schema.SCHEMA_HEAD
    audit = cw.verify()
    assert audit == {"ok": True, "cases": 2, "events": 3, "findings": []}
    shown = cw.show("XF-2020-panzhou-00001")
    # the migration pins the rules in force on the registration day (信访条例 2005 in 2020)
    assert shown["state"] == "handling"
    assert shown["data"] == {"channel": "letter", "rules": "xf2005"}
    assert [e["trigger"] for e in shown["history"]] == ["register", "accept"]
    assert shown["history"][0]["note"] == "纸质件"
    # life goes on after the upgrade, and the chain stays whole
    cw.acting("sup_pz").advance(
        "XF-2020-panzhou-00001", "reply", {"outcome": "explain"}, at="2020-04-01"
    )
    nxt = cw.acting("admin").register("petition", "panzhou", "新案", at="2020-04-02")
    assert nxt["case_no"] == "XF-2020-panzhou-00003"
    assert cw.verify()["ok"]
    cw.close()
