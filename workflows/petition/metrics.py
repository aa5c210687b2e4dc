"""The petition's figures in the metric catalogue (statistics.md, petition.md Statistics)."""

from __future__ import annotations

from workflows.spec import Computed, FirstEvent, MetricSpec, Registered

# The figures of the metric catalogue (statistics.md): each case once, on the local date of its
# first event named; on-time replies are judged against the limit running at the reply.
METRICS = (
    MetricSpec("petition.registered", "信访登记件数", Registered(), order=10),
    MetricSpec("petition.accepted", "受理件数", FirstEvent(triggers=("accept",)), order=20),
    MetricSpec("petition.replied", "答复件数", FirstEvent(triggers=("reply",)), order=30),
    MetricSpec("petition.replied_on_time", "按期答复件数", Computed("replied_on_time"), order=40),
    MetricSpec(
        "petition.closed", "办结件数", FirstEvent(to_states=("closed", "concluded")), order=50
    ),
)
