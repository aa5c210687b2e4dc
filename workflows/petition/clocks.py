"""The petition's time limits and windows (petition.md 1.6).

``objection_window`` is the procedure's one working-day limit; the others count calendar days
and move past rest days. A review binds the reviewer (the case office's parent), a re-review
the re-reviewer; when that organ is outside casework the limit is shown but never overdue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.petition.terms import XF2005, XF2022
from workflows.spec import EventView, Pause, TimeLimit

# The routing steps that meet the decision limit (受理、不予受理、转送、交办、导入法定途径).
ROUTING = ("accept", "refuse", "forward", "assign_down", "divert")
HEARING = Pause("hearing_start", "hearing_end", label="听证")
HEARING_IF_SET = Pause(
    "hearing_start", "hearing_end", setting="petition.hearing_pauses", label="听证"
)


def _received(data: Mapping[str, Any]) -> bool:
    return data.get("origin") in ("forwarded", "assigned")


def _assigned(data: Mapping[str, Any]) -> bool:
    return data.get("origin") == "assigned"


def served(ev: EventView) -> bool:
    """A delivery that opens the petitioner's window: one that reached them, or one that could
    not, noted as opening it (the dated setting ``petition.unreachable_opens_window``)."""
    return ev.data.get("opens_window") != "no"


# G arts. 22-23, X arts. 21-22: route and tell within 15 days of receipt; a duty, met by the
# routing step, running on while an objection is being answered; restarted by a take-back.
DECIDE = TimeLimit(
    "decide_limit",
    "受理告知期限",
    start="register",
    days=15,
    restarts=("take_back",),
    duty=True,
    met_by=ROUTING,
)
# G art. 23 para 3: the receiving office may object within 5 working days (an office's own
# window: a late objection is refused, nothing is overdue). X has no objection.
OBJECTION_WINDOW = TimeLimit(
    "objection_window",
    "异议期限",
    start="register",
    days=5,
    unit="working_days",
    binds="office_window",
    rules=(XF2022,),
    applies=_received,
)
# G art. 22 para 1(3), X art. 21 para 1(4): report the outcome of an assigned matter by the
# days the assigning office set.
REPORT = TimeLimit(
    "report_limit",
    "办结报告期限",
    start="register",
    days=90,
    days_field="report_days",
    duty=True,
    met_by=("report",),
    applies=_assigned,
)
# G art. 34, X art. 33: reply within 60 days of acceptance, once extended by at most 30.
REPLY = TimeLimit(
    "reply_limit",
    "办理期限",
    start="accept",
    days=60,
    extended_by=("extend",),
    pauses=(HEARING_IF_SET,),
)
# G arts. 35-36, X arts. 34-35: 30 days from the petitioner's receipt of the opinion to ask for
# review or re-review; 30 days for the reviewer and the re-reviewer from their receipt of the
# request (hearing days not counted for a re-review).
REVIEW_WINDOW = TimeLimit(
    "review_window",
    "申请复查期限",
    start="deliver",
    start_from=("replied",),
    start_if=served,
    days=30,
    binds="party",
)
REVIEW = TimeLimit(
    "review_limit",
    "复查期限",
    start="request_review",
    days=30,
    bound="reviewer",
    pauses=(HEARING_IF_SET,),
)
REREVIEW_WINDOW = TimeLimit(
    "rereview_window",
    "申请复核期限",
    start="deliver",
    start_from=("reviewed",),
    start_if=served,
    days=30,
    binds="party",
)
REREVIEW = TimeLimit(
    "rereview_limit",
    "复核期限",
    start="request_rereview",
    days=30,
    bound="rereviewer",
    pauses=(HEARING,),
)
# X art. 36 para 2: answer a supervision (督办) in writing within 30 days; G art. 40 para 4 sets
# no term (a dated setting may give one).
SUPERVISION_X = TimeLimit(
    "supervision_answer",
    "督办反馈期限",
    start="supervise",
    days=30,
    duty=True,
    met_by=("answer_supervision",),
    rules=(XF2005,),
)
SUPERVISION_G = TimeLimit(
    "supervision_answer",
    "督办反馈期限",
    start="supervise",
    days=30,
    duty=True,
    met_by=("answer_supervision",),
    rules=(XF2022,),
    days_setting="petition.supervision_answer_days_g",
)

DUTIES = (DECIDE, REPORT, SUPERVISION_X, SUPERVISION_G)
