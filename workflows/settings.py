"""Dated settings of local practice: what the spec marks [cfg], each with its shipped default.

A setting has a key (``petition.collective_min``), a kind, a default and a history of values,
each in force from a date (``casework config set KEY VALUE --from DATE``). Procedures declare
theirs in their module (``Workflow.settings``); the keys below hold across procedures. A value
is read as it stood on the day a step happened, so changing a setting never rewrites the past.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from casework.errors import InvalidData
from casework.typed import DAYS, FIRST_DAY, LAST_DAY, typed

SettingKind = Literal["int", "bool", "set", "text", "date", "parent", "codes", "table"]

TRUE = frozenset({"on", "yes", "true", "1", "是", "开", "启用"})
FALSE = frozenset({"off", "no", "false", "0", "否", "关", "停用"})
# A parent is an office of casework by its code, or an organ outside it by name (``ext:NAME``).
EXTERNAL = "ext:"
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")

SettingValue = int | bool | str | date | frozenset[str] | None


@dataclass(frozen=True)
class SettingSpec:
    """One [cfg] setting: what it is, what it accepts and its shipped default.

    ``kind`` ``set`` holds several of ``choices`` (comma-separated when typed); ``parent`` an
    office code or ``ext:`` and an outside organ's name; ``table`` a whole number (or ``none``)
    for some of ``choices``, typed ``complaint=15,praise=none`` (a limit's length by a case's
    values, read with :func:`table_rows`). ``none_allowed`` lets an admin set
    ``none`` (a limit the law leaves without a term).
    """

    key: str
    label: str
    kind: SettingKind
    default: SettingValue
    choices: Mapping[str, str] = field(default_factory=dict)
    minimum: int | None = None
    maximum: int | None = None
    none_allowed: bool = False
    note: str = ""

    def coerce(self, raw: str) -> SettingValue:
        """The typed value as stored, or a refusal saying what the setting accepts."""
        text = raw.strip()
        if self.none_allowed and text.lower() in {"none", "无"}:
            return None
        if self.kind == "bool":
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            raise self._refuse("应为 on 或 off（是/否）", raw)
        if self.kind == "int":
            return self._whole(typed(text), raw)
        if self.kind == "date":
            try:
                day = date.fromisoformat(typed(text))
            except ValueError:
                raise self._refuse("应为 ISO 日期（如 2022-05-01）", raw) from None
            if not FIRST_DAY <= day <= LAST_DAY:
                raise self._refuse(f"超出范围 out of range ({DAYS})", raw)
            return day
        if self.kind == "set":
            return self._members(text, raw)
        if self.kind == "parent":
            return parent_value(text, self.key)
        if self.kind == "codes":
            return self._codes(text, raw)
        if self.kind == "table":
            return self._table(text, raw)
        if self.choices:  # a text setting with declared choices takes one of them
            return self._one(text, raw)
        if not text or len(text) > 200:
            raise self._refuse("应为 1-200 个字符的文本", raw)
        return text

    def _whole(self, text: str, raw: str) -> int:
        if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 9:
            raise self._refuse("应为整数", raw)
        value = int(text)
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise self._refuse(f"应为 {self.minimum}..{self.maximum} 的整数", raw)
        return value

    def _members(self, text: str, raw: str) -> frozenset[str]:
        by_label = {label: code for code, label in self.choices.items()}
        out = set()
        for part in re.split(r"[,，、\s]+", text):
            if not part:
                continue
            code = part if part in self.choices else by_label.get(part)
            if code is None:
                listed = "、".join(f"{label} {code}" for code, label in self.choices.items())
                raise self._refuse(f"的取值 {part[:30]!r} 不在可选项中（可选：{listed}）", raw)
            out.add(code)
        return frozenset(out)

    def _one(self, text: str, raw: str) -> str:
        """One of the choices, by its code or its label."""
        by_label = {label: code for code, label in self.choices.items()}
        code = text if text in self.choices else by_label.get(text)
        if code is None:
            listed = "、".join(f"{label} {code}" for code, label in self.choices.items())
            raise self._refuse(f"应为其中之一（可选：{listed}）", raw)
        return code

    def _codes(self, text: str, raw: str) -> frozenset[str]:
        codes = frozenset(p for p in re.split(r"[,，、\s]+", text) if p)
        bad = [c for c in codes if not _CODE.fullmatch(c)]
        if not codes or bad:
            raise self._refuse("应为逗号分隔的单位代码（如 city-petition）", raw)
        return codes

    def _table(self, text: str, raw: str) -> str:
        """The rows in the order of ``choices``, each ``code=N`` or ``code=none``."""
        by_label = {label: code for code, label in self.choices.items()}
        rows: dict[str, str] = {}
        for part in (p for p in re.split(r"[,，、\s]+", text) if p):
            key, sep, days = part.replace("：", "=").replace(":", "=").partition("=")
            code = key if key in self.choices else by_label.get(key)
            if code is None or not sep:
                listed = "、".join(f"{label} {code}" for code, label in self.choices.items())
                raise self._refuse(f"的行 {part[:30]!r} 应写作 代码=天数（可选：{listed}）", raw)
            rows[code] = "none" if days.lower() in {"none", "无"} else str(self._whole(days, raw))
        if not rows:
            raise self._refuse("应写作 代码=天数，逗号分隔（如 complaint=15,praise=none）", raw)
        return ",".join(f"{code}={rows[code]}" for code in self.choices if code in rows)

    def _refuse(self, why: str, raw: str) -> InvalidData:
        return InvalidData(
            f"设置「{self.label} {self.key}」{why}，不是 {raw[:40]!r}",
            field="value",
            value=raw[:40],
        )

    def dump(self, value: SettingValue) -> str:
        """The value as stored (and as ``config set`` takes it)."""
        return dump_value(value)

    def load(self, text: str) -> SettingValue:
        """A stored value back as its kind."""
        if text == "none":
            return None
        if self.kind == "bool":
            return text == "on"
        if self.kind == "int":
            return int(text)
        if self.kind == "date":
            return date.fromisoformat(text)
        if self.kind in ("set", "codes"):
            return frozenset(t for t in text.split(",") if t)
        return text


def dump_value(value: SettingValue) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, frozenset):
        return ",".join(sorted(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def table_rows(value: SettingValue) -> dict[str, int | None]:
    """A ``table`` setting's rows: each code's whole number, None for ``none``."""
    out: dict[str, int | None] = {}
    for part in str(value or "").split(","):
        code, _, days = part.partition("=")
        if code:
            out[code] = None if days == "none" else int(days)
    return out


def parent_value(text: str, key: str = "parent") -> str:
    """An office code, or ``ext:NAME`` for an organ outside casework."""
    if text.startswith(EXTERNAL):
        name = text[len(EXTERNAL) :].strip()
        if not name or len(name) > 100:
            raise InvalidData(
                f"上级机关 {key}：ext: 之后应为机关名称（如 ext:茂名市司法局）",
                field="parent",
                value=text[:40],
            )
        return EXTERNAL + name
    if not _CODE.fullmatch(text):
        raise InvalidData(
            f"上级机关 {key} 应为单位代码或 ext:机关名称，不是 {text[:40]!r}",
            field="parent",
            value=text[:40],
        )
    return text


def is_external(office: str | None) -> bool:
    return office is not None and office.startswith(EXTERNAL)


def organ_name(office: str) -> str:
    """An outside organ's name (``ext:`` dropped)."""
    return office[len(EXTERNAL) :] if is_external(office) else office


