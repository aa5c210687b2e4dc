"""Cases as they are shown: one case whole (``case show``), its history, and case listings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date

from sqlalchemy import ColumnElement, select, union_all
from sqlalchemy.engine import Connection

from casework.domain.acting import may_act
from casework.domain.corrections import kept_from, masked
from casework.domain.identity import mask_id, mask_phone
from casework.domain.model import Actor, Case, CaseFile, Document, Event, Lazy, Party
from casework.domain.policy import check_case_office, may_fire
from casework.domain.replay import RECORDS, REGISTER
from casework.domain.results import stored_event_json
from casework.domain.view import GuardView, guard_view
from casework.engine import Engine as Machines
from casework.errors import Damaged, InvalidData, NotAllowed, NotFound
from casework.read import law
from casework.read.damage import NO_DAMAGE, DamageReport, case_refusal, skipping, undamaged
from casework.read.due import Head, due_json, overdue
from casework.read.listing import NEWEST_FIRST, each_chunk
from casework.read.scope import (
    CONFIDENTIAL_NAME,
    AnyRow,
    AnySelect,
    at_least,
    at_office,
    may_reveal,
    own_office,
    procedures_visible,
    sent_to,
    withholding,
)
from casework.read.shapes import (
    CaseJSON,
    CaseRow,
    DataItem,
    DocumentRow,
    EventJSON,
    LinkRow,
    PartyJSON,
)
from casework.storage.db import chunk_size
from casework.storage.directory import require_office
from casework.storage.repository import event_of, links_loader
from casework.storage.tables import case_links, cases, documents, events, offices, parties
from casework.storage.world import StoredWorld
from casework.time.deadlines import most_pressing
from casework.time.local import as_utc, local_date, local_iso
from workflows import Registry
from workflows.spec import PARTY_ROLES, Workflow

# Keys of a case's data that no field declares, with their labels.
EXTRA_LABELS = {"origin_case": "来源案件"}


# What a listing row shows of a case (``head`` reads a row of these, by name).
LISTED_COLUMNS = (
    cases.c.id,
    cases.c.case_no,
    cases.c.kind,
    cases.c.office_code,
    cases.c.state,
    cases.c.title,
    cases.c.registered_at,
)


def party_view(row: AnyRow, reveal: bool, withheld: frozenset[str] = frozenset()) -> PartyJSON:
    """A party as output: ID number and phone masked unless revealing was allowed and asked;
    a party of a ``withheld`` role (a confidential caller, to the handling office) by role
    only, revealed or not."""
    if row.role in withheld:
        return PartyJSON(
            role=row.role,
            role_label=PARTY_ROLES.get(row.role, row.role),
            name=CONFIDENTIAL_NAME,
            id_number=None,
            phone=None,
        )
    return PartyJSON(
        role=row.role,
        role_label=PARTY_ROLES.get(row.role, row.role),
        name=row.name,
        id_number=row.id_number if reveal else mask_id(row.id_number),
        phone=row.phone if reveal else mask_phone(row.phone),
    )


def allowed_triggers(
    machines: Machines, wf: Workflow, view: GuardView, actor: Actor | None
) -> list[str]:
    """Trigger names this user may fire now, under the case's rules and from its office (the
    deciding office for a review); guards are checked when fired."""
    if actor is None:
        return []
    return [
        t.name
        for t in machines.triggers_from(wf, view.state, view.rules)
        if may_fire(actor, t, view.office, wf.name, view.data) and may_act(t, view, actor)
    ]


def data_view(wf: Workflow, data: Mapping[str, object]) -> list[DataItem]:
    """The case's data with Chinese labels for keys and for chosen values."""
    out: list[DataItem] = []
    for key, value in data.items():
        spec = wf.field(key)
        label = spec.label if spec else wf.numbered_labels.get(key) or EXTRA_LABELS.get(key, key)
        value_label = spec.choices.get(str(value)) if spec and spec.choices else None
        out.append(DataItem(key=key, label=label, value=value, value_label=value_label))
    return out


def case_row(conn: Connection, case_no: str, actor: Actor | None) -> AnyRow:
    """A case's row, or NotFound; a town user sees only their own office's cases."""
    row = conn.execute(select(cases).where(cases.c.case_no == case_no)).first()
    if row is None:
        raise NotFound(
            f"未知案件 unknown case {case_no[:80]!r}", field="case_no", value=case_no[:80]
        )
    if actor is not None:
        check_case_office(actor, row.office_code, row.case_no, row.kind, row.data)
    return row


def history_of(conn: Connection, case_id: int) -> list[Event]:
    rows = conn.execute(select(events).where(events.c.case_id == case_id).order_by(events.c.seq))
    return [event_of(r) for r in rows]


