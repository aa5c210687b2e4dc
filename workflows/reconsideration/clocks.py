"""The time limits of a reconsideration (hotline_reconsideration.md 8), for both texts.

日 are counted as 民事诉讼法 counts them (F23 art. 88; F99 art. 40): from the day after, a last
day on a rest day moving to the next working day. 工作日 are the 3/5/7/10-day periods in F23,
only the 5/7-day ones in F99 (its 10-day answer period is 10 日). A limit of one text only says
so in ``rules``; a simple procedure's (简易程序, F23 arts. 53-54) in ``applies``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.reconsideration.terms import V1999, V2023
from workflows.spec import EventView, Lapse, Pause, TimeLimit

# The steps that accept an application: a supervisor's, or the engine's on lapse (F23 art. 30
# para 3; F99 art. 17 para 2), which records the day acceptance dates from as ``accepted_on``.
ACCEPTANCE = "accept"
DEEMED = ("deem_accept",)
ACCEPTED_ON = "accepted_on"
# The steps that end a review (审结), stopping what runs while it is under way.
ENDINGS = ("decide", "mediate", "withdraw", "terminate")
SUSPENSION = Pause("suspend", "resume")
# F23 art. 41(5), T art. 42: a suspension for these grounds ends the case once it lasts 60 days.
LAPSING_GROUNDS = ("died", "incapacitated", "organisation_ended")


def simple(data: Mapping[str, Any]) -> bool:
    return data.get("procedure") == "simple"


def ordinary(data: Mapping[str, Any]) -> bool:
    return not simple(data)


def _lapsing(ev: EventView) -> bool:
    return ev.data.get("ground") in LAPSING_GROUNDS


# F23 arts. 20-21, F99 art. 9 (T arts. 15-16): 60 日 (or the longer statutory period typed as
# ``window_days``) from the day the applicant learned of the act, plus the days lost to force
# majeure (``delay_days``). Binds the applicant: a late application is refused, never overdue.
APPLICATION_WINDOW = TimeLimit(
    "application_window",
    "申请期限",
    start="register",
    start_field="learned_on",
    days=60,
    days_field="window_days",
    plus_field="delay_days",
    binds="party",
    applies=lambda data: not (data.get("rules") == V2023 and data.get("rights_told") == "no"),
)
# F23 art. 21 para 1: an applicant never told of the right to apply has a year from learning
# of the act (read here as the whole window: the day of being told is not recorded).
APPLICATION_UNTOLD = TimeLimit(
    "application_window",
    "申请期限",
    start="register",
    start_field="learned_on",
    days=365,
    plus_field="delay_days",
    binds="party",
    rules=(V2023,),
    applies=lambda data: data.get("rights_told") == "no",
)
# F23 art. 30, F99 art. 17: decide within 5 working days of receipt whether to accept; the term
# restarts when the missing items are supplied (F23 art. 31) and does not run while the
# applicant corrects (the state ``correcting`` lists no review limit). Lapsed, the application
# is deemed accepted: on the last day in F23 (art. 30 para 3), from receipt in F99 (art. 17
# para 2: "自收到之日起即为受理").
REVIEW_LIMIT = TimeLimit(
    "review_limit",
    "受理审查期限",
    start="register",
    start_field="received_on",
    restarts=("supply",),
    days=5,
    unit="working_days",
    on_lapse=Lapse(
        "deem_accept", dated="last_day", dated_in={V1999: "start"}, date_field=ACCEPTED_ON
    ),
)
# F23 art. 31 (5 working days), T art. 29 (5 日, read as working days): ask for every missing
# item at once within the review's first five days; met by the request or by the decision.
CORRECTION_NOTICE = TimeLimit(
    "correction_notice",
    "补正通知期限",
    start="register",
    start_field="received_on",
    days=5,
    unit="working_days",
    duty=True,
    met_by=("request_correction", "accept", "deem_accept", "refuse"),
)
# F23 art. 31: the applicant corrects within 10 working days, longer for good reason (extend);
# T art. 29: within the days the notice states. Lapsed, abandonment turns on "good reason": a
# step for a person, listed as due, never fired.
ABANDON = Lapse("record_abandonment", by="person")
CORRECTION_WINDOW_2023 = TimeLimit(
    "correction_window",
    "补正期限",
    start="request_correction",
    days=10,
    unit="working_days",
    extended_by=("extend",),
    binds="party",
    rules=(V2023,),
    on_lapse=ABANDON,
)
CORRECTION_WINDOW_1999 = TimeLimit(
    "correction_window",
    "补正期限",
    start="request_correction",
    days=10,
    days_field="days",
    extended_by=("extend",),
    binds="party",
    rules=(V1999,),
    on_lapse=ABANDON,
)
# F23 art. 48 (7 working days), art. 54 (simple: 3); F99 art. 23 (7 working days): send the
# respondent a copy of the application from acceptance.
COPY_LIMIT = TimeLimit(
    "copy_limit",
    "发送副本期限",
    start=ACCEPTANCE,
    restarts=DEEMED,
    start_field=ACCEPTED_ON,
    days=7,
    unit="working_days",
    met_by=("send_copy",),
    applies=ordinary,
)
COPY_LIMIT_SIMPLE = TimeLimit(
    "copy_limit",
    "发送副本期限",
    start=ACCEPTANCE,
    restarts=DEEMED,
    start_field=ACCEPTED_ON,
    days=3,
    unit="working_days",
    met_by=("send_copy",),
    rules=(V2023,),
    applies=simple,
)
# F23 art. 48 (10 working days), art. 54 (simple: 5); F99 art. 23 (10 日): the respondent answers
# from its receipt of the copy. It binds the respondent, an organ outside casework (F23 art. 70,
# F99 art. 28(4): no answer, the act is annulled): shown, never overdue.
ANSWER_2023 = TimeLimit(
    "answer_limit",
    "书面答复期限",
    start="send_copy",
    start_field="received_on",
    days=10,
    unit="working_days",
    met_by=("receive_answer",),
    binds="outside",
    rules=(V2023,),
    applies=ordinary,
)
ANSWER_2023_SIMPLE = TimeLimit(
    "answer_limit",
    "书面答复期限",
    start="send_copy",
    start_field="received_on",
    days=5,
    unit="working_days",
    met_by=("receive_answer",),
    binds="outside",
    rules=(V2023,),
    applies=simple,
)
ANSWER_1999 = TimeLimit(
    "answer_limit",
    "书面答复期限",
    start="send_copy",
    start_field="received_on",
    days=10,
    met_by=("receive_answer",),
    binds="outside",
    rules=(V1999,),
)
# F23 art. 62, F99 art. 31: decide within 60 日 of acceptance, once extended by at most 30;
# simple procedure 30 日 (F23 art. 62 para 2), and 60 from acceptance once switched to the
# ordinary one [I]. Time suspended does not count (F23 art. 39 [I]; T arts. 41-42): the last
# day moves by the days suspended, both ends counted.
DECISION_LIMIT = TimeLimit(
    "decision_limit",
    "审理期限",
    start=ACCEPTANCE,
    restarts=DEEMED,
    start_field=ACCEPTED_ON,
    days=60,
    extended_by=("extend",),
    pauses=(SUSPENSION,),
    applies=ordinary,
)
DECISION_LIMIT_SIMPLE = TimeLimit(
    "decision_limit",
    "审理期限",
    start=ACCEPTANCE,
    restarts=DEEMED,
    start_field=ACCEPTED_ON,
    days=30,
    pauses=(SUSPENSION,),
    rules=(V2023,),
    applies=simple,
)
# F23 art. 41(5), T art. 42: a suspension for death, incapacity or an organisation's end that
# lasts 60 日 ends the case: ``terminate`` falls due, for the supervisor to take.
SUSPENSION_LIMIT = TimeLimit(
    "suspension_limit",
    "中止满60日",
    start="suspend",
    start_if=_lapsing,
    days=60,
    on_lapse=Lapse("terminate", by="person"),
)
# 行政诉讼法 art. 45: 15 日 from service to sue (binds the applicant).
LITIGATION_WINDOW = TimeLimit(
    "litigation_window",
    "起诉期限",
    start="serve",
    start_field="served_on",
    days=15,
    binds="party",
)

RECEIVED_LIMITS = (REVIEW_LIMIT, APPLICATION_UNTOLD, APPLICATION_WINDOW)
REVIEWING_LIMITS = (
    DECISION_LIMIT,
    DECISION_LIMIT_SIMPLE,
    COPY_LIMIT,
    COPY_LIMIT_SIMPLE,
    ANSWER_2023,
    ANSWER_2023_SIMPLE,
    ANSWER_1999,
)
SUSPENDED_LIMITS = (SUSPENSION_LIMIT, DECISION_LIMIT, DECISION_LIMIT_SIMPLE)
CORRECTING_LIMITS = (CORRECTION_WINDOW_2023, CORRECTION_WINDOW_1999)
DUTIES = (CORRECTION_NOTICE,)
