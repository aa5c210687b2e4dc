"""The sentences a procedure's figures give the annual report, declared as data beside its
metrics (statistics.md, The figures of the 2020 report; procedures/mediation.md, Wording).

A sentence names the report's section it belongs to, the period it counts (from 1 January to
the last whole month, to the last whole quarter, or to the report's date), the counts it prints
and the rates it prints, each rate right after the two figures it divides: casework's report
fills and checks them, and names no procedure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# The section of the statistics paragraph (一(八) 依法有效化解社会矛盾): a sentence of it joins
# that paragraph; a sentence of another section is printed apart under its section.
STATISTICS_SECTION = "一(八)"

ReportPeriod = Literal["months", "quarters", "to_date"]


@dataclass(frozen=True)
class Counted:
    """A count as the sentence prints it: the metric and its words (``{}`` is the count)."""

    metric: str
    words: str


@dataclass(frozen=True)
class ReportRate:
    """A rate printed after its two figures, ``whole`` then ``part``: the printed rate is
    computed from them and must equal the statistic ``rate`` (else the report is refused)."""

    rate: str
    label: str
    whole: Counted
    part: Counted
    joiner: str = "，"


@dataclass(frozen=True)
class ReportSentence:
    """One sentence of the annual report: ``counts`` joined by commas, then each rate after a
    semicolon. ``closed_by`` asks the cohort rates' cut-off to be the period's end (a cohort
    rate such as 办结率 counts the orders closed by then), ``heading`` names it when printed
    apart from the statistics paragraph."""

    section: str
    heading: str
    period: ReportPeriod
    counts: tuple[Counted, ...] = ()
    rates: tuple[ReportRate, ...] = ()
    closed_by: bool = False

    @property
    def metrics(self) -> tuple[str, ...]:
        """Every metric the sentence prints (a rate's two figures included), once each."""
        names = [c.metric for c in self.counts]
        for r in self.rates:
            names += [r.rate, r.whole.metric, r.part.metric]
        return tuple(dict.fromkeys(names))
