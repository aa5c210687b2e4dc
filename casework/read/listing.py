"""Listings read a chunk at a time (issue 18 point 2): cases newest first, each chunk a query
of its own that starts after the last row read (keyset paging, never an offset), so that
memory stays flat and each chunk is a seek into the index of (registration time, id) however
many cases there are. No cursor stays open between chunks, and the lookups a chunk needs (its
cases' parties) are bounded by the chunk.

A chunk that cannot be read because a row is damaged is read again without the damaged cases
(casework.read.damage), found once for the whole listing and said once as a warning."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.engine import Connection

from casework.errors import CaseworkError, DamagedRows, NotInitialised
from casework.read.damage import NO_DAMAGE, DamageReport, scan, skipped, undamaged
from casework.read.scope import AnyRow, AnySelect
from casework.storage.tables import cases
from workflows import Registry

T = TypeVar("T")

# Newest first, ties by id: the order of every listing, and of the index that serves it.
NEWEST_FIRST = (cases.c.registered_at.desc(), cases.c.id.desc())


def after(registered_at: datetime, case_id: int) -> ColumnElement[bool]:
    """The cases after (older than) the one at ``(registered_at, case_id)``, newest first.

    Written as a range on the registration time with the ties filtered, not as ``a < x OR
    (a = x AND id < y)`` alone: both SQLite and PostgreSQL seek the index to the range's
    end, where an OR of two ranges would be read from the index's start."""
    older: ColumnElement[bool] = and_(
        cases.c.registered_at <= registered_at,
        or_(cases.c.registered_at < registered_at, cases.c.id < case_id),
    )
    return older


def each_chunk(
    conn: Connection,
    registry: Registry,
    query: AnySelect,
    size: int,
    shown: Callable[[AnyRow], T],
) -> Iterator[list[T]]:
    """The rows of ``query`` (selecting ``cases.id`` and ``cases.registered_at``, unordered),
    newest first, ``size`` at a time, each as ``shown`` makes it; damaged cases left out once
    one is found (in the rows or in making them): the chunk that failed is read again without
    them, with one warning for the listing."""
    damage = NO_DAMAGE
    last: AnyRow | None = None
    while True:
        page = query if last is None else query.where(after(last.registered_at, last.id))
        page = page.order_by(*NEWEST_FIRST).limit(size)
        (rows, made), damage = read_past_damage(conn, registry, damage, reader(conn, page, shown))
        if made:
            yield made
        if len(rows) < size:
            return
        last = rows[-1]


def reader(
    conn: Connection, query: AnySelect, shown: Callable[[AnyRow], T]
) -> Callable[[DamageReport], tuple[list[AnyRow], list[T]]]:
    """The rows of ``query`` without the damaged cases given, and each as ``shown`` makes it."""

    def read(damage: DamageReport) -> tuple[list[AnyRow], list[T]]:
        rows = list(conn.execute(undamaged(query, damage)).all())
        return rows, [shown(r) for r in rows]

    return read


def read_past_damage(
    conn: Connection,
    registry: Registry,
    damage: DamageReport,
    read: Callable[[DamageReport], T],
) -> tuple[T, DamageReport]:
    """``read`` without the ``damage``d cases; when a damaged row makes it fail and none were
    known yet, the database is scanned once, the read done again without what it found, and
    the warning given (casework.read.damage.skipping, for a read of many parts)."""
    try:
        return read(damage), damage
    except Exception as exc:
        if isinstance(exc, CaseworkError) and not isinstance(exc, NotInitialised):
            raise  # a refusal, not a row that cannot be read
        if damage.case_ids:
            raise  # the damage was left out already: something else failed
        found = scan(conn, registry)
        if not found.case_ids:
            raise
    done = read(found)
    warnings.warn(DamagedRows(skipped(found)), stacklevel=2)
    return done, found
