"""Damaged rows (issue 15 point 7): stored values casework cannot read, found by case (or row),
column and what is wrong, so that ``audit verify`` reports them, listings skip them with a
warning and ``case show`` says what is damaged instead of one such row failing every read.

A value is damaged when the column's own type could not turn it into what casework reads:
JSON that does not parse or is not an object, a timestamp or a date that does not parse (or,
on PostgreSQL, that Python cannot hold: ``infinity``, a BC date, year 10,000), a NULL where
a value is expected, text in an integer column, a state or trigger the case's procedure does
not know, a sealed personal value that the key cannot open.

The columns are read as text (``CAST(... AS TEXT)``) so that no result processor runs, and
checked here with the parsing the column types use. On the demo year (16k cases, 300k events)
only the rows a cheap SQL test finds suspect are read at all: the SQL tests are wider than
the parsing (a timestamp not in casework's own form is suspect), the parsing decides.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Connection, Dialect

from casework.domain.replay import RECORDS, REGISTER
from casework.errors import CaseworkError, Damaged, DamagedRows, NotInitialised
from casework.storage.personal import SEALED, key_on, open_event_data
from casework.storage.tables import cases, documents, events, parties
from workflows import Registry
from workflows.spec import Workflow

Check = Literal["text", "int", "object", "event_data", "instant", "day", "sealed"]
T = TypeVar("T")
STREAM_BATCH = 2000
AUDIT_HINT = "（运行 casework audit verify 查看 run casework audit verify）"
SHOWN = 40  # characters of a damaged value said in a finding
_INTEGER = re.compile(r"-?[0-9]+")

# What each table's checked columns must hold (the same for both dialects).
CHECKS: dict[str, tuple[tuple[str, Check], ...]] = {
    "cases": (
        ("case_no", "text"),
        ("kind", "text"),
        ("office_code", "text"),
        ("title", "text"),
        ("state", "text"),
        ("version", "int"),
        ("year", "int"),
        ("seq", "int"),
        ("data", "object"),
        ("registered_at", "instant"),
        ("recorded_at", "instant"),
        ("updated_at", "instant"),
        ("registered_on", "day"),
    ),
    "events": (
        ("case_id", "int"),
        ("seq", "int"),
        ("trigger", "text"),
        ("to_state", "text"),
        ("actor", "text"),
        ("actor_role", "text"),
        ("hash", "text"),
        ("data", "event_data"),
        ("occurred_at", "instant"),
        ("recorded_at", "instant"),
        ("occurred_on", "day"),
    ),
    "parties": (
        ("case_id", "int"),
        ("ord", "int"),
        ("role", "text"),
        ("name", "text"),
        ("id_number", "sealed"),
        ("phone", "sealed"),
    ),
    "documents": (
        ("case_id", "int"),
        ("event_seq", "int"),
        ("kind", "text"),
        ("actor", "text"),
        ("occurred_at", "instant"),
        ("recorded_at", "instant"),
    ),
}
TABLES: dict[str, Table] = {
    "cases": cases,
    "events": events,
    "parties": parties,
    "documents": documents,
}


@dataclass(frozen=True, slots=True)
class Damage:
    """One damaged value: where it is (the case, or the row when no case is known), which
    column, and what is wrong with it (Chinese first, English beside)."""

    table: str
    row_id: int
    case_id: int | None
    case_no: str | None
    seq: int | None  # an event's sequence number, when it can be read
    column: str
    problem: str

    @property
    def where(self) -> str:
        """The case number, else the row: ``events id 123``."""
        return self.case_no or f"{self.table} id {self.row_id}"

    @property
    def in_column(self) -> str:
        """The column and the problem, without the event's number (an audit finding has its
        own): ``events.occurred_at: 时间无法解析 ...``."""
        return f"{self.table}.{self.column}: {self.problem}"

    @property
    def what(self) -> str:
        """The column and the problem: ``events.occurred_at 时间无法解析 ...``."""
        at = f" seq {self.seq}" if self.table == "events" and self.seq is not None else ""
        return f"{self.table}.{self.column}{at}: {self.problem}"

    def __str__(self) -> str:
        return f"{self.where} {self.what}"


@dataclass(frozen=True)
class DamageReport:
    """Every damaged value found, the cases they are in, and the damaged rows by table (a
    party's or a document's row whose own case id is damaged names no case)."""

    found: tuple[Damage, ...]
    case_ids: frozenset[int]
    row_ids: Mapping[str, frozenset[int]]

    def rows_of(self, table: str) -> frozenset[int]:
        return self.row_ids.get(table, frozenset())

    @property
    def case_numbers(self) -> list[str]:
        return sorted({d.case_no for d in self.found if d.case_no})


# -- what each kind of column must hold --------------------------------------------------


def shown(value: object) -> str:
    text = str(value)
    return repr(text[:SHOWN] + "…" if len(text) > SHOWN else text)


def _text(raw: str | None, _: Dialect, __: str) -> str | None:
    return "空值 (NULL where a value is expected)" if raw is None else None


def _int(raw: str | None, dialect: Dialect, column: str) -> str | None:
    if raw is None:
        return _text(raw, dialect, column)
    if _INTEGER.fullmatch(raw) is None:
        return f"不是整数 (not an integer): {shown(raw)}"
    return None


def _json_object(raw: str | None) -> tuple[object, str | None]:
    if raw is None:
        return None, "空值 (NULL where a JSON object is expected)"
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return None, f"不是有效的 JSON (not valid JSON): {shown(raw)}"
    if not isinstance(value, dict):
        return None, f"不是 JSON 对象 (not a JSON object): {shown(raw)}"
    return value, None


def _object(raw: str | None, _: Dialect, __: str) -> str | None:
    return _json_object(raw)[1]


def _event_data(raw: str | None, dialect: Dialect, _: str) -> str | None:
    value, problem = _json_object(raw)
    if problem is not None or raw is None or SEALED not in raw:
        return problem
    key = key_on(dialect)
    if key is None:
        return None  # no key: not damage, and every read that needs one says so itself
    try:
        open_event_data(value, key)
    except CaseworkError as exc:
        return exc.reason
    except (ValueError, TypeError, AttributeError, KeyError):
        return "更正中的个人信息无法解密 (a correction's sealed value cannot be opened)"
    return None


def _parsed(raw: str | None, parse: Callable[[str], object], english: str) -> str | None:
    what = "时间" if english == "timestamp" else "日期"
    if raw is None:
        return f"空值 (NULL where a {english} is expected)"
    try:
        parse(raw)
    except (ValueError, TypeError, AttributeError, OverflowError):
        return f"{what}无法解析 (not a valid {english}): {shown(raw)}"
    return None


@lru_cache(maxsize=64)
def _reader(column: str, dialect: Dialect, kind: type[date]) -> Callable[[str], object]:
    """How the column's type reads its stored text: on SQLite the type's own result
    processor; on PostgreSQL psycopg loads the native value, and what it cannot load
    (``infinity``, a BC date, year 10,000) Python's own parsing of its text refuses too."""
    if dialect.name == "sqlite":
        table, name = column.split(".")
        found = TABLES[table].c[name].type.dialect_impl(dialect).result_processor(dialect, None)
        if found is not None:
            return lambda raw: found(raw)
    return kind.fromisoformat


