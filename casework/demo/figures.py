"""The seven figures of Gaozhou's 2020 report (statistics.md) and how to compare them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypedDict


@dataclass(frozen=True)
class Targets:
    """What the demo plan aims at; the statistics code must then find exactly these."""

    screening_sessions: int = 578
    screening_special: int = 140
    screening_prevented: int = 627
    mediated: int = 7454
    subsidy_q123: int = 5467
    subsidy_rejections: int = 33  # claims the town offices send back, not paid
    identified: int = 148
    resolved: int = 96


TARGETS = Targets()


@dataclass(frozen=True)
class Figure:
    text: str
    metric: str
    start: date
    end: date
    value: int


def report_figures(year: int = 2020) -> list[Figure]:
    """The report's figures with their metric and period (statistics.md)."""
    jan, nov, sep, dec24 = (
        date(year, 1, 1),
        date(year, 11, 30),
        date(year, 9, 30),
        date(year, 12, 24),
    )
    t = TARGETS
    return [
        Figure("1-11月全市共排查纠纷578次", "screening.sessions", jan, nov, t.screening_sessions),
        Figure(
            "其中开展疫情专项排查活动达140次", "screening.special", jan, nov, t.screening_special
        ),
        Figure("预防纠纷627件", "screening.prevented", jan, nov, t.screening_prevented),
        Figure("2020年1-11月共调解7454件", "mediation.mediated", jan, nov, t.mediated),
        Figure("前三季度纳入以案定补案件5467件", "subsidy.cases", jan, sep, t.subsidy_q123),
        Figure(
            "梳理出148件重大矛盾纠纷和信访突出问题",
            "major_dispute.identified",
            jan,
            dec24,
            t.identified,
        ),
        Figure(
            "共化解重大矛盾纠纷和信访突出问题案件96件",
            "major_dispute.resolved",
            jan,
            dec24,
            t.resolved,
        ),
    ]


FigureRow = TypedDict(
    "FigureRow",
    {
        "figure": str,
        "metric": str,
        "from": str,
        "to": str,
        "report": int,
        "casework": float | int | None,
        "match": bool,
    },
)


def compare(
    stats: Callable[[str, date, date], float | int | None], year: int = 2020
) -> list[FigureRow]:
    """Each report figure beside what casework's statistics compute for its period."""
    rows = []
    for f in report_figures(year):
        value = stats(f.metric, f.start, f.end)
        rows.append(
            FigureRow(
                {
                    "figure": f.text,
                    "metric": f.metric,
                    "from": f.start.isoformat(),
                    "to": f.end.isoformat(),
                    "report": f.value,
                    "casework": value,
                    "match": value == f.value,
                }
            )
        )
    return rows
