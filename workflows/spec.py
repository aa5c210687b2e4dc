"""The shape of a procedure: states, triggers, roles, data and guards, declared as data.

A procedure module in this package builds one :class:`Workflow` literal named ``WORKFLOW``;
the engine turns it into a state machine without knowing anything procedure-specific.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Literal, Protocol

from casework.errors import InvalidData
from workflows.policy import ROLES

__all__ = ["ROLES"]  # re-exported: procedures name roles from here

PARTY_ROLES: Mapping[str, str] = {
    "petitioner": "信访人",
    "applicant": "申请人",
    "respondent": "被申请人",
    "representative": "代表",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # control characters but tab and newline

FieldKind = Literal["text", "int", "choice", "user", "lookup"]


@dataclass(frozen=True)
class FieldSpec:
    """One value a trigger or a registration takes (``--set name=value``)."""

    name: str
    label: str
    kind: FieldKind = "text"
    choices: Mapping[str, str] = field(default_factory=dict)
    minimum: int | None = None
    maximum: int | None = None
    required: bool = True
    role: str | None = None  # for kind "user": the role the named user must have
    default: str | int | None = None
    max_length: int = 2000
    on_case: bool = True  # copied onto the case's data; False keeps it on the event only
    # For kind "lookup": the name of a value source casework resolves against its own data
    # (such as "subsidy_tier", the tiers of the subsidy scale in force), which may add values.
    source: str | None = None

    def describe(self) -> str:
        """A short English description of what the field accepts."""
        if self.kind == "choice":
            return f"one of {', '.join(self.choices)}"
        if self.kind == "int":
            lo = "" if self.minimum is None else str(self.minimum)
            hi = "" if self.maximum is None else str(self.maximum)
            return f"a whole number {lo}..{hi}".rstrip(".") if lo or hi else "a whole number"
        if self.kind == "user":
            return f"the username of a user with role {self.role}"
        if self.kind == "lookup":
            return f"a value from {self.source}"
        return "a non-empty text"

    def describe_zh(self) -> str:
        """What the field accepts, in Chinese with the English codes beside."""
        if self.kind == "choice":
            listed = "、".join(f"{label} {code}" for code, label in self.choices.items())
            return f"以下之一：{listed}"
        if self.kind == "int":
            lo = "" if self.minimum is None else str(self.minimum)
            hi = "" if self.maximum is None else str(self.maximum)
            return f"{lo}..{hi} 的整数" if lo or hi else "整数"
        if self.kind == "user":
            return f"角色为 {ROLES.get(self.role or '', '')} {self.role} 的用户名"
        if self.kind == "lookup":
            return f"{self.source} 中的取值"
        return "非空文本"

    @property
    def shown(self) -> str:
        """``「延长天数 days」``: the field as messages name it."""
        return f"「{self.label} {self.name}」"

    def refuse(self, why: str, value: object) -> InvalidData:
        return InvalidData(f"{self.shown}{why}", field=f"value.{self.name}", value=value)

    def coerce(self, raw: str) -> str | int:
        """Turn a typed value into the stored one, or refuse it saying why. A choice may be
        given by its code or by its Chinese label (``来访`` for ``visit``)."""
        text = raw.strip()
        if not text:
            raise self.refuse(f"不能为空，应为 {self.describe_zh()}", raw)
        if _CONTROL.search(text):
            raise self.refuse("含有控制字符 (control characters)", raw)
        if len(text) > self.max_length:
            raise self.refuse(f"超过 {self.max_length} 个字符", raw[:40])
        if self.kind == "choice":
            return self._choice(text)
        if self.kind == "int":
            return self._whole(text)
        return text

    def _choice(self, text: str) -> str:
        if text in self.choices:
            return text
        for code, label in self.choices.items():
            if label == text:
                return code
        raise self.refuse(f"应为 {self.describe_zh()}，不是 {text[:40]!r}", text[:40])

    def _whole(self, text: str) -> int:
        if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
            raise self.refuse(f"应为 {self.describe_zh()}，不是 {text[:40]!r}", text[:40])
        value = int(text)
        low = self.minimum is not None and value < self.minimum
        if low or (self.maximum is not None and value > self.maximum):
            raise self.refuse(f"应为 {self.describe_zh()}，不是 {value}", value)
        return value


class EventView(Protocol):
    """A recorded event as guards and deadline code see it."""

    @property
    def seq(self) -> int: ...
    @property
    def trigger(self) -> str: ...
    @property
    def from_state(self) -> str | None: ...
    @property
    def to_state(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def occurred_on(self) -> date: ...
    @property
    def data(self) -> Mapping[str, Any]: ...


class GuardContext(Protocol):
    """What a guard may look at: the case, the trigger's values and the case's history."""

    @property
    def case_no(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...
    @property
    def values(self) -> Mapping[str, Any]: ...
    @property
    def at(self) -> datetime: ...
    @property
    def on(self) -> date: ...
    @property
    def events(self) -> Sequence[EventView]: ...
    @property
    def documents(self) -> Sequence[str]: ...
    @property
    def calendar(self) -> DayCounter: ...


@dataclass(frozen=True)
class Guard:
    """A named rule a trigger must pass; ``check`` returns a refusal message or None."""

    name: str
    label: str
    check: Callable[[GuardContext], str | None]


LimitUnit = Literal["days", "working_days"]


@dataclass(frozen=True)
class TimeLimit:
    """A time limit running while a case is in a state, as the law or local practice sets it.

    It starts at the last ``start`` event (a trigger name, or ``register``), lasts ``days`` (or
    the value of ``days_field`` on the starting event, else ``days``), in calendar days or
    working days, and grows by the ``days`` of each ``extended_by`` event since the start. A
    limit in calendar days that ends on a rest day moves to the next working day (``roll``).
    ``binds`` says who it binds: ``office`` (a deadline: past it the case is overdue, 超期),
    ``advice`` (local practice: past it is a warning, not a violation) or ``party`` (a window
    for the petitioner or the parties: a late request is refused, nothing is overdue).
    """

    name: str
    label: str
    start: str
    days: int
    unit: LimitUnit = "days"
    roll: bool = True
    days_field: str | None = None
    extended_by: tuple[str, ...] = ()
    binds: Literal["office", "advice", "party"] = "office"


class DayCounter(Protocol):
    """The calendar arithmetic a guard may use."""

    def add_days(self, start: date, days: int, roll: bool = True) -> date: ...
    def add_working_days(self, start: date, days: int) -> date: ...


@dataclass(frozen=True)
class LedgerStep:
    """How a ledger (台账) row shows that a step happened, for importing it: a filled date
    column, with columns for the trigger's values. When ``when`` is given, the step happened
    only if that column holds one of the listed entries (a trigger name or a label such as
    调解成功), which is how one date column (结案日期) serves several outcomes."""

    trigger: str
    date: str  # header of the column holding the step's date
    values: Mapping[str, str] = field(default_factory=dict)  # field name -> header
    fixed: Mapping[str, str] = field(default_factory=dict)  # values the ledger entry implies
    when: tuple[str, tuple[str, ...]] | None = None  # (header, entries that select the step)
    actor: str | None = None  # header of the column naming who acted (a username or name)


@dataclass(frozen=True)
class StateSpec:
    name: str
    label: str
    terminal: bool = False
    limit: TimeLimit | None = None

    @property
    def shown(self) -> str:
        """``「已登记 registered」``: the state as messages name it."""
        return f"「{self.label} {self.name}」"


class LinkedCase(Protocol):
    """An earlier case a new one is registered as coming from (``--link``)."""

    @property
    def case_no(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def state(self) -> str: ...


@dataclass(frozen=True)
class LinkRule:
    """A rule on the case a new case comes from; ``check`` returns a refusal or None."""

    name: str
    label: str
    check: Callable[[LinkedCase], str | None]


ANY_OPEN = "*open*"


@dataclass(frozen=True)
class TriggerSpec:
    """A trigger: from which states to which (``dest=None`` stays put), who may fire it."""

    name: str
    label: str
    sources: tuple[str, ...]
    dest: str | None
    roles: tuple[str, ...]
    fields: tuple[FieldSpec, ...] = ()
    guards: tuple[Guard, ...] = ()
    city_only: bool = False  # the actor's office must be a city-level office
    own_office_only: bool = False  # the actor's office must be the case's own office
    offices: tuple[str, ...] = ()  # when given, the actor's office must be one of these

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def shown(self) -> str:
        """``「受理 accept」``: the trigger as messages name it."""
        return f"「{self.label} {self.name}」"

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles)

    @cached_property
    def _event_only(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if not f.on_case)

    def case_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values of an event that become the case's data (derived ones included)."""
        drop = self._event_only
        if not drop:
            return dict(values)
        return {k: v for k, v in values.items() if k not in drop}


