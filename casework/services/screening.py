"""Recording a dispute screening (矛盾纠纷排查) of an office's area: at least monthly, plus
special campaigns (专项排查) whose dates hold their entries; a screening that finds nothing is
still recorded (零报告). An entry may carry prevention measures (防激化, 人民调解法 art. 25)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from casework.domain.model import Actor
from casework.domain.policy import check_office, shown
from casework.domain.text import clean_ref, clean_text, optional_text
from casework.errors import InvalidData, NotAllowed, NotFound
from casework.storage.screenings import (
    KINDS,
    MEASURE_KINDS,
    CampaignJSON,
    ScreeningJSON,
)
from casework.storage.uow import UnitOfWork
from casework.time.local import local_date
from workflows.policy import CAMPAIGN_ROLES, SCREENING_ROLES

MAX_COUNT = 100_000
COUNT_LABELS = {
    "found": "排查发现 found",
    "prevented": "预防纠纷 prevented",
    "measure": "防激化措施 measure",
}
CAMPAIGN_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
Measure = tuple[str, int, int]  # kind, 件, 人


def count(value: int | str, field: str, least: int = 0) -> int:
    """A count of disputes: a whole number least..100000."""
    text = str(value).strip()
    label = COUNT_LABELS.get(field, field)
    if not text.lstrip("-").isdigit() or not text.isascii() or len(text) > 9:
        raise InvalidData(f"{label} 应为整数，不是 {text[:20]!r}", field=field, value=text[:20])
    number = int(text)
    if number < least or number > MAX_COUNT:
        raise InvalidData(
            f"{label} 应在 {least}..{MAX_COUNT} 之间，不是 {number}", field=field, value=number
        )
    return number


def measure(text: str) -> Measure:
    """``KIND:件:人`` (``criminal:1:3``; the kind also by its label, 防止民转刑): one kind of
    prevention, with at least one 件 and one 人 (procedures/mediation.md 2.7)."""
    parts = text.strip().split(":")
    listed = "、".join(f"{label} {code}" for code, label in MEASURE_KINDS.items())
    if len(parts) != 3:
        raise InvalidData(
            f"防激化措施 measure 应为 KIND:件:人（如 criminal:1:3），不是 {text[:40]!r}",
            field="measure",
            value=text[:40],
        )
    kind = next((c for c, label in MEASURE_KINDS.items() if label == parts[0]), parts[0])
    if kind not in MEASURE_KINDS:
        raise InvalidData(
            f"防激化措施 measure 的类型 {parts[0][:20]!r} 应为以下之一：{listed}",
            field="measure",
            value=parts[0][:20],
        )
    return kind, count(parts[1], "measure", 1), count(parts[2], "measure", 1)


def measures_of(given: Sequence[str | Measure]) -> list[Measure]:
    """An entry's measures, one per kind."""
    out = [measure(m) if isinstance(m, str) else measure(":".join(map(str, m))) for m in given]
    kinds = [m[0] for m in out]
    twice = sorted({k for k in kinds if kinds.count(k) > 1})
    if twice:
        raise InvalidData(
            f"防激化措施 measure {', '.join(twice)} 重复 (one measure per kind)",
            field="measure",
            value=twice[0],
        )
    return out


def _kind(kind: str) -> str:
    kind = next((code for code, label in KINDS.items() if label == kind), kind)
    if kind not in KINDS:
        raise InvalidData(
            f"排查类型 kind {kind[:20]!r} 应为 常规 routine 或 专项 special",
            field="kind",
            value=kind[:20],
        )
    return kind


def _campaign(uow: UnitOfWork, kind: str, given: str | None, day: date) -> str | None:
    """A special entry names an existing campaign whose dates hold its day; a routine one
    names none (procedures/mediation.md 5)."""
    code = clean_text(given, "campaign", max_length=200) if given else None
    if kind == "routine":
        if code:
            raise InvalidData(
                f"常规排查 routine 不属于专项 campaign {code[:40]!r}，专项排查应为 special "
                "(routine entries have no campaign)",
                field="campaign",
                value=code[:40],
            )
        return None
    if not code:
        raise InvalidData("专项排查 special 须写明专项名称 (name its campaign)", field="campaign")
    row = uow.screenings.campaign(code)
    if row is None:
        raise NotFound(
            f"未知专项 unknown campaign {code[:40]!r}（先 screening campaign add）",
            field="campaign",
            value=code[:40],
        )
    if not row.from_day <= day <= row.to_day:
        raise InvalidData(
            f"排查日期 {day} 不在专项 {code[:40]} 的期间 {row.from_day}..{row.to_day} 内"
            " (the campaign's dates must hold the entry)",
            field="campaign",
            value=code[:40],
        )
    return code


