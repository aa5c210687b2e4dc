"""Changing the dated settings of local practice (admins only): the subsidy scale, from when
oral agreements count, and the holiday files of years the calendar package does not know."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from datetime import date
from typing import TypedDict

from casework.domain.model import Actor
from casework.domain.policy import check_admin
from casework.errors import InvalidData
from casework.storage.settings import ORAL_FROM_KEY, TIER_LABELS, Tier
from casework.storage.uow import UnitOfWork
from casework.time.calendar import parse_holiday_file

_TIER = re.compile(r"[a-z][a-z0-9_]{0,29}")


class ScaleSet(TypedDict):
    effective_from: str
    scale: dict[str, Tier]


class HolidayFileAdded(TypedDict):
    file: str
    sha256: str
    years: list[int]
    holidays: int
    workdays: int


def parse_amounts(pairs: Mapping[str, str]) -> dict[str, int]:
    """``TIER=YUAN`` pairs, checked: known-looking tier names, whole yuan 0..1,000,000."""
    if not pairs:
        raise InvalidData("请至少给出一个 档次=金额 (TIER=YUAN)，如 ordinary=200", field="amount")
    out = {}
    for tier, raw in pairs.items():
        if not _TIER.fullmatch(tier):
            raise InvalidData(
                f"档次 tier {tier[:30]!r} 应为小写字母、数字或 '_'", field="tier", value=tier[:30]
            )
        text = raw.strip()
        if not text.isascii() or not text.isdigit() or int(text) > 1_000_000:
            raise InvalidData(
                f"{tier}={raw[:20]!r}：金额应为 0..1000000 的整数元 (whole yuan)",
                field="amount",
                value=raw[:20],
            )
        out[tier] = int(text)
    return out


def set_scale(
    uow: UnitOfWork,
    actor: Actor,
    effective_from: date,
    amounts: Mapping[str, int],
    labels: Mapping[str, str] | None = None,
) -> ScaleSet:
    """Set tiers' amounts from a date; other tiers keep their amounts."""
    check_admin(actor, "设置以案定补标准")
    labels = labels or {}
    current = uow.settings.scale_on(effective_from)
    for tier, amount in amounts.items():
        known = current.get(tier)
        label = labels.get(tier) or (known["label"] if known else TIER_LABELS.get(tier, tier))
        uow.settings.set_tier(effective_from, tier, label, amount, (actor.username, uow.now()))
    return ScaleSet(
        effective_from=effective_from.isoformat(), scale=uow.settings.scale_on(effective_from)
    )


def set_oral_agreements_from(uow: UnitOfWork, actor: Actor, day: date) -> date:
    """From when oral agreements count for the subsidy."""
    check_admin(actor, "更改以案定补规则")
    uow.settings.set_value(ORAL_FROM_KEY, day.isoformat(), (actor.username, uow.now()))
    return day


# A year's arrangement is some 20 lines; a file of many years' fits easily. Over these the file
# is refused, never cut (it was once read up to 1 MiB and the rest dropped silently).
HOLIDAY_MAX_BYTES = 1 << 20
HOLIDAY_MAX_LINES = 10_000


def read_holiday_file(path: str) -> tuple[str, bytes, str]:
    """A holiday file's name, bytes and text, or a refusal saying why it cannot be read."""
    if not os.path.isfile(path):
        raise InvalidData(
            f"节假日文件 {path[:200]!r} 不存在或不可读", field="holiday_file", value=path[:200]
        )
    try:
        with open(path, "rb") as fh:
            raw = fh.read(HOLIDAY_MAX_BYTES + 1)
    except OSError as exc:
        raise InvalidData(
            f"节假日文件 {path[:200]!r} 无法读取 (cannot be read)：{exc.strerror}",
            field="holiday_file",
        ) from None
    if len(raw) > HOLIDAY_MAX_BYTES:
        raise InvalidData(
            f"节假日文件 {path[:200]!r} 有 {os.path.getsize(path):,} 字节，超过上限 "
            f"{HOLIDAY_MAX_BYTES:,} 字节 (over the holiday file limit of 1 MiB)",
            field="holiday_file",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidData(
            f"节假日文件 {path[:200]!r} 无法按 UTF-8 读取：{exc}", field="holiday_file"
        ) from None
    lines = len(text.splitlines())
    if lines > HOLIDAY_MAX_LINES:
        raise InvalidData(
            f"节假日文件 {path[:200]!r} 有 {lines:,} 行，超过上限 {HOLIDAY_MAX_LINES:,} 行 "
            f"(over {HOLIDAY_MAX_LINES:,} lines)",
            field="holiday_file",
        )
    return os.path.basename(path), raw, text


def add_holiday_file(uow: UnitOfWork, actor: Actor, path: str) -> HolidayFileAdded:
    """Add (or replace) the arrangement of the years a holiday file covers."""
    name, raw, text = read_holiday_file(path)
    entries = parse_holiday_file(text, name)
    digest = hashlib.sha256(raw).hexdigest()
    check_admin(actor, "添加节假日文件")
    years = uow.calendars.replace(entries, (name, digest), (actor.username, uow.now()))
    return HolidayFileAdded(
        file=name,
        sha256=digest,
        years=years,
        holidays=sum(e.kind == "holiday" for e in entries),
        workdays=sum(e.kind == "workday" for e in entries),
    )
