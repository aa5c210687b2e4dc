"""Corrections (更正): a mistyped title, party or registration value put right by a step.

A correction is an event of its own (``correct``) in the case's hash-chained history, in any
state of any procedure (a closed file's typo is corrected, not re-opened), with a required
reason and each change's old and new value: the case row and its parties take the new value,
the history keeps both (issue 14 point 5). Like the other steps it touches no storage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from casework.domain.checks import checked_values, not_before, occurred, recorded_in_order
from casework.domain.committees import registering_office
from casework.domain.identity import check_id_number, check_phone, mask_id, mask_phone
from casework.domain.model import Actor, Case, Lazy, Party
from casework.domain.policy import check_case_office, check_roles, check_writer
from casework.domain.replay import CORRECT, DOCUMENT, LINK, REGISTER
from casework.domain.results import EventJSON
from casework.domain.steps import Ports, Stepped, moved_case, new_event, repeated_step
from casework.domain.text import clean_ref, clean_text
from casework.errors import InvalidData, NotAllowed, NotFound
from casework.time.local import local_date
from workflows.spec import Workflow

# Who corrects a case: its office's clerks and supervisors (admins act as supervisors).
CORRECT_ROLES = ("clerk", "supervisor")
FIELDS = ("title", "party", "data")
PARTY_PARTS = {"name": "姓名", "id_number": "身份证号", "phone": "电话"}
# What a correction's change is: {"field", "key", "from", "to"}.
ChangeJSON = dict[str, object]


class Change(NamedTuple):
    """One value to correct: the ``title`` (no key), a ``party`` (key ``N.name``,
    ``N.id_number`` or ``N.phone``, N its 1-based position) or a registration ``data`` value
    (key its field's name); ``to`` as typed (an empty ID number or phone clears it)."""

    field: str
    key: str | None
    to: str | None


class Correction(NamedTuple):
    """A correction as ``case correct`` takes it."""

    case_no: str
    changes: tuple[Change, ...]
    reason: str | None
    at: str | datetime | None = None
    ref: str | None = None


class Corrected(NamedTuple):
    """A correction made: the step, and the parties it changed by 1-based position."""

    done: Stepped
    parties: tuple[tuple[int, Party], ...] = ()


class _Draft:
    """The case's values as the changes so far leave them, and the changes recorded."""

    def __init__(self, case: Case, parties: Sequence[Party]) -> None:
        self.title = case.title
        self.data = dict(case.data)
        self.parties = list(parties)
        self.touched: set[int] = set()
        self.changes: list[ChangeJSON] = []

    def record(self, field: str, key: str, old: object, new: object) -> None:
        self.changes.append({"field": field, "key": key, "from": old, "to": new})


def correct(
    case: Case, parties: Sequence[Party], step: Correction, actor: Actor, ports: Ports
) -> Corrected:
    """Correct a case's title, parties or registration values, with a reason; the case after
    it (title, data and parties corrected) and its ``correct`` event."""
    wf = ports.machines.workflow(case.kind)
    check_writer(actor)
    check_roles(actor, CORRECT_ROLES, f"更正案件 {case.case_no} ")
    check_case_office(actor, case.office, case.case_no, case.kind)
    ref = clean_ref(step.ref)
    done = repeated_step(case, ref, CORRECT, actor)
    if done is not None:
        return Corrected(Stepped(case, done, repeated=True))
    if not (step.reason or "").strip():
        raise InvalidData(
            f"更正案件 {case.case_no} 需要填写更正理由 reason (a reason is required)",
            field="reason",
        )
    reason = clean_text(step.reason or "", "reason", max_length=500)
    if not step.changes:
        raise InvalidData(
            f"更正案件 {case.case_no} 需要至少一项更改：事由 title、当事人 party 或登记值 data"
            " (nothing to correct)"
        )
    draft = _Draft(case, parties)
    for change in step.changes:
        _apply(wf, case, draft, change, ports)
    _still_complete(wf, case, draft.data)
    when = occurred(step.at, ports.now(), case.last_at)
    not_before(case, when)
    recorded_in_order(case, ports.now())
    values = {"reason": reason, "changes": draft.changes}
    times = (when, ports.now())
    key = ports.chain_key(case.id)
    event = new_event(case, CORRECT, case.state, actor, times, None, values, ref, key)
    moved = moved_case(case, event, draft.data)
    people = tuple(draft.parties)
    moved = moved._replace(
        title=draft.title,
        parties=people,
        file=moved.file._replace(stored_parties=Lazy(None, people)),
    )
    changed = tuple((n + 1, people[n]) for n in sorted(draft.touched))
    return Corrected(Stepped(moved, event), changed)


def _apply(wf: Workflow, case: Case, draft: _Draft, change: Change, ports: Ports) -> None:
    if change.field == "title":
        _title(case, draft, change.to)
    elif change.field == "party":
        _party(case, draft, change.key or "", change.to)
    elif change.field == "data":
        _data(wf, case, draft, change.key or "", change.to, ports)
    else:
        listed = "、".join(FIELDS)
        raise InvalidData(
            f"更正项 field {change.field[:30]!r} 未知，应为 {listed}", value=change.field[:30]
        )


def _unchanged(case: Case, what: str, field: str) -> InvalidData:
    return InvalidData(f"案件 {case.case_no} 的{what}与现值相同，无需更正 (no change)", field=field)


def _title(case: Case, draft: _Draft, to: str | None) -> None:
    title = clean_text(to or "", "title", max_length=500)
    if title == draft.title:
        raise _unchanged(case, "事由 title", "title")
    draft.record("title", "title", draft.title, title)
    draft.title = title


def _party(case: Case, draft: _Draft, key: str, to: str | None) -> None:
    position, _, part = key.partition(".")
    count = len(draft.parties)
    if not position.isdigit() or not 1 <= int(position) <= count:
        raise NotFound(
            f"案件 {case.case_no} 没有第 {position[:10]} 位当事人（共 {count} 位，按 case show"
            " 所列顺序从 1 数起）(no such party)",
            field="party",
            value=position[:10],
        )
    if part not in PARTY_PARTS:
        listed = "、".join(f"{label} {name}" for name, label in PARTY_PARTS.items())
        raise InvalidData(
            f"当事人可更正的项为 {listed}，不是 {part[:30]!r}", field="party", value=part[:30]
        )
    n = int(position) - 1
    old = draft.parties[n]
    new = _party_value(part, to)
    if getattr(old, part) == new:
        raise _unchanged(case, f"第 {n + 1} 位当事人的{PARTY_PARTS[part]} {part}", f"party.{part}")
    draft.record("party", f"{n + 1}.{part}", getattr(old, part), new)
    draft.parties[n] = Party(
        old.role,
        new if part == "name" and new else old.name,
        new if part == "id_number" else old.id_number,
        new if part == "phone" else old.phone,
    )
    draft.touched.add(n)


def _party_value(part: str, to: str | None) -> str | None:
    """The new value, checked as at registration (an ID number's checksum, a phone's form)."""
    text = (to or "").strip()
    if part == "name":
        return clean_text(text, "party.name", max_length=100)
    if not text:
        return None  # a wrong ID number or phone may be cleared rather than replaced
    return check_id_number(text) if part == "id_number" else check_phone(text)


def _data(wf: Workflow, case: Case, draft: _Draft, key: str, to: str | None, ports: Ports) -> None:
    spec = next((f for f in wf.register_fields if f.name == key and not f.internal), None)
    if spec is None:
        listed = "、".join(f"{f.label} {f.name}" for f in wf.register_fields if not f.internal)
        raise InvalidData(
            f"「{wf.label} {wf.name}」的登记值没有 {key[:40]!r}（可更正：{listed or '无'}）",
            field=f"value.{key[:40]}",
            value=key[:40],
        )
    _not_set_later(wf, case, key, spec.shown)
    if spec.kind == "committee":  # another committee, but guided by the case's own office
        day = local_date(case.registered_at)
        registering_office(wf.register_fields, {key: to or ""}, case.office, lambda: day, ports)
    subject = f"更正案件 {case.case_no} 的"
    values = checked_values([spec], {key: to or ""}, None, subject, draft.data, ports)
    moved = {k: v for k, v in values.items() if draft.data.get(k) != v}
    if not moved:
        raise _unchanged(case, f"登记值{spec.shown}", f"value.{key}")
    for k, v in moved.items():
        draft.record("data", k, draft.data.get(k), v)
    draft.data.update(moved)


def _still_complete(wf: Workflow, case: Case, data: Mapping[str, object]) -> None:
    """The values as corrected still name what one of them requires (a case found by a
    screening names the entry): both may be corrected at once."""
    for spec in wf.register_set.conditional:
        other, codes = spec.required_when or ("", ())
        if data.get(spec.name) is None and data.get(other) in codes:
            raise InvalidData(
                f"更正案件 {case.case_no}：{other} 为 {data[other]} 时需要{spec.shown}，"
                f"请一并更正 (correct it too)",
                field=f"value.{spec.name}",
            )


def _not_set_later(wf: Workflow, case: Case, key: str, shown: str) -> None:
    """A value a later step recorded into the case's data is that step's, not a typo of the
    registration: correcting it would rewrite what the step decided."""
    for ev in case.file.events():
        if ev.trigger in (REGISTER, CORRECT, DOCUMENT, LINK) or key not in ev.data:
            continue
        trig = wf.trigger(ev.trigger)
        if trig is not None and key in trig.case_values({key: ev.data[key]}):
            raise NotAllowed(
                f"案件 {case.case_no} 的{shown}由第 {ev.seq} 步「{trig.label} {trig.name}」"
                "设定，不是登记时填写的值，不能更正 (set by a later step)",
                field=f"value.{key}",
                value=key,
            )


def masked(event: EventJSON, reveal: bool = False) -> EventJSON:
    """An event as shown: a correction's ID numbers and phones masked, old and new, unless
    the viewer may reveal them and asked (as a case's parties are shown)."""
    if reveal or event["trigger"] != CORRECT:
        return event
    changes = event["data"].get("changes")
    if not isinstance(changes, list):
        return event
    shown = [_masked_change(c) if isinstance(c, dict) else c for c in changes]
    out = event.copy()
    out["data"] = {**event["data"], "changes": shown}
    return out


def kept_from(event: EventJSON, positions: frozenset[str], mark: str) -> EventJSON:
    """An event as shown to a user kept from the parties at ``positions`` (1-based, as
    ``show`` lists them: a confidential caller, to the handling office): a correction of
    theirs shows ``mark`` for both values, revealed or not."""
    changes = event["data"].get("changes")
    if not positions or event["trigger"] != CORRECT or not isinstance(changes, list):
        return event
    shown = [
        {**c, "from": mark, "to": mark}
        if isinstance(c, dict)
        and c.get("field") == "party"
        and str(c.get("key") or "").split(".")[0] in positions
        else c
        for c in changes
    ]
    out = event.copy()
    out["data"] = {**event["data"], "changes": shown}
    return out


def _masked_change(change: dict[str, object]) -> dict[str, object]:
    key = str(change.get("key") or "")
    if change.get("field") != "party" or not key.endswith((".id_number", ".phone")):
        return change
    mask = mask_id if key.endswith(".id_number") else mask_phone
    old, new = change.get("from"), change.get("to")
    return {
        **change,
        "from": mask(old) if isinstance(old, str) else old,
        "to": mask(new) if isinstance(new, str) else new,
    }
