"""The bulk fast path stores and reads exactly what the plain SQLAlchemy calls do, on SQLite
(where it sends its own SQL to the driver) and on PostgreSQL (where it goes through Core)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, create_engine, select, text, update
from sqlalchemy.engine import Engine, make_url

from casework.storage import bulk, schema
from casework.storage.db import open_engine
from casework.storage.tables import case_links, cases, documents, events, offices, parties
from tests.databases import PG_ENV, pg_url_with_schema
from tests.helpers import dump

START = datetime(2020, 3, 1, 1, 30, 15, 123456, tzinfo=UTC)


def _case_rows(n: int) -> list[dict[str, Any]]:
    return [
        {
            "case_no": f"XF-2020-panzhou-{i:05d}",
            "kind": "petition",
            "office_code": "panzhou",
            "year": 2020,
            "seq": i,
            "title": f'来信 {i} «引号» "quotes"',
            "state": "registered",
            "version": 1,
            "data": {"channel": "visit", "n": i, "说明": "中文", "none": None},
            "registered_at": START + timedelta(minutes=i),
            "registered_on": date(2020, 3, 1) + timedelta(days=i % 3),
            "recorded_at": START,
            "updated_at": START + timedelta(seconds=i),
            "created_by": "clerk_pz",
            "head_hash": f"{i:064x}",
            "ref": None if i % 2 else f"ref-{i}",
        }
        for i in range(1, n + 1)
    ]


def _event_rows(case_ids: list[int]) -> list[dict[str, Any]]:
    return [
        {
            "case_id": case_id,
            "seq": 1,
            "trigger": "register",
            "from_state": None,
            "to_state": "registered",
            "actor": "clerk_pz",
            "actor_role": "clerk",
            "occurred_at": START + timedelta(hours=k),
            "occurred_on": date(2020, 3, 1),
            "recorded_at": START,
            "note": None if k % 3 else "备注\n第二行",
            "data": {} if k % 2 else {"days": 30, "reason": "需核实", "nested": [1, "二"]},
            "hash": f"{k:064x}",
            "ref": None if k % 4 else f"import:{k}",
        }
        for k, case_id in enumerate(case_ids)
    ]


@pytest.fixture
def twins(db_url: str, tmp_path: os.PathLike[str]) -> Iterator[tuple[Engine, Engine]]:
    """Two empty casework databases of the same kind, with one office."""
    engines = [open_engine(db_url, must_exist=False)]
    schemas: list[str] = []
    if "://" not in db_url:
        engines.append(open_engine(os.path.join(str(tmp_path), "twin.db"), must_exist=False))
    else:
        base = os.environ[PG_ENV]
        name = "cw_" + uuid.uuid4().hex[:12]
        admin = create_engine(make_url(base).set(drivername="postgresql+psycopg"))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        schemas.append(name)
        engines.append(open_engine(pg_url_with_schema(base, name), must_exist=False))
    for engine in engines:
        schema.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(
                offices.insert(),
                [{"code": "panzhou", "name": "潘州", "level": "town", "created_at": START}],
            )
    yield engines[0], engines[1]
    for engine in engines:
        engine.dispose()
    if schemas:
        admin = create_engine(make_url(os.environ[PG_ENV]).set(drivername="postgresql+psycopg"))
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schemas[0]}" CASCADE'))
        admin.dispose()


def test_inserts_store_what_core_stores(twins: tuple[Engine, Engine]) -> None:
    fast, plain = twins
    rows = _case_rows(30)
    with fast.begin() as conn:
        ids = bulk.insert_with_ids(conn, cases, rows)
        evs = _event_rows(ids)
        bulk.insert(conn, events, evs[:10])
        names = tuple(evs[0])
        bulk.insert_records(conn, events, names, [tuple(e.values()) for e in evs[10:]])
        bulk.insert(
            conn,
            parties,
            [{"case_id": i, "ord": 1, "role": "petitioner", "name": "陈某", "id_number": None,
              "phone": "13800138000"} for i in ids],
        )  # fmt: skip
        docs = [
            {"case_id": i, "event_seq": 1, "kind": "letter", "file_name": "信.pdf",
             "sha256": None, "actor": "clerk_pz", "occurred_at": START, "recorded_at": START}
            for i in ids
        ]  # fmt: skip
        bulk.insert(conn, documents, docs)
        bulk.insert_records(
            conn, case_links, ("case_id", "other_case_id", "kind"), [(ids[0], ids[1], "origin")]
        )
    with plain.begin() as conn:
        plain_ids = [
            int(conn.execute(cases.insert().returning(cases.c.id), row).scalar_one())
            for row in rows
        ]
        assert plain_ids == ids
        conn.execute(events.insert(), _event_rows(plain_ids))
        conn.execute(
            parties.insert(),
            [{"case_id": i, "ord": 1, "role": "petitioner", "name": "陈某", "id_number": None,
              "phone": "13800138000"} for i in plain_ids],
        )  # fmt: skip
        conn.execute(documents.insert(), docs)
        conn.execute(
            case_links.insert(), [{"case_id": ids[0], "other_case_id": ids[1], "kind": "origin"}]
        )
    assert dump(fast) == dump(plain)


def test_updates_change_what_core_changes(twins: tuple[Engine, Engine]) -> None:
    fast, plain = twins
    for engine in twins:
        with engine.begin() as conn:
            bulk.insert_with_ids(conn, cases, _case_rows(12))
    changes = [
        {"id": i, "state": "handling", "version": 2, "data": {"outcome": "支持", "i": i},
         "updated_at": START + timedelta(days=i), "head_hash": f"{i:064x}", "expected": 1}
        for i in range(1, 13)
    ]  # fmt: skip
    changes[3]["expected"] = 7  # a stale version: that row is left alone
    with fast.begin() as conn:
        assert bulk.update_by_id(conn, cases, changes, check="version") == 11
    stmt = (
        update(cases)
        .where(cases.c.id == bindparam("b_id"), cases.c.version == bindparam("b_expected"))
        .values(
            state=bindparam("b_state"),
            version=bindparam("b_version"),
            data=bindparam("b_data", type_=cases.c.data.type),
            updated_at=bindparam("b_updated_at", type_=cases.c.updated_at.type),
            head_hash=bindparam("b_head_hash"),
        )
    )
    with plain.begin() as conn:
        changed = sum(
            conn.execute(stmt, {f"b_{k}": v for k, v in row.items()}).rowcount for row in changes
        )
        assert changed == 11
    assert dump(fast) == dump(plain)


def test_lookups_read_what_core_reads(twins: tuple[Engine, Engine]) -> None:
    engine, _ = twins
    with engine.begin() as conn:
        ids = bulk.insert_with_ids(conn, cases, _case_rows(20))
        bulk.insert(conn, events, _event_rows(ids))
    columns = (events.c.case_id, events.c.seq, events.c.occurred_at, events.c.occurred_on,
               events.c.data, events.c.note)  # fmt: skip
    lookup = bulk.Lookup(
        select(*columns)
        .where(events.c.case_id.in_(bindparam("keys", expanding=True)))
        .order_by(events.c.case_id),
        f"SELECT {bulk.column_list(columns)} FROM events WHERE events.case_id IN ({{marks}}) "
        "ORDER BY events.case_id",
        columns,
    )
    with engine.connect() as conn:
        fast = bulk.select_in(conn, lookup, ids[3:15])
        plain = [
            tuple(r)
            for r in conn.execute(
                select(*columns).where(events.c.case_id.in_(ids[3:15])).order_by(events.c.case_id)
            )
        ]
    # A JSON object read through the fast path is decoded when looked into; it equals Core's.
    assert [tuple(dict(v) if isinstance(v, bulk.StoredJSON) else v for v in r) for r in fast] == [
        tuple(r) for r in plain
    ]
    assert fast == plain


def test_stored_json_is_decoded_only_when_looked_into() -> None:
    """``data or {}`` on a row read does not decode it: an empty object is falsy, any other
    truthy, as the decoded dict would be (the text below would not even decode)."""
    assert not bulk.StoredJSON("{}")
    assert bulk.StoredJSON('{"not json')
    value = bulk.StoredJSON('{"a": 1}')
    assert value and dict(value) == {"a": 1} and value == {"a": 1}
    assert (bulk.StoredJSON("{}") or {"b": 2}) == {"b": 2}
