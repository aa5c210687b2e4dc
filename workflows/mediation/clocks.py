"""The time limits of people's mediation (procedures/mediation.md 2.8)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.mediation.rules import court_case
from workflows.mediation.terms import CONCLUDE_DAYS, FOLLOW_UP_DAYS, REPORT_BACK_DAYS
from workflows.spec import EventView, TimeLimit

# 司法部令第75号 art. 33: conclude within 30 days of acceptance (advice; a remediation starts
# it again).
CONCLUDE = TimeLimit(
    "conclude_limit",
    "调解期限",
    start="accept",
    days=30,
    binds="advice",
    restarts=("remediate",),
    days_setting=CONCLUDE_DAYS,
)


def _commission(kind: str, procedure: str | None = None) -> Any:
    def applies(data: Mapping[str, Any]) -> bool:
        if not court_case(data) or data.get("commission") != kind:
            return False
        return procedure is None or (data.get("procedure") or "ordinary") == procedure

    return applies


def _court_limit(name: str, days: int, applies: Any) -> TimeLimit:
    """法释〔2016〕14号 art. 27: from the day the committee signed for the papers, extended
    with both parties' consent."""
    return TimeLimit(
        name,
        "委派委托调解期限",
        start="register",
        start_field="received_on",
        days=days,
        extended_by=("extend",),
        applies=applies,
    )


COURT_LIMITS = (
    _court_limit("court_limit_pre_filing", 30, _commission("pre_filing")),
    _court_limit("court_limit_post_filing", 15, _commission("post_filing", "ordinary")),
    _court_limit("court_limit_simple", 7, _commission("post_filing", "simple")),
)

# SC 2016 arts. 19, 26: the agreement, or the termination with the papers, goes back to the
# court; local practice, 3 working days from the outcome.
REPORT_BACK = TimeLimit(
    "report_back_limit",
    "反馈法院期限",
    start="agree",
    restarts=("fail", "terminate"),
    days=3,
    unit="working_days",
    duty=True,
    met_by=("report_back",),
    applies=court_case,
    days_setting=REPORT_BACK_DAYS,
)

# 人民调解法 art. 33, 民事诉讼法 art. 194: the parties apply jointly within 30 days of the day
# the agreement took effect; the window closes once they applied.
CONFIRM_WINDOW = TimeLimit(
    "confirmation_window",
    "申请司法确认期限",
    start="agree",
    start_field="effective_on",
    days=30,
    binds="party",
    duty=True,
    met_by=("apply_confirmation", "remediate", "breach"),
    start_if=lambda ev: ev.data.get("form") != "oral",
)

# 法释〔2011〕5号 arts. 4-5: the court accepts within 3 days and rules within 15 of acceptance
# (shown, never enforced: the court is outside casework).
COURT_RULES = TimeLimit(
    "court_ruling",
    "法院审查期限",
    start="apply_confirmation",
    start_field="applied_on",
    days=18,
    binds="outside",
    duty=True,
    met_by=("confirm",),
)


def _has_term(ev: EventView) -> bool:
    return bool(ev.data.get("perform_by"))


# 人民调解法 art. 31: the committee sees that the agreement is performed: past the day agreed,
# `casework due` lists the case as 督促履行, never overdue.
PERFORMANCE = TimeLimit(
    "perform_reminder",
    "督促履行",
    start="agree",
    start_field="perform_by",
    days=0,
    roll=False,
    binds="reminder",
    start_if=_has_term,
)

# Local practice: visit the parties within 30 days of the outcome (advice).
FOLLOW_UP = TimeLimit(
    "follow_up_limit",
    "回访期限",
    start="agree",
    restarts=("fail", "terminate"),
    days=30,
    binds="advice",
    duty=True,
    met_by=("follow_up",),
    days_setting=FOLLOW_UP_DAYS,
)

DUTIES = (REPORT_BACK, CONFIRM_WINDOW, COURT_RULES, FOLLOW_UP)
