"""Stateful property test: random triggers by random users with random data on random cases.

Every step is one call of the public API (register, advance, add_document) or a tick of the
frozen clock. After every step the whole database is checked:

1. each case's stored state is a declared state of its procedure;
2. replaying the case's events through the procedure, under the rule version the case pins,
   gives the stored state;
3. event sequence numbers are 1..n per case and the case's version is n;
4. each document has its 'doc' event, and case numbers are handed out without gaps;
5. an accepted step added exactly one event to its case, plus the registration of the case a
   spawning trigger creates and the event of each cascade the trigger declares; a refused one
   changed no row anywhere (the whole database dump is compared).

Besides these invariants each step is checked against a small model of the rules. What the
model says must be refused is refused (unknown users, viewers, roles the trigger does not
name, town users on another office's case, city-only triggers, own-office triggers, admins
for a deciding office, bad values, bogus triggers and documents, back-dating, naive times,
malformed notes, triggers the case's pinned rules do not allow from its state, documents the
trigger needs that are not on file, guards the model can judge). Where the outcome rests on
what the small model does not track (deciding offices, the guards it does not judge, dated
settings) either outcome is allowed, but a refusal is a rule's refusal (GuardFailed or
NotAllowed, never another error) that writes nothing, and an acceptance lands in the declared
state with the declared values recorded (derived values besides). What the model says must be
accepted is accepted.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from casework.api import Casework
from casework.domain.replay import DOCUMENT, REGISTER, replay
from casework.errors import (
    CaseworkError,
    GuardFailed,
    IllegalTransition,
    InvalidData,
    NotAllowed,
)
from casework.storage.tables import case_counters, cases, documents, events, offices
from casework.time.local import CST, local_date, local_iso
from tests.helpers import STAFF, FrozenClock, add_staff, dump
from workflows import default_registry
from workflows.spec import FieldSpec, TriggerSpec, Workflow
from workflows.versions import RULES_KEY

REGISTRY = default_registry()
KINDS = ("petition", "mediation", "major_dispute")
OFFICES = ("panzhou", "shanmei")
ACTORS = (*(s[0] for s in STAFF), "admin")
UNKNOWN_USER = "nobody"
# Few open cases at a time, so that the steps of a run go deep into each case's procedure.
MAX_OPEN_CASES = 2
# Trigger names no procedure declares; "register" and "doc" are reserved for the engine itself.
BOGUS_TRIGGERS = ("teleport", REGISTER, DOCUMENT)
BOGUS_DOCUMENT = "selfie"
# Where the shipped settings put the approvers of major disputes, and a town office's parent
# (petition.md); used only to draw actors likely to act, never to predict an outcome.
DEFAULT_APPROVERS = "city-petition"
TOWN_PARENT = "city-justice"
# Values whose presence helps a step pass (a routing notice, an outside organ's act), drawn
# three times in four when the field is optional.
HELPFUL = frozenset({"notice_method", "organ", "doc_no"})

USERS_BY_ROLE: Mapping[str, tuple[str, ...]] = {
    role: tuple(s[0] for s in STAFF if s[2] == role) for role in {s[2] for s in STAFF}
}

GOOD_TEXTS = ("已依法处理", "reason given", "  前后有空格  ", "两行\n说明", "制表\t符", "x" * 2000)
GOOD_TITLES = ("拖欠工资", "邻里纠纷", "  土地山林权属  ")
BAD_TITLES = ("", "  ", "null\x00byte", "z" * 501)
GOOD_NOTES = ("已电话联系", "  ", "备注\n第二行")
BAD_NOTES = ("ctl\x02char",)
DOC_BYTES = b"%PDF-1.4 stateful test\n"
# A group visit names at most this many representatives (petition.md 1.2).
MAX_REPRESENTATIVES = 5
SCREENING_FOUND = 2  # the cases the model's one screening entry found
# How far a window in calendar days may move past its plain last day when it ends on a rest
# day (the longest run of rest days, with room to spare).
ROLL_MARGIN = 15


def workflow(kind: str) -> Workflow:
    wf = REGISTRY.get(kind)
    assert wf is not None, kind
    return wf


ALL_DOCUMENTS = tuple(sorted({k for kind in KINDS for k in workflow(kind).documents}))


@dataclass(frozen=True)
class Who:
    """What the model knows of a user: role, office and whether they act city-wide."""

    role: str
    office: str | None
    city: bool

    @property
    def roles(self) -> set[str]:
        return {self.role, "supervisor"} if self.role == "admin" else {self.role}

    def may_act_on(self, office: str) -> bool:
        return self.city or self.office == office


@dataclass(frozen=True)
class CaseRow:
    id: int
    case_no: str
    kind: str
    office: str
    state: str
    version: int
    data: Mapping[str, Any]
    last_at: datetime
    history: tuple[tuple[str, date], ...]  # (trigger, occurred_on) in seq order
    documents: tuple[str, ...]

    @property
    def rules(self) -> str | None:
        value = self.data.get(RULES_KEY)
        return str(value) if value else None


@dataclass(frozen=True)
class World:
    """What valid values are drawn from: the offices, the screenings, today."""

    offices: tuple[str, ...]
    screenings: tuple[str, ...]
    today: date


def offered(wf: Workflow, row: CaseRow) -> list[TriggerSpec]:
    """The triggers a person may take from the case's state under its pinned rules."""
    return [
        t
        for t in wf.triggers
        if not t.internal and t.offered_in(row.rules) and row.state in wf.sources_of(t, row.rules)
    ]


