"""What a case's row, parties and documents must hold, derived from its hashed history alone.

The audit (casework.read.audit) compares the stored rows with this: whatever a statistic, a
listing or a payout reads from a case row (its office, title, data, registration day) is then
as trustworthy as the chain. A history recorded before its registration kept the case's facts
(casework.domain.facts) proves only what its events hold: ``facts`` is None and the office,
title, parties and data are not derived.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from casework.domain.facts import RESERVED, CaseFacts, facts_of
from casework.domain.model import Data, Document, Party
from casework.domain.replay import CORRECT, DOCUMENT, RECORDS
from casework.time.local import as_utc, local_date
from workflows.spec import Workflow


class StoredEvent(Protocol):
    """An event row as the audit reads it."""

    @property
    def seq(self) -> int: ...
    @property
    def trigger(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def recorded_at(self) -> datetime: ...
    @property
    def data(self) -> Mapping[str, Any] | None: ...
    @property
    def hash(self) -> str: ...


class Expected(NamedTuple):
    """The case as its history leaves it."""

    facts: CaseFacts | None  # as registered (None: a history older than the facts)
    title: str | None
    parties: tuple[Party, ...] | None
    data: dict[str, Any] | None
    registered_at: datetime
    registered_on: date
    recorded_at: datetime
    updated_at: datetime
    created_by: str
    version: int
    head_hash: str
    documents: tuple[Document, ...]


def values_of(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """An event's own values: its data without casework's keys."""
    return {k: v for k, v in (data or {}).items() if k not in RESERVED}


def expected(wf: Workflow, history: Sequence[StoredEvent]) -> Expected:
    """The row a history leads to; ``history`` is non-empty and starts with a registration."""
    first, last = history[0], history[-1]
    facts = facts_of(first.data or {})
    state = _Replayed(facts, values_of(first.data))
    for ev in history[1:]:
        state.take(wf, ev)
    registered = as_utc(first.occurred_at)
    return Expected(
        facts,
        state.title,
        tuple(state.parties) if facts is not None else None,
        state.data if facts is not None else None,
        registered,
        local_date(registered),
        as_utc(first.recorded_at),
        as_utc(last.recorded_at),
        first.actor,
        last.seq,
        last.hash,
        tuple(state.documents),
    )


class _Replayed:
    """The case's values as each event of its history leaves them."""

    def __init__(self, facts: CaseFacts | None, data: dict[str, Any]) -> None:
        self.title = facts.title if facts is not None else None
        self.parties = list(facts.parties) if facts is not None else []
        self.data = data
        self.documents: list[Document] = []

    def take(self, wf: Workflow, ev: StoredEvent) -> None:
        values = values_of(ev.data)
        if ev.trigger == DOCUMENT:
            self.documents.append(_document(ev, values))
        elif ev.trigger == CORRECT:
            self._correct(values.get("changes"))
        elif ev.trigger not in RECORDS:
            spec = wf.trigger(ev.trigger)
            if spec is not None:
                self.data.update(spec.case_values(values))

    def _correct(self, changes: object) -> None:
        """A correction's changes, each with the value it put in (corrections.py)."""
        for change in changes if isinstance(changes, list) else []:
            if not isinstance(change, Mapping):
                continue
            field, key, to = change.get("field"), str(change.get("key")), change.get("to")
            if field == "title":
                self.title = str(to)
            elif field == "data":
                self.data[key] = to
            elif field == "party":
                self._party(key, to)

    def _party(self, key: str, to: object) -> None:
        position, _, part = key.partition(".")
        if not position.isdigit() or not 1 <= int(position) <= len(self.parties):
            return
        n = int(position) - 1
        old = self.parties[n]
        new = to if isinstance(to, str) else None
        self.parties[n] = Party(
            old.role,
            new if part == "name" and new else old.name,
            new if part == "id_number" else old.id_number,
            new if part == "phone" else old.phone,
        )


def _document(ev: StoredEvent, values: Data) -> Document:
    def text(key: str) -> str | None:
        value = values.get(key)
        return None if value is None else str(value)

    return Document(
        kind=str(values.get("kind")),
        file_name=text("file_name"),
        sha256=text("sha256"),
        actor=ev.actor,
        occurred_at=as_utc(ev.occurred_at),
        recorded_at=as_utc(ev.recorded_at),
        event_seq=ev.seq,
    )