def documents_of(conn: Connection, case_id: int) -> list[Document]:
    rows = conn.execute(
        select(documents).where(documents.c.case_id == case_id).order_by(documents.c.id)
    )
    return [
        Document(
            d.kind,
            d.file_name,
            d.sha256,
            d.actor,
            as_utc(d.occurred_at),
            as_utc(d.recorded_at),
            d.event_seq,
        )
        for d in rows
    ]


def links_of(conn: Connection, case_id: int) -> list[LinkRow]:
    rows = conn.execute(
        select(case_links.c.kind, cases.c.case_no, cases.c.kind.label("case_kind"), cases.c.state)
        .select_from(case_links.join(cases, case_links.c.other_case_id == cases.c.id))
        .where(case_links.c.case_id == case_id)
        .order_by(case_links.c.id)
    )
    return [
        LinkRow(kind=r.kind, case_no=r.case_no, case_kind=r.case_kind, state=r.state) for r in rows
    ]


def document_row(wf: Workflow, d: Document) -> DocumentRow:
    return DocumentRow(
        kind=d.kind,
        label=wf.documents.get(d.kind, d.kind),
        file_name=d.file_name,
        sha256=d.sha256,
        occurred_at=local_iso(d.occurred_at),
        actor=d.actor,
        event_seq=d.event_seq,
    )


def domain_case(
    conn: Connection, row: AnyRow, history: Sequence[Event], papers: Sequence[Document]
) -> Case:
    """A stored case as the domain sees it, its file already read, its links on demand."""
    registered = as_utc(row.registered_at)
    people = conn.execute(
        select(parties.c.role, parties.c.name, parties.c.id_number, parties.c.phone)
        .where(parties.c.case_id == row.id)
        .order_by(parties.c.ord)
    )
    return Case(
        row.id,
        row.case_no,
        row.kind,
        row.office_code,
        row.title,
        row.state,
        row.version,
        row.data or {},
        row.head_hash,
        history[-1].occurred_at if history else registered,
        registered,
        row.ref,
        tuple(Party(*p) for p in people),
        CaseFile(Lazy(None, history), Lazy(None, papers), stored_links=links_loader(conn, row.id)),
    )


def damaged_or_raise(
    conn: Connection, registry: Registry, case_no: str, actor: Actor | None
) -> None:
    """After a read of one case failed: the refusal saying what of it is damaged, when its
    rows are (raised in place of the failure); else nothing, and the failure stands. The
    case's number and office are read as stored, so a town user learns only of their own."""
    row = conn.execute(
        select(cases.c.id, cases.c.office_code, cases.c.kind).where(cases.c.case_no == case_no)
    ).first()
    if row is None:
        return
    if actor is not None:  # the data may be what is damaged: no handler's view of it
        check_case_office(actor, row.office_code, case_no, row.kind)
    refusal = case_refusal(conn, registry, row.id, case_no)
    if refusal is not None:
        raise refusal


def looks_damaged(row: AnyRow, history: Sequence[Event], wf: Workflow) -> bool:
    """What reads without failing but no case casework wrote holds (data that is no object,
    a number that is text, a step or state the procedure does not have): checked on what was
    read already, so that a case is scanned for damage only when it looks damaged."""
    states = wf.state_names
    own = {REGISTER, *RECORDS}
    return (
        not isinstance(row.data, Mapping)
        or not isinstance(row.version, int)
        or any(
            not isinstance(e.seq, int)
            or not isinstance(e.data, Mapping)
            or e.to_state not in states
            or (e.from_state is not None and e.from_state not in states)
            or (e.trigger not in own and wf.trigger(e.trigger) is None)
            for e in history
        )
    )


def show_case(
    conn: Connection,
    machines: Machines,
    case_no: str,
    actor: Actor | None,
    reveal: bool = False,
    as_of: date | None = None,
) -> CaseJSON:
    """The whole case: data, parties, documents, links, allowed triggers, history, and the
    limits running on ``as_of`` with the rules the case follows; a damaged case is refused
    with what is damaged (casework.read.damage)."""
    try:
        return _shown(conn, machines, case_no, actor, reveal, as_of, NO_DAMAGE)
    except (NotFound, NotAllowed, Damaged):
        raise
    except Exception:
        damaged_or_raise(conn, machines.registry, case_no, actor)
    # The case reads, but a case it names (the same person's) is damaged: shown without it.
    found, warning = skipping(
        conn,
        machines.registry,
        lambda damage: _shown(conn, machines, case_no, actor, reveal, as_of, damage),
    )
    if warning is not None:
        found["warnings"] = [warning]
    return found