def moves_on(wf: Workflow, spec: TriggerSpec | None) -> bool:
    """Whether the trigger moves a case to another state that does not end it."""
    return spec is not None and spec.dest is not None and not wf.state(spec.dest).terminal


def needs_met(spec: TriggerSpec, row: CaseRow) -> bool:
    """Whether the case file holds a document of each group the trigger needs."""
    return all(set(group) & set(row.documents) for group in spec.needs)


def needed_kinds(spec: TriggerSpec) -> set[str]:
    return {kind for group in spec.needs for kind in group} | set(spec.files)


def ended_file_kinds(wf: Workflow, row: CaseRow) -> set[str]:
    """The documents an ended case's file still takes: what its open triggers rest on."""
    kinds: set[str] = set()
    for spec in wf.triggers:
        if spec.offered_in(row.rules) and row.state in wf.sources_of(spec, row.rules):
            kinds |= needed_kinds(spec)
    return kinds


# -- drawing inputs -----------------------------------------------------------------------------


def one_in(data: st.DataObject, n: int) -> bool:
    """True with odds about 1 in n; shrinks to False, so failures shrink toward valid input."""
    return bool(data.draw(st.integers(0, n - 1)) == n - 1)


class Draw:
    """The draws of one step: a clean step, or (one in four) a chaotic one with faults.

    On a clean step every input is valid (the trigger may still be refused by its guards); on
    a chaotic step each input is, one time in three, a fault: a user who may not act, a bad
    value, a bogus trigger or document kind, a back-dated time, a malformed note.
    """

    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.chaotic = one_in(data, 4)

    def __call__(self, strategy: st.SearchStrategy[Any]) -> Any:
        return self.data.draw(strategy)

    def fault(self) -> bool:
        return self.chaotic and one_in(self.data, 3)


def valid_value(spec: FieldSpec, world: World) -> st.SearchStrategy[str]:
    if spec.kind == "choice":
        return st.sampled_from(sorted(spec.choices))
    if spec.kind == "int":
        lo = spec.minimum if spec.minimum is not None else -1000
        hi = spec.maximum if spec.maximum is not None else 10**6
        # Mostly small numbers (terms, extensions, people), now and then any in range.
        ints = st.integers(lo, min(hi, max(lo, 0) + 60)) | st.integers(lo, hi)
        return ints.map(str) | ints.map(lambda v: f" {v} ")
    if spec.kind == "user":
        assert spec.role is not None
        return st.sampled_from(USERS_BY_ROLE[spec.role])
    if spec.kind == "office":
        return st.sampled_from(world.offices)
    if spec.kind == "committee":  # a town's own committee (the model knows no others)
        return st.sampled_from([f"{o}-tj" for o in OFFICES])
    if spec.kind == "lookup":
        assert spec.source == "screening", spec.source
        return st.sampled_from(world.screenings)
    if spec.kind == "date":
        days = st.integers(0, 60).map(lambda n: (world.today - timedelta(days=n)).isoformat())
        return days
    texts = [t for t in GOOD_TEXTS if len(t) <= spec.max_length]
    return st.sampled_from(texts) | st.text(
        alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=20
    )


def invalid_value(spec: FieldSpec) -> st.SearchStrategy[str]:
    bad = ["", "   ", "bad\x01value", "y" * (spec.max_length + 1)]
    if spec.kind == "choice":
        first = sorted(spec.choices)[0]
        bad += ["bogus", first.upper(), f"{first}x", f"{first},{first}"]
    elif spec.kind == "int":
        bad += ["abc", "1.5", "１２", "12e3", "+5", "1" * 13]
        if spec.minimum is not None:
            bad.append(str(spec.minimum - 1))
        if spec.maximum is not None:
            bad.append(str(spec.maximum + 1))
    elif spec.kind == "user":
        wrong = [s[0] for s in STAFF if s[2] != spec.role]
        bad += [UNKNOWN_USER, *wrong[:3], "admin"]
    elif spec.kind == "office":
        bad += ["nowhere", "PANZHOU"]
    elif spec.kind == "committee":
        bad += ["nowhere-tj", "PANZHOU-TJ"]
    elif spec.kind == "date":
        bad += ["2020-02-30", "yesterday", "2020/01/01"]
    return st.sampled_from(bad)


def wanted(d: Draw, spec: FieldSpec) -> bool:
    """Whether to give an optional value: one time in three, but mostly for those that help
    a step pass (an optional value left out takes its default, which most rules accept)."""
    if spec.name in HELPFUL:
        return bool(d(st.integers(0, 3)) > 0)
    return one_in(d.data, 3)


def draw_values(
    d: Draw, fields: Sequence[FieldSpec], note_fills: bool, world: World
) -> tuple[dict[str, str], bool]:
    """A ``--set`` mapping for these fields (never an internal one, but as a fault), and
    whether the model says it must be refused."""
    values: dict[str, str] = {}
    bad = False
    for spec in fields:
        if spec.internal:
            continue
        if d.fault():
            if d(st.booleans()):
                values[spec.name] = d(invalid_value(spec))
                bad = True
            elif spec.required and not (spec.name == "note" and note_fills):
                bad = True  # a required value left out
        elif spec.required or wanted(d, spec):
            values[spec.name] = d(valid_value(spec, world))
    internal = [f for f in fields if f.internal]  # set only by casework itself
    if d.fault() or (internal and one_in(d.data, 8)):
        if internal and d(st.booleans()):
            spec = d(st.sampled_from(internal))
            values[spec.name] = d(valid_value(spec, world))  # a value it might well hold
        else:
            values[d(st.sampled_from(("bogus_key", "Reason", "state")))] = "1"
        bad = True
    return values, bad


