"""The case model: who acts, a case, its parties, its events and its file, as typed values.

A :class:`Case` is what a step needs of a case: its number, procedure, office, state, version,
data, the head of its hash chain and the time of its last event. What a step needs less often,
its history, its documents and the events recorded under callers' keys, sits in its
:class:`CaseFile`, which loads them from storage on first use and keeps the events and documents
added since, so that a guard sees the steps taken earlier in the same batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, NamedTuple, TypeVar

from workflows.policy import covered_roles

# What a case's data holds: the values of its registration and steps (text, whole numbers).
Data = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Actor:
    """A user acting in casework: one role, one office (none for a city-wide admin)."""

    username: str
    name: str
    role: str
    office: str | None
    office_level: str  # "city" for city-level offices and for an admin without an office

    @property
    def city_wide(self) -> bool:
        """City-level users and admins see and act on every office's cases."""
        return self.role == "admin" or self.office_level == "city"

    @property
    def roles(self) -> frozenset[str]:
        """The roles this user acts in (an admin acts as a supervisor too)."""
        return covered_roles(self.role)

    def describe(self) -> str:
        return f"{self.username}（{self.role}，{self.office or '全市 city-wide'}）"


class Party(NamedTuple):
    """A party to a case; ID number and phone are personal data, masked on output."""

    role: str
    name: str
    id_number: str | None = None
    phone: str | None = None


class Event(NamedTuple):
    """One step of a case's history, written once and never changed."""

    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    actor: str
    actor_role: str
    occurred_at: datetime
    occurred_on: date
    recorded_at: datetime
    note: str | None
    data: Data
    hash: str
    ref: str | None = None
    # How the step reached casework (web | api | cli | import) and the OS account of the direct
    # CLI; set as the unit of work writes it, outside the hash (it says nothing of the case).
    channel: str | None = None
    os_user: str | None = None


class Document(NamedTuple):
    """A document of a case file (卷宗), recorded by the event ``event_seq``."""

    kind: str
    file_name: str | None
    sha256: str | None
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    event_seq: int


class Link(NamedTuple):
    """A link from a case to another (``origin``: the case it came from; ``successor``)."""

    kind: str
    case_no: str


T = TypeVar("T")


class Lazy(Generic[T]):
    """A value loaded on first use and then kept."""

    __slots__ = ("_load", "_value")

    def __init__(self, load: Callable[[], T] | None, value: T | None = None) -> None:
        self._load = load
        self._value = value

    def get(self) -> T:
        if self._load is not None:
            self._value, self._load = self._load(), None
        assert self._value is not None
        return self._value

    @property
    def loaded(self) -> bool:
        return self._load is None

    def set(self, value: T) -> None:
        """The value, known already (loaded with others), so never loaded."""
        self._value, self._load = value, None


class LinkedCase(NamedTuple):
    """A case linked to another (``same_matter``, ``origin`` ...), as a guard sees it; its
    history is read only when asked."""

    kind: str
    case_no: str
    case_kind: str
    state: str
    office: str
    data: Data
    history: Lazy[Sequence[Event]]

    def events(self) -> Sequence[Event]:
        return self.history.get()


NO_LINKS: Lazy[Sequence[LinkedCase]] = Lazy(None, ())


class CaseFile(NamedTuple):
    """A case's history, documents, refs and links: those stored, loaded when first asked
    for, and those added since the case was read. ``CaseFile.empty()`` is a new case's."""

    stored_events: Lazy[Sequence[Event]]
    stored_documents: Lazy[Sequence[Document]]
    find_ref: Callable[[str], Event | None] | None = None
    events_added: tuple[Event, ...] = ()
    documents_added: tuple[Document, ...] = ()
    stored_links: Lazy[Sequence[LinkedCase]] = NO_LINKS
    links_added: tuple[LinkedCase, ...] = ()
    # A stored case's parties, read when a guard first asks (two_sides at a later accept).
    stored_parties: Lazy[Sequence[Party]] = Lazy(None, ())

    @classmethod
    def empty(cls) -> CaseFile:
        return cls(Lazy(None, ()), Lazy(None, ()))

    def events(self) -> Sequence[Event]:
        stored = self.stored_events.get()
        return [*stored, *self.events_added] if self.events_added else stored

    def documents(self) -> Sequence[Document]:
        stored = self.stored_documents.get()
        return [*stored, *self.documents_added] if self.documents_added else stored

    def links(self) -> Sequence[LinkedCase]:
        stored = self.stored_links.get()
        return [*stored, *self.links_added] if self.links_added else stored

    def recorded(self, ref: str) -> Event | None:
        """The event recorded under a caller's key, stored or added since."""
        for event in self.events_added:
            if event.ref == ref:
                return event
        if self.find_ref is not None:
            return self.find_ref(ref)
        return next((e for e in self.stored_events.get() if e.ref == ref), None)

    def adding(
        self, event: Event, document: Document | None = None, link: LinkedCase | None = None
    ) -> CaseFile:
        docs = self.documents_added if document is None else (*self.documents_added, document)
        links = self.links_added if link is None else (*self.links_added, link)
        return CaseFile(
            self.stored_events,
            self.stored_documents,
            self.find_ref,
            (*self.events_added, event),
            docs,
            self.stored_links,
            links,
            self.stored_parties,
        )


class Case(NamedTuple):
    """A case as a step sees it. ``id`` is None until the case is stored.

    The model's values are named tuples: immutable like frozen dataclasses, and several times
    cheaper to make, which matters at one case and one event per step of every batch."""

    id: int | None
    case_no: str
    kind: str
    office: str
    title: str
    state: str
    version: int
    data: Data
    head_hash: str | None
    last_at: datetime  # when the event at ``version`` happened
    registered_at: datetime
    ref: str | None
    parties: tuple[Party, ...]
    file: CaseFile
    # When the event at ``version`` was recorded (None for a case being registered): the
    # next step is never recorded before it (casework.domain.checks.recorded_in_order).
    last_recorded: datetime | None = None