def _people(
    conn: Connection, machines: Machines, actor: Actor | None, row: AnyRow, reveal: bool
) -> tuple[list[PartyJSON], frozenset[str]]:
    """The case's parties as the user sees them, and the positions (1-based) of those kept
    from them (a confidential caller, to the handling office: casework.domain.policy)."""
    people = conn.execute(
        select(parties).where(parties.c.case_id == row.id).order_by(parties.c.ord)
    ).all()
    hidden = withholding(machines.registry, actor)(row.kind, row.office_code, row.data)
    positions = frozenset(str(i) for i, p in enumerate(people, 1) if p.role in hidden)
    return [party_view(p, reveal, hidden) for p in people], positions


def _shown(
    conn: Connection,
    machines: Machines,
    case_no: str,
    actor: Actor | None,
    reveal: bool,
    as_of: date | None,
    damage: DamageReport,
) -> CaseJSON:
    row = case_row(conn, case_no, actor)
    if reveal:
        may_reveal(actor, "案件")
    wf = machines.workflow(row.kind)
    office_name = conn.execute(
        select(offices.c.name).where(offices.c.code == row.office_code)
    ).scalar_one()
    people, positions = _people(conn, machines, actor, row, reveal)
    history, papers = history_of(conn, row.id), documents_of(conn, row.id)
    if looks_damaged(row, history, wf):
        damaged_or_raise(conn, machines.registry, case_no, actor)
    state = wf.state(row.state)
    world = StoredWorld(conn, machines.registry)
    case = domain_case(conn, row, history, papers)
    view = guard_view(case, world, actor=actor)
    result = CaseJSON(
        case_no=row.case_no,
        kind=row.kind,
        kind_label=wf.label,
        office=row.office_code,
        office_name=office_name,
        title=row.title,
        state=row.state,
        state_label=state.label,
        terminal=state.terminal,
        version=row.version,
        registered_at=local_iso(row.registered_at),
        data=dict(row.data or {}),
        data_view=data_view(wf, row.data or {}),
        parties=people,
        documents=[document_row(wf, d) for d in papers],
        links=links_of(conn, row.id),
        triggers=allowed_triggers(machines, wf, view, actor),
        due=None,
        history=[
            kept_from(masked(stored_event_json(e, wf), reveal), positions, CONFIDENTIAL_NAME)
            for e in history
        ],
    )
    law.add_law(conn, wf, case, view, result, damage.case_ids)
    if as_of is not None:
        found = law.limits(wf, case, history, world, as_of)
        result["limits"] = [d.as_json() for d in found]
        pressing = most_pressing(found)
        result["due"] = due_json(pressing) if pressing else None
    if wf.case_file is not None:
        result["missing_documents"] = wf.case_file(view)
    return result


def case_history(
    conn: Connection, machines: Machines, case_no: str, actor: Actor | None
) -> list[EventJSON]:
    """A case's events in order (a damaged case refused, as by ``show_case``)."""
    try:
        row = case_row(conn, case_no, actor)
        wf = machines.workflow(row.kind)
        _, kept = _people(conn, machines, actor, row, False)
        return [
            kept_from(masked(stored_event_json(e, wf)), kept, CONFIDENTIAL_NAME)
            for e in history_of(conn, row.id)
        ]
    except (NotFound, NotAllowed):
        raise
    except Exception:
        damaged_or_raise(conn, machines.registry, case_no, actor)
        raise


def state_names(registry: Registry, wf: Workflow | None, state: str) -> list[str]:
    """The stored state names a state filter means: a state of the procedure by name or
    Chinese label (refused when it has none); without a procedure, of any procedure."""
    if wf is not None:
        found = wf.state_named(state)
        if found is None:
            known = "、".join(f"{s.label} {s.name}" for s in wf.states)
            raise InvalidData(
                f"「{wf.label} {wf.name}」没有状态 {state[:40]!r}（可用：{known}）",
                field="state",
                value=state[:40],
            )
        return [found.name]
    named = {s.name for w in registry for s in (w.state_named(state),) if s is not None}
    return sorted(named) or [state]


def listed(case: Head, registry: Registry) -> CaseRow:
    """A case as a row of ``case list``."""
    wf = registry.get(case.kind)
    return CaseRow(
        case_no=case.case_no,
        kind=case.kind,
        office=case.office,
        state=case.state,
        state_label=wf.state(case.state).label if wf else case.state,
        title=case.title,
        registered_at=local_iso(case.registered_at),
        registered_on=local_date(case.registered_at).isoformat(),
    )


def head(r: AnyRow) -> Head:
    return Head(r.id, r.case_no, r.kind, r.office_code, r.state, r.title, as_utc(r.registered_at))


