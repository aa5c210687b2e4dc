"""The database's side of the personal-data key (casework.storage.personal): the key check
kept in ``settings``, the refusal of a missing or wrong key, and exact matches by blind index
(for search and repeat detection)."""

from __future__ import annotations

import hmac

from sqlalchemy import ColumnElement, inspect, select
from sqlalchemy.engine import Connection, Engine

from casework.storage.personal import (
    CHECK_KEY,
    Kind,
    attach,
    create_key_file,
    key_on,
    missing_key,
    refusal,
)
from casework.storage.tables import parties, settings


def ensure_key(engine: Engine, sqlite_file: str | None) -> None:
    """For ``init`` and ``demo``: a database without a key gets a new key file, unless it
    already holds data sealed under a key (then the refusal comes when it is opened)."""
    if key_on(engine.dialect) is not None:
        return
    if stored_check(engine) is None:
        attach(engine, create_key_file(sqlite_file))


def stored_check(engine: Engine | Connection) -> str | None:
    """The key check the database keeps, or None (no schema yet, or before migration 0013)."""

    def read(conn: Connection) -> str | None:
        if not inspect(conn).has_table("settings"):
            return None
        row = conn.execute(select(settings.c.value).where(settings.c.key == CHECK_KEY)).first()
        return None if row is None else str(row.value)

    if isinstance(engine, Connection):
        return read(engine)
    with engine.connect() as conn:
        return read(conn)


def verify_key(conn: Connection, sqlite_file: str | None) -> None:
    """Refuse, in one line, a database whose sealed data this engine's key cannot open."""
    check = stored_check(conn)
    if check is None:
        return
    key = key_on(conn.dialect)
    if key is None:
        raise missing_key(sqlite_file)
    if not hmac.compare_digest(key.check, check):
        raise refusal(
            f"个人信息密钥 {key.source} 与数据库不符 (the personal-data key is wrong for this"
            " database)；未显示、未写入任何内容"
        )


def party_match(kind: Kind, value: str) -> ColumnElement[bool]:
    """The condition on ``parties`` of a party whose ID number (or phone) is ``value``, exact,
    by the blind index: what search and repeat detection ask instead of the sealed column."""
    column = parties.c.id_number_index if kind == "id_number" else parties.c.phone_index
    match: ColumnElement[bool] = column == value
    return match


def cases_by_party(conn: Connection, kind: Kind, value: str) -> list[int]:
    """The ids of the cases naming a party with this ID number (or phone), by blind index."""
    query = select(parties.c.case_id).where(party_match(kind, value)).distinct()
    return sorted(int(i) for i in conn.execute(query).scalars())
