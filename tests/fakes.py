"""In-memory fakes of what the domain's steps and the services see of the world.

The unit tests run the one step (``casework.domain.steps``) and the services over these, with
no database, as cosmicpython's tests run their service layer over a ``FakeRepository`` and a
``FakeUnitOfWork`` (Architecture Patterns with Python, chapter 6):

- :class:`FakeStore` stands for the tables: committed cases, their events and documents, the
  refs they were registered under, the case-number counters and the links between cases.
- :class:`FakePorts` is ``casework.domain.steps.Intake`` over a store: a fixed clock, China's
  calendar, users with roles and offices, value sources, offices, case numbers and earlier
  cases. Its :meth:`FakePorts.keep` writes a step's outcome straight to the store, as a unit of
  work that committed at once would.
- :class:`FakeUnitOfWork` is what the services take (``casework.storage.uow.UnitOfWork``): the
  same ports plus a :class:`FakeCaseRepository` that holds its changes until :meth:`commit`;
  :meth:`rollback` forgets them, numbers taken included.

``TOY`` is a small procedure declared the way shipped ones are, for tests that add one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar, cast

from casework.domain.model import (
    Actor,
    Case,
    CaseFile,
    Data,
    Document,
    Event,
    Lazy,
    LinkedCase,
    Party,
)
from casework.domain.repeats import Earlier, matched
from casework.domain.steps import (
    DocumentStep,
    Intake,
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
from casework.engine import Engine
from casework.errors import InvalidData, NotFound
from casework.storage.committees import Committee, tj_code, town_committee_row
from casework.time.calendar import Calendar
from workflows import Registry, default_registry
from workflows.settings import (
    LEVELS,
    OFFICE_PARENT,
    ORGAN_PARENT,
    ORGAN_PARENTS,
    TOP_LEVEL,
    SettingValue,
    default_parent,
    is_external,
    organ_name,
)
from workflows.spec import FieldSpec, Guard, GuardContext, StateSpec, TriggerSpec, Workflow

T = TypeVar("T")

# The test suite's day: 2020-12-01 10:00 in China.
DAY = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)

# code -> level, as the shipped Gaozhou office list has them
OFFICES: Mapping[str, str] = {
    "panzhou": "town",
    "shanmei": "town",
    "city-petition": "city",
    "city-justice": "city",
    "city-rule-of-law": "city",
}

# username, name, role, office: the standard staff of tests/helpers.py, the admin and the
# justice bureau's supervisor who approves subsidy claims
STAFF: Sequence[tuple[str, str, str, str | None]] = (
    ("admin", "管理员", "admin", None),
    ("clerk_pz", "潘州登记员", "clerk", "panzhou"),
    ("sup_pz", "潘州所长", "supervisor", "panzhou"),
    ("med_pz", "潘州调解员", "mediator", "panzhou"),
    ("med2_pz", "潘州调解员二", "mediator", "panzhou"),
    ("clerk_sm", "山美登记员", "clerk", "shanmei"),
    ("sup_sm", "山美所长", "supervisor", "shanmei"),
    ("med_sm", "山美调解员", "mediator", "shanmei"),
    ("sup_city", "信访局科长", "supervisor", "city-petition"),
    ("clerk_city", "信访局登记员", "clerk", "city-petition"),
    ("leader1", "包案领导", "leader", "city-rule-of-law"),
    ("viewer1", "统计员", "viewer", "city-justice"),
    ("sup_justice", "司法局科长", "supervisor", "city-justice"),
    ("clerk_justice", "司法局登记员", "clerk", "city-justice"),
)

# A routing decision's notice: its method (the notice itself is a document of the file).
NOTICE: Mapping[str, str] = {"notice_method": "post"}

# The subsidy scale's tiers, as the ``subsidy_tier`` value source resolves them.
TIERS: Mapping[str, int] = {"simple": 200, "ordinary": 300, "complex": 500}


def _need_two_visits(ctx: GuardContext) -> str | None:
    visits = sum(1 for e in ctx.events if e.trigger == "visit")
    return None if visits >= 2 else f"only {visits} visit(s) recorded, 2 needed"


TOY = Workflow(
    name="hotline_toy",
    label="热线工单（测试）",
    prefix="TX",
    states=(
        StateSpec("received", "已接收"),
        StateSpec("handling", "办理中"),
        StateSpec("done", "已办结", terminal=True),
    ),
    initial="received",
    register_roles=("clerk",),
    triggers=(
        TriggerSpec(
            "dispatch",
            "派单",
            ("received",),
            "handling",
            ("clerk",),
            fields=(FieldSpec("unit", "承办单位"),),
        ),
        TriggerSpec("visit", "走访", ("handling",), None, ("clerk",)),
        TriggerSpec(
            "finish",
            "办结",
            ("handling",),
            "done",
            ("supervisor",),
            fields=(
                FieldSpec("rating", "评价", "choice", choices={"good": "满意", "bad": "不满意"}),
            ),
            guards=(Guard("two_visits", "走访两次", _need_two_visits),),
        ),
    ),
)


def empty_file() -> CaseFile:
    """A file with nothing stored and nothing added."""
    return CaseFile(Lazy(None, ()), Lazy(None, ()))


def _with(case: Case, **changes: Any) -> Case:
    """The case with some fields changed (a named tuple or a frozen dataclass)."""
    change = getattr(case, "_replace", None)
    if change is not None:
        return cast(Case, change(**changes))
    return cast(Case, dataclasses.replace(cast(Any, case), **changes))


@dataclass
class FakeStore:
    """The tables, in memory: what committed units of work left behind."""

    cases: dict[str, Case] = field(default_factory=dict)  # by number, without their files
    events: dict[str, list[Event]] = field(default_factory=dict)
    documents: dict[str, list[Document]] = field(default_factory=dict)
    refs: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (kind, office, ref)
    counters: dict[tuple[str, str, int], int] = field(default_factory=dict)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (case, other, kind)
    # "history:<no>", "file:<no>", "ref:<no>", "links:<no>": what was read, in order
    loads: list[str] = field(default_factory=list)

    def load(self, case_no: str) -> Case:
        """A case as a repository reads it: its file loaded lazily, when first asked for."""
        stored = self.cases.get(case_no)
        if stored is None:
            raise NotFound(f"未知案件 unknown case {case_no[:80]!r}", field="case_no")

        def history() -> Sequence[Event]:
            self.loads.append(f"history:{case_no}")
            return list(self.events[case_no])

        def papers() -> Sequence[Document]:
            self.loads.append(f"file:{case_no}")
            return list(self.documents[case_no])

        def find(ref: str) -> Event | None:
            self.loads.append(f"ref:{case_no}")
            return next((e for e in self.events[case_no] if e.ref == ref), None)

        def linked() -> Sequence[LinkedCase]:
            self.loads.append(f"links:{case_no}")
            return [self._linked(kind, other) for no, other, kind in self.links if no == case_no]

        file = CaseFile(Lazy(history), Lazy(papers), find, stored_links=Lazy(linked))
        return _with(stored, file=file)

    def _linked(self, kind: str, other_no: str) -> LinkedCase:
        """A linked case as it stands now, as the tables give it."""
        other = self.cases[other_no]
        history: Lazy[Sequence[Event]] = Lazy(lambda: list(self.events[other_no]))
        shown = (other.kind, other.state, other.office, other.data)
        return LinkedCase(kind, other_no, *shown, history)

    def write(self, case: Case, events: Iterable[Event], documents: Iterable[Document]) -> None:
        """A case at its new version with the events and documents it gained."""
        known = self.cases.get(case.case_no)
        if known is not None and case.version < known.version:
            raise AssertionError(f"{case.case_no} written back from version {case.version}")
        case_id = known.id if known is not None else len(self.cases) + 1
        self.cases[case.case_no] = _with(case, id=case_id, file=empty_file())
        self.events.setdefault(case.case_no, []).extend(events)
        self.documents.setdefault(case.case_no, []).extend(documents)
        if case.ref is not None:
            self.refs.setdefault((case.kind, case.office, case.ref), case.case_no)


class FakePorts:
    """``casework.domain.steps.Intake`` in memory: what a step sees outside its case."""

    def __init__(
        self,
        registry: Registry | None = None,
        now: datetime = DAY,
        store: FakeStore | None = None,
        staff: Sequence[tuple[str, str, str, str | None]] = STAFF,
        offices: Mapping[str, str] = OFFICES,
    ) -> None:
        self.machines = Engine(registry or default_registry())
        self.clock = now
        self.store = store if store is not None else FakeStore()
        self.offices_by_code = dict(offices)
        # Each fake town's own committee (乡镇/街道调委会), as migration 0008 seeds them.
        self.committees = {
            tj_code(code): Committee(**town_committee_row(code, f"{code}街道司法所"))
            for code, level in offices.items()
            if level == "town"
        }
        self.staff = {username: (name, role, office) for username, name, role, office in staff}
        self.inactive: set[str] = set()
        self.attributes: dict[str, dict[str, str]] = {}
        self.now_reads = 0
        self._calendar = Calendar()
        # Dated settings set by a test: key -> [(effective from, value)], oldest first.
        self.settings: dict[str, list[tuple[date, SettingValue]]] = {}

    # -- the ports --------------------------------------------------------------------------

    def now(self) -> datetime:
        self.now_reads += 1
        return self.clock

    def calendar(self) -> Calendar:
        return self._calendar

    def setting(self, key: str, day: date) -> SettingValue:
        for since, value in reversed(self.settings.get(key, [])):
            if since <= day:
                return value
        if key.startswith((OFFICE_PARENT, ORGAN_PARENT)):
            return None
        spec = next((s for wf in self.machines.registry for s in wf.settings if s.key == key), None)
        if spec is None:
            raise NotFound(f"未知设置 unknown setting {key!r}", field="key")
        return spec.default

    def set_setting(self, key: str, value: SettingValue, since: date = date(1990, 1, 1)) -> None:
        self.settings.setdefault(key, []).append((since, value))
        self.settings[key].sort(key=lambda entry: entry[0])

    def parent(self, office: str, day: date) -> str | None:
        key = (ORGAN_PARENT + organ_name(office)) if is_external(office) else OFFICE_PARENT + office
        given = self.setting(key, day)
        if given is not None:
            return str(given)
        if is_external(office):
            return ORGAN_PARENTS.get(organ_name(office))
        level = self.offices_by_code.get(office)
        return None if level is None else default_parent(office, level)

    def level(self, office: str, day: date) -> int | None:
        if office in self.offices_by_code:
            return LEVELS[self.offices_by_code[office]]
        at, here = 2, self.parent("city-justice", day)
        for start in ("city-justice", "city-petition"):
            at, here = 2, self.parent(start, day)
            while here is not None and at < TOP_LEVEL:
                at += 1
                if here == office:
                    return at
                here = self.parent(here, day)
        return None

    def office_kind(self, code: str) -> str | None:
        return "petition_bureau" if code == "city-petition" else None

    def committee_of(self, username: str, day: date) -> str | None:
        """Each fake town's mediators belong to its own committee (``<town>-tj``)."""
        found = self.staff.get(username)
        if found is None or found[1] != "mediator" or found[2] is None:
            return None
        return tj_code(found[2]) if tj_code(found[2]) in self.committees else None

    def committee_info(self, code: str) -> Committee | None:
        return self.committees.get(code)

    def user_attributes(self, username: str) -> Mapping[str, str]:
        return self.attributes.get(username, {})

    def user_role(self, username: str) -> str | None:
        found = self.staff.get(username)
        return None if found is None or username in self.inactive else found[1]

    def resolve(self, source: str, value: str, data: Data) -> Mapping[str, object]:
        if source != "subsidy_tier":
            raise InvalidData(f"未知取值来源 unknown value source {source!r}", field="value")
        if value not in TIERS:
            raise InvalidData(f"补贴档次「tier」{value!r} 不在标准中", field="value.tier")
        return {"tier": value, "amount": TIERS[value], "scale_from": "2011-01-01"}

    def office_exists(self, code: str) -> bool:
        return code in self.offices_by_code

    def case_with_ref(self, kind: str, office: str, ref: str) -> Case | None:
        case_no = self.store.refs.get((kind, office, ref))
        return None if case_no is None else self.case(case_no)

    def case(self, case_no: str) -> Case:
        return self.store.load(case_no)

    def next_number(self, prefix: str, office: str, year: int) -> int:
        key = (prefix, office, year)
        self.store.counters[key] = self.store.counters.get(key, 0) + 1
        return self.store.counters[key]

    def chain_key(self, case_id: int | None) -> bytes | None:
        return None  # plain SHA-256 chains: the fakes have no key

    # -- what tests do with them ------------------------------------------------------------

    def actor(self, username: str) -> Actor:
        name, role, office = self.staff[username]
        level = "city" if office is None else self.offices_by_code[office]
        return Actor(username, name, role, office, level)

    def later(self, **delta: float) -> None:
        """Move the clock on."""
        self.clock += timedelta(**delta)

    def keep(self, done: Registered | Stepped) -> Case:
        """Write a step's outcome to the store, as a unit of work committing it would; returns
        the case as stored (its file empty: the next read loads it)."""
        if isinstance(done, Registered):
            if not done.existing and done.event is not None:
                self.store.write(done.case, [done.event], [])
                if done.origin is not None:
                    self.store.links.append((done.case.case_no, done.origin.case_no, "origin"))
        elif not done.repeated:
            docs = [] if done.document is None else [done.document]
            self.store.write(done.case, [done.event], docs)
        return self.store.cases[done.case.case_no]

    def register(
        self,
        username: str,
        kind: str,
        office: str = "panzhou",
        title: str = "测试案件",
        **given: object,
    ) -> Registered:
        """Register a case (``given``: the other fields of a Registration) and keep it."""
        wf = self.machines.workflow(kind)
        internal = bool(given.pop("internal", False))
        item = Registration(office, title, **given)  # type: ignore[arg-type]
        done = register(wf, item, self.actor(username), self, internal)
        self.keep(done)
        return done

    def advance(
        self,
        username: str,
        case_no: str,
        trigger: str,
        values: Mapping[str, str] | None = None,
        **given: object,
    ) -> Stepped:
        """Fire a trigger on a stored case (``given``: note, at, ref) and keep the outcome."""
        step = Step(case_no, trigger, dict(values or {}), **given)  # type: ignore[arg-type]
        done = advance(self.case(case_no), step, self.actor(username), self)
        self.keep(done)
        return done

    def document(self, username: str, case_no: str, kind: str, **given: object) -> Stepped:
        """Record a document of a stored case (``given``: file_name, sha256, at, note, ref)."""
        doc = DocumentStep(case_no, kind, **given)  # type: ignore[arg-type]
        done = record_document(self.case(case_no), doc, self.actor(username), self)
        self.keep(done)
        return done

    def link(
        self, username: str, case_no: str, other: str, relation: str = "same_matter"
    ) -> Stepped:
        """A person's finding on two cases (``case link``), kept on both as the tables keep it."""
        step = LinkStep(case_no, other, relation)
        done = record_link(self.case(case_no), self.case(other), step, self.actor(username), self)
        self.keep(done)
        if not done.repeated:
            self.store.links += [(case_no, other, relation), (other, case_no, relation)]
        return done

    # -- a petition's steps as the law runs them (tests/petitions.py takes them via the API) --

    def papers(
        self, case_no: str, *kinds: str, user: str = "clerk_pz", at: str | None = None
    ) -> Case:
        """Documents of the case file (卷宗) recorded one after the other; the case after."""
        for kind in kinds:
            self.document(user, case_no, kind, at=at)
        return self.case(case_no)

    def accept(
        self,
        case_no: str,
        at: str | None = None,
        user: str = "sup_pz",
        clerk: str = "clerk_pz",
        **given: object,
    ) -> Stepped:
        """The letter and the acceptance notice on file, then 受理 told by post: a routing
        decision rests on the letter (信访工作条例 art. 19 para 1) and is told in writing
        (art. 23 para 2)."""
        self.papers(case_no, "letter", "acceptance_notice", user=clerk, at=at)
        return self.advance(user, case_no, "accept", NOTICE, at=at, **given)


