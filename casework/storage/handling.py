"""The office a case is assigned to now (派单, ``workflows.policy.HANDLER_KEY`` in its data) as
one SQL expression, written the same in the index of migration 0022 and in the queries that
read it: SQLite and PostgreSQL use an index on an expression only for a query that writes
that very expression, its key a literal (a bound ``?`` is not the same expression).

On SQLite the data is looked into only when it is valid JSON: an index on ``json_extract``
alone would refuse to store (or, in the migration, to index) a case whose data is damaged,
which casework reads around (casework.read.damage) rather than fails on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from workflows.policy import HANDLER_KEY

# The index's own text (migration 0022), by dialect: the expression without a table name.
INDEXED = {
    "sqlite": f"CASE WHEN json_valid(data) THEN json_extract(data, '$.{HANDLER_KEY}') END",
    "postgresql": f"(data ->> '{HANDLER_KEY}')",
}


class handling_office(FunctionElement[str]):
    """``handling_office(cases.c.data)``: the text of the data's handling office, or NULL."""

    type = String()
    inherit_cache = True
    name = "handling_office"


@compiles(handling_office, "sqlite")
def _sqlite(element: handling_office, compiler: SQLCompiler, **kw: Any) -> str:
    data = compiler.process(element.clauses, **kw)
    return f"CASE WHEN json_valid({data}) THEN json_extract({data}, '$.{HANDLER_KEY}') END"


@compiles(handling_office, "postgresql")
def _postgresql(element: handling_office, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} ->> '{HANDLER_KEY}')"
