"""案件查询 search: cases by number, party, ID number, phone, title words, kind, state, office
and registration dates, one page at a time with the total, in the order asked for.

A town user's search covers their own office only (as every listing does); another office
asked for by name is refused at the ``office`` field. ID numbers and phones match exactly on
their normalised value, through :func:`party_match` alone: by their blind index (a keyed
hash), as the columns themselves are sealed at rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal, NotRequired, TypedDict

from sqlalchemy import ColumnElement, and_, exists, func, not_, select, true
from sqlalchemy.engine import Connection

from casework.domain.identity import check_id_number, check_phone
from casework.domain.model import Actor
from casework.engine import Engine as Machines
from casework.errors import InvalidData, NotFound
from casework.read.damage import NO_DAMAGE, DamageReport, undamaged
from casework.read.scope import (
    CONFIDENTIAL_NAME,
    AnyRow,
    AnySelect,
    Withhold,
    at_least,
    at_office,
    check_period,
    office_scope,
    visible_to,
    withheld_parties,
    withholding,
)
from casework.read.shapes import CaseRow
from casework.read.views import LISTED_COLUMNS, head, listed, state_names
from casework.storage.db import chunk_size, in_chunks
from casework.storage.tables import cases, parties
from workflows.spec import Workflow

if TYPE_CHECKING:  # the export's writers are loaded only by a download (start-up stays small)
    from casework.read.export import Table, View

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
# The most cases a search counts (and pages through): past it, the total says "10,000 or
# more" and a narrower search finds the rest (issue 18 point 2: a count over a million cases
# took seconds).
COUNT_CAP = 10_000
SORTS = ("registered", "case_no", "state")
PartyKey = Literal["id_number", "phone"]


class SearchRow(CaseRow):
    """A row of the search: the case as ``case list`` shows it, and its parties' names."""

    parties: list[str]


class SearchJSON(TypedDict):
    """One page of a search: its rows and where it stands among them all."""

    total: int
    page: int
    pages: int
    size: int
    sort: str
    descending: bool
    rows: list[SearchRow]
    # More than ``total`` were found: a search is counted up to COUNT_CAP cases only.
    total_capped: NotRequired[bool]
    warnings: NotRequired[list[str]]  # damaged cases left out (casework.read.damage)


@dataclass(frozen=True)
class SearchFilter:
    """What a search asks for; every criterion given must hold (words of the title too)."""

    case_no: str | None = None
    party: str | None = None  # a name, or part of one
    id_number: str | None = None
    phone: str | None = None
    title: str | None = None  # words, each somewhere in the title
    kind: str | None = None
    state: str | None = None
    office: str | None = None
    start: date | None = None  # registered on or after
    end: date | None = None  # registered on or before
    sort: str = "registered"
    descending: bool = True


TEXTS = ("case_no", "party", "id_number", "phone", "title", "kind", "state", "office")


def given(text: str | None) -> str | None:
    """A criterion as typed, without surrounding blanks; None when left empty."""
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def check_texts(f: SearchFilter) -> None:
    """A criterion holding a control character (NUL, ESC...) is refused at its field: no
    stored text holds one, and PostgreSQL refuses a NUL in a query outright."""
    for name in TEXTS:
        value = getattr(f, name)
        if value is not None and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise InvalidData(
                f"查询条件 {name} 含有控制字符 (a control character in the search)",
                field=name,
                value=value[:40].encode("unicode_escape").decode(),
            )


def normalised(key: PartyKey, value: str) -> str:
    """An ID number or phone as stored (upper-case X, no blanks); a malformed one is refused
    at its field, since an exact match could never find it."""
    try:
        return check_id_number(value) if key == "id_number" else check_phone(value)
    except InvalidData as exc:
        raise InvalidData(exc.reason, field=key, value=exc.value) from None


def party_match(key: PartyKey, value: str) -> ColumnElement[bool]:
    """The condition on ``parties`` of a party whose ID number or phone is ``value`` (already
    normalised): by its blind index, which stores the keyed hash of the value it is compared
    with (the sealed columns themselves can never match a clear value)."""
    column = parties.c.id_number_index if key == "id_number" else parties.c.phone_index
    matched: ColumnElement[bool] = column == value
    return matched