class FakeCaseRepository:
    """``casework.storage.repository.CaseRepository`` in memory: each case's latest version in
    this unit of work, and what the steps added, until the unit of work commits."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store
        self._by_no: dict[str, Case] = {}
        self.added: list[Registered] = []
        self.saved: list[Stepped] = []
        self.links: list[tuple[str, str, str]] = []  # (case, other, kind), until the commit
        self.loaded: list[list[str]] = []  # the numbers of each load, as asked

    def get(self, case_no: str) -> Case:
        found = self._by_no.get(case_no)
        if found is None:
            found = self._by_no[case_no] = self._store.load(case_no)
        return found

    def find(self, case_no: str) -> Case | None:
        return self._by_no.get(case_no)

    def load(self, case_nos: Iterable[str]) -> None:
        wanted = [n for n in dict.fromkeys(case_nos) if n not in self._by_no]
        self.loaded.append(wanted)
        for case_no in wanted:
            if case_no in self._store.cases:
                self._by_no[case_no] = self._store.load(case_no)

    def load_files(self, case_nos: Iterable[str]) -> None:
        for case_no in case_nos:
            case = self._by_no.get(case_no)
            if case is not None:
                case.file.events(), case.file.documents()

    def load_papers(self, case_nos: Iterable[str]) -> None:
        for case_no in case_nos:
            case = self._by_no.get(case_no)
            if case is not None:
                case.file.documents()

    def prefetch_refs(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Nothing to fetch ahead in memory."""

    def with_ref(self, kind: str, office: str, ref: str) -> Case | None:
        for done in self.added:
            case = done.case
            if (case.kind, case.office, case.ref) == (kind, office, ref):
                return self._by_no[case.case_no]
        case_no = self._store.refs.get((kind, office, ref))
        return None if case_no is None else self.get(case_no)

    def add(self, done: Registered, origin: Case | None = None) -> None:
        if done.existing or done.event is None:
            return
        self._by_no[done.case.case_no] = done.case
        self.added.append(done)

    def save(self, done: Stepped) -> None:
        if done.repeated:
            return
        self._by_no[done.case.case_no] = done.case
        self.saved.append(done)

    def related(self, kind: str, case: Case) -> list[Earlier]:
        """The other cases of the procedure naming a party of this case (the same ID number,
        or the same name and phone), committed ones and those added here, by case number."""
        ours = [p for p in case.parties if p.id_number or p.phone]
        known: list[Case] = [*self._store.cases.values()]
        known.extend(done.case for done in self.added)
        found: dict[str, Earlier] = {}
        for other in known:
            how = matched(ours, other.parties) if other.kind == kind and ours else None
            if how is not None and other.case_no != case.case_no:
                found[other.case_no] = Earlier(
                    other.case_no, other.office, other.state, other.title, other.data, how
                )
        return [found[no] for no in sorted(found)]

    def link(self, case_no: str, other_no: str, kind: str) -> None:
        self.links.append((case_no, other_no, kind))

    def parties_of(self, case: Case) -> tuple[Party, ...]:
        return case.parties

    def pending(self) -> list[tuple[Case, list[Event], list[Document]]]:
        """What a commit writes: each changed case at its last version, with its new rows."""
        order: list[str] = []
        events: dict[str, list[Event]] = {}
        papers: dict[str, list[Document]] = {}
        touched = [r.case.case_no for r in self.added] + [s.case.case_no for s in self.saved]
        for no in touched:
            if no not in events:
                order.append(no)
                events[no], papers[no] = [], []
        for reg in self.added:
            assert reg.event is not None
            events[reg.case.case_no].append(reg.event)
        for step in self.saved:
            events[step.case.case_no].append(step.event)
            if step.document is not None:
                papers[step.case.case_no].append(step.document)
        for no in order:
            events[no].sort(key=lambda e: e.seq)
        return [(self._by_no[no], events[no], papers[no]) for no in order]

    def forget(self) -> None:
        self._by_no.clear()
        self.links.clear()
        self.added.clear()
        self.saved.clear()


