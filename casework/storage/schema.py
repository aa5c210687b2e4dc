"""Creating and upgrading the schema with Alembic, and checking a database is ready."""

from __future__ import annotations

import os

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from casework.errors import NotInitialised
from casework.storage.db import sqlite_path
from casework.storage.personal_db import verify_key

# The newest migration; a test checks it matches the migration scripts' head.
SCHEMA_HEAD = "0023"


def _alembic_config() -> object:
    from alembic.config import Config

    import casework.storage.migrations as migrations

    cfg = Config()
    cfg.set_main_option("script_location", os.path.dirname(migrations.__file__))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (head by default); a no-op when it is there already."""
    from alembic import command

    refuse_newer(readable_revision(engine))
    cfg = _alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # SQLite rebuilds a table to alter it (Alembic's batch mode); with foreign keys
            # enforced, dropping the old table would fail while other rows point at it. The
            # pragma only takes effect outside a transaction, so it is set before BEGIN, and
            # the keys are checked before the upgrade commits.
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn  # type: ignore[attr-defined]
                command.upgrade(cfg, revision)  # type: ignore[arg-type]
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise NotInitialised(
                            f"升级会破坏表 {broken[0]} 的外键 (would break a foreign key)，"
                            "未作任何更改",
                            field="database",
                        )
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def known_revisions() -> frozenset[str]:
    """Every revision of the shipped migration scripts."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_alembic_config())  # type: ignore[arg-type]
    return frozenset(r.revision for r in scripts.walk_revisions())


def refuse_newer(rev: str | None) -> None:
    """Refuse a database a newer casework has migrated: this one knows none of its tables'
    later changes, so neither reading nor upgrading it would be safe."""
    if rev is None or rev in known_revisions():
        return
    raise NotInitialised(
        f"数据库结构为版本 {rev}，比本程序支持的 {SCHEMA_HEAD} 新 (written by a newer casework; "
        f"this one knows revisions up to {SCHEMA_HEAD})；请升级 casework 后再使用，未作任何更改",
        field="database",
    )


def script_head() -> str:
    """The head revision of the shipped migration scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()  # type: ignore[arg-type]
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision a database is at, or None for an empty one."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return None if row is None else str(row[0])


def readable_revision(engine: Engine) -> str | None:
    """The database's revision, or a refusal saying why it cannot be opened (a file that is
    not a SQLite database, a server that does not answer)."""
    try:
        return current_revision(engine)
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NotInitialised(
            f"无法打开数据库 (cannot open the database)：{first}", field="database"
        ) from None


def require_current(engine: Engine) -> None:
    """Refuse to work on a database that casework has not initialised or upgraded."""
    rev = readable_revision(engine)
    if rev is None:
        raise NotInitialised(
            "数据库中没有 casework 的表 (no casework schema)；请先初始化 (casework init)",
            field="database",
        )
    if rev != SCHEMA_HEAD:
        refuse_newer(rev)
        raise NotInitialised(
            f"数据库结构为版本 {rev}，本程序需要 {SCHEMA_HEAD} (schema revision)；请运行初始化"
            "升级 (casework init)",
            field="database",
        )
    with engine.connect() as conn:
        verify_key(conn, sqlite_path(str(engine.url)))
