"""What several figures of one computation read alike, read once.

A year's statistics ask for the claims approved for the year's quarters three times (the
claims counted, their amounts after the cap, those priced from the example scale): each of
those sources is a function of the connection and the period, written to stand alone. Inside
``reading_once()`` (one computation, one read of the database) a call made again with the same
arguments returns what the first returned; outside it, every call reads afresh, so a figure
never sees what an earlier command, or an earlier write, left behind.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from sqlalchemy.engine import Connection

from casework.domain.model import Event
from casework.storage.repository import histories_of

T = TypeVar("T")

_READ: ContextVar[dict[Hashable, Any] | None] = ContextVar("casework_read_once", default=None)


@contextmanager
def reading_once() -> Iterator[None]:
    """A computation's span: calls of ``once`` inside it share their results (a nested span is
    the outer one's)."""
    if _READ.get() is not None:
        yield
        return
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def once(key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, or, inside ``reading_once`` and asked before with this key, what it returned
    then. The key names everything the result depends on (the connection included); the
    result is shared, and its readers do not change it."""
    read = _READ.get()
    if read is None:
        return make()
    if key not in read:
        read[key] = make()
    return cast(T, read[key])


# Past this many cases a computation's histories are not kept for the next source: a period of
# many years reads them source by source, as it would without sharing, rather than holding all.
HISTORIES_KEPT = 200_000


def shared_histories(conn: Connection, ids: Sequence[int], size: int) -> dict[int, list[Event]]:
    """``histories_of``: the events of these cases, by case id, in order; inside
    ``reading_once``, a case whose history an earlier source of the computation read is not
    read again (the petitions of a year are routed, due, replied and rated in it: four
    sources, mostly the same cases)."""
    read = _READ.get()
    if read is None:
        return histories_of(conn, ids, size)
    kept: dict[int, list[Event]] = read.setdefault(("histories", conn), {})
    missing = [i for i in ids if i not in kept]
    found = histories_of(conn, missing, size) if missing else {}
    if len(kept) + len(missing) <= HISTORIES_KEPT:
        kept.update((i, found.get(i, [])) for i in missing)
    out: dict[int, list[Event]] = {}
    for i in ids:
        history = found.get(i) or kept.get(i)
        if history:
            out[i] = history
    return out
