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
from casework.typed import DAYS, FIRST_DAY, LAST_DAY, typed, year_outside
from workflows.chars import UNSAFE_CHARS, UNSAFE_ZH
from workflows.policy import ROLES
from workflows.printed import Fill, PrintedDocument
from workflows.settings import SettingSpec, SettingValue
from workflows.versions import RuleVersion, earliest, in_force
from workflows.wording import ReportSentence

__all__ = ["ROLES"]  # re-exported: procedures name roles from here

PARTY_ROLES: Mapping[str, str] = {
    "petitioner": "信访人",
    "applicant": "申请人",
    "respondent": "被申请人",
    "representative": "代表",
    "agent": "代理人",
    "caller": "诉求人",
    "third_party": "第三人",
}

# How a person finds two cases related (``case link``): the same matter (同人同事: a repeat),
# related, or not the same matter after all.
LINK_RELATIONS: Mapping[str, str] = {
    "same_matter": "同一事项",
    "related": "相关事项",
    "not_same": "非同一事项",
}


# "committee": a people's mediation committee's code; registering with one sets the case's
# office to the committee's guiding office (PML art. 5), without one the office's own.
# "users": several users of ``role``, typed comma-separated (``a,b``), at least ``minimum`` of
# them (a reconsideration's reviewers: two or more, 行政复议法 art. 45).
# "case_ref": the number of another open case of the same procedure (a 12345 order merged into
# its main one); with ``link``, the two are linked both ways when the step is taken.
FieldKind = Literal[
    "text", "int", "choice", "user", "users", "lookup", "date", "office", "committee", "case_ref"
]


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
    # Set only by casework itself (a spawned case's parent), never typed by a user.
    internal: bool = False
    # When not typed: the value of this key of the case's data (an approval's tier defaults to
    # the claim's proposed tier).
    default_from: str | None = None
    # For kind "choice": labels earlier ledgers wrote, each with the code it now means
    # (``土地山林`` for ``land``), accepted on input and never shown.
    aliases: Mapping[str, str] = field(default_factory=dict)
    # Names the field had before (``amount`` for ``amount_claimed``): a value given under one
    # of them is taken as this field's.
    former: tuple[str, ...] = ()
    # Required (though ``required`` is False) when another value of the same step holds one
    # of these codes: ``("source", ("screening",))`` (a case found by a screening names it).
    required_when: tuple[str, tuple[str, ...]] | None = None
    # For kind "case_ref": the link kinds recorded from this case to the named one and back
    # (``("merged_into", "merged_from")``), as ``case link`` and spawned cases record theirs.
    link: tuple[str, str] | None = None

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
        if self.kind == "users":
            return f"{self.minimum or 1} or more comma-separated usernames with role {self.role}"
        if self.kind == "lookup":
            return f"a value from {self.source}"
        if self.kind == "date":
            return "an ISO date such as 2020-03-02"
        if self.kind == "office":
            return "the code of an office"
        if self.kind == "committee":
            return "the code of a people's mediation committee"
        if self.kind == "case_ref":
            return "the number of another open case of this procedure"
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
        if self.kind == "users":
            role = f"{ROLES.get(self.role or '', '')} {self.role}"
            return f"至少 {self.minimum or 1} 个角色为 {role} 的用户名，以逗号分隔"
        if self.kind == "lookup":
            return f"{self.source} 中的取值"
        if self.kind == "date":
            return "ISO 日期（如 2020-03-02）"
        if self.kind == "office":
            return "单位代码"
        if self.kind == "committee":
            return "人民调解委员会代码"
        if self.kind == "case_ref":
            return "本程序另一未办结案件的编号"
        return "非空文本"

    @cached_property
    def left_out_when_absent(self) -> bool:
        """Whether a value not given is simply left out: the field is optional, with no
        default, former name or default from the case's data, and is not the note."""
        plain = not (self.former or self.default_from or self.required)
        return plain and self.default is None and self.name != "note"

    @property
    def shown(self) -> str:
        """``「延长天数 days」``: the field as messages name it."""
        return f"「{self.label} {self.name}」"

    def refuse(self, why: str, value: object) -> InvalidData:
        return InvalidData(f"{self.shown}{why}", field=f"value.{self.name}", value=value)

    def coerce(self, raw: object) -> str | int:
        """Turn a typed value into the stored one, or refuse it saying why. A choice may be
        given by its code or by its Chinese label (``来访`` for ``visit``); a whole number may
        come as a number (from a script or JSON), anything else only as text."""
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            raise self.refuse(f"应为文字 (text), 不是 {type(raw).__name__}", repr(raw)[:40])
        text = raw.strip()
        if not text:
            raise self.refuse(f"不能为空，应为 {self.describe_zh()}", raw)
        if not text.isprintable() and UNSAFE_CHARS.search(text):  # isprintable: common, fast
            raise self.refuse(UNSAFE_ZH, ascii(raw[:40]))
        if len(text) > self.max_length:
            raise self.refuse(f"超过 {self.max_length} 个字符", raw[:40])
        if self.kind == "choice":
            return self._choice(text)
        if self.kind == "int":
            return self._whole(text)
        if self.kind == "users":
            return self._members(text)
        if self.kind == "date":
            return self._day(text)
        return text

    def _members(self, text: str) -> str:
        """Several usernames, once each, in the order typed: ``a,b`` (also ``a、b``, ``a b``)."""
        names = list(dict.fromkeys(n for n in re.split(r"[,，、\s]+", text) if n))
        if len(names) < (self.minimum or 1):
            raise self.refuse(f"应为 {self.describe_zh()}，只有 {len(names)} 个", text[:40])
        return ",".join(names)

    def _day(self, text: str) -> str:
        """An ISO date as typed (full-width digits too), within casework's range of dates."""
        raw = typed(text).strip()
        try:
            day = date.fromisoformat(raw) if len(raw) == 10 else None
        except ValueError:
            day = None
        if day is None:
            if year_outside(raw):
                raise self.refuse(f"{text[:40]!r} 超出范围 out of range ({DAYS})", text[:40])
            raise self.refuse(f"应为 {self.describe_zh()}，不是 {text[:40]!r}", text[:40])
        if not FIRST_DAY <= day <= LAST_DAY:
            raise self.refuse(f"{raw!r} 超出范围 out of range ({DAYS})", raw)
        return day.isoformat()

    @cached_property
    def _codes(self) -> dict[str, str]:
        """What a choice may be typed as, each with its code: an alias, else the first code
        of that label, else the code itself (a code beats a label, a label an alias)."""
        out = dict(self.aliases)
        labels: dict[str, str] = {}
        for code, label in self.choices.items():
            labels.setdefault(label, code)
        out.update(labels)
        out.update((code, code) for code in self.choices)
        return out

    def _choice(self, text: str) -> str:
        code = self._codes.get(text)
        if code is None:
            raise self.refuse(f"应为 {self.describe_zh()}，不是 {text[:40]!r}", text[:40])
        return code

    def _whole(self, typed_text: str) -> int:
        """A whole number as typed (full-width digits too), within the field's bounds."""
        text = "".join(typed(typed_text).split())
        if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
            shown = typed_text[:40]
            raise self.refuse(f"应为 {self.describe_zh()}，不是 {shown!r}", shown)
        value = int(text)
        low = self.minimum is not None and value < self.minimum
        if low or (self.maximum is not None and value > self.maximum):
            raise self.refuse(f"应为 {self.describe_zh()}，不是 {value}", value)
        return value


