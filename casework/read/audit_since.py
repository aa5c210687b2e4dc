"""``audit verify --anchor FILE --since-anchor``: which cases changed since the anchor, so that
only those are walked (chain, replay, every derived column) while every anchored case is still
held to its anchored head (casework.read.anchor_check).

A case is changed when the anchor does not name it (registered since, or slipped in), when its
row's version or head hash is not the anchored one (a step taken since, or a row edited), or
when an event was appended to it since (an event id above the anchor's last one, whatever the
case row says). None of these reads a time a row says of itself: a row edited outside casework
can say any time, while the anchor is signed and kept away from the database, and event ids
only grow (events are append-only, migration 0015).

What this does not walk, the full ``audit verify`` does: the rows of a case unchanged by these
tests, edited in place outside casework with the anchored version and head left as they were
(a state, a party, a document; an event's content only past the append-only triggers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.storage.tables import cases, events

STREAM_BATCH = 5000


def changed_cases(conn: Connection, doc: Mapping[str, Any]) -> list[int]:
    """The ids of the cases changed since the anchor ``doc`` (checked already), in order."""
    # The anchor's own leaves, by number: no copy of their versions and heads.
    anchored: dict[str, list[Any]] = {leaf[0]: leaf for leaf in doc["leaves"]}
    stream = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH)
    changed: set[int] = set()
    rows = stream.execute(select(cases.c.id, cases.c.case_no, cases.c.version, cases.c.head_hash))
    for case_id, case_no, version, head in rows:
        leaf = anchored.get(case_no)
        if leaf is None or leaf[1] != version or leaf[2] != head:
            changed.add(int(case_id))
    appended = stream.execute(
        select(events.c.case_id).where(events.c.id > int(doc["last_event_id"])).distinct()
    )
    # A case id that is not an integer is damage, which the damage scan reports.
    changed.update(case_id for (case_id,) in appended if isinstance(case_id, int))
    return sorted(changed)