def draw_note(d: Draw) -> tuple[str | None, bool]:
    """A note (or none) and whether it is malformed."""
    if d.fault():
        return d(st.sampled_from(BAD_NOTES)), True
    return d(st.sampled_from((None, None, None, *GOOD_NOTES))), False


# -- the model ----------------------------------------------------------------------------------


def expected_values(
    fields: Sequence[FieldSpec], raw: Mapping[str, str], note: str | None
) -> dict[str, Any]:
    """The values an accepted step records: stripped text, whole numbers, dates, screening
    numbers, defaults."""
    out: dict[str, Any] = {}
    for spec in fields:
        text = raw.get(spec.name)
        if text is None and spec.name == "note" and note and note.strip():
            text = note
        if text is None:
            if spec.default is not None:
                out[spec.name] = spec.default
            continue
        text = text.strip()
        if spec.kind in ("int", "lookup"):
            out[spec.name] = int(text)
        elif spec.kind == "date":
            out[spec.name] = date.fromisoformat(text).isoformat()
        else:
            out[spec.name] = text
    return out


def window(history: Sequence[tuple[str, date]], after: str, days: int, on: date) -> bool | None:
    """Whether ``on`` is inside a window of calendar days opened by the last ``after`` event
    (None near its end, where a rest day may carry it over)."""
    starts = [d for t, d in history if t == after]
    if not starts:
        return False
    last = starts[-1] + timedelta(days=days)
    if on <= last:
        return True
    return None if on <= last + timedelta(days=ROLL_MARGIN) else False


def open_hearing(history: Sequence[tuple[str, date]]) -> bool:
    state = False
    for trig, _ in history:
        if trig in ("hearing_start", "hearing_end"):
            state = trig == "hearing_start"
    return state


def predict_guards(
    wf: Workflow, spec: TriggerSpec, row: CaseRow, actor: str, values: Mapping[str, Any], on: date
) -> bool | None:
    """Whether the trigger's guards pass, by the procedures' written rules; None if unknown
    (a guard reading dated settings, the office hierarchy, deliveries, links ...)."""
    fired = [t for t, _ in row.history]
    docs = set(row.documents)
    verdicts: list[bool | None] = []
    for guard in spec.guards:
        ok: bool | None
        match (wf.name, guard.name):
            case ("mediation", "confirmation_window"):
                ok = window(row.history, "agree", 30, on)
            case ("mediation", "followed_up"):
                ok = "follow_up" in fired
            case ("mediation", "case_file_complete"):
                needed = {"application", "record", "follow_up"}
                if "agree" in fired:
                    needed.add("agreement")
                if "fail" in fired:
                    needed.add("termination")
                ok = needed <= docs
            case ("petition", "extend_once"):
                ok = fired.count("extend") < 1
            case ("petition", "intake_document"):
                ok = bool({"letter", "intake_record"} & docs)
            case ("petition", "received"):
                ok = row.data.get("origin") in ("forwarded", "assigned")
            case ("petition", "report_once"):
                ok = row.data.get("origin") == "assigned" and "report" not in fired
            case ("petition", "one_hearing"):
                ok = not open_hearing(row.history)
            case ("petition", "hearing_open"):
                ok = open_hearing(row.history)
            case ("major_dispute", "assigned_leader"):
                ok = bool(row.data.get("leader")) and row.data.get("leader") == actor
            case ("major_dispute", "new_leader"):
                ok = values.get("leader") != row.data.get("leader")
            case ("major_dispute", "proposed_first"):
                ok = row.state == "proposed"
            case _:
                ok = None
        if ok is False:
            return False  # whichever guard comes first, the step is refused
        verdicts.append(ok)
    return None if None in verdicts else True


@dataclass
class Outlook:
    """What the model says of a step the hard rules do not refuse: reasons it must be refused
    all the same, whether it must be accepted otherwise, the refusals it allows."""

    refuse: list[str]
    certain: bool
    errors: set[type[CaseworkError]]


