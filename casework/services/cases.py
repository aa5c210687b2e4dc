"""Use cases that change cases: register, advance, record a document, one or many at a time.

Each opens no transaction of its own: it works in the unit of work it is given, loads the cases
it needs through the repository (many at once for a batch), calls the domain's one step for each
item and saves the outcome. A batch names the item it refused (``第 3 步（共 5 步）``), and since
nothing is written before the unit of work ends, a refused item leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from casework.domain.model import Actor
from casework.domain.policy import listing_scope
from casework.domain.results import (
    AdvanceResult,
    DocumentResult,
    RegisterResult,
    RelatedCase,
    advanced,
    documented,
    registered,
)
from casework.domain.steps import (
    DocumentStep,
    Registered,
    Registration,
    Step,
    Stepped,
    advance,
    record_document,
    register,
)
from casework.domain.text import clean_ref
from casework.errors import CaseworkError, NotFound
from casework.storage.uow import UnitOfWork

Progress = Callable[[int], None]


@contextmanager
def numbered(n: int, total: int, what: str = "步") -> Iterator[None]:
    """Refusals inside name the item of a batch they refused (a lone item needs no number)."""
    try:
        yield
    except CaseworkError as exc:
        if total <= 1:
            raise
        raise exc.within(f"第 {n} {what}（共 {total} {what}）item {n} of {total}") from None


def take(uow: UnitOfWork, actor: Actor, step: Step) -> Stepped:
    """Fire one trigger in the unit of work; the case after it and its event."""
    done = advance(uow.cases.get(step.case_no), step, actor, uow)
    uow.cases.save(done)
    return done


def advance_one(uow: UnitOfWork, actor: Actor, step: Step) -> AdvanceResult:
    """Fire one trigger in the unit of work."""
    done = take(uow, actor, step)
    return advanced(uow.machines.workflow(done.case.kind), done)


def prepare(uow: UnitOfWork, steps: Sequence[tuple[str, str] | Step]) -> None:
    """Read at once what a batch's steps will read one by one: their cases, the events
    recorded under their refs, and the history and file of the cases whose steps have guards.
    ``steps`` are steps, or (case number, trigger) pairs."""
    uow.cases.load(s[0] for s in steps)
    refs = [
        (s.case_no, ref)
        for s in steps
        if isinstance(s, Step) and (ref := _ref_or_none(s.ref)) is not None
    ]
    uow.cases.prefetch_refs(refs)
    guarded = []
    for case_no, trigger, *_ in steps:
        case = uow.cases.find(case_no)
        if case is None:
            continue
        trig = uow.machines.workflow(case.kind).trigger_named(trigger)
        if trig is not None and trig.guards:
            guarded.append(case_no)
    uow.cases.load_files(guarded)


def take_many(
    uow: UnitOfWork, actor: Actor, steps: Sequence[Step], progress: Progress | None = None
) -> list[Stepped]:
    """Fire the steps in order, with the same checks and events as one at a time; a refusal
    names the step it refused."""
    if len(steps) > 1:
        prepare(uow, steps)
    out = []
    for n, step in enumerate(steps, start=1):
        with numbered(n, len(steps)):
            out.append(take(uow, actor, step))
        if progress is not None:
            progress(n)
    return out


def advance_many(
    uow: UnitOfWork, actor: Actor, steps: Sequence[Step], progress: Progress | None = None
) -> list[AdvanceResult]:
    """Fire the steps in order, with the same checks and events as one at a time."""
    done = take_many(uow, actor, steps, progress)
    return [advanced(uow.machines.workflow(d.case.kind), d) for d in done]


def _ref_or_none(ref: str | None) -> str | None:
    try:
        return clean_ref(ref)
    except CaseworkError:
        return None  # refused at its own step, in order


def enter(
    uow: UnitOfWork, actor: Actor, kind: str, item: Registration, internal: bool = False
) -> Registered:
    """Register one case in the unit of work (or find the one registered under its ref)."""
    done = register(uow.machines.workflow(kind), item, actor, uow, internal)
    uow.cases.add(done, done.origin)
    return done


def register_one(
    uow: UnitOfWork,
    actor: Actor,
    kind: str,
    item: Registration,
    internal: bool = False,
    related: bool = True,
) -> RegisterResult:
    """Register one case in the unit of work; ``related`` lists earlier cases of the same
    procedure naming the same ID numbers (repeat petitions)."""
    wf = uow.machines.workflow(kind)
    done = enter(uow, actor, wf.name, item, internal)
    found: list[RelatedCase] = []
    ids = [p.id_number for p in done.case.parties if p.id_number]
    if related and ids and not done.existing:
        found = [
            RelatedCase(case_no=no, state=state, state_label=wf.state(state).label, title=title)
            for no, state, title in uow.cases.related(wf.name, done.case.case_no, ids)
        ]
    return registered(wf, done, found)


def register_many(
    uow: UnitOfWork,
    actor: Actor,
    kind: str,
    items: Sequence[Registration],
    progress: Progress | None = None,
    internal: bool = False,
) -> list[RegisterResult]:
    """Register the cases in order: all of them, or none if one is refused."""
    out = []
    for n, item in enumerate(items, start=1):
        with numbered(n, len(items), "件"):
            out.append(register_one(uow, actor, kind, item, internal))
        if progress is not None:
            progress(n)
    return out


def file_document(uow: UnitOfWork, actor: Actor, doc: DocumentStep) -> Stepped:
    """Record one document of a case file; the case after it and its event."""
    done = record_document(uow.cases.get(doc.case_no), doc, actor, uow)
    uow.cases.save(done)
    return done


def add_document(uow: UnitOfWork, actor: Actor, doc: DocumentStep) -> DocumentResult:
    """Record one document of a case file."""
    done = file_document(uow, actor, doc)
    return documented(uow.machines.workflow(done.case.kind), done)


def listing_office(uow: UnitOfWork, actor: Actor, office: str | None, what: str) -> str | None:
    """The office a bulk action covers (see ``domain.policy.listing_scope``), known to exist."""
    if office is not None and not uow.offices.exists(office):
        raise NotFound(f"未知单位 unknown office {office[:40]!r}", field="office", value=office)
    return listing_scope(actor, office, what)