def _instant(raw: str | None, dialect: Dialect, column: str) -> str | None:
    return _parsed(raw, _reader(column, dialect, datetime), "timestamp")


def _day(raw: str | None, dialect: Dialect, column: str) -> str | None:
    return _parsed(raw, _reader(column, dialect, date), "date")


def _sealed(raw: str | None, dialect: Dialect, column: str) -> str | None:
    key = key_on(dialect)
    if raw is None or key is None:
        return None  # no key: not damage, and every read that needs one says so itself
    kind = column.split(".")[1]
    try:
        key.open(kind, raw)
    except CaseworkError as exc:
        return exc.reason
    except (ValueError, TypeError, UnicodeDecodeError):
        return f"个人信息 {kind} 无法解密 (the sealed value cannot be opened)"
    return None


CHECKERS: dict[Check, Callable[[str | None, Dialect, str], str | None]] = {
    "text": _text,
    "int": _int,
    "object": _object,
    "event_data": _event_data,
    "instant": _instant,
    "day": _day,
    "sealed": _sealed,
}


# -- the scan ------------------------------------------------------------------------------


def _v(value: object) -> BindParameter[Any]:
    """A constant of the scan written into its statement: a read may hold only so many bound
    parameters (tests/integration/test_bounded_reads.py), and these are casework's own."""
    return literal(value, literal_execute=True)


def _in(values: Collection[object]) -> BindParameter[Any]:
    return bindparam(None, list(values), expanding=True, literal_execute=True, unique=True)


