"""The admin log (issue 15 point 2): every change of reference data is an entry with its old
and new value, chained and append-only; ``audit verify`` replays the log against the tables
and names each table and key changed behind casework's back, and each entry edited or deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError

from casework.api import Casework
from casework.errors import InvalidData, NotAllowed
from casework.read.admin_audit import admin_head
from tests.helpers import FrozenClock, drop_event_guards, dump

HOLIDAYS = "2031-10-01..2031-10-07 holiday 国庆节\n2031-09-28 workday 国庆节补班\n"
MOVED = "2031-10-01..2031-10-05 holiday 国庆节\n2031-10-11 workday 国庆节补班\n"
DUE = "major_dispute.due_days_max"


def holiday_file(tmp_path: Path, body: str, name: str = "holidays-2031.txt") -> str:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return str(path)


def last(cw: Casework, action: str) -> dict[str, Any]:
    return [e for e in cw.acting("admin").audit_log() if e["action"] == action][-1]


def findings(cw: Casework) -> list[tuple[str, int | None, str]]:
    audit = cw.verify()
    assert audit["ok"] is not bool(audit["findings"])
    return [(f["case_no"], f["seq"], f["problem"]) for f in audit["findings"]]


def behind_casework(cw: Casework, *statements: str, **values: object) -> None:
    """SQL run as an insider who owns the database: the guards dropped first."""
    with cw.engine.begin() as conn:
        drop_event_guards(conn)
        for statement in statements:
            conn.execute(text(statement), values)


def test_each_change_is_an_entry_with_its_old_and_new_value(cw: Casework, tmp_path: Path) -> None:
    admin = cw.acting("admin")
    admin.change_user("clerk_pz", role="supervisor")
    role = last(cw, "user.change")
    assert (role["actor"], role["target"]) == ("admin", "clerk_pz")
    assert (role["before"], role["after"]) == ({"role": "clerk"}, {"role": "supervisor"})
    admin.change_user("clerk_pz", office="shanmei")
    office = last(cw, "user.change")
    assert (office["before"], office["after"]) == (
        {"office_code": "panzhou"},
        {"office_code": "shanmei"},
    )
    admin.deactivate_user("viewer1")
    off = last(cw, "user.deactivate")
    assert (off["target"], off["before"], off["after"]) == (
        "viewer1",
        {"active": True},
        {"active": False},
    )
    admin.add_user("clerk_new", "新登记员", "clerk", "panzhou")
    added = last(cw, "user.add")
    assert added["before"] is None
    assert added["after"] == {
        "name": "新登记员",
        "role": "clerk",
        "office_code": "panzhou",
        "active": True,
    }
    admin.add_office("testtown", "测试镇司法所", "town")
    new_office = {"name": "测试镇司法所", "level": "town", "kind": None}
    assert last(cw, "office.add")["after"] == new_office
    assert cw.verify()["ok"]


def test_a_holiday_file_and_its_replacement_keep_the_old_days(cw: Casework, tmp_path: Path) -> None:
    admin = cw.acting("admin")
    admin.calendar_add(holiday_file(tmp_path, HOLIDAYS))
    first = last(cw, "calendar.add")
    assert (first["target"], first["before"]) == ("2031", None)
    assert first["after"]["source"] == "holidays-2031.txt"
    assert len(first["after"]["days"]) == 8
    assert first["after"]["days"][0] == ["2031-09-28", "workday", "国庆节补班"]
    admin.calendar_add(holiday_file(tmp_path, MOVED, "holidays-2031-v2.txt"))
    second = last(cw, "calendar.add")
    assert second["before"] == first["after"]  # the replaced file's days are kept
    assert second["after"]["source"] == "holidays-2031-v2.txt"
    assert len(second["after"]["days"]) == 6
    assert cw.verify()["ok"]


def test_a_scale_change_and_a_setting_change_keep_the_old_value(cw: Casework) -> None:
    admin = cw.acting("admin")
    admin.subsidy.set_scale("2011-01-01", {"ordinary": "250"})
    replaced = last(cw, "scale.set")
    assert replaced["target"] == "2011-01-01 ordinary"
    assert replaced["before"]["amount"] == 200 and replaced["before"]["example"] is True
    assert replaced["after"]["amount"] == 250 and replaced["after"]["example"] is False
    admin.subsidy.set_scale("2021-01-01", {"ordinary": "300"})
    assert last(cw, "scale.set")["before"] is None  # a new entry replaces none
    admin.subsidy.set_oral_agreements_from("2023-07-01")
    admin.subsidy.set_oral_agreements_from("2023-10-01")
    oral = last(cw, "setting.set")
    assert (oral["before"], oral["after"]) == ({"value": "2023-07-01"}, {"value": "2023-10-01"})
    admin.config_set(DUE, "200", "2023-03-02")
    admin.config_set(DUE, "150", "2024-01-01", note="省厅通知")
    dated = last(cw, "config.set")
    assert dated["target"] == DUE
    assert dated["before"] == {"effective_from": "2023-03-02", "value": "200"}
    assert dated["after"] == {"effective_from": "2024-01-01", "value": "150", "note": "省厅通知"}
    assert cw.verify()["ok"]


def test_the_log_is_numbered_and_chained_and_its_head_is_the_last_entry(cw: Casework) -> None:
    cw.acting("admin").change_user("clerk_pz", role="supervisor")
    log = cw.acting("admin").audit_log()
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    assert len({e["hash"] for e in log}) == len(log)
    with cw.engine.connect() as conn:
        assert admin_head(conn) == (len(log), log[-1]["hash"])
    assert cw.verify()["admin_entries"] == len(log)


def test_only_an_admin_reads_the_log(cw: Casework) -> None:
    with pytest.raises(NotAllowed):
        cw.acting("sup_pz").audit_log()
    with pytest.raises(InvalidData) as bad:
        cw.acting("admin").audit_log(limit=0)
    assert bad.value.field == "limit"


def test_the_log_is_filtered_by_actor_target_day_and_count(
    cw: Casework, clock: FrozenClock
) -> None:
    admin = cw.acting("admin")
    clock.advance(days=3)
    admin.change_user("clerk_pz", role="supervisor")
    admin.deactivate_user("viewer1")
    assert [e["action"] for e in admin.audit_log(target="clerk_pz")][-1] == "user.change"
    assert {e["target"] for e in admin.audit_log(since=cw.today())} >= {"clerk_pz", "viewer1"}
    [only] = admin.audit_log(limit=1)
    assert (only["action"], only["target"]) == ("user.deactivate", "viewer1")
    assert admin.audit_log(actor="nobody") == []


@pytest.mark.parametrize("statement", ["UPDATE admin_log SET actor = 'x'", "DELETE FROM admin_log"])
def test_the_log_refuses_an_edit_through_sql(cw: Casework, statement: str) -> None:
    before = dump(cw.engine)
    with pytest.raises(DatabaseError) as refused, cw.engine.begin() as conn:
        conn.execute(text(statement))
    assert "append-only" in str(refused.value)
    assert dump(cw.engine) == before


# -- tampering behind casework's back ---------------------------------------------------------


def _holidays(cw: Casework, tmp_path: Path) -> None:
    cw.acting("admin").calendar_add(holiday_file(tmp_path, HOLIDAYS))


def _dated(cw: Casework, tmp_path: Path) -> None:
    cw.acting("admin").config_set(DUE, "200", "2023-03-02")


def _nothing(cw: Casework, tmp_path: Path) -> None:
    pass


Setup = Callable[[Casework, Path], None]
TAMPERS: list[tuple[str, Setup, str, str, str]] = [
    # (name, set-up, SQL, the finding's table:key, a word of its problem)
    (
        "viewer raised to admin",
        _nothing,
        "UPDATE users SET role = 'admin' WHERE username = 'viewer1'",
        "users:viewer1",
        "role 'viewer' in the log, 'admin' in the table",
    ),
    (
        "user deactivated",
        _nothing,
        "UPDATE users SET active = FALSE WHERE username = 'clerk_pz'",
        "users:clerk_pz",
        "active True in the log, False in the table",
    ),
    (
        "user moved",
        _nothing,
        "UPDATE users SET office_code = 'shanmei' WHERE username = 'sup_pz'",
        "users:sup_pz",
        "office_code 'panzhou' in the log, 'shanmei' in the table",
    ),
    (
        "admin inserted",
        _nothing,
        "INSERT INTO users (username, name, role, office_code, active, created_at, "
        "must_change, failed_logins) VALUES ('mole', 'x', 'admin', NULL, TRUE, "
        "'2020-01-01 00:00:00', FALSE, 0)",
        "users:mole",
        "inserted outside casework",
    ),
    (
        "office renamed",
        _nothing,
        "UPDATE offices SET name = '别处' WHERE code = 'panzhou'",
        "offices:panzhou",
        "name '潘州街道司法所' in the log, '别处' in the table",
    ),
    (
        "holiday made a working day",
        _holidays,
        "UPDATE calendar_days SET kind = 'workday' WHERE day = '2031-10-01'",
        "calendar_days:2031-10-01",
        "kind 'holiday' in the log, 'workday' in the table",
    ),
    (
        "holiday deleted",
        _holidays,
        "DELETE FROM calendar_days WHERE kind = 'workday'",
        "calendar_days:2031-09-28",
        "deleted outside casework",
    ),
    (
        "scale raised",
        _nothing,
        "UPDATE subsidy_scale SET amount = 99999 WHERE tier = 'ordinary'",
        "subsidy_scale:2011-01-01 ordinary",
        "amount 200 in the log, 99999 in the table",
    ),
    (
        "dated setting edited",
        _dated,
        f"UPDATE config_values SET value = '9999' WHERE key = '{DUE}'",
        f"config_values:{DUE} from 2023-03-02",
        "value '200' in the log, '9999' in the table",
    ),
    (
        "demo mark added (a frozen clock let in)",
        _nothing,
        "INSERT INTO settings (key, value, set_by, set_at) VALUES "
        "('demo.database', '{}', 'demo', '2020-01-01 00:00:00')",
        "settings:demo.database",
        "inserted outside casework",
    ),
]


@pytest.mark.parametrize(
    "setup,statement,where,problem", [t[1:] for t in TAMPERS], ids=[t[0] for t in TAMPERS]
)
def test_an_edit_of_reference_data_behind_casework_is_reported(
    cw: Casework, tmp_path: Path, setup: Setup, statement: str, where: str, problem: str
) -> None:
    setup(cw, tmp_path)
    assert cw.verify()["ok"]
    behind_casework(cw, statement)
    found = findings(cw)
    assert [f for f in found if f[0] == where and problem in f[2]], found
    assert all(f[0] != "admin_log" for f in found)  # the log itself is whole


def test_a_change_overwritten_later_is_still_seen_in_the_entry_after_it(cw: Casework) -> None:
    """A viewer raised to admin behind casework's back, then set to clerk by an admin: the
    table and the log agree again, but the entry's old value is not what the log had."""
    behind_casework(cw, "UPDATE users SET role = 'admin' WHERE username = 'viewer1'")
    cw.acting("admin").change_user("viewer1", role="clerk")
    seq = last(cw, "user.change")["seq"]
    [(where, at, problem)] = findings(cw)
    assert (where, at) == ("users:viewer1", seq)
    assert "old role 'admin' is not the log's 'viewer'" in problem