class _Offices:
    def __init__(self, ports: FakePorts) -> None:
        self._ports = ports

    def exists(self, code: str) -> bool:
        return self._ports.office_exists(code)


class _Users:
    def __init__(self, ports: FakePorts) -> None:
        self._ports = ports

    def actor(self, username: str) -> Actor:
        return self._ports.actor(username)

    def role_of(self, username: str) -> str | None:
        return self._ports.user_role(username)


class FakeUnitOfWork(FakePorts):
    """The unit of work the services take, in memory: nothing reaches the store before
    :meth:`commit`, and :meth:`rollback` (or a refusal inside :meth:`run`) leaves it as it was."""

    def __init__(self, store: FakeStore | None = None, **kw: object) -> None:
        super().__init__(store=store, **kw)  # type: ignore[arg-type]
        self.cases = FakeCaseRepository(self.store)
        self.offices = _Offices(self)
        self.users = _Users(self)
        self.committed = False
        self._numbers: dict[tuple[str, str, int], int] = {}

    def case_with_ref(self, kind: str, office: str, ref: str) -> Case | None:
        return self.cases.with_ref(kind, office, ref)

    def case(self, case_no: str) -> Case:
        return self.cases.get(case_no)

    def next_number(self, prefix: str, office: str, year: int) -> int:
        key = (prefix, office, year)
        self._numbers[key] = self._numbers.get(key, self.store.counters.get(key, 0)) + 1
        return self._numbers[key]

    def chain_key(self, case_id: int | None) -> bytes | None:
        return None  # plain SHA-256 chains: the fakes have no key

    def flush(self) -> None:
        """The real unit of work writes here; the fake writes only on commit."""

    def commit(self) -> None:
        for case, events, papers in self.cases.pending():
            self.store.write(case, events, papers)
        for done in self.cases.added:
            if done.origin is not None:
                self.store.links.append((done.case.case_no, done.origin.case_no, "origin"))
        self.store.links.extend(self.cases.links)
        self.store.counters.update(self._numbers)
        self.rollback()
        self.committed = True

    def rollback(self) -> None:
        self.cases.forget()
        self._numbers.clear()

    def run(self, work: Callable[[FakeUnitOfWork], T]) -> T:
        """``casework.storage.uow.write`` in memory: all of ``work`` or nothing of it."""
        try:
            result = work(self)
        except BaseException:
            self.rollback()
            raise
        self.commit()
        return result


def as_intake(ports: FakePorts) -> Intake:
    """The fake is the protocol the steps ask for (mypy checks this function)."""
    return ports
