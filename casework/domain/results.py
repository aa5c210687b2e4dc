"""What a step returns, in the JSON shapes of the command-line contract (docs/cli.md).

These are TypedDicts: the keys are the contract, so the CLI prints them as they are and reads
them by typed key; the web's JSON API returns the same.
"""

from __future__ import annotations

from typing import TypedDict

from casework.domain.model import Case, Event
from casework.domain.replay import DOCUMENT, REGISTER
from casework.domain.steps import Registered, Stepped
from casework.time.local import local_iso
from workflows.spec import Workflow

STEP_LABELS = {REGISTER: "登记", DOCUMENT: "归入卷宗"}


class EventJSON(TypedDict):
    seq: int
    trigger: str
    trigger_label: str
    from_state: str | None
    to_state: str
    occurred_at: str
    recorded_at: str
    actor: str
    actor_role: str
    note: str | None
    data: dict[str, object]
    ref: str | None


class RelatedCase(TypedDict):
    case_no: str
    state: str
    state_label: str
    title: str


class RegisterResult(TypedDict):
    case_no: str
    kind: str
    office: str
    state: str
    state_label: str
    registered_at: str
    related: list[RelatedCase]
    existing: bool


class AdvanceResult(TypedDict):
    case_no: str
    kind: str
    office: str
    state: str
    state_label: str
    event: EventJSON
    repeated: bool


class DocumentJSON(TypedDict):
    kind: str | None
    label: str
    file_name: str | None
    sha256: str | None


class DocumentResult(AdvanceResult):
    document: DocumentJSON


def event_json(event: Event, wf: Workflow) -> EventJSON:
    """An event as the contract's JSON shape."""
    spec = wf.trigger(event.trigger)
    return EventJSON(
        seq=event.seq,
        trigger=event.trigger,
        trigger_label=spec.label if spec else STEP_LABELS.get(event.trigger, ""),
        from_state=event.from_state,
        to_state=event.to_state,
        occurred_at=local_iso(event.occurred_at),
        recorded_at=local_iso(event.recorded_at),
        actor=event.actor,
        actor_role=event.actor_role,
        note=event.note,
        data=dict(event.data),
        ref=event.ref,
    )


def advanced(wf: Workflow, done: Stepped) -> AdvanceResult:
    case = done.case
    return AdvanceResult(
        case_no=case.case_no,
        kind=wf.name,
        office=case.office,
        state=case.state,
        state_label=wf.state(case.state).label,
        event=event_json(done.event, wf),
        repeated=done.repeated,
    )


def documented(wf: Workflow, done: Stepped) -> DocumentResult:
    values = done.event.data
    kind = values.get("kind")
    name, digest = values.get("file_name"), values.get("sha256")
    base = advanced(wf, done)
    return DocumentResult(
        case_no=base["case_no"],
        kind=base["kind"],
        office=base["office"],
        state=base["state"],
        state_label=base["state_label"],
        event=base["event"],
        repeated=base["repeated"],
        document=DocumentJSON(
            kind=None if kind is None else str(kind),
            label=wf.documents.get(str(kind), ""),
            file_name=None if name is None else str(name),
            sha256=None if digest is None else str(digest),
        ),
    )


def registered(wf: Workflow, done: Registered, related: list[RelatedCase]) -> RegisterResult:
    case: Case = done.case
    return RegisterResult(
        case_no=case.case_no,
        kind=wf.name,
        office=case.office,
        state=case.state,
        state_label=wf.state(case.state).label,
        registered_at=local_iso(case.registered_at),
        related=related,
        existing=done.existing,
    )
