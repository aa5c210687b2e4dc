"""The fast path for many rows: the driver's own executemany on SQLite, Core on PostgreSQL.

SQLAlchemy's executemany on SQLite spends more time converting each row's values than SQLite
spends storing them. Here the SQL is written from the table's own columns and each value is
converted as SQLAlchemy's types would convert it (UTC instants as naive text with microseconds,
dates as ISO text, JSON by ``json.dumps``, booleans as 0/1); instants shared by many rows (a
batch's "now", a ledger's days) are converted once. On PostgreSQL the rows go through Core,
whose insertmanyvalues is already fast there. ``tests/integration/test_bulk.py`` checks that
each function stores exactly what the plain SQLAlchemy call stores, on both databases.
"""

from __future__ import annotations

import json
from collections.abc import (
    Callable,
    ItemsView,
    Iterator,
    KeysView,
    Mapping,
    Sequence,
    ValuesView,
)
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Executable,
    Table,
    Update,
    bindparam,
)
from sqlalchemy.engine import Connection, Dialect

from casework.storage import personal
from casework.storage.types import JSONDocument, UTCDateTime

# What goes to and comes from the driver: the columns' values, of many types.
Value = Any
Row = Mapping[str, Value]
Record = tuple[Value, ...]
Convert = Callable[[Value], Value]
# A row from SQLite's driver made into the tuple of Python values (``row_maker``).
RowMaker = Callable[[Sequence[Value]], Record]


@lru_cache(maxsize=16384)
def _instant(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _as_instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored; give an aware instant")
    return _instant(value)


def _as_day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class StoredJSON(Mapping[str, Any]):
    """A JSON object read from SQLite, decoded when first looked into: most events a step
    reads are only counted or compared by trigger, never opened. Written back unchanged, it
    is its own stored text."""

    __slots__ = ("_text", "_value")

    def __init__(self, text: str) -> None:
        self._text = text
        self._value: dict[str, Any] | None = None

    def _decoded(self) -> dict[str, Any]:
        if self._value is None:
            self._value = json.loads(self._text)
        return self._value

    def __getitem__(self, key: str) -> Value:
        return self._decoded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded())

    def __len__(self) -> int:
        return len(self._decoded())

    # The decoded dict's own: Mapping's would look each key up again, and answer a key not
    # there by catching a KeyError (an export asks two such of every event's data).
    def __contains__(self, key: object) -> bool:
        return key in self._decoded()

    def get(self, key: str, default: Any = None) -> Any:
        return self._decoded().get(key, default)

    def keys(self) -> KeysView[str]:
        return self._decoded().keys()

    def items(self) -> ItemsView[str, Any]:
        return self._decoded().items()

    def values(self) -> ValuesView[Any]:
        return self._decoded().values()

    def __bool__(self) -> bool:
        # ``data or {}`` asks this of every row read; json.dumps writes an empty object as "{}".
        return bool(self._value) if self._value is not None else self._text != "{}"

    def __eq__(self, other: object) -> bool:
        return self._decoded() == other

    def __repr__(self) -> str:
        return repr(self._decoded())

    @property
    def text(self) -> str:
        return self._text


_DUMPED: dict[tuple[tuple[str, object], ...], str] = {}


def _as_json(value: object) -> str:
    """JSON as SQLAlchemy writes it (``json.dumps``); an object read and written back unchanged
    is its stored text, and objects of plain values are remembered (many events repeat theirs)."""
    if isinstance(value, StoredJSON):
        return value.text
    if not isinstance(value, dict):
        return json.dumps(value)
    try:
        key = tuple(value.items())
        found = _DUMPED.get(key)
    except TypeError:  # a list or a dict inside: not remembered
        return json.dumps(value)
    if found is None:
        if len(_DUMPED) > 50_000:
            _DUMPED.clear()
        found = _DUMPED[key] = json.dumps(value)
    return found


def _as_flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def converter(column: ColumnElement[Value]) -> Convert | None:
    """How a value of this column (or bound parameter) goes to the driver (None: as it is)."""
    return _codec(column)[0]


_converter = converter


@lru_cache(maxsize=64)
def _plan(table: Table, names: tuple[str, ...]) -> tuple[str, tuple[Convert | None, ...]]:
    """The INSERT statement for these columns and each column's conversion."""
    columns = [table.c[name] for name in names]
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    return sql, tuple(_converter(c) for c in columns)


def _tuples(
    rows: Sequence[Row], names: tuple[str, ...], converts: tuple[Convert | None, ...]
) -> list[Record]:
    # itemgetter takes a row's values in C; only the columns that need it are converted.
    take = itemgetter(*names)
    convert = [(i, c) for i, c in enumerate(converts) if c is not None]
    if len(names) == 1:
        return [(row[names[0]] if not convert else convert[0][1](row[names[0]]),) for row in rows]
    if not convert:
        return [take(row) for row in rows]
    out = []
    for row in rows:
        values = list(take(row))
        for i, c in convert:
            values[i] = c(values[i])
        out.append(tuple(values))
    return out


