"""People's mediation committees (人民调解委员会) as mediation.md 2.1 types them: the checks of
a committee's own values, and the labels its lists show. Nothing here reads the database."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypedDict

from casework.domain.text import clean_text, optional_text
from casework.domain.world import World
from casework.errors import InvalidData
from workflows.mediation.metrics import COMMITTEE_TYPES, SUBTYPES
from workflows.spec import CommitteeView, FieldSpec

# The types of mediation.md 2.1 and the subtypes two of them require: the procedure's own table.
TYPES: Mapping[str, str] = COMMITTEE_TYPES

# PML art. 8: a committee has three to nine members.
MIN_MEMBERS, MAX_MEMBERS = 3, 9

_CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")


@dataclass(frozen=True)
class CommitteeValues:
    """A committee's values as given, checked on their own (not yet against the database)."""

    code: str
    name: str
    type: str
    subtype: str | None
    office: str
    town: str | None
    village: str | None
    mediator: str | None
    active_from: date


def tj_code(office: str) -> str:
    """The code of a town office's own committee (乡镇/街道调委会): ``<office>-tj``."""
    return f"{office}-tj"


def committee_field(fields: Sequence[FieldSpec]) -> FieldSpec | None:
    """A procedure's registration field naming the committee (kind ``committee``)."""
    return next((f for f in fields if f.kind == "committee"), None)


def registering_office(
    fields: Sequence[FieldSpec],
    values: Mapping[str, str],
    office: str,
    day: Callable[[], date],
    world: World,
) -> str:
    """The office a new case belongs to: with a committee named, the office that guides it
    (PML art. 5), which ``office``, when given, must be; otherwise ``office`` itself."""
    spec = committee_field(fields)
    raw = values.get(spec.name) if spec is not None else None
    if spec is None or raw is None:
        if not office:
            raise InvalidData("需写明单位 office（或调委会 committee）", field="office")
        return office
    code = str(spec.coerce(raw))
    found = world.committee_info(code)
    if found is None:
        raise spec.refuse(f" {code[:40]!r} 不是已登记的调委会 (unknown committee)", code[:40])
    on = day()
    if on < found.active_from or (found.active_to is not None and on > found.active_to):
        raise spec.refuse(f" {code!r} 在 {on.isoformat()} 未在运行 (not active)", code)
    if office and office != found.office:
        raise InvalidData(
            f"调委会 {code} 由 {found.office} 指导，与单位 office {office[:40]!r} 不符 "
            "(committee_office)",
            field="office",
            value=office[:40],
        )
    return found.office


def record_own_committee(
    fields: Sequence[FieldSpec], data: dict[str, object], office: str, world: World
) -> None:
    """A case registered without a committee is its office's own committee's (``-tj``)."""
    spec = committee_field(fields)
    own = tj_code(office)
    if spec is not None and data.get(spec.name) is None and world.committee_info(own):
        data[spec.name] = own


def listed(choices: Mapping[str, str]) -> str:
    return "、".join(f"{label} {code}" for code, label in choices.items())


def check_type(kind: str, subtype: str | None) -> str | None:
    """The subtype checked against the type: required for industry and stationed committees,
    refused for the others."""
    if kind not in TYPES:
        raise InvalidData(
            f"调委会类型 type {kind[:20]!r} 未知，应为 {listed(TYPES)}",
            field="type",
            value=kind[:20],
        )
    subtypes = SUBTYPES.get(kind)
    if subtypes is None:
        if subtype:
            raise InvalidData(
                f"「{TYPES[kind]} {kind}」不分细类 (no subtype)",
                field="subtype",
                value=subtype[:20],
            )
        return None
    if not subtype:
        raise InvalidData(
            f"「{TYPES[kind]} {kind}」需要细类 subtype：{listed(subtypes)}", field="subtype"
        )
    if subtype not in subtypes:
        raise InvalidData(
            f"细类 subtype {subtype[:20]!r} 未知，应为 {listed(subtypes)}",
            field="subtype",
            value=subtype[:20],
        )
    return subtype