@dataclass(frozen=True)
class Workflow:
    """A whole procedure, declared as data."""

    name: str
    label: str
    prefix: str
    states: tuple[StateSpec, ...]
    initial: str
    triggers: tuple[TriggerSpec, ...]
    register_roles: tuple[str, ...]
    register_fields: tuple[FieldSpec, ...] = ()
    party_roles: tuple[str, ...] = tuple(PARTY_ROLES)
    documents: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    # Returns the document kinds still missing from a complete case file, or None when the
    # procedure has no notion of a complete file.
    case_file: Callable[[GuardContext], list[str]] | None = None
    # When set, cases are created only by this command (e.g. subsidy claims by drafting),
    # never by a plain `case register`.
    registered_by: str | None = None
    # How the procedure's paper ledgers show its steps (see LedgerStep); empty when its cases
    # are imported only from casework's own exports (the 办理经过 column).
    ledger: tuple[LedgerStep, ...] = ()
    # Rules on the earlier case a new one is registered from (--link), such as a petition whose
    # matter was concluded (终结), which is not accepted again.
    link_rules: tuple[LinkRule, ...] = ()
    # Triggers that may be taken for a whole quarter's cases at once (subsidy claims: the town
    # check, the city approval, the payment), each from its one source state.
    bulk_triggers: tuple[str, ...] = ()
    # The figures of the metric catalogue this procedure's cases give (see MetricSpec).
    metrics: tuple[MetricSpec, ...] = ()

    @cached_property
    def _states(self) -> dict[str, StateSpec]:
        return {s.name: s for s in self.states}

    @cached_property
    def _triggers(self) -> dict[str, TriggerSpec]:
        return {t.name: t for t in self.triggers}

    @cached_property
    def _sources(self) -> dict[str, tuple[str, ...]]:
        return {t.name: self._expand(t) for t in self.triggers}

    def field(self, name: str) -> FieldSpec | None:
        """A registration or trigger field by name (the first declared wins)."""
        for f in self.register_fields:
            if f.name == name:
                return f
        for t in self.triggers:
            found = t.field(name)
            if found is not None:
                return found
        return None

    def state(self, name: str) -> StateSpec:
        return self._states[name]

    def trigger(self, name: str) -> TriggerSpec | None:
        return self._triggers.get(name)

    def state_named(self, text: str) -> StateSpec | None:
        """A state by its name or its Chinese label (``调解中`` for ``mediating``)."""
        found = self._states.get(text)
        return found or next((s for s in self.states if s.label == text), None)

    def trigger_named(self, text: str) -> TriggerSpec | None:
        """A trigger by its name or its Chinese label (``受理`` for ``accept``)."""
        found = self._triggers.get(text)
        return found or next((t for t in self.triggers if t.label == text), None)

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)

    def sources_of(self, trigger: TriggerSpec) -> tuple[str, ...]:
        """The trigger's from-states, with ``ANY_OPEN`` expanded to every non-terminal state."""
        known = self._sources.get(trigger.name)
        return (
            known
            if known is not None and self._triggers[trigger.name] is trigger
            else (self._expand(trigger))
        )

    def _expand(self, trigger: TriggerSpec) -> tuple[str, ...]:
        out: list[str] = []
        for src in trigger.sources:
            if src == ANY_OPEN:
                out.extend(s.name for s in self.states if not s.terminal)
            else:
                out.append(src)
        return tuple(dict.fromkeys(out))

    def dest_of(self, trigger: TriggerSpec, source: str) -> str:
        return trigger.dest if trigger.dest is not None else source


