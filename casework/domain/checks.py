"""The checks every step makes: its values, its time, who takes it and the case it comes from.

Each refusal names the field at fault (``value.days``, ``at``) and says why in the user's terms;
the CLI, the importer and the web each say how to fix it in their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from casework.domain.model import Actor, Case, Data
from casework.domain.policy import check_case_office, refusal, sees_kind, shown
from casework.errors import InvalidData, NotAllowed
from casework.time.local import date_only, local_date, local_iso, parse_when
from workflows.policy import ROLES
from workflows.spec import FieldSet, FieldSpec, TriggerSpec, Workflow

# A clerk's clock may run a little ahead of the server's; more than this is a typing error.
FUTURE_TOLERANCE = timedelta(minutes=5)


class Directory(Protocol):
    """What value checks look up outside the case: users and value sources."""

    def user_role(self, username: str) -> str | None:
        """The role of an active user, or None for an unknown or deactivated one."""

    def resolve(self, source: str, value: str, data: Data) -> Mapping[str, object]:
        """The values a lookup field records (``subsidy_tier``: the tier and its amount)."""

    def office_exists(self, code: str) -> bool: ...


def occurred(at: str | datetime | None, now: datetime, last: datetime | None) -> datetime:
    """When a step happened: the time given (back-dated, never in the future), else now.

    A step never happens before the case's previous one; without a time given it happens now,
    or at the previous step's time when that was recorded from a clock a little ahead. A day
    given without a time on the previous step's day is that day after the previous step
    (:func:`after_previous`).
    """
    if at is None:
        return now if last is None or last <= now else last
    when = parse_when(at, "at") if isinstance(at, str) else at
    if when.tzinfo is None:
        raise InvalidData("时间须带时区 (a datetime needs a timezone)", field="at", value=at)
    if when > now + FUTURE_TOLERANCE:
        raise InvalidData(
            f"时间 {local_iso(when)} 在将来（现在 {local_iso(now)}）(is in the future)",
            field="at",
            value=local_iso(when),
        )
    if last is not None and isinstance(at, str) and date_only(at):
        return after_previous(when, last)
    return when


def after_previous(day: datetime, last: datetime) -> datetime:
    """A step given only its day (``--at 2026-11-20``, a ledger's date column), on the day of
    the previous step, which had a time (15:30): taken at the previous step's time, after it
    in the case's history (events are ordered by their number), not refused as before it.
    The day is all that was said of the step, and it is the previous step's day: the same
    instant keeps both the day and the order, and invents no time of its own."""
    if day < last and local_date(day) == local_date(last):
        return last
    return day


def recorded_in_order(case: Case, now: datetime) -> None:
    """A step is recorded no earlier than the case's previous one (issue 15 point 5): a
    server's clock set back would otherwise write a history whose recording times go
    backwards, which ``--as-of`` (the database as it stood on a day) trusts."""
    last = case.last_recorded
    if last is not None and now < last:
        raise InvalidData(
            f"案件 {case.case_no}：现在 {local_iso(now)} 早于本案上一步的记录时间 "
            f"{local_iso(last)}，请检查服务器时钟 (the clock is behind the case's last "
            "recorded step: check the server's clock)",
            field="clock",
            value=local_iso(now),
        )


def not_before(case: Case, when: datetime) -> None:
    """A step is never dated before the case's previous event."""
    if when < case.last_at:
        raise InvalidData(
            f"案件 {case.case_no}：时间 {local_iso(when)} 早于本案上一步（第 {case.version} 步，"
            f"{local_iso(case.last_at)}）(is before the case's previous event)",
            field="at",
            value=local_iso(when),
        )


def may_take(actor: Actor, trig: TriggerSpec, case: Case, wf: Workflow) -> None:
    """The acting user's role and office allow this trigger on this case. A trigger the law
    gives to another office (``acts``: a review by the parent office) checks that office
    instead of the case's own (``domain.acting``)."""
    if not sees_kind(actor, case.kind):  # beyond the role's reach: as if there were no case
        check_case_office(actor, case.office, case.case_no, case.kind)
    why = refusal(actor, trig, case.office)
    if why is not None:
        raise NotAllowed(
            f"案件 {case.case_no} 当前为{wf.state(case.state).shown}，{trig.shown}{why}；"
            f"{shown(actor)} 不可",
            field="user",
        )
    if not trig.acts:
        check_case_office(actor, case.office, case.case_no, case.kind, case.data)


def checked_values(
    given: FieldSet | Sequence[FieldSpec],
    raw: Mapping[str, str],
    note: str | None,
    subject: object,
    data: Data,
    directory: Directory,
    engine: bool = False,
) -> dict[str, object]:
    """The checked values of a trigger or registration (its ``field_set`` or
    ``register_set``); ``subject`` (its ``str``) names it in messages. Values only casework
    sets (``internal`` fields) are taken only from the ``engine``."""
    checked = given if isinstance(given, FieldSet) else FieldSet(tuple(given))
    fields = checked.fields
    known = checked.all_names if engine else checked.typed_names
    for key in raw:
        if key not in known:
            accepted = "、".join(f"{f.label} {f.name}" for f in fields) or "无 (none)"
            raise InvalidData(
                f"{subject}不接受值 {key[:40]!r}（可填：{accepted}）",
                field=f"value.{key[:40]}",
                value=raw[key][:40],
            )
    values: dict[str, object] = {}
    for spec in fields:
        text = raw.get(spec.name)
        if text is None:
            if spec.left_out_when_absent:  # most of a step's fields, most of the time
                continue
            text = _fallback(spec, raw, note, data)
        if text is None:
            if spec.required:
                raise InvalidData(
                    f"{subject}需要填写{spec.shown}：{spec.describe_zh()}",
                    field=f"value.{spec.name}",
                )
            if spec.default is not None:
                values[spec.name] = spec.default
            continue
        value = spec.coerce(text)
        if spec.kind == "user":
            _check_user(spec, str(value), directory)
        if spec.kind == "users":
            for username in str(value).split(","):
                _check_user(spec, username, directory)
        if spec.kind == "office" and not directory.office_exists(str(value)):
            raise spec.refuse(f" {str(value)[:40]!r} 不是本系统的单位 (not an office)", value)
        if spec.kind == "lookup" and spec.source:
            values.update(directory.resolve(spec.source, str(value), data))
            continue
        values[spec.name] = value
    _required_when(checked.conditional, values, subject)
    return values


def check_case_ref(spec: FieldSpec, case: Case, other: Case, terminal: bool) -> None:
    """A ``case_ref`` value names another case of the same procedure, not yet ended
    (``terminal``: whether the other's state ends it)."""
    if other.case_no == case.case_no:
        raise spec.refuse(f"不能是本案 {case.case_no} 自身 (not the case itself)", other.case_no)
    if other.kind != case.kind:
        raise spec.refuse(
            f" {other.case_no} 不是本程序 {case.kind} 的案件 (another procedure's case)",
            other.case_no,
        )
    if terminal:
        raise spec.refuse(f" {other.case_no} 已办结 (has ended: {other.state})", other.case_no)


def _fallback(spec: FieldSpec, raw: Mapping[str, str], note: str | None, data: Data) -> str | None:
    """A value not given under its name: under a former name, the step's note, or the value
    of the case's data it defaults to."""
    if spec.former:
        found = next((raw[n] for n in spec.former if n in raw), None)
        if found is not None:
            return found
    if spec.name == "note" and note:
        return note
    if spec.default_from and data.get(spec.default_from):
        return str(data[spec.default_from])
    return None


def _required_when(fields: Sequence[FieldSpec], values: Data, subject: object) -> None:
    """A value required by another one (a case found by a screening names the entry)."""
    for spec in fields:
        if spec.required_when is None or values.get(spec.name) is not None:
            continue
        other, codes = spec.required_when
        if values.get(other) in codes:
            raise InvalidData(
                f"{subject}需要填写{spec.shown}（{other} 为 {values[other]} 时）："
                f"{spec.describe_zh()}",
                field=f"value.{spec.name}",
            )


def _check_user(spec: FieldSpec, username: str, directory: Directory) -> None:
    role = directory.user_role(username)
    if role is None:
        raise spec.refuse(f" {username[:40]!r} 不是已登记的用户 (not a registered user)", username)
    if role != spec.role:
        need = f"{ROLES.get(spec.role or '', '')} {spec.role}"
        raise spec.refuse(f" {username!r} 是 {ROLES.get(role, role)} {role}，不是 {need}", username)