# -- the keys that hold across procedures ------------------------------------------------------

OFFICE_PARENT = "office.parent."  # + an office code
ORGAN_PARENT = "organ.parent."  # + an outside organ's name

# petition.md, People and places: a town office's parent is a city office (its local office,
# the justice bureau); a city office's is outside casework; outside organs name theirs.
TOWN_PARENT = "city-justice"
CITY_PARENTS: Mapping[str, str] = {"city-justice": "ext:茂名市司法局"}
CITY_PARENT = "ext:茂名市人民政府"
ORGAN_PARENTS: Mapping[str, str] = {
    "茂名市司法局": "ext:广东省司法厅",
    "茂名市人民政府": "ext:广东省人民政府",
    "广东省司法厅": "ext:司法部",
    "广东省人民政府": "ext:国务院",
}
# Levels: town 1, city 2, Maoming 3, province 4, Beijing 5 (an outside organ is one above its
# child in casework's chain).
LEVELS: Mapping[str, int] = {"town": 1, "city": 2}
TOP_LEVEL = 5


# Settings of the ledgers that are not procedures: the screening ledger (矛盾纠纷排查) is kept at
# least monthly by every office (the 2020 report: 每月开展一次), procedures/mediation.md 5.
SCREENING_PER_MONTH = "screening.routine_per_month"
LEDGER_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        SCREENING_PER_MONTH,
        "每月常规排查次数（screening gaps）",
        "int",
        1,
        minimum=0,
        maximum=31,
        note="procedures/mediation.md 5: 每月开展一次",
    ),
)

