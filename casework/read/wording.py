"""The words of a report (procedures/mediation.md, Wording): periods named from their dates,
counts without separators, amounts in 万元, and a rate printed right after the two figures it
divides, computed from those very figures and checked against the statistic's own value.

A reader of 高州市2020年法治政府建设年度报告 divides 7135 by 7454 and gets 95.72%, whatever the
report says (issue 13): so a rate here is never printed without its two terms, both of the same
period and as-of, and never printed when it disagrees with them.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from casework.errors import CaseworkError
from casework.read.shapes import Figure

Figures = Mapping[str, Figure]

# A quarter that does not start in January is named by its number; a period from 1 January
# is cumulative and named as the reports name it (上半年, 前三季度, 全年, else 1-N月).
QUARTERS = {4: "第二季度", 7: "第三季度", 10: "第四季度"}
FROM_JANUARY = {6: "上半年", 9: "前三季度", 12: "全年"}


class RateDisagrees(CaseworkError):
    """A rate that does not follow from the two figures printed before it: the report's
    wording names other terms than the statistic divides (a definition changed)."""


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _whole_months(start: date, end: date) -> bool:
    return start.day == 1 and end == month_end(end)


def _months_words(first: int, last: int) -> str:
    if first == 1 and last in FROM_JANUARY:
        return FROM_JANUARY[last]
    if first == last:
        return f"{first}月"
    if first == 7 and last == 12:
        return "下半年"
    if first in QUARTERS and last == first + 2:
        return QUARTERS[first]
    return f"{first}-{last}月"


def _days_words(start: date, end: date) -> str:
    if start == end:
        return f"{start.month}月{start.day}日"
    if (start.month, start.year) == (end.month, end.year):
        return f"{start.month}月{start.day}日至{end.day}日"
    return f"{start.month}月{start.day}日至{end.month}月{end.day}日"


def period_words(start: date, end: date, *, year: bool = False) -> str:
    """The words a report names a period of local dates with (both ends inclusive):
    1-11月, 前三季度, 上半年, 全年, 第二季度, 5月, 3月2日至4月15日... With ``year``, the year
    before them (2020年1-11月). A period over two years names both years."""
    if end < start:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    if start.year != end.year:
        if _whole_months(start, end):
            return f"{start.year}年{start.month}月至{end.year}年{end.month}月"
        return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    prefix = f"{start.year}年" if year else ""
    if _whole_months(start, end):
        return prefix + _months_words(start.month, end.month)
    return prefix + _days_words(start, end)


def last_month_end(day: date) -> date:
    """The last day of the last whole month ending by ``day``: ``day`` itself when it ends
    its month, else the end of the month before."""
    return day if day == month_end(day) else day.replace(day=1) - timedelta(days=1)


def last_quarter_end(day: date) -> date:
    """The last day of the last whole quarter ending by ``day``."""
    end = last_month_end(day)
    while end.month % 3:
        end = end.replace(day=1) - timedelta(days=1)
    return end


def date_words(day: date) -> str:
    """2020年12月24日."""
    return f"{day.year}年{day.month}月{day.day}日"


def count(value: Figure) -> str:
    """A count as reports print it: digits only, no thousands separator (7454)."""
    return str(int(value or 0))


def wan_yuan(yuan: Figure) -> str:
    """An amount in yuan printed in 万元 with two decimals, rounded half up (138.46万元)."""
    wan = (Decimal(str(yuan or 0)) / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{wan}万元"


def rate_of(numerator: int, denominator: int) -> float | None:
    """numerator ÷ denominator × 100 to two decimals, as the statistics compute a rate; a zero
    denominator gives no rate (statistics.md)."""
    if not denominator:
        return None
    # Half up, exactly: round() on a float rounds 0.125 to 0.12 (and 100 × 1/8000 is no
    # exact float); statistics.md and the 12345 metrics say half-up (93.455… is 93.46).
    ratio = Decimal(100 * numerator) / Decimal(denominator)
    return float(ratio.quantize(Decimal("0.01"), ROUND_HALF_UP))


@dataclass(frozen=True)
class Term:
    """One figure of a rate as printed: its metric and the words around it (``{}`` is the
    count), such as ``Term("mediation.mediated", "共调解纠纷{}件")``."""

    metric: str
    words: str

    def printed(self, figures: Figures) -> tuple[int, str]:
        value = int(figures[self.metric] or 0)
        return value, self.words.format(count(value))


def rate_clause(
    figures: Figures, rate: str, label: str, whole: Term, part: Term, joiner: str = "，"
) -> str:
    """The two figures, then the rate of ``part`` in ``whole`` computed from them:
    共调解纠纷7454件，调解成功7135件，调解成功率95.72%. The rate must equal the statistic ``rate``
    (same period, same as-of), else :class:`RateDisagrees` names both; with a zero whole,
    the figures are printed without a rate."""
    denominator, whole_words = whole.printed(figures)
    numerator, part_words = part.printed(figures)
    computed = rate_of(numerator, denominator)
    value = figures[rate]
    if (computed is None) != (value is None) or (
        computed is not None and value is not None and f"{computed:.2f}" != f"{value:.2f}"
    ):
        raise RateDisagrees(
            f"比率与所列数字不符 (rate_disagrees)：{label} {rate} = {value}，"
            f"而 {part.metric} ÷ {whole.metric} = {numerator}/{denominator}"
        )
    clause = f"{whole_words}{joiner}{part_words}"
    return clause if computed is None else f"{clause}，{label}{computed:.2f}%"


def has(figures: Figures, *names: str) -> bool:
    """Whether the statistics gave every one of ``names`` (a catalogue without a metric leaves
    its sentence out rather than printing a figure it does not have)."""
    return all(name in figures for name in names)