def _seq_of(conn: Connection, action: str) -> int:
    found = conn.execute(
        text("SELECT MAX(seq) FROM admin_log WHERE action = :a"), {"a": action}
    ).scalar_one()
    return int(found)


def test_an_edited_entry_is_reported_by_its_seq(cw: Casework) -> None:
    cw.acting("admin").change_user("clerk_pz", role="supervisor")
    with cw.engine.connect() as conn:
        seq = _seq_of(conn, "user.change")
    # the forger edits the entry and the table alike: the replay agrees, the chain does not
    behind_casework(
        cw,
        "UPDATE users SET role = 'admin' WHERE username = 'clerk_pz'",
        "UPDATE admin_log SET after = :after WHERE seq = :seq",
        after='{"role": "admin"}',
        seq=seq,
    )
    found = findings(cw)
    assert [f for f in found if f[:2] == ("admin_log", seq) and "hash" in f[2]], found


def test_a_deleted_entry_is_reported_as_missing(cw: Casework) -> None:
    admin = cw.acting("admin")
    admin.change_user("clerk_pz", role="supervisor")
    admin.deactivate_user("viewer1")
    with cw.engine.connect() as conn:
        seq = _seq_of(conn, "user.change")
    behind_casework(cw, "DELETE FROM admin_log WHERE seq = :seq", seq=seq)
    found = findings(cw)
    assert ("admin_log", seq, f"缺少第 {seq} 条（被删除）(entry {seq} missing: deleted)") in found
    # and the change the entry recorded is no longer in the log: the table disagrees
    assert [f for f in found if f[0] == "users:clerk_pz" and "role 'clerk'" in f[2]], found


def test_the_demo_and_init_go_through_the_log(cw: Casework) -> None:
    """The staffed database of every test (init, then the staff added through the API, then
    the suite's mark) is wholly in the log."""
    log = cw.acting("admin").audit_log()
    users = {e["target"] for e in log if e["action"] == "user.add"}
    assert {"admin", "clerk_pz", "viewer1", "med_pz"} <= users
    assert {e["target"] for e in log if e["action"] == "office.add"} >= {"panzhou", "shanmei"}
    # the keyed chains' boundary, set by migration 0017, then the suite's mark
    setting = [e["target"] for e in log if e["action"] == "setting.set"]
    assert setting == ["audit.chain_keyed_from", "test.database"]
    assert sum(e["action"] == "scale.set" for e in log) == 4