def case_listing(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    kind: str | None = None,
    state: str | None = None,
    office: str | None = None,
) -> AnySelect:
    """The query of a listing's cases (unordered): of a procedure, in a state, of an office,
    as the user may see them; a procedure, state or office that does not exist is refused."""
    filters, kept = listing_filters(conn, machines, actor, kind, state, office)
    return select(*LISTED_COLUMNS).where(*filters, *[at_office(o) for o in kept])


def listing_filters(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    kind: str | None,
    state: str | None,
    office: str | None,
) -> tuple[list[ColumnElement[bool]], list[str]]:
    """A listing's conditions but its offices', and the offices it is kept to (``at_office``
    each): the one asked for and a town user's own, once if they are the same."""
    wf = machines.workflow(kind) if kind is not None else None
    states = state_names(machines.registry, wf, state) if state is not None else None
    if office is not None:
        require_office(conn, office)
    filters: list[ColumnElement[bool]] = []
    if wf is not None:
        filters.append(cases.c.kind == wf.name)
    if states is not None:  # a few state names, one per procedure at most
        filters.append(cases.c.state.in_(states))
    filters += procedures_visible(actor)
    kept = list(dict.fromkeys(o for o in (office, own_office(actor)) if o is not None))
    return filters, kept


def newest_of_office(
    filters: Sequence[ColumnElement[bool]], office: str, limit: int, damage: DamageReport
) -> AnySelect:
    """The newest ``limit`` cases of an office's listing: the newest of its own and of those
    assigned to it, each part a seek of its index newest first (migration 0022), where the
    ``OR`` of ``at_office`` would walk every office's cases newest first to find its own."""
    parts = [
        undamaged(
            select(*LISTED_COLUMNS).where(*filters, part).order_by(*NEWEST_FIRST).limit(limit),
            damage,
        ).subquery()
        for part in (cases.c.office_code == office, sent_to(office))
    ]
    both = union_all(*(select(p) for p in parts)).subquery()
    return select(both).order_by(both.c.registered_at.desc(), both.c.id.desc()).limit(limit)


def each_case(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    kind: str | None = None,
    state: str | None = None,
    office: str | None = None,
) -> Iterator[CaseRow]:
    """Every case of the listing, newest first, read a chunk at a time (casework.read.listing):
    the filters are checked when called, the rows read as they are asked for; damaged cases
    are left out with a warning."""
    query = case_listing(conn, machines, actor, kind, state, office)
    registry = machines.registry

    def shown(r: AnyRow) -> CaseRow:
        return listed(head(r), registry)

    def rows() -> Iterator[CaseRow]:
        for chunk in each_chunk(conn, registry, query, chunk_size(conn), shown):
            yield from chunk

    return rows()


def list_cases(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    kind: str | None = None,
    state: str | None = None,
    office: str | None = None,
    limit: int | None = None,
    overdue_on: date | None = None,
    damage: DamageReport = NO_DAMAGE,
) -> list[CaseRow]:
    """Cases, newest first; a town user sees only their own office's; the ``damage``d cases
    left out (casework.read.damage.skipping). Every case without a ``limit``: a long listing
    is better read by :func:`each_case`.

    With ``overdue_on``, only the cases past an office deadline (超期) on that day, each with
    its ``due``.
    """
    if overdue_on is not None:
        return overdue_cases(conn, machines, actor, kind, state, office, limit, overdue_on, damage)
    filters, kept = listing_filters(conn, machines, actor, kind, state, office)
    at_least(limit, 1, "limit", "条数")
    if limit is not None and len(kept) == 1:
        query = newest_of_office(filters, kept[0], limit, damage)
    else:
        query = select(*LISTED_COLUMNS).where(*filters, *[at_office(o) for o in kept])
        query = undamaged(query.order_by(*NEWEST_FIRST).limit(limit), damage)
    registry = machines.registry
    return [listed(head(r), registry) for r in conn.execute(query)]


def overdue_cases(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    kind: str | None,
    state: str | None,
    office: str | None,
    limit: int | None,
    overdue_on: date,
    damage: DamageReport,
) -> list[CaseRow]:
    """``case list --overdue``: the cases past an office deadline on the day, with their
    ``due`` (casework.read.due)."""
    wf = machines.workflow(kind) if kind is not None else None
    registry = machines.registry
    states = state_names(registry, wf, state) if state is not None else None
    if office is not None:
        require_office(conn, office)
    at_least(limit, 1, "limit", "条数")
    name = wf.name if wf is not None else None
    late = overdue(conn, registry, overdue_on, name, office, actor, states, damage)
    out: list[CaseRow] = []
    for r in late[:limit] if limit is not None else late:
        row = listed(r.case, registry)
        row["due"] = due_json(r.due)
        out.append(row)
    return out
