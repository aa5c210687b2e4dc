"""What a step returns, in the JSON shapes of the command-line contract (docs/cli.md).

These are TypedDicts: the keys are the contract, so the CLI prints them as they are and reads
them by typed key; the web's JSON API returns the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NotRequired, TypedDict

from casework.domain.facts import shown
from casework.domain.model import Actor, Case, Event
from casework.domain.policy import may_see
from casework.domain.repeats import Earlier, matter_text, similarity
from casework.domain.replay import CORRECT, DOCUMENT, LINK, REGISTER
from casework.domain.steps import Registered, Stepped
from casework.time.local import local_iso
from workflows.spec import LINK_RELATIONS, Workflow
from workflows.versions import pinned

STEP_LABELS = {REGISTER: "登记", DOCUMENT: "归入卷宗", LINK: "关联认定", CORRECT: "更正"}


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
    # A stored event's channel (web | api | cli | import; None before migration 0012 and for
    # the demo's simulated steps) and the direct CLI's OS account: in a case's history only.
    channel: NotRequired[str | None]
    os_user: NotRequired[str | None]


class RelatedCase(TypedDict):
    """An earlier case of the same person (repeat detection): another office's by its number,
    office and state only (no title, and no ``similarity``, which is read from its title and
    request); ``matched`` says how the person was recognised (``["id_number"]`` or
    ``["name", "phone"]``), ``similarity`` how alike the matters read."""

    case_no: str
    office: str
    state: str
    state_label: str
    title: str | None
    matched: list[str]
    similarity: float | None


class RegisterResult(TypedDict):
    case_no: str
    kind: str
    office: str
    state: str
    state_label: str
    registered_at: str
    related: list[RelatedCase]
    existing: bool
    rules: NotRequired[str | None]
    warnings: NotRequired[list[str]]


class AdvanceResult(TypedDict):
    case_no: str
    kind: str
    office: str
    state: str
    state_label: str
    event: EventJSON
    repeated: bool
    spawned: NotRequired[str]
    warnings: NotRequired[list[str]]


class LinkJSON(TypedDict):
    relation: str
    relation_label: str
    other: str
    matched: list[str]
    similarity: float | None


class LinkResult(AdvanceResult):
    link: LinkJSON


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
        data=shown(event.data),
        ref=event.ref,
    )


def stored_event_json(event: Event, wf: Workflow) -> EventJSON:
    """A stored event as the contract's JSON shape, with the channel it came through."""
    out = event_json(event, wf)
    out["channel"] = event.channel
    out["os_user"] = event.os_user
    return out


def advanced(wf: Workflow, done: Stepped) -> AdvanceResult:
    case = done.case
    out = AdvanceResult(
        case_no=case.case_no,
        kind=wf.name,
        office=case.office,
        state=case.state,
        state_label=wf.state(case.state).label,
        event=event_json(done.event, wf),
        repeated=done.repeated,
    )
    if done.spawned is not None:
        out["spawned"] = done.spawned.case_no
    if done.warnings:
        out["warnings"] = list(done.warnings)
    return out


def documented(wf: Workflow, done: Stepped) -> DocumentResult:
    values = done.event.data
    kind = values.get("kind")
    name, digest = values.get("file_name"), values.get("sha256")
    return DocumentResult(
        **advanced(wf, done),
        document=DocumentJSON(
            kind=None if kind is None else str(kind),
            label=wf.documents.get(str(kind), ""),
            file_name=None if name is None else str(name),
            sha256=None if digest is None else str(digest),
        ),
    )


def linked(wf: Workflow, done: Stepped) -> LinkResult:
    base = advanced(wf, done)
    values = done.event.data
    relation = str(values.get("relation", ""))
    raw = values.get("matched")
    alike = values.get("similarity")
    return LinkResult(
        **base,
        link=LinkJSON(
            relation=relation,
            relation_label=LINK_RELATIONS.get(relation, relation),
            other=str(values.get("other", "")),
            matched=[str(m) for m in raw] if isinstance(raw, list) else [],
            similarity=float(alike) if isinstance(alike, int | float) else None,
        ),
    )


def related_row(wf: Workflow, actor: Actor | None, text: str, e: Earlier) -> RelatedCase:
    """One earlier case as shown to this user (see ``related_view``)."""
    seen = may_see(actor, e.office)
    return RelatedCase(
        case_no=e.case_no,
        office=e.office,
        state=e.state,
        # A state the procedure does not know is a damaged row (casework.read.damage, named
        # by audit verify): shown as stored rather than refusing the case this one is beside.
        state_label=wf.state(e.state).label if e.state in wf.state_names else e.state,
        title=e.title if seen else None,
        matched=e.matched,
        similarity=similarity(text, matter_text(e.title, e.data.get("request"))) if seen else None,
    )


def related_view(
    wf: Workflow, actor: Actor | None, case: Case, earlier: Sequence[Earlier]
) -> list[RelatedCase]:
    """The same person's other cases with the evidence, most alike first: how the person
    matched and how alike the matters read. A town user sees another office's only by number,
    office and state (and how the person matched, which is their own input): a similarity
    would let them probe its title and request, so it is None, and those come last, by
    number (their place among the others would tell how alike they read)."""
    text = matter_text(case.title, case.data.get("request"))
    out = [related_row(wf, actor, text, e) for e in earlier]
    return sorted(
        out, key=lambda r: (r["similarity"] is None, -(r["similarity"] or 0.0), r["case_no"])
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
        rules=pinned(case.data),
        warnings=list(done.warnings),
    )