# -- the machine --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """The database every run starts from: Gaozhou's offices, the staff, and a screening a
    major dispute may name as its source; built once and copied for each run (the
    migrations and the staff's steps take some 0.2 s, a copy a few milliseconds)."""

    path: str
    screening: str

    @classmethod
    def build(cls, path: str, clock: FrozenClock) -> Start:
        cw = Casework.initialise(path, offices="gaozhou", clock=clock)
        add_staff(cw)
        day = local_date(clock.now) - timedelta(days=3)
        found = cw.acting("clerk_pz").log_screening("panzhou", day, "routine", SCREENING_FOUND, 1)
        cw.close()
        # the copy is of the main file alone: the write-ahead log folded into it first
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return cls(path, str(found["id"]))


class CaseworkMachine(RuleBasedStateMachine):
    def __init__(self, clock: FrozenClock, start: datetime, made: Start) -> None:
        super().__init__()
        clock.now = start  # the instant the start database was built at
        self.clock = clock
        self.tmp = tempfile.mkdtemp(prefix="casework-stateful-")
        path = os.path.join(self.tmp, "casework.db")
        try:
            shutil.copyfile(made.path, path)
            self.cw = Casework(path, clock=clock)
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        self.screenings = (made.screening,)
        self.linked = 0  # the cases registered as found by it
        self.admin = self.cw.acting("admin")
        self.engine = self.cw.engine
        self.doc_file = os.path.join(self.tmp, "scan.pdf")
        with open(self.doc_file, "wb") as fh:
            fh.write(DOC_BYTES)
        with self.engine.connect() as conn:
            rows = conn.execute(select(offices.c.code, offices.c.level)).all()
        levels: dict[str, str] = {code: level for code, level in rows}
        self.offices = tuple(sorted(levels))
        self.who: dict[str, Who] = {
            name: Who(role, office, levels[office] == "city")
            for name, _, role, office in STAFF
            if office is not None
        }
        self.who["admin"] = Who("admin", None, True)
        self.ticked = False

    def teardown(self) -> None:
        self.cw.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def world(self) -> World:
        return World(self.offices, self.screenings, local_date(self.clock.now))

    # -- reading the database ------------------------------------------------------------

    def case_row(self, case_no: str) -> CaseRow:
        with self.engine.connect() as conn:
            row = conn.execute(select(cases).where(cases.c.case_no == case_no)).one()
            evs = conn.execute(
                select(events.c.trigger, events.c.occurred_on, events.c.occurred_at)
                .where(events.c.case_id == row.id)
                .order_by(events.c.seq)
            ).all()
            docs = conn.execute(
                select(documents.c.kind).where(documents.c.case_id == row.id)
            ).scalars()
            return CaseRow(
                row.id,
                row.case_no,
                row.kind,
                row.office_code,
                row.state,
                row.version,
                dict(row.data or {}),
                evs[-1].occurred_at,
                tuple((e.trigger, e.occurred_on) for e in evs),
                tuple(docs),
            )

    def case_numbers(self) -> dict[int, str]:
        with self.engine.connect() as conn:
            return dict(conn.execute(select(cases.c.id, cases.c.case_no)).all())

    def open_case_numbers(self) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(cases.c.case_no, cases.c.kind, cases.c.state).order_by(cases.c.id)
            ).all()
        return [no for no, kind, state in rows if not workflow(kind).state(state).terminal]

    def event_counts(self) -> Counter[int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(events.c.case_id, func.count()).group_by(events.c.case_id)
            ).all()
        return Counter({case_id: n for case_id, n in rows})

    # -- drawing actors and times ----------------------------------------------------------

    def draw_actor(
        self, d: Draw, permitted: Sequence[str], likely: Sequence[str] = (), role: str = ""
    ) -> str:
        """Someone the model says may act (if anyone; half the time one of those ``likely``
        to pass the rules it does not judge), or on a fault anyone at all. Now and then, even
        on a clean step, a near miss: one who may not act although they have one of the
        ``roles`` (an admin for a deciding office, a supervisor of another office), so that the
        step is refused for that alone."""
        near = sorted(
            name
            for name, who in self.who.items()
            if name not in permitted and (not role or who.roles & set(role.split()))
        )
        if permitted and not d.fault():
            if near and one_in(d.data, 6):
                return str(d(st.sampled_from(near)))
            best = sorted(set(likely) & set(permitted))
            if best and d(st.booleans()):
                return str(d(st.sampled_from(best)))
            return str(d(st.sampled_from(sorted(permitted))))
        if near and d(st.booleans()):
            return str(d(st.sampled_from(near)))
        return str(d(st.sampled_from((*ACTORS, UNKNOWN_USER))))

    def likely(self, spec: TriggerSpec, row: CaseRow) -> set[str]:
        """Users likely to pass the rules the model does not judge, a guess only used to draw
        (never to predict): the named leader, an approver of the default setting other than
        the proposer, for a deciding office the users of the case's office, of the office
        that sent it and of the justice bureau (the towns' parent)."""
        names = {g.name for g in spec.guards}
        if "assigned_leader" in names:
            return {str(row.data.get("leader"))}
        if "approver" in names:
            approvers = {n for n, w in self.who.items() if w.office == DEFAULT_APPROVERS}
            approvers &= set(USERS_BY_ROLE["supervisor"])
            return approvers - {str(row.data.get("proposed_by"))}
        if spec.acts:
            near = {row.office, str(row.data.get("from_office")), TOWN_PARENT}
            return {n for n, w in self.who.items() if w.office in near}
        return set()

    def draw_at(self, d: Draw, last: datetime) -> tuple[Any, datetime | None]:
        """An ``at`` never in the future, and its instant (None when it must be refused).

        Mostly between the case's last event and now; on a fault before the last event, or a
        datetime without a timezone.
        """
        now = self.clock.now
        mode = "backward" if d.fault() else d(st.sampled_from(("now", "forward", "same")))
        if mode == "now":
            return None, max(now, last)
        if mode == "same":
            instant = last
        elif mode == "forward":
            span = int((now - last).total_seconds() // 60)
            instant = last + timedelta(minutes=d(st.integers(0, max(span, 0))))
        else:
            instant = last - timedelta(minutes=d(st.integers(1, 20 * 24 * 60)))
        form = d(st.sampled_from(("datetime", "local", "utc", "date")))
        midnight = datetime.combine(local_date(instant), time(0, 0), tzinfo=CST)
        if form == "date" and midnight < last and local_date(instant) == local_date(last):
            # A day alone on the previous step's day is that day after the previous step
            # (issue 17 point 4: casework.domain.checks.after_previous), not before it.
            return local_date(instant).isoformat(), last
        if form == "local":
            return local_iso(instant), instant
        if form == "utc":
            return instant.isoformat(), instant
        if form == "date":
            return local_date(instant).isoformat(), midnight
        if d.fault():
            return instant.astimezone(CST).replace(tzinfo=None), None
        return instant, instant

    def actor_refusal(self, actor: str, spec: TriggerSpec, row: CaseRow) -> str | None:
        """Why the user may certainly not take the trigger on this case (None: they may, as
        far as the model knows)."""
        who = self.who.get(actor)
        if who is None:
            return f"{actor} is not a user"
        if not who.roles & set(spec.roles):
            return f"{actor} ({who.role}) has none of the roles {spec.roles}"
        if spec.city_only and not who.city:
            return f"{actor} is not at a city office"
        if spec.own_office_only and who.role != "admin" and who.office != row.office:
            return f"{actor} is not of the case's office {row.office}"
        if spec.acts:
            if who.role == "admin":
                return "no admin stands in for a deciding office"
        elif not who.may_act_on(row.office):
            return f"{actor} may not act on a case of {row.office}"
        return None

    def outlook(
        self,
        wf: Workflow,
        spec: TriggerSpec,
        row: CaseRow,
        actor: str,
        recorded: Mapping[str, Any],
        instant: datetime,
    ) -> Outlook:
        """The model's view of a step no hard rule refuses."""
        out = Outlook([], True, {GuardFailed})
        if spec.acts:
            # The deciding office is the model's blind spot: anyone of the roles may be it.
            out.certain = False
            out.errors.add(NotAllowed)
            records = {name for alt in spec.acts for name in alt.records}
            if any(not recorded.get(name) for name in records):
                out.errors.add(InvalidData)  # an outside organ's act names organ and number
        if not needs_met(spec, row):
            out.refuse.append(f"the file lacks one of {spec.needs}")
        guards = predict_guards(wf, spec, row, actor, recorded, local_date(instant))
        if guards is False:
            out.refuse.append("its guards refuse it")
        elif guards is None:
            out.certain = False
        for cascade in spec.then:
            target = row.data.get(cascade.target)
            if not target:
                continue
            other = self.case_row(str(target))
            follow = workflow(other.kind).trigger(cascade.trigger)
            assert follow is not None, cascade
            if other.state not in workflow(other.kind).sources_of(follow, other.rules):
                out.certain = False
                out.errors.add(IllegalTransition)
            if instant < other.last_at:
                out.certain = False
                out.errors.add(InvalidData)
        return out

    # -- checking one step ---------------------------------------------------------------

    def expect_refused(self, before: dict[str, Any], exc: CaseworkError) -> None:
        assert dump(self.engine) == before, f"refused ({exc}) but the database changed"

    def check_read_side(self, case_no: str) -> None:
        """The case as ``show`` and ``history`` give it agrees with the stored rows."""
        row = self.case_row(case_no)
        shown = self.admin.show(case_no)
        assert (shown["state"], shown["version"]) == (row.state, row.version)
        assert [e["seq"] for e in shown["history"]] == list(range(1, row.version + 1))
        assert self.admin.history(case_no) == shown["history"]
        assert sorted(doc["kind"] for doc in shown["documents"]) == sorted(row.documents)
        wf = workflow(row.kind)
        assert set(shown["triggers"]) <= {t.name for t in wf.triggers}

    # -- rules ----------------------------------------------------------------------------

    @precondition(lambda self: len(self.open_case_numbers()) < MAX_OPEN_CASES)
    @rule(
        kind=st.sampled_from(KINDS),
        office=st.sampled_from(OFFICES),
        data=st.data(),
    )
    def register(self, kind: str, office: str, data: st.DataObject) -> None:
        self.ticked = False
        d = Draw(data)
        wf = workflow(kind)
        permitted = [
            name
            for name, who in self.who.items()
            if who.roles & set(wf.register_roles) and who.may_act_on(office)
        ]
        actor = self.draw_actor(d, permitted, role=" ".join(wf.register_roles))
        why: list[str] = []
        if actor not in permitted:
            why.append(f"{actor} may not register a {kind} at {office}")
        title = d(st.sampled_from(BAD_TITLES if d.fault() else GOOD_TITLES))
        if title in BAD_TITLES:
            why.append(f"bad title {title[:20]!r}")
        values, bad = draw_values(d, wf.register_fields, False, self.world)
        if wf.name == "petition" and "address_known" not in values and d(st.booleans()):
            values["address_known"] = "no"  # waives the written notices: runs go deeper
        if bad:
            why.append(f"bad values {values}")
        note, bad_note = draw_note(d)
        if bad_note:
            why.append("bad note")
        parties: list[str] = []
        if d.fault():
            parties.append("bogus:李四")
            why.append("bad party role")
        elif d(st.booleans()):
            parties.append(f"{wf.party_roles[0]}:张三")
        representatives = 0
        if "representative" in wf.party_roles and one_in(data, 4):
            representatives = d(st.integers(1, MAX_REPRESENTATIVES + 2))
            parties += [f"representative:代表{n}" for n in range(representatives)]
        at: Any = None
        instant = self.clock.now
        if d(st.booleans()):
            instant = self.clock.now - timedelta(minutes=d(st.integers(0, 86400)))
            at = local_iso(instant)
        recorded = {} if bad else expected_values(wf.register_fields, values, None)
        for spec in wf.register_fields:  # a case is its committee's, by default its office's
            if spec.kind == "committee" and not bad:
                recorded.setdefault(spec.name, f"{office}-tj")
                if recorded[spec.name] != f"{office}-tj":
                    why.append(f"committee {recorded[spec.name]} is not guided by {office}")
        if wf.versions:
            version = wf.version_on(local_date(instant))
            assert version is not None
            recorded[RULES_KEY] = version.name
        # Registration guard: a group visit names at most five representatives.
        group_visit = recorded.get("channel") == "visit" and recorded.get("people", 1) >= 2
        too_many = wf.name == "petition" and group_visit and representatives > MAX_REPRESENTATIVES
        # Registration guard court_fields: a court's case names its court (mediation.md 2.6).
        court = ("commission", "court", "court_ref", "received_on")
        court += ("procedure",) if recorded.get("commission") == "post_filing" else ()
        no_court = recorded.get("source") == "court_referral" and not all(
            recorded.get(k) for k in court
        )
        too_many = too_many or (wf.name == "mediation" and no_court)
        # A case found by a screening names its entry, and an entry has no more cases than it
        # found (mediation.md 5): the model's one entry found 2.
        entry = recorded.get("screening")
        if recorded.get("source") == "screening" and entry is None and not bad:
            why.append("a screening's case names no entry")
        if entry is not None and self.linked >= SCREENING_FOUND:
            why.append(f"screening {entry} has its {SCREENING_FOUND} cases")

        before = dump(self.engine)
        counts = self.event_counts()
        try:
            result = self.cw.acting(actor).register(
                kind, office, title, parties, values, at=at, note=note
            )
        except CaseworkError as exc:
            self.expect_refused(before, exc)
            if not why:
                assert too_many, f"registering a {kind} at {office} by {actor} refused: {exc}"
                assert isinstance(exc, GuardFailed), f"expected a guard refusal, got {exc!r}"
            return
        assert not why, f"registration accepted although: {'; '.join(why)}"
        assert not too_many, f"{representatives} representatives of a group visit accepted"
        self.linked += entry is not None
        assert result["state"] == wf.initial
        row = self.case_row(result["case_no"])
        assert (row.kind, row.office, row.state) == (kind, office, wf.initial)
        assert row.id not in counts
        assert row.data == recorded
        assert result.get("rules") == recorded.get(RULES_KEY)
        expected = Counter(counts)
        expected[row.id] += 1
        assert self.event_counts() == expected, "a registration must add exactly one event"
        self.check_read_side(result["case_no"])

    def draw_case(self, data: st.DataObject) -> str:
        """A case: mostly one still open (spawned ones included), so that runs get deep into
        the procedures; now and then any, ended ones included."""
        everyone, still = self.case_numbers(), self.open_case_numbers()
        if still and data.draw(st.integers(0, 3)) > 0:
            return str(data.draw(st.sampled_from(still)))
        return str(data.draw(st.sampled_from(sorted(everyone.values()))))

    @precondition(lambda self: bool(self.case_numbers()))
    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        """Fire a trigger on a case."""
        self.fire(self.draw_case(data), Draw(data))

    def fire(self, case_no: str, d: Draw) -> None:
        self.ticked = False
        row = self.case_row(case_no)
        wf = workflow(row.kind)
        possible = [t.name for t in offered(wf, row)]
        # Mostly a trigger whose documents are on file, and of those mostly one that moves the
        # case on without ending it, so that runs get deep into the procedures.
        ready = [t for t in offered(wf, row) if needs_met(t, row)]
        onward = [t.name for t in ready if moves_on(wf, t)]
        if onward and not d.fault() and d(st.booleans()):
            name = d(st.sampled_from(onward))
        elif ready and not d.fault() and d(st.integers(0, 2)) > 0:
            name = d(st.sampled_from([t.name for t in ready]))
        elif possible and not d.fault():
            name = d(st.sampled_from(possible))
        else:
            name = d(st.sampled_from([t.name for t in wf.triggers] + list(BOGUS_TRIGGERS)))
        spec = wf.trigger(name)
        fields = spec.fields if spec is not None else ()
        permitted = [
            a for a in self.who if spec is not None and self.actor_refusal(a, spec, row) is None
        ]
        likely = self.likely(spec, row) if spec is not None else set()
        roles = " ".join(spec.roles) if spec is not None else ""
        actor = self.draw_actor(d, permitted, sorted(likely), roles)
        note, bad_note = draw_note(d)
        note_fills = note is not None and bool(note.strip()) and not bad_note
        values, bad = draw_values(d, fields, note_fills, self.world)
        if spec is None and d(st.booleans()):
            values["reason"] = "anything"
        at, instant = self.draw_at(d, row.last_at)

        why: list[str] = []
        if spec is None or spec.internal or not spec.offered_in(row.rules):
            why.append(f"'{name}' is not a trigger one takes under {row.rules}")
        elif row.state not in wf.sources_of(spec, row.rules):
            why.append(f"'{name}' is not allowed from '{row.state}' under {row.rules}")
        elif (refusal := self.actor_refusal(actor, spec, row)) is not None:
            why.append(refusal)
        if bad:
            why.append(f"bad values {values}")
        if bad_note:
            why.append("bad note")
        if instant is None:
            why.append(f"--at {at} has no timezone")
        elif instant < row.last_at:
            why.append(f"back-dated to {instant} before {row.last_at}")
        recorded = expected_values(fields, values, note) if not why else {}
        outlook = None
        if not why:
            assert spec is not None and instant is not None
            outlook = self.outlook(wf, spec, row, actor, recorded, instant)

        before = dump(self.engine)
        counts = self.event_counts()
        try:
            result = self.cw.acting(actor).advance(case_no, name, values, note=note, at=at)
        except CaseworkError as exc:
            self.expect_refused(before, exc)
            if outlook is not None:
                what = f"'{name}' by {actor} {values} at {at} on {row.state} {row.case_no}"
                assert outlook.refuse or not outlook.certain, f"{what} refused: {exc!r}"
                assert isinstance(exc, tuple(outlook.errors)), f"{what}: unexpected {exc!r}"
            self.check_read_side(case_no)
            return
        assert not why, f"'{name}' by {actor} accepted although: {'; '.join(why)}"
        assert spec is not None and outlook is not None
        assert not outlook.refuse, f"'{name}' by {actor} accepted although: {outlook.refuse}"
        self.check_accepted(wf, spec, row, result, recorded, counts)

    def check_accepted(
        self,
        wf: Workflow,
        spec: TriggerSpec,
        row: CaseRow,
        result: Mapping[str, Any],
        recorded: Mapping[str, Any],
        counts: Counter[int],
    ) -> None:
        """An accepted trigger: the declared state and values, one event on the case, the
        case it spawns and the steps it cascades to, nothing else."""
        dest = wf.dest_of(spec, row.state)
        ev = result["event"]
        assert result["state"] == dest
        assert (ev["seq"], ev["trigger"]) == (row.version + 1, spec.name)
        assert (ev["from_state"], ev["to_state"]) == (row.state, dest)
        assert {k: ev["data"].get(k) for k in recorded} == recorded, ev["data"]
        if spec.derive is None:
            assert set(ev["data"]) == set(recorded), f"values not given {ev['data']}"
        after = self.case_row(row.case_no)
        assert after.state == dest
        assert after.data == {**row.data, **spec.case_values(ev["data"])}
        expected = Counter(counts)
        expected[row.id] += 1
        for cascade in spec.then:
            target = after.data.get(cascade.target)
            if target:
                other = self.case_row(str(target))
                expected[other.id] += 1
                assert other.history[-1][0] == cascade.trigger, f"{other.case_no}: no cascade"
        spawned = result.get("spawned")
        if spec.spawns is not None and ev["data"].get(spec.spawns.office_field):
            assert spawned is not None, f"'{spec.name}' spawned no case"
            child = self.case_row(spawned)
            assert child.id not in counts
            expected[child.id] += 1
            self.check_spawned(wf, spec, after, child, ev)
        else:
            assert spawned is None, f"'{spec.name}' spawned {spawned}"
        assert self.event_counts() == expected, "an accepted step adds one event to its case"
        self.check_read_side(row.case_no)

    def check_spawned(
        self,
        wf: Workflow,
        spec: TriggerSpec,
        parent: CaseRow,
        child: CaseRow,
        ev: Mapping[str, Any],
    ) -> None:
        """The case a trigger spawned: registered at the office it names, on its date, linked
        back to the case it came from, with the values the trigger copies and carries."""
        assert spec.spawns is not None
        assert (child.kind, child.state) == (parent.kind, wf.initial)
        assert child.office == ev["data"][spec.spawns.office_field]
        assert [t for t, _ in child.history] == [REGISTER]
        assert child.last_at == parent.last_at
        links = {
            "origin": spec.spawns.origin,
            "parent_case": parent.case_no,
            "from_office": parent.office,
        }
        assert {k: child.data.get(k) for k in links} == links
        for key in spec.spawns.copy:
            assert child.data.get(key) == parent.data.get(key), key
        for key in spec.spawns.carry:
            assert child.data.get(key) == ev["data"].get(key), key
        if wf.versions:
            version = wf.version_on(local_date(child.last_at))
            assert version is not None and child.rules == version.name

    @precondition(lambda self: bool(self.case_numbers()))
    @rule(data=st.data())
    def add_document(self, data: st.DataObject) -> None:
        """File a document on a case, most often one its next steps rest on."""
        self.file_document(self.draw_case(data), Draw(data))

    def file_document(self, case_no: str, d: Draw) -> None:
        self.ticked = False
        row = self.case_row(case_no)
        wf = workflow(row.kind)
        ended = wf.state(row.state).terminal
        still = ended_file_kinds(wf, row) if ended else set(wf.documents)
        # Mostly what one of the next steps rests on and the file lacks, needed kinds first.
        lacking = still - set(row.documents)
        wants = {t.name: sorted(needed_kinds(t) & lacking) for t in offered(wf, row)}
        if wf.case_file is not None:
            wants["case_file"] = sorted(lacking)  # a complete case file may ask for any
        wants = {name: kinds for name, kinds in wants.items() if kinds}
        if d.fault():
            kind = d(st.sampled_from((*ALL_DOCUMENTS, BOGUS_DOCUMENT)))
        elif ended and d(st.booleans()):
            kind = d(st.sampled_from(sorted(wf.documents)))  # a closed file takes only some
        elif wants and d(st.integers(0, 3)) > 0:
            # Those of a trigger that moves the case on without ending it first, as fire does.
            onward = sorted(n for n in wants if moves_on(wf, wf.trigger(n)))
            step = d(st.sampled_from(onward if onward and d(st.booleans()) else sorted(wants)))
            spec = wf.trigger(step)
            first = sorted(
                {k for g in spec.needs for k in g} & set(wants[step]) if spec is not None else ()
            )
            kind = d(st.sampled_from(first if first and d(st.booleans()) else wants[step]))
        else:
            kind = d(st.sampled_from(sorted(still or wf.documents)))
        permitted = [
            name
            for name, who in self.who.items()
            if who.role != "viewer" and who.may_act_on(row.office)
        ]
        actor = self.draw_actor(d, permitted)
        if d.fault():
            file = self.doc_file + ".missing"
        else:
            file = d(st.sampled_from((None, self.doc_file)))
        note, bad_note = draw_note(d)
        at, instant = self.draw_at(d, row.last_at)

        why: list[str] = []
        if actor not in permitted:
            why.append(f"{actor} may not add documents to a case of {row.office}")
        if kind not in wf.documents:
            why.append(f"{kind!r} is not a {row.kind} document")
        elif ended and kind not in still:
            why.append(f"'{row.state}' has ended and its file takes no {kind!r}")
        if file is not None and file.endswith(".missing"):
            why.append("missing file")
        if bad_note:
            why.append("bad note")
        if instant is None:
            why.append(f"--at {at} has no timezone")
        elif instant < row.last_at:
            why.append(f"back-dated to {instant} before {row.last_at}")

        before = dump(self.engine)
        counts = self.event_counts()
        try:
            result = self.cw.acting(actor).add_document(case_no, kind, file, at=at, note=note)
        except CaseworkError as exc:
            assert why, f"document {kind!r} by {actor} on a '{row.state}' case refused: {exc}"
            self.expect_refused(before, exc)
            self.check_read_side(case_no)
            return
        assert not why, f"document {kind!r} by {actor} accepted although: {'; '.join(why)}"
        digest = hashlib.sha256(DOC_BYTES).hexdigest() if file else None
        ev = result["event"]
        assert result["state"] == row.state
        assert (ev["seq"], ev["trigger"]) == (row.version + 1, DOCUMENT)
        assert (ev["from_state"], ev["to_state"]) == (row.state, row.state)
        assert result["document"]["sha256"] == digest
        after = self.case_row(case_no)
        assert after.state == row.state and after.data == row.data
        assert sorted(after.documents) == sorted((*row.documents, kind))
        expected = Counter(counts)
        expected[row.id] += 1
        assert self.event_counts() == expected, "a document adds exactly one event"
        self.check_read_side(case_no)

    # Mostly a few days (windows of 5 working days and 30 days stay open), now and then weeks.
    @precondition(lambda self: not self.ticked)
    @rule(days=st.integers(0, 3) | st.integers(0, 45), hours=st.integers(0, 23))
    def tick(self, days: int, hours: int) -> None:
        """Time passes (never twice in a row: the steps between are what the run tests)."""
        self.clock.advance(days=days, hours=hours)
        self.ticked = True

    # -- invariants -----------------------------------------------------------------------

    @invariant()
    def database_is_consistent(self) -> None:
        with self.engine.connect() as conn:
            case_rows = conn.execute(
                select(
                    cases.c.id,
                    cases.c.case_no,
                    cases.c.kind,
                    cases.c.office_code,
                    cases.c.year,
                    cases.c.seq,
                    cases.c.state,
                    cases.c.version,
                    cases.c.data,
                )
            ).all()
            event_rows = conn.execute(
                select(
                    events.c.case_id,
                    events.c.seq,
                    events.c.trigger,
                    events.c.from_state,
                    events.c.to_state,
                    events.c.occurred_at,
                    events.c.data,
                ).order_by(events.c.case_id, events.c.seq)
            ).all()
            doc_rows = conn.execute(
                select(documents.c.case_id, documents.c.event_seq, documents.c.kind)
            ).all()
            counters = conn.execute(select(case_counters)).all()

        by_case: dict[int, list[Any]] = defaultdict(list)
        for ev in event_rows:
            by_case[ev.case_id].append(ev)
        assert set(by_case) <= {c.id for c in case_rows}, "events of unknown cases"

        numbers: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for c in case_rows:
            wf = workflow(c.kind)
            assert c.state in wf.state_names, f"{c.case_no}: undeclared state {c.state!r}"
            evs = by_case[c.id]
            assert [e.seq for e in evs] == list(range(1, len(evs) + 1)), c.case_no
            assert c.version == len(evs), f"{c.case_no}: version {c.version}, {len(evs)} events"
            steps = [(e.trigger, e.from_state, e.to_state) for e in evs]
            rules = (c.data or {}).get(RULES_KEY)
            assert replay(wf, steps, rules) == c.state, f"{c.case_no}: replay disagrees"
            times = [e.occurred_at for e in evs]
            assert times == sorted(times), f"{c.case_no}: events out of time order"
            assert c.case_no == f"{wf.prefix}-{c.year}-{c.office_code}-{c.seq:05d}"
            numbers[(wf.prefix, c.office_code, c.year)].append(c.seq)

        # Each document has its 'doc' event, and case numbers are handed out without gaps.
        doc_events = {(e.case_id, e.seq): e for e in event_rows if e.trigger == DOCUMENT}
        assert len(doc_rows) == len(doc_events), "documents and 'doc' events differ in number"
        for doc in doc_rows:
            its = doc_events.get((doc.case_id, doc.event_seq))
            assert its is not None, f"document {doc} has no 'doc' event"
            assert (its.data or {}).get("kind") == doc.kind
        last = {(k.prefix, k.office_code, k.year): k.last_seq for k in counters}
        assert set(last) == set(numbers)
        for key, seqs in numbers.items():
            assert sorted(seqs) == list(range(1, last[key] + 1)), f"case numbers of {key}"


SETTINGS = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_random_steps_keep_the_database_consistent(clock: FrozenClock, tmp_path: Path) -> None:
    """Random steps on a fresh SQLite database per run, with the clock fixture moving time."""
    start = clock.now
    made = Start.build(str(tmp_path / "start.db"), clock)
    run_state_machine_as_test(lambda: CaseworkMachine(clock, start, made), settings=SETTINGS)
