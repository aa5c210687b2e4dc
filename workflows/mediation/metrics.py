"""The figures of people's mediation (statistics.md; procedures/mediation.md, Statistics)."""

from __future__ import annotations

from workflows.spec import FirstEvent, MetricSpec, Rate

# The figures of the metric catalogue (statistics.md). The success rate is over the cases whose
# mediation ended (agreed or failed, each once, on the day it ended).
METRICS = (
    MetricSpec("mediation.mediated", "调解件数", FirstEvent(triggers=("accept",)), order=60),
    MetricSpec("mediation.agreed", "调解成功件数", FirstEvent(triggers=("agree",)), order=70),
    MetricSpec(
        "mediation.success_rate",
        "调解成功率",
        Rate("mediation.agreed", "mediation.concluded"),
        order=80,
    ),
    MetricSpec(
        "mediation.concluded",
        "调解终结件数",
        FirstEvent(triggers=("agree", "fail")),
        order=170,
        hidden=True,
    ),
)
