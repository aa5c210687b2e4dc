"""Migration 0016 on a database of casework 0015: the admin log's rows (admins' acts on users)
are numbered and chained in the order they were written, a role change and a deactivation
given their old and new value; the reference data there is gets its baseline entries, after
which the audit replays a whole log, and an edit of the tables is found as on a new database.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import Connection, select, text

from casework.api import Casework
from casework.domain.hashing import admin_digest
from casework.storage import schema
from casework.storage.db import open_engine
from casework.storage.tables import admin_log
from tests.helpers import FrozenClock, drop_event_guards

AT = datetime(2020, 6, 1, 2, 0, tzinfo=UTC)
EARLIER = datetime(2020, 5, 1, 2, 0, tzinfo=UTC)
# (at, action, target, data) in the order 0015 wrote them: the first written is not the
# earliest (a clock set back), and the chain follows the order of writing.
OLD_ACTS = [
    (AT, "user.change", "clerk_pz", {"role": ["clerk", "supervisor"]}),
    (EARLIER, "user.passwd", "clerk_pz", {"sessions_revoked": 0}),
    (AT, "user.deactivate", "viewer1", {"sessions_revoked": 1}),
]


def _rows(conn: Connection) -> None:
    """Reference data and admin acts exactly as casework 0015 wrote them."""
    insert = {
        "offices": "INSERT INTO offices (code, name, level, kind, created_at) VALUES "
        "('panzhou', '潘州街道司法所', 'town', 'subdistrict', :t), "
        "('city-justice', '高州市司法局', 'city', NULL, :t)",
        "users": "INSERT INTO users (username, name, role, office_code, active, created_at, "
        "must_change, failed_logins) VALUES "
        "('admin', '管理员', 'admin', NULL, TRUE, :t, FALSE, 0), "
        "('clerk_pz', '登记员', 'supervisor', 'panzhou', TRUE, :t, FALSE, 0), "
        "('viewer1', '统计员', 'viewer', 'city-justice', FALSE, :t, FALSE, 0)",
        "calendar_years": "INSERT INTO calendar_years (year, source, sha256, added_by, added_at) "
        "VALUES (2031, 'h2031.txt', 'ab12', 'admin', :t)",
        "subsidy_scale": "INSERT INTO subsidy_scale (effective_from, tier, label, amount, "
        "example, set_by, set_at) VALUES "
        "('2011-01-01', 'ordinary', '一般', 200, TRUE, 'admin', :t)",
        "settings": "INSERT INTO settings (key, value, set_by, set_at) VALUES "
        "('subsidy.oral_agreements_from', '2024-01-01', 'admin', :t)",
        "config_values": "INSERT INTO config_values (key, effective_from, value, set_by, set_at) "
        "VALUES ('major_dispute.due_days_max', '2023-03-02', '200', 'admin', :t)",
    }
    for statement in insert.values():
        conn.execute(text(statement), {"t": AT})
    conn.execute(
        text("INSERT INTO calendar_days (day, kind, name) VALUES (:d, 'holiday', '国庆节')"),
        [{"d": date(2031, 10, n)} for n in (1, 2, 3)],
    )
    for at, action, target, data in OLD_ACTS:
        conn.execute(
            text(
                "INSERT INTO admin_log (at, actor, action, target, data, channel, os_user) "
                "VALUES (:at, 'admin', :action, :target, :data, 'cli', 'ops')"
            ),
            {"at": at, "action": action, "target": target, "data": json.dumps(data)},
        )


def _upgraded(db_url: str, clock: FrozenClock) -> Casework:
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0015")
    with engine.begin() as conn:
        _rows(conn)
    engine.dispose()
    return Casework.initialise(db_url, clock=clock)


def test_older_acts_are_chained_in_the_order_written(db_url: str, clock: FrozenClock) -> None:
    cw = _upgraded(db_url, clock)
    assert schema.current_revision(cw.engine) == schema.SCHEMA_HEAD
    log = cw.acting("admin").audit_log()
    old = [(e["action"], e["target"], e["data"], e["channel"], e["os_user"]) for e in log[:3]]
    assert old == [(a, t, d, "cli", "ops") for _, a, t, d in OLD_ACTS]
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    change, passwd, deactivate = log[:3]
    assert (change["before"], change["after"]) == ({"role": "clerk"}, {"role": "supervisor"})
    assert (passwd["before"], passwd["after"]) == (None, None)
    assert (deactivate["before"], deactivate["after"]) == ({"active": True}, {"active": False})
    with cw.engine.connect() as conn:
        rows = conn.execute(select(admin_log).order_by(admin_log.c.seq)).mappings().all()
    prev = None
    for row in rows:  # each hash is the digest of its content and the previous hash
        assert row["hash"] == admin_digest(prev, row)
        prev = row["hash"]
    cw.close()


def test_the_reference_data_is_baselined_once_and_verifies(db_url: str, clock: FrozenClock) -> None:
    cw = _upgraded(db_url, clock)
    log = cw.acting("admin").audit_log()
    baseline = {(e["action"], e["target"]): e for e in log if e["action"].endswith(".baseline")}
    assert sorted(baseline) == [
        ("calendar.baseline", "2031"),
        ("config.baseline", "major_dispute.due_days_max"),
        ("office.baseline", "city-justice"),
        ("office.baseline", "panzhou"),
        ("scale.baseline", "2011-01-01 ordinary"),
        ("setting.baseline", "personal.key_check"),  # migration 0013's
        ("setting.baseline", "subsidy.oral_agreements_from"),
        ("user.baseline", "admin"),
        ("user.baseline", "clerk_pz"),
        ("user.baseline", "viewer1"),
    ]
    assert all(e["before"] is None and e["actor"] == "migration" for e in baseline.values())
    assert baseline[("user.baseline", "viewer1")]["after"] == {
        "name": "统计员",
        "role": "viewer",
        "office_code": "city-justice",
        "active": False,
    }
    days = baseline[("calendar.baseline", "2031")]["after"]
    assert (days["source"], days["sha256"], len(days["days"])) == ("h2031.txt", "ab12", 3)
    assert baseline[("scale.baseline", "2011-01-01 ordinary")]["after"]["amount"] == 200
    audit = cw.verify()
    assert audit["ok"], audit["findings"]
    assert audit["admin_entries"] == len(log)
    # life goes on: a later change is chained after the baseline
    cw.acting("admin").change_user("clerk_pz", role="clerk")
    assert cw.verify()["ok"]
    # and an edit behind casework's back is found on the upgraded database too
    with cw.engine.begin() as conn:
        drop_event_guards(conn)
        conn.execute(text("UPDATE users SET role = 'admin' WHERE username = 'viewer1'"))
        conn.execute(text("UPDATE calendar_days SET kind = 'workday' WHERE day = '2031-10-02'"))
    found = {(f["case_no"], f["problem"].split(" ")[0]) for f in cw.verify()["findings"]}
    assert found == {("users:viewer1", "role"), ("calendar_days:2031-10-02", "kind")}
    cw.close()