def _sqlite_suspect(check: Check, col: ColumnElement[Any]) -> ColumnElement[bool] | None:
    """Wider than the parsing: a timestamp not in the form casework writes, a date SQLite
    itself would move (``2020-02-30``), anything but an integer in an integer column."""
    kind: ColumnElement[str] = func.typeof(col)
    if check == "int":
        return kind != _v("integer")
    if check in ("object", "event_data"):
        # json_type() fails on text that is not JSON: asked only of valid JSON.
        valid = func.json_valid(col) == _v(1)
        bad = case((valid, func.json_type(col) != _v("object")), else_=true())
        if check == "event_data":
            return or_(bad, cast(col, Text).like(_v(f"%{SEALED}%")))
        return bad
    # A modifier makes SQLite carry a day past the month's end (2020-02-30 is 03-01).
    if check == "instant":
        return or_(
            kind != _v("text"),
            func.length(col).not_in(_in([19, 26])),
            func.datetime(col, _v("+0 days")).is_distinct_from(func.substr(col, _v(1), _v(19))),
        )
    if check == "day":
        return or_(kind != _v("text"), func.date(col, _v("+0 days")).is_distinct_from(col))
    if check == "text":
        return col.is_(None)
    return None  # sealed values are opened, every one


def _pg_suspect(check: Check, col: ColumnElement[Any]) -> ColumnElement[bool] | None:
    """PostgreSQL's types hold only values of their kind: what psycopg cannot load into a
    Python value is what is suspect there (and any NULL or non-object JSON)."""
    if check in ("text", "int"):
        return col.is_(None)
    if check in ("object", "event_data"):
        bad = or_(col.is_(None), func.jsonb_typeof(col).is_distinct_from(_v("object")))
        if check == "event_data":
            return or_(bad, cast(col, Text).like(_v(f"%{SEALED}%")))
        return bad
    if check in ("instant", "day"):
        year = func.date_part(_v("year"), col)
        return or_(col.is_(None), not_(func.isfinite(col)), year < _v(2), year > _v(9998))
    return None


def triggers_of(wf: Workflow) -> list[str]:
    """The triggers an event of the procedure may name: its own, and every case's
    registration and records (documents, links, corrections)."""
    return sorted({REGISTER, *RECORDS, *(t.name for t in wf.triggers)})


def _known(registry: Registry, table: str) -> ColumnElement[bool]:
    """The rows whose state (and an event's trigger) the case's procedure knows."""
    known: list[ColumnElement[bool]] = []
    for wf in registry:
        states = [s.name for s in wf.states]
        if table == "cases":
            known.append(and_(cases.c.kind == _v(wf.name), cases.c.state.in_(_in(states))))
            continue
        known.append(
            and_(
                cases.c.kind == _v(wf.name),
                events.c.trigger.in_(_in(triggers_of(wf))),
                events.c.to_state.in_(_in(states)),
                or_(events.c.from_state.is_(None), events.c.from_state.in_(_in(states))),
            )
        )
    return or_(false(), *known)


@lru_cache(maxsize=32)
def _query(registry: Registry, table: str, dialect: str, one_case: bool) -> Any:
    """The scan of one table, built once per procedures, dialect and whether it reads one case
    (``:damage_case``): building it took longer than running it on one case."""
    t = TABLES[table]
    checks = CHECKS[table]
    suspect = _sqlite_suspect if dialect == "sqlite" else _pg_suspect
    tests = [s for name, check in checks if (s := suspect(check, t.c[name])) is not None]
    raw = [cast(t.c[name], Text).label(name) for name, _ in checks]
    if table == "cases":
        query = select(t.c.id, *raw).where(or_(*tests, not_(_known(registry, table))))
        return query.where(t.c.id == bindparam("damage_case")) if one_case else query
    query = select(
        t.c.id, cases.c.case_no.label("case_number"), cases.c.kind.label("case_kind"), *raw
    )
    query = query.select_from(t.outerjoin(cases, cases.c.id == t.c.case_id))
    if table == "events":
        query = query.add_columns(events.c.from_state)
        tests.append(not_(_known(registry, table)))
    if table == "parties":  # every sealed value is opened
        tests += [parties.c.id_number.is_not(None), parties.c.phone.is_not(None)]
    query = query.where(or_(*tests))
    return query.where(t.c.case_id == bindparam("damage_case")) if one_case else query


def _number(raw: object) -> int | None:
    return int(raw) if isinstance(raw, str) and _INTEGER.fullmatch(raw) else None


def _unknown(registry: Registry, table: str, row: Any) -> Iterator[tuple[str, str]]:
    """A state, or an event's trigger, that the case's procedure does not know."""
    kind = row.kind if table == "cases" else row.case_kind if table == "events" else None
    wf = registry.get(kind) if kind else None
    if wf is None:
        return
    states = {s.name for s in wf.states}
    named = ["state"] if table == "cases" else ["to_state", "from_state"]
    trigger = row.trigger if table == "events" else None
    if trigger is not None and trigger not in triggers_of(wf):
        yield "trigger", f"流程 {wf.name} 没有此步骤 (unknown trigger): {shown(trigger)}"
    for column in named:
        value = getattr(row, column)
        if value is not None and value not in states:
            yield column, f"流程 {wf.name} 没有此状态 (unknown state): {shown(value)}"


