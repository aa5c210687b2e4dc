"""The Ministry's people's mediation form (司法部人民调解工作统计表) filled from the metric
catalogue: 一 组织, 二 排查, 三 来源, 四 类型, 五 结果, 六 防激化 (procedures/mediation.md,
Statistics: "Form report").

Every figure is one metric of one computation (same period, same as-of), named beside it so
that ``stats explain`` reaches its cases; the form's ties (三 and 四 each sum to 调解纠纷, 口头 +
书面 = 成功) are checked on the figures printed, and a failed tie is named, never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from sqlalchemy.engine import Connection

from casework.read.scope import Scope
from casework.read.shapes import Figure
from casework.read.stats import Catalogue, compute
from casework.read.wording import period_words
from casework.storage.world import StoredWorld
from workflows import Registry
from workflows.mediation.metrics import (
    FORM_ROWS,
    REFERRALS,
    SOURCE_GROUP_LABELS,
    STATIONED_ROW,
    SUBTYPES,
)
from workflows.mediation.terms import DISPUTE_TYPES, PREVENT_KINDS

MEDIATED = "mediation.mediated"
AGREED = "mediation.agreed"
AMOUNT = "mediation.agreement_amount"
STATIONED = "派驻"
SCREENING = (
    ("排查次数", "screening.sessions"),
    ("排查发现纠纷", "screening.found"),
    ("预防纠纷", "screening.prevented"),
    ("零报告", "screening.zero_reports"),
)
RESULTS = (
    ("调解成功", AGREED, "件"),
    ("调解成功率", "mediation.success_rate", "%"),
    ("口头协议", "mediation.agreed_oral", "件"),
    ("书面协议", "mediation.agreed_written", "件"),
    ("协议涉及金额", AMOUNT, "万元"),
    ("履行", "mediation.performed", "件"),
    ("司法确认", "mediation.confirmed", "件"),
)


class FormRow(TypedDict):
    """One line of the form: its label, the metrics it adds up, its value and unit."""

    label: str
    metrics: list[str]
    value: Figure
    unit: str


class FormSection(TypedDict):
    title: str
    rows: list[FormRow]


class Tie(TypedDict):
    """A tie of the form: the rows of ``section`` sum to ``expected`` (the metric ``of``)."""

    tie: str
    ok: bool
    value: int
    expected: int
    of: str


FormJSON = TypedDict(
    "FormJSON",
    {
        "title": str,
        "from": str,
        "to": str,
        "as_of": str | None,
        "office": str | None,
        "sections": list[FormSection],
        "ties": list[Tie],
        "failed": list[str],
    },
)


@dataclass(frozen=True)
class Line:
    """A line as declared: its label, the metrics whose figures it adds, its unit."""

    label: str
    metrics: tuple[str, ...]
    unit: str = "件"


def _organisation(stationed_row: str) -> list[Line]:
    """一 组织: the committees by the form's rows (派驻 counted where ``form.stationed_row``
    puts it), by subtype, and the mediators."""
    lines: list[Line] = []
    for row, types in FORM_ROWS.items():
        if row == STATIONED and stationed_row != STATIONED:
            continue
        kinds = (*types, "stationed") if row == stationed_row != STATIONED else types
        lines.append(Line(f"{row}调委会", tuple(f"org.committees.{t}" for t in kinds), "个"))
        for kind in types:
            for sub, label in SUBTYPES.get(kind, {}).items():
                lines.append(Line(f"　其中{label}", (f"org.committees.{kind}.{sub}",), "个"))
    lines.append(Line("调委会合计", ("org.committees",), "个"))
    lines.append(Line("调解员", ("org.mediators",), "人"))
    lines.append(Line("　其中专职", ("org.mediators_full_time",), "人"))
    return lines


def _sources() -> list[Line]:
    lines: list[Line] = []
    for group, label in SOURCE_GROUP_LABELS.items():
        lines.append(Line(label, (f"mediation.source.{group}",)))
    for origin, (_, label) in REFERRALS.items():
        lines.append(Line(f"　其中{label}", (f"mediation.source.referred.{origin}",)))
    return lines


def _prevention() -> list[Line]:
    lines: list[Line] = []
    for kind, label in PREVENT_KINDS.items():
        lines.append(Line(f"{label}（件）", (f"prevention.{kind}.cases",)))
        lines.append(Line(f"{label}（人）", (f"prevention.{kind}.people",), "人"))
    return lines


def sections(stationed_row: str) -> list[tuple[str, list[Line]]]:
    """The form's sections and lines, in the Ministry's order."""
    return [
        ("一、组织", _organisation(stationed_row)),
        (
            "二、排查",
            [Line(label, (name,), "次" if "次" in label else "件") for label, name in SCREENING],
        ),
        ("三、来源", [Line("调解纠纷", (MEDIATED,)), *_sources()]),
        (
            "四、类型",
            [Line(label, (f"mediation.type.{code}",)) for code, label in DISPUTE_TYPES.items()],
        ),
        ("五、结果", [Line(label, (name,), unit) for label, name, unit in RESULTS]),
        ("六、防激化", _prevention()),
    ]


def _value(line: Line, figures: Mapping[str, Figure]) -> Figure:
    values = [figures.get(name) for name in line.metrics]
    if line.unit == "%":
        return values[0]
    total = sum(int(v or 0) for v in values)
    if line.unit == "万元":
        return round(total / 10000, 2)  # printed 万元 with two decimals (Wording)
    return total


def _sum(figures: Mapping[str, Figure], names: Sequence[str]) -> int:
    return sum(int(figures.get(name) or 0) for name in names)


def ties(figures: Mapping[str, Figure]) -> list[Tie]:
    """三 and 四 each sum to 调解纠纷 (the same cohort); 口头 + 书面 = 调解成功."""
    mediated, agreed = int(figures.get(MEDIATED) or 0), int(figures.get(AGREED) or 0)
    sources = [f"mediation.source.{group}" for group in SOURCE_GROUP_LABELS]
    referred = [f"mediation.source.referred.{origin}" for origin in REFERRALS]
    types = [f"mediation.type.{code}" for code in DISPUTE_TYPES]
    forms = ["mediation.agreed_oral", "mediation.agreed_written"]
    checks = (
        ("三、来源 = 调解纠纷", _sum(figures, sources), mediated, MEDIATED),
        (
            "接受委托移送 = 法院+公安+信访+其他",
            _sum(figures, referred),
            int(figures.get("mediation.source.referred") or 0),
            "mediation.source.referred",
        ),
        ("四、类型 = 调解纠纷", _sum(figures, types), mediated, MEDIATED),
        ("口头 + 书面 = 调解成功", _sum(figures, forms), agreed, AGREED),
    )
    return [
        Tie(tie=name, ok=value == expected, value=value, expected=expected, of=of)
        for name, value, expected, of in checks
    ]


def form(conn: Connection, cat: Catalogue, scope: Scope, registry: Registry) -> FormJSON:
    """The form for a scope, from one computation of the metrics it names; 派驻调解室 in the
    row ``form.stationed_row`` names on the period's last day."""
    row = StoredWorld(conn, registry).setting(STATIONED_ROW, scope.end)
    declared = sections(str(row) if row else STATIONED)
    names = [n for _, lines in declared for line in lines for n in line.metrics]
    names = [n for n in dict.fromkeys(names) if n in cat.by_name]
    figures = compute(conn, cat, scope, names)["metrics"]
    out_sections = [
        FormSection(
            title=title,
            rows=[
                FormRow(
                    label=line.label,
                    metrics=list(line.metrics),
                    value=_value(line, figures),
                    unit=line.unit,
                )
                for line in lines
                if all(n in figures for n in line.metrics)
            ],
        )
        for title, lines in declared
    ]
    checked = ties(figures)
    period = period_words(scope.start, scope.end, year=True)
    return {
        "title": f"人民调解工作统计表（{period}）",
        "from": scope.start.isoformat(),
        "to": scope.end.isoformat(),
        "as_of": scope.as_of.isoformat() if scope.as_of else None,
        "office": scope.office,
        "sections": out_sections,
        "ties": checked,
        "failed": [t["tie"] for t in checked if not t["ok"]],
    }


__all__ = ["STATIONED_ROW", "FormJSON", "form", "sections", "ties"]
