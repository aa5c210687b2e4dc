"""Does the demo year look like 2020? The realism bands of procedures/mediation.md ("The 2020 demo
beyond the seven figures"), each measured over the stored cases.

The bands are the demo's settings, not facts: they say what a believable year of a county
city's mediation looks like (the Level-I response's lull, the carry-over from 2019, noise,
spread durations, no unfinished tail). Every value is read back through casework's public
statistics (``Casework.stats`` for the catalogue's figures) or from the stored cases and events
(``ledger.stored``, the columns ``casework export`` writes, for the distributions no figure
gives, such as durations and median amounts), never taken from the planner's own counters,
so a check fails when what was stored differs from what was meant.
A check whose figure the procedures cannot compute yet is listed as unavailable, not passed.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypedDict

from casework.api import Casework
from casework.demo.committees import INDUSTRY
from casework.demo.ledger import Claims, Ledger, MediationRow, per_day
from casework.demo.seasons import DEEP_END, DEEP_START, LULL_END, LULL_START
from casework.errors import CaseworkError

REMOTE = ("phone", "online")
INDUSTRY_CODES = frozenset(code for code, _, _ in INDUSTRY)
PANDEMIC_TYPES = ("labour", "contract", "consumer", "tourism")
# The figures of January-November the checks read, computed together.
JAN_NOV = (
    "mediation.mediated",
    "mediation.agreed",
    "mediation.agreed_oral",
    "mediation.agreement_amount",
    "mediation.performed_on_the_spot",
    "mediation.source.initiative",
    "mediation.source.application",
    "mediation.source.referred",
    "mediation.source.referred.court",
    "mediation.source.referred.police",
    "mediation.source.referred.petition",
    "prevention.criminal.cases",
)
COMMITTEE_TYPES: tuple[str, ...] = ("village", "residents", "town", "subdistrict")
COMMITTEE_TYPES += ("industry", "enterprise", "studio", "stationed")
CLAIM_FIGURES: tuple[str, ...] = ("subsidy.cases", "subsidy.returned", "subsidy.rejected")
CLAIM_FIGURES += ("subsidy.spot_checked", "subsidy.spot_check_failed")


@dataclass(frozen=True)
class Band:
    """The values a check may take: ``low`` to ``high``, either end open."""

    low: float | None = None
    high: float | None = None
    unit: str = "%"

    def holds(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def shown(self) -> str:
        u = self.unit
        if self.low is not None and self.high is not None:
            return f"{self.low:g}{u}" if self.low == self.high else f"{self.low:g}–{self.high:g}{u}"
        return f"≥ {self.low:g}{u}" if self.low is not None else f"≤ {self.high:g}{u}"


CASES, DAYS, YUAN = " 件", " days", " 元"
# The demo's realism settings (procedures/mediation.md), by check.
BANDS: dict[str, Band] = {
    "lull.accepts_jan24_feb9": Band(high=10),
    "lull.accepts_feb10_24": Band(high=40),
    "lull.sessions_jan24_feb2": Band(high=5),
    "lull.remote_share": Band(low=40),
    "channel.remote_share_jun_nov": Band(high=10),
    "pandemic.share_feb_jun": Band(5, 12),
    "pandemic.in_its_types": Band(low=90),
    "carry_over.cases": Band(400, 700, CASES),
    "noise.months_equal": Band(0, 0, " months"),
    "noise.spread_mar_nov": Band(4, 12),
    "noise.sunday_vs_weekday": Band(high=50),
    "noise.jan1_22_vs_mar_nov": Band(low=100),
    "durations.same_day": Band(25, 35),
    "durations.median_days": Band(3, 7, DAYS),
    "durations.over_30_days": Band(6, 12),
    "durations.over_60_days": Band(high=2),
    "durations.performed_on_the_spot": Band(30, 45),
    "amounts.zero_share": Band(20, 35),
    "amounts.median_neighbour": Band(high=2000, unit=YUAN),
    "amounts.median_contract": Band(10000, 50000, YUAN),
    "amounts.median_traffic": Band(20000, 80000, YUAN),
    "amounts.median_medical": Band(30000, 150000, YUAN),
    "amounts.total_jan_nov": Band(5000, 20000, " 万元"),
    "form.oral_share": Band(5, 8),
    "confirmations.applied_share": Band(2, 5),
    "confirmations.confirmed_share": Band(low=90),
    "confirmations.ruled_in_1_25_days": Band(100, 100),
    "sources.initiative": Band(35, 50),
    "sources.application": Band(40, 55),
    "sources.referred": Band(5, 12),
    "sources.court_police_petition_ordered": Band(1, 1, ""),
    "court.not_reported_back": Band(0, 0, CASES),
    "court.extended": Band(1, 60, CASES),
    "results.success_rate": Band(95, 99),
    "results.breaches": Band(1, 3),
    "results.breaches_remediated": Band(30, 70),
    "results.prevention_criminal": Band(20, 60, CASES),
    "results.prevention_offices": Band(1, 14, " offices"),
    "committees.village_residents": Band(488, 488, ""),
    "committees.town_subdistrict": Band(28, 28, ""),
    "committees.industry": Band(5, 7, ""),
    "committees.enterprise": Band(5, 10, ""),
    "committees.studio": Band(3, 6, ""),
    "committees.stationed": Band(3, 3, ""),
    "committees.cases_village_residents": Band(50, 65),
    "committees.cases_town_subdistrict": Band(25, 40),
    "committees.cases_industry": Band(4, 8),
    "committees.industry_medical_traffic": Band(low=50),
    "subsidy.returns_q1": Band(1, 5),
    "subsidy.returns_q2": Band(1, 5),
    "subsidy.returns_q3": Band(1, 5),
    "subsidy.returns_q1_highest_all_differ": Band(1, 1, ""),
    "subsidy.returned_then_approved": Band(low=80),
    "subsidy.final_rejections": Band(1, 60, CASES),
    "subsidy.spot_checked": Band(8, 12),
    "subsidy.spot_check_failed": Band(0, 2),
    "subsidy.tiers_changed": Band(1, 20),
    "subsidy.tiers_changed_without_reason": Band(0, 0, CASES),
    "no_tail.november_concluded": Band(low=90),
    "no_tail.open_without_december": Band(0, 0, CASES),
}


class RealismRow(TypedDict):
    check: str
    value: float | int | None
    band: str
    ok: bool


class Unavailable(Exception):
    """The procedures cannot compute this figure yet."""


class Year:
    """The stored year: its catalogue figures and its mediation ledger, through the API."""

    def __init__(self, cw: Casework, year: int, ledger: Ledger, claims: Claims) -> None:
        self.cw = cw
        self.year = year
        self.ledger = ledger
        self.claims = claims
        self._figures: dict[tuple[str, date, date, date | None], float] = {}
        self._groups: dict[tuple[str, str, date, date], dict[str, float]] = {}

    def d(self, month: int, day: int, offset: int = 0) -> date:
        return date(self.year + offset, month, day)

    def prefetch(self, names: tuple[str, ...], start: date, end: date) -> None:
        """Several figures of one period in one computation (they share their cases)."""
        try:
            found = self.cw.stats(start, end, metrics=list(names))["metrics"]
        except CaseworkError:
            return  # each is asked for alone, and the unknown one is reported unavailable
        for name in names:
            self._figures[(name, start, end, None)] = float(found[name] or 0)

    def figure(self, metric: str, start: date, end: date, as_of: date | None = None) -> float:
        key = (metric, start, end, as_of)
        if key not in self._figures:
            try:
                found = self.cw.stats(start, end, as_of=as_of, metrics=[metric])["metrics"]
            except CaseworkError as e:
                raise Unavailable(metric) from e
            self._figures[key] = float(found[metric] or 0)
        return self._figures[key]

    def by(self, metric: str, by: str, start: date, end: date) -> dict[str, float]:
        """A figure grouped (by month, channel ...)."""
        key = (metric, by, start, end)
        if key not in self._groups:
            try:
                rows = self.cw.stats(start, end, by=by, metrics=[metric])["rows"]
            except CaseworkError as e:
                raise Unavailable(f"{metric} by {by}") from e
            self._groups[key] = {r["key"]: float(r["metrics"][metric] or 0) for r in rows}
        return self._groups[key]

    def jan_nov(self) -> list[MediationRow]:
        return self.ledger.accepted(self.d(1, 1), self.d(11, 30))

    def busy(self) -> float:
        """Cases accepted per day from March to November: what an ordinary day is."""
        return per_day(self.ledger.accept_days(), self.d(3, 1), self.d(11, 30))


def pct(part: float, whole: float) -> float:
    return round(100 * part / whole, 2) if whole else 0.0


def share(rows: list[MediationRow], test: Callable[[MediationRow], bool]) -> float:
    return pct(sum(map(test, rows)), len(rows))


# -- the lull, the carry-over, the noise ------------------------------------------------------


def lull(y: Year, start: date, end: date) -> float:
    """Accepts per day in part of the lull, against an ordinary day."""
    return pct(per_day(y.ledger.accept_days(), start, end), y.busy())


def lull_sessions(y: Year) -> float:
    """Agreements and follow-up visits per day from 24 January to 2 February, against an
    ordinary day's."""
    held = y.ledger.sessions()
    ordinary = per_day(held, y.d(3, 1), y.d(11, 30))
    return pct(per_day(held, DEEP_START, date(2020, 2, 2)), ordinary)