def last_event(ctx: GuardContext, trigger: str) -> EventView | None:
    """The most recent event of a given trigger in the case's history."""
    for ev in reversed(ctx.events):
        if ev.trigger == trigger:
            return ev
    return None


# -- statistics: what a procedure's figures count (casework.read.stats builds the catalogue) --


@dataclass(frozen=True)
class Registered:
    """Each case of the procedure, once, on the local date it was registered."""


@dataclass(frozen=True)
class FirstEvent:
    """Each case of the procedure, once, on the local date of its first event that fires one
    of ``triggers`` or moves it into one of ``to_states`` (a change of state, not a stay)."""

    triggers: tuple[str, ...] = ()
    to_states: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rate:
    """A percentage with two decimals: metric ``numerator`` over metric ``denominator``."""

    numerator: str
    denominator: str


@dataclass(frozen=True)
class Computed:
    """Items casework computes beyond one query, named by their source: ``replied_on_time``
    (first replies judged against the limit running then), ``approved_claims`` (subsidy claims
    approved for a quarter inside the period)."""

    source: str


MetricCounts = Registered | FirstEvent | Rate | Computed


@dataclass(frozen=True)
class MetricSpec:
    """One figure of the metric catalogue (statistics.md).

    ``kind`` ``count`` counts items, ``sum`` adds their values (a rate is declared by
    ``counts=Rate(...)``); ``distinct_by`` counts items sharing that value once (one dispute,
    one count, however many claims); ``order`` is the figure's place in the catalogue;
    ``hidden`` figures are computed for others (a rate's denominator) but not reported alone.
    """

    name: str
    label: str
    counts: MetricCounts
    kind: Literal["count", "sum"] = "count"
    order: int = 1000
    hidden: bool = False
    distinct_by: str | None = None
