"""Stateful property test: random triggers by random users with random data on random cases.

Every step is one call of the public API (register, advance, add_document) or a tick of the
frozen clock. After every step the whole database is checked:

1. each case's stored state is a declared state of its procedure;
2. replaying the case's events through the procedure gives the stored state;
3. event sequence numbers are 1..n per case and the case's version is n;
4. an accepted step added exactly one event (to that case) and a refused one changed no row
   anywhere (the whole database dump is compared).

Besides these invariants each step is checked against a small model of the rules (who may act
where, which values are valid, back-dating, the procedures' guards): what the model says must
be refused is refused, and what it says must be accepted is accepted, into the declared state,
with the declared values on the event and on the case.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from casework.api import Casework
from casework.domain.replay import DOCUMENT, REGISTER, replay
from casework.errors import CaseworkError, GuardFailed
from casework.storage.tables import case_counters, cases, documents, events, offices
from casework.time.local import CST, local_date, local_iso
from tests.helpers import STAFF, FrozenClock, add_staff, dump
from workflows import default_registry
from workflows.spec import FieldSpec, TriggerSpec, Workflow

REGISTRY = default_registry()
KINDS = ("petition", "mediation", "major_dispute")
OFFICES = ("panzhou", "shanmei")
ACTORS = (*(s[0] for s in STAFF), "admin")
UNKNOWN_USER = "nobody"
# Few open cases at a time, so that the steps of a run go deep into each case's procedure.
MAX_OPEN_CASES = 3
# Trigger names no procedure declares; "register" and "doc" are reserved for the engine itself.
BOGUS_TRIGGERS = ("teleport", REGISTER, DOCUMENT)
BOGUS_DOCUMENT = "selfie"

USERS_BY_ROLE: Mapping[str, tuple[str, ...]] = {
    role: tuple(s[0] for s in STAFF if s[2] == role) for role in {s[2] for s in STAFF}
}

GOOD_TEXTS = ("已依法处理", "reason given", "  前后有空格  ", "两行\n说明", "制表\t符", "x" * 2000)
BAD_TEXTS = ("", "   ", "bad\x01value", "y" * 2001)
GOOD_TITLES = ("拖欠工资", "邻里纠纷", "  土地山林权属  ")
BAD_TITLES = ("", "  ", "null\x00byte", "z" * 501)
GOOD_NOTES = ("已电话联系", "  ", "备注\n第二行")
BAD_NOTES = ("ctl\x02char",)
DOC_BYTES = b"%PDF-1.4 stateful test\n"

# The procedures' guards as their rules are written: (trigger whose event opens it, days).
WINDOW_GUARDS = {
    "review_window": ("reply", 30),
    "rereview_window": ("review", 30),
    "confirmation_window": ("agree", 30),
}


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
    kind: str
    office: str
    state: str
    version: int
    data: Mapping[str, Any]
    last_at: datetime
    history: tuple[tuple[str, date], ...]  # (trigger, occurred_on) in seq order
    documents: tuple[str, ...]


# -- drawing inputs -----------------------------------------------------------------------------


def one_in(data: st.DataObject, n: int) -> bool:
    """True with odds about 1 in n; shrinks to False, so failures shrink toward valid input."""
    return bool(data.draw(st.integers(0, n - 1)) == n - 1)


class Draw:
    """The draws of one step: a clean step, or (one in three) a chaotic one with faults.

    On a clean step every input is valid (the trigger may still be refused by its guards); on
    a chaotic step each input is, one time in three, a fault: a user who may not act, a bad
    value, a bogus trigger or document kind, a back-dated time, a malformed note.
    """

    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.chaotic = one_in(data, 3)

    def __call__(self, strategy: st.SearchStrategy[Any]) -> Any:
        return self.data.draw(strategy)

    def fault(self) -> bool:
        return self.chaotic and one_in(self.data, 3)


def valid_value(spec: FieldSpec) -> st.SearchStrategy[str]:
    if spec.kind == "choice":
        return st.sampled_from(sorted(spec.choices))
    if spec.kind == "int":
        lo = spec.minimum if spec.minimum is not None else -1000
        hi = spec.maximum if spec.maximum is not None else 10**6
        ints = st.integers(lo, hi)
        return ints.map(str) | ints.map(lambda v: f" {v} ")
    if spec.kind == "user":
        assert spec.role is not None
        return st.sampled_from(USERS_BY_ROLE[spec.role])
    return st.sampled_from(GOOD_TEXTS) | st.text(
        alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=20
    )


def invalid_value(spec: FieldSpec) -> st.SearchStrategy[str]:
    bad = list(BAD_TEXTS)
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
    return st.sampled_from(bad)


def draw_values(
    d: Draw, fields: Sequence[FieldSpec], note_fills: bool
) -> tuple[dict[str, str], bool]:
    """A ``--set`` mapping for these fields, and whether the model says it must be refused."""
    values: dict[str, str] = {}
    bad = False
    for spec in fields:
        if d.fault():
            if d(st.booleans()):
                values[spec.name] = d(invalid_value(spec))
                bad = True
            elif spec.required and not (spec.name == "note" and note_fills):
                bad = True  # a required value left out
        elif spec.required or d(st.booleans()):
            values[spec.name] = d(valid_value(spec))
    if d.fault():
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
    """The values an accepted step records: stripped text, whole numbers, defaults."""
    out: dict[str, Any] = {}
    for spec in fields:
        text = raw.get(spec.name)
        if text is None and spec.name == "note" and note and note.strip():
            text = note
        if text is None:
            if spec.default is not None:
                out[spec.name] = spec.default
            continue
        out[spec.name] = int(text.strip()) if spec.kind == "int" else text.strip()
    return out


def on_case(spec: TriggerSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values of an event that the case's data keeps (a field may keep to its event)."""
    keep = {f.name for f in spec.fields if getattr(f, "on_case", True)}
    return {k: v for k, v in values.items() if k in keep}


