"""Accounts (issue 14, web.md): passwords, lockout, sessions, tokens and admins' acts, through
the API on both databases, the clock frozen and moved by the tests."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import select

from casework.api import Casework
from casework.domain.accounts import CHEAP_HASHES_ENV
from casework.errors import AccountLocked, AuthFailed, InvalidData, NotAllowed, NotFound
from casework.storage.tables import admin_log, auth_sessions, users
from tests.helpers import FrozenClock, dump

PW = "Panzhou#2020"
NEW = "Xin-mima-2021"


def with_password(cw: Casework, username: str = "clerk_pz", password: str = PW) -> None:
    cw.acting("admin").set_password(username, password)


def outcomes(cw: Casework, username: str = "clerk_pz") -> list[str]:
    return [r["outcome"] for r in cw.acting("admin").login_log() if r["username"] == username]


def stored(cw: Casework, column: str, username: str = "clerk_pz") -> Any:
    with cw.engine.connect() as conn:
        return conn.execute(
            select(users.c[column]).where(users.c.username == username)
        ).scalar_one()


@pytest.mark.parametrize(
    "password,why",
    [
        ("Ab1!x", "至少 8 个字符"),
        ("abcdefgh12", "三类"),
        ("ABCDEFGH!!", "三类"),
        ("xxClerk_PZ#2020", "用户名"),
        ("Aa1!" * 40, "至多 128"),
        ("Abcdef1!\x00", "控制字符"),
    ],
)
def test_a_password_the_policy_refuses_writes_nothing(
    cw: Casework, password: str, why: str
) -> None:
    before = dump(cw.engine)
    with pytest.raises(InvalidData) as refused:
        cw.acting("admin").set_password("clerk_pz", password)
    assert refused.value.field == "password"
    assert why in refused.value.reason and "\n" not in refused.value.reason
    assert dump(cw.engine) == before


def test_the_password_is_kept_as_an_argon2id_hash_only(cw: Casework) -> None:
    with_password(cw)
    first = stored(cw, "password_hash")
    assert first.startswith("$argon2id$") and PW not in first
    with_password(cw)  # the same password again: a new salt, another hash
    assert stored(cw, "password_hash") != first
    assert cw.login("clerk_pz", PW)["user"] == {
        "username": "clerk_pz",
        "role": "clerk",
        "office": "panzhou",
    }


def test_real_hashes_use_argon2s_standard_cost_and_a_login_rehashes_a_cheap_one(
    cw: Casework, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_password(cw)  # the suite's cheap parameters (tests/conftest.py)
    cheap = stored(cw, "password_hash")
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    monkeypatch.delenv(CHEAP_HASHES_ENV)
    assert cw.login("clerk_pz", PW)["user"]["username"] == "clerk_pz"
    rehashed = stored(cw, "password_hash")
    assert rehashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert cw.login("clerk_pz", PW)["user"]["username"] == "clerk_pz"
    assert stored(cw, "password_hash") == rehashed  # rehashed once, not at every login
    with_password(cw, password=NEW)
    assert stored(cw, "password_hash").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_wrong_password_is_refused_and_logged(cw: Casework) -> None:
    with_password(cw)
    with pytest.raises(AuthFailed) as wrong:
        cw.login("clerk_pz", "Wrong#2020", address="10.1.2.3", agent="Chromium")
    with pytest.raises(AuthFailed) as unknown:
        cw.login("nobody", PW)
    assert wrong.value.reason == unknown.value.reason  # no hint which usernames exist
    rows = [r for r in cw.acting("admin").login_log() if r["outcome"] == "failure"]
    assert [(r["username"], r["address"], r["agent"]) for r in rows] == [
        ("clerk_pz", "10.1.2.3", "Chromium"),
        ("nobody", None, None),
    ]
    assert stored(cw, "failed_logins") == 1


def test_the_fifth_failure_locks_for_thirty_minutes(cw: Casework, clock: FrozenClock) -> None:
    with_password(cw)
    for _ in range(4):
        with pytest.raises(AuthFailed):
            cw.login("clerk_pz", "Wrong#2020")
    with pytest.raises(AccountLocked):
        cw.login("clerk_pz", "Wrong#2020")
    clock.advance(minutes=29, seconds=59)
    with pytest.raises(AccountLocked):  # even the right password, while locked
        cw.login("clerk_pz", PW)
    clock.advance(seconds=1)
    assert cw.login("clerk_pz", PW)["token"]
    assert outcomes(cw) == ["password_set", *["failure"] * 5, "locked", "locked", "success"]
    assert stored(cw, "failed_logins") == 0 and stored(cw, "locked_until") is None


def test_a_success_starts_the_count_afresh(cw: Casework) -> None:
    with_password(cw)
    for _ in range(2):
        for _ in range(4):
            with pytest.raises(AuthFailed):
                cw.login("clerk_pz", "Wrong#2020")
        cw.login("clerk_pz", PW)
    assert "locked" not in outcomes(cw)


def test_the_lockout_is_a_dated_setting(cw: Casework) -> None:
    with_password(cw)
    cw.acting("admin").config_set("auth.lockout.failures", "3", "2020-01-01")
    for _ in range(2):
        with pytest.raises(AuthFailed):
            cw.login("clerk_pz", "Wrong#2020")
    with pytest.raises(AccountLocked):
        cw.login("clerk_pz", "Wrong#2020")


def test_a_set_password_must_be_changed_and_the_change_clears_it(cw: Casework) -> None:
    with_password(cw)
    assert cw.login("clerk_pz", PW)["must_change"] is True
    clerk = cw.acting("clerk_pz")
    with pytest.raises(AuthFailed):
        clerk.change_password("Wrong#2020", NEW)
    with pytest.raises(InvalidData):
        clerk.change_password(PW, PW)
    clerk.change_password(PW, NEW)
    assert cw.login("clerk_pz", NEW)["must_change"] is False
    with pytest.raises(AuthFailed):
        cw.login("clerk_pz", PW)
    assert "password_changed" in outcomes(cw)


def test_each_login_gets_a_new_token_kept_only_as_its_hash(cw: Casework) -> None:
    with_password(cw)
    first, second = cw.login("clerk_pz", PW), cw.login("clerk_pz", PW)
    assert first["token"] != second["token"]
    assert first["expires_at"] == "2020-12-01T18:00:00+08:00"  # 8 hours after 10:00
    with cw.engine.connect() as conn:
        kept = set(conn.execute(select(auth_sessions.c.token_hash)).scalars())
    assert kept == {hashlib.sha256(t["token"].encode()).hexdigest() for t in (first, second)}
    assert cw.authenticate(first["token"])["username"] == "clerk_pz"


def test_a_session_ends_when_idle_for_thirty_minutes(cw: Casework, clock: FrozenClock) -> None:
    with_password(cw)
    token = cw.login("clerk_pz", PW)["token"]
    clock.advance(minutes=29)
    assert cw.authenticate(token)["office"] == "panzhou"
    clock.advance(minutes=29)  # measured from the last use
    assert cw.authenticate(token)["kind"] == "session"
    clock.advance(minutes=30)
    with pytest.raises(AuthFailed) as idle:
        cw.authenticate(token)
    assert "idle" in idle.value.reason


def test_a_session_ends_after_its_lifetime_however_used(cw: Casework, clock: FrozenClock) -> None:
    with_password(cw)
    token = cw.login("clerk_pz", PW)["token"]
    for _ in range(23):  # 7 h 40 min of use every 20 minutes
        clock.advance(minutes=20)
        cw.authenticate(token)
    clock.advance(minutes=20)
    with pytest.raises(AuthFailed) as ended:
        cw.authenticate(token)
    assert "expired" in ended.value.reason


def test_logout_ends_the_session(cw: Casework) -> None:
    with_password(cw)
    token = cw.login("clerk_pz", PW)["token"]
    cw.logout(token)
    with pytest.raises(AuthFailed):
        cw.authenticate(token)
    with pytest.raises(AuthFailed):
        cw.logout(token)
    assert outcomes(cw)[-1] == "logout"


def test_an_admin_lists_and_revokes_sessions(cw: Casework) -> None:
    with_password(cw)
    token = cw.login("clerk_pz", PW, address="10.0.0.7")["token"]
    admin = cw.acting("admin")
    [listed] = admin.sessions()
    assert (listed["username"], listed["address"], listed["kind"]) == (
        "clerk_pz",
        "10.0.0.7",
        "session",
    )
    admin.revoke_session(listed["id"])
    with pytest.raises(AuthFailed):
        cw.authenticate(token)
    assert admin.sessions() == []
    with pytest.raises(InvalidData):
        admin.revoke_session(listed["id"])
    with pytest.raises(NotFound):
        admin.revoke_session(999)
    assert admin.admin_log()[-1]["action"] == "session.revoke"
    assert outcomes(cw)[-1] == "revoked"


def test_a_deactivated_user_cannot_log_in_and_their_sessions_end(cw: Casework) -> None:
    with_password(cw)
    token = cw.login("clerk_pz", PW)["token"]
    api_token = cw.acting("clerk_pz").create_token("nightly", "read", 30)["token"]
    done = cw.acting("admin").deactivate_user("clerk_pz")
    assert done["sessions_revoked"] == 2 and done["active"] is False
    for secret in (token, api_token):
        with pytest.raises(AuthFailed):
            cw.authenticate(secret)
    with pytest.raises(AuthFailed):
        cw.login("clerk_pz", PW)
    with pytest.raises(NotAllowed):
        cw.acting("clerk_pz").register("petition", "panzhou", "停用后登记", at="2020-11-30")
    with pytest.raises(InvalidData):
        cw.acting("admin").deactivate_user("admin")
    log = cw.acting("admin").admin_log()[-1]
    assert (log["actor"], log["action"], log["target"]) == ("admin", "user.deactivate", "clerk_pz")
    assert log["data"] == {"sessions_revoked": 2} and log["channel"] == "api"


def test_a_token_keeps_its_scope_and_expiry_not_an_idle_timeout(
    cw: Casework, clock: FrozenClock
) -> None:
    made = cw.acting("clerk_pz").create_token("export", "read", 3)
    assert made["scope"] == "read" and made["expires_at"] == "2020-12-04T10:00:00+08:00"
    clock.advance(days=2)
    seen = cw.authenticate(made["token"])
    assert (seen["kind"], seen["scope"], seen["username"]) == ("token", "read", "clerk_pz")
    clock.advance(days=1)
    with pytest.raises(AuthFailed):
        cw.authenticate(made["token"])
    with cw.engine.connect() as conn:
        kept = conn.execute(select(auth_sessions.c.token_hash, auth_sessions.c.name)).one()
    assert tuple(kept) == (hashlib.sha256(made["token"].encode()).hexdigest(), "export")


def test_a_token_never_does_more_than_its_owner(cw: Casework) -> None:
    before = dump(cw.engine)
    with pytest.raises(NotAllowed) as refused:
        cw.acting("viewer1").create_token("charts", "write", 30)
    assert refused.value.field == "scope"
    for scope, days, field in (("admin", 30, "scope"), ("read", 0, "days"), ("read", 366, "days")):
        with pytest.raises(InvalidData) as bad:
            cw.acting("clerk_pz").create_token("x", scope, days)
        assert bad.value.field == field
    assert dump(cw.engine) == before
    assert cw.acting("viewer1").create_token("charts", "read", 30)["scope"] == "read"


def test_an_admin_changes_a_role_or_an_office_with_a_log_row(cw: Casework) -> None:
    admin = cw.acting("admin")
    done = admin.change_user("clerk_pz", role="supervisor")
    assert (done["role"], done["office"]) == ("supervisor", "panzhou")
    admin.change_user("clerk_pz", office="shanmei")
    assert next(u for u in cw.users() if u["username"] == "clerk_pz")["office"] == "shanmei"
    with cw.engine.connect() as conn:
        rows = conn.execute(
            select(admin_log.c.action, admin_log.c.target, admin_log.c.data)
            .where(admin_log.c.action == "user.change")
            .order_by(admin_log.c.seq)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("user.change", "clerk_pz", {"role": ["clerk", "supervisor"]}),
        ("user.change", "clerk_pz", {"office": ["panzhou", "shanmei"]}),
    ]


@pytest.mark.parametrize(
    "who,username,change,error,field",
    [
        ("clerk_pz", "clerk_sm", {"role": "supervisor"}, NotAllowed, "user"),
        ("admin", "nobody", {"role": "clerk"}, NotFound, "username"),
        ("admin", "clerk_pz", {"role": "boss"}, InvalidData, "role"),
        ("admin", "clerk_pz", {"office": "atlantis"}, NotFound, "office"),
        ("admin", "clerk_pz", {}, InvalidData, "role"),
        ("admin", "clerk_pz", {"role": "clerk"}, InvalidData, "role"),
        ("admin", "med_pz", {"office": "shanmei"}, InvalidData, "office"),
        ("admin", "admin", {"role": "clerk", "office": "panzhou"}, InvalidData, "role"),
    ],
)
def test_a_refused_change_writes_nothing(
    cw: Casework, who: str, username: str, change: dict[str, str], error: type, field: str
) -> None:
    before = dump(cw.engine)
    with pytest.raises(error) as refused:
        cw.acting(who).change_user(username, **change)
    assert refused.value.field == field
    assert dump(cw.engine) == before


def test_only_an_admin_sets_passwords_and_reads_the_logs(cw: Casework) -> None:
    before = dump(cw.engine)
    with pytest.raises(NotAllowed):
        cw.acting("sup_pz").set_password("clerk_pz", PW)
    with pytest.raises(NotAllowed):
        cw.acting("sup_pz").deactivate_user("clerk_pz")
    for reader in (cw, cw.acting("sup_pz")):
        with pytest.raises(NotAllowed):
            reader.login_log()
        with pytest.raises(NotAllowed):
            reader.sessions()
    assert dump(cw.engine) == before


def test_the_login_log_from_a_day(cw: Casework, clock: FrozenClock) -> None:
    with_password(cw)
    clock.advance(days=2)
    cw.login("clerk_pz", PW)
    rows = cw.acting("admin").login_log(since="2020-12-03")
    assert [(r["outcome"], r["at"]) for r in rows] == [("success", "2020-12-03T10:00:00+08:00")]