def like(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """``text`` anywhere in the column, ignoring case; ``%`` and ``_`` typed are literal.
    Text without cased letters (Chinese, digits) is matched as it is: lower-casing every
    title costs a third of a search's time on PostgreSQL and changes nothing for it."""
    if text.lower() == text.upper():
        return column.contains(text, autoescape=True)
    return func.lower(column).contains(text.lower(), autoescape=True)


def party_conditions(
    f: SearchFilter, withheld: ColumnElement[bool] | None = None, dense: bool = False
) -> list[ColumnElement[bool]]:
    """One condition per party criterion: each may be met by a different party of the case
    (the applicant's name, the respondent's phone), but not by a party the user is kept
    from (``withheld``: a confidential caller is not found by the handler either).

    The cases are found from their parties (``IN``: one pass over the parties' names, the
    cases then looked up by id), which is quick however few match; ``dense``, when very many
    do, each case is asked for such a party as the cases are read newest first (``EXISTS``),
    and a page is found after a few of them."""
    found: list[ColumnElement[bool]] = []
    name = given(f.party)
    if name is not None:
        found.append(like(parties.c.name, name))
    keys: tuple[PartyKey, ...] = ("id_number", "phone")
    for key in keys:
        value = given(getattr(f, key))
        if value is not None:
            found.append(party_match(key, normalised(key, value)))
    kept = [] if withheld is None else [not_(withheld)]
    out: list[ColumnElement[bool]] = []
    for c in found:
        if not dense:
            out.append(cases.c.id.in_(select(parties.c.case_id).where(c)))
        if dense or kept:  # a withheld party is told by its case: asked of each candidate
            out.append(exists().where(parties.c.case_id == cases.c.id, c, *kept))
    return out


def procedure(machines: Machines, kind: str) -> Workflow:
    """The procedure a kind filter names; an unknown one is a bad filter value (422), not a
    missing resource."""
    try:
        return machines.workflow(kind)
    except NotFound as exc:
        raise InvalidData(exc.reason, field="kind", value=exc.value) from None


def case_conditions(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    f: SearchFilter,
    dense: bool = False,
) -> list[ColumnElement[bool]]:
    """The filter as conditions on ``cases``, checked first: a kind or state the procedures
    do not know, an office the user may not see, or a period ending before it starts."""
    check_texts(f)
    check_period(f.start, f.end, "登记日期")
    out: list[ColumnElement[bool]] = []
    kind = given(f.kind)
    wf = procedure(machines, kind) if kind is not None else None
    if wf is not None:
        out.append(cases.c.kind == wf.name)
    state = given(f.state)
    if state is not None:
        out.append(cases.c.state.in_(state_names(machines.registry, wf, state)))
    office = office_scope(conn, actor, given(f.office), "案件")
    if office is not None:
        out.append(at_office(office))
    out.extend(visible_to(actor))
    number = given(f.case_no)
    if number is not None:
        out.append(like(cases.c.case_no, number))
    for word in (f.title or "").split():
        out.append(like(cases.c.title, word))
    if f.start is not None:
        out.append(cases.c.registered_on >= f.start)
    if f.end is not None:
        out.append(cases.c.registered_on <= f.end)
    return out + party_conditions(f, withheld_parties(machines.registry, actor), dense)


def ordered(query: AnySelect, f: SearchFilter) -> AnySelect:
    """The search's order; ties by registration and id, so pages never overlap."""
    if f.sort not in SORTS:
        raise InvalidData(
            f"排序 sort {f.sort[:20]!r} 应为 {'、'.join(SORTS)} 之一 (unknown order)",
            field="sort",
            value=f.sort[:20],
        )
    keys = {
        "registered": [cases.c.registered_at, cases.c.id],
        "case_no": [cases.c.case_no],
        "state": [cases.c.state, cases.c.registered_at, cases.c.id],
    }[f.sort]
    return query.order_by(*[k.desc() if f.descending else k.asc() for k in keys])


def names_of(
    conn: Connection, ids: Sequence[int], withhold: Withhold | None = None
) -> dict[int, list[str]]:
    """The parties' names of a page's cases, in their order on each case; a party the user
    is kept from (``withhold``: a confidential caller, to the handling office) by a mark.
    Asked for a chunk of the cases at a time (casework.storage.db.chunk_size)."""
    by_case: dict[int, list[str]] = {}
    for chunk in in_chunks(ids, chunk_size(conn)):
        for p in conn.execute(
            select(parties.c.case_id, parties.c.role, parties.c.name)
            .add_columns(cases.c.kind, cases.c.office_code, cases.c.data)
            .join(cases, cases.c.id == parties.c.case_id)
            .where(parties.c.case_id.in_(chunk))
            .order_by(parties.c.case_id, parties.c.ord)
        ):
            kept = withhold is not None and p.role in withhold(p.kind, p.office_code, p.data)
            by_case.setdefault(p.case_id, []).append(CONFIDENTIAL_NAME if kept else p.name)
    return by_case


def counted(conn: Connection, where: ColumnElement[bool], damage: DamageReport) -> int:
    """How many cases the search finds, counted up to one past ``COUNT_CAP``: a search that
    finds half a city's million cases is not counted to its end."""
    found = undamaged(select(cases.c.id).where(where), damage).limit(COUNT_CAP + 1)
    return int(conn.execute(select(func.count()).select_from(found.subquery())).scalar_one())


def first_found(
    conn: Connection,
    where: ColumnElement[bool],
    damage: DamageReport,
    f: SearchFilter,
    page: int,
    size: int,
) -> tuple[int, list[AnyRow]]:
    """How many cases the search finds (up to one past ``COUNT_CAP``) and the page among them,
    in one statement: the cases are looked for once (a search by name reads the parties'
    names once) and the page sorted from at most ``COUNT_CAP + 1`` of them. When they are more,
    the page is of some of them only, and looked for again (:func:`search`)."""
    found = undamaged(select(cases.c.id).where(where), damage).limit(COUNT_CAP + 1).cte("found")
    total = select(func.count()).select_from(found).scalar_subquery().label("found_count")
    query = select(*LISTED_COLUMNS, total).where(cases.c.id.in_(select(found.c.id)))
    rows = list(conn.execute(ordered(query, f).limit(size).offset((page - 1) * size)).all())
    if rows:
        return int(rows[0].found_count), rows
    return (0 if page == 1 else counted(conn, where, damage)), []


def search(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    f: SearchFilter,
    page: int = 1,
    size: int = PAGE_SIZE,
    damage: DamageReport = NO_DAMAGE,
) -> SearchJSON:
    """One page of the cases the filter finds, with how many it finds in all (at most
    ``COUNT_CAP``, with ``total_capped`` when there are more); the ``damage``d cases left out
    (casework.read.damage.skipping). A page past the last is empty, and not looked for."""
    at_least(page, 1, "page", "页码")
    at_least(size, 1, "size", "每页条数")
    size = min(size, MAX_PAGE_SIZE)
    where = and_(true(), *case_conditions(conn, machines, actor, f))
    found_in_all, found = first_found(conn, where, damage, f, page, size)
    total, capped = min(found_in_all, COUNT_CAP), found_in_all > COUNT_CAP
    if capped:  # the page was of some 10,001 of them: found again among them all, in order
        found = []
        if (page - 1) * size < total:  # the offset is bounded by the cap: 10,000 rows at most
            where = and_(*case_conditions(conn, machines, actor, f, dense=True))
            query = ordered(undamaged(select(*LISTED_COLUMNS).where(where), damage), f)
            skipped = (page - 1) * size  # and the last page ends at the cap
            found = list(conn.execute(query.limit(min(size, total - skipped)).offset(skipped)))
    names = names_of(conn, [r.id for r in found], withholding(machines.registry, actor))
    rows = [
        SearchRow(**listed(head(r), machines.registry), parties=names.get(r.id, [])) for r in found
    ]
    out = SearchJSON(
        total=total,
        page=page,
        pages=max(1, -(-total // size)),
        size=size,
        sort=f.sort,
        descending=f.descending,
        rows=rows,
    )
    if capped:
        out["total_capped"] = True
    return out


def export_rows(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    f: SearchFilter,
    columns: Sequence[str],
    view: View,
) -> Table:
    """Every case the filter finds, in the search's order, as the export's rows (personal
    data masked): the download of a search is ``casework export`` of exactly these cases."""
    where = and_(*case_conditions(conn, machines, actor, f))
    from casework.read.export import stream_cases

    query = ordered(select(cases).where(where), f)
    withhold = withholding(machines.registry, actor)
    return stream_cases(conn, query, columns, view, withhold)
