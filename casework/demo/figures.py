"""The ten figures of Gaozhou's 2020 report (statistics.md; hotline_reconsideration.md 7, "The
2020 figures") and how to compare them."""

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
    # 12345 (report 一(七)3): 11,105 orders, all closed by 24 December, 93.46% satisfied
    # (9,567 satisfied or basic of 10,237 rated; 868 unrated), and a few repeated calls merged.
    hotline_received: int = 11105
    hotline_rated: int = 10237
    hotline_pleased: int = 9567
    hotline_merged: int = 57
    hotline_closure_rate: float = 100.0
    hotline_satisfaction_rate: float = 93.46


TARGETS = Targets()


@dataclass(frozen=True)
class Figure:
    text: str
    metric: str
    start: date
    end: date
    value: int | float
    closed_by: date | None = None  # a cohort rate's cut-off (办结率)


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
        Figure("工单11105宗", "hotline.received", jan, dec24, t.hotline_received),
        Figure("办结率为100%", "hotline.closure_rate", jan, dec24, t.hotline_closure_rate, dec24),
        Figure(
            "满意度为93.46%", "hotline.satisfaction_rate", jan, dec24, t.hotline_satisfaction_rate
        ),
    ]


FigureRow = TypedDict(
    "FigureRow",
    {
        "figure": str,
        "metric": str,
        "from": str,
        "to": str,
        "report": int | float,
        "casework": float | int | None,
        "match": bool,
    },
)


def compare(
    stats: Callable[[str, date, date, date | None], float | int | None], year: int = 2020
) -> list[FigureRow]:
    """Each report figure beside what casework's statistics compute for its period (and its
    ``closed_by`` cut-off, when it has one)."""
    rows = []
    for f in report_figures(year):
        value = stats(f.metric, f.start, f.end, f.closed_by)
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
