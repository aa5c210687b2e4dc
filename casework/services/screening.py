"""Recording a dispute screening (矛盾纠纷排查) of an office's area: at least monthly, plus
special campaigns (专项排查); a screening that finds nothing is still recorded (零报告)."""

from __future__ import annotations

from datetime import date

from casework.domain.model import Actor
from casework.domain.policy import check_office, shown
from casework.domain.text import clean_ref, clean_text, optional_text
from casework.errors import InvalidData, NotAllowed, NotFound
from casework.storage.screenings import KINDS, ScreeningJSON, entry_json
from casework.storage.uow import UnitOfWork
from casework.time.local import local_date
from workflows.policy import SCREENING_ROLES

MAX_COUNT = 100_000
COUNT_LABELS = {"found": "排查发现 found", "prevented": "预防纠纷 prevented"}


def count(value: int | str, field: str) -> int:
    """A count of disputes: a whole number 0..100000."""
    text = str(value).strip()
    label = COUNT_LABELS.get(field, field)
    if not text.lstrip("-").isdigit() or not text.isascii() or len(text) > 9:
        raise InvalidData(f"{label} 应为整数，不是 {text[:20]!r}", field=field, value=text[:20])
    number = int(text)
    if number < 0 or number > MAX_COUNT:
        raise InvalidData(
            f"{label} 应在 0..{MAX_COUNT} 之间，不是 {number}", field=field, value=number
        )
    return number


def log(
    uow: UnitOfWork,
    actor: Actor,
    office: str,
    day: date,
    kind: str,
    counts: tuple[int | str, int | str],
    texts: tuple[str | None, str | None] = (None, None),
    ref: str | None = None,
) -> ScreeningJSON:
    """Record one screening; ``counts`` is (found, prevented), ``texts`` (campaign, note)."""
    if actor.role not in SCREENING_ROLES:
        raise NotAllowed(
            f"登记排查需由登记员、调解员或负责人进行；{shown(actor)} 不可", field="user"
        )
    if not uow.offices.exists(office):
        raise NotFound(f"未知单位 unknown office {office[:40]!r}", field="office", value=office)
    check_office(actor, office, "该排查 the screening ", "排查")
    kind = next((code for code, label in KINDS.items() if label == kind), kind)
    if kind not in KINDS:
        raise InvalidData(
            f"排查类型 kind {kind[:20]!r} 应为 常规 routine 或 专项 special",
            field="kind",
            value=kind[:20],
        )
    today = local_date(uow.now())
    if day > today:
        raise InvalidData(
            f"排查日期 {day} 在将来（今天 {today}）(is in the future)", field="date", value=str(day)
        )
    found, prevented = count(counts[0], "found"), count(counts[1], "prevented")
    campaign = clean_text(texts[0], "campaign", max_length=200) if texts[0] else None
    if kind == "special" and not campaign:
        raise InvalidData("专项排查 special 须写明专项名称 (name its campaign)", field="campaign")
    note = optional_text(texts[1], "note")
    key = clean_ref(ref)
    if key is not None:
        done = uow.screenings.with_ref(key)
        if done is not None:
            return {**entry_json(done), "existing": True}
    row = uow.screenings.add(
        office, day, kind, (found, prevented), (campaign, note), (actor.username, uow.now()), key
    )
    return {**entry_json(row), "existing": False}
