"""Migration 0009: the entries logged before keep their campaigns (made from their texts), the
cases that named an entry get ``cases.screening_id``, and every hash chain stays whole."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import text

from casework.api import Casework
from casework.domain.hashing import row_digest
from casework.storage import schema
from casework.storage.db import open_engine
from tests.helpers import FrozenClock

AT = datetime(2020, 6, 1, 2, 0, tzinfo=UTC)
ENTRIES = (
    ("2020-02-10", "special", "新冠肺炎疫情防控矛盾纠纷专项排查", 3),
    ("2020-03-20", "special", "新冠肺炎疫情防控矛盾纠纷专项排查", 1),
    ("2020-04-02", "special", "春耕专项排查", 2),
    ("2020-05-05", "routine", None, 2),
)


def _before_0009(db_url: str) -> None:
    """A database at revision 0008 with four entries and a major dispute found by one."""
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0008")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO offices (code, name, level, kind, created_at) "
                "VALUES ('panzhou', '潘州街道司法所', 'town', NULL, :t)"
            ),
            {"t": AT},
        )
        for day, kind, campaign, found in ENTRIES:
            conn.execute(
                text(
                    "INSERT INTO screenings (office_code, day, kind, campaign, found, prevented, "
                    "recorded_by, recorded_at) VALUES ('panzhou', :d, :k, :c, :f, 0, 'admin', :t)"
                ),
                {"d": date.fromisoformat(day), "k": kind, "c": campaign, "f": found, "t": AT},
            )
        first = conn.execute(text("SELECT min(id) FROM screenings")).scalar_one()
        data = {"screening": first, "rules": "ba2"}
        conn.execute(
            text(
                "INSERT INTO cases (case_no, kind, office_code, year, seq, title, state, "
                "version, data, registered_at, registered_on, recorded_at, updated_at, "
                "created_by) VALUES ('BA-2020-panzhou-00001', 'major_dispute', 'panzhou', 2020, "
                "1, '征地纠纷', 'identified', 1, :data, :t, :d, :t, :t, 'admin')"
            ),
            {"data": json.dumps(data), "t": AT, "d": AT.date()},
        )
        # its number's counter, as that casework took it (the audit checks it)
        conn.execute(text("INSERT INTO case_counters VALUES ('BA', 'panzhou', 2020, 1)"))
        row = {
            "seq": 1,
            "trigger": "register",
            "from_state": None,
            "to_state": "identified",
            "actor": "admin",
            "actor_role": "admin",
            "occurred_at": AT,
            "recorded_at": AT,
            "note": None,
            "data": {},
        }
        digest = row_digest(None, "BA-2020-panzhou-00001", row)
        conn.execute(
            text(
                "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, "
                "actor_role, occurred_at, occurred_on, recorded_at, note, data, hash) SELECT id, "
                "1, 'register', NULL, 'identified', 'admin', 'admin', :t, :d, :t, NULL, '{}', :h "
                "FROM cases"
            ),
            {"t": AT, "d": AT.date(), "h": digest},
        )
        conn.execute(text("UPDATE cases SET head_hash = :h"), {"h": digest})
    engine.dispose()


def test_entries_keep_their_campaigns_and_cases_their_entry(
    db_url: str, clock: FrozenClock
) -> None:
    _before_0009(db_url)
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    assert schema.current_revision(cw.engine) == schema.SCHEMA_HEAD
    assert cw.verify()["findings"] == []
    campaigns = {c["code"]: c for c in cw.screening_campaigns()}
    pandemic = campaigns["新冠肺炎疫情防控矛盾纠纷专项排查"]
    assert (pandemic["from"], pandemic["to"], pandemic["pandemic"], pandemic["entries"]) == (
        "2020-02-10",
        "2020-03-20",
        True,
        2,
    )
    assert campaigns["春耕专项排查"]["pandemic"] is False and len(campaigns) == 2
    figures = cw.stats("2020-01-01", "2020-06-30")["metrics"]
    assert (figures["screening.sessions"], figures["screening.special"]) == (4, 3)
    assert (figures["screening.pandemic"], figures["screening.registered"]) == (2, 1)
    first = min(e["id"] for e in cw.screenings())
    assert [c["case_no"] for c in cw.screening(first)["cases"]] == ["BA-2020-panzhou-00001"]
    cw.close()
