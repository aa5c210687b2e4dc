"""The major disputes' figures in the metric catalogue (statistics.md, petition.md Statistics)."""

from __future__ import annotations

from workflows.spec import FirstEvent, MetricSpec, Rate, Registered

# The figures of the metric catalogue (statistics.md).
METRICS = (
    MetricSpec("major_dispute.identified", "梳理重大矛盾纠纷件数", Registered(), order=110),
    MetricSpec("major_dispute.resolved", "化解件数", FirstEvent(triggers=("resolve",)), order=120),
    MetricSpec(
        "major_dispute.resolution_rate",
        "化解率",
        Rate("major_dispute.resolved", "major_dispute.identified"),
        order=130,
    ),
)
