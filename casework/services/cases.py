"""Use cases that change cases: register, advance, record a document, one or many at a time.

Each opens no transaction of its own: it works in the unit of work it is given, loads the cases
it needs through the repository (many at once for a batch), calls the domain's one step for each
item and saves the outcome. A batch names the item it refused (``第 3 步（共 5 步）``), and since
nothing is written before the unit of work ends, a refused item leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext

from casework.domain.checks import check_case_ref
from casework.domain.corrections import Correction, correct, masked
from casework.domain.model import Actor, Case
from casework.domain.policy import listing_scope
from casework.domain.repeats import matched, matter_text, similarity
from casework.domain.results import (
    AdvanceResult,
    DocumentResult,
    LinkResult,
    RegisterResult,
    RelatedCase,
    advanced,
    documented,
    linked,
    registered,
    related_view,
)
from casework.domain.steps import (
    DocumentStep,
    LinkStep,
    Registered,
    Registration,
    Step,
    Stepped,
    advance,
    record_document,
    record_link,
    register,
)
from casework.domain.text import clean_ref
from casework.errors import CaseworkError, NotFound
from casework.runtime import bulk_work
from casework.storage.uow import UnitOfWork
from workflows.spec import FieldSpec, Spawn, Workflow

Progress = Callable[[int], None]


@contextmanager
def numbered(n: int, total: int, what: str = "步") -> Iterator[None]:
    """Refusals inside name the item of a batch they refused (a lone item needs no number)."""
    try:
        yield
    except CaseworkError as exc:
        if total <= 1:
            raise
        raise item_of(exc, n, total, what) from None


def item_of(exc: CaseworkError, n: int, total: int, what: str = "步") -> CaseworkError:
    """The refusal naming the item of a batch it refused."""
    return exc.within(f"第 {n} {what}（共 {total} {what}）item {n} of {total}")


# From how many steps a batch runs with the collector slowed (casework.runtime).
BULK_STEPS = 1000


def take(uow: UnitOfWork, actor: Actor, step: Step, engine: bool = False) -> Stepped:
    """Fire one trigger in the unit of work, then what the law makes follow from it (a case
    spawned at another office, a step on the case that sent this one); the case after it and
    its event. With ``engine``, the step is itself such a consequence."""
    case = uow.cases.get(step.case_no)
    referred = _referred(uow, case, step)
    done = advance(case, step, actor, uow, engine)
    uow.cases.save(done)
    if done.repeated:
        return done
    trig = uow.machines.workflow(done.case.kind).trigger(done.event.trigger)
    if trig is None:
        return done
    for spec, other in referred:
        if spec.link is not None:
            uow.cases.link(case.case_no, other.case_no, spec.link[0])
            uow.cases.link(other.case_no, case.case_no, spec.link[1])
    for cascade in trig.then:
        if not cascade.holds(done.event.data):
            continue
        target = done.case.case_no if cascade.same_case else done.case.data.get(cascade.target)
        if target:
            follow = Step(str(target), cascade.trigger, at=done.event.occurred_at)
            then = take(uow, actor, follow, engine=True)
            if cascade.same_case:
                done = done._replace(case=then.case)  # the result shows where the case stands
    if trig.spawns is not None and done.event.data.get(trig.spawns.office_field):
        return done._replace(spawned=_spawn(uow, actor, trig.spawns, done))
    return done


def _referred(uow: UnitOfWork, case: Case, step: Step) -> list[tuple[FieldSpec, Case]]:
    """The cases a step's ``case_ref`` values name, each checked (another open case of the
    same procedure), before anything is recorded."""
    wf = uow.machines.workflow(case.kind)
    trig = wf.trigger_named(step.trigger)
    out: list[tuple[FieldSpec, Case]] = []
    for spec in trig.fields if trig is not None else ():
        raw = step.values.get(spec.name) if spec.kind == "case_ref" else None
        if raw is None or not raw.strip():
            continue
        try:
            other = uow.cases.get(raw.strip())
        except NotFound as exc:
            raise spec.refuse(f"：{exc.reason}", raw[:80]) from None
        ended = uow.machines.workflow(other.kind).state(other.state).terminal
        check_case_ref(spec, case, other, ended)
        out.append((spec, other))
    return out


def _spawn(uow: UnitOfWork, actor: Actor, spawn: Spawn, done: Stepped) -> Case:
    """The case a step creates at the office it names, registered on the step's date and
    linked both ways (信访工作条例 art. 22: a matter forwarded or assigned is registered there)."""
    case, event = done.case, done.event
    values = {k: str(v) for k in spawn.copy if (v := case.data.get(k)) is not None}
    values.update(origin=spawn.origin, parent_case=case.case_no, from_office=case.office)
    values.update({k: str(v) for k in spawn.carry if (v := event.data.get(k)) is not None})
    item = Registration(
        str(event.data[spawn.office_field]),
        case.title,
        uow.cases.parties_of(case),
        values,
        event.occurred_at,
        ref=f"spawn:{case.case_no}:{event.seq}",
    )
    new = register(uow.machines.workflow(case.kind), item, actor, uow, engine=True)
    uow.cases.add(new, case)
    return new.case


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
    guarded, papered = [], []
    for case_no, trigger, *_ in steps:
        case = uow.cases.find(case_no)
        if case is None:
            continue
        trig = uow.machines.workflow(case.kind).trigger_named(trigger)
        if trig is not None and (trig.guards or trig.acts or trig.derive):
            guarded.append(case_no)
        elif trig is not None and trig.needs:
            papered.append(case_no)
    uow.cases.load_files(guarded)
    uow.cases.load_papers(papered)


def take_many(
    uow: UnitOfWork, actor: Actor, steps: Sequence[Step], progress: Progress | None = None
) -> list[Stepped]:
    """Fire the steps in order, with the same checks and events as one at a time; a refusal
    names the step it refused."""
    if len(steps) > 1:
        prepare(uow, steps)
    out = []
    # Many steps in one unit of work are bulk work: their cases and events live until it ends.
    with bulk_work() if len(steps) >= BULK_STEPS else nullcontext():
        for n, step in enumerate(steps, start=1):
            # As ``numbered``, without a context manager per step.
            try:
                out.append(take(uow, actor, step))
            except CaseworkError as exc:
                if len(steps) <= 1:
                    raise
                raise item_of(exc, n, len(steps)) from None
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
    procedure naming the same person (repeat petitions, 同人同事), most alike first."""
    wf = uow.machines.workflow(kind)
    done = enter(uow, actor, wf.name, item, internal)
    found: list[RelatedCase] = []
    if related and not done.existing:
        found = related_cases(uow, actor, wf, done.case)
    return registered(wf, done, found)


