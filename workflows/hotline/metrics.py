"""The 12345 work orders' figures (procedures/hotline_reconsideration.md 7, Metrics).

Merged orders count only in ``hotline.merged``. The received orders (受理工单) are the cohort of
the orders registered in the period that no ``merge`` took by the cut-off ``closed_by``
(``stats --closed-by``, default the period's end); 办结率 is those of them closed by then. The
closed orders' figures (按期办结率, 回访率, 满意率, 重办率) are of the cohort of the orders
closed in the period, "dispatched" meaning at least one ``dispatch``. An order's final rating
is its last reached callback's (for a direct answer, the rating given on the call), so a
redone order counts once; which ratings are satisfied is a configured set (满意 + 基本满意).
Rates are ratio × 100, half-up to two decimals.
"""

from __future__ import annotations

from workflows.hotline.terms import RATINGS
from workflows.settings import SettingSpec
from workflows.spec import (
    Cohort,
    EachEvent,
    Final,
    FirstEvent,
    Lapsed,
    MetricSpec,
    Rate,
)
from workflows.wording import Counted, ReportRate, ReportSentence

REGISTERED = ("register",)
CLOSING = ("answer_directly", "close")  # the steps into ``closed``
DISPATCHED = ("dispatch",)
CONSENT = (("callback_consent", ("yes",)),)
# The last reached callback's rating; a direct answer's is the one given on the call.
FINAL_RATING = Final(
    "rating", ("callback", "answer_directly"), (("reached", ("yes",)),), ("callback",)
)
SATISFIED = "hotline.satisfied_ratings"

METRIC_SETTINGS = (
    SettingSpec(
        SATISFIED,
        "满意率计入的评价（满意、基本满意）",
        "set",
        frozenset({"satisfied", "basic"}),
        RATINGS,
        note="hotline_reconsideration.md 7: (satisfied + basic) ÷ rated",
    ),
)


def _m(
    name: str, label: str, counts: Cohort | Rate, order: int, hidden: bool = False
) -> MetricSpec:
    return MetricSpec(f"hotline.{name}", label, counts, order=order, hidden=hidden)


def _rate(name: str, label: str, numerator: str, denominator: str, order: int) -> MetricSpec:
    return _m(name, label, Rate(f"hotline.{numerator}", f"hotline.{denominator}"), order)


METRICS = (
    _m("received", "受理工单数", Cohort(start=REGISTERED, lacking=("merge",), closed_by=True), 300),
    MetricSpec("hotline.merged", "合并件数", FirstEvent(to_states=("merged",)), order=301),
    MetricSpec("hotline.closed", "办结工单数", FirstEvent(to_states=("closed",)), order=302),
    _m(
        "closed_by_cut_off",
        "截止日前办结工单数",
        Cohort(start=REGISTERED, lacking=("merge",), reached=("closed",), closed_by=True),
        303,
        hidden=True,
    ),
    _rate("closure_rate", "办结率", "closed_by_cut_off", "received", 304),
    _m(
        "closed_dispatched",
        "派单办结工单数",
        Cohort(start=CLOSING, having=DISPATCHED),
        305,
        hidden=True,
    ),
    # Every approved reply met handle_limit (+ approved extensions; a redo restarts it); a
    # recall takes the order back from the office.
    _m(
        "closed_on_time",
        "按期办结工单数",
        Cohort(
            start=CLOSING,
            having=DISPATCHED,
            overdue=("handle_limit",),
            ends=("approve_reply", "recall"),
            each_end=True,
            on_time=True,
        ),
        306,
        hidden=True,
    ),
    _rate("on_time_rate", "按期办结率", "closed_on_time", "closed_dispatched", 307),
    _m(
        "consenting",
        "同意回访工单数",
        Cohort(start=CLOSING, where=CONSENT, having=DISPATCHED),
        308,
        hidden=True,
    ),
    _m(
        "called_back",
        "已回访工单数",
        Cohort(start=CLOSING, where=CONSENT, having=DISPATCHED, last="callback"),
        309,
        hidden=True,
    ),
    _rate("callback_rate", "回访率", "called_back", "consenting", 310),
    _m("rated", "有评价工单数", Cohort(start=CLOSING, final=FINAL_RATING), 311, hidden=True),
    _m(
        "satisfied",
        "满意工单数",
        Cohort(start=CLOSING, final=FINAL_RATING, final_set=SATISFIED),
        312,
        hidden=True,
    ),
    _rate("satisfaction_rate", "满意率", "satisfied", "rated", 313),
    _m("redone", "重办工单数", Cohort(start=CLOSING, having=("redo",)), 314, hidden=True),
    _rate("redo_rate", "重办率", "redone", "closed_dispatched", 315),
    MetricSpec(
        "hotline.dispatches",
        "派单次数",
        EachEvent(("dispatch",), "to_office"),
        order=316,
        hidden=True,
    ),
    MetricSpec(
        "hotline.returns",
        "退单次数",
        EachEvent(("return_order",), "returned_by"),
        order=317,
        hidden=True,
    ),
    _rate("return_rate", "退单率", "returns", "dispatches", 318),
    MetricSpec("hotline.overdue", "超期件数", Lapsed("handle_limit"), order=319),
)

# 高州市2020年法治政府建设年度报告 一(七)3 (statistics.md; hotline_reconsideration.md 7): the
# orders received to the report's date, the 办结率 of those closed by then (``closed_by`` = the
# period's end) and the 满意度 of the rated ones, each rate after the two figures it divides
# (procedures/mediation.md, Wording), where the report printed the rates alone.
REPORT = (
    ReportSentence(
        section="一(七)3",
        heading="12345政务服务便民热线",
        period="to_date",
        rates=(
            ReportRate(
                "hotline.closure_rate",
                "办结率为",
                Counted("hotline.received", "12345政务服务便民热线平台共受理工单{}宗"),
                Counted("hotline.closed_by_cut_off", "其中已办结{}宗"),
            ),
            ReportRate(
                "hotline.satisfaction_rate",
                "满意度为",
                Counted("hotline.rated", "群众对工单处理作出评价{}宗"),
                Counted("hotline.satisfied", "其中满意和基本满意{}宗"),
            ),
        ),
        closed_by=True,
    ),
)