def predict_guards(
    spec: TriggerSpec, history: Sequence[tuple[str, date]], docs: Sequence[str], at: datetime
) -> bool | None:
    """Whether the trigger's guards pass, by the procedures' written rules; None if unknown."""
    fired = [t for t, _ in history]
    on = local_date(at)
    for guard in spec.guards:
        if guard.name in WINDOW_GUARDS:
            after, days = WINDOW_GUARDS[guard.name]
            starts = [d for t, d in history if t == after]
            ok = bool(starts) and on <= starts[-1] + timedelta(days=days)
        elif guard.name == "extend_once":
            ok = fired.count("extend") < 1
        elif guard.name == "followed_up":
            ok = "follow_up" in fired
        elif guard.name == "case_file_complete":
            needed = {"application", "record", "follow_up"}
            if "agree" in fired:
                needed.add("agreement")
            if "fail" in fired:
                needed.add("termination")
            ok = needed <= set(docs)
        else:
            return None
        if not ok:
            return False
    return True


# -- the machine --------------------------------------------------------------------------------


class CaseworkMachine(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self, clock: FrozenClock, start: datetime) -> None:
        super().__init__()
        clock.now = start
        self.clock = clock
        self.tmp = tempfile.mkdtemp(prefix="casework-stateful-")
        path = os.path.join(self.tmp, "casework.db")
        try:
            self.cw = Casework.initialise(path, offices="gaozhou", clock=clock)
            add_staff(self.cw)
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        self.admin = self.cw.acting("admin")
        self.engine = self.cw.engine
        self.doc_file = os.path.join(self.tmp, "scan.pdf")
        with open(self.doc_file, "wb") as fh:
            fh.write(DOC_BYTES)
        with self.engine.connect() as conn:
            levels = dict(conn.execute(select(offices.c.code, offices.c.level)).all())
        self.who: dict[str, Who] = {
            name: Who(role, office, levels[office] == "city")
            for name, _, role, office in STAFF
            if office is not None
        }
        self.who["admin"] = Who("admin", None, True)

    def teardown(self) -> None:
        self.cw.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

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
                row.kind,
                row.office_code,
                row.state,
                row.version,
                dict(row.data or {}),
                evs[-1].occurred_at,
                tuple((e.trigger, e.occurred_on) for e in evs),
                tuple(docs),
            )

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

    def draw_actor(self, d: Draw, permitted: Sequence[str]) -> str:
        """Someone the model says may act (if anyone), or on a fault anyone at all."""
        if permitted and not d.fault():
            return str(d(st.sampled_from(sorted(permitted))))
        return str(d(st.sampled_from((*ACTORS, UNKNOWN_USER))))

    def draw_at(self, d: Draw, last: datetime) -> tuple[Any, datetime | None]:
        """An ``at`` never in the future, and its instant (None when it must be refused).

        Mostly between the case's last event and now; on a fault before the last event, or a
        datetime without a timezone.
        """
        now = self.clock.now
        mode = "backward" if d.fault() else d(st.sampled_from(("now", "forward", "same")))
        if mode == "now":
            return None, now
        if mode == "same":
            instant = last
        elif mode == "forward":
            span = int((now - last).total_seconds() // 60)
            instant = last + timedelta(minutes=d(st.integers(0, max(span, 0))))
        else:
            instant = last - timedelta(minutes=d(st.integers(1, 20 * 24 * 60)))
        form = d(st.sampled_from(("datetime", "local", "utc", "date")))
        if form == "local":
            return local_iso(instant), instant
        if form == "utc":
            return instant.isoformat(), instant
        if form == "date":
            day = local_date(instant)
            return day.isoformat(), datetime.combine(day, time(0, 0), tzinfo=CST)
        if d.fault():
            return instant.astimezone(CST).replace(tzinfo=None), None
        return instant, instant

    def may_fire(self, actor: str, spec: TriggerSpec, office: str) -> bool:
        who = self.who.get(actor)
        if who is None or not who.roles & set(spec.roles):
            return False
        if spec.city_only and not who.city:
            return False
        return who.may_act_on(office)

    # -- checking one step ---------------------------------------------------------------

    def expect_refused(self, before: dict[str, Any], exc: CaseworkError) -> None:
        assert dump(self.engine) == before, f"refused ({exc}) but the database changed"

    def expect_one_event(self, counts_before: Counter[int], case_id: int) -> None:
        expected = Counter(counts_before)
        expected[case_id] += 1
        assert self.event_counts() == expected, "an accepted step must add exactly one event"

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
        target=cases,
        kind=st.sampled_from(KINDS),
        office=st.sampled_from(OFFICES),
        data=st.data(),
    )
    def register(self, kind: str, office: str, data: st.DataObject) -> Any:
        d = Draw(data)
        wf = workflow(kind)
        permitted = [
            name
            for name, who in self.who.items()
            if who.roles & set(wf.register_roles) and who.may_act_on(office)
        ]
        actor = self.draw_actor(d, permitted)
        why: list[str] = []
        if actor not in permitted:
            why.append(f"{actor} may not register a {kind} at {office}")
        title = d(st.sampled_from(BAD_TITLES if d.fault() else GOOD_TITLES))
        if title in BAD_TITLES:
            why.append(f"bad title {title[:20]!r}")
        values, bad = draw_values(d, wf.register_fields, note_fills=False)
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
        at: Any = None
        if d(st.booleans()):
            at = local_iso(self.clock.now - timedelta(minutes=d(st.integers(0, 86400))))

        before = dump(self.engine)
        counts = self.event_counts()
        try:
            result = self.cw.acting(actor).register(
                kind, office, title, parties, values, at=at, note=note
            )
        except CaseworkError as exc:
            assert why, f"registering a {kind} at {office} by {actor} {values} refused: {exc}"
            self.expect_refused(before, exc)
            return multiple()
        assert not why, f"registration accepted although: {'; '.join(why)}"
        assert result["state"] == wf.initial
        row = self.case_row(result["case_no"])
        assert (row.kind, row.office, row.state) == (kind, office, wf.initial)
        assert row.id not in counts
        assert row.data == expected_values(wf.register_fields, values, None)
        self.expect_one_event(counts, row.id)
        self.check_read_side(result["case_no"])
        return result["case_no"]

    @rule(case_no=cases, data=st.data())
    def advance(self, case_no: str, data: st.DataObject) -> None:
        """Fire a trigger on any case, closed ones included."""
        self.fire(case_no, Draw(data))

    @precondition(lambda self: bool(self.open_case_numbers()))
    @rule(data=st.data())
    def advance_open_case(self, data: st.DataObject) -> None:
        """Fire a trigger on a case still open, so that runs get deep into the procedures."""
        case_no = data.draw(st.sampled_from(self.open_case_numbers()))
        self.fire(case_no, Draw(data))

    def fire(self, case_no: str, d: Draw) -> None:
        row = self.case_row(case_no)
        wf = workflow(row.kind)
        possible = [t.name for t in wf.triggers if row.state in wf.sources_of(t)]
        if possible and not d.fault():
            name = d(st.sampled_from(possible))
        else:
            name = d(st.sampled_from([t.name for t in wf.triggers] + list(BOGUS_TRIGGERS)))
        spec = wf.trigger(name)
        fields = spec.fields if spec is not None else ()
        permitted = [a for a in self.who if spec is not None and self.may_fire(a, spec, row.office)]
        actor = self.draw_actor(d, permitted)
        note, bad_note = draw_note(d)
        note_fills = note is not None and bool(note.strip()) and not bad_note
        values, bad = draw_values(d, fields, note_fills)
        if spec is None and d(st.booleans()):
            values["reason"] = "anything"
        at, instant = self.draw_at(d, row.last_at)

        why: list[str] = []
        if spec is None or row.state not in wf.sources_of(spec):
            why.append(f"'{name}' is not allowed from '{row.state}'")
        elif actor not in permitted:
            why.append(f"{actor} may not fire '{name}' on a case of {row.office}")
        if bad:
            why.append(f"bad values {values}")
        if bad_note:
            why.append("bad note")
        if instant is None:
            why.append(f"--at {at} has no timezone")
        elif instant < row.last_at:
            why.append(f"back-dated to {instant} before {row.last_at}")
        guards = None
        if spec is not None and instant is not None and not why:
            guards = predict_guards(spec, row.history, row.documents, instant)

        before = dump(self.engine)
        counts = self.event_counts()
        try:
            result = self.cw.acting(actor).advance(case_no, name, values, note=note, at=at)
        except CaseworkError as exc:
            if not why:
                assert guards is not True, f"'{name}' by {actor} {values} at {at} refused: {exc}"
                assert isinstance(exc, GuardFailed), f"expected a guard refusal, got {exc!r}"
            self.expect_refused(before, exc)
            self.check_read_side(case_no)
            return
        assert not why, f"'{name}' by {actor} accepted although: {'; '.join(why)}"
        assert spec is not None
        assert guards is not False, f"'{name}' accepted although its guards refuse it"
        dest = wf.dest_of(spec, row.state)
        recorded = expected_values(spec.fields, values, note)
        ev = result["event"]
        assert result["state"] == dest
        assert (ev["seq"], ev["trigger"]) == (row.version + 1, name)
        assert (ev["from_state"], ev["to_state"]) == (row.state, dest)
        assert ev["data"] == recorded
        after = self.case_row(case_no)
        assert after.state == dest
        assert after.data == {**row.data, **on_case(spec, recorded)}
        self.expect_one_event(counts, row.id)
        self.check_read_side(case_no)

    @rule(case_no=cases, data=st.data())
    def add_document(self, case_no: str, data: st.DataObject) -> None:
        d = Draw(data)
        row = self.case_row(case_no)
        wf = workflow(row.kind)
        if not d.fault():
            kind = d(st.sampled_from(sorted(wf.documents)))
        else:
            kind = d(st.sampled_from((*ALL_DOCUMENTS, BOGUS_DOCUMENT)))
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
        if wf.state(row.state).terminal:
            why.append(f"'{row.state}' is terminal")
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
        self.expect_one_event(counts, row.id)
        self.check_read_side(case_no)

    @rule(days=st.integers(0, 45), hours=st.integers(0, 23))
    def tick(self, days: int, hours: int) -> None:
        self.clock.advance(days=days, hours=hours)

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
            assert replay(wf, steps) == c.state, f"{c.case_no}: replay disagrees"
            times = [e.occurred_at for e in evs]
            assert times == sorted(times), f"{c.case_no}: events out of time order"
            assert c.case_no == f"{wf.prefix}-{c.year}-{c.office_code}-{c.seq:05d}"
            numbers[(wf.prefix, c.office_code, c.year)].append(c.seq)

        # Each document has its 'doc' event, and case numbers are handed out without gaps.
        doc_events = {(e.case_id, e.seq): e for e in event_rows if e.trigger == DOCUMENT}
        assert len(doc_rows) == len(doc_events), "documents and 'doc' events differ in number"
        for doc in doc_rows:
            ev = doc_events.get((doc.case_id, doc.event_seq))
            assert ev is not None, f"document {doc} has no 'doc' event"
            assert (ev.data or {}).get("kind") == doc.kind
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


def test_random_steps_keep_the_database_consistent(clock: FrozenClock) -> None:
    """Random steps on a fresh SQLite database per run, with the clock fixture moving time."""
    start = clock.now
    run_state_machine_as_test(lambda: CaseworkMachine(clock, start), settings=SETTINGS)