# The folder of the user's own document templates (``case print``): ``<folder>/<DOC_KIND>.docx``
# (or ``<title>.docx``, 受理告知书.docx) replaces that document's default template from its day.
TEMPLATES_FOLDER = "documents.templates"
DOCUMENT_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        TEMPLATES_FOLDER,
        "文书模板文件夹（document templates folder: <DOC_KIND>.docx or <文书名称>.docx）",
        "text",
        None,
        none_allowed=True,
        note="docs/documents.md; none: the default templates",
    ),
)

# Accounts (web.md, 等保 level 2): the password policy, lockout and session lifetimes. Read on
# the day of the login or change, like every dated setting.
PASSWORD_MIN_LENGTH = "auth.password.min_length"
LOCKOUT_FAILURES = "auth.lockout.failures"
LOCKOUT_MINUTES = "auth.lockout.minutes"
SESSION_IDLE_MINUTES = "auth.session.idle_minutes"
SESSION_HOURS = "auth.session.hours"
ACCOUNT_SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(PASSWORD_MIN_LENGTH, "密码最短长度（password length）", "int", 8, minimum=8,
                maximum=64, note="web.md: at least 8 characters of three classes"),
    SettingSpec(LOCKOUT_FAILURES, "连续登录失败锁定次数（lockout failures）", "int", 5,
                minimum=3, maximum=20, note="web.md: 5 failed logins lock the account"),
    SettingSpec(LOCKOUT_MINUTES, "锁定时长（lockout minutes）", "int", 30, minimum=1,
                maximum=1440, note="web.md: for 30 minutes"),
    SettingSpec(SESSION_IDLE_MINUTES, "会话空闲超时（session idle minutes）", "int", 30,
                minimum=5, maximum=480, note="web.md: an idle timeout, 30 minutes by default"),
    SettingSpec(SESSION_HOURS, "会话最长时间（session lifetime hours）", "int", 8, minimum=1,
                maximum=72, note="web.md: an absolute lifetime"),
)  # fmt: skip


def default_parent(code: str, level: str) -> str:
    if level == "town":
        return TOWN_PARENT
    return CITY_PARENTS.get(code, CITY_PARENT)


def parent_spec(key: str) -> SettingSpec:
    """The setting of one office's or organ's parent."""
    if key.startswith(OFFICE_PARENT):
        what = f"单位 {key[len(OFFICE_PARENT) :]} 的上级机关"
    else:
        what = f"机关 {key[len(ORGAN_PARENT) :]} 的上级机关"
    return SettingSpec(key, what, "parent", None, note="petition.md: office hierarchy")
