"""Committees (调委会) and their mediators: adding, importing, joining and moving (admins and
supervisors; a town supervisor only for the committees their office guides, PML art. 5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from casework.domain.committees import (
    CommitteeJSON,
    CommitteeValues,
    MemberJSON,
    committee_values,
    shown,
)
from casework.domain.model import Actor
from casework.domain.policy import check_office, check_roles
from casework.errors import CaseworkError, InvalidData, NotFound
from casework.services.admin import check_user
from casework.storage.committees import (
    Membership,
    day_before,
    member_row,
)
from casework.storage.committees import (
    term_end as three_years_on,
)
from casework.storage.uow import UnitOfWork
from casework.time.local import local_date, parse_date

MANAGERS = ("admin", "supervisor")
COLUMNS = ("code", "name", "type", "subtype", "office", "town", "village", "mediator", "from")


def check_manager(uow: UnitOfWork, actor: Actor, office: str, what: str) -> None:
    check_roles(actor, MANAGERS, what)
    check_office(actor, office, what, "调委会")


def check_guide(uow: UnitOfWork, office: str) -> None:
    """A committee is guided by a town's 司法所 or by the justice bureau (PML art. 5)."""
    level = uow.committees.office_level(office)
    if level is None:
        raise NotFound(f"未知指导单位 unknown office {office[:40]!r}", field="office", value=office)
    if level != "town" and office != "city-justice":
        raise InvalidData(
            f"指导单位 office 应为镇街司法所或市司法局 city-justice，不是 {office!r}",
            field="office",
            value=office,
        )


def add(uow: UnitOfWork, actor: Actor, values: CommitteeValues) -> CommitteeJSON:
    """Add a committee; its term ends three years after it starts (PML art. 9)."""
    check_guide(uow, values.office)
    check_manager(uow, actor, values.office, "新增调委会")
    if uow.committees.get(values.code) is not None:
        raise InvalidData(f"调委会 committee {values.code!r} 已存在 (exists already)", field="code")
    if values.mediator is not None and uow.users.role_of(values.mediator) != "mediator":
        raise NotFound(
            f"调解员 mediator {values.mediator[:64]!r} 不是在册调解员 (not a mediator)",
            field="mediator",
            value=values.mediator[:64],
        )
    town = values.town or uow.committees.town_of(values.office)
    row = {
        "code": values.code,
        "name": values.name,
        "type": values.type,
        "subtype": values.subtype,
        "office": values.office,
        "town": town,
        "village": values.village,
        "mediator": values.mediator,
        "active_from": values.active_from,
        "active_to": None,
        "term_end": three_years_on(values.active_from),
    }
    uow.committees.add(row)
    found = uow.committees.get(values.code)
    assert found is not None
    return shown(found, values.active_from, 0)


def row_values(row: Mapping[str, str], today: date) -> CommitteeValues:
    """One CSV row's committee (columns of ``COLUMNS``; empty cells are not given)."""
    cell = {k: (row.get(k) or "").strip() or None for k in COLUMNS}
    since = parse_date(cell["from"], "from") if cell["from"] else today
    return committee_values(
        cell["code"] or "",
        cell["name"] or "",
        cell["type"] or "",
        cell["office"] or "",
        since=since,
        subtype=cell["subtype"],
        town=cell["town"],
        village=cell["village"],
        mediator=cell["mediator"],
    )


def import_rows(
    uow: UnitOfWork, actor: Actor, rows: Sequence[Mapping[str, str]]
) -> list[CommitteeJSON]:
    """Add every row's committee or none: a bad row's error names its row and column."""
    today = local_date(uow.now())
    added = []
    for n, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            added.append(add(uow, actor, row_values(row, today)))
        except CaseworkError as exc:
            column = "from" if exc.field == "from" else (exc.field or "row")
            raise type(exc)(
                f"第 {n} 行「{column}」列 (row {n}, column {column})：{exc.reason}",
                field=f"row {n}.{column}",
                value=exc.value,
            ) from None
    return added


def active_committee(uow: UnitOfWork, code: str, day: date) -> str:
    """The committee's guiding office, or an error: unknown, or not active on the day."""
    c = uow.committees.get(code)
    if c is None:
        raise NotFound(f"未知调委会 unknown committee {code[:40]!r}", field="committee", value=code)
    if not c.active_on(day):
        raise InvalidData(
            f"调委会 {code!r} 在 {day.isoformat()} 未在运行 (not active)",
            field="committee",
            value=code,
        )
    return c.office


def add_mediator(
    uow: UnitOfWork,
    actor: Actor,
    who: tuple[str, str],
    committee: str,
    since: date,
    full_time: bool = False,
) -> MemberJSON:
    """Make a user a member of a committee: a new user gets role mediator and the
    committee's guiding office; an existing one must be a mediator without a committee."""
    username, name = who
    office = active_committee(uow, committee, since)
    check_manager(uow, actor, office, "新增调解员")
    if not uow.offices.user_exists(username):
        clean = check_user(username, name, "mediator", office)
        uow.offices.add_user(username, clean, "mediator", office, (actor.username, uow.now()))
    elif uow.users.role_of(username) != "mediator":
        raise InvalidData(
            f"用户 {username!r} 不是调解员 mediator (role)", field="username", value=username
        )
    held = uow.committees.committee_of(username, since) or open_membership(uow, username)
    if held is not None:
        shown_as = held if isinstance(held, str) else held.committee
        raise InvalidData(
            f"调解员 {username!r} 已是 {shown_as} 的成员；换调委会请用 mediator move",
            field="username",
            value=username,
        )
    uow.committees.join(username, committee, since, full_time)
    return member_row(uow.committees, uow.committees.of_user(username)[-1])


def open_membership(uow: UnitOfWork, username: str) -> Membership | None:
    return next((m for m in uow.committees.of_user(username) if m.to_day is None), None)


def move_mediator(
    uow: UnitOfWork, actor: Actor, username: str, committee: str, since: date
) -> list[MemberJSON]:
    """Close the mediator's membership the day before ``since`` and open the new one (both
    kept: a case keeps the committee that accepted it)."""
    office = active_committee(uow, committee, since)
    check_manager(uow, actor, office, "调解员换调委会")
    current = open_membership(uow, username)
    if current is None:
        raise NotFound(
            f"调解员 {username[:64]!r} 现不属任何调委会 (no committee)；请用 mediator add",
            field="username",
            value=username[:64],
        )
    if current.committee == committee:
        raise InvalidData(
            f"调解员 {username!r} 已是 {committee} 的成员", field="committee", value=committee
        )
    if since <= current.from_day:
        raise InvalidData(
            f"调动日期 from {since.isoformat()} 应晚于现任起始日 {current.from_day.isoformat()}",
            field="from",
            value=since.isoformat(),
        )
    uow.committees.close(current, day_before(since))
    uow.committees.join(username, committee, since, current.full_time)
    # The new committee's guiding office (人民调解法 art. 5) is the mediator's from now on, so
    # that they may act on its cases; the old committee's cases keep it and its office.
    if uow.users.actor(username).office != office:
        uow.offices.set_user_office(username, office, (actor.username, uow.now()))
    return [member_row(uow.committees, m) for m in uow.committees.of_user(username)]
