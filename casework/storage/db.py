"""Connections and transactions: SQLite in WAL mode with BEGIN IMMEDIATE, or PostgreSQL.

Every write runs as one transaction through :func:`run_write`, which commits only when the
whole unit of work succeeded and retries, within a bound, when other writers hold the lock.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from casework.errors import Conflict, DatabaseBusy, NotInitialised

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
# How long a write may keep retrying after SQLite's own busy wait gave up, in seconds.
WRITE_RETRY_BUDGET = 30.0
_WRITE = "casework_write"


def database_url(target: str) -> str:
    """A SQLAlchemy URL for a plain path (a SQLite file) or a URL given as is."""
    if "://" in target:
        return target
    return "sqlite+pysqlite:///" + os.path.abspath(os.path.expanduser(target))


def sqlite_path(url: str) -> str | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return parsed.database or None


def open_engine(target: str, *, must_exist: bool = True, durable: bool = True) -> Engine:
    """An engine for a path or URL; with ``must_exist`` a missing SQLite file is refused.

    ``durable=False`` (the demo's build, which is rebuilt rather than recovered) lets SQLite
    commit without waiting for the disk; the build makes the file durable when it ends
    (``make_durable``), and reads the pages it wrote through a memory map of the file instead
    of a copy per page read. A power cut during the build may damage the file, which the demo
    then replaces."""
    url = database_url(target)
    try:
        parsed = make_url(url)
    except Exception:
        raise NotInitialised(
            f"数据库 database {target[:200]!r} 既不是文件路径也不是数据库 URL", field="database"
        ) from None
    path = sqlite_path(url)
    if path is not None:
        if must_exist:
            require_sqlite_file(path)
        directory = os.path.dirname(path)
        if not must_exist and directory:
            os.makedirs(directory, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine, durable)
        if not must_exist and os.path.exists(path) and os.path.getsize(path) > 0:
            _refuse_foreign(engine, path)  # ``init`` on someone's file, not a database
        return _with_key(engine, path, must_exist)
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
    except Exception as exc:
        raise NotInitialised(
            f"无法使用数据库 database {target[:200]!r}：{exc}", field="database"
        ) from None
    return _with_key(engine, None, must_exist)


def require_sqlite_file(path: str) -> None:
    """Refuse a path that holds no database before SQLite opens it: opening an empty file
    would write a database header (and a WAL) into it, so a mistyped ``--db`` on a read would
    turn someone's file into a database. Only ``stat`` is used: opening and closing the file
    here would drop the POSIX locks of this process's own SQLite connections to it (SQLite's
    "How To Corrupt" 2.2); a foreign file SQLite refuses itself, without writing to it."""
    if not os.path.exists(path):
        raise NotInitialised(
            f"{path} 处没有数据库 (no database)；请先初始化 (casework init)", field="database"
        )
    if os.path.getsize(path) == 0:
        raise NotInitialised(
            f"{path} 是空文件 (an empty file)，不是 casework 的数据库；未作任何更改"
            " (nothing was written)",
            field="database",
        )


def _refuse_foreign(engine: Engine, path: str) -> None:
    """Refuse a file SQLite cannot open as a database; SQLite writes nothing to it then."""
    from sqlalchemy.exc import DatabaseError

    try:
        engine.connect().close()
    except DatabaseError as exc:
        engine.dispose()
        first = str(exc.orig).splitlines()[0] if exc.orig is not None else "?"
        raise NotInitialised(
            f"{path} 不是 SQLite 数据库 (not a SQLite database: {first})；未作任何更改",
            field="database",
        ) from None


def _with_key(engine: Engine, path: str | None, must_exist: bool) -> Engine:
    """The engine with its personal-data key (casework.storage.personal); one that may create
    its database (``init``, ``demo``) creates the key file too when there is no key yet."""
    from casework.storage import personal, personal_db

    personal.attach(engine, personal.load_key(path))
    if not must_exist:
        personal_db.ensure_key(engine, path)
    return engine


# A build's memory map: larger than the demo year's file (52 MB), far below the address space.
BUILD_MMAP_BYTES = 1 << 30


def _configure_sqlite(engine: Engine, durable: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself rather than pysqlite's implicit one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # FULL: a committed case step survives a power cut, not only a process crash.
        cur.execute(f"PRAGMA synchronous={'FULL' if durable else 'OFF'}")
        cur.execute("PRAGMA foreign_keys=ON")
        if not durable:
            cur.execute(f"PRAGMA mmap_size={BUILD_MMAP_BYTES}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write takes the lock at BEGIN so that two writers queue instead of deadlocking
        # on a lock upgrade, which SQLite reports as "database is locked".
        sql = "BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE, False) else "BEGIN"
        # On the driver itself: through Core, BEGIN cost a third of an empty transaction.
        try:
            conn.connection.dbapi_connection.execute(sql)  # type: ignore[union-attr]
        except sqlite3.Error as exc:  # as Core reports it, so that a busy database is retried
            raise OperationalError(sql, None, exc) from None


_KEY_CONSTRAINTS = ("uq_cases_ref", "uq_events_case_ref", "cases.ref", "events.ref")


# A case number handed out twice: only a counter set back behind casework's back does that
# (numbers are taken under the counter row's lock), so nothing is written and the audit says more.
_NUMBER_TAKEN = "case_no"


def number_taken() -> Conflict:
    return Conflict(
        "案件编号计数器低于已用的编号（被改动？），本次未作任何更改；请管理员运行 casework audit "
        "verify (the case number counter is below a number in use)",
        field="case_no",
    )


def _is_busy(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return any(
        marker in text
        for marker in (
            "database is locked",
            "database is busy",
            "could not serialize",
            "deadlock detected",
            "lock timeout",
        )
    )


def run_write(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run ``work`` in one write transaction: all of it commits, or none of it does.

    When other writers hold the database, wait and retry the whole unit within a bound,
    then refuse with a clear message; "database is locked" never reaches a user.
    """
    deadline = time.monotonic() + WRITE_RETRY_BUDGET
    delay = 0.01
    races = 0
    while True:
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(**{_WRITE: True})
                with conn.begin():
                    return work(conn)
        except (IntegrityError, sqlite3.IntegrityError) as exc:
            # Two writers raced to use the same idempotency key; on retry the unit of work
            # sees the winner's row and returns it. (SQLite's bulk path raises its driver's own.)
            reason = str(getattr(exc, "orig", exc))
            if _NUMBER_TAKEN in reason:
                raise number_taken() from None
            if races >= 3 or not any(k in reason for k in _KEY_CONSTRAINTS):
                raise
            races += 1
        except (OperationalError, DBAPIError) as exc:
            if not _is_busy(exc):
                raise
            if time.monotonic() > deadline:
                raise DatabaseBusy(
                    "数据库一直被其他写入占用，本次未作任何更改，请稍后再试"
                    " (the database stayed busy with other writers)"
                ) from None
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.5)