def _sqlite_executemany(conn: Connection, sql: str, params: Sequence[Record]) -> int:
    # The transaction's own DBAPI connection: the rows join the unit of work's transaction.
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, params)
        return int(cursor.rowcount)
    finally:
        cursor.close()


def delete_in(conn: Connection, table: Table, column: str, keys: Sequence[Value]) -> None:
    """Delete the rows whose ``column`` is one of ``keys`` (at most the caller's chunk of
    them); on SQLite on the driver, where Core's execution of the same statement cost more
    than the delete (a step rewrites its case's rows of the open-limits index)."""
    if not keys:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(_delete_stmt(table, column), {"keys": list(keys)})
        return
    marks = ", ".join("?" * len(keys))
    _sqlite_executemany(
        conn, f"DELETE FROM {table.name} WHERE {column} IN ({marks})", [tuple(keys)]
    )


@lru_cache(maxsize=16)
def _delete_stmt(table: Table, column: str) -> Executable:
    """The same delete in Core, built once (building a statement costs more than running it)."""
    return table.delete().where(table.c[column].in_(bindparam("keys", expanding=True)))


def insert(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert rows that all name the same columns."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), list(rows))
        return
    names = tuple(rows[0])
    sql, converts = _plan(table, names)
    rows = _sealed_rows(conn, table, names, rows)
    _sqlite_executemany(conn, sql, _tuples(rows, names, converts))


Sealing = list[tuple[int, Convert]]
# Per dialect (it holds the key), how each table's columns are sealed: asked at every write.
_SEALING: WeakKeyDictionary[Dialect, dict[tuple[Table, tuple[str, ...]], Sealing]]
_SEALING = WeakKeyDictionary()


def _sealing(dialect: Dialect, table: Table, names: tuple[str, ...]) -> Sealing:
    known = _SEALING.setdefault(dialect, {})
    found = known.get((table, names))
    if found is None:
        found = known[(table, names)] = personal.writers(dialect, [table.c[n].type for n in names])
    return found


def _sealed_rows(
    conn: Connection, table: Table, names: tuple[str, ...], rows: Sequence[Row]
) -> Sequence[Row]:
    """Rows with their personal values sealed and indexed as the columns' types would (the
    driver's executemany bypasses them); a row nothing changes in is not copied."""
    seal = _sealing(conn.dialect, table, names)
    if not seal:
        return rows
    out: list[Row] = []
    for row in rows:
        new = {names[i]: w(row[names[i]]) for i, w in seal}
        changed = any(new[k] is not row[k] for k in new)
        out.append({**row, **new} if changed else row)
    return out


ColumnSealing = list[tuple[int, Callable[[personal.Column], personal.Column]]]
_COLUMN_SEALING: WeakKeyDictionary[Dialect, dict[tuple[Table, tuple[str, ...]], ColumnSealing]]
_COLUMN_SEALING = WeakKeyDictionary()


def _column_sealing(dialect: Dialect, table: Table, names: tuple[str, ...]) -> ColumnSealing:
    known = _COLUMN_SEALING.setdefault(dialect, {})
    found = known.get((table, names))
    if found is None:
        types = [table.c[n].type for n in names]
        found = known[(table, names)] = personal.column_writers(dialect, types)
    return found


def _sealed_records(
    conn: Connection, table: Table, names: tuple[str, ...], records: Sequence[Record]
) -> Sequence[Record]:
    """Records with their personal values sealed and indexed, a column at a time (a batch's
    phones sealed together, the key found once)."""
    seal = _column_sealing(conn.dialect, table, names)
    if not seal:
        return records
    columns: list[personal.Column] = list(zip(*records, strict=True))
    for i, write in seal:
        columns[i] = write(columns[i])
    return list(zip(*columns, strict=True))


@lru_cache(maxsize=64)
def _record_maker(table: Table, names: tuple[str, ...]) -> Callable[[Record], Record]:
    """A function turning a record (the values of ``names``, in order) into the driver's
    values. Generated once per table and columns, as ``collections.namedtuple`` generates its
    classes: one expression per record instead of a loop over its values."""
    _, converts = _plan(table, names)
    parts = [f"c{i}(r[{i}])" if c is not None else f"r[{i}]" for i, c in enumerate(converts)]
    scope = {f"c{i}": c for i, c in enumerate(converts) if c is not None}
    made: Callable[[Record], Record] = eval(f"lambda r: ({', '.join(parts)},)", scope)
    return made


def insert_records(
    conn: Connection, table: Table, names: tuple[str, ...], records: Sequence[Record]
) -> None:
    """Insert records, each the values of ``names`` in that order (cheaper to make than
    dicts when there are many)."""
    if not records:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), [dict(zip(names, r, strict=True)) for r in records])
        return
    sql, _ = _plan(table, names)
    make = _record_maker(table, names)
    records = _sealed_records(conn, table, names, records)
    _sqlite_executemany(conn, sql, [make(r) for r in records])