def committee_values(
    code: str,
    name: str,
    kind: str,
    office: str,
    *,
    since: date,
    subtype: str | None = None,
    town: str | None = None,
    village: str | None = None,
    mediator: str | None = None,
) -> CommitteeValues:
    """Check a new committee's own values: code, name, type and subtype, a studio's mediator."""
    if not _CODE.fullmatch(code):
        raise InvalidData(
            f"调委会代码 code {code[:40]!r} 应为 2-40 个小写字母、数字或 '-'，以字母开头",
            field="code",
            value=code[:40],
        )
    checked = check_type(kind, subtype)
    if kind == "studio" and not mediator:
        raise InvalidData("「个人调解工作室 studio」需写明其调解员 (mediator)", field="mediator")
    if kind != "studio" and mediator:
        raise InvalidData(
            f"只有个人调解工作室 studio 写明调解员；「{TYPES[kind]} {kind}」不写 (mediator)",
            field="mediator",
            value=mediator[:64],
        )
    if not office:
        raise InvalidData("需写明指导单位 (a guiding office)", field="office")
    return CommitteeValues(
        code=code,
        name=clean_text(name, "name", max_length=200),
        type=kind,
        subtype=checked,
        office=office.strip(),
        town=optional_text(town, "town", 200),
        village=optional_text(village, "village", 200),
        mediator=mediator.strip() if mediator else None,
        active_from=since,
    )


def member_problem(count: int) -> str | None:
    """PML art. 8: three to nine members; the problem's wording, or None."""
    if MIN_MEMBERS <= count <= MAX_MEMBERS:
        return None
    return f"委员 {count} 人，不在 3–9 人之间 (members outside 3-9, PML art. 8)"


# The day the committees casework seeds itself (each town office's own, by migration 0008 and
# `init`) are dated from: they existed before any record casework holds, so their term (PML
# art. 9) is not known and is shown as unrecorded rather than as long passed.
SEEDED_SINCE = date(1990, 1, 1)


def term_end_shown(c: StoredCommittee) -> str | None:
    """The term's end as lists show it: none for a seeded committee (its term is unrecorded)."""
    return None if c.active_from <= SEEDED_SINCE else c.term_end.isoformat()


def term_problem(term_end: date, day: date) -> str | None:
    """PML art. 9: a three-year term; warned once its end has passed."""
    if term_end >= day:
        return None
    return f"任期已于 {term_end.isoformat()} 届满 (term passed, PML art. 9)"


class CommitteeJSON(TypedDict):
    code: str
    name: str
    type: str
    type_label: str
    subtype: str | None
    subtype_label: str | None
    office: str
    town: str | None
    village: str | None
    mediator: str | None
    active_from: str
    active_to: str | None
    term_end: str | None  # None: a seeded committee, its term unrecorded
    members: int
    problems: list[str]


class MemberJSON(TypedDict):
    username: str
    name: str | None
    committee: str
    committee_name: str | None
    from_day: str
    to_day: str | None
    full_time: bool


def shown(c: StoredCommittee, day: date, members: int) -> CommitteeJSON:
    """A committee as lists show it on a day: its labels, its members then, its problems."""
    end = term_end_shown(c)
    term = term_problem(c.term_end, day) if end is not None else None
    problems = [p for p in (member_problem(members), term) if p]
    return CommitteeJSON(
        code=c.code,
        name=c.name,
        type=c.type,
        type_label=TYPES.get(c.type, c.type),
        subtype=c.subtype,
        subtype_label=SUBTYPES.get(c.type, {}).get(c.subtype or "") or None,
        office=c.office,
        town=c.town,
        village=c.village,
        mediator=c.mediator,
        active_from=c.active_from.isoformat(),
        active_to=c.active_to.isoformat() if c.active_to else None,
        term_end=end,
        members=members,
        problems=problems,
    )


class StoredCommittee(CommitteeView, Protocol):
    """A committee as stored: what guards see, with the town, village and term end."""

    @property
    def town(self) -> str | None: ...
    @property
    def village(self) -> str | None: ...
    @property
    def term_end(self) -> date: ...