def _committee(uow: UnitOfWork, given: str | None, office: str, day: date) -> str | None:
    """The committee that screened: one guided by the entry's office, active that day."""
    if not given:
        return None
    code = given.strip()
    found = uow.committees.get(code)
    if found is None:
        raise NotFound(
            f"未知调委会 unknown committee {code[:40]!r}", field="committee", value=code[:40]
        )
    if found.office != office:
        raise InvalidData(
            f"调委会 {code} 由 {found.office} 指导，不属于 {office} (not the office's committee)",
            field="committee",
            value=code,
        )
    if not found.active_on(day):
        raise InvalidData(
            f"调委会 {code} 在 {day} 不在存续期内 (not active that day)",
            field="committee",
            value=code,
        )
    return code


def _may_log(uow: UnitOfWork, actor: Actor, office: str, day: date) -> None:
    if actor.role not in SCREENING_ROLES:
        raise NotAllowed(
            f"登记排查需由登记员、调解员或负责人进行；{shown(actor)} 不可", field="user"
        )
    if not uow.offices.exists(office):
        raise NotFound(f"未知单位 unknown office {office[:40]!r}", field="office", value=office)
    check_office(actor, office, "该排查 the screening ", "排查")
    today = local_date(uow.now())
    if day > today:
        raise InvalidData(
            f"排查日期 {day} 在将来（今天 {today}）(is in the future)", field="date", value=str(day)
        )


def log(
    uow: UnitOfWork,
    actor: Actor,
    office: str,
    day: date,
    kind: str,
    counts: tuple[int | str, int | str],
    texts: tuple[str | None, str | None] = (None, None),
    ref: str | None = None,
    *,
    committee: str | None = None,
    measures: Sequence[str | Measure] = (),
) -> ScreeningJSON:
    """Record one screening; ``counts`` is (found, prevented), ``texts`` (campaign, note),
    ``measures`` ``KIND:件:人`` each. Found 0, prevented 0 and no measures is a zero report."""
    _may_log(uow, actor, office, day)
    kind = _kind(kind)
    found, prevented = count(counts[0], "found"), count(counts[1], "prevented")
    taken = measures_of(measures)
    campaign = _campaign(uow, kind, texts[0], day)
    screened_by = _committee(uow, committee, office, day)
    note = optional_text(texts[1], "note")
    key = clean_ref(ref)
    if key is not None:
        done = uow.screenings.with_ref(key)
        if done is not None:
            return {**done, "existing": True}
    row = uow.screenings.add(
        (office, screened_by, day),
        kind,
        (found, prevented),
        (campaign, note),
        taken,
        (actor.username, uow.now(), key),
    )
    return {**row, "existing": False}


def add_campaign(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    name: str,
    days: tuple[date, date],
    pandemic: bool = False,
) -> CampaignJSON:
    """Open a special screening campaign (专项排查) from a day to a day."""
    if actor.role not in CAMPAIGN_ROLES:
        raise NotAllowed(f"开设专项排查需由负责人或管理员进行；{shown(actor)} 不可", field="user")
    code = code.strip()
    if not CAMPAIGN_CODE.fullmatch(code):
        raise InvalidData(
            f"专项代码 code {code[:40]!r} 应为 1-40 个字母、数字、- 或 _（如 2020-yq）",
            field="code",
            value=code[:40],
        )
    title = clean_text(name, "name", max_length=200)
    if days[1] < days[0]:
        raise InvalidData(
            f"专项期间 {days[0]}..{days[1]}：结束早于开始 (ends before it starts)",
            field="to",
            value=days[1].isoformat(),
        )
    if uow.screenings.campaign(code) is not None:
        raise InvalidData(
            f"专项 campaign {code!r} 已存在 (already exists)", field="code", value=code
        )
    return uow.screenings.add_campaign(code, title, days, pandemic, (actor.username, uow.now()))
