"""Published figures in storage (issue 17 point 8): migration 0019 adds the table, append-only,
to a database of 0018; a backup keeps every version and a restore brings them back."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from casework.api import Casework
from casework.storage import schema
from casework.storage.db import open_engine
from tests.helpers import Cli, FrozenClock


def test_a_database_of_0018_gets_an_empty_append_only_table(
    db_url: str, clock: FrozenClock
) -> None:
    engine = open_engine(db_url, must_exist=False)
    schema.upgrade(engine, "0018")
    with engine.connect() as conn:
        assert "published_figures" not in inspect(conn).get_table_names()
    engine.dispose()
    cw = Casework.initialise(db_url, clock=clock)
    assert schema.current_revision(cw.engine) == schema.SCHEMA_HEAD >= "0019"
    published = cw.acting("admin").publish_figures("2020-11")
    assert published["version"] == 1
    with pytest.raises(Exception, match="append-only"), cw.engine.begin() as conn:
        conn.execute(text("UPDATE published_figures SET figures = '{}'"))
    if cw.engine.dialect.name == "postgresql":
        with pytest.raises(Exception, match="append-only"), cw.engine.begin() as conn:
            conn.execute(text("TRUNCATE published_figures"))
    assert cw.acting("admin").published_figures("2020-11")["figures"] == published["figures"]
    assert cw.verify()["ok"]
    cw.close()


def test_backup_and_restore_keep_the_published_versions(
    cw: Casework, cli: Cli, clock: FrozenClock, tmp_path: Path
) -> None:
    if cw.engine.dialect.name != "sqlite":
        pytest.skip("casework backs up and restores SQLite databases (PostgreSQL: pg_dump)")
    stat = cw.acting("viewer1")
    stat.publish_figures("2020-11", "office")
    clock.set("2020-12-05T09:00")
    stat.publish_figures("2020-11", "office", revise="method")
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir()
    made = cli("backup", str(target))
    assert made.exit_code == 0, made.stderr
    copy = Casework(str(target))
    kept = copy.acting("viewer1").published_figures("2020-11", "office")
    assert [(v["version"], v["reason"]) for v in kept["versions"]] == [(1, None), (2, "method")]
    copy.close()
    stat.publish_figures("2020-11", "office", revise="error")  # after the backup
    cw.engine.dispose()
    gc.collect()
    done = cli("restore", str(target), "--yes", "--json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["audit_ok"] is True
    back = cw.acting("viewer1").published_figures("2020-11", "office")
    assert [v["version"] for v in back["versions"]] == [1, 2]
    assert back["versions"][0]["revised"] and back["reason"] == "method"