def remote_share(y: Year, start: date, end: date) -> float:
    """Cases coming by phone or online, of all accepted in the period (``--by channel``)."""
    rows = y.by("mediation.mediated", "channel", start, end)
    return pct(sum(rows.get(c, 0) for c in REMOTE), sum(rows.values()))


def pandemic_share(y: Year) -> float:
    start, end = y.d(2, 1), y.d(6, 30)
    flagged = y.figure("mediation.pandemic", start, end)
    return pct(flagged, y.figure("mediation.mediated", start, end))


def pandemic_types(y: Year) -> float:
    flagged = [r for r in y.ledger.rows if r.data.get("pandemic") == "yes"]
    return share(flagged, lambda r: r.data.get("dispute_type") in PANDEMIC_TYPES)


def carry_over(y: Year) -> float:
    """Accepted in November-December of the year before, concluded within the year."""
    carried = y.ledger.accepted(y.d(11, 1, -1), y.d(12, 31, -1))
    return sum(r.outcome is not None and r.outcome.year == y.year for r in carried)


def monthly(y: Year) -> list[float]:
    rows = y.by("mediation.mediated", "month", y.d(1, 1), y.d(11, 30))
    return [v for k, v in sorted(rows.items()) if k.startswith(str(y.year))]


def months_equal(y: Year) -> float:
    values = monthly(y)
    return sum(values.count(v) > 1 for v in values)