def _row_damage(registry: Registry, table: str, row: Any, dialect: Dialect) -> list[Damage]:
    problems = [
        (name, p)
        for name, check in CHECKS[table]
        if (p := CHECKERS[check](getattr(row, name), dialect, f"{table}.{name}")) is not None
    ]
    problems += list(_unknown(registry, table, row))
    if not problems:
        return []
    if table == "cases":
        case_id, case_no = row.id, row.case_no
    else:
        case_id, case_no = _number(row.case_id), row.case_number
    seq = _number(row.seq) if table == "events" else None
    return [Damage(table, row.id, case_id, case_no, seq, c, p) for c, p in problems]


def scan(conn: Connection, registry: Registry, case_id: int | None = None) -> DamageReport:
    """Every damaged value of the cases, events, parties and documents (of one case, with
    ``case_id``), read in a stream."""
    found: list[Damage] = []
    stream = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH)
    params = {} if case_id is None else {"damage_case": case_id}
    for table in TABLES:
        query = _query(registry, table, conn.dialect.name, case_id is not None)
        for row in stream.execute(query, params):
            found.extend(_row_damage(registry, table, row, conn.dialect))
    case_ids = frozenset(d.case_id for d in found if d.case_id is not None)
    row_ids = {t: frozenset(d.row_id for d in found if d.table == t) for t in TABLES}
    return DamageReport(tuple(found), case_ids, {t: ids for t, ids in row_ids.items() if ids})


S = TypeVar("S", bound=Any)


def undamaged(query: S, damage: DamageReport, case_column: Any = cases.c.id) -> S:
    """The query without the damaged cases (``case_column`` names the case, ``cases.id`` or
    a child table's ``case_id``) and without the damaged rows of that table (a row whose case
    id is damaged belongs to no case): reading them through the columns' types would fail."""
    if damage.case_ids:
        query = query.where(not_damaged(case_column, damage.case_ids))
    table = case_column.table
    if table is not cases and damage.rows_of(table.name):
        query = query.where(not_damaged(table.c.id, damage.rows_of(table.name)))
    return query


def not_damaged(column: Any, ids: Collection[int]) -> ColumnElement[bool]:
    """``column`` (a case's or an event's id) not among ``ids``."""
    # Written into the statement: however many rows are damaged, no limit of bound
    # parameters is reached, and only integers are ever written so.
    kept: ColumnElement[bool] = column.not_in(
        bindparam(
            f"damaged_{column.table.name}_{column.name}",
            sorted(ids),
            expanding=True,
            literal_execute=True,
        )
    )
    return kept


NO_DAMAGE = DamageReport((), frozenset(), {})
NAMED = 5  # case numbers a warning names


def skipped(damage: DamageReport) -> str:
    """The warning of a listing that left the damaged cases out: one line."""
    numbers = damage.case_numbers or [f"cases id {i}" for i in sorted(damage.case_ids)]
    named = "、".join(numbers[:NAMED]) + ("等" if len(numbers) > NAMED else "")
    n = len(damage.case_ids)
    return (
        f"警告 {n} 件案件的记录已损坏，已跳过：{named}{AUDIT_HINT}"
        f" ({n} damaged case{'s' if n > 1 else ''} skipped)"
    )


def skipping(
    conn: Connection, registry: Registry, read: Callable[[DamageReport], T]
) -> tuple[T, str | None]:
    """``read`` as it is; when a damaged row makes it fail, once more without the damaged
    cases, with the warning (also given as a :class:`DamagedRows` warning) naming them.

    The listing's own queries stay as fast as they were: the scan runs only after a failure.
    """
    try:
        return read(NO_DAMAGE), None
    except Exception as exc:
        if isinstance(exc, CaseworkError) and not isinstance(exc, NotInitialised):
            raise  # a refusal, not a row that cannot be read (a sealed one is NotInitialised)
        damage = scan(conn, registry)
        if not damage.case_ids:
            raise
    found = read(damage)
    warning = skipped(damage)
    warnings.warn(DamagedRows(warning), stacklevel=2)
    return found, warning


def case_refusal(
    conn: Connection, registry: Registry, case_id: int, case_no: str
) -> Damaged | None:
    """The refusal saying what of one case is damaged, or None when nothing is."""
    damage = scan(conn, registry, case_id)
    if not damage.found:
        return None
    listed = "；".join(d.what for d in damage.found[:NAMED])
    more = f"；另有 {len(damage.found) - NAMED} 处 (and more)" if len(damage.found) > NAMED else ""
    return Damaged(
        f"案件 {case_no} 的记录已损坏 (the case's record is damaged)：{listed}{more}{AUDIT_HINT}",
        field="case_no",
        value=case_no,
    )