def related_cases(uow: UnitOfWork, actor: Actor, wf: Workflow, case: Case) -> list[RelatedCase]:
    """The same person's other cases of the procedure, with the evidence (repeat detection)."""
    return related_view(wf, actor, case, uow.cases.related(wf.name, case))


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


def link_cases(uow: UnitOfWork, actor: Actor, step: LinkStep) -> LinkResult:
    """Record a person's finding on two cases (``case link``), with the evidence casework
    showed them: how the person matched and how alike the matters read (petition.md 1.2)."""
    case = uow.cases.get(step.case_no)
    try:
        other = uow.cases.get(step.other)
    except NotFound as exc:
        raise NotFound(exc.reason, field="other", value=step.other[:80]) from None
    how = matched(uow.cases.parties_of(case), uow.cases.parties_of(other)) or []
    alike = similarity(
        matter_text(case.title, case.data.get("request")),
        matter_text(other.title, other.data.get("request")),
    )
    done = record_link(case, other, step._replace(matched=tuple(how), similarity=alike), actor, uow)
    uow.cases.save(done)
    if not done.repeated:
        relation = str(done.event.data["relation"])
        uow.cases.link(case.case_no, other.case_no, relation)
        uow.cases.link(other.case_no, case.case_no, relation)
    wf = uow.machines.workflow(case.kind)
    return linked(wf, done)


def correct_case(uow: UnitOfWork, actor: Actor, step: Correction) -> AdvanceResult:
    """Correct a case's title, parties or registration values (更正), with a reason; the
    case row and its parties take the new values in this unit of work, with the event."""
    case = uow.cases.get(step.case_no)
    made = correct(case, uow.cases.parties_of(case), step, actor, uow)
    uow.cases.save(made.done)
    if not made.done.repeated:
        uow.cases.corrected(case.case_no, made.parties)
    out = advanced(uow.machines.workflow(case.kind), made.done)
    out["event"] = masked(out["event"])
    return out


def listing_office(uow: UnitOfWork, actor: Actor, office: str | None, what: str) -> str | None:
    """The office a bulk action covers (see ``domain.policy.listing_scope``), known to exist."""
    if office is not None and not uow.offices.exists(office):
        raise NotFound(f"未知单位 unknown office {office[:40]!r}", field="office", value=office)
    return listing_scope(actor, office, what)