def spread(y: Year) -> float:
    """The coefficient of variation of March-November's monthly counts."""
    values = monthly(y)[2:]
    return pct(statistics.pstdev(values), statistics.fmean(values))


def sundays(y: Year) -> float:
    """Accepts on an average Sunday against an average Monday-Friday, March to November."""
    start, end = y.d(3, 1), y.d(11, 30)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    on = [d for d in y.ledger.accept_days() if start <= d <= end]
    sunday = sum(d.weekday() == 6 for d in on) / sum(d.weekday() == 6 for d in days)
    weekday = sum(d.weekday() < 5 for d in on) / sum(d.weekday() < 5 for d in days)
    return pct(sunday, weekday)


# -- durations, amounts, the agreement's form -----------------------------------------------------


def durations(y: Year) -> list[int]:
    """Days from acceptance to the outcome, of the cases accepted January-November."""
    return sorted(r.days for r in y.jan_nov() if r.days is not None)


def duration_share(y: Year, test: Callable[[int], bool]) -> float:
    days = durations(y)
    return pct(sum(map(test, days)), len(days))


def on_the_spot(y: Year) -> float:
    start, end = y.d(1, 1), y.d(11, 30)
    spot = y.figure("mediation.performed_on_the_spot", start, end)
    return pct(spot, y.figure("mediation.agreed", start, end))


