"""Events are append-only in the database itself (issue 15 point 4, migration 0015): an
UPDATE, DELETE (or, on PostgreSQL, TRUNCATE) of events through SQL is refused by a trigger,
whoever connects, and nothing changes; casework's own steps go on appending."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from casework.api import Casework
from casework.storage import schema
from casework.storage.db import open_engine
from tests import petitions as P
from tests.helpers import FrozenClock, add_staff, dump

ROOT = Path(__file__).resolve().parents[2]
EDITS = [
    "UPDATE events SET note = 'changed'",
    "UPDATE events SET occurred_on = '2019-01-01'",
    "DELETE FROM events",
    "DELETE FROM events WHERE seq = 2",
]


@pytest.mark.parametrize("statement", EDITS)
def test_an_edit_of_the_history_through_sql_is_refused(cw: Casework, statement: str) -> None:
    no = cw.acting("clerk_pz").register("petition", "panzhou", "甲", at="2020-03-01")["case_no"]
    P.accept(cw, no, "2020-03-02")
    before = dump(cw.engine)
    with pytest.raises(DatabaseError) as refused, cw.engine.begin() as conn:
        conn.execute(text(statement))
    assert "append-only" in str(refused.value)
    assert dump(cw.engine) == before
    P.reply(cw, no, "2020-03-20")  # the next step appends as ever
    assert cw.verify()["ok"]


def test_truncate_is_refused_on_postgresql(cw: Casework) -> None:
    if cw.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE trigger covers it)")
    cw.acting("clerk_pz").register("petition", "panzhou", "甲", at="2020-03-01")
    with pytest.raises(DatabaseError) as refused, cw.engine.begin() as conn:
        conn.execute(text("TRUNCATE events CASCADE"))
    assert "append-only" in str(refused.value)


def test_the_guards_come_with_the_upgrade_from_0014(db_url: str, clock: FrozenClock) -> None:
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0014")
    with engine.begin() as conn:  # before 0015 nothing stopped an edit
        conn.execute(text("DELETE FROM events"))
    engine.dispose()
    cw = Casework.initialise(db_url, offices="gaozhou", clock=clock)
    assert schema.current_revision(cw.engine) == schema.SCHEMA_HEAD
    add_staff(cw)
    cw.acting("clerk_pz").register("petition", "panzhou", "甲", at="2020-03-01")
    with pytest.raises(DatabaseError), cw.engine.begin() as conn:
        conn.execute(text("DELETE FROM events"))
    cw.close()


def deployment_sql(database: str, owner: str, app: str) -> list[str]:
    """The roles' SQL of docs/deployment.md, for these names."""
    text_ = (ROOT / "docs" / "deployment.md").read_text("utf-8")
    block = text_.split("```sql\n", 1)[1].split("```", 1)[0]
    statements = []
    for line in block.splitlines():
        line = line.split("--", 1)[0].strip()
        if line:
            line = line.replace("casework_owner", owner).replace("casework_app", app)
            statements.append(line.replace("DATABASE casework ", f'DATABASE "{database}" '))
    return statements


def test_the_application_role_of_the_deployment_guide_works_but_cannot_edit_history(
    cw: Casework,
) -> None:
    if cw.engine.dialect.name != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    url = cw.engine.url
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"cw_owner_{suffix}", f"cw_app_{suffix}"
    statements = deployment_sql(str(url.database), owner, app)
    assert any("REVOKE UPDATE, DELETE, TRUNCATE ON events" in s for s in statements)
    with cw.engine.begin() as conn:
        for statement in statements:
            if not statement.startswith("ALTER DATABASE"):  # the test's database stays put
                conn.execute(text(statement.replace("'...'", "'x'")))
    as_app = Casework(url.set(username=app).render_as_string(hide_password=False), clock=cw.clock)
    try:
        no = as_app.acting("clerk_pz").register("petition", "panzhou", "甲", at="2020-03-01")
        P.accept(as_app, no["case_no"], "2020-03-02")
        for refused in ("UPDATE events SET note = 'x'", "DELETE FROM events",
                        "DROP TRIGGER events_no_change ON events"):  # fmt: skip
            with pytest.raises(DatabaseError), as_app.engine.begin() as conn:
                conn.execute(text(refused))
        assert as_app.verify()["ok"]
    finally:
        as_app.close()
        with cw.engine.begin() as conn:
            for role in (app, owner):
                conn.execute(text(f'DROP OWNED BY "{role}"'))
                conn.execute(text(f'DROP ROLE "{role}"'))
