"""The petition's figures in the metric catalogue (statistics.md, petition.md Statistics).

The counts of cases (登记、受理、答复) are those of statistics.md; petition.md adds what real
petition reports publish: 批次/人次 of visits (G art. 20), 及时受理率 (routed and told in
writing within 15 days, G arts. 22-23; X arts. 21-22), 按期办结率 (replied within the reply
limit, G art. 34; X art. 33), 参评率 and 满意率 (满意度评价, G art. 21 para 2; M arts. 3-5),
the flags of registration and the counts of each routing step (G art. 41; X art. 39).
"""

from __future__ import annotations

from workflows.spec import Computed, FirstEvent, Flagged, MetricSpec, Rate, Registered

VISIT = (("channel", "visit"),)


def _first(name: str, label: str, trigger: str, order: int) -> MetricSpec:
    return MetricSpec(f"petition.{name}", label, FirstEvent(triggers=(trigger,)), order=order)


def _cohort(name: str, label: str, source: str, part: str, order: int) -> MetricSpec:
    return MetricSpec(f"petition.{name}", label, Computed(source, part), order=order)


def _rate(name: str, label: str, numerator: str, denominator: str, order: int) -> MetricSpec:
    counts = Rate(f"petition.{numerator}", f"petition.{denominator}")
    return MetricSpec(f"petition.{name}", label, counts, order=order)


# The figures of the metric catalogue (statistics.md), then petition.md's additions after the
# catalogue's own (orders from 200): each case once, on the local date of its
# first event named; on-time replies are judged against the limit running at the reply.
METRICS = (
    MetricSpec("petition.registered", "信访登记件数", Registered(), order=10),
    MetricSpec("petition.accepted", "受理件数", FirstEvent(triggers=("accept",)), order=20),
    MetricSpec("petition.replied", "答复件数", FirstEvent(triggers=("reply",)), order=30),
    MetricSpec("petition.replied_on_time", "按期答复件数", Computed("replied_on_time"), order=40),
    MetricSpec(
        "petition.closed", "办结件数", FirstEvent(to_states=("closed", "concluded")), order=50
    ),
    # 来访批次/人次: a visit is one batch (批次) of its ``people`` (人次).
    MetricSpec("petition.visit_batches", "来访批次", Registered(where=VISIT), order=201),
    MetricSpec(
        "petition.visit_persons",
        "来访人次",
        Registered(where=VISIT, value="people"),
        kind="sum",
        order=202,
    ),
    MetricSpec("petition.collective_batches", "集体访批次", Flagged("collective"), order=203),
    MetricSpec(
        "petition.collective_persons",
        "集体访人次",
        Flagged("collective", value="people"),
        kind="sum",
        order=204,
    ),
    # 及时受理: routed within ``decide_limit`` and told in writing (G arts. 22-23).
    _cohort("decided", "应受理件数", "routing", "decided", 210),
    _cohort("decided_on_time", "及时受理件数", "routing", "on_time", 211),
    _rate("timely_rate", "及时受理率", "decided_on_time", "decided", 212),
    # 按期办结: the reply limit ends in the period; replied or diverted by that day (G art. 34).
    _cohort("due", "应办结件数", "reply_due", "due", 213),
    _cohort("due_on_time", "按期办结件数", "reply_due", "on_time", 214),
    _rate("on_time_rate", "按期办结率", "due_on_time", "due", 215),
    # 满意度评价 (M arts. 3-5): the replies first delivered in the period, rated by --as-of.
    _cohort("evaluable", "应评价件数", "evaluation", "evaluable", 216),
    _cohort("evaluated", "参评件数", "evaluation", "evaluated", 217),
    _rate("evaluation_rate", "参评率", "evaluated", "evaluable", 218),
    _cohort("satisfied", "满意件数", "evaluation", "satisfied", 219),
    _rate("satisfaction_rate", "满意率", "satisfied", "evaluated", 220),
    # The flags of registration (petition.md 1.2).
    MetricSpec("petition.repeat", "重复信访件数", Flagged("repeat"), order=221),
    MetricSpec("petition.first", "初信初访件数", Flagged("first"), order=222),
    MetricSpec("petition.skip_level", "越级信访件数", Flagged("skip_level"), order=223),
    # The routing steps the annual report counts (G art. 41; X art. 39).
    _first("not_accepted", "不予受理件数", "refuse", 224),
    _first("forwarded", "转送件数", "forward", 225),
    _first("assigned_down", "交办件数", "assign_down", 226),
    _first("supervised", "督办件数", "supervise", 227),
    _first("reviewed", "复查件数", "review", 228),
    _first("rereviewed", "复核件数", "rereview", 229),
)