def zero_amounts(y: Year) -> float:
    agreed = [r for r in y.jan_nov() if r.agreement is not None]
    return share(agreed, lambda r: r.amount == 0)


def median_amount(y: Year, kind: str) -> float:
    """The median amount of the money agreements of a type."""
    amounts = [r.amount for r in y.jan_nov() if r.kind == kind and r.amount]
    if not amounts:
        raise Unavailable(kind)
    return float(statistics.median(amounts))


def total_amount(y: Year) -> float:
    """协议涉及金额 of January-November, 万元."""
    return round(y.figure("mediation.agreement_amount", y.d(1, 1), y.d(11, 30)) / 10000, 2)


def oral_share(y: Year) -> float:
    start, end = y.d(1, 1), y.d(11, 30)
    oral = y.figure("mediation.agreed_oral", start, end)
    return pct(oral, y.figure("mediation.agreed", start, end))


# -- confirmations, sources, the courts ----------------------------------------------------------


def applied_share(y: Year) -> float:
    """Applications for judicial confirmation, of the written agreements with money."""
    written = [r for r in y.jan_nov() if r.form == "written" and r.amount]
    return share(written, lambda r: r.applied is not None)


def confirmed_share(y: Year) -> float:
    ruled = [r for r in y.ledger.rows if r.ruling is not None]
    return share(ruled, lambda r: r.ruling == "confirmed")


def ruled_in_time(y: Year) -> float:
    ruled = [r for r in y.ledger.rows if r.ruled_after is not None]
    return share(ruled, lambda r: r.ruled_after is not None and 1 <= r.ruled_after <= 25)


def source_share(y: Year, group: str) -> float:
    start, end = y.d(1, 1), y.d(11, 30)
    part = y.figure(f"mediation.source.{group}", start, end)
    return pct(part, y.figure("mediation.mediated", start, end))


def referral_order(y: Year) -> float:
    """1 when the courts refer more than the police, and the police more than petitions."""
    start, end = y.d(1, 1), y.d(11, 30)
    court, police, petition = (
        y.figure(f"mediation.source.referred.{o}", start, end)
        for o in ("court", "police", "petition")
    )
    return 1.0 if court > police > petition else 0.0


def court_cases(y: Year) -> list[MediationRow]:
    return [r for r in y.ledger.rows if r.data.get("source") == "court_referral"]


def not_reported_back(y: Year) -> float:
    """Court cases with an outcome and no report to the court (those of the year's last week
    are still within their 3 working days)."""
    last = y.d(12, 24)
    return sum(
        r.outcome is not None and r.outcome <= last and not r.has("report_back")
        for r in court_cases(y)
    )


def extended(y: Year) -> float:
    return sum(r.has("extend") for r in court_cases(y))


# -- results, the tail -----------------------------------------------------------------------------


def success(y: Year) -> float:
    """调解成功率 of January-November as of 24 December (agreed ÷ mediated, one cohort)."""
    return y.figure("mediation.success_rate", y.d(1, 1), y.d(11, 30), y.d(12, 24))


def breaches(y: Year) -> float:
    agreed = [r for r in y.jan_nov() if r.agreement is not None]
    return share(agreed, lambda r: r.has("breach"))


def remediated(y: Year) -> float:
    return share([r for r in y.jan_nov() if r.has("breach")], lambda r: r.has("remediate"))


def prevention_offices(y: Year) -> float:
    return len({r.office for r in y.ledger.rows if r.has("prevent")})


def november(y: Year) -> float:
    """November's cases with an outcome by 31 December."""
    cases = y.ledger.accepted(y.d(11, 1), y.d(11, 30))
    return share(cases, lambda r: r.outcome is not None and r.outcome <= y.d(12, 31))


