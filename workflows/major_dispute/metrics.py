"""The major disputes' figures in the metric catalogue (statistics.md, petition.md Statistics)."""

from __future__ import annotations

from workflows.spec import Computed, FirstEvent, MetricSpec, Rate, Registered

# The figures of the metric catalogue (statistics.md). ``identified`` and ``resolved`` keep
# their definitions (the 2020 report's 148 and 96); the 化解率 is that of the ledger's cohort
# (petition.md Statistics): of the disputes on the ledger in the period, those resolved by its
# end, so that its two terms are the same cases and it never exceeds 100%.
METRICS = (
    MetricSpec("major_dispute.identified", "梳理重大矛盾纠纷件数", Registered(), order=110),
    MetricSpec("major_dispute.resolved", "化解件数", FirstEvent(triggers=("resolve",)), order=120),
    MetricSpec("major_dispute.on_ledger", "在册件数", Computed("ledger", "on_ledger"), order=121),
    MetricSpec(
        "major_dispute.resolved_on_ledger",
        "在册已化解件数",
        Computed("ledger", "resolved"),
        order=122,
    ),
    MetricSpec(
        "major_dispute.resolution_rate",
        "化解率",
        Rate("major_dispute.resolved_on_ledger", "major_dispute.on_ledger"),
        order=130,
    ),
)
