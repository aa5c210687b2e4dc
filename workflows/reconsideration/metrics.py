"""The figures of reconsideration (hotline_reconsideration.md 8, Metrics).

Concluded (审结) = reached ``decided``, ``mediated`` or ``terminated`` in the period: the cohort
of the ending steps, so that the rates over it (纠错率, 调解和解率, 按期审结率) are over the same
cases and never exceed 100%. Rates are ratio × 100, half-up to 2 decimals.
"""

from __future__ import annotations

from workflows.reconsideration.clocks import ENDINGS
from workflows.reconsideration.terms import CORRECTIVE, DECISIONS
from workflows.spec import Cohort, FirstEvent, MetricSpec, Rate, Registered
from workflows.wording import STATISTICS_SECTION, Counted, ReportSentence

P = "reconsideration"
# How a case stood when its suit was recorded (record_suit's ``ended_as``).
SUED_AS = {
    "served": "送达后",
    "archived": "归档后",
    "not_accepted": "不予受理后",
    "abandoned": "视为放弃后",
    "terminated": "终止后",
    "mediated": "调解结案后",
}


def _rate(name: str, label: str, numerator: str, order: int) -> MetricSpec:
    return MetricSpec(f"{P}.{name}", label, Rate(f"{P}.{numerator}", f"{P}.concluded"), order=order)


def _by_decision() -> tuple[MetricSpec, ...]:
    return tuple(
        MetricSpec(
            f"{P}.decided.{code}",
            f"决定件数（{label}）",
            FirstEvent(triggers=("decide",), where=(("decision", (code,)),)),
            order=451,
        )
        for code, label in DECISIONS.items()
    )


def _sued_by_end() -> tuple[MetricSpec, ...]:
    return tuple(
        MetricSpec(
            f"{P}.sued.{state}",
            f"复议后起诉件数（{label}）",
            FirstEvent(triggers=("record_suit",), where=(("ended_as", (state,)),)),
            order=461,
        )
        for state, label in SUED_AS.items()
    )


METRICS = (
    MetricSpec(f"{P}.received", "收到申请件数", Registered(), order=440),
    MetricSpec(
        f"{P}.accepted", "受理件数", FirstEvent(triggers=("accept", "deem_accept")), order=441
    ),
    MetricSpec(f"{P}.not_accepted", "不予受理件数", FirstEvent(triggers=("refuse",)), order=442),
    MetricSpec(f"{P}.concluded", "审结件数", Cohort(start=ENDINGS), order=443),
    MetricSpec(f"{P}.decided", "决定件数", FirstEvent(triggers=("decide",)), order=450),
    *_by_decision(),
    # The corrective decisions (纠错: the first seven codes) of the concluded cohort.
    MetricSpec(
        f"{P}.corrected",
        "纠错件数",
        Cohort(start=ENDINGS, last="decide", last_where=(("decision", CORRECTIVE),)),
        order=452,
        hidden=True,
    ),
    _rate("correction_rate", "纠错率", "corrected", 453),
    # Mediated, or withdrawn after a settlement (和解): each such step records ``settled``.
    MetricSpec(
        f"{P}.settled",
        "调解和解件数",
        Cohort(start=ENDINGS, where=(("settled", ("yes",)),)),
        order=454,
        hidden=True,
    ),
    _rate("mediation_rate", "调解和解率", "settled", 455),
    MetricSpec(
        f"{P}.concluded_on_time",
        "按期审结件数",
        Cohort(start=ENDINGS, overdue=("decision_limit",), ends=ENDINGS, on_time=True),
        order=456,
        hidden=True,
    ),
    _rate("on_time_rate", "按期审结率", "concluded_on_time", 457),
    MetricSpec(f"{P}.sued", "复议后起诉件数", FirstEvent(triggers=("record_suit",)), order=460),
    *_sued_by_end(),
)

# The report gives no reconsideration figure (一(八)3, hotline_reconsideration.md 8): the
# statistics paragraph says only what is computed, received, accepted and concluded (审结) to
# the report's date.
REPORT = (
    ReportSentence(
        section=STATISTICS_SECTION,
        heading="行政复议",
        period="to_date",
        counts=(
            Counted(f"{P}.received", "收到行政复议申请{}件"),
            Counted(f"{P}.accepted", "受理{}件"),
            Counted(f"{P}.concluded", "审结{}件"),
        ),
    ),
)