def committees_of(y: Year, *types: str) -> float:
    """Committees of these types active on 31 December (org.committees.<type>)."""
    end = y.d(12, 31)
    return sum(y.figure(f"org.committees.{t}", end, end) for t in types)


def cases_of(y: Year, *types: str) -> float:
    """The share of January-November's cases accepted by committees of these types."""
    rows = y.by("mediation.mediated", "committee_type", y.d(1, 1), y.d(11, 30))
    return pct(sum(rows.get(t, 0) for t in types), sum(rows.values()))


def industry_types(y: Year) -> float:
    """Of the cases of industry committees, the medical and traffic ones."""
    taken = [r for r in y.jan_nov() if str(r.data.get("committee", "")) in INDUSTRY_CODES]
    return share(taken, lambda r: r.kind in ("medical", "traffic"))


QUARTERS = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9)}


def returns(y: Year, quarter: str) -> float:
    """Claims sent back for correction, of the quarter's claims approved or rejected (a
    quarter's claims are checked in the months after it)."""
    first, last = QUARTERS[quarter]
    start, end = y.d(first, 1), y.d(last + 1, 1) - timedelta(days=1)
    checked = (y.d(first + 3, 1), y.d(12, 31) if last == 9 else y.d(last + 4, 1))
    sent = y.figure("subsidy.returned", *checked)
    decided = y.figure("subsidy.cases", start, end) + y.figure("subsidy.rejected", *checked)
    return pct(sent, decided)


def returns_order(y: Year) -> float:
    """1 when the first quarter's share is the highest and no two are equal."""
    q1, q2, q3 = (returns(y, q) for q in QUARTERS)
    return 1.0 if q1 > max(q2, q3) and q2 != q3 else 0.0


def claim_share(y: Year, metric: str, of: str) -> float:
    start, end = y.d(1, 1), y.d(12, 31)
    return pct(y.figure(metric, start, end), y.figure(of, start, end))


def open_without_december(y: Year) -> float:
    """Cases open at the year's end whose last step was before December: none should be
    forgotten (a running extension or a performance due next year excuses one)."""
    return sum(
        r.open and r.last < y.d(12, 1) and not (r.has("extend") or r.due_after(y.year))
        for r in y.ledger.rows
    )


