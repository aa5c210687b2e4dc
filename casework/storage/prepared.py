"""The single step's own statements, run on SQLite's driver with tuples of parameters.

Running a SQLAlchemy Core statement costs tens of microseconds of Python per call (its
execution context, events, parameter and result processing), several times what SQLite takes
to run a short indexed query; a step runs a handful of them. The statements here are built with
Core once, compiled for the connection's dialect the first time they run, and then sent as
plain SQL to the transaction's own DBAPI connection, their results converted as SQLAlchemy's
types would convert them (``casework.storage.bulk``: instants, dates, JSON, sealed personal
values). On PostgreSQL they run through Core as every other statement does, so both databases
return the same tuples of Python values.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Select
from sqlalchemy.engine import Connection, Dialect

from casework.storage import bulk, personal

Record = tuple[Any, ...]


class Compiled:
    """A statement as SQLite's driver takes it: its SQL, and for each ``?`` in order the name
    of its parameter and how its value is converted (None: as it is)."""

    __slots__ = ("converts", "names", "sql")

    def __init__(self, stmt: Select[Any], dialect: Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        names = tuple(compiled.positiontup or ())
        converts = []
        for name in names:
            param = compiled.binds[name]
            if isinstance(param.type, personal.Sealed | personal.BlindIndex | personal.EventData):
                raise TypeError(f"a personal value cannot be bound here: {name}")
            converts.append(bulk.converter(param))
        self.sql = str(compiled)
        self.names = names
        self.converts = tuple(converts)

    def params(self, values: dict[str, Any]) -> list[Any]:
        out = [values[n] for n in self.names]
        for i, convert in enumerate(self.converts):
            if convert is not None:
                out[i] = convert(out[i])
        return out


class Prepared:
    """A select run with named parameters, returning tuples in the order of its columns."""

    __slots__ = ("_compiled", "_makers", "columns", "stmt")

    def __init__(self, stmt: Select[Any]) -> None:
        self.stmt = stmt
        self.columns = tuple(stmt.selected_columns)
        # Per dialect: the key that opens sealed values hangs on the engine's dialect.
        self._compiled: WeakKeyDictionary[Dialect, Compiled] = WeakKeyDictionary()
        self._makers: WeakKeyDictionary[Dialect, bulk.RowMaker] = WeakKeyDictionary()

    def rows(self, conn: Connection, **params: Any) -> list[Record]:
        """All the rows, as tuples of Python values."""
        dialect = conn.dialect
        # Outside a transaction Core begins one (the read's snapshot); the driver would not.
        if dialect.name != "sqlite" or not conn.in_transaction():
            return [tuple(r) for r in conn.execute(self.stmt, params)]
        compiled = self._compiled.get(dialect)
        if compiled is None:
            compiled = self._compiled[dialect] = Compiled(self.stmt, dialect)
        driver = conn.connection.dbapi_connection
        assert driver is not None
        raw = driver.execute(compiled.sql, compiled.params(params)).fetchall()
        make = self._maker_on(dialect)
        return [make(r) for r in raw]

    def first(self, conn: Connection, **params: Any) -> Record | None:
        """The first row, or None."""
        found = self.rows(conn, **params)
        return found[0] if found else None

    def _maker_on(self, dialect: Dialect) -> bulk.RowMaker:
        found = self._makers.get(dialect)
        if found is None:
            readers = bulk.openers(dialect, self.columns) + bulk.readers_of(self.columns)
            found = self._makers[dialect] = bulk.row_maker(len(self.columns), readers)
        return found