def make_durable(engine: Engine) -> None:
    """Write a SQLite database's WAL into the file and wait for the disk (after a build that
    did not wait at each commit)."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()  # outside any transaction, as these pragmas need
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()


def checkpoint(engine: Engine) -> None:
    """Copy a SQLite database's WAL into the file and truncate it, after a large write (an
    import of a ledger leaves a WAL as large as what it wrote, and every later command reads
    through it until SQLite's own checkpoints catch up). It does not wait for readers: one
    holding an older snapshot makes SQLite report busy and copy what it can, and the next
    checkpoint finishes the work."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()  # outside any transaction, as the checkpoint needs
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        try:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.close()
    finally:
        raw.close()


# Bound variables per statement, where the database does not say: well inside every driver's
# limit (SQLite's default is 32766, PostgreSQL's 65535).
MAX_CHUNK = 500


def chunk_size(conn: Connection) -> int:
    """How many values an ``IN`` list of this connection may hold, leaving room for a few more
    parameters: SQLite's own limit when it was lowered (``Connection.setlimit``), else 500."""
    if conn.dialect.name != "sqlite":
        return MAX_CHUNK
    raw = conn.connection.dbapi_connection
    getlimit = getattr(raw, "getlimit", None)
    if getlimit is None:
        return MAX_CHUNK
    import sqlite3

    limit = int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return max(1, min(MAX_CHUNK, limit - 8))


def in_chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    """``ids`` in slices of at most ``size`` (:func:`chunk_size`): an ``IN`` list never
    longer than a statement's bound parameters allow."""
    step = max(1, size)
    for start in range(0, len(ids), step):
        yield ids[start : start + step]


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection in a read transaction, so that a multi-query read sees one snapshot."""
    with engine.connect() as conn, conn.begin():
        yield conn


# What the drivers say when a write is refused for the file's or the role's permissions.
READ_ONLY = ("readonly database", "read-only", "permission denied", "insufficientprivilege")


def read_only(exc: BaseException) -> bool:
    """Whether ``exc`` is the database refusing a write: a file opened read-only, a role
    without the right (derived rows are then left as they are, and read around)."""
    said = f"{type(getattr(exc, 'orig', exc)).__name__} {exc}".lower()
    return any(words in said for words in READ_ONLY)