CHECKS: dict[str, Callable[[Year], float]] = {
    "lull.accepts_jan24_feb9": lambda y: lull(y, DEEP_START, DEEP_END),
    "lull.accepts_feb10_24": lambda y: lull(y, DEEP_END + timedelta(days=1), LULL_END),
    "lull.sessions_jan24_feb2": lull_sessions,
    "lull.remote_share": lambda y: remote_share(y, LULL_START, LULL_END),
    "channel.remote_share_jun_nov": lambda y: remote_share(y, y.d(6, 1), y.d(11, 30)),
    "pandemic.share_feb_jun": pandemic_share,
    "pandemic.in_its_types": pandemic_types,
    "carry_over.cases": carry_over,
    "noise.months_equal": months_equal,
    "noise.spread_mar_nov": spread,
    "noise.sunday_vs_weekday": sundays,
    "noise.jan1_22_vs_mar_nov": lambda y: lull(y, y.d(1, 1), y.d(1, 22)),
    "durations.same_day": lambda y: duration_share(y, lambda n: n == 0),
    "durations.median_days": lambda y: float(statistics.median(durations(y))),
    "durations.over_30_days": lambda y: duration_share(y, lambda n: n > 30),
    "durations.over_60_days": lambda y: duration_share(y, lambda n: n > 60),
    "durations.performed_on_the_spot": on_the_spot,
    "amounts.zero_share": zero_amounts,
    "amounts.median_neighbour": lambda y: median_amount(y, "neighbour"),
    "amounts.median_contract": lambda y: median_amount(y, "contract"),
    "amounts.median_traffic": lambda y: median_amount(y, "traffic"),
    "amounts.median_medical": lambda y: median_amount(y, "medical"),
    "amounts.total_jan_nov": total_amount,
    "form.oral_share": oral_share,
    "confirmations.applied_share": applied_share,
    "confirmations.confirmed_share": confirmed_share,
    "confirmations.ruled_in_1_25_days": ruled_in_time,
    "sources.initiative": lambda y: source_share(y, "initiative"),
    "sources.application": lambda y: source_share(y, "application"),
    "sources.referred": lambda y: source_share(y, "referred"),
    "sources.court_police_petition_ordered": referral_order,
    "court.not_reported_back": not_reported_back,
    "court.extended": extended,
    "results.success_rate": success,
    "results.breaches": breaches,
    "results.breaches_remediated": remediated,
    "results.prevention_criminal": lambda y: y.figure(
        "prevention.criminal.cases", y.d(1, 1), y.d(11, 30)
    ),
    "results.prevention_offices": prevention_offices,
    "committees.village_residents": lambda y: committees_of(y, "village", "residents"),
    "committees.town_subdistrict": lambda y: committees_of(y, "town", "subdistrict"),
    "committees.industry": lambda y: committees_of(y, "industry"),
    "committees.enterprise": lambda y: committees_of(y, "enterprise"),
    "committees.studio": lambda y: committees_of(y, "studio"),
    "committees.stationed": lambda y: committees_of(y, "stationed"),
    "committees.cases_village_residents": lambda y: cases_of(y, "village", "residents"),
    "committees.cases_town_subdistrict": lambda y: cases_of(y, "town", "subdistrict"),
    "committees.cases_industry": lambda y: cases_of(y, "industry"),
    "committees.industry_medical_traffic": industry_types,
    "subsidy.returns_q1": lambda y: returns(y, "Q1"),
    "subsidy.returns_q2": lambda y: returns(y, "Q2"),
    "subsidy.returns_q3": lambda y: returns(y, "Q3"),
    "subsidy.returns_q1_highest_all_differ": returns_order,
    "subsidy.returned_then_approved": lambda y: y.claims.returned_then_approved(),
    "subsidy.final_rejections": lambda y: y.figure("subsidy.rejected", y.d(1, 1), y.d(12, 31)),
    "subsidy.spot_checked": lambda y: claim_share(y, "subsidy.spot_checked", "subsidy.cases"),
    "subsidy.spot_check_failed": lambda y: claim_share(
        y, "subsidy.spot_check_failed", "subsidy.spot_checked"
    ),
    "subsidy.tiers_changed": lambda y: y.claims.tiers_changed(),
    "subsidy.tiers_changed_without_reason": lambda y: y.claims.changed_without_reason(),
    "no_tail.november_concluded": november,
    "no_tail.open_without_december": open_without_december,
}


def realism(cw: Casework, year: int) -> tuple[list[RealismRow], list[str]]:
    """Every check beside its band, and the checks the procedures cannot compute yet."""
    y = Year(cw, year, Ledger.read(cw), Claims.read(cw))
    y.prefetch(JAN_NOV, y.d(1, 1), y.d(11, 30))
    y.prefetch(tuple(f"org.committees.{t}" for t in COMMITTEE_TYPES), y.d(12, 31), y.d(12, 31))
    y.prefetch(CLAIM_FIGURES, y.d(1, 1), y.d(12, 31))
    for first in (4, 7):  # the checks of Q1's and Q2's claims
        y.prefetch(CLAIM_FIGURES[1:3], y.d(first, 1), y.d(first + 3, 1))
    y.prefetch(CLAIM_FIGURES[1:3], y.d(10, 1), y.d(12, 31))  # and of Q3's (``returns``)
    rows: list[RealismRow] = []
    unavailable: list[str] = []
    for name, check in CHECKS.items():
        band = BANDS[name]
        try:
            value = check(y)
        except Unavailable:
            unavailable.append(name)
            continue
        rows.append(RealismRow(check=name, value=value, band=band.shown(), ok=band.holds(value)))
    return rows, unavailable