def holds(
    conn: Connection,
    table: Table,
    names: tuple[str, ...],
    keys: Sequence[Value],
    records: Sequence[Record],
    size: int,
) -> bool:
    """Whether the rows of ``table`` whose first column ``names[0]`` is one of ``keys`` are
    exactly ``records`` (each the values of ``names``, no two alike), compared as SQLite's
    driver stores them: then writing them again would change nothing. On PostgreSQL it says
    False (the caller writes them, as it always did)."""
    if conn.dialect.name != "sqlite":
        return False
    made = {_record_maker(table, names)(r) for r in _sealed_records(conn, table, names, records)}
    if len(made) != len(records):
        return False
    listed = ", ".join(f'"{n}"' for n in names)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    stored: list[Record] = []
    try:
        for start in range(0, len(keys), max(1, size)):
            part = tuple(keys[start : start + size])
            marks = ", ".join("?" * len(part))
            sql = f"SELECT {listed} FROM {table.name} WHERE {names[0]} IN ({marks})"
            stored += cursor.execute(sql, part).fetchall()
    finally:
        cursor.close()
    return len(stored) == len(made) and set(stored) == made


def insert_with_ids(conn: Connection, table: Table, rows: Sequence[Row]) -> list[int]:
    """Insert rows and return their new ``id`` values, in the rows' order."""
    if not rows:
        return []
    if conn.dialect.name != "sqlite":
        stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return [int(i) for i in conn.execute(stmt, list(rows)).scalars()]
    # The write transaction holds SQLite's only write lock: no one else takes these ids.
    first = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) + 1 FROM {table.name}").scalar_one()
    ids = list(range(int(first), int(first) + len(rows)))
    insert(conn, table, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


def update_by_id(
    conn: Connection, table: Table, rows: Sequence[Row], *, check: str | None = None
) -> int:
    """``UPDATE table SET ... WHERE id = :id [AND check = :expected]`` for each row; returns
    how many rows changed. Each row holds ``id``, the new values and, with ``check``, the
    value the row must still have under the key ``expected``."""
    if not rows:
        return 0
    names = tuple(k for k in rows[0] if k not in ("id", "expected"))
    if conn.dialect.name != "sqlite":
        stmt = table.update().where(table.c.id == bindparam("b_id"))
        if check is not None:
            stmt = stmt.where(table.c[check] == bindparam("b_expected"))
        stmt = stmt.values({n: bindparam(f"b_{n}", type_=table.c[n].type) for n in names})
        params = [{f"b_{k}": v for k, v in row.items()} for row in rows]
        return _changed(conn, stmt, params)
    sql, converts = _update_plan(table, names, check)
    rows = _sealed_rows(conn, table, names, rows)
    keys = (*names, "id", *(("expected",) if check else ()))
    convert_all = (*converts, None, *((None,) if check else ()))
    return _sqlite_executemany(conn, sql, _tuples(rows, keys, convert_all))


@lru_cache(maxsize=16)
def _update_plan(
    table: Table, names: tuple[str, ...], check: str | None
) -> tuple[str, tuple[Convert | None, ...]]:
    where = "id = ?" + (f" AND {check} = ?" if check else "")
    sql = f"UPDATE {table.name} SET {', '.join(f'{n} = ?' for n in names)} WHERE {where}"
    return sql, tuple(_converter(table.c[n]) for n in names)


def _counts_many(conn: Connection) -> bool:
    return bool(conn.dialect.supports_sane_multi_rowcount)


def _changed(conn: Connection, stmt: Update, params: list[dict[str, Value]]) -> int:
    if len(params) == 1 or not _counts_many(conn):
        return sum(conn.execute(stmt, p).rowcount for p in params)
    return int(conn.execute(stmt, params).rowcount)


@lru_cache(maxsize=65536)  # a batch's steps share their "now", a ledger's rows their days
def _from_instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


@lru_cache(maxsize=65536)  # a case's history and a day's steps share their days
def _from_day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _from_json(value: str | None) -> Value:
    if value is None or not isinstance(value, str):  # None, or data already opened
        return value
    # An object is decoded when first used (most never are); anything else at once.
    return StoredJSON(value) if value.startswith("{") else json.loads(value)


def _from_flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


# By column type, how a value goes to SQLite's driver and comes back, as SQLAlchemy's types do.
_CODECS: tuple[tuple[tuple[type, ...], Convert, Convert], ...] = (
    ((UTCDateTime, DateTime), _as_instant, _from_instant),
    ((JSONDocument, JSON), _as_json, _from_json),
    ((Date,), _as_day, _from_day),
    ((Boolean,), _as_flag, _from_flag),
)


def _codec(column: ColumnElement[Value]) -> tuple[Convert | None, Convert | None]:
    for types, written, read in _CODECS:
        if isinstance(column.type, types):
            return written, read
    return None, None


def _reader(column: ColumnElement[Value]) -> Convert | None:
    """How a value of this column comes back from the driver (None: as it is)."""
    return _codec(column)[1]


@dataclass(frozen=True)
class Lookup:
    """A read of many rows by a list of keys (``key IN (...)``), as SQLAlchemy would run it
    (``stmt``, with an expanding parameter ``keys``) and, for SQLite, as plain SQL whose
    values are converted here as SQLAlchemy's types would (``sql`` has ``{marks}`` where the
    keys go; ``columns`` are the selected columns, in order)."""

    stmt: Executable
    sql: str
    columns: tuple[ColumnElement[Value], ...]

    @cached_property
    def readers(self) -> tuple[tuple[int, Convert], ...]:
        return readers_of(self.columns)

    @cached_property
    def _by_dialect(self) -> WeakKeyDictionary[Dialect, RowMaker]:
        return WeakKeyDictionary()

    def maker(self, dialect: Dialect) -> RowMaker:
        """How a row is read on this dialect: the openers of the sealed columns (it holds the
        key), then the readers; made once per dialect."""
        found = self._by_dialect.get(dialect)
        if found is None:
            readers = openers(dialect, self.columns) + self.readers
            found = self._by_dialect[dialect] = row_maker(len(self.columns), readers)
        return found


def readers_of(columns: Sequence[ColumnElement[Value]]) -> tuple[tuple[int, Convert], ...]:
    """How each selected column's value comes back from SQLite's driver, by position (those
    that need a conversion)."""
    return tuple((i, r) for i, c in enumerate(columns) if (r := _reader(c)) is not None)


def select_in(
    conn: Connection, lookup: Lookup, keys: Sequence[Value], **fixed: Value
) -> list[Record]:
    """The rows of ``lookup`` for these keys (at most the caller's chunk of them), as tuples
    of Python values: the same on SQLite and PostgreSQL. ``fixed`` are the statement's other
    parameters, in the order their ``?`` come before the keys' in ``lookup.sql``."""
    if not keys:
        return []
    if conn.dialect.name != "sqlite":
        return [tuple(r) for r in conn.execute(lookup.stmt, {**fixed, "keys": list(keys)})]
    sql = lookup.sql.format(marks=", ".join("?" * len(keys)))
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        raw = cursor.execute(sql, [*fixed.values(), *keys]).fetchall()
    finally:
        cursor.close()
    make = lookup.maker(conn.dialect)
    return [make(r) for r in raw]


def row_maker(width: int, readers: Sequence[tuple[int, Convert]]) -> RowMaker:
    """A function turning a driver's row of ``width`` values into the tuple of Python values,
    each ``(position, read)`` applied in order (an opener before its column's reader).
    Generated once per statement and dialect, as ``_record_maker`` is: one expression per row
    instead of a copy, a loop over its readers and another copy (a step reads its case's
    whole history)."""
    parts = [f"r[{i}]" for i in range(width)]
    scope: dict[str, object] = {}
    for n, (i, read) in enumerate(readers):
        scope[f"c{n}"] = read
        parts[i] = f"c{n}({parts[i]})"
    made: RowMaker = eval(f"lambda r: ({', '.join(parts)},)", scope)
    return made


def openers(
    dialect: Dialect, columns: Sequence[ColumnElement[Value]]
) -> tuple[tuple[int, Convert], ...]:
    """How the sealed columns among these are opened on this dialect, before their values
    are decoded as usual (an event's data that holds nothing sealed is left to the readers)."""
    out: list[tuple[int, Convert]] = []
    for i, column in enumerate(columns):
        kind = column.type
        if isinstance(kind, personal.Sealed):
            out.append((i, _sealed_reader(kind, dialect)))
        elif isinstance(kind, personal.EventData):
            out.append((i, _event_data_reader(dialect)))
    return tuple(out)


def _sealed_reader(kind: personal.Sealed, dialect: Dialect) -> Convert:
    def read(value: Value) -> Value:
        return kind.process_result_value(value, dialect)

    return read


def _event_data_reader(dialect: Dialect) -> Convert:
    def read(value: Value) -> Value:
        return personal.opened_text(value, dialect) or value

    return read


def column_list(columns: Sequence[ColumnElement[Value]]) -> str:
    """``table."column", ...`` for plain SQL over these columns."""
    return ", ".join(f'{c.table.name}."{c.name}"' for c in columns)
