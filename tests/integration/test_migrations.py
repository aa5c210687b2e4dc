"""A database made by the first Alembic revision, holding cases, upgrades to head intact."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, inspect, text

from casework.api import Casework
from casework.domain.hashing import row_digest
from casework.storage import schema
from casework.storage.db import open_engine
from casework.time.local import CST
from tests.helpers import Cli, FrozenClock


def audited(cw: Casework) -> tuple[int, int]:
    """The cases and events ``audit verify`` checked, once it found nothing wrong (the admin
    log's entries are counted too, and checked by tests/api/test_admin_log.py)."""
    audit = cw.verify()
    assert audit["ok"] and audit["findings"] == [], audit["findings"]
    return audit["cases"], audit["events"]


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
    assert audited(cw) == (2, 3)
    shown = cw.show("XF-2020-panzhou-00001")
    # the migration pins the rules in force on the registration day (信访条例 2005 in 2020)
    assert shown["state"] == "handling"
    assert shown["data"] == {"channel": "letter", "rules": "xf2005"}
    assert [e["trigger"] for e in shown["history"]] == ["register", "accept"]
    assert shown["history"][0]["note"] == "纸质件"
    # life goes on after the upgrade (the opinion on file first), and the chain stays whole
    cw.acting("sup_pz").add_document("XF-2020-panzhou-00001", "reply", at="2020-04-01")
    cw.acting("sup_pz").advance(
        "XF-2020-panzhou-00001", "reply", {"outcome": "explain"}, at="2020-04-01"
    )
    nxt = cw.acting("admin").register("petition", "panzhou", "新案", at="2020-04-02")
    assert nxt["case_no"] == "XF-2020-panzhou-00003"
    assert cw.verify()["ok"]
    cw.close()


# -- a database of the casework before issue 12 (schema revision 0006) ------------------------

BEFORE = datetime(2020, 1, 1, tzinfo=UTC)


def _office(conn: Connection, code: str, name: str, level: str) -> None:
    conn.execute(
        text(
            "INSERT INTO offices (code, name, level, kind, created_at) "
            "VALUES (:c, :n, :l, NULL, :t)"
        ),
        {"c": code, "n": name, "l": level, "t": BEFORE},
    )


def _user(conn: Connection, username: str, role: str, office: str | None) -> None:
    conn.execute(
        text(
            "INSERT INTO users (username, name, role, office_code, active, created_at) "
            "VALUES (:u, :u, :r, :o, TRUE, :t)"
        ),
        {"u": username, "r": role, "o": office, "t": BEFORE},
    )


# (trigger, from, to, actor, role, local time, data) as casework 0006 recorded each step
OldStep = tuple[str, str | None, str, str, str, str, dict[str, Any]]


def _old_case(
    conn: Connection, case_no: str, data: dict[str, Any], steps: Sequence[OldStep]
) -> None:
    """A case and its hash-chained events, exactly as casework at revision 0006 wrote them."""
    parts = case_no.split("-")
    prefix, year, seq = parts[0], int(parts[1]), int(parts[-1])
    office = "-".join(parts[2:-1])
    kind = {"XF": "petition", "BA": "major_dispute", "TJ": "mediation"}[prefix]
    times = [datetime.fromisoformat(s[5]).replace(tzinfo=CST) for s in steps]
    registered = times[0]
    conn.execute(
        text(
            "INSERT INTO cases (case_no, kind, office_code, year, seq, title, state, version, "
            "data, registered_at, registered_on, recorded_at, updated_at, created_by) VALUES "
            "(:no, :kind, :office, :year, :seq, '旧案', :state, :v, :data, :t, :d, :t, :u, "
            "'admin')"
        ),
        {
            "no": case_no,
            "kind": kind,
            "office": office,
            "year": year,
            "seq": seq,
            "state": steps[-1][2],
            "v": len(steps),
            "data": json.dumps(data, ensure_ascii=False),
            "t": registered.astimezone(UTC),
            "d": registered.date(),
            "u": times[-1].astimezone(UTC),
        },
    )
    case_id = conn.execute(
        text("SELECT id FROM cases WHERE case_no = :no"), {"no": case_no}
    ).scalar_one()
    # the number's counter, as that casework took it (the audit checks it)
    conn.execute(
        text(
            "INSERT INTO case_counters VALUES (:p, :o, :y, :s) ON CONFLICT "
            "(prefix, office_code, year) DO UPDATE SET last_seq = excluded.last_seq "
            "WHERE case_counters.last_seq < excluded.last_seq"
        ),
        {"p": prefix, "o": office, "y": year, "s": seq},
    )
    prev: str | None = None
    for n, ((trigger, src, dst, actor, role, _, values), when) in enumerate(
        zip(steps, times, strict=True), start=1
    ):
        row = {
            "seq": n,
            "trigger": trigger,
            "from_state": src,
            "to_state": dst,
            "actor": actor,
            "actor_role": role,
            "occurred_at": when.astimezone(UTC),
            "recorded_at": when.astimezone(UTC),
            "note": None,
            "data": values,
        }
        prev = row_digest(prev, case_no, row)
        conn.execute(
            text(
                "INSERT INTO events (case_id, seq, trigger, from_state, to_state, actor, "
                "actor_role, occurred_at, occurred_on, recorded_at, note, data, hash) VALUES "
                "(:id, :seq, :trigger, :from_state, :to_state, :actor, :actor_role, "
                ":occurred_at, :d, :recorded_at, :note, :j, :hash)"
            ),
            {**row, "id": case_id, "d": when.date(), "j": json.dumps(values), "hash": prev},
        )
    conn.execute(text("UPDATE cases SET head_hash = :h WHERE id = :id"), {"h": prev, "id": case_id})


LEDGER = {"leader": "leader1", "unit": "镇政府", "due_days": 90}
OLD_CASES: Sequence[tuple[str, dict[str, Any], Sequence[OldStep]]] = (
    # accepted under the procedure of the time (no letter, no notice on file)
    (
        "XF-2021-panzhou-00001",
        {"channel": "letter"},
        (
            ("register", None, "registered", "clerk_pz", "clerk", "2021-03-01T09:00", {}),
            ("accept", "registered", "handling", "sup_pz", "supervisor", "2021-03-02T09:00", {}),
        ),
    ),
    # registered at half past midnight on 2022-05-01 in China (still 30 April in UTC): the
    # local registration day puts it under 信访工作条例
    (
        "XF-2022-panzhou-00001",
        {"channel": "visit"},
        (("register", None, "registered", "clerk_pz", "clerk", "2022-05-01T00:30", {}),),
    ),
    # a major dispute assigned straight from the ledger, as 包案 ran before (ba1)
    (
        "BA-2021-city-petition-00001",
        LEDGER,
        (
            ("register", None, "identified", "sup_city", "supervisor", "2021-04-01T09:00", {}),
            ("assign", "identified", "assigned", "sup_city", "supervisor", "2021-04-02T09:00",
             LEDGER),
        ),
    ),
)  # fmt: skip


def _pre_issue_database(db_url: str) -> None:
    """A database at revision 0006 holding offices, users, petitions and a major dispute."""
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0006")
    assert schema.current_revision(engine) == "0006"
    with engine.begin() as conn:
        _office(conn, "panzhou", "潘州街道司法所", "town")
        _office(conn, "city-justice", "高州市司法局", "city")
        _office(conn, "city-petition", "高州市信访局", "city")
        _office(conn, "city-rule-of-law", "高州市委依法治市办", "city")
        for username, role, office in (
            ("admin", "admin", None),
            ("clerk_pz", "clerk", "panzhou"),
            ("sup_pz", "supervisor", "panzhou"),
            ("sup_city", "supervisor", "city-petition"),
            ("clerk_city", "clerk", "city-petition"),
            ("leader1", "leader", "city-rule-of-law"),
        ):
            _user(conn, username, role, office)
        for case_no, data, steps in OLD_CASES:
            _old_case(conn, case_no, data, steps)
        for prefix, office, year in (
            ("XF", "panzhou", 2021),
            ("XF", "panzhou", 2022),
            ("BA", "city-petition", 2021),
        ):
            conn.execute(
                text("INSERT INTO case_counters VALUES (:p, :o, :y, 1) ON CONFLICT DO NOTHING"),
                {"p": prefix, "o": office, "y": year},
            )
    engine.dispose()


def test_a_database_from_before_rule_versions_upgrades_with_init(
    db_url: str, clock: FrozenClock
) -> None:
    _pre_issue_database(db_url)
    before = _rows(db_url)
    clock.set("2022-06-01T10:00")
    init = Cli(db_url, clock)("init", "--json")
    assert init.exit_code == 0, init.stderr
    cw = Casework(db_url, clock=clock)
    assert schema.current_revision(cw.engine) == schema.SCHEMA_HEAD
    # every case and every event kept as it was, and the chains whole
    assert _rows(db_url) == before
    assert audited(cw) == (3, 5)
    # the rule version in force on each case's local registration day
    rules = {no: cw.show(no)["data"].get("rules") for no, _, _ in OLD_CASES}
    assert rules == {
        "XF-2021-panzhou-00001": "xf2005",
        "XF-2022-panzhou-00001": "xf2022",
        "BA-2021-city-petition-00001": "ba1",
    }
    for no, data, _ in OLD_CASES:
        assert cw.show(no)["data"] == {**data, "rules": rules[no]}
    # the offices their parents (a town's is the justice bureau, petition.md)
    parents = {o["code"]: o.get("parent") for o in cw.offices()}
    assert parents == {
        "panzhou": "city-justice",
        "city-justice": "ext:茂名市司法局",
        "city-petition": "ext:茂名市人民政府",
        "city-rule-of-law": "ext:茂名市人民政府",
    }
    assert cw.show("XF-2021-panzhou-00001").get("reviewer") == "city-justice"
    cw.close()


def test_upgraded_cases_go_on_under_todays_rules(db_url: str, clock: FrozenClock) -> None:
    _pre_issue_database(db_url)
    clock.set("2022-06-01T10:00")
    cw = Casework.initialise(db_url, clock=clock)
    old = "XF-2021-panzhou-00001"
    # the reply is given with its opinion on file, as the rules now ask
    cw.acting("clerk_pz").add_document(old, "reply", at="2021-04-01")
    done = cw.acting("sup_pz").advance(old, "reply", {"outcome": "explain"}, at="2021-04-01")
    assert done["state"] == "replied"
    # the major dispute assigned under ba1 is planned by its leader under today's rules
    major = "BA-2021-city-petition-00001"
    cw.acting("leader1").add_document(major, "plan", at="2021-04-10")
    planned = cw.acting("leader1").advance(major, "plan", {"plan": "化解方案"}, at="2021-04-10")
    assert planned["state"] == "resolving"
    new = cw.acting("clerk_pz").register("petition", "panzhou", "新案", at="2022-05-20")
    assert new["case_no"] == "XF-2022-panzhou-00002"
    assert cw.show(new["case_no"])["data"]["rules"] == "xf2022"
    assert cw.verify()["ok"]
    cw.close()


def _rows(db_url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = open_engine(db_url)
    try:
        with engine.connect() as conn:
            return {
                "cases": sorted(
                    tuple(r)
                    for r in conn.execute(
                        text("SELECT case_no, state, version, head_hash FROM cases")
                    )
                ),
                "events": sorted(
                    tuple(r)
                    for r in conn.execute(
                        text("SELECT case_id, seq, trigger, to_state, hash, data FROM events")
                    )
                ),
            }
    finally:
        engine.dispose()


def test_a_database_from_before_committees_gets_them_and_stays_verified(
    db_url: str, clock: FrozenClock
) -> None:
    """Migration 0008: each town office its committee, each mediator a member of it, each
    mediation case the committee of its office; no event touched."""
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0007")
    with engine.begin() as conn:
        _office(conn, "panzhou", "潘州街道司法所", "town")
        _office(conn, "changpo", "长坡镇司法所", "town")
        _office(conn, "city-justice", "高州市司法局", "city")
        for username, role, office in (
            ("admin", "admin", None),
            ("clerk_pz", "clerk", "panzhou"),
            ("med_pz", "mediator", "panzhou"),
        ):
            _user(conn, username, role, office)
        _old_case(
            conn,
            "TJ-2021-panzhou-00001",
            {"source": "application"},
            (("register", None, "applied", "clerk_pz", "clerk", "2021-03-01T09:00", {}),),
        )
    engine.dispose()
    before = _rows(db_url)
    cw = Casework.initialise(db_url, clock=clock)
    assert _rows(db_url) == before
    assert audited(cw) == (1, 1)
    committees = {c["code"]: c for c in cw.committees(on="2021-03-01")}
    assert set(committees) == {"panzhou-tj", "changpo-tj"}
    assert committees["changpo-tj"]["type"] == "town"
    assert committees["panzhou-tj"]["name"] == "潘州街道人民调解委员会"
    assert committees["panzhou-tj"]["type"] == "subdistrict"
    assert [m["username"] for m in cw.mediators("panzhou-tj", on="1990-01-01")] == ["med_pz"]
    assert cw.show("TJ-2021-panzhou-00001")["data"]["committee"] == "panzhou-tj"
    cw.close()


def test_a_database_from_before_accounts_keeps_every_row_and_no_one_has_a_password(
    db_url: str, clock: FrozenClock
) -> None:
    """Migration 0010: users get password columns (none set, nothing locked), new tables for
    sessions and the logs; every case, event and user row stays as it was."""
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0009")
    with engine.begin() as conn:
        _office(conn, "panzhou", "潘州街道司法所", "town")
        _office(conn, "city-justice", "高州市司法局", "city")
        for username, role, office in (("admin", "admin", None), ("clerk_pz", "clerk", "panzhou")):
            _user(conn, username, role, office)
        conn.execute(text("UPDATE users SET active = FALSE WHERE username = 'clerk_pz'"))
        _old_case(
            conn,
            "XF-2021-panzhou-00001",
            {"channel": "letter", "rules": "xf2005"},
            (("register", None, "registered", "admin", "admin", "2021-03-01T09:00", {}),),
        )
    engine.dispose()
    people = "SELECT username, name, role, office_code, active, created_at FROM users"

    def users_now() -> list[tuple[Any, ...]]:
        probe = open_engine(db_url)
        with probe.connect() as conn:
            found = sorted(tuple(r) for r in conn.execute(text(people)))
        probe.dispose()
        return found

    before, users_before = _rows(db_url), users_now()
    cw = Casework.initialise(db_url, clock=clock)
    assert schema.current_revision(cw.engine) == schema.SCHEMA_HEAD
    assert _rows(db_url) == before and users_now() == users_before
    with cw.engine.connect() as conn:
        fresh = conn.execute(
            text("SELECT password_hash, must_change, failed_logins, locked_until FROM users")
        ).all()
    assert [tuple(r) for r in fresh] == [(None, False, 0, None)] * 2
    assert audited(cw) == (1, 1)
    cw.acting("admin").set_password("admin", "Gaozhou#2021")
    assert cw.login("admin", "Gaozhou#2021")["must_change"] is True
    assert cw.verify()["ok"]
    cw.close()


def test_a_database_from_before_the_reveal_log_keeps_every_row_and_logs_from_then_on(
    db_url: str, clock: FrozenClock
) -> None:
    """Migration 0011: a new, empty reveal log; every case, event, user and login-log row stays
    as it was, and the first reveal after the upgrade is its first row."""
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0010")
    with engine.begin() as conn:
        _office(conn, "panzhou", "潘州街道司法所", "town")
        _office(conn, "city-justice", "高州市司法局", "city")
        _user(conn, "admin", "admin", None)
        _user(conn, "sup_pz", "supervisor", "panzhou")
        _old_case(
            conn,
            "XF-2021-panzhou-00001",
            {"channel": "letter", "rules": "xf2005"},
            (("register", None, "registered", "admin", "admin", "2021-03-01T09:00", {}),),
        )
        conn.execute(
            text("INSERT INTO login_log (at, username, outcome) VALUES (:t, 'admin', 'success')"),
            {"t": BEFORE},
        )
    engine.dispose()
    logins = "SELECT at, username, outcome FROM login_log"

    def kept() -> tuple[dict[str, list[tuple[Any, ...]]], list[tuple[Any, ...]]]:
        probe = open_engine(db_url)
        with probe.connect() as conn:
            found = [tuple(r) for r in conn.execute(text(logins))]
        probe.dispose()
        return _rows(db_url), found

    before = kept()
    cw = Casework.initialise(db_url, clock=clock)
    assert schema.current_revision(cw.engine) == schema.SCHEMA_HEAD
    assert kept() == before
    assert cw.acting("admin").reveal_log() == []
    # Migration 0012: the old event's channel is unknown, and it keeps verifying (below).
    [old] = cw.acting("admin").history("XF-2021-panzhou-00001")
    assert (old["channel"], old["os_user"]) == (None, None)
    cw.acting("sup_pz").show("XF-2021-panzhou-00001", reveal=True)
    [row] = cw.acting("admin").reveal_log()
    assert (row["username"], row["case_no"]) == ("sup_pz", "XF-2021-panzhou-00001")
    assert audited(cw) == (1, 1)
    cw.close()


def test_a_database_from_before_user_attributes_reads_none_and_sets_them_logged(
    db_url: str, clock: FrozenClock
) -> None:
    """Migration 0018: users get a nullable ``attributes`` column (NULL: none), every row
    stays as it was, and an attribute set after the upgrade is in the admin log and verifies."""
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0015")  # before the admin log's baseline (0016), as a real database
    with engine.begin() as conn:
        _office(conn, "city-justice", "高州市司法局", "city")
        _user(conn, "admin", "admin", None)
        _user(conn, "rev_old", "reviewer", "city-justice")
    schema.upgrade(engine, "0017")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("users")}
    assert "attributes" not in columns
    engine.dispose()
    people = "SELECT username, name, role, office_code, active, created_at FROM users"

    def users_now() -> list[tuple[Any, ...]]:
        probe = open_engine(db_url)
        with probe.connect() as conn:
            found = sorted(tuple(r) for r in conn.execute(text(people)))
        probe.dispose()
        return found

    before = users_now()
    cw = Casework.initialise(db_url, clock=clock)
    assert schema.current_revision(cw.engine) == schema.SCHEMA_HEAD >= "0018"
    assert users_now() == before
    with cw.engine.connect() as conn:
        stored = conn.execute(text("SELECT attributes FROM users")).scalars().all()
    assert stored == [None, None]
    admin = cw.acting("admin")
    assert [u["attributes"] for u in admin.users()] == [{}, {}]
    admin.change_user("rev_old", attributes={"reviewer_since": "2019-05-06"})
    listed = {u["username"]: u["attributes"] for u in admin.users()}
    assert listed == {"admin": {}, "rev_old": {"reviewer_since": "2019-05-06"}}
    assert admin.admin_log()[-1]["after"] == {"attributes": {"reviewer_since": "2019-05-06"}}
    assert cw.verify()["ok"]
    cw.close()


@pytest.mark.filterwarnings("ignore:.*expression-based index")  # SQLite's reflection skips it
def test_a_database_from_before_the_office_listing_indexes_upgrades_with_a_damaged_case(
    db_url: str, clock: FrozenClock
) -> None:
    """Migration 0022 indexes each case's handling office (派单) from its data: a case whose
    data is not JSON (damaged, which casework reads around) does not stop the upgrade, and the
    office a case is assigned to finds it on its first page."""
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0021")
    with engine.begin() as conn:
        _office(conn, "panzhou", "潘州街道司法所", "town")
        _office(conn, "shanmei", "山美街道司法所", "town")
        _user(conn, "admin", "admin", None)
        _user(conn, "sup_sm", "supervisor", "shanmei")
        for seq, data in ((1, {"channel": "letter", "handling_office": "shanmei"}), (2, {})):
            _old_case(
                conn,
                f"XF-2021-panzhou-0000{seq}",
                {"rules": "xf2005", **data},
                (("register", None, "registered", "admin", "admin", "2021-03-01T09:00", {}),),
            )
        if engine.dialect.name == "sqlite":  # PostgreSQL's JSONB holds none but valid JSON
            conn.execute(text("UPDATE cases SET data = '{oops' WHERE seq = 2"))
    before = _rows(db_url)
    schema.upgrade(engine)  # as `casework init` does, before it rebuilds its own indexes
    assert schema.current_revision(engine) == schema.SCHEMA_HEAD
    with engine.connect() as conn:
        names = {i["name"] for i in inspect(conn).get_indexes("cases")}
    assert "ix_cases_office_registered_at" in names
    engine.dispose()
    assert _rows(db_url) == before
    cw = Casework(db_url, clock=clock)
    listed = [r["case_no"] for r in cw.acting("sup_sm").cases(limit=5)]
    assert listed == ["XF-2021-panzhou-00001"]
    cw.close()
