"""What the subsidy's rules and listings read: the facts of many mediation cases at once, the
cases archived in a quarter and a quarter's claims.

Facts are gathered for a whole set of cases in a few queries, each ``IN`` list cut to the
database's limit on bound variables (:func:`casework.storage.db.chunk_size`): the events, the
documents, whether each mediator is registered, and the claims of each case and of the cases
linked to it (the same dispute). Both ``subsidy check`` and ``subsidy draft`` use them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, bindparam, select
from sqlalchemy.engine import Connection

from casework.domain.model import Case, CaseFile, Event, Lazy
from casework.domain.subsidy import CLAIM_KIND, Facts
from casework.domain.view import guard_view
from casework.domain.world import World
from casework.storage import bulk
from casework.storage.committees import Committee
from casework.storage.db import chunk_size
from casework.storage.repository import chunks, documents_of, histories_of
from casework.storage.tables import case_links, cases, committees, events, parties, users
from casework.storage.world import StoredWorld
from casework.time.calendar import Calendar
from casework.time.local import as_utc
from casework.time.periods import Quarter
from workflows import Registry, default_registry
from workflows.settings import SettingValue
from workflows.spec import Workflow
from workflows.subsidy_claim import COMMITTEE_TYPES, SAME_PARTIES_DAYS
from workflows.subsidy_claim import WORKFLOW as CLAIM_WORKFLOW

MEDIATION = "mediation"


@dataclass(frozen=True)
class Claim:
    """A subsidy claim (a ``subsidy_claim`` case) of a quarter."""

    id: int
    case_no: str
    office: str
    state: str
    data: Mapping[str, object]


def archived_in(conn: Connection, quarter: Quarter, office: str | None = None) -> list[str]:
    """Mediation cases with an ``archive`` event inside the quarter, by case number."""
    query = (
        select(cases.c.case_no)
        .join(events, events.c.case_id == cases.c.id)
        .where(
            cases.c.kind == MEDIATION,
            events.c.trigger == "archive",
            events.c.occurred_on.between(quarter.first_day, quarter.last_day),
        )
    )
    if office is not None:
        query = query.where(cases.c.office_code == office)
    return sorted({r.case_no for r in conn.execute(query)})


def numbered_for(first_year: int, last_year: int) -> ColumnElement[bool]:
    """Claims for quarters of these years, as a range of the unique case number (an index
    search over those years' claims, not over every claim ever drafted). A claim carries its
    quarter's year, BZ-{year}-{office}-{seq} (mediation.md 3, numbering); one drafted before
    that rule carries the year it was drafted in, never before its quarter, at the latest
    (drafted within a year of it) the next: the range reaches one year further."""
    prefix = CLAIM_WORKFLOW.prefix
    # Bounds of the year alone (no character after it) order the same in any collation.
    return and_(
        cases.c.case_no >= f"{prefix}-{first_year}-", cases.c.case_no < f"{prefix}-{last_year + 2}-"
    )


def claims_in(
    conn: Connection, quarter: Quarter, states: Sequence[str], office: str | None = None
) -> list[Claim]:
    """The quarter's claims in the given states, by case number."""
    query = (
        select(cases.c.id, cases.c.case_no, cases.c.office_code, cases.c.state, cases.c.data)
        .where(
            # By number, not by kind or state: the year's claims, not every claim ever drafted.
            _no_index(cases.c.kind) == CLAIM_KIND,
            numbered_for(quarter.year, quarter.year),
            _no_index(cases.c.state).in_(list(states)),
            cases.c.ref.like(f"%@{quarter}"),
        )
        .order_by(cases.c.case_no)
    )
    if office is not None:
        query = query.where(cases.c.office_code == office)
    return [
        Claim(r.id, r.case_no, r.office_code, r.state, r.data or {}) for r in conn.execute(query)
    ]


def facts_for(
    conn: Connection, case_nos: Iterable[str], registry: Registry | None = None
) -> dict[str, Facts]:
    """The facts of each of these mediation cases, by case number; unknown numbers and cases
    of other procedures are left out."""
    reg = registry or default_registry()
    wf = reg.get(MEDIATION)
    size = chunk_size(conn)
    stored = _cases(conn, sorted(set(case_nos)), size)
    ids = [c.id for c in stored if c.id is not None]
    history = histories_of(conn, ids, size)
    papers = documents_of(conn, ids, size)
    linked = _linked_mediation(conn, ids, size)
    world = DailySettings(StoredWorld(conn, reg))
    same = same_parties(conn, stored, history, linked, size, world)
    claim_ids = {*ids, *(other for pairs in linked.values() for other, _ in pairs)}
    claim_ids.update(other for found in same.values() for other, _ in found)
    claims = _claims_of(conn, sorted(claim_ids), size)
    types = _committee_types_of(
        conn, sorted({str(c.data["committee"]) for c in stored if c.data.get("committee")}), size
    )
    out: dict[str, Facts] = {}
    for c in stored:
        case_id = c.id or 0
        steps = history.get(case_id, [])
        case = Case(
            *c[:9],
            steps[-1].occurred_at if steps else c.registered_at,
            *c[10:13],
            CaseFile(Lazy(None, steps), Lazy(None, papers.get(case_id, []))),
        )
        out[c.case_no] = Facts(
            case_no=c.case_no,
            case_id=case_id,
            state=c.state,
            data=dict(c.data),
            events=steps,
            missing_documents=_missing(wf, case, world),
            mediator_ok=False,
            own_claims=claims.get(case_id, []),
            linked_claims=[
                (other_no, claim_no, state)
                for other, other_no in linked.get(case_id, [])
                for claim_no, state in claims.get(other, [])
            ],
            linked=[other_no for _, other_no in linked.get(case_id, [])],
            same_party_claims=[
                (other_no, claim_no, state)
                for other, other_no in same.get(case_id, [])
                for claim_no, state in claims.get(other, [])
            ],
            committee_type=types.get(str(c.data["committee"])) if c.data.get("committee") else None,
            committee_types=_committee_types(world, steps),
        )
    payees = sorted({f.payee for f in out.values() if f.payee})
    registered = _registered_mediators(conn, payees, size)
    return {no: replace(f, mediator_ok=f.payee in registered) for no, f in out.items()}


class DailySettings:
    """A world whose dated settings are read once per key and day: the facts of a quarter's
    claims ask the same few settings on the same few days for every case (the rest is the
    stored world's, read once by it)."""

    def __init__(self, world: StoredWorld) -> None:
        self._world = world
        self._values: dict[tuple[str, date], SettingValue] = {}

    def calendar(self) -> Calendar:
        return self._world.calendar()

    def setting(self, key: str, day: date) -> SettingValue:
        if (key, day) not in self._values:
            self._values[(key, day)] = self._world.setting(key, day)
        return self._values[(key, day)]

    def parent(self, office: str, day: date) -> str | None:
        return self._world.parent(office, day)

    def level(self, office: str, day: date) -> int | None:
        return self._world.level(office, day)

    def office_kind(self, code: str) -> str | None:
        return self._world.office_kind(code)

    def committee_of(self, username: str, day: date) -> str | None:
        return self._world.committee_of(username, day)

    def committee_info(self, code: str) -> Committee | None:
        return self._world.committee_info(code)

    def user_attributes(self, username: str) -> Mapping[str, str]:
        return self._world.user_attributes(username)


def _committee_types_of(conn: Connection, codes: Sequence[str], size: int) -> dict[str, str]:
    """The type of each of these committees that exists: only the few the cases name, not the
    whole table, which the facts of each office's quarter would otherwise read again."""
    out: dict[str, str] = {}
    for part in chunks(codes, size):
        query = select(committees.c.code, committees.c.type).where(committees.c.code.in_(part))
        out.update({code: kind for code, kind in conn.execute(query)})
    return out


def _committee_types(world: World, steps: Sequence[Event]) -> frozenset[str] | None:
    """The committee types subsidised on the case's archive day (None: every type)."""
    archived = next((e for e in reversed(steps) if e.trigger == "archive"), None)
    if archived is None:
        return None
    value = world.setting(COMMITTEE_TYPES, archived.occurred_on)
    return value if isinstance(value, frozenset) else None


def _sides(rows: Iterable[tuple[str, str]]) -> tuple[set[str], set[str]]:
    """The ID numbers of a case's two sides: respondents, and everyone else (applicants)."""
    ours: set[str] = set()
    theirs: set[str] = set()
    for role, id_number in rows:
        (theirs if role == "respondent" else ours).add(id_number)
    return ours, theirs


def _accepted(steps: Sequence[Event]) -> date | None:
    return next((e.occurred_on for e in steps if e.trigger == "accept"), None)


def same_parties(
    conn: Connection,
    stored: Sequence[Case],
    history: Mapping[int, Sequence[Event]],
    linked: Mapping[int, Sequence[tuple[int, str]]],
    size: int,
    world: World,
) -> dict[int, list[tuple[int, str]]]:
    """For each case, the other mediation cases (not linked to it) sharing an ID number on
    each side, of the same dispute type, accepted within the look-back (a dated setting, on
    the case's acceptance day): (id, case number)."""
    ids = [c.id for c in stored if c.id is not None]
    own = _party_ids(conn, ids, size)
    numbers = sorted({n for rows in own.values() for _, n in rows})
    if not numbers:
        return {}
    others: dict[int, list[tuple[str, str]]] = {}
    info: dict[int, tuple[str, str]] = {}
    for part in chunks(numbers, size):
        query = (
            select(parties.c.case_id, parties.c.role, parties.c.id_number, cases.c.case_no)
            .join(cases, cases.c.id == parties.c.case_id)
            # The kind as an expression: SQLite then looks the numbers up in their index
            # instead of walking every mediation case (ten times slower in a year of them).
            .where(parties.c.id_number_index.in_(part), _no_index(cases.c.kind) == MEDIATION)
            # The order that walk gave, on either database.
            .order_by(cases.c.registered_on, cases.c.id, parties.c.id)
        )
        for case_id, role, id_number, case_no in conn.execute(query):
            others.setdefault(case_id, []).append((role, id_number))
            info[case_id] = (case_no, "")
    other_ids = sorted(set(others) - set(ids))
    accepted = {i: _accepted(h) for i, h in history.items()}
    types = {c.id: str(c.data.get("dispute_type") or "") for c in stored}
    for case_id, (case_no, data_type, on) in _other_cases(conn, other_ids, size).items():
        info[case_id] = (case_no, data_type)
        accepted[case_id] = on
    for c in stored:
        if c.id is not None:
            info[c.id] = (c.case_no, types[c.id])
    out: dict[int, list[tuple[int, str]]] = {}
    for case_id, rows in own.items():
        a, r = _sides(rows)
        on = accepted.get(case_id)
        if on is None or not a or not r:
            continue
        days = world.setting(SAME_PARTIES_DAYS, on)
        window = int(days) if isinstance(days, int) else 365
        skip = {case_id, *(o for o, _ in linked.get(case_id, []))}
        for other, their in others.items():
            if other in skip or info[other][1] != info[case_id][1]:
                continue
            oa, orr = _sides(their)
            other_on = accepted.get(other)
            if other_on is None or abs((other_on - on).days) > window:
                continue
            if (a & oa and r & orr) or (a & orr and r & oa):
                out.setdefault(case_id, []).append((other, info[other][0]))
    return out


def _party_ids(conn: Connection, ids: Sequence[int], size: int) -> dict[int, list[tuple[str, str]]]:
    """The (role, ID number) of each of these cases' parties that have an ID number."""
    own: dict[int, list[tuple[str, str]]] = {}
    for part in chunks(ids, size):
        query = select(parties.c.case_id, parties.c.role, parties.c.id_number).where(
            parties.c.case_id.in_(part), parties.c.id_number.is_not(None)
        )
        for case_id, role, id_number in conn.execute(query):
            own.setdefault(case_id, []).append((role, id_number))
    return own


def _other_cases(
    conn: Connection, ids: Sequence[int], size: int
) -> dict[int, tuple[str, str, date | None]]:
    """Other mediation cases' numbers, dispute types and acceptance days."""
    out: dict[int, tuple[str, str, date | None]] = {}
    for part in chunks(ids, size):
        rows = conn.execute(
            select(cases.c.id, cases.c.case_no, cases.c.data).where(cases.c.id.in_(part))
        )
        for case_id, case_no, data in rows:
            out[case_id] = (case_no, str((data or {}).get("dispute_type") or ""), None)
        accepts = conn.execute(
            select(events.c.case_id, events.c.occurred_on)
            .where(events.c.case_id.in_(part), events.c.trigger.concat("") == "accept")
            .order_by(events.c.case_id, events.c.seq)
        )
        for case_id, on in accepts:
            no, kind, first = out[case_id]
            if first is None:
                out[case_id] = (no, kind, on)
    return out


def _no_index(column: ColumnElement[str]) -> ColumnElement[str]:
    """The column as an expression (``|| ''``), which no index serves: the lookup then starts
    from the case ids asked for instead of from every case of a kind (which SQLite, without
    table statistics, would pick)."""
    return column.concat("")


_CASE_COLUMNS = (
    cases.c.id,
    cases.c.case_no,
    cases.c.office_code,
    cases.c.title,
    cases.c.state,
    cases.c.version,
    cases.c.data,
    cases.c.head_hash,
    cases.c.registered_at,
)
_CASES = bulk.Lookup(
    select(*_CASE_COLUMNS).where(
        _no_index(cases.c.kind) == MEDIATION,
        cases.c.case_no.in_(bindparam("keys", expanding=True)),
    ),
    f"SELECT {bulk.column_list(_CASE_COLUMNS)} FROM cases "
    f"WHERE cases.kind || '' = '{MEDIATION}' AND cases.case_no IN ({{marks}})",
    _CASE_COLUMNS,
)
_MEDIATORS = bulk.Lookup(
    select(users.c.username).where(
        users.c.username.in_(bindparam("keys", expanding=True)),
        users.c.role == "mediator",
        users.c.active.is_(True),
    ),
    "SELECT users.username FROM users WHERE users.role = 'mediator' AND users.active = 1 "
    "AND users.username IN ({marks})",
    (users.c.username,),
)
_OTHER = cases.alias("other")
_LINKED = bulk.Lookup(
    select(case_links.c.case_id, _OTHER.c.id, _OTHER.c.case_no)
    .select_from(case_links.join(_OTHER, _OTHER.c.id == case_links.c.other_case_id))
    .where(
        case_links.c.case_id.in_(bindparam("keys", expanding=True)),
        _no_index(_OTHER.c.kind) == MEDIATION,
    )
    .order_by(case_links.c.case_id, case_links.c.id),
    "SELECT case_links.case_id, other.id, other.case_no FROM case_links "
    "JOIN cases AS other ON other.id = case_links.other_case_id "
    f"WHERE case_links.case_id IN ({{marks}}) AND other.kind || '' = '{MEDIATION}' "
    "ORDER BY case_links.case_id, case_links.id",
    (case_links.c.case_id, _OTHER.c.id, _OTHER.c.case_no),
)
_CLAIM = cases.alias("claim")
_CLAIMS = bulk.Lookup(
    select(case_links.c.case_id, _CLAIM.c.case_no, _CLAIM.c.state)
    .join(_CLAIM, _CLAIM.c.id == case_links.c.other_case_id)
    .where(
        case_links.c.case_id.in_(bindparam("keys", expanding=True)),
        _no_index(_CLAIM.c.kind) == CLAIM_KIND,
    ),
    "SELECT case_links.case_id, claim.case_no, claim.state FROM case_links "
    "JOIN cases AS claim ON claim.id = case_links.other_case_id "
    f"WHERE case_links.case_id IN ({{marks}}) AND claim.kind || '' = '{CLAIM_KIND}'",
    (case_links.c.case_id, _CLAIM.c.case_no, _CLAIM.c.state),
)


def _cases(conn: Connection, case_nos: Sequence[str], size: int) -> list[Case]:
    """The stored mediation cases of these numbers (their files not read yet)."""
    out: list[Case] = []
    for part in chunks(case_nos, size):
        for row in bulk.select_in(conn, _CASES, part):
            case_id, case_no, office, title, state, version, data, head, registered = row
            at = as_utc(registered)
            out.append(
                Case(
                    case_id,
                    case_no,
                    MEDIATION,
                    office,
                    title,
                    state,
                    version,
                    data or {},
                    head,
                    at,
                    at,
                    None,
                    (),
                    CaseFile.empty(),
                )
            )
    return out


def _registered_mediators(conn: Connection, names: Sequence[str], size: int) -> set[str]:
    """Which of these usernames are active users with the mediator role."""
    found: set[str] = set()
    for part in chunks(names, size):
        found.update(r[0] for r in bulk.select_in(conn, _MEDIATORS, part))
    return found


def _linked_mediation(
    conn: Connection, ids: Sequence[int], size: int
) -> dict[int, list[tuple[int, str]]]:
    """Mediation cases linked to each of these either way (links are stored both ways): the
    same dispute, in the order they were linked."""
    out: dict[int, list[tuple[int, str]]] = {}
    for part in chunks(ids, size):
        for case_id, other_id, other_no in bulk.select_in(conn, _LINKED, part):
            pairs = out.setdefault(case_id, [])
            if (other_id, other_no) not in pairs:
                pairs.append((other_id, other_no))
    return out


def _claims_of(conn: Connection, ids: Sequence[int], size: int) -> dict[int, list[tuple[str, str]]]:
    """Claims (every state: returned and rejected ones count too) linked to each of these
    mediation cases, by claim number."""
    out: dict[int, list[tuple[str, str]]] = {}
    for part in chunks(ids, size):
        for case_id, claim_no, state in bulk.select_in(conn, _CLAIMS, part):
            out.setdefault(case_id, []).append((claim_no, state))
    for found in out.values():
        found.sort()  # by claim number (sorted here: in SQL it would scan every case by number)
    return out


def _missing(wf: Workflow | None, case: Case, world: World) -> list[str]:
    """The document kinds the case file still lacks, by the procedure's own rule."""
    if wf is None or wf.case_file is None:
        return []
    return wf.case_file(guard_view(case, world))