@dataclass(frozen=True, eq=False)
class FieldSet:
    """A step's fields with what checking its values asks of them every time, worked out
    once (``casework.domain.checks.checked_values``: tens of thousands of steps a year)."""

    fields: tuple[FieldSpec, ...]

    @cached_property
    def typed_names(self) -> frozenset[str]:
        """The names (former ones too) a value may be given under by a user."""
        return frozenset(n for f in self.fields if not f.internal for n in (f.name, *f.former))

    @cached_property
    def all_names(self) -> frozenset[str]:
        """The names the engine may give values under (``internal`` fields too)."""
        return frozenset(n for f in self.fields for n in (f.name, *f.former))

    @cached_property
    def conditional(self) -> tuple[FieldSpec, ...]:
        """The fields with a ``required_when``, in order."""
        return tuple(f for f in self.fields if f.required_when is not None)


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


class ActorView(Protocol):
    """The user taking a step, as guards see them."""

    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def office(self) -> str | None: ...
    @property
    def city_wide(self) -> bool: ...


class PartyView(Protocol):
    @property
    def role(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def id_number(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...


class LinkView(Protocol):
    """A case linked to this one (``same_matter``, ``origin`` ...), read when a guard asks."""

    @property
    def kind(self) -> str: ...
    @property
    def case_no(self) -> str: ...
    @property
    def case_kind(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def office(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...
    def events(self) -> Sequence[EventView]: ...


class CommitteeView(Protocol):
    """A people's mediation committee (人民调解委员会, PML art. 8) as guards see it: the office
    that guides it (PML art. 5), and a studio's named mediator."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def subtype(self) -> str | None: ...
    @property
    def office(self) -> str: ...
    @property
    def mediator(self) -> str | None: ...
    @property
    def active_from(self) -> date: ...
    @property
    def active_to(self) -> date | None: ...


class GuardContext(Protocol):
    """What a guard may look at: the case, the trigger's values, the case's history and file,
    who acts, and the world as it stood on the step's day (settings, the office hierarchy)."""

    @property
    def case_no(self) -> str: ...
    @property
    def office(self) -> str: ...
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
    @property
    def rules(self) -> str | None:
        """The rule version the case pins (``xf2005``), or None."""

    @property
    def actor(self) -> ActorView | None: ...
    @property
    def parties(self) -> Sequence[PartyView]: ...
    @property
    def links(self) -> Sequence[LinkView]: ...
    def setting(self, key: str, day: date | None = None) -> SettingValue:
        """A dated setting as it stood on ``day`` (default: the step's day)."""

    def parent(self, office: str) -> str | None:
        """The parent of an office or outside organ (``ext:NAME``) on the step's day."""

    def level(self, office: str) -> int | None:
        """Town 1, city 2, Maoming 3, province 4, Beijing 5."""

    def office_kind(self, office: str) -> str | None:
        """An office's kind (``petition_bureau``: the petition bureau, 信访部门)."""

    def committee_of(self, username: str, day: date | None = None) -> str | None:
        """The committee a mediator is a member of on ``day`` (default: the step's day)."""

    def committee_info(self, code: str) -> CommitteeView | None:
        """A committee by its code, None when unknown."""

    def user_attributes(self, username: str) -> Mapping[str, str]:
        """A user's declared attributes (``workflows.policy.USER_ATTRIBUTES``) as they stand
        when the step is taken: empty for a user without any, or an unknown one."""


class Refusal(str):
    """A guard's refusal message that also names the value at fault (``value.notice_method``),
    so that the CLI, the importer and the web can say which input to fix."""

    field: str | None

    def __new__(cls, message: str, field: str | None = None) -> Refusal:
        made = super().__new__(cls, message)
        made.field = field
        return made


@dataclass(frozen=True)
class Guard:
    """A named rule a trigger must pass; ``check`` returns a refusal message (a
    :class:`Refusal` to name the value at fault) or None."""

    name: str
    label: str
    check: Callable[[GuardContext], str | None]


LimitUnit = Literal["days", "working_days"]
# Who a limit binds: ``office`` a deadline (past it the case is overdue, 超期); ``advice`` local
# practice (a warning, not a violation); ``party`` a window for the petitioner or the parties (a
# late request is refused, nothing is overdue); ``office_window`` an office's own window (acting
# late is refused, nothing is overdue); ``outside`` an organ outside casework (shown, never
# overdue, never in on-time figures).
# ``reminder`` a day the office is reminded of (督促履行: listed by ``due`` once it passes, never
# overdue).
Binds = Literal["office", "advice", "party", "office_window", "outside", "reminder"]


@dataclass(frozen=True)
class Pause:
    """A clock pause: opened by one trigger, closed by another (hearings, 听证). With
    ``setting``, the pause counts only while that dated setting is on; ``label`` is what the
    limit's rule calls it (听证, 中止)."""

    opens: str
    closes: str
    setting: str | None = None
    label: str = "中止"


LapseDate = Literal["last_day", "start"]


@dataclass(frozen=True)
class Lapse:
    """What follows when a limit lapses (a default transition, hotline_reconsideration.md 9.4).

    ``by="engine"``: ``casework sweep`` fires ``trigger`` itself, once, as the system actor
    ``ENGINE``, when the case is still in a state the limit runs in and the trigger is offered
    there; the event is dated by the rule (``dated``: the limit's last day, or the day it
    started), per rule version in ``dated_in``, never before the case's last event, and records
    that day under ``date_field`` (what later limits count from) and the limit's name under
    ``lapsed``. ``by="person"``: the step turns on a judgment (视为放弃 on "good reason"): it is
    listed as due for a person (``casework due``, the sweep's "needs a person"), never fired."""

    trigger: str
    by: Literal["engine", "person"] = "engine"
    dated: LapseDate = "last_day"
    dated_in: Mapping[str, LapseDate] = field(default_factory=dict)
    date_field: str | None = None

    def dated_for(self, rules: str | None) -> LapseDate:
        """How the fired event is dated under a rule version."""
        return self.dated_in.get(rules or "", self.dated)


@dataclass(frozen=True)
class TimeLimit:
    """A time limit, as the law or local practice sets it.

    It starts at the last ``start`` event (a trigger name, or ``register``; with ``start_from``
    only when fired from one of those states) or ``restarts`` event, lasts ``days`` (or the
    value of ``days_field`` on the starting event, or of the dated setting ``days_setting``),
    in calendar days or working days, and grows by the ``days`` of each ``extended_by`` event
    since the start and by the days of each ``pauses`` pause begun before its last day (both
    ends counted). A limit in calendar days that ends on a rest day moves to the next working
    day (``roll``). While a pause is open the limit has no last day and is never overdue.

    A limit runs while the case is in a state listing it; a ``duty`` runs whatever the state
    from its start until a ``met_by`` event, even on an ended case. ``bound`` names the case
    value holding the office it binds (a review binds the reviewer), else the case's office;
    when that office is outside casework the limit binds ``outside``. ``rules`` limits it to
    those rule versions, ``applies`` to cases whose data it accepts; ``start_if`` to starting
    and restarting events it accepts (a delivery that reached the petitioner, a reopening that
    set a new term).
    """

    name: str
    label: str
    start: str
    days: int
    unit: LimitUnit = "days"
    roll: bool = True
    days_field: str | None = None
    extended_by: tuple[str, ...] = ()
    binds: Binds = "office"
    start_from: tuple[str, ...] = ()
    restarts: tuple[str, ...] = ()
    pauses: tuple[Pause, ...] = ()
    duty: bool = False
    met_by: tuple[str, ...] = ()
    bound: str | None = None
    rules: tuple[str, ...] = ()
    days_setting: str | None = None
    applies: Callable[[Mapping[str, Any]], bool] | None = None
    start_if: Callable[[EventView], bool] | None = None
    # The starting event's date value the limit counts from (a court's papers received, an
    # agreement's effective day) instead of the event's own day (which stands in when the
    # event holds none).
    start_field: str | None = None
    # A dated setting (a text naming a trigger, or ``register``) that says which event starts
    # the limit instead of ``start``, read as it stood on the case's registration day.
    start_setting: str | None = None
    # With a ``days_setting`` of kind ``table``: the case values whose codes pick the table's
    # row (the first of them the table has a row for; a 12345 order's urgency, then its
    # category), as they stood at the limit's start.
    days_by: tuple[str, ...] = ()
    # A whole-number value of the starting event added to its length (an application's
    # ``delay_days``: time lost to force majeure, 行政复议法 art. 20 para 2).
    plus_field: str | None = None
    # What follows when it lapses (see Lapse); a state-bound limit with ``met_by`` stops at
    # those events as a duty does.
    on_lapse: Lapse | None = None

    def starts_at(self, ev: EventView, start: str | None = None) -> bool:
        """Whether this event starts (or restarts) the limit (``start``: the starting trigger
        a dated setting names instead of the declared one)."""
        if ev.trigger == (start or self.start):
            if self.start_from and ev.from_state not in self.start_from:
                return False
        elif ev.trigger not in self.restarts:
            return False
        return self.start_if is None or self.start_if(ev)

    def start_day(self, ev: EventView) -> date:
        """The day the limit counts from: the starting event's ``start_field``, else its day."""
        if self.start_field is not None:
            value = ev.data.get(self.start_field)
            if isinstance(value, date):
                return value
            if isinstance(value, str) and value:
                return date.fromisoformat(value)
        return ev.occurred_on

    def in_version(self, rules: str | None) -> bool:
        """Whether the limit is part of a rule version (whatever cases it applies to)."""
        return not self.rules or rules in self.rules

    def holds_for(self, data: Mapping[str, Any]) -> bool:
        """Whether the limit applies to a case with this data (its rule version included)."""
        if self.rules and data.get("rules") not in self.rules:
            return False
        return self.applies is None or self.applies(data)


class DayCounter(Protocol):
    """The calendar arithmetic a guard may use."""

    def add_days(self, start: date, days: int, roll: bool = True) -> date: ...
    def add_working_days(self, start: date, days: int) -> date: ...
    def next_working_day(self, day: date) -> date: ...
    def working_days_between(self, start: date, end: date) -> int: ...


@dataclass(frozen=True)
class LedgerStep:
    """How a ledger (台账) row shows that a step happened, for importing it: a filled date
    column, with columns for the trigger's values. When ``when`` is given, the step happened
    only if that column holds one of the listed entries (a trigger name or a label such as
    调解成功), which is how one date column (结案日期) serves several outcomes; an entry ``""``
    selects the step when that column is empty (a step with no date then did not happen).

    A row may also imply steps the ledger has no column for (a platform's 办结时间 implies the
    reply and its approval): ``or_dates`` are the columns whose date the step takes, in order,
    when its own date column is empty or missing, and ``filled`` and ``empty`` name columns that
    must be filled (a 承办单位 dispatched to) or empty (none: answered directly) for the step
    to have happened."""

    trigger: str
    date: str  # header of the column holding the step's date
    values: Mapping[str, str] = field(default_factory=dict)  # field name -> header
    fixed: Mapping[str, str] = field(default_factory=dict)  # values the ledger entry implies
    when: tuple[str, tuple[str, ...]] | None = None  # (header, entries that select the step)
    actor: str | None = None  # header of the column naming who acted (a username or name)
    or_dates: tuple[str, ...] = ()  # headers whose date the step takes when its own is empty
    filled: tuple[str, ...] = ()  # headers that must be filled for the step to have happened
    empty: tuple[str, ...] = ()  # headers that must be empty for the step to have happened

    @property
    def date_headers(self) -> tuple[str, ...]:
        return (self.date, *self.or_dates)

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header the step reads."""
        out = [*self.date_headers, *self.values.values(), *self.filled, *self.empty]
        if self.when:
            out.append(self.when[0])
        if self.actor:
            out.append(self.actor)
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class StateSpec:
    name: str
    label: str
    terminal: bool = False
    limit: TimeLimit | None = None
    limits: tuple[TimeLimit, ...] = ()  # more limits running in this state

    @property
    def shown(self) -> str:
        """``「已登记 registered」``: the state as messages name it."""
        return f"「{self.label} {self.name}」"

    @cached_property
    def all_limits(self) -> tuple[TimeLimit, ...]:
        return ((self.limit,) if self.limit is not None else ()) + self.limits


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


ANY_OPEN = "*open*"  # every state that does not end the case
ANY_ENDED = "*ended*"  # every state that ends it (for record-only triggers)
# A system actor: the engine fires a trigger as the consequence of another (see Cascade).
ENGINE = "engine"
OfficeOf = Callable[[GuardContext], str | None]


@dataclass(frozen=True)
class ActsFor:
    """Whose user may take a trigger, when that is not simply the case's own office.

    ``office`` gives the office that acts (a code, ``ext:NAME`` for an organ outside casework,
    or None when there is none yet). Inside casework, a user of that very office with one of
    ``roles`` acts, and no admin stands in for it. Outside, the step records the outside
    organ's act: a user with one of ``outside`` roles, of a city office (``outside_at`` city)
    or of the case's office (``case``), giving the values ``records`` (the organ, its document
    number)."""

    office: OfficeOf
    label: str
    roles: tuple[str, ...] = ("supervisor",)
    outside: tuple[str, ...] = ("clerk", "supervisor")
    outside_at: Literal["city", "case"] = "city"
    records: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spawn:
    """A trigger that creates a linked case at another office, in the same transaction.

    When the trigger's value ``office_field`` names an office of casework, a case of the same
    procedure is registered there on the event's date, with the trigger's case's title and
    parties, the values ``copy`` of its data, ``origin`` and ``parent_case`` (the sending
    case), ``from_office``, and the trigger's values named in ``carry``; the two are linked both
    ways (origin, successor)."""

    origin: str
    office_field: str = "to_office"
    copy: tuple[str, ...] = ()
    carry: tuple[str, ...] = ()


@dataclass(frozen=True)
class Numbered:
    """A number a trigger hands out when it is taken, kept in its event and the case's data
    under ``field``: a case file's cover number (卷宗号), say. Numbers count per ``counter``,
    ``key`` (a committee's code, from the case) and the step's year, like case numbers: never
    handed out twice, and none taken by a refused step. ``text`` writes it (year, number)."""

    field: str
    label: str
    counter: str
    key: Callable[[GuardContext], str]
    text: Callable[[GuardContext, int, int], str]


@dataclass(frozen=True)
class Cascade:
    """A consequence on another case: after the trigger, the engine fires ``trigger`` on the
    case whose number the case's value ``target`` holds (when it holds one), in the same
    transaction, as the same user but without a role check (the law moves it, not a person).
    With ``same_case`` it fires on the case itself, at the same instant (an agreement performed
    on the spot is agreed and performed at once); with ``when`` (a value's name and value) only
    when the trigger's event holds that value."""

    trigger: str
    target: str = "parent_case"
    same_case: bool = False
    when: tuple[str, str] | None = None

    def holds(self, values: Mapping[str, Any]) -> bool:
        """Whether the cascade follows an event with these values."""
        return self.when is None or values.get(self.when[0]) == self.when[1]


@dataclass(frozen=True)
class Flag:
    """A mark ``case show`` sets on a case (集体访, 越级 ...) when ``check`` holds.

    Flags of one ``group`` are the sides of one mark (初信初访 or 重复信访: petition.md's
    ``first_or_repeat``): ``case show`` gives the group's name with the side that holds as its
    value, while each side stays a flag of its own for the figures that count it."""

    name: str
    label: str
    check: Callable[[GuardContext], bool]
    group: str | None = None


@dataclass(frozen=True)
class Confidential:
    """Parties kept from the office handling a case (承办单位) when a registration value asks
    it: a 12345 caller who asks to stay confidential (保密) is hidden from the handler
    (hotline_reconsideration.md 7), while the owning office sees them as usual. Users of the
    handling office get the party's role only, never its name, ID number or phone, revealed
    or not."""

    field: str  # the registration field that asks it
    roles: tuple[str, ...]  # the party roles it hides
    values: tuple[str, ...] = ("yes",)  # the field's values that ask it


@dataclass(frozen=True)
class Shown:
    """A value ``case show`` gives at the top level (a petition's reviewer), from the case."""

    name: str
    label: str
    value: Callable[[GuardContext], object]


@dataclass(frozen=True)
class TriggerSpec:
    """A trigger: from which states to which (``dest=None`` stays put), who may fire it.

    ``record_only`` triggers change no state and may be declared on ended states. ``needs``
    lists the document kinds the case file must hold first (each entry one kind, or several
    of which one will do); ``files`` the kinds its guards ask for when they do. ``rules``
    limits the trigger to those rule versions. ``derive`` adds values computed from the case
    (a review's reviewer: the case office's parent). ``internal`` triggers are fired only by
    the engine (a cascade)."""

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
    record_only: bool = False
    needs: tuple[tuple[str, ...], ...] = ()
    files: tuple[str, ...] = ()  # kinds its guards may ask for besides ``needs``
    rules: tuple[str, ...] = ()
    acts: tuple[ActsFor, ...] = ()
    spawns: Spawn | None = None
    then: tuple[Cascade, ...] = ()
    derive: Callable[[GuardContext], Mapping[str, Any]] | None = None
    internal: bool = False
    # Rules the step breaks without being refused: each message is given in the step's result.
    warnings: tuple[Guard, ...] = ()
    numbered: Numbered | None = None

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
    def field_set(self) -> FieldSet:
        return FieldSet(self.fields)

    @cached_property
    def _event_only(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if not f.on_case)

    def case_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values of an event that become the case's data (derived ones included)."""
        drop = self._event_only
        if not drop:
            return dict(values)
        return {k: v for k, v in values.items() if k not in drop}

    def offered_in(self, rules: str | None) -> bool:
        """Whether the trigger is offered to a case pinning these rules."""
        return not self.rules or rules in self.rules

    @cached_property
    def needed_kinds(self) -> frozenset[str]:
        """Every document kind the trigger's step rests on (needed, or asked for by a guard)."""
        return frozenset(kind for group in self.needs for kind in group) | set(self.files)


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
    # The notices and forms its steps produce, written from the case (``case print``), each
    # kept in the case file as the document kind of its name.
    printed: tuple[PrintedDocument, ...] = ()
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
    # A ledger's own headers for what casework reads (the platform's 工单编号 is the number and
    # 平台工单号; its 承办单位 is whom an order went to, not the case's office): header ->
    # targets (``ref``, ``title``, ``field:NAME``, ...; none: only its ledger steps read it).
    # They take precedence over the headers every procedure's ledger may use.
    ledger_headers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The office a ledger's rows are registered at when the file names none (a procedure whose
    # every case belongs to one office, such as the 12345 centre's orders).
    ledger_office: str | None = None
    # Rules on the earlier case a new one is registered from (--link), such as a petition whose
    # matter was concluded (终结), which is not accepted again.
    link_rules: tuple[LinkRule, ...] = ()
    # Triggers that may be taken for a whole quarter's cases at once (subsidy claims: the town
    # check, the city approval, the payment), each from its one source state.
    bulk_triggers: tuple[str, ...] = ()
    # The figures of the metric catalogue this procedure's cases give (see MetricSpec).
    metrics: tuple[MetricSpec, ...] = ()
    # The sentences its figures give the annual report (see workflows.wording).
    report: tuple[ReportSentence, ...] = ()
    # The texts of its law, by the day each took effect (see workflows.versions); a case pins
    # the one in force on its registration's date, and none can be registered before the first.
    versions: tuple[RuleVersion, ...] = ()
    # The first day a case of it can be registered when that is not its first version's day:
    # the day its law took effect, or the first day its limits can be counted on (see
    # docs/procedures.md); a paper file dated earlier is refused rather than run by rules that
    # were not in force.
    supported_from: date | None = None
    # Limits that run whatever the state, from their start until met (see TimeLimit.duty).
    duties: tuple[TimeLimit, ...] = ()
    # The dated settings of local practice its rules read (see workflows.settings).
    settings: tuple[SettingSpec, ...] = ()
    # Rules a registration must pass, and rules that only warn when a registration breaks them.
    register_guards: tuple[Guard, ...] = ()
    register_warnings: tuple[Guard, ...] = ()
    # Marks `case show` sets on a case, and values it shows beside its data.
    flags: tuple[Flag, ...] = ()
    shown: tuple[Shown, ...] = ()
    # The parties kept from the handling office when a registration value asks it.
    confidential: Confidential | None = None
    # The register field whose value's leading year numbers the case (a subsidy claim of
    # 2020Q3 is BZ-2020-... whenever it is drafted); None: the year of registration.
    number_year: str | None = None
    # The registration date field that pins the rule version (``received_on``: the day an
    # application was received, whenever it is entered); None: the registration's own date.
    version_field: str | None = None

    @cached_property
    def _states(self) -> dict[str, StateSpec]:
        return {s.name: s for s in self.states}

    @cached_property
    def register_set(self) -> FieldSet:
        return FieldSet(self.register_fields)

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

    @cached_property
    def numbered_labels(self) -> dict[str, str]:
        """The labels of the values its triggers hand out (``Numbered``), by key."""
        return {t.numbered.field: t.numbered.label for t in self.triggers if t.numbered}

    def state(self, name: str) -> StateSpec:
        return self._states[name]

    @cached_property
    def limits_by_state(self) -> dict[str, tuple[TimeLimit, ...]]:
        """By state, the limits that may run in it: the state's own (none once the case has
        ended), then the procedure's duties not among them (casework.time.deadlines). Worked
        out once: the open-limits index asks it of every case a unit of work writes."""
        out: dict[str, tuple[TimeLimit, ...]] = {}
        for spec in self.states:
            found = [] if spec.terminal else list(spec.all_limits)
            found += [d for d in self.duties if d not in found]
            out[spec.name] = tuple(found)
        return out

    def printed_named(self, text: str) -> PrintedDocument | None:
        """A printed document by its name or its title (``受理告知书``)."""
        return next((d for d in self.printed if text in (d.name, d.title)), None)

    def placeholders(self, doc: PrintedDocument) -> dict[str, Fill]:
        """Every placeholder of one of its documents: one per party role (``{{信访人}}``)."""
        return doc.placeholders({PARTY_ROLES.get(r, r): r for r in self.party_roles})

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

    def sources_of(self, trigger: TriggerSpec, rules: str | None = None) -> tuple[str, ...]:
        """The trigger's from-states, with ``ANY_OPEN`` expanded to every non-terminal state
        and ``ANY_ENDED`` to every terminal one; with ``rules``, also the states only that rule
        version allows it from."""
        known = self._sources.get(trigger.name)
        if known is None or self._triggers[trigger.name] is not trigger:
            known = self._expand(trigger)
        if rules is None or not self.versions:
            return known
        extra = self._extra.get((rules, trigger.name))
        return known if extra is None else extra

    @cached_property
    def _extra(self) -> dict[tuple[str, str], tuple[str, ...]]:
        out: dict[tuple[str, str], tuple[str, ...]] = {}
        for v in self.versions:
            for name, states in v.extra_sources.items():
                out[(v.name, name)] = tuple(dict.fromkeys((*self._sources[name], *states)))
        return out

    def _expand(self, trigger: TriggerSpec) -> tuple[str, ...]:
        out: list[str] = []
        for src in trigger.sources:
            if src == ANY_OPEN:
                out.extend(s.name for s in self.states if not s.terminal)
            elif src == ANY_ENDED:
                out.extend(s.name for s in self.states if s.terminal)
            else:
                out.append(src)
        return tuple(dict.fromkeys(out))

    def version(self, name: str | None) -> RuleVersion | None:
        """A rule version by name."""
        return next((v for v in self.versions if v.name == name), None)

    @property
    def first_day(self) -> date | None:
        """The earliest registration date the procedure supports, if it has one."""
        days = [d for d in (self.supported_from, earliest(self.versions)) if d is not None]
        return max(days) if days else None

    def version_on(self, day: date) -> RuleVersion | None:
        """The rule version in force on a day (None for a procedure without versions)."""
        return in_force(self.versions, day)

    def cite(self, rules: str | None, rule: str) -> str | None:
        """The article of the case's rule version that sets a rule (a trigger, guard, limit or
        reason by name), e.g. ``信访工作条例第三十四条``."""
        v = self.version(rules)
        if v is None:
            return None
        article = v.cite(rule)
        return f"{v.law}{article}" if article else None

    @cached_property
    def limits(self) -> tuple[TimeLimit, ...]:
        """Every limit of the procedure: those of its states, then its duties (by name)."""
        found: dict[str, TimeLimit] = {}
        for st in self.states:
            for lim in st.all_limits:
                found.setdefault(lim.name, lim)
        for duty in self.duties:
            found.setdefault(duty.name, duty)
        return tuple(found.values())

    def limit(self, name: str) -> TimeLimit | None:
        return next((lim for lim in self.limits if lim.name == name), None)

    def limits_named(self, name: str) -> tuple[TimeLimit, ...]:
        """Every declared variant of a limit (one per rule version or procedure), in order."""
        found: list[TimeLimit] = []
        for lim in (*(x for st in self.states for x in st.all_limits), *self.duties):
            if lim.name == name and lim not in found:
                found.append(lim)
        return tuple(found)

    def setting(self, key: str) -> SettingSpec | None:
        return next((spec for spec in self.settings if spec.key == key), None)

    def number_year_of(self, data: Mapping[str, Any], registered: int) -> int:
        """The year a new case's number carries: the leading year of its ``number_year``
        value (``2020Q3`` -> 2020) when it has one, else the year it was registered."""
        text = str(data.get(self.number_year, "")) if self.number_year else ""
        head = text[:4]
        return int(head) if len(head) == 4 and head.isascii() and head.isdigit() else registered

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
    """Each case of the procedure, once, on the local date it was registered; with ``where``,
    only those whose data hold these values (``(("channel", "visit"),)``); with ``value``, an
    item's value is that whole-number field of the case's data (default 1), which a ``sum``
    metric adds (a visit's ``people``: 人次)."""

    where: tuple[tuple[str, str], ...] = ()
    value: str | None = None


@dataclass(frozen=True)
class Flagged:
    """Each case of the procedure registered in the period on which the procedure's flag
    ``flag`` (``Workflow.flags``) holds, judged on the case as stored with the world of its
    registration day; ``value`` as for ``Registered``."""

    flag: str
    value: str | None = None


@dataclass(frozen=True)
class FirstEvent:
    """Each case of the procedure, once, on the local date of its first event that fires one
    of ``triggers`` or moves it into one of ``to_states`` (a change of state, not a stay);
    with ``where``, only events whose data hold one of the values given for each field (a
    judicial confirmation ruled ``confirmed``)."""

    triggers: tuple[str, ...] = ()
    to_states: tuple[str, ...] = ()
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Final:
    """A case's final value of a field: the value in the last event of ``triggers`` that holds
    the field and, if it is one of ``where_on`` (none given: any), whose data hold ``where``
    (a 12345 order's last reached callback's rating, or, for a direct answer, the rating given
    on the call), so that an order rated again after a redo counts once, by its last rating."""

    field: str
    triggers: tuple[str, ...]
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    where_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cohort:
    """A part of a cohort: the cases whose first ``start`` event falls in the period (a
    mediation's acceptance: the period's 调解纠纷), each on that event's date, so that a rate of
    two parts of one cohort is over the same cases and never exceeds 100%.

    A case is in the part when its data hold ``where`` (a field and the values any of which
    will do) and, as the database stood at as-of, its history holds an event of one of
    ``having`` (none given: every case of the cohort); when ``last`` names a trigger, its last
    such event's data hold ``last_where`` and a ``sum`` metric adds that event's whole-number
    value ``value``. ``later_than``: the first ``having`` event came more than these days
    after the start. ``overdue``: the first of these limits (``Workflow.limit``) that holds for
    the case (``TimeLimit.holds_for``) ended before its first ``ends`` event, or before as-of
    (else the period's end) without one; with ``each_end``, before any of its ``ends`` events
    (every approved reply of an order redone), the limit as running before each; ``on_time``
    keeps those that are not overdue instead.

    ``start`` may name ``register``: the cohort is then the cases registered in the period.
    ``lacking``: no event of these triggers (a merged order is no received one); ``reached``:
    the case moved into one of these states. ``final`` with ``final_in`` (the values any of
    which will do; none given: any value) or ``final_set`` (the key of a procedure's setting of
    kind ``set`` naming them, as in force on the period's last day: a configured set) judges
    the case by its final value. ``closed_by``: the history is read up to the cut-off day
    (``Scope.cut_off``: ``--closed-by``, default the period's end), by when each step happened,
    not by when it was recorded (that is ``--as-of``)."""

    start: tuple[str, ...] = ("accept",)
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    having: tuple[str, ...] = ()
    last: str | None = None
    last_where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    value: str | None = None
    later_than: int | None = None
    overdue: tuple[str, ...] = ()
    ends: tuple[str, ...] = ()
    each_end: bool = False
    on_time: bool = False
    lacking: tuple[str, ...] = ()
    reached: tuple[str, ...] = ()
    final: Final | None = None
    final_in: tuple[str, ...] = ()
    final_set: str | None = None
    closed_by: bool = False


@dataclass(frozen=True)
class Rate:
    """A percentage with two decimals: metric ``numerator`` over metric ``denominator``, the
    ratio times 100 rounded half-up (9567/10237 = 93.455… is 93.46)."""

    numerator: str
    denominator: str


@dataclass(frozen=True)
class Computed:
    """Items casework computes beyond one query, named by their source: ``replied_on_time``
    (first replies judged against the limit running then), ``approved_claims`` (subsidy claims
    approved for a quarter inside the period). A source may give several lists of items at once
    (a cohort and those of it on time): ``part`` names the one counted."""

    source: str
    part: str = ""


@dataclass(frozen=True)
class EachEvent:
    """Each event of ``triggers`` in the period, on its local date (a case counts once per
    event: 派单 and 退单 are steps, not cases), at the office its data name in ``office_field``
    (a dispatch's ``to_office``, a return's ``returned_by``), else the case's own."""

    triggers: tuple[str, ...]
    office_field: str | None = None


@dataclass(frozen=True)
class Lapsed:
    """Each case whose limit ``limit`` lapsed in the period while the case still stood in a
    state the limit runs in (an order's ``handle_limit`` passed unreplied), once, on the first
    such day after a last day, at the office the limit binds (``TimeLimit.bound``), else the
    case's own."""

    limit: str


MetricCounts = Registered | FirstEvent | Flagged | Rate | Computed | Cohort | EachEvent | Lapsed


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
    # The name of another (hidden) metric: while it is not zero, this figure is null (an
    # amount priced from example data is no figure).
    null_if: str | None = None
